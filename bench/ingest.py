"""bench/run ingest: reading BigQuery exports. Generates a ~5M-event export with `lodestar generate` (Avro deflate,
NDJSON, CSV; bench/data/, git-ignored), then on the same files in the same run compares decode + validation
throughput against fastavro (Avro), pyarrow.json (NDJSON) and pyarrow.csv (CSV), and measures each reader's peak RSS
on a small and on the big export (it should stay flat as the input grows).
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

DATA = os.path.join(common.ROOT, "bench", "data", "ingest")
BIG_LEARNERS = int(os.environ.get("INGEST_LEARNERS", "38000"))
SMALL_LEARNERS = BIG_LEARNERS // 10
ROWS_PER_FILE = 1_250_000
SEED = 42

PEER = r"""
import json, sys, time
fmt, paths = sys.argv[1], sys.argv[2:]
t = time.perf_counter()
n = 0
if fmt == "avro":
    import fastavro
    for p in paths:
        with open(p, "rb") as f:
            for _ in fastavro.reader(f):
                n += 1
elif fmt == "ndjson":
    import pyarrow.json as pj
    for p in paths:
        n += pj.read_json(p).num_rows
else:
    import pyarrow.csv as pc
    for p in paths:
        n += pc.read_csv(p).num_rows
print(json.dumps({"rows": n, "seconds": time.perf_counter() - t}))
"""


def run_measured(cmd):
    """Runs cmd, returns (parsed last JSON line of stdout, peak RSS in MiB) using wait4's rusage for that child."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed with {p.returncode}")
    lines = [l for l in out.splitlines() if l.strip()]
    return json.loads(lines[-1]), ru.ru_maxrss / 1024.0


def generate(fmt, learners, name):
    out = os.path.join(DATA, name)
    marker = os.path.join(out, ".done")
    want = f"{fmt} {learners} {SEED} {ROWS_PER_FILE} snapshot"  # events/ and courses/ folders
    if os.path.exists(marker) and open(marker).read() == want:
        return out
    subprocess.run(["rm", "-rf", out], check=True)
    t = time.perf_counter()
    res = subprocess.run([common.BIN, "generate", "--tenants", "20", "--learners", str(learners), "--format", fmt,
                          "--codec", "deflate", "--seed", str(SEED), "--rows-per-file", str(ROWS_PER_FILE),
                          "--out", out], check=True, capture_output=True, text=True)
    print(f"generate {fmt} {learners} learners: {time.perf_counter() - t:.1f} s: {res.stdout.splitlines()[0]}",
          flush=True)
    with open(marker, "w") as f:
        f.write(want)
    return out


def events(folder, ext):
    folder = os.path.join(folder, "events")
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(ext))


def main():
    os.makedirs(DATA, exist_ok=True)
    rows, notes = [], []
    py = sys.executable
    for fmt, ext, peer_name in [("avro", ".avro", "fastavro"), ("ndjson", ".json", "pyarrow.json"),
                                ("csv", ".csv", "pyarrow.csv")]:
        big = events(generate(fmt, BIG_LEARNERS, f"{fmt}-big"), ext)
        small = events(generate(fmt, SMALL_LEARNERS, f"{fmt}-small"), ext)
        # Throughput: best of 3, both sides on the same files.
        # (fastavro takes about a minute per pass, so it runs once; the others best of 3.)
        best_l, best_p = None, None
        for k in range(3):
            l, _ = run_measured([common.BIN, "bench-ingest", "--parallel", "2", *big])
            best_l = l if best_l is None or l["seconds"] < best_l["seconds"] else best_l
            if fmt != "avro" or k == 0:
                p, _ = run_measured([py, "-c", PEER, fmt, *big])
                assert l["rows"] == p["rows"], (l, p)
                best_p = p if best_p is None or p["seconds"] < best_p["seconds"] else best_p
        n = best_l["rows"]
        rows.append(common.row(f"{fmt}-decode", "rows/s", n / best_l["seconds"], n / best_p["seconds"], peer_name,
                               1.0 if fmt == "avro" else 0.5, "higher"))
        notes.append(f"{fmt}: {n} rows in {len(big)} files; lodestar {best_l['seconds']:.2f} s "
                     f"(decode + validation, 2 files at a time), {peer_name} {best_p['seconds']:.2f} s")
        # Peak RSS reading the files one after another through one source: small export vs the ~10x bigger one.
        _, rss_small = run_measured([common.BIN, "bench-ingest", "--parallel", "1", *small])
        _, rss_big = run_measured([common.BIN, "bench-ingest", "--parallel", "1", *big])
        _, prss_small = run_measured([py, "-c", PEER, fmt, *small])
        _, prss_big = run_measured([py, "-c", PEER, fmt, *big])
        rows.append(common.row(f"{fmt}-rss", "MiB", rss_big, prss_big, peer_name, 1.0, "lower"))
        rows.append(common.row(f"{fmt}-rss-growth", "x", rss_big / rss_small, 1.0, "flat (1.0)", 1.2, "lower"))
        notes.append(f"{fmt} peak RSS: lodestar {rss_small:.0f} -> {rss_big:.0f} MiB, {peer_name} {prss_small:.0f} -> "
                     f"{prss_big:.0f} MiB (small export {SMALL_LEARNERS} learners vs big {BIG_LEARNERS})")
    common.report("ingest", rows, notes)


if __name__ == "__main__":
    main()
