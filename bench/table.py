"""Prints bench/results/*.json as one Markdown table (for docs/benchmarks.md), with each suite's machine line."""
import glob
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fmt(v):
    if v is None:
        return "—"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def main():
    print("| suite | name | unit | Lodestar | peer | peer name | ratio | goal | met |")
    print("|---|---|---|---|---|---|---|---|---|")
    machines = []
    for path in sorted(glob.glob(os.path.join(ROOT, "bench", "results", "*.json"))):
        suite = os.path.basename(path)[:-5]
        for r in json.load(open(path)):
            goal = (">= " if r["better"] == "higher" else "<= ") + str(r["goal"])
            met = r["ratio"] >= r["goal"] if r["better"] == "higher" else r["ratio"] <= r["goal"]
            print(f"| {suite} | {r['name']} | {r['unit']} | {fmt(r['lodestar'])} | {fmt(r['peer'])} | {r['peer_name']} | "
                  f"{r['ratio']:.3f} | {goal} | {'yes' if met else 'no'} |")
        m = os.path.join(ROOT, "bench", "results", f"{suite}.machine.txt")
        if os.path.exists(m):
            machines.append(f"- `{suite}`: " + open(m).read().strip().replace("\n", "; "))
    print()
    print("\n".join(machines))


if __name__ == "__main__":
    main()
