#!/usr/bin/env python3
"""Self-test of localstack/benchmark.py's report and Terraform configuration (stdlib only, no emulator):

    python3 -m unittest tests.test_benchmark      (from localstack/)
"""
import argparse
import os
import shutil
import subprocess
import tempfile
import tomllib
import unittest
from pathlib import Path

import benchmark

NET = {"vpc": "vpc-1", "cidr": "10.9.0.0/16", "subnets": ["subnet-a", "subnet-b"], "groups": ["sg-1", "sg-2"]}


def phase(wall, requests=10, ok=True, rc=0, **extra):
    return {"ok": ok, "rc": rc, "wall_s": wall, "requests": requests, "round_trips": 3, "peak_mb": 40.0, **extra}


def results(ecsnet, terraform=None, no_wait=False):
    size = {"services": 10, "ecsnet": ecsnet}
    if terraform is not None:
        size["terraform"] = terraform
    return {"date": "today", "binary": "ecsnet", "profile": "debug", "sizes": [size], "no_wait": no_wait,
            "terraform": {"version": "Terraform 1.11.4"} if terraform else {"note": "terraform is not on PATH"}}


ARGS = argparse.Namespace(delay_ms=50.0)


class ThrottledRows(unittest.TestCase):
    def base(self):
        return {p: phase(2.0) for p in benchmark.PHASES}

    def test_ratio_and_target(self):
        e = self.base()
        e["apply_throttled_5"] = phase(3.0, throttled=2)    # 1.5x: met
        e["destroy_throttled_5"] = phase(5.0, throttled=2)  # 2.5x: missed
        rows = {r["phase"]: r for r in benchmark.throttle_rows(results(e))}
        self.assertAlmostEqual(rows["apply_throttled_5"]["ratio"], 1.5)
        self.assertEqual(rows["apply_throttled_5"]["met"], "✓")
        self.assertEqual(rows["destroy_throttled_5"]["met"], "✗")
        self.assertEqual(rows["destroy_throttled_5"]["target"], 2.0)

    def test_failed_run_is_a_failure_not_a_time(self):
        e = self.base()
        e["apply_throttled_20"] = phase(1.0, ok=False, rc=1)       # fast, but it failed
        e["destroy_throttled_20"] = {"ok": False, "error": "timed out after 600s"}
        md = benchmark.render(results(e), ARGS)
        row = next(line for line in md.splitlines() if "| apply_throttled_20 |" in line)
        self.assertIn("FAILED (rc=1)", row)
        self.assertIn("✗ (failed)", row)
        self.assertNotIn("| 1.00 |", row)
        row = next(line for line in md.splitlines() if "| destroy_throttled_20 |" in line)
        self.assertIn("FAILED (timed out after 600s)", row)
        failed = benchmark.failed_phases(results(e))
        self.assertIn("10/ecsnet/apply_throttled_20", failed)
        self.assertIn("10/ecsnet/destroy_throttled_20", failed)

    def test_no_ratio_against_a_failed_baseline(self):
        e = self.base()
        e["apply"] = phase(0.5, ok=False, rc=1)
        e["apply_throttled_5"] = phase(3.0)
        row = benchmark.throttle_rows(results(e))[0]
        self.assertIsNone(row["ratio"])
        self.assertEqual(row["met"], "–")


class Report(unittest.TestCase):
    def test_terraform_columns_only_when_it_ran(self):
        e = {p: phase(2.0) for p in benchmark.PHASES}
        md = benchmark.render(results(e), ARGS)
        self.assertNotIn("Terraform wall s", md)
        self.assertIn("Terraform baseline not run: terraform is not on PATH", md)
        t = {p: phase(20.0, requests=100) for p in benchmark.PHASES}
        md = benchmark.render(results(e, terraform=t), ARGS)
        self.assertIn("| Terraform requests | Terraform wall s | speedup vs Terraform × |", md)
        row = next(line for line in md.splitlines() if "| apply from nothing |" in line)
        self.assertTrue(row.endswith("| 100 | 20.00 | 10.0 |"), row)
        self.assertIn("-parallelism (10)", md)

    def test_no_wait_note(self):
        e = {p: phase(2.0) for p in benchmark.PHASES}
        self.assertIn("does not mention `--no-wait`", benchmark.render(results(e, no_wait=False), ARGS))
        e["apply_no_wait"] = phase(0.7)
        md = benchmark.render(results(e, no_wait=True), ARGS)
        self.assertIn("| 10 | 2.00 | 10 | 0.70 | 10 |", md)


LATTICE_NET = dict(NET, groups=["sg-1", "sg-2", "sg-3"], cluster="bl3-ab", account="123456789012")
ECSNET = Path(benchmark.REPO) / "target" / "debug" / "ecsnet"


class Lattice(unittest.TestCase):
    def test_topology_chains_callers_through_lattice_services(self):
        doc = tomllib.loads(benchmark.lattice_topology_toml("bl3-ab", LATTICE_NET, 3))
        self.assertEqual(doc["lattice"], {"service_network": "bl3-ab", "infrastructure_role":
                                          "arn:aws:iam::123456789012:role/bl3-ab-infrastructure"})
        services = doc["service"]
        self.assertEqual([s["name"] for s in services], ["s001", "s002", "s003"])
        self.assertNotIn("callers", services[0])     # no caller: the account's own principals
        self.assertEqual([s.get("callers") for s in services[1:]], [["s001"], ["s002"]])
        for s, group in zip(services, LATTICE_NET["groups"], strict=True):
            self.assertEqual(s["security_group"], group)
            self.assertEqual(s["ecs"], {"cluster": "bl3-ab"})
            self.assertEqual(s["lattice"], {"port_name": "http"})

    @unittest.skipUnless(ECSNET.exists(), "no target/debug/ecsnet (cargo build first)")
    def test_ecsnet_reads_the_topology(self):
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "lattice.toml"
            path.write_text(benchmark.lattice_topology_toml("bl3-ab", LATTICE_NET, 3))
            p = subprocess.run([str(ECSNET), "iam-policy", "--for", "apply", "--region", "us-east-1", "-f", str(path)],
                               capture_output=True, text=True, timeout=60, env=dict(os.environ, NO_COLOR="1"))
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_rows_beside_the_load_balancers_of_the_same_size(self):
        e = {p: phase(2.0, requests=60) for p in benchmark.PHASES}
        r = results(e)
        r["lattice"] = [{"services": 10, "ecsnet": {"plan_empty": phase(0.4, requests=12), "apply": phase(6.5, 90),
                                                    "plan_noop": phase(0.6, 30), "destroy": phase(5.0, 70)}}]
        md = benchmark.render(r, ARGS)
        self.assertIn("## ecsnet, the VPC Lattice recipe", md)
        row = next(line for line in md.splitlines() if line.startswith("| 10 | apply from nothing | 90 |"))
        self.assertEqual(row, "| 10 | apply from nothing | 90 | 3 | 6.50 | 40.0 | 60 | 2.00 |")
        self.assertNotIn("one-service change | 1", md.split("## ecsnet, the VPC Lattice recipe")[1])
        self.assertEqual(benchmark.failed_phases(r), [])

    def test_a_failed_phase_is_failed_not_a_time(self):
        e = {p: phase(2.0) for p in benchmark.PHASES}
        r = results(e)
        r["lattice"] = [{"services": 10, "ecsnet": {"apply": phase(1.0, ok=False, rc=1), "destroy": phase(3.0)}}]
        md = benchmark.render(r, ARGS)
        row = next(line for line in md.splitlines() if line.startswith("| 10 | apply from nothing ⚠ |"))
        self.assertIn("FAILED (rc=1)", row)
        self.assertEqual(benchmark.failed_phases(r), ["10/lattice/apply"])

    def test_no_table_without_lattice_results(self):
        e = {p: phase(2.0) for p in benchmark.PHASES}
        self.assertNotIn("VPC Lattice", benchmark.render(results(e), ARGS))


class TerraformConfig(unittest.TestCase):
    def test_root_module(self):
        with tempfile.TemporaryDirectory() as d:
            root = benchmark.terraform_root("tf2-ab", NET, 2, "http://127.0.0.1:9999", Path(d), changed="s002")
        provider = root["provider"]["aws"]
        self.assertEqual(set(provider["endpoints"].values()), {"http://127.0.0.1:9999"})
        self.assertEqual(set(provider["endpoints"]), {"ec2", "elbv2", "route53", "sts", "iam"})
        self.assertTrue(provider["skip_credentials_validation"])
        mod = root["module"]["topology"]
        self.assertTrue(mod["source"].startswith(("./", "../")))
        self.assertEqual(mod["services"]["s001"], {"host": "s001.tf2-ab.internal", "security_group": "sg-1",
                                                   "priority": 1, "health_check_path": "/health"})
        self.assertEqual(mod["services"]["s002"]["health_check_path"], "/changed/health")
        self.assertEqual(root["terraform"]["required_providers"]["aws"]["version"], benchmark.TF_PROVIDER_VERSION)

    def test_cli_config_uses_the_mirror_only_for_aws(self):
        with tempfile.TemporaryDirectory() as d:
            text = benchmark.terraform_cli_config(Path(d)).read_text()
        self.assertIn('filesystem_mirror', text)
        self.assertIn('include = ["registry.terraform.io/hashicorp/aws"]', text)
        self.assertIn('exclude = ["registry.terraform.io/hashicorp/aws"]', text)

    @unittest.skipUnless(shutil.which("terraform"), "terraform is not on PATH")
    def test_module_is_formatted(self):
        p = subprocess.run(["terraform", "fmt", "-check", "-diff", str(benchmark.TF_MODULE)], capture_output=True,
                           text=True, timeout=60, env=dict(os.environ, CHECKPOINT_DISABLE="1"))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
