"""bench/run mongo: bulk upsert and read-back of 100k small documents, Lodestar (libmongoc) vs pymongo,
against the same SecantusDB server started by bench/run, alternating runs, best of three each."""
import os
import random
import time

from pymongo import MongoClient, ReplaceOne

import common

NEEDS_MONGO = True
DOCS = int(os.environ.get("BENCH_MONGO_DOCS", "100000"))


def pymongo_run(uri):
    client = MongoClient(uri)
    db = client[f"bench_pymongo_{random.getrandbits(32)}"]
    coll = db["bench_rows"]
    coll.create_index([("tenant_id", 1), ("learner_id", 1), ("course_id", 1)], unique=True)
    rows = [{"tenant_id": "bench", "learner_id": f"l-{i // 10}", "course_id": f"c-{i % 10}",
             "score": (i % 97) / 97, "n": i} for i in range(DOCS)]
    t = time.perf_counter()
    for start in range(0, DOCS, 1000):
        ops = [ReplaceOne({"tenant_id": "bench", "learner_id": r["learner_id"], "course_id": r["course_id"]}, r, upsert=True)
               for r in rows[start:start + 1000]]
        coll.bulk_write(ops, ordered=False)
    upsert = DOCS / (time.perf_counter() - t)
    t = time.perf_counter()
    n = sum(1 for _ in coll.find({"tenant_id": "bench"}, batch_size=1000))
    read = DOCS / (time.perf_counter() - t)
    assert n == DOCS, n
    client.drop_database(db.name)
    return {"upsert_docs_per_s": upsert, "read_docs_per_s": read}


def main():
    uri = os.environ["MONGODB_URI"]
    ours, theirs = [], []
    for _ in range(3):
        ours.append(common.lodestar_json("bench-mongo", "--docs", DOCS))
        theirs.append(pymongo_run(uri))
        print(f"  lodestar {ours[-1]}  pymongo {theirs[-1]}", flush=True)
    best = lambda runs, k: max(r[k] for r in runs)
    rows = [
        common.row("bulk-upsert", "docs/s", best(ours, "upsert_docs_per_s"), best(theirs, "upsert_docs_per_s"),
                   "pymongo bulk_write", 0.9, "higher"),
        common.row("read-back", "docs/s", best(ours, "read_docs_per_s"), best(theirs, "read_docs_per_s"),
                   "pymongo find", 1.0, "higher"),
    ]
    common.report("mongo", rows, notes=[f"{DOCS} documents, unordered batches of 1000, same SecantusDB server, best of 3",
                                        "Lodestar keeps 4 batches in flight through its pool; pymongo sends them one by one"])


if __name__ == "__main__":
    main()
