"""Suite models: Lodestar's iALS / top-K / logistic regression vs implicit 0.7.3 and scikit-learn, same data, same run,
2 cores each.

The data is generated once (seeded) into bench/data/models/ and read by both sides:
- a planted-structure implicit dataset (200k learners x 10k courses, ~5M distinct interactions, 40 latent topics,
  heavy-tailed course popularity and learner activity, event-type weights summed per pair), with 20% of each
  learner's courses (learners with >= 3) held out for evaluation;
- a 1M x 32 (+200k test) logistic-regression dataset with mixed scales and correlated features.

Each peer runs in its own subprocess with the threading its docs recommend: implicit with OPENBLAS_NUM_THREADS=1 and
num_threads=2; scikit-learn with its default BLAS threads (2). Lodestar uses 2 threads with BLAS pinned to one.
Ranking quality is computed by the same Python code from both tools' top-10 lists.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402

DATA = os.path.join(common.ROOT, "bench", "data", "models")
MAGIC = b"LSBENCH1"


# ---------------------------------------------------------------- data

def write_csr(path, m):
    import numpy as np
    m = m.tocsr()
    m.sort_indices()
    with open(path, "wb") as f:
        f.write(MAGIC)
        np.array([m.shape[0], m.shape[1], m.nnz], dtype="<i8").tofile(f)
        m.indptr.astype("<i8").tofile(f)
        m.indices.astype("<i4").tofile(f)
        m.data.astype("<f4").tofile(f)


def write_dense(path, x, y):
    import numpy as np
    with open(path, "wb") as f:
        f.write(MAGIC)
        np.array([x.shape[0], x.shape[1], -1], dtype="<i8").tofile(f)
        np.ascontiguousarray(x, dtype="<f4").tofile(f)
        y.astype("<f4").tofile(f)


def generate_implicit(learners, courses, topics, mean_items, seed=20261127):
    import numpy as np
    import scipy.sparse as sp
    rng = np.random.default_rng(seed)
    course_topic = rng.permutation(np.arange(courses) % topics)
    popularity = 1.0 / np.arange(1, courses + 1) ** 0.8          # heavy-tailed, Zipf-like
    popularity = popularity[rng.permutation(courses)]
    by_topic = [np.flatnonzero(course_topic == t) for t in range(topics)]
    cdf_topic = [np.cumsum(popularity[c]) / popularity[c].sum() for c in by_topic]
    cdf_all = np.cumsum(popularity) / popularity.sum()
    counts = np.clip(rng.lognormal(np.log(mean_items) - 0.5, 1.0, learners).astype(np.int64), 1, 600)
    rows = np.repeat(np.arange(learners), counts)
    n = rows.size
    primary = rng.integers(0, topics, learners)
    secondary = rng.integers(0, topics, learners)
    u = rng.random(n)
    topic = np.where(u < 0.65, primary[rows], secondary[rows])
    cols = np.empty(n, dtype=np.int64)
    noise = u >= 0.9                                            # 10% anywhere, by global popularity
    cols[noise] = np.minimum(np.searchsorted(cdf_all, rng.random(noise.sum())), courses - 1)
    for t in range(topics):
        sel = (~noise) & (topic == t)
        k = np.minimum(np.searchsorted(cdf_topic[t], rng.random(sel.sum())), len(by_topic[t]) - 1)
        cols[sel] = by_topic[t][k]
    # event types: view 1, lesson completed 3, quiz 4, course completed 8
    weights = rng.choice(np.array([1, 3, 4, 8], dtype=np.float32), n, p=[0.45, 0.3, 0.15, 0.1])
    m = sp.coo_matrix((weights, (rows, cols)), shape=(learners, courses)).tocsr()
    m.sum_duplicates()
    # hold out 20% of each learner's courses (learners with >= 3 courses)
    row_of = np.repeat(np.arange(learners), np.diff(m.indptr))
    eligible = np.diff(m.indptr)[row_of] >= 3
    held = eligible & (rng.random(m.nnz) < 0.2)
    coo = m.tocoo()
    train = sp.csr_matrix((coo.data[~held], (coo.row[~held], coo.col[~held])), shape=m.shape, dtype=np.float32)
    test = sp.csr_matrix((coo.data[held], (coo.row[held], coo.col[held])), shape=m.shape, dtype=np.float32)
    return train, test


def generate_logistic(rows, test_rows, features, seed=7):
    import numpy as np
    rng = np.random.default_rng(seed)
    n = rows + test_rows
    latent = rng.standard_normal((n, 8))
    mix = rng.standard_normal((8, features)) * 0.6
    x = rng.standard_normal((n, features)) + latent @ mix               # correlated
    scales = np.exp(rng.uniform(-2, 3, features))
    shifts = rng.uniform(-50, 50, features)
    x = x * scales + shifts                                             # mixed scales and offsets
    w = rng.standard_normal(features) * (rng.random(features) < 0.6)    # some features carry no signal
    z = ((x - shifts) / scales) @ w * 0.35 - 1.0
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(np.float32)
    x = x.astype(np.float32)
    return x[:rows], y[:rows], x[rows:], y[rows:]


def ensure_data(args):
    os.makedirs(DATA, exist_ok=True)
    tag = f"{args.learners}x{args.courses}x{args.mean_items}"
    paths = {k: os.path.join(DATA, f"{k}-{tag}.bin") for k in ("ials-train", "ials-test")}
    ltag = f"{args.rows}x{args.features}"
    paths.update({k: os.path.join(DATA, f"{k}-{ltag}.bin") for k in ("logreg-train", "logreg-test")})
    if not (os.path.exists(paths["ials-train"]) and os.path.exists(paths["ials-test"])):
        t = time.time()
        train, test = generate_implicit(args.learners, args.courses, 40, args.mean_items)
        write_csr(paths["ials-train"], train)
        write_csr(paths["ials-test"], test)
        print(f"generated implicit data: train nnz {train.nnz}, test nnz {test.nnz} in {time.time() - t:.1f} s",
              file=sys.stderr)
    if not (os.path.exists(paths["logreg-train"]) and os.path.exists(paths["logreg-test"])):
        x, y, tx, ty = generate_logistic(args.rows, args.rows // 5, args.features)
        write_dense(paths["logreg-train"], x, y)
        write_dense(paths["logreg-test"], tx, ty)
        print(f"generated logistic data: {x.shape}, positives {y.mean():.3f}", file=sys.stderr)
    return paths


def read_csr(path):
    import numpy as np
    import scipy.sparse as sp
    with open(path, "rb") as f:
        assert f.read(8) == MAGIC
        r, c, nnz = np.fromfile(f, "<i8", 3)
        indptr = np.fromfile(f, "<i8", r + 1)
        idx = np.fromfile(f, "<i4", nnz)
        val = np.fromfile(f, "<f4", nnz)
    return sp.csr_matrix((val, idx, indptr), shape=(r, c))


def read_dense(path):
    import numpy as np
    with open(path, "rb") as f:
        assert f.read(8) == MAGIC
        r, c, _ = np.fromfile(f, "<i8", 3)
        x = np.fromfile(f, "<f4", r * c).reshape(r, c)
        y = np.fromfile(f, "<f4", r)
    return x, y


def ranking_quality(recs, train, test, k=10):
    """Mean nDCG@k and precision@k (binary relevance) over learners with training and held-out courses."""
    import numpy as np
    has_train = np.diff(train.indptr) > 0
    has_test = np.diff(test.indptr) > 0
    users = np.flatnonzero(has_train & has_test)
    discounts = 1 / np.log2(np.arange(2, k + 2))
    ndcg = prec = 0.0
    for u in users:
        rel = set(test.indices[test.indptr[u]:test.indptr[u + 1]].tolist())
        hits = np.array([1.0 if c in rel else 0.0 for c in recs[u][:k]])
        hits = np.pad(hits, (0, k - hits.size))
        ndcg += (hits * discounts).sum() / discounts[:min(k, len(rel))].sum()
        prec += hits.sum() / k
    return ndcg / len(users), prec / len(users), len(users)


# ---------------------------------------------------------------- peers (each in its own subprocess)

def part_implicit(args, paths):
    import numpy as np
    import implicit
    from implicit.cpu.als import AlternatingLeastSquares
    train, test = read_csr(paths["ials-train"]), read_csr(paths["ials-test"])
    model = AlternatingLeastSquares(factors=args.factors, regularization=args.regularization, alpha=args.alpha,
                                    iterations=args.iterations, use_cg=True, num_threads=args.threads,
                                    calculate_training_loss=False, random_state=0)
    t = time.perf_counter()
    model.fit(train, show_progress=False)
    fit = time.perf_counter() - t
    users = np.arange(train.shape[0])
    t = time.perf_counter()
    ids, _ = model.recommend(users, train, N=10, filter_already_liked_items=True)
    rec = time.perf_counter() - t
    ndcg, prec, n = ranking_quality(ids, train, test)
    return {"fit_seconds": fit, "recommend_seconds": rec, "learners": int(users.size), "ndcg10": ndcg,
            "precision10": prec, "eval_learners": n, "version": implicit.__version__}


def part_sklearn(args, paths):
    import sklearn
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits
    x, y = read_dense(paths["logreg-train"])
    tx, ty = read_dense(paths["logreg-test"])
    with threadpool_limits(limits=args.threads):
        model = make_pipeline(StandardScaler(), LogisticRegression(C=args.c, solver="lbfgs", max_iter=1000))
        t = time.perf_counter()
        model.fit(x, y)
        fit = time.perf_counter() - t
        auc = roc_auc_score(ty, model.predict_proba(tx)[:, 1])
    return {"fit_seconds": fit, "auc": auc, "iterations": int(model[-1].n_iter_[0]), "version": sklearn.__version__}


def run_part(name, args, env):
    e = dict(os.environ)
    e.update(env)
    cmd = [sys.executable, os.path.abspath(__file__), "--part", name] + passthrough(args)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=e)
    return json.loads([l for l in out.stdout.splitlines() if l.strip()][-1])


def passthrough(args):
    return ["--learners", str(args.learners), "--courses", str(args.courses), "--mean-items", str(args.mean_items),
            "--rows", str(args.rows), "--features", str(args.features), "--factors", str(args.factors),
            "--iterations", str(args.iterations), "--regularization", str(args.regularization),
            "--alpha", str(args.alpha), "--threads", str(args.threads), "--c", str(args.c)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--part", choices=["implicit", "sklearn"])
    p.add_argument("--learners", type=int, default=200_000)
    p.add_argument("--courses", type=int, default=10_000)
    p.add_argument("--mean-items", type=int, default=34)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--features", type=int, default=32)
    p.add_argument("--factors", type=int, default=64)
    p.add_argument("--iterations", type=int, default=15)
    p.add_argument("--regularization", type=float, default=0.05)
    p.add_argument("--alpha", type=float, default=2.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--c", type=float, default=1.0)
    args = p.parse_args()
    paths = ensure_data(args)
    if args.part == "implicit":
        print(json.dumps(part_implicit(args, paths)))
        return
    if args.part == "sklearn":
        print(json.dumps(part_sklearn(args, paths)))
        return

    import numpy as np
    recs_path = os.path.join(DATA, "lodestar-recs.i32")
    ours = common.lodestar_json("bench-models", "ials", "--train", paths["ials-train"], "--test", paths["ials-test"],
                                "--output", recs_path, "--factors", args.factors, "--iterations", args.iterations,
                                "--regularization", args.regularization, "--alpha", args.alpha,
                                "--threads", args.threads)
    train, test = read_csr(paths["ials-train"]), read_csr(paths["ials-test"])
    our_recs = np.fromfile(recs_path, "<i4").reshape(-1, 10)
    our_recs = [r[r >= 0] for r in our_recs]
    ndcg, prec, n_eval = ranking_quality(our_recs, train, test)
    peer = run_part("implicit", args, {"OPENBLAS_NUM_THREADS": "1"})
    ours_lr = common.lodestar_json("bench-models", "logreg", "--train", paths["logreg-train"],
                                   "--test", paths["logreg-test"], "--c", args.c, "--threads", args.threads)
    peer_lr = run_part("sklearn", args, {})

    rows = [
        common.row("ials-time", "s", ours["fit_seconds"], peer["fit_seconds"], f"implicit {peer['version']}",
                   0.7, "lower"),
        common.row("ials-ndcg", "nDCG@10", ndcg, peer["ndcg10"], f"implicit {peer['version']}", 0.99, "higher"),
        common.row("recommend-all", "learners/s", ours["learners"] / ours["recommend_seconds"],
                   peer["learners"] / peer["recommend_seconds"], "implicit recommend", 1.0, "higher"),
        common.row("logreg-time", "s", ours_lr["fit_seconds"], peer_lr["fit_seconds"],
                   f"sklearn {peer_lr['version']} lbfgs", 0.5, "lower"),
        common.row("logreg-auc", "AUC", ours_lr["auc"], peer_lr["auc"], f"sklearn {peer_lr['version']} lbfgs",
                   0.998, "higher"),
    ]
    notes = [
        f"iALS data: {train.shape[0]} learners x {train.shape[1]} courses, {train.nnz} training / {test.nnz} held-out "
        f"interactions; {args.factors} factors, {args.iterations} iterations, CG 3 steps, regularization "
        f"{args.regularization}, alpha {args.alpha} (confidence = alpha * r on both sides), {args.threads} threads "
        "each (implicit: OPENBLAS_NUM_THREADS=1, num_threads=2)",
        f"precision@10: lodestar {prec:.4f}, implicit {peer['precision10']:.4f} over {n_eval} learners "
        f"(lodestar's own metric code: nDCG@10 {ours['ndcg10']:.4f}, precision@10 {ours['precision10']:.4f})",
        f"recommend-all: top-10 excluding training items for all {ours['learners']} learners "
        f"(lodestar {ours['recommend_seconds']:.2f} s, implicit {peer['recommend_seconds']:.2f} s)",
        f"logreg: {args.rows} x {args.features} (+{args.rows // 5} test), C={args.c}; sklearn = StandardScaler + "
        f"LogisticRegression(lbfgs), {peer_lr['iterations']} iterations; lodestar Newton, {ours_lr['iterations']} "
        "iterations, standardisation inside the fit time",
    ]
    notes.append("load average (1/5/15 min) at the end: %.2f %.2f %.2f — the 2 cores are shared with other work, "
                 "so absolute figures vary between runs" % os.getloadavg())
    common.report("models", rows, notes)


if __name__ == "__main__":
    main()
