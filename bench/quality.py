"""bench/run quality: how much the models earn an admin's trust, on generated snapshot exports (seeds the tests do
not use), measured against the generator's truth file (each enrolment's eventual outcome, also when it is decided
after the export date).

- risk-auc: ROC-AUC of the risk of every enrolment live at the export date against its eventual outcome, beside the
  one-line heuristic "days since last activity" on the same enrolments (goal: baseline + 0.04, as a ratio).
- risk-ece: expected calibration error of that risk against the eventual outcome (10 bins; goal <= 0.05).
- backtest-auc: the pipeline's own rolling backtest (trained as of T-2h, scored as of T-h, outcomes read at T),
  enrolments of every tenant with enough outcomes pooled by weight, beside the same baseline.
- small-tenant-auc: tenants too small for a model of their own (12-tenant export, every tenant consenting): the fit
  shrunk towards the pooled platform model against a fit on the tenant's rows alone, both against the truth.
- ndcg-tuned: held-out nDCG@10 of the recommender with its per-tenant search against the defaults (the search never
  sees the held-out courses).
- nightly-time: wall time of `lodestar run refresh --all --dry-run` on the quickstart export with the search against
  `--no-search` (goal <= 2.0).

Every figure is computed here, in Python, from the scores Lodestar wrote (`lodestar bench-quality`, in memory,
nothing written to MongoDB) and the truth file.
"""
import json
import os
import subprocess
import time

import common

NEEDS_MONGO = False


def generate(path, tenants, learners, seed):
    if not os.path.exists(os.path.join(path, "truth.ndjson")):
        subprocess.run(["rm", "-rf", path], check=True)
        subprocess.run([common.BIN, "generate", "--tenants", str(tenants), "--learners", str(learners), "--format", "avro",
                        "--codec", "deflate", "--out", path, "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)


def truth(path):
    out = {}
    with open(os.path.join(path, "truth.ndjson")) as f:
        for line in f:
            o = json.loads(line)
            if o.get("kind") == "enrolment":
                out[(o["tenant_id"], o["learner_id"], o["course_id"])] = bool(o["dropped"])
    return out


def auc(scores, labels):
    pairs = sorted(zip(scores, labels))
    rank_sum, i, n = 0.0, 0, len(pairs)
    while i < n:
        j = i
        while j + 1 < n and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        r = (i + j) / 2 + 1
        rank_sum += sum(r for k in range(i, j + 1) if pairs[k][1])
        i = j + 1
    p = sum(labels)
    q = n - p
    return (rank_sum - p * (p + 1) / 2) / (p * q) if p and q else float("nan")


def ece(probs, labels, bins=10):
    tot, n = 0.0, len(probs)
    for b in range(bins):
        idx = [i for i, p in enumerate(probs) if min(bins - 1, int(p * bins)) == b]
        if idx:
            tot += len(idx) / n * abs(sum(probs[i] for i in idx) / len(idx) - sum(labels[i] for i in idx) / len(idx))
    return tot


def bench_quality(path, consent):
    scores = os.path.join(path, "scores.ndjson")
    out = common.lodestar_json("bench-quality", "--source", os.path.join(path, "events"), "--catalog", os.path.join(path, "courses"),
                               "--scores", scores, "--pooled-consent", consent, env={"OPENBLAS_NUM_THREADS": "1"})
    with open(scores) as f:
        rows = [json.loads(l) for l in f if l.strip()]
    return out["tenants"], rows


def main():
    data = os.path.join(common.ROOT, "bench", "data", "quality")
    qs = os.path.join(data, "quickstart")   # what scripts/quickstart generates: 3 tenants, 3,000 learners, seed 7
    many = os.path.join(data, "many")       # 12 tenants of Zipf sizes, seed 99
    generate(qs, 3, 3000, 7)
    generate(many, 12, 6000, 99)
    notes, result_rows = [], []

    # Nightly run time, with and without the recommender search (dry run: the models, not the test server).
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", MONGODB_URI="mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1")
    times = {}
    for label, extra in (("search", []), ("no-search", ["--no-search"])):
        best = float("inf")
        for _ in range(2):
            t = time.perf_counter()
            subprocess.run([common.BIN, "run", "refresh", "--all", "--dry-run", "--source", os.path.join(qs, "events"), "--catalog",
                            os.path.join(qs, "courses"), "--pooled-consent", "", "--threads", "2", "--models-dir", os.path.join(data, "models"),
                            "--report-dir", os.path.join(data, "reports"), *extra], check=True, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            best = min(best, time.perf_counter() - t)
        times[label] = best

    # Quickstart export: every tenant has a model of its own.
    tenants, rows = bench_quality(qs, "")
    t = truth(qs)
    live = [r for r in rows if (r["tenant"], r["learner"], r["course"]) in t]
    y = [t[(r["tenant"], r["learner"], r["course"])] for r in live]
    risk = [r["risk"] for r in live]
    idle = [r["idle_days"] for r in live]
    a_risk, a_idle, e = auc(risk, y), auc(idle, y), ece(risk, y)
    result_rows.append(common.row("risk-auc", "AUC", a_risk, a_idle, "days since last activity", round((a_idle + 0.04) / a_idle, 3), "higher"))
    result_rows.append(common.row("risk-ece", "ECE", e, 0.05, "target 0.05", 1.0, "lower"))
    notes.append(f"quickstart export (3 tenants, seed 7): {len(live)} enrolments live at the export date, {sum(y)} of them eventually "
                 f"withdrawn ({sum(y) / len(y):.1%}); mean risk {sum(risk) / len(risk):.3f}; AUC {a_risk:.3f} vs days since last activity "
                 f"{a_idle:.3f} (+{a_risk - a_idle:.3f}); ECE {e:.3f}")
    for tn in tenants:
        ty = [t[(r["tenant"], r["learner"], r["course"])] for r in live if r["tenant"] == tn["tenant"]]
        tr = [r["risk"] for r in live if r["tenant"] == tn["tenant"]]
        ti = [r["idle_days"] for r in live if r["tenant"] == tn["tenant"]]
        b = tn.get("backtest") or {}
        def iv(x):
            return f"{x['value']:.3f} [{x.get('low', float('nan')):.3f}, {x.get('high', float('nan')):.3f}]" if x else "-"
        bt = (f"backtest AUC {iv(b.get('auc'))} vs days since last activity {iv(b.get('daysSinceLastActivityAUC'))} vs course base rate "
              f"{iv(b.get('courseBaseRateAUC'))}, ECE within horizon {b.get('horizonECE', float('nan')):.3f} ({b.get('scored')} scored, "
              f"{b.get('droppedByOutcome')} dropped)") if b.get("enoughData") else f"backtest: {b.get('note', 'none')}"
        notes.append(f"{tn['tenant']} ({tn['learners']} learners): truth AUC {auc(tr, ty):.3f} vs {auc(ti, ty):.3f}, ECE {ece(tr, ty):.3f}; {bt}; "
                     f"recommender {tn.get('search')}: held-out nDCG@10 {tn.get('ndcg10', 0):.4f} vs defaults {tn.get('ndcg10_default', 0):.4f}")
    # Backtest figures pooled over tenants with enough outcomes (weighted by scored enrolments).
    bts = [tn["backtest"] for tn in tenants if tn.get("backtest") and tn["backtest"].get("enoughData")]
    w = sum(b["scored"] for b in bts)
    if w:
        bm = sum(b["auc"]["value"] * b["scored"] for b in bts) / w
        bb = sum(b["daysSinceLastActivityAUC"]["value"] * b["scored"] for b in bts) / w
        result_rows.append(common.row("backtest-auc", "AUC", bm, bb, "days since last activity", 1.0, "higher"))
    # Recommender: tuned vs defaults, weighted by held-out learners (approximated by learners).
    rec = [tn for tn in tenants if tn.get("ndcg10") is not None and tn.get("ndcg10_default") is not None]
    wl = sum(tn["learners"] for tn in rec)
    tuned = sum(tn["ndcg10"] * tn["learners"] for tn in rec) / wl
    default = sum(tn["ndcg10_default"] * tn["learners"] for tn in rec) / wl
    result_rows.append(common.row("ndcg-tuned", "nDCG@10", tuned, default, "defaults (16, λ10, α1, 15)", 1.0, "higher"))
    result_rows.append(common.row("nightly-time", "s", times["search"], times["no-search"], "refresh --no-search", 2.0, "lower"))
    notes.append(f"nightly refresh of the quickstart export (dry run, 2 threads): {times['search']:.1f} s with the search, "
                 f"{times['no-search']:.1f} s without")

    # Many tenants, all consenting: small tenants borrow the pooled prior.
    tenants, rows = bench_quality(many, "all")
    t = truth(many)
    small = [r for r in rows if r["source"] == "pooled-prior" and r.get("tenant_only_risk") is not None and (r["tenant"], r["learner"], r["course"]) in t]
    if small:
        y = [t[(r["tenant"], r["learner"], r["course"])] for r in small]
        ap, ao = auc([r["risk"] for r in small], y), auc([r["tenant_only_risk"] for r in small], y)
        result_rows.append(common.row("small-tenant-auc", "AUC", ap, ao, "tenant-only model", 1.0, "higher"))
        names = sorted({r["tenant"] for r in small})
        notes.append(f"12-tenant export (seed 99), all consenting: {len(names)} small tenants ({', '.join(names)}; "
                     f"{len(small)} live enrolments) borrow the pooled prior: AUC {ap:.3f} vs {ao:.3f} tenant-only, "
                     f"ECE {ece([r['risk'] for r in small], y):.3f} vs {ece([r['tenant_only_risk'] for r in small], y):.3f}")
    common.report("quality", result_rows, notes)


if __name__ == "__main__":
    main()
