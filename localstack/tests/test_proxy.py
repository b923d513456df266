#!/usr/bin/env python3
"""Self-test of localstack/proxy.py against a fake upstream (stdlib only):

    python3 -m unittest tests.test_proxy      (from localstack/)
"""
import http.client
import http.server
import json
import subprocess
import sys
import threading
import time
import unittest

import proxy

AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{svc}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc")


class FakeUpstream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = []            # (method, path, headers dict, body)
    lock = threading.Lock()

    def log_message(self, *a):
        pass

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with FakeUpstream.lock:
            FakeUpstream.seen.append((self.command, self.path, dict(self.headers.items()), body))
        if self.path.startswith("/slow"):
            time.sleep(0.2)
        status = 201 if self.path.startswith("/created") else 200
        payload = b"echo:" + self.command.encode() + b":" + self.path.encode() + b":" + body
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("X-Upstream", "yes")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_DELETE = do_PUT = do_HEAD = answer


def ec2(action, extra=""):
    return ("POST", "/", {"Authorization": AUTH.format(svc="ec2"),
                          "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            f"Action={action}&Version=2016-11-15{extra}".encode())


def elb(action):
    return ("POST", "/", {"Authorization": AUTH.format(svc="elasticloadbalancing"),
                          "Content-Type": "application/x-www-form-urlencoded"},
            f"Action={action}&Version=2015-12-01".encode())


def ecs(op):
    return ("POST", "/", {"Authorization": AUTH.format(svc="ecs"), "Content-Type": "application/x-amz-json-1.1",
                          "X-Amz-Target": f"AmazonEC2ContainerServiceV20141113.{op}"}, b"{}")


def r53(method, path, body=b""):
    return (method, path, {"Authorization": AUTH.format(svc="route53")}, body)


class ProxyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeUpstream)
        cls.upstream.daemon_threads = True
        threading.Thread(target=cls.upstream.serve_forever, daemon=True).start()
        up_url = f"http://127.0.0.1:{cls.upstream.server_address[1]}"
        cls.server = proxy.make_server(("127.0.0.1", 0), up_url, delay_ms=0, max_hold=30)
        threading.Thread(target=cls.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        cls.port = cls.server.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        cls.upstream.shutdown()
        cls.upstream.server_close()

    def setUp(self):
        self.control("POST", "/__proxy/config", {"delay_ms": 0, "throttle_rate": 0, "drop_rate": 0,
                                                  "hold_after_mutations": None, "fail_operation": None,
                                                  "fail_code": "AccessDenied"})
        self.control("POST", "/__proxy/reset")
        with FakeUpstream.lock:
            FakeUpstream.seen.clear()

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def send(self, req, conn=None):
        method, path, headers, body = req
        c = conn or self.conn()
        try:
            c.request(method, path, body=body or None, headers=headers)
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            if conn is None:
                c.close()

    def control(self, method, path, obj=None):
        c = self.conn()
        try:
            body = json.dumps(obj).encode() if obj is not None else b""
            c.request(method, path, body=body, headers={"Content-Type": "application/json"})
            r = c.getresponse()
            data = r.read()
            self.assertEqual(r.status, 200, data)
            return json.loads(data)
        finally:
            c.close()

    def stats(self):
        return self.control("GET", "/__proxy/stats")

    # ------------------------------------------------------------------------------------------------------------

    def test_forwarding_keeps_method_path_headers_body_status(self):
        sent = {"Host": "example.test:1234", "Authorization": AUTH.format(svc="ec2"), "X-Amz-Date": "20260101T000000Z",
                "Content-Type": "application/x-www-form-urlencoded"}
        status, headers, body = self.send(("POST", "/created/x?a=1", sent, b"Action=CreateVpc&Version=2016-11-15"))
        self.assertEqual(status, 201)
        self.assertEqual(headers.get("X-Upstream"), "yes")
        self.assertEqual(body, b"echo:POST:/created/x?a=1:Action=CreateVpc&Version=2016-11-15")
        method, path, hdrs, sent = FakeUpstream.seen[-1]
        self.assertEqual((method, path, sent), ("POST", "/created/x?a=1", b"Action=CreateVpc&Version=2016-11-15"))
        self.assertEqual(hdrs["Host"], "example.test:1234")
        self.assertEqual(hdrs["Authorization"], AUTH.format(svc="ec2"))
        self.assertEqual(hdrs["X-Amz-Date"], "20260101T000000Z")
        # DELETE without body, and keep-alive: several requests on one connection
        c = self.conn()
        for i in range(3):
            status, _, body = self.send(r53("DELETE", f"/2013-04-01/hostedzone/Z{i}"), conn=c)
            self.assertEqual((status, body), (200, f"echo:DELETE:/2013-04-01/hostedzone/Z{i}:".encode()))
        c.close()
        s = self.stats()
        self.assertEqual(s["requests"], 4)
        self.assertEqual(s["by_operation"], {"ec2.CreateVpc": 1, "route53.DeleteHostedZone": 3})

    def test_classification(self):
        cases = [
            (ec2("DescribeVpcs"),
             ("ec2", "DescribeVpcs", "ec2")),
            (elb("CreateRule"),
             ("elasticloadbalancing", "CreateRule", "query")),
            (ecs("UpdateService"),
             ("ecs", "UpdateService", "json")),
            (("POST", "/", {"Authorization": AUTH.format(svc="servicediscovery"),
                           "X-Amz-Target": "Route53AutoNaming_v20170314.CreateService"}, b"{}"),
             ("servicediscovery", "CreateService", "json")),
            (r53("POST", "/2013-04-01/hostedzone"),
             ("route53", "CreateHostedZone", "route53")),
            (r53("GET", "/2013-04-01/hostedzone?maxitems=100"),
             ("route53", "ListHostedZones", "route53")),
            (r53("GET", "/2013-04-01/hostedzonesbyvpc?vpcid=v&vpcregion=us-east-1"),
             ("route53", "ListHostedZonesByVPC", "route53")),
            (r53("POST", "/2013-04-01/hostedzone/Z1/rrset"),
             ("route53", "ChangeResourceRecordSets", "route53")),
            (r53("POST", "/2013-04-01/hostedzone/Z1/rrset/"),
             ("route53", "ChangeResourceRecordSets", "route53")),
            (r53("GET", "/2013-04-01/hostedzone/Z1/rrset"),
             ("route53", "ListResourceRecordSets", "route53")),
            (r53("DELETE", "/2013-04-01/hostedzone/Z1"),
             ("route53", "DeleteHostedZone", "route53")),
            (r53("POST", "/2013-04-01/tags/hostedzone/Z1"),
             ("route53", "ChangeTagsForResource", "route53")),
            (r53("GET", "/2013-04-01/tags/hostedzone/Z1"),
             ("route53", "ListTagsForResource", "route53")),
            (r53("GET", "/2013-04-01/hostedzone/Z1"),
             ("route53", "GetHostedZone", "route53")),
            (r53("GET", "/2013-04-01/hostedzonesbyname?dnsname=x"),
             ("route53", "ListHostedZonesByName", "route53")),
            (r53("PUT", "/2013-04-01/hostedzone/Z1/weird"),
             ("route53", "Route53:PUT hostedzone/ID/weird", "route53")),
            # unsigned: services guessed from the API version / target prefix
            (("POST", "/", {"Content-Type": "application/x-www-form-urlencoded"},
             b"Action=DescribeRules&Version=2015-12-01"),
             ("elasticloadbalancing", "DescribeRules", "query")),
            (("GET", "/?Action=DescribeVpcs&Version=2016-11-15", {}, b""),
             ("ec2", "DescribeVpcs", "ec2")),
        ]
        for (method, path, headers, body), expected in cases:
            got = proxy.classify(method, path, _Headers(headers), body)
            self.assertEqual(got, expected, (method, path))
        for op, mut in (("DescribeVpcs", False), ("ListHostedZones", False), ("GetHostedZone", False),
                        ("CreateRule", True), ("ChangeResourceRecordSets", True), ("SetRulePriorities", True)):
            self.assertEqual(proxy.is_mutating(op), mut, op)
        # and through the wire, counted with the mutating flag
        for req in (ec2("DescribeVpcs"), elb("CreateRule"), ecs("UpdateService"),
                    r53("POST", "/2013-04-01/hostedzone/Z1/rrset", b"<x/>")):
            self.assertEqual(self.send(req)[0], 200)
        s = self.stats()
        self.assertEqual(s["by_operation"], {"ec2.DescribeVpcs": 1, "elasticloadbalancing.CreateRule": 1,
                                             "ecs.UpdateService": 1, "route53.ChangeResourceRecordSets": 1})
        self.assertEqual(s["mutating"], 3)

    def test_throttle_formats_and_rate_with_seed(self):
        self.control("POST", "/__proxy/config", {"throttle_rate": 1.0})
        status, headers, body = self.send(ec2("DescribeVpcs"))
        self.assertEqual(status, 503)
        self.assertIn(b"<Response><Errors><Error><Code>RequestLimitExceeded</Code>", body)
        self.assertIn(b"<RequestID>", body)
        status, _, body = self.send(elb("CreateRule"))
        self.assertEqual(status, 400)
        self.assertIn(b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded", body)
        status, headers, body = self.send(ecs("UpdateService"))
        self.assertEqual(status, 400)
        self.assertEqual(headers["Content-Type"], "application/x-amz-json-1.1")
        self.assertEqual(json.loads(body), {"__type": "ThrottlingException", "message": "Rate exceeded"})
        status, _, body = self.send(r53("POST", "/2013-04-01/hostedzone"))
        self.assertEqual(status, 400)
        self.assertIn(b'<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error>'
                      b'<Type>Sender</Type><Code>Throttling</Code>', body)
        self.assertEqual(FakeUpstream.seen, [], "throttled requests must not be forwarded")
        self.assertEqual(self.stats()["throttled"], 4)

        def run(seed):
            self.control("POST", "/__proxy/config", {"throttle_rate": 0.2, "drop_rate": 0.1, "seed": seed})
            self.control("POST", "/__proxy/reset")
            outcome = []
            for _ in range(400):
                try:
                    outcome.append(self.send(ec2("DescribeVpcs"))[0])
                except (ConnectionError, http.client.HTTPException, OSError):
                    outcome.append("drop")
            return outcome, self.stats()

        a, sa = run(7)
        b, _ = run(7)
        self.assertEqual(a, b, "the same seed gives the same faults")
        self.assertEqual(sa["throttled"], a.count(503))
        self.assertEqual(sa["dropped"], a.count("drop"))
        self.assertEqual(sa["requests"], a.count(200))
        self.assertTrue(50 <= sa["throttled"] <= 110, sa)   # 20% of 400 = 80
        self.assertTrue(20 <= sa["dropped"] <= 65, sa)      # 10% of 400 = 40

    def test_drop_closes_without_answer(self):
        self.control("POST", "/__proxy/config", {"drop_rate": 1.0})
        with self.assertRaises((ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine)):
            self.send(ec2("CreateVpc"))
        self.assertEqual(FakeUpstream.seen, [])
        self.assertEqual(self.stats()["dropped"], 1)

    def test_fail_operation(self):
        self.control("POST", "/__proxy/config", {"fail_operation": "CreateRule", "fail_code": "AccessDenied"})
        status, _, body = self.send(elb("CreateRule"))
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>AccessDenied</Code>", body)
        self.assertEqual(self.send(elb("DescribeRules"))[0], 200)
        self.control("POST", "/__proxy/config", {"fail_operation": "ecs.UpdateService", "fail_code": "ClientException"})
        status, _, body = self.send(ecs("UpdateService"))
        self.assertEqual((status, json.loads(body)["__type"]), (400, "ClientException"))
        self.control("POST", "/__proxy/config",
                     {"fail_operation": "DescribeVpcs", "fail_code": "UnauthorizedOperation"})
        status, _, body = self.send(ec2("DescribeVpcs"))
        self.assertEqual(status, 400)
        self.assertIn(b"<Response><Errors><Error><Code>UnauthorizedOperation</Code>", body)
        self.assertEqual([p for _, _, _, p in FakeUpstream.seen], [b"Action=DescribeRules&Version=2015-12-01"])
        s = self.stats()
        self.assertEqual((s["failed"], s["requests"]), (3, 1))

    def test_hold_after_mutations(self):
        self.control("POST", "/__proxy/config", {"hold_after_mutations": 2})
        self.assertEqual(self.send(ec2("DescribeVpcs"))[0], 200)
        self.assertEqual(self.send(ec2("CreateVpc"))[0], 200)        # mutation 1
        self.assertEqual(self.control("GET", "/__proxy/held"), {"held": False, "mutations": 1, "hanging": 0})
        results = {}

        def call(name, req):
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
            try:
                c.request(*req[:2], body=req[3] or None, headers=req[2])
                results[name] = c.getresponse().status
            except (ConnectionError, http.client.HTTPException, OSError) as e:
                results[name] = type(e).__name__
            finally:
                c.close()

        t2 = threading.Thread(target=call, args=("second", ec2("CreateSubnet")))   # mutation 2: reaches upstream, held
        t2.start()
        deadline = time.time() + 10
        while not self.control("GET", "/__proxy/held")["held"] and time.time() < deadline:
            time.sleep(0.02)
        self.assertTrue(self.control("GET", "/__proxy/held")["held"])
        t3 = threading.Thread(target=call, args=("read", ec2("DescribeSubnets")))   # hangs, not forwarded
        t4 = threading.Thread(target=call, args=("third", ec2("CreateTags")))      # hangs, not forwarded
        t3.start(), t4.start()
        time.sleep(0.3)
        self.assertEqual(results, {}, "nothing is answered while held")
        held = self.control("GET", "/__proxy/held")
        self.assertEqual((held["held"], held["mutations"], held["hanging"]), (True, 2, 3))
        self.assertEqual([p.split(b"&")[0] for _, _, _, p in FakeUpstream.seen],
                         [b"Action=DescribeVpcs", b"Action=CreateVpc", b"Action=CreateSubnet"])
        self.control("POST", "/__proxy/config", {"hold_after_mutations": None})
        for t in (t2, t3, t4):
            t.join(10)
        self.assertEqual(set(results), {"second", "read", "third"})
        self.assertTrue(all(isinstance(v, str) for v in results.values()), results)   # closed, no answer
        self.assertEqual(self.control("GET", "/__proxy/held"), {"held": False, "mutations": 0, "hanging": 0})
        self.assertEqual(self.send(ec2("CreateTags"))[0], 200)   # serves again

    def test_stats_round_trips_and_in_flight(self):
        # 300 ms a request: long enough that six threads started together overlap even on a loaded machine (at
        # 20 ms, a CI run with clippy beside it once counted one of them as a fifth round trip).
        self.control("POST", "/__proxy/config", {"delay_ms": 300})
        # 3 sequential requests
        for _ in range(3):
            self.send(ec2("DescribeVpcs"))
        self.assertEqual(self.stats()["round_trips"], 3)
        # then 6 concurrent requests: one more round trip
        threads = [threading.Thread(target=self.send, args=(ec2("DescribeSubnets"),)) for _ in range(6)]
        start = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        s = self.stats()
        self.assertEqual(s["requests"], 9)
        self.assertEqual(s["round_trips"], 4, s)
        self.assertGreaterEqual(s["max_in_flight"], 4, s)
        self.assertLess(time.time() - start, 3.0)
        self.assertEqual(s["by_operation"], {"ec2.DescribeSubnets": 6, "ec2.DescribeVpcs": 3})
        self.assertEqual(s["mutating"], 0)
        self.control("POST", "/__proxy/reset")
        s = self.stats()
        self.assertEqual((s["requests"], s["round_trips"], s["max_in_flight"], s["by_operation"]), (0, 0, 0, {}))

    def test_delay_applied(self):
        self.control("POST", "/__proxy/config", {"delay_ms": 150})
        start = time.time()
        self.send(ec2("DescribeVpcs"))
        self.assertGreaterEqual(time.time() - start, 0.15)

    def test_bad_config_rejected(self):
        c = self.conn()
        c.request("POST", "/__proxy/config", body=b'{"throttle_rate": 2}')
        r = c.getresponse()
        self.assertEqual(r.status, 400)
        r.read()
        c.close()

    def test_cli_prints_ready_line(self):
        up = f"http://127.0.0.1:{self.upstream.server_address[1]}"
        p = subprocess.Popen([sys.executable, proxy.__file__, "--listen", "127.0.0.1:0", "--upstream", up,
                              "--delay-ms", "0"], stdout=subprocess.PIPE, text=True)
        try:
            line = p.stdout.readline().strip()
            self.assertRegex(line, r"^proxy listening on http://127\.0\.0\.1:\d+$")
            port = int(line.rsplit(":", 1)[1])
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", "/__proxy/stats")
            self.assertEqual(json.loads(c.getresponse().read())["requests"], 0)
            c.close()
        finally:
            p.terminate()
            p.wait(10)
            p.stdout.close()


class _Headers(dict):
    """case-insensitive .get like http.client's message"""

    def get(self, key, default=None):
        for k, v in self.items():
            if k.lower() == key.lower():
                return v
        return default


if __name__ == "__main__":
    unittest.main()
