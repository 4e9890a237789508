"""Writes the small seed corpora of the fuzz targets into Fuzz/Corpus/<target>/: a few rows of the same shapes as
Tests/Fixtures/make_fixtures.py (fastavro with each codec, BigQuery-style NDJSON and CSV, gzip, the courses table)
and BSON documents shaped like Lodestar's results (pymongo's bson). Artifact seeds come from `fuzz-seeds` (Swift).

usage: .venv/bin/python Fuzz/make_seeds.py
"""
import csv
import datetime as dt
import gzip
import io
import json
import os

import bson
import fastavro

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def put(target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


rows = [
    {"event_id": "e1", "tenant_id": "acme", "org_id": "org-a", "learner_id": "l1", "course_id": "c1",
     "lesson_id": None, "event_type": "enrolled", "occurred_at": 1_767_225_600_000_000, "duration_seconds": None,
     "score": None},
    {"event_id": "e2", "tenant_id": "acme", "org_id": None, "learner_id": "l1", "course_id": "c1",
     "lesson_id": "x1", "event_type": "quiz_submitted", "occurred_at": 1_767_225_600_123_456, "duration_seconds": 42,
     "score": 0.75},
    {"event_id": "e3", "tenant_id": "globex", "org_id": None, "learner_id": "l2", "course_id": "c2",
     "lesson_id": "x2", "event_type": "lesson_completed", "occurred_at": 1_767_312_000_000_000,
     "duration_seconds": 2_592_000, "score": None},
    # Refused rows: a bad score, a bad identifier, a time before 1970.
    {"event_id": "e4", "tenant_id": "acme", "org_id": None, "learner_id": "l1", "course_id": "c1",
     "lesson_id": None, "event_type": "quiz_submitted", "occurred_at": 1_767_225_600_000_000, "duration_seconds": 1,
     "score": 1.5},
    {"event_id": "e5", "tenant_id": "../x", "org_id": None, "learner_id": "l1", "course_id": "c1",
     "lesson_id": None, "event_type": "enrolled", "occurred_at": -5, "duration_seconds": None, "score": None},
]


def to_dt(micros):
    return EPOCH + dt.timedelta(microseconds=micros)


def bq_ts(micros):
    d = to_dt(micros)
    s = d.strftime("%Y-%m-%d %H:%M:%S")
    if d.microsecond:
        s += f".{d.microsecond:06d}"
    return s + " UTC"


schema = {
    "type": "record", "name": "Root", "namespace": "bigquery.export",
    "fields": [
        {"name": "event_id", "type": "string"}, {"name": "tenant_id", "type": "string"},
        {"name": "org_id", "type": ["null", "string"]}, {"name": "learner_id", "type": "string"},
        {"name": "course_id", "type": "string"}, {"name": "lesson_id", "type": ["null", "string"]},
        {"name": "event_type", "type": "string"},
        {"name": "occurred_at", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}]},
        {"name": "duration_seconds", "type": ["null", "long"]}, {"name": "score", "type": ["null", "double"]},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "attributes", "type": {"type": "map", "values": ["null", "long"]}},
        {"name": "nested", "type": ["null", {"type": "record", "name": "Nested", "fields": [
            {"name": "a", "type": "int"}, {"name": "b", "type": {"type": "fixed", "name": "F4", "size": 4}},
            {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["x", "y"]}}]}]},
    ],
}


def avro_records():
    for i, r in enumerate(rows):
        rec = dict(r)
        rec["occurred_at"] = to_dt(r["occurred_at"]) if r["occurred_at"] >= 0 else to_dt(0) - dt.timedelta(days=1)
        rec["tags"] = ["t"] * (i % 2)
        rec["attributes"] = {"k": i} if i % 2 else {}
        rec["nested"] = {"a": i, "b": b"abcd", "e": "y"} if i == 1 else None
        yield rec


for codec in ["null", "deflate", "snappy"]:
    buf = io.BytesIO()
    fastavro.writer(buf, fastavro.parse_schema(schema), avro_records(), codec=codec, sync_interval=200)
    put("avro", f"events-{codec}.avro", buf.getvalue())
millis = dict(schema, fields=[dict(f, type=["null", {"type": "long", "logicalType": "timestamp-millis"}])
                              if f["name"] == "occurred_at" else f for f in schema["fields"]])
buf = io.BytesIO()
fastavro.writer(buf, fastavro.parse_schema(millis), avro_records(), codec="null")
put("avro", "events-millis.avro", buf.getvalue())


def json_line(r):
    d = {}
    for k, v in r.items():
        if v is None:
            continue
        if k == "occurred_at":
            v = bq_ts(v) if v >= 0 else "1969-12-31 23:59:59 UTC"
        elif k == "duration_seconds":
            v = str(v)
        d[k] = v
    d["extra"] = {"a": [1, 2.5e3, {"b": None}], "s": "q\"uote\\ \u00e9 \ud83d\ude00"}
    return json.dumps(d, ensure_ascii=True)


ndjson = "".join(json_line(r) + "\n" for r in rows).encode()
put("ndjson", "events.json", ndjson)
put("ndjson", "one-line.json", json_line(rows[1]).encode())
put("ndjson", "unicode.json", (json.dumps({"event_id": "é", "tenant_id": "t"}, ensure_ascii=False) + "\r\n").encode())
put("gzip", "events.json.gz", gzip.compress(ndjson, mtime=0))
put("gzip", "two-members.json.gz", gzip.compress(ndjson[:200], mtime=0) + gzip.compress(ndjson[200:], mtime=0))

cols = ["event_id", "note", "tenant_id", "org_id", "learner_id", "course_id", "lesson_id", "event_type", "occurred_at",
        "duration_seconds", "score"]
out = io.StringIO()
w = csv.writer(out)
w.writerow(cols)
for i, r in enumerate(rows):
    rec = []
    for c in cols:
        if c == "note":
            rec.append(["plain", "has, comma", 'has "quotes"', "multi\nline", ""][i])
            continue
        v = r[c]
        rec.append("" if v is None else bq_ts(v) if c == "occurred_at" and v >= 0 else str(v))
    w.writerow(rec)
put("csv", "events.csv", out.getvalue().encode())
put("csv", "bom-lf.csv", ("\ufeff" + out.getvalue().replace("\r\n", "\n")).encode())

T = lambda y, m, d: int((dt.datetime(y, m, d, tzinfo=dt.timezone.utc) - EPOCH).total_seconds() * 1_000_000)
courses = [
    {"tenant_id": "acme", "course_id": "c1", "title": "Safety", "org_ids": ["o1", "o2"], "lesson_count": 12,
     "published": True, "language": "pt-BR", "categories": ["safety", "compliance"], "published_at": T(2025, 6, 1),
     "expires_at": T(2026, 6, 1), "prerequisites": ["c0"]},
    {"tenant_id": "acme", "course_id": "c2", "title": "Sales, advanced", "org_ids": [], "lesson_count": 3,
     "published": False, "language": None, "categories": [], "published_at": None, "expires_at": None,
     "prerequisites": []},
    {"tenant_id": "acme", "course_id": "../c3", "title": "Bad", "org_ids": [], "lesson_count": -1, "published": True,
     "language": "en", "categories": ["data"], "published_at": T(2025, 1, 1), "expires_at": None, "prerequisites": []},
    {"tenant_id": "acme", "course_id": "c4", "title": "Expired first", "org_ids": [], "lesson_count": 2, "published": True,
     "language": None, "categories": [], "published_at": T(2026, 6, 1), "expires_at": T(2025, 6, 1), "prerequisites": []},
    {"tenant_id": "acme", "course_id": "c5", "title": "Bad tag", "org_ids": [], "lesson_count": 2, "published": True,
     "language": "en_US", "categories": ["a/b"], "published_at": None, "expires_at": None, "prerequisites": []},
    {"tenant_id": "acme", "course_id": "c6", "title": "Itself", "org_ids": [], "lesson_count": 2, "published": True,
     "language": "de", "categories": [], "published_at": None, "expires_at": None, "prerequisites": ["c1", "c6"]},
]
course_schema = {"type": "record", "name": "Course", "fields": [
    {"name": "tenant_id", "type": "string"}, {"name": "course_id", "type": "string"},
    {"name": "title", "type": "string"}, {"name": "org_ids", "type": {"type": "array", "items": "string"}},
    {"name": "lesson_count", "type": "long"}, {"name": "published", "type": "boolean"},
    {"name": "language", "type": ["null", "string"]}, {"name": "categories", "type": {"type": "array", "items": "string"}},
    {"name": "published_at", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}]},
    {"name": "expires_at", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}]},
    {"name": "prerequisites", "type": {"type": "array", "items": "string"}}]}
buf = io.BytesIO()
fastavro.writer(buf, fastavro.parse_schema(course_schema),
                [{k: (dt.datetime.fromtimestamp(v / 1e6, dt.timezone.utc) if k.endswith("_at") and v is not None else v)
                  for k, v in c.items()} for c in courses], codec="deflate")
put("courses", "courses-avro", b"\x00" + buf.getvalue())


def course_json(c):
    d = {k: v for k, v in c.items() if v is not None}
    d["lesson_count"] = str(c["lesson_count"])
    for k in ("published_at", "expires_at"):
        if k in d:
            d[k] = bq_ts(d[k])
    return json.dumps(d)


lines = "".join(course_json(c) + "\n" for c in courses)
put("courses", "courses-ndjson", b"\x01" + lines.encode())
cols = ["tenant_id", "course_id", "title", "org_ids", "lesson_count", "published", "language", "categories",
        "published_at", "expires_at", "prerequisites"]
out = io.StringIO()
w = csv.writer(out)
w.writerow(cols)
for c in courses:
    row = []
    for k in cols:
        v = c[k]
        if k in ("org_ids", "categories", "prerequisites"):
            row.append(json.dumps(v) if v else "")
        elif k == "published":
            row.append("true" if v else "false")
        elif k in ("published_at", "expires_at"):
            row.append("" if v is None else bq_ts(v))
        else:
            row.append("" if v is None else v)
    w.writerow(row)
put("courses", "courses-csv", b"\x02" + out.getvalue().encode())

now = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
docs = {
    "recommendations": {"tenant_id": "acme", "learner_id": "l1", "model_version": "v1", "model_kind": "ials",
                        "computed_at": now, "items": [{"course_id": "c1", "score": 0.5, "reason": "popular"}]},
    "risk": {"tenant_id": "acme", "learner_id": "l1", "course_id": "c1", "org_id": None, "risk": 0.7, "band": "high",
             "computed_at": now, "factors": [{"feature": "gap", "value": 3.0, "contribution": 0.2}]},
    "embedding": {"learner_id": "l1", "vector": [0.1, 2, bson.Int64(3)], "model_version": "v1"},
    "features": {"as_of": now, "enrolled_at": now, "days_since_last_activity": 2.5, "active_days_7": 3,
                 "active_days_14": bson.Int64(4), "time_spent_seconds": bson.Int64(1 << 40),
                 "quiz_mean_score": 0.5, "course_completed": False, "history": [1, 2],
                 "metrics": {"auc": 0.8}, "_id": bson.ObjectId(b"123456789012"), "blob": b"\x00\x01",
                 "ts": bson.Timestamp(5, 1)},
}
for name, d in docs.items():
    put("bson", name + ".bson", bson.encode(d))
print("seeds written under", root)
