"""bench/run api: live recommendations over HTTP on loopback, Lodestar (`lodestar serve`, release build) against a
FastAPI + uvicorn + numpy peer serving the same embeddings with the same exclusions and catalog, loaded by wrk.

Data: one generated tenant (BENCH_API_LEARNERS learners, default 10,000), one `lodestar run refresh` (with the
catalog export, which its ingest phase writes to `courses`) against the test MongoDB server (SecantusDB). The
peer reads the active version's embeddings, every learner's courses (exclusions) and organisation, and the catalog
from MongoDB at start-up and keeps them in numpy arrays; per request it checks the same HS256 bearer token (PyJWT),
scores all courses with one matrix-vector product, masks excluded and out-of-catalog courses and takes the top 10.
Lodestar does the same, plus a reason per item (one Cholesky solve for the ten courses), reading the learner's rows
through its cache.

Both run with access logs off (Lodestar `--log-level warning`, uvicorn `--no-access-log`), both on the machine's 2
cores (uvicorn with 2 workers; Lodestar's event loops and compute threads), wrk on the same machine.

Rows: recommend-rps (requests/s, goal Lodestar/peer >= 5.0), recommend-p50 and recommend-p99 (ms, Lodestar/peer),
and recommend-p99-abs (Lodestar's p99 against the 5 ms goal).

With rules (issue 21): after the run without rules, the same Lodestar process gets a tenant rule set that uses every
rule kind (`PUT /v1/tenants/{T}/recommendation-rules` with a tenant_admin token: exclusions of completed, started,
other-language, one category's and three listed courses, a prerequisite, two pins (one for one organisation),
recency and category boosts, a diversity cap, dismissal days, the popularity fill) and a few learners' dismissals
(`POST …/feedback`, service token); then the same warm-up and wrk run. Rows recommend-rps-rules (goal >= 0.9 of the
same run's recommend-rps without rules) and recommend-rps-rules-vs-peer (goal >= 5.0 against the peer, which has no
rules).
"""
import collections
import datetime
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import common

NEEDS_MONGO = True
LEARNERS = int(os.environ.get("BENCH_API_LEARNERS", "10000"))
DURATION = int(os.environ.get("BENCH_API_SECONDS", "20"))
WARMUP = 8  # seconds of the warm-up pass; with DURATION it stays under the learner cache's 30 s lifetime
CONNECTIONS = int(os.environ.get("BENCH_API_CONNECTIONS", "32"))
DISMISSING = 20  # learners who dismiss one recommended course before the run with rules
DISMISS_WAIT = 2.0  # seconds a dismissal is polled for before the run with rules
LEARNER_TTL = 30  # the API's learner cache lifetime (s): every dismissal must show once it has passed
SECRET = "bench-secret-of-at-least-thirty-two-bytes"
TENANT = "tenant-000"
DB = "lodestar_bench_api"

PEER = r'''
import os, numpy as np, jwt, pymongo
from fastapi import FastAPI, Header, HTTPException
from fastapi.responses import ORJSONResponse, JSONResponse

SECRET = os.environ["SECRET"]
db = pymongo.MongoClient(os.environ["MONGODB_URI"])[os.environ["DB"]]
TENANT = os.environ["TENANT"]
version = db.model_versions.find_one({"tenant_id": TENANT, "kind": "recommender", "status": "active"})["version"]
courses = list(db.course_embeddings.find({"tenant_id": TENANT, "model_version": version}))
course_ids = [c["course_id"] for c in courses]
course_index = {c: i for i, c in enumerate(course_ids)}
C = np.array([c["vector"] for c in courses], dtype=np.float32)
learner_rows = {}
for e in db.learner_embeddings.find({"tenant_id": TENANT, "model_version": version}):
    learner_rows[e["learner_id"]] = np.array(e["vector"], dtype=np.float32)
taken, orgs = {}, {}
for r in db.learner_features.find({"tenant_id": TENANT}, {"learner_id": 1, "course_id": 1, "org_id": 1}):
    i = course_index.get(r["course_id"])
    if i is not None:
        taken.setdefault(r["learner_id"], []).append(i)
    if r.get("org_id"):
        orgs[r["learner_id"]] = r["org_id"]
catalog = list(db.courses.find({"tenant_id": TENANT, "in_catalog": True}))
def mask_for(org):
    m = np.zeros(len(course_ids), dtype=bool)
    for c in catalog:
        i = course_index.get(c["course_id"])
        if i is not None and c["published"] and (not c["org_ids"] or (org is not None and org in c["org_ids"])):
            m[i] = True
    return m
masks = {o: mask_for(o) for o in set(orgs.values()) | {None}} if catalog else None
popular = np.argsort(-np.bincount([i for v in taken.values() for i in v], minlength=len(course_ids)))
app = FastAPI()

@app.get("/v1/tenants/{tenant}/learners/{learner}/recommendations")
def recommend(tenant: str, learner: str, limit: int = 10, authorization: str = Header(None)):
    if not authorization or not authorization.startswith("Bearer "):
        raise HTTPException(401)
    try:
        claims = jwt.decode(authorization[7:], SECRET, algorithms=["HS256"])
    except jwt.PyJWTError:
        raise HTTPException(401)
    if claims.get("tenant_id") != tenant or tenant != TENANT:
        raise HTTPException(404)
    x = learner_rows.get(learner)
    scores = C @ x if x is not None else np.zeros(len(course_ids), dtype=np.float32)
    scores = scores.copy()
    if masks is not None:
        scores[~masks.get(orgs.get(learner), masks[None])] = -np.inf
    ex = taken.get(learner)
    if ex:
        scores[ex] = -np.inf
    k = min(limit, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top])]
    items = [{"course_id": course_ids[i], "score": float(scores[i])} for i in top if np.isfinite(scores[i])]
    return {"tenant_id": tenant, "learner_id": learner, "model_version": version, "items": items}
'''

WRK_LUA = r'''
local learners = {}
for line in io.lines(os.getenv("BENCH_LEARNERS")) do learners[#learners + 1] = line end
local token = os.getenv("BENCH_TOKEN")
local tenant = os.getenv("BENCH_TENANT")
math.randomseed(7)
request = function()
  local l = learners[math.random(#learners)]
  return wrk.format("GET", "/v1/tenants/" .. tenant .. "/learners/" .. l .. "/recommendations?limit=10",
                    {["Authorization"] = "Bearer " .. token})
end
'''


# Warm-up: every learner once (thread k of 2 takes the learners k, k+2, …), so the measured run sees the cache's
# steady state rather than first reads; the pass ends well within the learner cache's 30 s lifetime.
WRK_WARM_LUA = r'''
local learners = {}
for line in io.lines(os.getenv("BENCH_LEARNERS")) do learners[#learners + 1] = line end
local token = os.getenv("BENCH_TOKEN")
local tenant = os.getenv("BENCH_TENANT")
local created = 0
setup = function(thread)
  thread:set("offset", created)
  created = created + 1
end
local counter = 0
request = function()
  local i = ((counter * 2 + (offset or 0)) % #learners) + 1
  counter = counter + 1
  return wrk.format("GET", "/v1/tenants/" .. tenant .. "/learners/" .. learners[i] .. "/recommendations?limit=10",
                    {["Authorization"] = "Bearer " .. token})
end
'''


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_http(url, token, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(req, timeout=2) as r:
                if r.status == 200:
                    return json.loads(r.read())
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer 200 within {timeout}s")


def http_json(method, url, token, body=None):
    """One request with a JSON body; returns (status, parsed body or None). A non-2xx answer raises with its body."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"{method} {url} answered {e.code}: {e.read().decode(errors='replace')[:2000]}") from None


def offered(doc, now):
    """Whether a `courses` document is offered now (published, in the catalog, within its dates)."""
    def utc(d):
        return d.replace(tzinfo=datetime.timezone.utc) if d is not None and d.tzinfo is None else d
    pub, exp = utc(doc.get("published_at")), utc(doc.get("expires_at"))
    return doc.get("published") and doc.get("in_catalog") and (pub is None or pub <= now) and (exp is None or exp > now)


def rules_for(docs):
    """A rules document that uses every rule kind, with ids, categories and organisations from the catalog."""
    now = datetime.datetime.now(datetime.timezone.utc)
    counts = collections.Counter(c for d in docs for c in d.get("categories") or [])
    if len(counts) < 2:
        raise RuntimeError(f"the catalog has {len(counts)} categories; the rules benchmark needs two (regenerate bench/data)")
    ranked = [c for c, _ in counts.most_common()]
    excluded_category, boosted_category = ranked[-1], ranked[0]  # exclude the rarest, boost the commonest
    orgs = collections.Counter(o for d in docs for o in d.get("org_ids") or [])
    if not orgs:
        raise RuntimeError("no course of the catalog is limited to an organisation; the pinned rule needs one")
    org = orgs.most_common(1)[0][0]
    live = sorted((d for d in docs if offered(d, now)), key=lambda d: d["course_id"])
    plain = [d for d in live if excluded_category not in (d.get("categories") or []) and not d.get("prerequisites")]
    tenant_wide = [d["course_id"] for d in plain if not d.get("org_ids")]
    if len(tenant_wide) < 7:
        raise RuntimeError(f"only {len(tenant_wide)} tenant-wide courses offered now; the rules benchmark needs 7")
    rng = random.Random(21)
    picked = rng.sample(tenant_wide, 7)
    pin_all, pin_org, required, needs = picked[0], picked[1], picked[2], picked[3]
    excluded = picked[4:7]
    return {
        "exclude": {"completed": True, "in_progress": True, "other_languages": True,
                    "categories": [excluded_category], "courses": excluded},
        "prerequisites": {required: [needs]},
        "pinned": [{"course_id": pin_all, "position": 1},
                   {"course_id": pin_org, "position": 3, "org_ids": [org]}],
        "boosts": {"recent_days": 180, "recent_weight": 0.2, "categories": {boosted_category: 0.3}},
        "diversity": {"max_per_category": 2},
        "dismissal_days": 90,
        "fallback": True,
    }


def wrk(port, seconds, env):
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", env["BENCH_LUA"],
                          f"http://127.0.0.1:{port}"], check=True, capture_output=True, text=True, env=env).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label):
        m = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)\b", out)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else (v * 1000 if unit == "s" else v)

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "errors": errors.group(0) if errors else "", "raw": out}


def main():
    mongo = os.environ["MONGODB_URI"]
    data = os.path.join(common.ROOT, "bench", "data", f"api-{LEARNERS}")
    if not os.path.exists(os.path.join(data, "truth.ndjson")):
        print(f"generating one tenant of {LEARNERS} learners into {data}", flush=True)
        subprocess.run([common.BIN, "generate", "--tenants", "1", "--learners", str(LEARNERS), "--out", data, "--seed", "3"],
                       check=True, stdout=subprocess.DEVNULL)
    sources = [os.path.join(data, "events")]
    courses = [os.path.join(data, "courses")]
    work = tempfile.mkdtemp(prefix="lodestar-bench-api-")
    models = os.path.join(work, "models")
    env = dict(os.environ, MONGODB_URI=mongo, LODESTAR_DB=DB, LODESTAR_JWT_SECRET=SECRET, OPENBLAS_NUM_THREADS="1")
    print("refresh (writes to the test MongoDB server; a few minutes)", flush=True)
    t = time.perf_counter()
    subprocess.run([common.BIN, "run", "refresh", "--all", "--no-evaluate", "--source", *sources, "--catalog", *courses,
                    "--cutoff", "2026-04-20 00:00:00 UTC", "--models-dir", models, "--report-dir", os.path.join(work, "reports")],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    refresh_s = time.perf_counter() - t
    import pymongo
    db = pymongo.MongoClient(mongo)[DB]
    docs = list(db.courses.find({"tenant_id": TENANT, "in_catalog": True}))
    learners = sorted(db.learner_features.distinct("learner_id", {"tenant_id": TENANT}))
    lfile = os.path.join(work, "learners.txt")
    with open(lfile, "w") as f:
        f.write("\n".join(learners) + "\n")
    lua = os.path.join(work, "recommend.lua")
    with open(lua, "w") as f:
        f.write(WRK_LUA)
    warm_lua = os.path.join(work, "warm.lua")
    with open(warm_lua, "w") as f:
        f.write(WRK_WARM_LUA)
    token = subprocess.run([common.BIN, "token", "--tenant", TENANT, "--role", "service", "--ttl", "86400"], check=True,
                           capture_output=True, text=True, env=env).stdout.strip()
    admin_token = subprocess.run([common.BIN, "token", "--tenant", TENANT, "--role", "tenant_admin", "--org", "*",
                                  "--ttl", "86400"], check=True, capture_output=True, text=True, env=env).stdout.strip()
    wenv = dict(os.environ, BENCH_LEARNERS=lfile, BENCH_TOKEN=token, BENCH_TENANT=TENANT, BENCH_LUA=lua)
    warm_env = dict(wenv, BENCH_LUA=warm_lua)
    probe = f"/v1/tenants/{TENANT}/learners/{learners[0]}/recommendations?limit=10"
    results = {}

    # Lodestar.
    port = free_port()
    server = subprocess.Popen([common.BIN, "serve", "--port", str(port), "--models-dir", models, "--log-level", "warning"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        sample = wait_http(f"http://127.0.0.1:{port}{probe}", token)
        wrk(port, WARMUP, warm_env)  # warm-up: every learner's rows into the cache, code paths hot
        results["lodestar"] = wrk(port, DURATION, wenv)

        # The same process with a rule set that uses every rule kind, and a few dismissals.
        base = f"http://127.0.0.1:{port}/v1/tenants/{TENANT}"
        rules = rules_for(docs)
        status, put = http_json("PUT", f"{base}/recommendation-rules", admin_token, rules)
        rules_version = put["version"]
        # Each learner dismisses the first course the model (or a boost) put in their list. How soon the dismissal
        # shows is measured, not assumed: the next request, within DISMISS_WAIT s, or only once the learner's cached
        # rows expire; after the run every dismissed course must be gone from its learner's list.
        dismissals, seen_after = [], []
        for l in random.Random(5).sample(learners, min(DISMISSING, len(learners))):
            _, before = http_json("GET", f"{base}/learners/{l}/recommendations?limit=10", token)
            model_items = [i["course_id"] for i in before["items"] if i.get("rule") in ("model", "boost")]
            if not model_items:
                continue
            course = model_items[0]
            status, _ = http_json("POST", f"{base}/learners/{l}/feedback", token, {"course_id": course, "action": "dismissed"})
            if status != 204:
                raise RuntimeError(f"feedback answered {status}, expected 204")
            posted = time.perf_counter()
            dismissals.append((l, course))
            after_s = None
            for attempt in range(int(DISMISS_WAIT / 0.05) + 1):
                _, after = http_json("GET", f"{base}/learners/{l}/recommendations?limit=10", token)
                if course not in [i["course_id"] for i in after["items"]]:
                    after_s = 0.0 if attempt == 0 else time.perf_counter() - posted
                    break
                time.sleep(0.05)
            seen_after.append(after_s)
        last_post = time.perf_counter()
        rule_counts = collections.Counter()
        for l in random.Random(9).sample(learners, min(200, len(learners))):
            _, body = http_json("GET", f"{base}/learners/{l}/recommendations?limit=10", token)
            if body.get("rules_version", 0) < 1:
                raise RuntimeError(f"{l}: rules_version {body.get('rules_version')} after the PUT (version {rules_version})")
            missing = [i for i in body["items"] if not i.get("rule")]
            if missing:
                raise RuntimeError(f"{l}: items without a rule: {missing}")
            rule_counts.update(i["rule"] for i in body["items"])
            rule_counts["lists"] += 1
            rule_counts["items"] += len(body["items"])
        wrk(port, WARMUP, warm_env)
        results["lodestar-rules"] = wrk(port, DURATION, wenv)
        time.sleep(max(0.0, LEARNER_TTL + 1 - (time.perf_counter() - last_post)))
        for l, course in dismissals:
            _, body = http_json("GET", f"{base}/learners/{l}/recommendations?limit=10", token)
            if course in [i["course_id"] for i in body["items"]]:
                raise RuntimeError(f"{l}: course {course}, dismissed {time.perf_counter() - last_post:.0f}+ s ago, still recommended: {body}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    # The peer.
    peer_dir = os.path.join(work, "peer")
    os.makedirs(peer_dir)
    with open(os.path.join(peer_dir, "peer.py"), "w") as f:
        f.write(PEER)
    port = free_port()
    penv = dict(os.environ, SECRET=SECRET, MONGODB_URI=mongo, DB=DB, TENANT=TENANT, OPENBLAS_NUM_THREADS="1")
    peer = subprocess.Popen([sys.executable, "-m", "uvicorn", "peer:app", "--port", str(port), "--workers", "2",
                             "--no-access-log", "--log-level", "warning"], cwd=peer_dir, env=penv,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        peer_sample = wait_http(f"http://127.0.0.1:{port}{probe}", token)
        wrk(port, WARMUP, warm_env)
        results["peer"] = wrk(port, DURATION, wenv)
    finally:
        peer.send_signal(signal.SIGTERM)
        peer.wait(timeout=30)

    same = [i["course_id"] for i in sample["items"]] == [i["course_id"] for i in peer_sample["items"]]
    lo, pe, ru = results["lodestar"], results["peer"], results["lodestar-rules"]
    rows = [
        common.row("recommend-rps", "req/s", lo["rps"], pe["rps"], "FastAPI+uvicorn+numpy", 5.0, "higher"),
        common.row("recommend-p50", "ms", lo["p50"], pe["p50"], "FastAPI+uvicorn+numpy", 1.0, "lower"),
        common.row("recommend-p99", "ms", lo["p99"], pe["p99"], "FastAPI+uvicorn+numpy", 1.0, "lower"),
        common.row("recommend-p99-abs", "ms", lo["p99"], 5.0, "goal: 5 ms", 1.0, "lower"),
        common.row("recommend-rps-rules", "req/s", ru["rps"], lo["rps"], "Lodestar without rules", 0.9, "higher"),
        common.row("recommend-rps-rules-vs-peer", "req/s", ru["rps"], pe["rps"], "FastAPI (no rules)", 5.0, "higher"),
    ]
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(rule_counts.items()) if k not in ("lists", "items"))
    notes = [f"{len(learners)} learners, {len(docs)} courses in the catalog; refresh {refresh_s:.0f}s against SecantusDB",
             f"wrk -t2 -c{CONNECTIONS} -d{DURATION}s (after a {WARMUP} s warm-up pass over every learner), random learners, limit=10, loopback, same 2 cores",
             f"non-2xx: lodestar {lo['non2xx']}, peer {pe['non2xx']}; {lo['errors'] or 'no socket errors'} / {pe['errors'] or 'no socket errors'}",
             f"first learner's top 10 identical in both: {same}",
             "Lodestar also computes a reason per item and reads the learner's rows through its cache; access logs off in both",
             f"with rules (same process, rules version {rules_version}: exclude completed/in-progress/other languages/"
             f"category {rules['exclude']['categories'][0]}/3 courses, 1 prerequisite, pins at 1 and 3 (org {rules['pinned'][1]['org_ids'][0]}), "
             f"recent and category boosts ({next(iter(rules['boosts']['categories']))}), max 2 per category, dismissals of {len(dismissals)} learners, fill): "
             f"{ru['rps']:,.0f} req/s, p50 {ru['p50']:.2f} ms, p99 {ru['p99']:.2f} ms, non-2xx {ru['non2xx']}, "
             f"{ru['errors'] or 'no socket errors'}; rules of the items in {rule_counts['lists']} sampled lists "
             f"({rule_counts['items']} items): {kinds}; the peer has no rules (its figures are the run without rules)",
             f"dismissals: gone from the learner's list on the next request {sum(1 for a in seen_after if a == 0.0)}/{len(seen_after)}, "
             f"within {DISMISS_WAIT:.0f} s {sum(1 for a in seen_after if a is not None)}/{len(seen_after)}"
             + (f" (slowest {max(a for a in seen_after if a is not None):.2f} s)" if any(a for a in seen_after) else "")
             + f", all gone after the learner cache's {LEARNER_TTL} s lifetime"]
    common.report("api", rows, notes)


if __name__ == "__main__":
    main()
