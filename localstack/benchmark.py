#!/usr/bin/env python3
"""ecsnet's benchmark: each phase of ecsnet against the emulator through the latency-and-fault proxy, side by side
with the same topology built by the aws CLI one call at a time (as seed 002 scripts it).

    bash localstack/benchmark.sh [--quick] [--sizes 1,10,50,100] [--delay-ms 50] [--release]

(benchmark.sh starts the emulator, builds ecsnet and runs this file with the emulator venv's python, which has
boto3.) For each size N: a fresh VPC with two subnets and one tasks security group per service (made with boto3
straight at the emulator, not through the proxy), a topology file with an internal load balancer, a [dns] zone and
N services on port 8080, then through the proxy (--delay-ms per request):

    plan_empty   ecsnet plan                    on nothing
    apply        ecsnet apply --auto-approve    from nothing
    plan_noop    ecsnet plan --detailed-exitcode  (must say: no changes)
    change       one service's health check path edited, ecsnet apply --auto-approve
    destroy      ecsnet destroy --auto-approve

and the aws CLI baseline in a second VPC of the same shape (each call its own `aws` process):

    plan_empty   the describe calls a person runs to see what exists: load balancer, its group, every target group,
                 the zone, every tasks group
    apply        create-security-group, authorize ingress (80, 443) and egress, create-target-group (default + one per
                 service), create-load-balancer, create-listener, per service create-rule and
                 authorize-security-group-ingress, create-hosted-zone, change-resource-record-sets per service
    plan_noop    the describe calls to check each resource: load balancer, its group, listener, rules, every target
                 group, every tasks group, the zone, its records
    change       describe-target-groups --names (for the ARN) + modify-target-group --health-check-path
    destroy      the deletes one at a time: records, rules, listener, load balancer, target groups, ingress rules,
                 zone, group

Columns: requests (proxy count), sequential round trips (proxy: the longest chain of requests each started after the
previous ended), wall time, peak memory (/usr/bin/time %M, or VmHWM polled from /proc). Writes bench/results.md
and bench/results.json. Also runs `cargo run --example offline_plan -- 1000` (planning 1,000 services without the
network) when that example exists.
"""
import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TIMEOUT = 600
REGION = "us-east-1"
PHASES = ["plan_empty", "apply", "plan_noop", "change", "destroy"]
PHASE_LABEL = {"plan_empty": "plan on nothing", "apply": "apply from nothing", "plan_noop": "no-op plan",
               "change": "one-service change", "destroy": "destroy"}
CLI_EQUIVALENT = {
    "plan_empty": "describe-load-balancers, describe-security-groups (LB group), describe-target-groups per target "
                  "group, list-hosted-zones-by-name, describe-security-groups per tasks group",
    "apply": "create-security-group, authorize-security-group-ingress ×2 + -egress, create-target-group ×(N+1), "
             "create-load-balancer, create-listener, create-rule ×N, authorize-security-group-ingress ×N, "
             "create-hosted-zone, change-resource-record-sets ×N",
    "plan_noop": "describe-load-balancers, describe-security-groups (LB group), describe-listeners, describe-rules, "
                 "describe-target-groups ×(N+1), describe-security-groups ×N, list-hosted-zones-by-name, "
                 "list-resource-record-sets",
    "change": "describe-target-groups --names (ARN) + modify-target-group --health-check-path (no `apply` step: "
              "the closest equivalent of editing one service)",
    "destroy": "change-resource-record-sets DELETE ×N, delete-rule ×N, delete-listener, delete-load-balancer, "
               "delete-target-group ×(N+1), revoke-security-group-ingress ×N, delete-hosted-zone, "
               "delete-security-group",
}


def log(msg):
    print(f"benchmark: {msg}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------------------------
# processes


class Proxy:
    """localstack/proxy.py as a child process on a free port."""

    def __init__(self, upstream, delay_ms):
        self.proc = subprocess.Popen([sys.executable, str(HERE / "proxy.py"), "--listen", "127.0.0.1:0",
                                      "--upstream", upstream, "--delay-ms", str(delay_ms)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = [None]
        reader = threading.Thread(target=lambda: line.__setitem__(0, self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(30)
        m = re.match(r"proxy listening on (http://127\.0\.0\.1:(\d+))", (line[0] or "").strip())
        if not m:
            self.stop()
            raise RuntimeError(f"proxy did not start (said {line[0]!r})")
        self.url, self.port = m.group(1), int(m.group(2))

    def call(self, method, path, obj=None):
        import urllib.request
        data = json.dumps(obj).encode() if obj is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def reset(self):
        self.call("POST", "/__proxy/reset")

    def stats(self):
        return self.call("GET", "/__proxy/stats")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc.stdout:
            self.proc.stdout.close()


TIME_BIN = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_measured(argv, env, timeout=TIMEOUT, cwd=None):
    """Run argv; -> dict(rc, wall, peak_kb, stdout, stderr). Peak memory from /usr/bin/time -f %M, else from
    VmHWM polled in /proc while it runs (the last value read before it exits)."""
    start = time.monotonic()
    if TIME_BIN:
        with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as tf:
            tpath = tf.name
        try:
            p = subprocess.run([TIME_BIN, "-f", "%M", "-o", tpath, *argv], env=env, cwd=cwd, capture_output=True,
                               text=True, timeout=timeout)
            wall = time.monotonic() - start
            txt = Path(tpath).read_text().strip().splitlines()
            peak = int(txt[-1]) if txt and txt[-1].strip().isdigit() else None
        finally:
            os.unlink(tpath)
        return {"rc": p.returncode, "wall": wall, "peak_kb": peak, "stdout": p.stdout, "stderr": p.stderr}
    p = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [None]
    done = threading.Event()

    def poll():
        while not done.is_set():
            try:
                for line in Path(f"/proc/{p.pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak[0] = max(peak[0] or 0, int(line.split()[1]))
            except (OSError, ValueError):
                pass
            done.wait(0.005)

    t = threading.Thread(target=poll, daemon=True)
    t.start()
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        raise
    finally:
        done.set()
        t.join()
    return {"rc": p.returncode, "wall": time.monotonic() - start, "peak_kb": peak[0], "stdout": out, "stderr": err}


# ----------------------------------------------------------------------------------------------------------------
# network set-up (boto3, straight at the emulator)


def make_network(boto3, endpoint, tag, octet, n):
    ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test",
                       aws_secret_access_key="test")
    cidr = f"10.{octet}.0.0/16"
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": f"{tag}-vpc"}]}])["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{octet}.{i + 1}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
               for i, az in enumerate(("us-east-1a", "us-east-1b"))]
    groups = [ec2.create_security_group(GroupName=f"{tag}-s{i:03d}-tasks", Description="ecsnet benchmark tasks",
                                        VpcId=vpc)["GroupId"] for i in range(1, n + 1)]
    return {"vpc": vpc, "cidr": cidr, "subnets": subnets, "groups": groups}


def topology_toml(name, net, n, changed=None):
    lines = [f'name = "{name}"', f'region = "{REGION}"', "", "[network]", f'vpc = "{net["vpc"]}"',
             f'subnets = ["{net["subnets"][0]}", "{net["subnets"][1]}"]', "", "[load_balancer]",
             f'name = "{name}"', 'scheme = "internal"', "", "[listener]", "port = 80", "", "[dns]",
             f'zone = "{name}.internal"', "ttl = 60", ""]
    for i in range(1, n + 1):
        svc = f"s{i:03d}"
        path = "/changed/health" if changed == svc else "/health"
        lines += ["[[service]]", f'name = "{svc}"', "port = 8080", f'host = "{svc}.{name}.internal"',
                  f'security_group = "{net["groups"][i - 1]}"', 'target_type = "ip"', "",
                  "[service.health_check]", f'path = "{path}"', "interval = 10", "healthy_threshold = 2", ""]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------------------------
# ecsnet


def ecsnet_phases(binary, proxy, net, n, workdir, timeout):
    name = f"bn{n}-{uuid.uuid4().hex[:4]}"
    topo = workdir / f"{name}.toml"
    topo.write_text(topology_toml(name, net, n))
    env = dict(os.environ, AWS_ENDPOINT_URL=proxy.url, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_REGION=REGION, AWS_DEFAULT_REGION=REGION, NO_COLOR="1",
               AWS_CONFIG_FILE=str(workdir / "no-aws-config"), AWS_SHARED_CREDENTIALS_FILE=str(workdir / "no-aws-creds"))
    env.pop("AWS_PROFILE", None)
    steps = [("plan_empty", ["plan"], (0, 2)),
             ("apply", ["apply", "--auto-approve"], (0,)),
             ("plan_noop", ["plan", "--detailed-exitcode"], (0,)),
             ("change", ["apply", "--auto-approve"], (0,)),
             ("destroy", ["destroy", "--auto-approve"], (0,))]
    out = {"topology": name}
    for phase, args, ok_codes in steps:
        if phase == "change":
            topo.write_text(topology_toml(name, net, n, changed="s001"))
        proxy.reset()
        log(f"ecsnet n={n} {phase}: ecsnet {' '.join(args)}")
        try:
            r = run_measured([str(binary), *args, "-f", str(topo)], env, timeout=timeout)
        except subprocess.TimeoutExpired:
            out[phase] = {"ok": False, "error": f"timed out after {timeout}s"}
            log(f"  TIMEOUT after {timeout}s")
            break
        s = proxy.stats()
        summary = [l for l in r["stdout"].splitlines() if l.startswith(("Plan:", "No changes", "Apply complete",
                                                                          "Destroy complete"))]
        res = {"ok": r["rc"] in ok_codes, "rc": r["rc"], "wall_s": round(r["wall"], 3),
               "peak_mb": round(r["peak_kb"] / 1024, 1) if r["peak_kb"] else None, "requests": s["requests"],
               "round_trips": s["round_trips"], "mutating": s["mutating"], "max_in_flight": s["max_in_flight"],
               "by_operation": s["by_operation"], "summary": summary}
        if phase == "change":
            res["expected"] = "Plan: 0 to add, 1 to change, 0 to destroy."
        if not res["ok"]:
            res["stderr_tail"] = r["stderr"][-2000:]
            res["stdout_tail"] = r["stdout"][-2000:]
        out[phase] = res
        log(f"  rc={r['rc']} {res['wall_s']}s {s['requests']} requests {s['round_trips']} round trips "
            f"{res['peak_mb']} MB {' | '.join(summary)}")
        if not res["ok"]:
            log(f"  FAILED: {r['stderr'][-1500:]}")
            if phase in ("apply", "destroy"):
                break
    return out


# ----------------------------------------------------------------------------------------------------------------
# aws CLI baseline


class Cli:
    def __init__(self, aws, proxy, workdir, timeout):
        self.aws, self.proxy, self.timeout = aws, proxy, timeout
        self.env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                        AWS_DEFAULT_REGION=REGION, AWS_REGION=REGION, AWS_PAGER="",
                        AWS_CONFIG_FILE=str(workdir / "no-aws-config"),
                        AWS_SHARED_CREDENTIALS_FILE=str(workdir / "no-aws-creds"))
        for k in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
            self.env.pop(k, None)
        self.calls = 0
        self.errors = []
        self.peak_kb = 0

    def __call__(self, *args, check=True):
        argv = [str(self.aws), *args, "--endpoint-url", self.proxy.url, "--output", "json"]
        r = run_measured(argv, self.env, timeout=self.timeout)
        self.calls += 1
        self.peak_kb = max(self.peak_kb, r["peak_kb"] or 0)
        if r["rc"] != 0:
            msg = f"aws {' '.join(args[:2])}: rc={r['rc']}: {r['stderr'].strip()[-300:]}"
            if check:
                self.errors.append(msg)
                log("  CLI " + msg)
            return None
        return json.loads(r["stdout"]) if r["stdout"].strip() else {}


def cli_phases(cli, proxy, net, n):
    name = f"cl{n}-{uuid.uuid4().hex[:4]}"
    zone = f"{name}.internal"
    st = {}
    svcs = [f"s{i:03d}" for i in range(1, n + 1)]
    tg_name = {s: f"{name}-{s}" for s in svcs}
    host = {s: f"{s}.{zone}" for s in svcs}

    def plan_empty():
        cli("elbv2", "describe-load-balancers", "--names", name, check=False)
        cli("ec2", "describe-security-groups", "--filters", f"Name=vpc-id,Values={net['vpc']}",
            f"Name=group-name,Values={name}-lb")
        for tg in [f"{name}-default", *tg_name.values()]:
            cli("elbv2", "describe-target-groups", "--names", tg, check=False)
        cli("route53", "list-hosted-zones-by-name", "--dns-name", zone, "--max-items", "1")
        for g in net["groups"]:
            cli("ec2", "describe-security-groups", "--group-ids", g)

    def apply():
        r = cli("ec2", "create-security-group", "--group-name", f"{name}-lb", "--description", "load balancer",
                "--vpc-id", net["vpc"])
        st["sg"] = r["GroupId"]
        for port in (80, 443):
            cli("ec2", "authorize-security-group-ingress", "--group-id", st["sg"], "--protocol", "tcp", "--port",
                str(port), "--cidr", net["cidr"])
        cli("ec2", "authorize-security-group-egress", "--group-id", st["sg"], "--protocol", "-1", "--cidr", net["cidr"])
        r = cli("elbv2", "create-target-group", "--name", f"{name}-default", "--protocol", "HTTP", "--port", "80",
                "--vpc-id", net["vpc"], "--target-type", "ip")
        st["default_tg"] = r["TargetGroups"][0]["TargetGroupArn"]
        st["tg"] = {}
        for s in svcs:
            r = cli("elbv2", "create-target-group", "--name", tg_name[s], "--protocol", "HTTP", "--port", "8080",
                    "--vpc-id", net["vpc"], "--target-type", "ip", "--health-check-path", "/health",
                    "--health-check-interval-seconds", "10", "--healthy-threshold-count", "2")
            st["tg"][s] = r["TargetGroups"][0]["TargetGroupArn"]
        r = cli("elbv2", "create-load-balancer", "--name", name, "--scheme", "internal", "--subnets", *net["subnets"],
                "--security-groups", st["sg"])
        lb = r["LoadBalancers"][0]
        st["lb"], st["dns"] = lb["LoadBalancerArn"], lb["DNSName"]
        r = cli("elbv2", "create-listener", "--load-balancer-arn", st["lb"], "--protocol", "HTTP", "--port", "80",
                "--default-actions", f"Type=forward,TargetGroupArn={st['default_tg']}")
        st["listener"] = r["Listeners"][0]["ListenerArn"]
        st["rules"] = []
        for i, s in enumerate(svcs, 1):
            r = cli("elbv2", "create-rule", "--listener-arn", st["listener"], "--priority", str(i),
                    "--conditions", f"Field=host-header,Values={host[s]}",
                    "--actions", f"Type=forward,TargetGroupArn={st['tg'][s]}")
            st["rules"].append(r["Rules"][0]["RuleArn"])
            cli("ec2", "authorize-security-group-ingress", "--group-id", net["groups"][i - 1], "--protocol", "tcp",
                "--port", "8080", "--source-group", st["sg"])
        r = cli("route53", "create-hosted-zone", "--name", zone, "--caller-reference", uuid.uuid4().hex,
                "--vpc", f"VPCRegion={REGION},VPCId={net['vpc']}")
        st["zone"] = r["HostedZone"]["Id"].split("/")[-1]
        for s in svcs:
            cli("route53", "change-resource-record-sets", "--hosted-zone-id", st["zone"], "--change-batch",
                json.dumps({"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
                    "Name": host[s], "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": st["dns"]}]}}]}))

    def plan_noop():
        cli("elbv2", "describe-load-balancers", "--names", name)
        cli("ec2", "describe-security-groups", "--group-ids", st["sg"])
        cli("elbv2", "describe-listeners", "--load-balancer-arn", st["lb"])
        cli("elbv2", "describe-rules", "--listener-arn", st["listener"])
        for tg in [f"{name}-default", *tg_name.values()]:
            cli("elbv2", "describe-target-groups", "--names", tg)
        for g in net["groups"]:
            cli("ec2", "describe-security-groups", "--group-ids", g)
        cli("route53", "list-hosted-zones-by-name", "--dns-name", zone, "--max-items", "1")
        cli("route53", "list-resource-record-sets", "--hosted-zone-id", st["zone"])

    def change():
        r = cli("elbv2", "describe-target-groups", "--names", tg_name[svcs[0]])
        cli("elbv2", "modify-target-group", "--target-group-arn", r["TargetGroups"][0]["TargetGroupArn"],
            "--health-check-path", "/changed/health")

    def destroy():
        for s in svcs:
            cli("route53", "change-resource-record-sets", "--hosted-zone-id", st["zone"], "--change-batch",
                json.dumps({"Changes": [{"Action": "DELETE", "ResourceRecordSet": {
                    "Name": host[s], "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": st["dns"]}]}}]}))
        for rule in st["rules"]:
            cli("elbv2", "delete-rule", "--rule-arn", rule)
        cli("elbv2", "delete-listener", "--listener-arn", st["listener"])
        cli("elbv2", "delete-load-balancer", "--load-balancer-arn", st["lb"])
        for arn in [st["default_tg"], *st["tg"].values()]:
            cli("elbv2", "delete-target-group", "--target-group-arn", arn)
        for g in net["groups"]:
            cli("ec2", "revoke-security-group-ingress", "--group-id", g, "--protocol", "tcp", "--port", "8080",
                "--source-group", st["sg"])
        cli("route53", "delete-hosted-zone", "--id", st["zone"])
        cli("ec2", "delete-security-group", "--group-id", st["sg"])

    out = {"topology": name}
    for phase, fn in (("plan_empty", plan_empty), ("apply", apply), ("plan_noop", plan_noop), ("change", change),
                      ("destroy", destroy)):
        proxy.reset()
        cli.calls, cli.errors, cli.peak_kb = 0, [], 0
        log(f"aws CLI n={n} {phase}")
        start = time.monotonic()
        try:
            fn()
            err = None
        except subprocess.TimeoutExpired as e:
            err = f"timed out: {e}"
        except (TypeError, KeyError, IndexError) as e:   # a create call failed: no id to go on with
            err = f"{type(e).__name__}: {e} ({'; '.join(cli.errors[-2:])})"
        wall = time.monotonic() - start
        s = proxy.stats()
        out[phase] = {"ok": err is None and not cli.errors, "calls": cli.calls, "wall_s": round(wall, 3),
                      "requests": s["requests"], "round_trips": s["round_trips"],
                      "peak_mb_per_call": round(cli.peak_kb / 1024, 1) if cli.peak_kb else None,
                      "errors": cli.errors[:5] + ([err] if err else [])}
        log(f"  {cli.calls} calls {wall:.1f}s {s['requests']} requests" + (f" ERROR {err}" if err else ""))
        if err:
            break
    return out


# ----------------------------------------------------------------------------------------------------------------
# offline planner


def offline_plan(release, timeout):
    if not list((REPO / "examples").glob("offline_plan*")):
        return {"ok": False, "note": "examples/offline_plan.rs does not exist yet: offline planner benchmark skipped"}
    argv = ["cargo", "run", "--locked", "--quiet", *(["--release"] if release else []), "--example", "offline_plan",
            "--", "1000"]
    log("offline planner: " + " ".join(argv))
    try:
        p = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"ok": False, "note": f"{' '.join(argv)} timed out after {timeout}s"}
    for line in reversed(p.stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                data = json.loads(line)
                return {"ok": p.returncode == 0, "profile": "release" if release else "debug", **data}
            except ValueError:
                pass
    return {"ok": False, "note": f"{' '.join(argv)}: rc={p.returncode}, no JSON line; stderr: {p.stderr[-800:]}"}


# ----------------------------------------------------------------------------------------------------------------
# report


def fmt(v, digits=2):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def render(results, args):
    lines = ["# ecsnet benchmark", "",
             f"Emulator: moto server through localstack/proxy.py with **{args.delay_ms:g} ms** per request; "
             f"ecsnet binary `{results['binary']}` ({results['profile']}); machine: {os.cpu_count()} cores, "
             f"{platform.python_version()} Python for the harness; {results['date']}.", "",
             "| services | phase | ecsnet requests | ecsnet round trips | ecsnet wall s | ecsnet peak MB "
             "| CLI requests | CLI wall s | speedup × |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for size in results["sizes"]:
        e, c = size["ecsnet"], size.get("cli") or {}
        for ph in PHASES:
            er, cr = e.get(ph), c.get(ph)
            if er is None:
                continue
            ok = "" if er.get("ok") else " ⚠"
            speed = (cr["wall_s"] / er["wall_s"]) if cr and er.get("wall_s") and cr.get("wall_s") else None
            cflag = "" if not cr or cr.get("ok") else " ⚠"
            lines.append(f"| {size['services']} | {PHASE_LABEL[ph]}{ok} | {fmt(er.get('requests'))} | "
                         f"{fmt(er.get('round_trips'))} | {fmt(er.get('wall_s'))} | {fmt(er.get('peak_mb'), 1)} | "
                         f"{fmt(cr.get('requests')) if cr else '–'}{cflag} | {fmt(cr.get('wall_s')) if cr else '–'} | "
                         f"{fmt(speed, 1)} |")
    lines.append("")
    off = results.get("offline_plan") or {}
    if off.get("ok"):
        lines.append(f"Offline planning of {off.get('services')} services ({off.get('profile')} build): "
                     f"{off.get('cpu_seconds')} s CPU, {off.get('max_rss_mb')} MB peak, {off.get('changes')} changes.")
    else:
        lines.append(f"Offline planning of 1,000 services: {off.get('note', 'not run')}.")
    lines += ["", "Notes:",
              "- requests: AWS requests the proxy forwarded; round trips: the longest chain of requests each of "
              "which started after the previous one ended (what the latency multiplies); wall: the whole command, "
              "process start included; peak MB: maximum resident set of the ecsnet process.",
              "- ⚠ marks a phase that did not end as expected (see bench/results.json).",
              "- The aws CLI baseline runs every call as its own `aws` process (awscli v1 from PyPI), one at a time, "
              "in its own VPC of the same shape. What each phase runs:"]
    for ph in PHASES:
        lines.append(f"  - {PHASE_LABEL[ph]}: {CLI_EQUIVALENT[ph]}")
    skipped = [str(s["services"]) for s in results["sizes"] if not s.get("cli")]
    if skipped:
        lines.append(f"- aws CLI baseline not run for {', '.join(skipped)} services (--cli-sizes).")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description="ecsnet benchmark (see the module docstring)")
    ap.add_argument("--sizes", default="1,10,50,100")
    ap.add_argument("--cli-sizes", default=None, help="sizes to run the aws CLI baseline for (default: --sizes; "
                                                       "'none' to skip it)")
    ap.add_argument("--delay-ms", type=float, default=50.0)
    ap.add_argument("--quick", action="store_true", help="sizes 1,10 (delay 50 ms unless --delay-ms)")
    ap.add_argument("--release", action="store_true", help="use target/release/ecsnet and a release offline_plan")
    ap.add_argument("--binary", default=None)
    ap.add_argument("--endpoint", default=f"http://127.0.0.1:{os.environ.get('ECSNET_EMULATOR_PORT', '4566')}")
    ap.add_argument("--out", default=str(REPO / "bench"))
    ap.add_argument("--timeout", type=int, default=TIMEOUT, help="per subprocess, seconds")
    ap.add_argument("--no-offline", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.sizes = "1,10"
    if not re.match(r"^http://127\.0\.0\.1:\d+/?$", args.endpoint):
        ap.error("--endpoint must be http://127.0.0.1:PORT")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    cli_sizes = sizes if args.cli_sizes is None else (
        [] if args.cli_sizes == "none" else [int(s) for s in args.cli_sizes.split(",") if s.strip()])
    binary = Path(args.binary or REPO / "target" / ("release" if args.release else "debug") / "ecsnet").resolve()
    if not binary.exists():
        sys.exit(f"benchmark: no ecsnet binary at {binary} (cargo build first, or --binary)")
    try:
        import boto3
    except ImportError:
        sys.exit("benchmark: boto3 is missing: run with the emulator venv's python (.emulator/venv/bin/python), "
                 "or through localstack/benchmark.sh")
    aws = None
    if cli_sizes:
        aws = ensure_awscli(Path(os.environ.get("ECSNET_AWSCLI_VENV", REPO / ".emulator" / "awscli-venv")))

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="ecsnet-bench-"))
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "delay_ms": args.delay_ms,
               "binary": os.path.relpath(binary, REPO) if str(binary).startswith(str(REPO)) else str(binary),
               "profile": "release" if "release" in binary.parts else "debug", "endpoint": args.endpoint,
               "peak_memory_method": "/usr/bin/time -f %M" if TIME_BIN else "/proc/PID/status VmHWM polling",
               "cli_equivalents": CLI_EQUIVALENT, "sizes": []}
    proxy = Proxy(args.endpoint.rstrip("/"), args.delay_ms)
    log(f"proxy on {proxy.url} → {args.endpoint} ({args.delay_ms:g} ms per request)")
    try:
        run_tag = uuid.uuid4().hex[:4]
        for idx, n in enumerate(sizes):
            octet = 100 + (int(run_tag, 16) + 2 * idx) % 150
            net = make_network(boto3, args.endpoint, f"bn{n}-{run_tag}", octet, n)
            log(f"n={n}: network {net['vpc']} ({len(net['groups'])} tasks groups)")
            entry = {"services": n, "ecsnet": ecsnet_phases(binary, proxy, net, n, workdir, args.timeout)}
            if n in cli_sizes:
                cnet = make_network(boto3, args.endpoint, f"cl{n}-{run_tag}", octet + 1, n)
                entry["cli"] = cli_phases(Cli(aws, proxy, workdir, args.timeout), proxy, cnet, n)
            results["sizes"].append(entry)
            (out_dir / "results.json").write_text(json.dumps(results, indent=2) + "\n")   # partial results too
        if not args.no_offline:
            results["offline_plan"] = offline_plan(args.release, args.timeout)
            if not results["offline_plan"].get("ok"):
                log(results["offline_plan"].get("note", "offline planner failed"))
    finally:
        proxy.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    md = render(results, args)
    (out_dir / "results.md").write_text(md)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(md)
    failed = [f"{s['services']}/{k}/{ph}" for s in results["sizes"] for k in ("ecsnet", "cli")
              for ph in PHASES if isinstance((s.get(k) or {}).get(ph), dict) and not s[k][ph].get("ok")]
    if failed:
        log(f"phases that did not end as expected: {', '.join(failed)}")
    log(f"wrote {out_dir / 'results.md'} and {out_dir / 'results.json'}")
    return 1 if failed else 0


def ensure_awscli(venv):
    aws = venv / "bin" / "aws"
    if aws.exists():
        return aws
    log(f"installing awscli from PyPI into {venv} (once)")
    subprocess.run(["python3", "-m", "venv", str(venv)], check=True, timeout=TIMEOUT)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "awscli"], check=True, timeout=TIMEOUT)
    return aws


if __name__ == "__main__":
    sys.exit(main())
