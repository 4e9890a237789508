#!/usr/bin/env python3
"""A Google Cloud Pub/Sub emulator for Lodestar's tests (Python standard library only).

THIS IS A TEST EMULATOR WRITTEN BY THE LODESTAR PROJECT, not Google's. No Pub/Sub emulator package can be installed
on the machines the project is built and tested on (Google's emulator ships with the gcloud SDK and a JRE; the PyPI
packages tried do not support publish/pull/ack on Python 3.11), so the project keeps this small one. It implements
the documented semantics of the Pub/Sub v1 REST API that Lodestar's `GoogleCloud.PubSubClient` uses, and nothing
more; it is not a reference for Pub/Sub's behaviour, and the client code is the same one that talks to Google.

Covered (REST v1, JSON):
  PUT/GET/DELETE  /v1/projects/P/topics/T                  create (409 ALREADY_EXISTS), get (404), delete
  POST            /v1/projects/P/topics/T:publish          {"messages":[{"data": base64, "attributes", "orderingKey"}]}
                                                           -> {"messageIds": [...]}; fans out to the topic's
                                                           subscriptions (only those that exist at publish time)
  PUT/GET/DELETE  /v1/projects/P/subscriptions/S           {"topic", "ackDeadlineSeconds" (10..600, default 10),
                                                            "deadLetterPolicy": {"deadLetterTopic",
                                                            "maxDeliveryAttempts" (5..100, default 5)},
                                                            "enableMessageOrdering"}
  POST            /v1/projects/P/subscriptions/S:pull      {"maxMessages": 1..1000, "returnImmediately"} ->
                                                           {"receivedMessages": [{"ackId", "message": {"data",
                                                           "attributes", "messageId", "publishTime", "orderingKey"},
                                                           "deliveryAttempt"}]} or {} when none arrives within
                                                           --pull-wait seconds
  POST            ...:acknowledge                          {"ackIds": [...]}; unknown or expired ack ids are ignored
  POST            ...:modifyAckDeadline                    {"ackIds", "ackDeadlineSeconds" 0..600}; 0 = nack (the
                                                           message is available again at once)
  Ack deadlines: a pulled message is leased for the subscription's ackDeadlineSeconds; when the lease runs out it
  is delivered again. deliveryAttempt counts deliveries (1 on the first) and, as in Pub/Sub, is only reported on
  subscriptions with a dead-letter policy. Dead letters: a message already delivered maxDeliveryAttempts times is,
  instead of an other delivery, published to the dead-letter topic (with the CloudPubSubDeadLetterSource* attributes)
  and removed. Ordering: on subscriptions with enableMessageOrdering, messages of one ordering key are delivered in
  publish order and at most one of a key is outstanding at a time (stricter than Pub/Sub, which may lease several).
  Errors use Google's JSON shape {"error": {"code", "message", "status"}}.

Not covered: snapshots, seek, push and BigQuery/Cloud Storage subscriptions, filters, exactly-once delivery,
retention, schemas, StreamingPull (gRPC), IAM, labels, update/patch, list calls.

Credentials for tests of Lodestar's credential chain (also not part of Pub/Sub):
  POST /token   an OAuth 2 token endpoint: grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer with an RS256
                `assertion` (its claims are decoded and checked for iss/scope/aud/iat/exp and recorded; the signature
                is NOT verified here, the Swift tests verify it with the public key), or grant_type=refresh_token.
  GET  /computeMetadata/v1/instance/service-accounts/default/token   the metadata server (needs
                `Metadata-Flavor: Google`); GET /computeMetadata/v1/project/project-id.
  Tokens issued here are accepted by the Pub/Sub endpoints when a project requires a bearer token.

Test controls (per project P, so tests running in parallel do not disturb each other):
  POST /admin/projects/P/faults        {"fail_next": N, "rate": 0.2, "status": 503, "mode": "status"|"reset",
                                        "latency_ms": 50}  the next N calls (then each with probability `rate`)
                                        fail with `status` or a dropped connection; every call waits latency_ms
  POST /admin/projects/P/auth          {"require_token": true}  calls need a bearer token issued by /token or the
                                        metadata endpoint (else 401 UNAUTHENTICATED)
  POST /admin/projects/P/expire-tokens every token issued so far is refused (401) from now on for that project
  GET  /admin/projects/P/stats         calls per method, injected failures, 401s, messages acked (leases ended by an ack)
  POST /admin/projects/P/advance       {"seconds": S}  moves project P's clock forward (its ack deadlines)
  POST /admin/advance                  {"seconds": S}  moves the emulator's clock forward (tokens, all projects)
  GET  /admin/token-requests?iss=E     the JWT assertions received from issuer E (header, claims, raw)
  POST /admin/token-lifetime           {"seconds": S}  lifetime of tokens issued from now on
  GET  /admin/health
Flags give the defaults: --fail-rate, --fail-status, --latency-ms, --require-token, --token-lifetime, --pull-wait.

Run: python3 scripts/pubsub_emulator.py --host 127.0.0.1 --port 8085   (then PUBSUB_EMULATOR_HOST=127.0.0.1:8085)
"""

import argparse
import base64
import bisect
import binascii
import io
import datetime
import json
import random
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_REQUEST_BYTES = 12 * 1024 * 1024
MAX_PUBLISH_BYTES = 10 * 1000 * 1000
RESOURCE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$")
PROJECT_ID = re.compile(r"^[a-z0-9\-.:]{1,100}$")
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class ApiError(Exception):
    STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
              409: "ALREADY_EXISTS", 413: "INVALID_ARGUMENT", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
              503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message

    def body(self):
        return {"error": {"code": self.code, "message": self.message, "status": self.STATUS.get(self.code, "UNKNOWN")}}


class Record:
    """One message in one subscription."""

    __slots__ = ("seq", "message", "attempts")

    def __init__(self, seq, message):
        self.seq = seq
        self.message = message
        self.attempts = 0


class Subscription:
    def __init__(self, name, topic, ack_deadline, dead_letter, ordering):
        self.name = name
        self.project = name.split("/")[1]
        self.topic = topic
        self.ack_deadline = ack_deadline
        self.dead_letter = dead_letter  # (topic name, max attempts) or None
        self.ordering = ordering
        self.available = []  # Records, kept in seq order
        self.leases = {}  # ackId -> (Record, deadline)

    def json(self):
        out = {"name": self.name, "topic": self.topic, "ackDeadlineSeconds": self.ack_deadline}
        if self.dead_letter:
            out["deadLetterPolicy"] = {"deadLetterTopic": self.dead_letter[0], "maxDeliveryAttempts": self.dead_letter[1]}
        if self.ordering:
            out["enableMessageOrdering"] = True
        return out


class ProjectControls:
    def __init__(self, defaults):
        self.fail_next = 0
        self.rate = defaults.fail_rate
        self.status = defaults.fail_status
        self.mode = "status"
        self.latency_ms = defaults.latency_ms
        self.require_token = defaults.require_token
        self.expired_before = 0  # tokens with a serial below this are refused
        self.offset = 0.0  # this project's clock runs ahead of the emulator's by this many seconds
        self.stats = {"calls": {}, "injected": 0, "unauthenticated": 0}


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Condition()
        self.offset = 0.0
        self.topics = {}  # name -> set of subscription names
        self.subs = {}
        self.seq = 0
        self.message_ids = 0
        self.ack_serial = 0
        self.projects = {}
        self.tokens = {}  # value -> (serial, expires_at)
        self.token_serial = 0
        self.token_lifetime = args.token_lifetime
        self.token_requests = []
        self.rng = random.Random(args.seed)

    # -- time -------------------------------------------------------------------------------------------------------
    def now(self, project=None):
        extra = self.projects[project].offset if project in self.projects else 0.0
        return time.monotonic() + self.offset + extra

    def wall(self):
        return time.time() + self.offset

    def controls(self, project):
        c = self.projects.get(project)
        if c is None:
            c = self.projects[project] = ProjectControls(self.args)
        return c

    # -- tokens -----------------------------------------------------------------------------------------------------
    def issue_token(self):
        self.token_serial += 1
        value = "emu-%d-%016x" % (self.token_serial, self.rng.getrandbits(64))
        self.tokens[value] = (self.token_serial, self.now() + self.token_lifetime)
        if len(self.tokens) > 100000:
            self.tokens.clear()
        return {"access_token": value, "expires_in": int(self.token_lifetime), "token_type": "Bearer"}

    def token_ok(self, header, controls):
        if not header or not header.startswith("Bearer "):
            return False
        found = self.tokens.get(header[7:].strip())
        if found is None:
            return False
        serial, expires = found
        return serial >= controls.expired_before and self.now() < expires

    # -- leases -----------------------------------------------------------------------------------------------------
    def expire_leases(self, sub):
        now = self.now(sub.project)
        expired = [a for a, (_, deadline) in sub.leases.items() if deadline <= now]
        for a in expired:
            record, _ = sub.leases.pop(a)
            self.make_available(sub, record)

    def make_available(self, sub, record):
        # keep publish order (binary search: a consumer killed with thousands of leases puts them all back at once)
        bisect.insort(sub.available, record, key=lambda r: r.seq)
        self.lock.notify_all()

    # -- topics -----------------------------------------------------------------------------------------------------
    def publish(self, topic, messages):
        if topic not in self.topics:
            raise ApiError(404, "Resource not found (resource=%s)." % topic.split("/")[-1])
        ids = []
        stamp = datetime.datetime.fromtimestamp(self.wall(), tz=datetime.timezone.utc)
        publish_time = stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        for m in messages:
            self.message_ids += 1
            mid = str(self.message_ids)
            msg = {"data": m.get("data", ""), "messageId": mid, "publishTime": publish_time}
            if m.get("attributes"):
                msg["attributes"] = dict(m["attributes"])
            if m.get("orderingKey"):
                msg["orderingKey"] = m["orderingKey"]
            for s in self.topics[topic]:
                self.seq += 1
                self.subs[s].available.append(Record(self.seq, msg))
            ids.append(mid)
        self.lock.notify_all()
        return ids

    def pull(self, sub, max_messages):
        self.expire_leases(sub)
        out = []
        blocked = set()
        if sub.ordering:
            for record, _ in sub.leases.values():
                key = record.message.get("orderingKey")
                if key:
                    blocked.add(key)
        keep = []
        for index, record in enumerate(sub.available):
            if not sub.ordering and len(out) >= max_messages:
                keep.extend(sub.available[index:])  # the rest stays, in order (no need to look at each)
                break
            key = record.message.get("orderingKey") if sub.ordering else None
            if len(out) >= max_messages or (key and key in blocked):
                keep.append(record)
                if key:
                    blocked.add(key)
                continue
            if sub.dead_letter and record.attempts >= sub.dead_letter[1]:
                self.dead_letter(sub, record)
                continue
            record.attempts += 1
            self.ack_serial += 1
            ack_id = "%s/%d/%d/%x" % (sub.name.split("/")[-1], record.seq, record.attempts, self.ack_serial)
            sub.leases[ack_id] = (record, self.now(sub.project) + sub.ack_deadline)
            item = {"ackId": ack_id, "message": record.message}
            if sub.dead_letter:
                item["deliveryAttempt"] = record.attempts
            out.append(item)
            if key:
                blocked.add(key)
        sub.available = keep
        return out

    def dead_letter(self, sub, record):
        topic = sub.dead_letter[0]
        if topic not in self.topics:
            return  # Pub/Sub keeps retrying to forward; here the message is dropped from the source subscription
        m = dict(record.message)
        attrs = dict(m.get("attributes") or {})
        attrs["CloudPubSubDeadLetterSourceDeliveryCount"] = str(record.attempts)
        attrs["CloudPubSubDeadLetterSourceSubscription"] = sub.name.split("/")[-1]
        attrs["CloudPubSubDeadLetterSourceSubscriptionProject"] = sub.name.split("/")[1]
        attrs["CloudPubSubDeadLetterSourceTopicPublishTime"] = m.get("publishTime", "")
        self.publish(topic, [{"data": m.get("data", ""), "attributes": attrs, "orderingKey": m.get("orderingKey")}])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LodestarPubSubEmulator/1"

    def log_message(self, fmt, *args):  # quiet unless --verbose
        if self.server.state.args.verbose:
            sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    # -- plumbing ---------------------------------------------------------------------------------------------------
    def setup(self):
        super().setup()
        # Responses go out whole and at once, as Google's front ends send them: without TCP_NODELAY the body (a
        # second write after the headers) waited for the client's delayed ACK of the headers, up to 40 ms a call —
        # latency no real endpoint adds, and one that weighed on a consumer that calls in sequence more than on one
        # that overlaps its calls.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def end_response(self, body):
        """end_headers() and the body in one write."""
        self._headers_buffer.append(b"\r\n" + body)
        self.flush_headers()

    def send_json(self, code, obj, extra=None):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_response(body)

    def send_text(self, code, text, ctype="text/plain"):
        body = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_response(body)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n < 0 or n > MAX_REQUEST_BYTES:
            self.close_connection = True
            raise ApiError(413, "Request payload size exceeds the limit: %d bytes." % MAX_PUBLISH_BYTES)
        return self.rfile.read(n) if n else b""

    def json_body(self):
        raw = self.read_body()
        if not raw:
            return {}
        try:
            obj = json.loads(raw)
        except ValueError:
            raise ApiError(400, "Invalid JSON payload received.")
        if not isinstance(obj, dict):
            raise ApiError(400, "Invalid JSON payload received: not an object.")
        return obj

    def reset_connection(self):
        # Drop the connection without an answer (SO_LINGER 0 sends a TCP reset).
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True
        # socket.close() only releases the fd once the handler's file objects are closed too.
        for f in (self.rfile, self.wfile, self.connection):
            try:
                f.close()
            except (OSError, ValueError):
                pass
        self.wfile = io.BytesIO()  # the server flushes it after the handler returns

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def dispatch(self, method):
        state = self.server.state
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path
        try:
            if path.startswith("/admin/"):
                return self.admin(method, path, urllib.parse.parse_qs(parsed.query))
            if path == "/token" and method == "POST":
                return self.token_endpoint()
            if path.startswith("/computeMetadata/v1/"):
                return self.metadata(path)
            m = re.fullmatch(r"/v1/projects/([^/]+)/(topics|subscriptions)/([^/:]+)(?::([A-Za-z]+))?", path)
            if not m:
                self.read_body()
                raise ApiError(404, "Not found: %s %s" % (method, path))
            project, kind, rid, verb = m.group(1), m.group(2), m.group(3), m.group(4)
            if not PROJECT_ID.fullmatch(project) or not RESOURCE_ID.fullmatch(rid) or rid.lower().startswith("goog"):
                self.read_body()
                raise ApiError(400, "Invalid resource name given (name=projects/%s/%s/%s)." % (project, kind, rid))
            name = "projects/%s/%s/%s" % (project, kind, rid)
            body = self.json_body() if method in ("POST", "PUT") else (self.read_body() and {})
            call = "%s.%s" % (kind, verb or {"PUT": "create", "GET": "get", "DELETE": "delete"}.get(method, method))
            with state.lock:
                c = state.controls(project)
                c.stats["calls"][call] = c.stats["calls"].get(call, 0) + 1
                latency = c.latency_ms
                if c.require_token and not state.token_ok(self.headers.get("Authorization"), c):
                    c.stats["unauthenticated"] += 1
                    raise ApiError(401, "Request had invalid authentication credentials. Expected OAuth 2 access "
                                        "token, login cookie or other valid authentication credential.")
                fail = None
                if c.fail_next > 0:
                    c.fail_next -= 1
                    fail = (c.mode, c.status)
                elif c.rate > 0 and state.rng.random() < c.rate:
                    fail = (c.mode, c.status)
                if fail:
                    c.stats["injected"] += 1
            if latency:
                time.sleep(latency / 1000.0)
            if fail:
                if fail[0] == "reset":
                    return self.reset_connection()
                raise ApiError(fail[1], "The service was unable to fulfill your request. Please try again. [injected]")
            if kind == "topics":
                result = self.topic_call(method, verb, name, body)
            else:
                result = self.subscription_call(method, verb, name, body)
            self.send_json(200, result)
        except ApiError as e:
            extra = {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'} if e.code == 401 else None
            self.send_json(e.code, e.body(), extra)

    # -- Pub/Sub ----------------------------------------------------------------------------------------------------
    def topic_call(self, method, verb, name, body):
        state = self.server.state
        with state.lock:
            if verb is None and method == "PUT":
                if name in state.topics:
                    raise ApiError(409, "Resource already exists in the project (resource=%s)." % name.split("/")[-1])
                state.topics[name] = set()
                return {"name": name}
            if verb is None and method == "GET":
                if name not in state.topics:
                    raise ApiError(404, "Resource not found (resource=%s)." % name.split("/")[-1])
                return {"name": name}
            if verb is None and method == "DELETE":
                if name not in state.topics:
                    raise ApiError(404, "Resource not found (resource=%s)." % name.split("/")[-1])
                for s in state.topics.pop(name):
                    state.subs[s].topic = "_deleted-topic_"
                return {}
        if verb == "publish" and method == "POST":
            messages = body.get("messages")
            if not isinstance(messages, list) or not messages:
                raise ApiError(400, "The value for message_count is too small. You passed 0 in the request, but the "
                                    "minimum value is 1.")
            if len(messages) > 1000:
                raise ApiError(400, "The value for message_count is too large. You passed %d in the request, but the "
                                    "maximum value is 1000." % len(messages))
            total = 0
            for m in messages:
                if not isinstance(m, dict):
                    raise ApiError(400, "Invalid JSON payload received: message is not an object.")
                data = m.get("data", "")
                attrs = m.get("attributes") or {}
                if not isinstance(data, str) or not isinstance(attrs, dict) or \
                        not all(isinstance(k, str) and isinstance(v, str) for k, v in attrs.items()):
                    raise ApiError(400, "Invalid JSON payload received: bad message field types.")
                try:
                    raw = base64.b64decode(data, validate=True)
                except (binascii.Error, ValueError):
                    raise ApiError(400, "Invalid value at 'messages[0].data' (TYPE_BYTES), Base64 decoding failed.")
                if not raw and not attrs:
                    raise ApiError(400, "Some messages are empty: a message needs data or attributes.")
                total += len(raw)
            if total > MAX_PUBLISH_BYTES:
                raise ApiError(400, "Request payload size exceeds the limit: %d bytes." % MAX_PUBLISH_BYTES)
            with state.lock:
                return {"messageIds": state.publish(name, messages)}
        raise ApiError(404, "Method not found.")

    def subscription_call(self, method, verb, name, body):
        state = self.server.state
        if verb is None and method == "PUT":
            topic = body.get("topic")
            if not isinstance(topic, str) or not re.fullmatch(r"projects/[^/]+/topics/[^/]+", topic):
                raise ApiError(400, "Invalid resource name given (name=%s)." % topic)
            deadline = body.get("ackDeadlineSeconds") or 10
            if not isinstance(deadline, int) or not 10 <= deadline <= 600:
                raise ApiError(400, "Invalid ack deadline given: %s (10..600)." % deadline)
            dl = None
            policy = body.get("deadLetterPolicy")
            if policy:
                dl_topic = policy.get("deadLetterTopic")
                attempts = policy.get("maxDeliveryAttempts") or 5
                if not isinstance(attempts, int) or not 5 <= attempts <= 100:
                    raise ApiError(400, "Invalid max_delivery_attempts: %s (5..100)." % attempts)
                if not isinstance(dl_topic, str):
                    raise ApiError(400, "deadLetterPolicy.deadLetterTopic is required.")
                dl = (dl_topic, attempts)
            with state.lock:
                if name in state.subs:
                    raise ApiError(409, "Resource already exists in the project (resource=%s)." % name.split("/")[-1])
                if topic not in state.topics:
                    raise ApiError(404, "Resource not found (resource=%s)." % topic.split("/")[-1])
                if dl and dl[0] not in state.topics:
                    raise ApiError(404, "Resource not found (resource=%s)." % dl[0].split("/")[-1])
                sub = Subscription(name, topic, deadline, dl, bool(body.get("enableMessageOrdering")))
                state.subs[name] = sub
                state.topics[topic].add(name)
                return sub.json()
        with state.lock:
            sub = state.subs.get(name)
            if sub is None:
                raise ApiError(404, "Resource not found (resource=%s)." % name.split("/")[-1])
            if verb is None and method == "GET":
                return sub.json()
            if verb is None and method == "DELETE":
                del state.subs[name]
                if sub.topic in state.topics:
                    state.topics[sub.topic].discard(name)
                return {}
            if method != "POST":
                raise ApiError(404, "Method not found.")
            if verb == "pull":
                n = body.get("maxMessages")
                if not isinstance(n, int) or n < 1:
                    raise ApiError(400, "maxMessages must be a positive integer.")
                n = min(n, 1000)
                end = time.monotonic() + (0 if body.get("returnImmediately") else state.args.pull_wait)
                while True:
                    out = state.pull(sub, n)
                    left = end - time.monotonic()
                    if out or left <= 0 or state.subs.get(name) is not sub:
                        break
                    state.lock.wait(min(left, 0.05))
                return {"receivedMessages": out} if out else {}
            ack_ids = body.get("ackIds")
            if not isinstance(ack_ids, list) or not all(isinstance(a, str) for a in ack_ids):
                raise ApiError(400, "ackIds must be a list of strings.")
            state.expire_leases(sub)
            if verb == "acknowledge":
                acked = sum(1 for a in ack_ids if sub.leases.pop(a, None) is not None)
                stats = state.controls(sub.project).stats
                stats["acked"] = stats.get("acked", 0) + acked
                return {}
            if verb == "modifyAckDeadline":
                seconds = body.get("ackDeadlineSeconds")
                if not isinstance(seconds, int) or not 0 <= seconds <= 600:
                    raise ApiError(400, "Invalid ack deadline given: %s (0..600)." % seconds)
                for a in ack_ids:
                    lease = sub.leases.get(a)
                    if lease is None:
                        continue
                    if seconds == 0:
                        del sub.leases[a]
                        state.make_available(sub, lease[0])
                    else:
                        sub.leases[a] = (lease[0], state.now(sub.project) + seconds)
                return {}
        raise ApiError(404, "Method not found.")

    # -- credentials ------------------------------------------------------------------------------------------------
    def token_endpoint(self):
        state = self.server.state
        form = urllib.parse.parse_qs(self.read_body().decode("utf-8", "replace"))
        grant = (form.get("grant_type") or [""])[0]
        if grant == JWT_BEARER:
            assertion = (form.get("assertion") or [""])[0]
            parts = assertion.split(".")
            try:
                if len(parts) != 3:
                    raise ValueError("not three parts")
                header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
                claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
                for k in ("iss", "scope", "aud", "iat", "exp"):
                    if k not in claims:
                        raise ValueError("claim %s missing" % k)
                if header.get("alg") != "RS256":
                    raise ValueError("alg is not RS256")
                if not 0 < claims["exp"] - claims["iat"] <= 3600:
                    raise ValueError("exp must be within an hour of iat")
            except (ValueError, TypeError, binascii.Error) as e:
                return self.send_json(400, {"error": "invalid_grant", "error_description": "Invalid JWT: %s" % e})
            with state.lock:
                state.token_requests.append({"header": header, "claims": claims, "assertion": assertion})
                del state.token_requests[:-1000]
                return self.send_json(200, state.issue_token())
        if grant == "refresh_token":
            if not (form.get("refresh_token") or [""])[0]:
                return self.send_json(400, {"error": "invalid_request", "error_description": "refresh_token missing"})
            with state.lock:
                return self.send_json(200, state.issue_token())
        return self.send_json(400, {"error": "unsupported_grant_type", "error_description": "grant_type %r" % grant})

    def metadata(self, path):
        state = self.server.state
        if self.headers.get("Metadata-Flavor") != "Google":
            return self.send_text(403, "Missing Metadata-Flavor:Google header.")
        if path == "/computeMetadata/v1/instance/service-accounts/default/token":
            with state.lock:
                return self.send_json(200, state.issue_token(), {"Metadata-Flavor": "Google"})
        if path == "/computeMetadata/v1/project/project-id":
            return self.send_text(200, state.args.metadata_project)
        return self.send_text(404, "not found")

    # -- test controls ----------------------------------------------------------------------------------------------
    def admin(self, method, path, query):
        state = self.server.state
        body = self.json_body() if method == "POST" else {}
        if path == "/admin/health":
            return self.send_json(200, {"ok": True})
        if path == "/admin/advance" and method == "POST":
            with state.lock:
                state.offset += float(body.get("seconds", 0))
                state.lock.notify_all()
            return self.send_json(200, {"offset": state.offset})
        if path == "/admin/token-lifetime" and method == "POST":
            with state.lock:
                state.token_lifetime = float(body.get("seconds", 3600))
            return self.send_json(200, {})
        if path == "/admin/token-requests":
            iss = (query.get("iss") or [None])[0]
            with state.lock:
                found = [r for r in state.token_requests if iss is None or r["claims"].get("iss") == iss]
            return self.send_json(200, {"requests": found})
        m = re.fullmatch(r"/admin/projects/([^/]+)/(faults|auth|expire-tokens|stats|advance)", path)
        if m:
            with state.lock:
                c = state.controls(m.group(1))
                what = m.group(2)
                if what == "faults" and method == "POST":
                    c.fail_next = int(body.get("fail_next", 0))
                    c.rate = float(body.get("rate", 0))
                    c.status = int(body.get("status", 503))
                    c.mode = body.get("mode", "status")
                    c.latency_ms = int(body.get("latency_ms", 0))
                elif what == "auth" and method == "POST":
                    c.require_token = bool(body.get("require_token", True))
                elif what == "expire-tokens" and method == "POST":
                    c.expired_before = state.token_serial + 1
                elif what == "advance" and method == "POST":
                    c.offset += float(body.get("seconds", 0))
                    state.lock.notify_all()
                elif what != "stats":
                    raise ApiError(404, "unknown admin call")
                return self.send_json(200, c.stats)
        raise ApiError(404, "unknown admin call")


def main():
    p = argparse.ArgumentParser(description="Pub/Sub REST emulator for Lodestar's tests (see the file's header).")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8085)
    p.add_argument("--pull-wait", type=float, default=0.5, help="seconds a pull waits for messages (default 0.5)")
    p.add_argument("--token-lifetime", type=float, default=3600, help="expires_in of issued tokens")
    p.add_argument("--require-token", action="store_true", help="every project needs a bearer token by default")
    p.add_argument("--fail-rate", type=float, default=0.0, help="default share of calls failed with --fail-status")
    p.add_argument("--fail-status", type=int, default=503)
    p.add_argument("--latency-ms", type=int, default=0, help="default added latency per call")
    p.add_argument("--metadata-project", default="emulator-project")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.state = State(args)
    print("pubsub emulator listening on %s:%d" % server.server_address[:2], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
