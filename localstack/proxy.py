#!/usr/bin/env python3
"""A latency-and-fault proxy between an AWS client (ecsnet, the aws CLI) and the AWS emulator.

    python3 localstack/proxy.py --listen 127.0.0.1:PORT --upstream http://127.0.0.1:4566 \
        [--delay-ms 50] [--throttle-rate 0.0] [--drop-rate 0.0] [--seed N]

Prints `proxy listening on http://127.0.0.1:PORT` on stdout once it accepts connections (PORT 0 picks a free port
and prints it), then serves until killed (SIGTERM/SIGINT exit cleanly).

Every request (any method, path, headers, body) is forwarded to the upstream unchanged, Host and the SigV4 headers
included (the client signs for the proxy's host; moto does not check signatures), after a fixed delay modelling a
real region. Each request is classified as `service.Operation` (service from the SigV4 credential scope;
operation from the Query `Action`, the JSON `X-Amz-Target`, or the Route 53 REST method and path). An operation
is "mutating" unless its name starts with Describe, List or Get.

Faults (random, reproducible with --seed; one draw per request, drop first, then throttle):
  - throttle: answered with the service's throttling error in its wire format, not forwarded;
  - drop: the client connection is closed with no answer, not forwarded (safe to retry).

Control endpoints (never forwarded), under /__proxy/:
  GET  /__proxy/stats   {"requests", "by_operation", "mutating", "mutation_log" (the mutations in order), "throttled",
                         "dropped", "failed", "held_requests", "max_in_flight", "round_trips", "config"}
  POST /__proxy/reset   zero the counters (config is kept; a hold in place stays in place)
  POST /__proxy/config  JSON body with any of delay_ms, throttle_rate, drop_rate, seed,
                        hold_after_mutations (K or null), fail_operation ("Operation", "service.Operation" or null),
                        fail_code (default "AccessDenied"); answers the resulting config
  GET  /__proxy/held    {"held": bool, "mutations": n, "hanging": n}
  GET  /__proxy/rules   with --rules: {"settings", "refused" (per rule), "rules": [{"name", "source"}]};
                        POST /__proxy/config {"rules": {...}} sets the layer's timings and "enabled"

--rules: the AWS-rules layer (localstack/aws_rules/): every request is first checked against what real AWS
refuses and emulators accept (the API models' request shapes, quotas, dependencies, eventual consistency, request
rates) and answered with AWS's own error in the service's wire format when it breaks one; answers are rewritten
where AWS is asynchronous. Needs botocore (the emulator venv has it: .emulator/venv/bin/python proxy.py --rules).

hold_after_mutations K: mutations are counted from the moment K is set. The K-th mutating request is forwarded and
its upstream answer read, then the proxy never answers it: it holds the connection open (held = true) and from
then on answers no request (new ones hang without being forwarded; mutating requests after the K-th hang even if
they arrive before the K-th is answered, so exactly K mutations reach the upstream). Setting hold_after_mutations
to null (or to a new K) closes every hanging connection without an answer. A hang lasts at most --max-hold
seconds (default 900).

round_trips: the longest chain of requests each of which started after the previous one ended (a request's depth
is 1 + the largest depth among requests that ended before it started); throttled and failed requests count,
dropped and held ones do not. Kept in O(depth) memory, O(log depth) per request.
"""
import argparse
import bisect
import http.client
import http.server
import json
import random
import signal
import socket
import sys
import threading
import time
import urllib.parse
import uuid
from xml.sax.saxutils import escape as xml_escape

from aws_rules.core import SCOPE_RE, decompress  # stdlib only: the proxy runs without botocore unless --rules

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
              "expect", "proxy-authorization", "proxy-authenticate"}
MAX_BODY = 64 * 1024 * 1024
MAX_LOG = 10_000
R53_PREFIX = "/2013-04-01/"
R53_XMLNS = "https://route53.amazonaws.com/doc/2013-04-01/"
# X-Amz-Target prefixes → SigV4 service names, for unsigned requests
JSON_TARGETS = {"AmazonEC2ContainerServiceV20141113": "ecs", "Route53AutoNaming_v20170314": "servicediscovery"}
QUERY_VERSIONS = {"2016-11-15": "ec2", "2015-12-01": "elasticloadbalancing", "2012-06-01": "elasticloadbalancing"}


# ----------------------------------------------------------------------------------------------------------------
# Classification


def route53_operation(method, path):
    """(operation, known) for a Route 53 REST request."""
    rest = path.split("?", 1)[0][len(R53_PREFIX):].strip("/")
    parts = rest.split("/") if rest else []
    shape = "/".join(p if i % 2 == 0 or p in ("rrset", "hostedzone") else "ID" for i, p in enumerate(parts))
    n = len(parts)
    head = parts[0] if parts else ""
    if head == "hostedzone":
        if n == 1:
            return {"POST": "CreateHostedZone", "GET": "ListHostedZones"}.get(method), shape
        if n == 2:
            operations = {"GET": "GetHostedZone", "DELETE": "DeleteHostedZone", "POST": "UpdateHostedZoneComment"}
            return operations.get(method), shape
        if n == 3 and parts[2] == "rrset":
            return {"POST": "ChangeResourceRecordSets", "GET": "ListResourceRecordSets"}.get(method), shape
        if n == 3 and parts[2] == "associatevpc" and method == "POST":
            return "AssociateVPCWithHostedZone", shape
        if n == 3 and parts[2] == "disassociatevpc" and method == "POST":
            return "DisassociateVPCFromHostedZone", shape
        if n == 3 and parts[2] == "dnssec" and method == "GET":
            return "GetDNSSEC", shape
    if head == "hostedzonesbyvpc" and method == "GET":
        return "ListHostedZonesByVPC", shape
    if head == "hostedzonesbyname" and method == "GET":
        return "ListHostedZonesByName", shape
    if head == "hostedzonecount" and method == "GET":
        return "GetHostedZoneCount", shape
    if head == "tags" and n >= 3:
        return {"POST": "ChangeTagsForResource", "GET": "ListTagsForResource"}.get(method), shape
    if head == "tags" and n == 2 and method == "POST":
        return "ListTagsForResources", shape
    if head == "change" and n == 2 and method == "GET":
        return "GetChange", shape
    if head == "healthcheck":
        if n == 1:
            return {"POST": "CreateHealthCheck", "GET": "ListHealthChecks"}.get(method), shape
        if n == 2:
            operations = {"GET": "GetHealthCheck", "DELETE": "DeleteHealthCheck", "POST": "UpdateHealthCheck"}
            return operations.get(method), shape
    return None, shape


# SigV4 service names of the rest-json services (VPC Lattice): the operation is found by the API model's method and
# URI template (aws_rules.wire, which needs botocore: without it, "METHOD /path" stands for the operation).
REST_JSON_SERVICES = {"vpc-lattice"}


def rest_json_operation(service, method, path):
    try:
        from aws_rules import wire
        name = wire.rest_operation_name(wire.MODEL_NAMES[service], method, path)
    except ImportError:
        name = None
    return name or f"{method} {urllib.parse.urlsplit(path).path}"


def classify(method, path, headers, body):
    """-> (service, operation, protocol) with protocol one of ec2, query, json, route53, rest-json, other."""
    auth = headers.get("Authorization", "") or ""
    m = SCOPE_RE.search(auth)
    service = m.group(3) if m else None
    target = headers.get("X-Amz-Target")
    if target:
        prefix, _, op = target.partition(".")
        service = service or JSON_TARGETS.get(prefix, prefix)
        return service, op or target, "json"
    if path.startswith(R53_PREFIX):
        op, shape = route53_operation(method, path)
        return service or "route53", op or f"Route53:{method} {shape}", "route53"
    if service in REST_JSON_SERVICES:
        return service, rest_json_operation(service, method, path), "rest-json"
    params = {}
    query = urllib.parse.urlsplit(path).query
    if query:
        params.update(urllib.parse.parse_qs(query))
    ctype = (headers.get("Content-Type") or "").lower()
    if body and (ctype.startswith("application/x-www-form-urlencoded") or (not ctype and b"Action=" in body[:4096])):
        try:
            params.update(urllib.parse.parse_qs(decompress(headers, body).decode("utf-8", "replace")))
        except ValueError:
            pass
    action = (params.get("Action") or [None])[0]
    if action:
        version = (params.get("Version") or [""])[0]
        service = service or QUERY_VERSIONS.get(version, "query")
        return service, action, "ec2" if service == "ec2" else "query"
    return service or "unknown", f"{method} {urllib.parse.urlsplit(path).path}", "other"


def is_mutating(operation):
    return not operation.startswith(("Describe", "List", "Get"))


def error_response(protocol, code, message, status=400):
    """-> (status, headers, body) for an AWS error in the protocol's wire format."""
    rid = str(uuid.uuid4())
    if protocol == "rest-json":   # the code in a header, the body the error structure's members (VPC Lattice)
        body = json.dumps({"message": message}).encode()
        return status, {"Content-Type": "application/json", "x-amzn-ErrorType": code, "x-amzn-RequestId": rid}, body
    if protocol == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        return status, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": rid}, body
    code, message = xml_escape(code), xml_escape(message)   # messages quote request values: "&", "<"
    if protocol == "ec2":
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code>"
                f"<Message>{message}</Message></Error></Errors><RequestID>{rid}</RequestID></Response>").encode()
        return status, {"Content-Type": "text/xml;charset=UTF-8"}, body
    xmlns = f" xmlns=\"{R53_XMLNS}\"" if protocol == "route53" else ""
    body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse{xmlns}><Error><Type>Sender</Type>"
            f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>{rid}</RequestId>"
            f"</ErrorResponse>").encode()
    return status, {"Content-Type": "text/xml", "x-amzn-RequestId": rid}, body


def throttle_response(protocol):
    if protocol == "ec2":
        return error_response("ec2", "RequestLimitExceeded", "Request limit exceeded.", 503)
    if protocol == "json":
        return error_response("json", "ThrottlingException", "Rate exceeded", 400)
    if protocol == "rest-json":   # VPC Lattice: ThrottlingException, HTTP 429 (its API reference, Common Errors)
        return error_response("rest-json", "ThrottlingException", "Rate exceeded", 429)
    return error_response(protocol, "Throttling", "Rate exceeded", 400)


# ----------------------------------------------------------------------------------------------------------------
# State


class State:
    def __init__(self, delay_ms=0.0, throttle_rate=0.0, drop_rate=0.0, seed=None, max_hold=900.0):
        self.lock = threading.Condition()
        self.rng = random.Random(seed)
        self.config = {"delay_ms": float(delay_ms), "throttle_rate": float(throttle_rate),
                       "drop_rate": float(drop_rate), "hold_after_mutations": None, "fail_operation": None,
                       "fail_code": "AccessDenied"}
        self.max_hold = max_hold
        self.hold_generation = 0     # bumped when a hold is released: hanging requests then close
        self.held = False
        self.hold_mutations = 0      # mutating requests admitted since hold_after_mutations was set
        self.hanging = 0
        self.reset_stats()

    def reset_stats(self):
        with self.lock:
            self.requests = 0
            self.by_operation = {}
            self.mutating = 0
            self.mutation_log = []     # the forwarded mutations' `service.Operation`, in order (at most MAX_LOG)
            self.throttled = 0
            self.dropped = 0
            self.failed = 0
            self.refused = 0
            self.held_requests = 0
            self.in_flight = 0
            self.max_in_flight = 0
            # (first end time at which depth d was reached, d), depth strictly increasing
            self.chain_ends = []
            self.chain_depths = []
            self.hold_mutations = 0

    def set_config(self, new):
        if not isinstance(new, dict):
            raise ValueError("config must be a JSON object")
        unknown = set(new) - set(self.config) - {"seed"}
        if unknown:
            raise ValueError(f"unknown config keys: {sorted(unknown)}")
        with self.lock:
            cfg = dict(self.config)
            for key in ("delay_ms", "throttle_rate", "drop_rate"):
                if key in new:
                    value = float(new[key])
                    if value < 0 or (key != "delay_ms" and value > 1) or value > 600000:
                        raise ValueError(f"{key} out of range: {value}")
                    cfg[key] = value
            if cfg["throttle_rate"] + cfg["drop_rate"] > 1:
                raise ValueError("throttle_rate + drop_rate > 1")
            if "hold_after_mutations" in new:
                k = new["hold_after_mutations"]
                if k is not None and (not isinstance(k, int) or isinstance(k, bool) or k < 1):
                    raise ValueError("hold_after_mutations must be a positive integer or null")
                cfg["hold_after_mutations"] = k
            if "fail_operation" in new:
                op = new["fail_operation"]
                if op is not None and not isinstance(op, str):
                    raise ValueError("fail_operation must be a string or null")
                cfg["fail_operation"] = op or None
            if "fail_code" in new:
                cfg["fail_code"] = str(new["fail_code"] or "AccessDenied")
            self.config = cfg
            if "seed" in new:
                self.rng = random.Random(new["seed"])
            if "hold_after_mutations" in new:
                # a new hold (or none): release whatever hangs, count mutations afresh
                self.held = False
                self.hold_mutations = 0
                self.hold_generation += 1
                self.lock.notify_all()
            return dict(cfg)

    def stats(self):
        with self.lock:
            return {"requests": self.requests, "by_operation": dict(sorted(self.by_operation.items())),
                    "mutating": self.mutating, "mutation_log": list(self.mutation_log),
                    "throttled": self.throttled, "dropped": self.dropped,
                    "failed": self.failed, "refused": self.refused, "held_requests": self.held_requests,
                    "max_in_flight": self.max_in_flight,
                    "round_trips": self.chain_depths[-1] if self.chain_depths else 0, "in_flight": self.in_flight,
                    "config": dict(self.config)}

    def begin(self):
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def end(self, start, answered):
        """A request that arrived at `start` is over; `answered`: it got a response (counts in the chain)."""
        with self.lock:
            self.in_flight -= 1
            if not answered:
                return
            now = time.monotonic()
            i = bisect.bisect_left(self.chain_ends, start)   # entries that ended strictly before start
            depth = 1 + (self.chain_depths[i - 1] if i else 0)
            if not self.chain_depths or depth > self.chain_depths[-1]:
                self.chain_ends.append(now)
                self.chain_depths.append(depth)

    def draw_fault(self):
        with self.lock:
            r = self.rng.random()
            if r < self.config["drop_rate"]:
                self.dropped += 1
                return "drop"
            if r < self.config["drop_rate"] + self.config["throttle_rate"]:
                self.throttled += 1
                return "throttle"
            return None


# ----------------------------------------------------------------------------------------------------------------
# HTTP


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 300                      # idle keep-alive connections close after this
    server_version = "ecsnet-proxy"

    def log_message(self, fmt, *args):  # quiet unless --verbose
        if self.server.verbose:
            sys.stderr.write("proxy: " + (fmt % args) + "\n")

    # every method goes through one path
    def do_GET(self): self.handle_any()
    def do_POST(self): self.handle_any()
    def do_PUT(self): self.handle_any()
    def do_DELETE(self): self.handle_any()
    def do_HEAD(self): self.handle_any()
    def do_PATCH(self): self.handle_any()
    def do_OPTIONS(self): self.handle_any()

    def read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(1024)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > MAX_BODY:
                    raise ValueError("request body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("request body too large")
        return self.rfile.read(length) if length > 0 else b""

    def send_plain(self, status, headers, body):
        self.send_response_only(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)
        self.wfile.flush()

    def send_json(self, status, obj):
        self.send_plain(status, [("Content-Type", "application/json")], json.dumps(obj, indent=None).encode())

    def abort_connection(self):
        """Close the client connection without any answer."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def hang(self, state):
        """Answer nothing until the hold is released (or max_hold passes), then close without an answer."""
        deadline = time.monotonic() + state.max_hold
        with state.lock:
            generation = state.hold_generation
            state.hanging += 1
            state.held_requests += 1
            try:
                while state.hold_generation == generation:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    state.lock.wait(min(left, 1.0))
            finally:
                state.hanging -= 1
        self.abort_connection()

    def control(self, body):
        state = self.server.state
        path = urllib.parse.urlsplit(self.path).path
        if path == "/__proxy/stats" and self.command == "GET":
            return self.send_json(200, state.stats())
        if path == "/__proxy/held" and self.command == "GET":
            with state.lock:
                return self.send_json(200, {"held": state.held, "mutations": state.hold_mutations,
                                            "hanging": state.hanging})
        if path == "/__proxy/reset" and self.command == "POST":
            state.reset_stats()
            return self.send_json(200, {"reset": True})
        if path == "/__proxy/config" and self.command in ("POST", "PUT"):
            try:
                values = json.loads(body.decode() or "{}")
                rules_values = values.pop("rules", None) if isinstance(values, dict) else None
                if rules_values is not None and self.server.rules is None:
                    raise ValueError("this proxy runs without --rules")
                if rules_values is not None:
                    self.server.rules.configure(rules_values)
                cfg = state.set_config(values)
            except (ValueError, TypeError) as e:
                return self.send_json(400, {"error": str(e)})
            if self.server.rules is not None:
                cfg["rules"] = self.server.rules.settings()
            return self.send_json(200, cfg)
        if path == "/__proxy/rules" and self.command == "GET":
            if self.server.rules is None:
                return self.send_json(404, {"error": "this proxy runs without --rules"})
            rules = self.server.rules
            return self.send_json(200, {"settings": rules.settings(), "refused": rules.stats(),
                                        "rules": [{"name": r.name, "source": r.source} for r in rules.rules]})
        if path.startswith("/__proxy/iam"):
            return self.iam_control(path, body)
        if path == "/__proxy/config" and self.command == "GET":
            with state.lock:
                return self.send_json(200, dict(state.config))
        return self.send_json(404, {"error": f"no control endpoint {self.command} {path}"})

    def iam_control(self, path, body):
        """POST /__proxy/iam/users {"name", "policies": {name: document}, "account"} (or {"name", "admin": true,
        "account"}: requests authenticated, not judged) → {"access_key", "secret_key"}
        (400 with IAM's reason for a policy IAM would refuse); GET /__proxy/iam → what was allowed and denied."""
        if self.server.rules is None:
            return self.send_json(404, {"error": "this proxy runs without --rules"})
        principals = self.server.rules.principals
        if path == "/__proxy/iam/users" and self.command == "POST":
            from aws_rules.iam.rules import PolicyRefused
            try:
                values = json.loads(body.decode() or "{}")
                user = principals.create(values["name"], values.get("policies"), values.get("account"),
                                         admin=bool(values.get("admin")))
            except (PolicyRefused, ValueError, KeyError, TypeError) as e:
                return self.send_json(400, {"error": str(e)})
            return self.send_json(200, {"access_key": user.access_key, "secret_key": user.secret_key,
                                        "arn": user.arn})
        if path == "/__proxy/iam" and self.command == "GET":
            return self.send_json(200, principals.report())
        return self.send_json(404, {"error": f"no control endpoint {self.command} {path}"})

    def handle_any(self):
        try:
            body = self.read_body()
        except (ValueError, OSError) as e:
            self.close_connection = True
            try:
                self.send_json(400, {"error": f"proxy: bad request body: {e}"})
            except OSError:
                pass
            return
        if self.path.startswith("/__proxy/"):
            return self.control(body)
        state = self.server.state
        start = time.monotonic()
        state.begin()
        answered = False
        try:
            answered = self.proxy(state, body)
        except (OSError, http.client.HTTPException):
            self.close_connection = True
        finally:
            state.end(start, answered)

    def proxy(self, state, body):
        """Handle one AWS request; returns True if it was answered."""
        headers = self.headers
        service, operation, protocol = classify(self.command, self.path, headers, body)
        mutating = is_mutating(operation)
        key = f"{service}.{operation}"
        with state.lock:
            cfg = dict(state.config)
            if state.held:
                hang_now = True
            else:
                hang_now = False
        if hang_now:
            self.hang(state)
            return False
        delay = cfg["delay_ms"] / 1000.0
        if delay > 0:
            time.sleep(delay)
        fault = state.draw_fault()
        if fault == "drop":
            self.abort_connection()
            return False
        if fault == "throttle":
            status, hdrs, payload = throttle_response(protocol)
            self.send_plain(status, list(hdrs.items()), payload)
            return True
        fail_op = cfg["fail_operation"]
        if fail_op and fail_op in (operation, key):
            with state.lock:
                state.failed += 1
            status, hdrs, payload = error_response(protocol, cfg["fail_code"],
                                                   f"ecsnet proxy: injected permanent fault on {operation}")
            self.send_plain(status, list(hdrs.items()), payload)
            return True
        rules = self.server.rules
        request = None
        if rules is not None:
            from aws_rules.core import Request
            request = Request(service, operation, protocol, self.command, self.path, headers,
                              decompress(headers, body), raw_body=body, header_items=tuple(headers.items()))
            refusal = rules.check(request)
            if refusal is not None:
                with state.lock:
                    state.refused += 1
                status, hdrs, payload = error_response(protocol, refusal.code, refusal.message, refusal.status)
                self.send_plain(status, list(hdrs.items()), payload)
                return True
        # hold bookkeeping: decide before forwarding, so no mutation after the K-th reaches the upstream
        hold_this = False
        with state.lock:
            if state.held:
                hang_now = True
            elif mutating and state.config["hold_after_mutations"] is not None:
                k = state.config["hold_after_mutations"]
                if state.hold_mutations >= k:
                    hang_now = True
                else:
                    state.hold_mutations += 1
                    hold_this = state.hold_mutations == k
            if not hang_now:
                state.requests += 1
                state.by_operation[key] = state.by_operation.get(key, 0) + 1
                if mutating:
                    state.mutating += 1
                    if len(state.mutation_log) < MAX_LOG:
                        state.mutation_log.append(key)
        if hang_now:
            self.hang(state)
            return False
        status, reason, rheaders, payload = self.forward(body)
        if request is not None:
            payload = rules.observe(request, status, payload)
        if hold_this:
            with state.lock:
                state.held = True
                state.lock.notify_all()
            self.hang(state)
            return False
        with state.lock:
            held_now = state.held
        if held_now:   # forwarded before the hold began, answered after: answer nothing any more
            self.hang(state)
            return False
        self.send_response_only(status, reason)
        for k, v in rheaders:
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and payload:
            self.wfile.write(payload)
        self.wfile.flush()
        return True

    def forward(self, body):
        """Send the request upstream (one connection per client connection, reopened on failure)."""
        up = self.server.upstream
        headers = {}
        for k, v in self.headers.items():
            if k.lower() in HOP_BY_HOP:
                continue
            headers[k] = v
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower() or "Content-Length" not in self.headers:
            if body or self.command in ("POST", "PUT", "PATCH"):
                headers["Content-Length"] = str(len(body))
        for attempt in (1, 2):
            conn = getattr(self, "_upstream_conn", None)
            fresh = conn is None
            if fresh:
                conn = http.client.HTTPConnection(up.hostname, up.port or 80, timeout=self.server.upstream_timeout)
                self._upstream_conn = conn
            try:
                conn.request(self.command, self.path, body=body or None, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
                if resp.will_close:
                    conn.close()
                    self._upstream_conn = None
                return resp.status, resp.reason, resp.getheaders(), payload
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                self._upstream_conn = None
                if fresh or attempt == 2:   # a reused keep-alive connection may have gone stale: retry once
                    msg = f"ecsnet proxy: upstream {up.geturl()} failed: {e}".encode()
                    return 502, "Bad Gateway", [("Content-Type", "text/plain")], msg

    def finish(self):
        conn = getattr(self, "_upstream_conn", None)
        if conn is not None:
            conn.close()
        try:
            super().finish()
        except OSError:
            pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, addr, state, upstream, max_connections=512, upstream_timeout=120.0, verbose=False, rules=None):
        self.state = state
        self.rules = rules
        self.upstream = upstream
        self.upstream_timeout = upstream_timeout
        self.verbose = verbose
        self.slots = threading.BoundedSemaphore(max_connections)
        super().__init__(addr, Handler)

    def process_request(self, request, client_address):
        # bounded: at most max_connections client connections are served at once; more wait in the backlog
        self.slots.acquire()
        try:
            super().process_request(request, client_address)
        except Exception:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)


def parse_listen(value):
    host, _, port = value.rpartition(":")
    return host or "127.0.0.1", int(port)


def make_server(listen=("127.0.0.1", 0), upstream="http://127.0.0.1:4566", delay_ms=0.0, throttle_rate=0.0,
                drop_rate=0.0, seed=None, max_hold=900.0, verbose=False, rules=None):
    """`rules`: an aws_rules.layer.Layer, or True for one with the default rules reading state from `upstream`."""
    up = urllib.parse.urlsplit(upstream)
    if up.scheme != "http" or not up.hostname:
        raise ValueError(f"upstream must be http://host:port, got {upstream}")
    if rules is True:
        from aws_rules.layer import Layer
        rules = Layer(upstream, credentials=upstream_credentials())
    state = State(delay_ms, throttle_rate, drop_rate, seed, max_hold)
    return Server(listen, state, up, verbose=verbose, rules=rules)


def upstream_credentials():
    """The keys the rules layer reads the emulator's state with: ECSNET_RULES_ACCESS_KEY/SECRET_KEY, else test/test
    (moto takes any keys unless it enforces IAM)."""
    import os
    return (os.environ.get("ECSNET_RULES_ACCESS_KEY", "test"), os.environ.get("ECSNET_RULES_SECRET_KEY", "test"))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--listen", default="127.0.0.1:0", help="host:port to listen on (port 0: a free one)")
    p.add_argument("--upstream", default="http://127.0.0.1:4566")
    p.add_argument("--delay-ms", type=float, default=50.0)
    p.add_argument("--throttle-rate", type=float, default=0.0)
    p.add_argument("--drop-rate", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--max-hold", type=float, default=900.0, help="longest a held request hangs, seconds")
    p.add_argument("--rules", action="store_true",
                   help="refuse what real AWS refuses (localstack/aws_rules; needs botocore, as the emulator venv has)")
    p.add_argument("--verbose", action="store_true")
    a = p.parse_args(argv)
    for name in ("throttle_rate", "drop_rate"):
        if not 0 <= getattr(a, name) <= 1:
            p.error(f"--{name.replace('_', '-')} must be within 0..1")
    server = make_server(parse_listen(a.listen), a.upstream, a.delay_ms, a.throttle_rate, a.drop_rate, a.seed,
                         a.max_hold, a.verbose, rules=a.rules or None)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    host, port = server.server_address[:2]
    print(f"proxy listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
