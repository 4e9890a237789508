"""bench/run artifacts: a cold replica's time to ready with the active models of 20 tenants from the shared artifact
store, against downloading the same bytes with the store's own Python client. Both stores in one run:
`LODESTAR_ARTIFACTS=mongodb` (GridFS in SecantusDB, peer: pymongo's `gridfs.GridFSBucket`) and `gs://bucket/prefix`
(the GCS emulator, peer: `google-cloud-storage`).

Set-up (not timed): `lodestar generate --tenants 20` (BENCH_ARTIFACTS_LEARNERS learners over all tenants, Zipf
split), then per store one real `lodestar run refresh --all --no-search --no-evaluate --artifacts STORE` with
BENCH_ARTIFACTS_FACTORS factors (so a tenant's recommender artifact is a few MB), into its own database.

Lodestar (timed): `lodestar serve --only api` spawned with a fresh, empty `--models-dir` (so an empty artifact cache),
from spawn until `/readyz` answers 200, polled every 10 ms. In that time the process starts, connects to MongoDB,
lists the tenants, reads every tenant's active versions from `model_versions`, downloads each artifact file from the
store, checks its size and SHA-256 against the record, writes it into the local cache, decodes the recommender and
risk models and reads each tenant's catalog (`courses`) from MongoDB. The body must report every tenant's
recommender and risk model loaded.

Peer (timed): a fresh Python process (interpreter and client start-up included) that downloads the same files
(the `model.bin` and `features.json` the replica read: each distinct checksum once, as the replica's cache fetches
it once) into memory, one after the other, and exits. The file list is handed to it; it reads nothing else.

Each side runs BENCH_ARTIFACTS_REPEATS times, alternating; the rows give the medians (Lodestar / peer, goal <= 1.2).
"""
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import common

NEEDS_MONGO = True
NEEDS_GCS = True
TENANTS = 20
LEARNERS = int(os.environ.get("BENCH_ARTIFACTS_LEARNERS", "50000"))
FACTORS = int(os.environ.get("BENCH_ARTIFACTS_FACTORS", "128"))
ITERATIONS = int(os.environ.get("BENCH_ARTIFACTS_ITERATIONS", "3"))
REPEATS = int(os.environ.get("BENCH_ARTIFACTS_REPEATS", "5"))
SECRET = "bench-secret-of-at-least-thirty-two-bytes"
READ_FILES = ("model.bin", "features.json")  # what the loader reads (card.json is for people)

GRIDFS_PEER = r'''
import json, sys
spec = json.load(open(sys.argv[1]))
import gridfs
from pymongo import MongoClient
client = MongoClient(spec["uri"])
bucket = gridfs.GridFSBucket(client[spec["db"]])
n = 0
for f in spec["files"]:
    n += len(bucket.open_download_stream(f["id"]).read())
print(n)
'''

GCS_PEER = r'''
import json, sys
spec = json.load(open(sys.argv[1]))
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage
client = storage.Client(project="bench", credentials=AnonymousCredentials())
bucket = client.bucket(spec["bucket"])
n = 0
for f in spec["files"]:
    n += len(bucket.blob(f["name"]).download_as_bytes())
print(n)
'''


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def env_for(db, artifacts):
    return dict(os.environ, LODESTAR_DB=db, LODESTAR_ARTIFACTS=artifacts, LODESTAR_JWT_SECRET=SECRET,
                OPENBLAS_NUM_THREADS="1")


def prepare(work, export, store, artifacts, db):
    """One real refresh of every tenant into `db`, artifacts into `artifacts`; returns the active versions."""
    from pymongo import MongoClient
    client = MongoClient(os.environ["MONGODB_URI"])
    client.drop_database(db)
    t = time.perf_counter()
    subprocess.run([common.BIN, "run", "refresh", "--all", "--no-search", "--no-evaluate",
                    "--source", os.path.join(export, "events"), "--catalog", os.path.join(export, "courses"),
                    "--factors", str(FACTORS), "--iterations", str(ITERATIONS), "--artifacts", artifacts,
                    "--models-dir", os.path.join(work, f"train-{store}"), "--report-dir", os.path.join(work, "reports")],
                   check=True, env=env_for(db, artifacts), stdout=subprocess.DEVNULL,
                   stderr=open(os.path.join(work, f"refresh-{store}.log"), "w"))
    print(f"  {store}: refresh of {TENANTS} tenants in {time.perf_counter() - t:.0f} s", flush=True)
    actives = list(client[db]["model_versions"].find({"status": "active"}).sort([("tenant_id", 1), ("kind", 1)]))
    client.close()
    return actives


def files_read(actives):
    """The files the loader reads of the active versions, each distinct checksum once (in tenant order)."""
    seen, out = set(), []
    for v in actives:
        for rec in v.get("artifact_files") or []:
            if rec["file"] in READ_FILES and rec["sha256"] not in seen:
                seen.add(rec["sha256"])
                out.append({"tenant": v["tenant_id"], "kind": v["kind"], "version": v["version"], "file": rec["file"],
                            "bytes": rec["bytes"], "sha256": rec["sha256"]})
    return out


def cold_start(work, db, artifacts, expected, i):
    """Seconds from spawning `lodestar serve --only api` (empty --models-dir) to /readyz 200, and the ready body."""
    models = os.path.join(work, f"replica-{i}")
    shutil.rmtree(models, ignore_errors=True)
    port = free_port()
    log = open(os.path.join(work, f"serve-{i}.log"), "w")
    url = f"http://127.0.0.1:{port}/readyz"
    t0 = time.perf_counter()
    p = subprocess.Popen([common.BIN, "serve", "--only", "api", "--port", str(port), "--models-dir", models,
                          "--log-level", "warning"], env=env_for(db, artifacts), stdout=log, stderr=log)
    body = None
    try:
        while time.perf_counter() - t0 < 600:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        body = json.loads(r.read())
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if p.poll() is not None:
                raise RuntimeError(f"lodestar serve exited with {p.returncode}: {open(log.name).read()[-2000:]}")
            time.sleep(0.01)
        elapsed = time.perf_counter() - t0
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        log.close()
    assert body is not None, f"not ready within 600 s: {open(log.name).read()[-2000:]}"
    checks = body["checks"]
    assert int(checks["loaded_recommenders"]) == expected["recommender"] and \
        int(checks["loaded_risk_models"]) == expected["risk"], f"ready body {body}, expected {expected}"
    cache = os.path.join(models, ".artifact-cache")
    cached = {n: os.path.getsize(os.path.join(cache, n)) for n in os.listdir(cache)} if os.path.isdir(cache) else {}
    shutil.rmtree(models, ignore_errors=True)
    return elapsed, cached


def peer_run(code, spec_path):
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, spec_path], check=True, capture_output=True, text=True)
    return time.perf_counter() - t0, int(out.stdout.strip().splitlines()[-1])


def main():
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    work = tempfile.mkdtemp(prefix="lodestar-bench-artifacts-")
    export = os.path.join(work, "export")
    subprocess.run([common.BIN, "generate", "--tenants", str(TENANTS), "--learners", str(LEARNERS), "--format", "avro",
                    "--out", export, "--seed", "19"], check=True, stdout=subprocess.DEVNULL)
    gcs = storage.Client(project="bench", credentials=AnonymousCredentials())
    bucket = f"bench-artifacts-{random.getrandbits(32):08x}"
    gcs.create_bucket(bucket)
    prefix = "lodestar/models"
    stores = [("mongodb", "mongodb", "lodestar_bench_artifacts_mongodb", "pymongo gridfs"),
              ("gs", f"gs://{bucket}/{prefix}", "lodestar_bench_artifacts_gs", "google-cloud-storage")]

    rows, notes, summary = [], [], {}
    for store, artifacts, db, peer_name in stores:
        actives = prepare(work, export, store, artifacts, db)
        expected = {"recommender": len({v["tenant_id"] for v in actives if v["kind"] == "recommender"}),
                    "risk": len({v["tenant_id"] for v in actives if v["kind"] == "risk"})}
        assert expected["recommender"] == TENANTS, f"{expected} active versions for {TENANTS} tenants"
        files = files_read(actives)
        total = sum(f["bytes"] for f in files)
        model_sizes = sorted(f["bytes"] for f in files if f["kind"] == "recommender" and f["file"] == "model.bin")
        if store == "mongodb":
            spec = {"uri": os.environ["MONGODB_URI"], "db": db,
                    "files": [{"id": f"{f['tenant']}/{f['kind']}/{f['version']}/{f['file']}"} for f in files]}
            code = GRIDFS_PEER
        else:
            spec = {"bucket": bucket,
                    "files": [{"name": f"{prefix}/{f['tenant']}/{f['kind']}/{f['version']}/{f['file']}"} for f in files]}
            code = GCS_PEER
        spec_path = os.path.join(work, f"peer-{store}.json")
        with open(spec_path, "w") as fh:
            json.dump(spec, fh)

        ours, theirs = [], []
        for i in range(REPEATS):
            t, cached = cold_start(work, db, artifacts, expected, f"{store}-{i}")
            assert set(cached) == {f["sha256"] for f in files} and sum(cached.values()) == total, \
                f"the replica's cache holds {len(cached)} files, {sum(cached.values())} bytes; expected {len(files)}, {total}"
            ours.append(t)
            t, n = peer_run(code, spec_path)
            assert n == total, f"peer downloaded {n} bytes, expected {total}"
            theirs.append(t)
            print(f"  {store} #{i + 1}: lodestar {ours[-1]:.3f} s, {peer_name} {theirs[-1]:.3f} s", flush=True)
        med_ours, med_theirs = statistics.median(ours), statistics.median(theirs)
        rows.append(common.row(f"ready-{store}", "s", med_ours, med_theirs, peer_name, 1.2, "lower"))
        summary[store] = {"lodestar": ours, "peer": theirs}
        notes.append(f"{store} ({artifacts}): {len(files)} files, {total / 1e6:.1f} MB; recommender model.bin "
                     f"{model_sizes[0] / 1e6:.2f}-{model_sizes[-1] / 1e6:.2f} MB (median {statistics.median(model_sizes) / 1e6:.2f}); "
                     f"{expected['recommender']} recommenders + {expected['risk']} risk models; "
                     f"lodestar runs {', '.join(f'{x:.2f}' for x in ours)} s; peer runs {', '.join(f'{x:.2f}' for x in theirs)} s")

    notes = [f"{TENANTS} tenants, {LEARNERS} learners (Zipf split), {FACTORS} factors, one `lodestar run refresh` per store "
             f"(--no-search --no-evaluate, {ITERATIONS} iterations); medians of {REPEATS} cold starts each, alternating",
             "Lodestar: spawn of `lodestar serve --only api` with an empty --models-dir until /readyz 200 (connect, list "
             "tenants, read model_versions, download + SHA-256 check + write to the local cache, decode the models, "
             "read each catalog from MongoDB)",
             "peer: spawn of a Python process that downloads the same files (one per distinct checksum) into memory, "
             "one after the other (interpreter, import and client start-up included)"] + notes
    common.report("artifacts", rows, notes=notes)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
