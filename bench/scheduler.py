"""bench/run scheduler: 1,000 (job, tenant) no-op runs due at the same instant.

Lodestar: three `lodestar serve --only scheduler` replicas (one job file naming 1,000 tenants, kind noop) claim and
complete the runs of one firing under leases in `job_runs`. Peer: APScheduler 3 in one process with its MongoDB job
store and a 10-thread pool, 1,000 `date` jobs of a no-op function due at one instant (APScheduler's store is not
safe across processes, so one process is its best). Both against the same SecantusDB server started by bench/run.

dispatch-all: seconds from the due instant until the last of the 1,000 runs has ended. due-to-start p50/p99: from
the due instant to each run's start."""
import datetime
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time

from pymongo import MongoClient

import common

NEEDS_MONGO = True
RUNS = int(os.environ.get("BENCH_SCHEDULER_RUNS", "1000"))
REPLICAS = 3


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def lodestar_run(uri):
    db_name = f"bench_sched_{random.getrandbits(32)}"
    work = tempfile.mkdtemp(prefix="lodestar-bench-sched-")
    jobs = os.path.join(work, "jobs")
    os.makedirs(jobs)
    # Due at a minute boundary at least 25 s away, so the replicas are up and idle before it.
    now = datetime.datetime.now(datetime.timezone.utc)
    due = (now + datetime.timedelta(seconds=25)).replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    tenants = ", ".join(f"t{i:04d}" for i in range(RUNS))
    with open(os.path.join(jobs, "bench.yaml"), "w") as f:
        f.write(f'name: bench-noop\nkind: noop\nschedule: "{due.minute} {due.hour} * * *"\ntime_zone: UTC\n'
                f"tenants: [{tenants}]\nmissed_runs: skip\n")
    env = dict(os.environ, MONGODB_URI=uri, LODESTAR_DB=db_name, LODESTAR_LEASE_SECONDS="30")
    procs = [subprocess.Popen([common.BIN, "serve", "--only", "scheduler", "--jobs-dir", jobs, "--slots", "64",
                               "--poll-seconds", "0.1"], env=env, stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(work, f"replica-{i}.log"), "w"))
             for i in range(REPLICAS)]
    client = MongoClient(uri)
    runs = client[db_name]["job_runs"]
    try:
        deadline = time.time() + (due - now).total_seconds() + 600
        while time.time() < deadline:
            if runs.count_documents({"status": "succeeded"}) >= RUNS:
                break
            time.sleep(0.5)
        docs = list(runs.find({}, {"due_at": 1, "started_at": 1, "ended_at": 1, "status": 1, "owner": 1, "attempt": 1, "attempts": 1}))
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=60)
    assert len(docs) == RUNS and all(d["status"] == "succeeded" and d["attempt"] == 1 for d in docs), \
        f"{len(docs)} runs, statuses {set(d['status'] for d in docs)}, {[d['attempts'] for d in docs if d['attempt'] != 1][:3]}"
    due_ts = docs[0]["due_at"].replace(tzinfo=datetime.timezone.utc).timestamp()
    starts = [d["started_at"].replace(tzinfo=datetime.timezone.utc).timestamp() - due_ts for d in docs]
    ends = [d["ended_at"].replace(tzinfo=datetime.timezone.utc).timestamp() - due_ts for d in docs]
    owners = {}
    for d in docs:
        pid = d["owner"].split(":")[-2]
        owners[pid] = owners.get(pid, 0) + 1
    client.drop_database(db_name)
    return {"all": max(ends), "p50": pct(starts, 50), "p99": pct(starts, 99), "per_replica": sorted(owners.values())}


def apscheduler_run(uri):
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.mongodb import MongoDBJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    db_name = f"bench_aps_{random.getrandbits(32)}"
    client = MongoClient(uri)
    started, ended = STARTED, ENDED
    done = DONE

    sched = BackgroundScheduler(jobstores={"default": MongoDBJobStore(database=db_name, collection="jobs", client=client)},
                                executors={"default": ThreadPoolExecutor(10)},
                                job_defaults={"misfire_grace_time": None, "coalesce": False}, timezone="UTC")
    sched.start(paused=True)
    # The jobs are stored before their due instant (adding 1,000 takes a while on this server), as Lodestar's job
    # file is loaded before its firing.
    t0 = time.time()
    probe = 20
    due = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    for i in range(probe):
        sched.add_job(noop, "date", run_date=due, id=f"probe{i}")
    for i in range(probe):
        sched.remove_job(f"probe{i}")
    per_add = (time.time() - t0) / (2 * probe)
    due = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=per_add * RUNS * 1.5 + 10)
    for i in range(RUNS):
        sched.add_job(noop, "date", run_date=due, id=f"t{i:04d}")
    assert datetime.datetime.now(datetime.timezone.utc) < due, "adding the jobs took longer than planned"
    sched.resume()
    done.wait(timeout=(due - datetime.datetime.now(datetime.timezone.utc)).total_seconds() + 900)
    sched.shutdown(wait=True)  # closes the store's client
    MongoClient(uri).drop_database(db_name)
    assert len(ended) == RUNS, len(ended)
    d = due.timestamp()
    starts = [s - d for s in started]
    return {"all": max(ended) - d, "p50": pct(starts, 50), "p99": pct(starts, 99)}


STARTED, ENDED = [], []
LOCK = threading.Lock()
DONE = threading.Event()


def noop():
    t = time.time()
    with LOCK:
        STARTED.append(t)
        ENDED.append(time.time())
        if len(ENDED) >= RUNS:
            DONE.set()


def main():
    uri = os.environ["MONGODB_URI"]
    ours = lodestar_run(uri)
    print(f"  lodestar {ours}", flush=True)
    theirs = apscheduler_run(uri)
    print(f"  apscheduler {theirs}", flush=True)
    rows = [
        common.row("dispatch-all", "s", ours["all"], theirs["all"], "APScheduler 3 mongodb", 1.0, "lower"),
        common.row("due-to-start-p50", "s", ours["p50"], theirs["p50"], "APScheduler 3 mongodb", 1.0, "lower"),
        common.row("due-to-start-p99", "s", ours["p99"], theirs["p99"], "APScheduler 3 mongodb", 1.0, "lower"),
    ]
    common.report("scheduler", rows, notes=[
        f"{RUNS} (job, tenant) no-op runs due at one instant, same SecantusDB server, one run each",
        f"Lodestar: {REPLICAS} replicas (lodestar serve --only scheduler, 64 slots, poll 0.1 s); runs per replica {ours['per_replica']}",
        "APScheduler 3: one process, MongoDBJobStore, ThreadPoolExecutor(10), misfire_grace_time=None",
        "goal only on dispatch-all; the p50/p99 rows are for information (goal 1.0 shown)"])


if __name__ == "__main__":
    main()
