"""bench/run pipeline: a full refresh of one large generated tenant (200k learners by default), time per phase and
peak RSS. `refresh-rss` = peak RSS / (CSR bytes + factor bytes), goal <= 2.0.

The run is `lodestar run refresh --dry-run`: everything is computed (read, aggregate, features, held-out evaluation
skipped, iALS, top-K with reasons, risk model and scores) but nothing is written to MongoDB, because the test server
(SecantusDB, a Python server) upserts ~1k documents/s and would turn this into a benchmark of itself. There is no peer
for a whole refresh; the 'peer' column of refresh-rss is the size of the matrices the job cannot do without.
"""
import json
import os
import resource
import subprocess
import sys
import time

import common

LEARNERS = int(os.environ.get("BENCH_PIPELINE_LEARNERS", "200000"))


def main():
    data = os.path.join(common.ROOT, "bench", "data", f"pipeline-{LEARNERS}")
    # A snapshot export: events/ and courses/ beside truth.ndjson (an older flat layout is generated again).
    if not os.path.isdir(os.path.join(data, "events")) or not os.path.exists(os.path.join(data, "truth.ndjson")):
        subprocess.run(["rm", "-rf", data], check=True)
        print(f"generating one tenant of {LEARNERS} learners into {data}", flush=True)
        subprocess.run([common.BIN, "generate", "--tenants", "1", "--learners", str(LEARNERS), "--out", data,
                        "--seed", "3", "--rows-per-file", "5000000"], check=True)
    sources = [os.path.join(data, "events")]
    courses = [os.path.join(data, "courses")]
    summary_path = os.path.join(data, "summary.json")
    cmd = [common.BIN, "run", "refresh", "--all", "--dry-run", "--no-evaluate", "--source", *sources,
           "--catalog", *courses, "--cutoff", "2026-04-20 00:00:00 UTC", "--threads", "2",
           "--models-dir", os.path.join(data, "models"), "--report-dir", os.path.join(data, "reports"),
           "--summary-json", summary_path]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", MONGODB_URI="mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1")
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # bytes (the generator ran earlier or not at all)
    with open(summary_path) as f:
        s = json.load(f)
    t0 = s["tenants"][0]
    nnz, learners, courses_n, factors = t0["interactions"], t0["learners"], t0["courses"], t0["factors"]
    csr = 2 * (nnz * (4 + 4) + 8 * (learners + courses_n + 2))  # by learner and by course: Int32 column + Float value
    factor_bytes = 4 * factors * (learners + courses_n)
    ideal = csr + factor_bytes
    rows = [common.row("refresh-rss", "ratio", rss, ideal, "CSR + factors (bytes)", 2.0, "lower")]
    phases = ", ".join(f"{p['phase']} {p['seconds']:.1f}s" for p in t0["phaseSeconds"])
    notes = [f"{t0['events']} events, {learners} learners, {courses_n} courses, {t0['enrolments']} enrolments, {nnz} interactions, {factors} factors",
             f"wall {wall:.1f}s: read {s['readSeconds']:.1f}s, {phases}",
             f"peak RSS {rss / 2**20:.0f} MiB vs CSR {csr / 2**20:.0f} MiB + factors {factor_bytes / 2**20:.0f} MiB",
             "dry run: nothing written to MongoDB (see the header of bench/pipeline.py)"]
    common.report("pipeline", rows, notes)


if __name__ == "__main__":
    main()
