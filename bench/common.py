"""Shared pieces of the side-by-side benchmarks: running the Lodestar binary, timing, the result table.

Every suite writes bench/results/SUITE.json: a list of
{"name", "unit", "lodestar", "peer", "peer_name", "ratio", "goal", "better"} where ratio = lodestar / peer
(for throughputs better = "higher", for times and sizes better = "lower").
"""
import json
import os
import platform
import subprocess
import sys
import time

ROOT = os.environ.get("LODESTAR_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("LODESTAR_BIN", os.path.join(ROOT, ".build", "release", "lodestar"))


def lodestar_json(*args, env=None):
    """Runs `lodestar ARGS...` and parses the JSON object it prints on its last stdout line."""
    e = dict(os.environ)
    e.update(env or {})
    out = subprocess.run([BIN, *map(str, args)], check=True, capture_output=True, text=True, env=e)
    lines = [l for l in out.stdout.splitlines() if l.strip()]
    return json.loads(lines[-1])


def machine():
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1048576:.0f} GiB"
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, {mem}, {platform.system()} {platform.release()}"


def row(name, unit, lodestar, peer, peer_name, goal, better):
    ratio = lodestar / peer if peer else float("nan")
    return {"name": name, "unit": unit, "lodestar": lodestar, "peer": peer, "peer_name": peer_name,
            "ratio": ratio, "goal": goal, "better": better}


def met(r):
    return r["ratio"] >= r["goal"] if r["better"] == "higher" else r["ratio"] <= r["goal"]


def report(suite, rows, notes=None):
    """Prints the table and writes bench/results/SUITE.json (rows plus the machine under "machine" in a sidecar)."""
    print(f"\nsuite {suite} on {machine()}")
    hdr = f"{'name':<16} {'unit':<12} {'lodestar':>12} {'peer':>12} {'peer_name':<22} {'ratio':>7} {'goal':>9}  met"
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        g = (">= " if r["better"] == "higher" else "<= ") + f"{r['goal']}"
        print(f"{r['name']:<16} {r['unit']:<12} {r['lodestar']:>12.4g} {r['peer']:>12.4g} {r['peer_name']:<22} "
              f"{r['ratio']:>7.3f} {g:>9}  {'yes' if met(r) else 'NO'}")
    for n in notes or []:
        print(f"note: {n}")
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    path = os.path.join(ROOT, "bench", "results", f"{suite}.json")
    with open(path, "w") as f:
        json.dump(rows, f, indent=2)
        f.write("\n")
    with open(os.path.join(ROOT, "bench", "results", f"{suite}.machine.txt"), "w") as f:
        f.write(machine() + "\n")
        for n in notes or []:
            f.write(f"note: {n}\n")
    print(f"wrote {os.path.relpath(path, ROOT)}")


def best_of(fn, repeats=3):
    """Runs fn() `repeats` times, returns the shortest wall time in seconds and the last result."""
    best, res = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        res = fn()
        best = min(best, time.perf_counter() - t)
    return best, res
