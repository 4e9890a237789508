"""Writes the interop fixtures for EventSourcesTests into OUTDIR, with other tools than Lodestar's own writers:
fastavro (codecs null/deflate/snappy, nullable unions, timestamp-micros/millis/date, extra BigQuery-style columns),
Python's json/csv/gzip for NDJSON and CSV. Also writes expected.json: the rows every file must decode to
(occurred_at in microseconds since the epoch).

usage: make_fixtures.py OUTDIR
"""
import csv
import datetime as dt
import gzip
import json
import os
import random
import sys

import fastavro

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = random.Random(20261127)
TYPES = ["enrolled", "lesson_started", "lesson_completed", "content_viewed", "quiz_submitted", "course_completed",
         "unenrolled"]
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

rows = []
for i in range(500):
    t = rng.choice(TYPES)
    micros = 1_767_225_600_000_000 + rng.randrange(0, 200 * 86_400_000_000)
    if i % 7 == 0:
        micros -= micros % 1_000_000  # whole seconds: BigQuery then writes no fraction
    rows.append({
        "event_id": f"ev-{i:05d}:{rng.randrange(1 << 30):x}",
        "tenant_id": rng.choice(["acme", "globex", "initech.eu", "umbrella_1"]),
        "org_id": rng.choice([None, "org-a", "org@b", "org:c"]),
        "learner_id": f"learner-{rng.randrange(60)}",
        "course_id": f"course-{rng.randrange(12)}",
        "lesson_id": None if t in ("enrolled", "unenrolled", "course_completed") else f"lesson-{rng.randrange(30)}",
        "event_type": t,
        "occurred_at": micros,
        "duration_seconds": rng.choice([None, 0, rng.randrange(1, 10_000), 2_592_000]),  # 30 days: the limit
        "score": (rng.choice([0.0, 1.0, rng.random(), 1 / 3]) if t == "quiz_submitted" else None),
    })

with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(rows, f)


def to_dt(micros):
    return EPOCH + dt.timedelta(microseconds=micros)


def bq_ts(micros):
    d = to_dt(micros)
    s = d.strftime("%Y-%m-%d %H:%M:%S")
    if d.microsecond:
        s += f".{d.microsecond:06d}"
    return s + " UTC"


def schema(ts_type):
    return {
        "type": "record", "name": "Root", "namespace": "bigquery.export",
        "fields": [
            {"name": "event_id", "type": "string"},
            {"name": "tenant_id", "type": "string"},
            {"name": "org_id", "type": ["null", "string"], "default": None},
            {"name": "learner_id", "type": "string"},
            {"name": "course_id", "type": "string"},
            {"name": "lesson_id", "type": ["null", "string"], "default": None},
            {"name": "event_type", "type": "string"},
            {"name": "occurred_at", "type": ["null", ts_type]},
            {"name": "duration_seconds", "type": ["null", "long"]},
            {"name": "score", "type": ["null", "double"]},
            # Columns Lodestar does not know: skipped.
            {"name": "tags", "type": {"type": "array", "items": "string"}},
            {"name": "attributes", "type": {"type": "map", "values": ["null", "long"]}},
            {"name": "ingest_date", "type": ["null", {"type": "int", "logicalType": "date"}]},
            {"name": "ratio", "type": "float"},
            {"name": "flag", "type": "boolean"},
            {"name": "payload", "type": ["null", "bytes"]},
            {"name": "loaded_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {"name": "nested", "type": ["null", {"type": "record", "name": "Nested", "fields": [
                {"name": "a", "type": "int"}, {"name": "b", "type": {"type": "fixed", "name": "F4", "size": 4}}]}]},
        ],
    }


def avro_records(conv):
    for i, r in enumerate(rows):
        rec = dict(r)
        rec["occurred_at"] = conv(r["occurred_at"])
        rec["tags"] = ["x"] * (i % 3)
        rec["attributes"] = {"k": i, "n": None} if i % 2 else {}
        rec["ingest_date"] = dt.date(2026, 1, 1) if i % 2 else None
        rec["ratio"] = 0.5
        rec["flag"] = bool(i % 2)
        rec["payload"] = bytes([i % 256]) * (i % 5) if i % 3 else None
        rec["loaded_at"] = to_dt(1_767_225_600_000_000)
        rec["nested"] = {"a": i, "b": b"abcd"} if i % 4 == 0 else None
        yield rec


micros_type = {"type": "long", "logicalType": "timestamp-micros"}
for codec in ["null", "deflate", "snappy"]:
    with open(os.path.join(out, f"events-{codec}.avro"), "wb") as f:
        fastavro.writer(f, fastavro.parse_schema(schema(micros_type)), avro_records(to_dt), codec=codec,
                        sync_interval=4000)

# timestamp-millis and date variants of occurred_at: expected values are truncated accordingly.
with open(os.path.join(out, "millis.avro"), "wb") as f:
    fastavro.writer(f, fastavro.parse_schema(schema({"type": "long", "logicalType": "timestamp-millis"})),
                    avro_records(lambda m: to_dt(m - m % 1000)), codec="deflate")
with open(os.path.join(out, "date.avro"), "wb") as f:
    fastavro.writer(f, fastavro.parse_schema(schema({"type": "int", "logicalType": "date"})),
                    avro_records(lambda m: to_dt(m).date()), codec="null")


def json_line(r, i):
    d = {}
    for k, v in r.items():
        if v is None:
            continue  # BigQuery omits NULL fields
        if k == "occurred_at":
            v = bq_ts(v)
        elif k == "duration_seconds":
            v = str(v)  # INT64 as a string
        d[k] = v
    d["unknown_nested"] = {"a": [1, 2, {"b": None}], "s": "q\"uote\\ \u00e9"}
    if i % 5 == 0:
        d["event_id"] = d["event_id"]  # same key order otherwise
        d = dict(reversed(list(d.items())))  # keys in another order
    return json.dumps(d, ensure_ascii=(i % 2 == 0))


with open(os.path.join(out, "events.json"), "w") as f:
    for i, r in enumerate(rows):
        f.write(json_line(r, i) + "\n")
with gzip.open(os.path.join(out, "events.json.gz"), "wt") as f:
    for i, r in enumerate(rows):
        f.write(json_line(r, i) + "\n")

cols = ["event_id", "note", "tenant_id", "org_id", "learner_id", "course_id", "lesson_id", "event_type", "occurred_at",
        "duration_seconds", "score"]


def csv_rows():
    for i, r in enumerate(rows):
        rec = []
        for c in cols:
            if c == "note":
                rec.append(["plain", "has, comma", 'has "quotes"', "multi\nline"][i % 4])
                continue
            v = r[c]
            if v is None:
                rec.append("")
            elif c == "occurred_at":
                rec.append(bq_ts(v))
            elif c == "score":
                rec.append(repr(v))
            else:
                rec.append(str(v))
        yield rec


with open(os.path.join(out, "events.csv"), "w", newline="") as f:
    w = csv.writer(f)  # RFC 4180 quoting, CRLF line ends
    w.writerow(cols)
    w.writerows(csv_rows())
with gzip.open(os.path.join(out, "events.csv.gz"), "wt", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(cols)
    w.writerows(csv_rows())
# Rows that break the rules, between good ones, for the Avro quarantine path.
bad_schema = {"type": "record", "name": "Root", "fields": [
    {"name": "event_id", "type": "string"}, {"name": "tenant_id", "type": "string"},
    {"name": "learner_id", "type": "string"}, {"name": "course_id", "type": "string"},
    {"name": "event_type", "type": "string"},
    {"name": "occurred_at", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}]},
    {"name": "score", "type": ["null", "double"]},
    {"name": "duration_seconds", "type": ["null", "long"]}]}
ok = {"event_id": "e", "tenant_id": "t", "learner_id": "l", "course_id": "c", "event_type": "quiz_submitted",
      "occurred_at": to_dt(1_767_225_600_000_000), "score": 0.5, "duration_seconds": 10}
bad = [dict(ok), dict(ok, score=2.0), dict(ok, tenant_id="../x"), dict(ok, event_type="clicked"),
       dict(ok, occurred_at=None), dict(ok, duration_seconds=-3), dict(ok, event_id=""), dict(ok, score=float("nan")),
       dict(ok)]
with open(os.path.join(out, "bad-rows.avro"), "wb") as f:
    fastavro.writer(f, fastavro.parse_schema(bad_schema), bad, codec="deflate")
print("ok")
