#!/usr/bin/env python3
"""localstack/seed_demo.py: what its VPC Lattice network makes, read back from the bare emulator, and that it agrees
with plans/lattice.toml.

    ../.emulator/venv/bin/python -m unittest tests.test_seed_demo      (from localstack/)

The emulator is tests/emulator.py's (ECSNET_RULES_TEST_UPSTREAM, or one started for the run). Each test gives the
seed's functions its own VPC, cluster, service and role names, so a shared emulator (and the demo's own seed on it)
is fine.
"""
import itertools
import json
import time
import tomllib
import unittest
from pathlib import Path
from unittest import mock
from urllib.parse import unquote

import boto3

import seed_demo

from . import emulator

PLAN = Path(__file__).resolve().parent.parent.parent / "plans" / "lattice.toml"
_names = itertools.count()


def fresh(prefix):
    return f"{prefix}{next(_names)}x{int(time.time() * 1000) % 1000000}"


def client(name):
    return boto3.client(name, endpoint_url=emulator.upstream(), region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test")


def lattice_network():
    """The seed's NETWORKS entry for plans/lattice.toml."""
    return next(entry for entry in seed_demo.NETWORKS if entry[0] == "lattice-vpc")


class LatticeSeed(unittest.TestCase):
    def setUp(self):
        self.ec2, self.ecs, self.iam = client("ec2"), client("ecs"), client("iam")
        quiet = mock.patch.object(seed_demo, "note", lambda msg: None)   # what it made or found, on stderr
        quiet.start()
        self.addCleanup(quiet.stop)

    def seed(self, name, services):
        """The seed's functions on a network and cluster of the test's own; the network's ids."""
        groups = [f"{service.name}-tasks" for service in services]
        network = seed_demo.ensure_network(self.ec2, f"{name}-vpc", "10.60", name, groups)
        seed_demo.ensure_ecs(self.ecs, self.iam, f"{name}-shop", services, network)
        return network

    def test_task_definitions_have_the_named_port_and_the_task_role_and_a_second_run_changes_nothing(self):
        name = fresh("lat")
        caller = seed_demo.Service(f"{name}-front", 8080, "http", f"{name}-front-task")
        plain = seed_demo.Service(f"{name}-plain", 3000)
        network = self.seed(name, [caller, plain])
        cluster = f"{name}-shop"

        definition = self.ecs.describe_task_definition(taskDefinition=caller.name)["taskDefinition"]
        role = self.iam.get_role(RoleName=caller.task_role)["Role"]
        self.assertEqual(definition["taskRoleArn"], role["Arn"])
        self.assertEqual(definition["networkMode"], "awsvpc")
        self.assertEqual(definition["containerDefinitions"][0]["portMappings"], [{"containerPort": 8080,
                                                                                "name": "http"}])
        trust = role["AssumeRolePolicyDocument"]
        trust = json.loads(unquote(trust)) if isinstance(trust, str) else trust
        self.assertEqual(trust["Statement"][0]["Principal"], {"Service": "ecs-tasks.amazonaws.com"})
        without_role = self.ecs.describe_task_definition(taskDefinition=plain.name)["taskDefinition"]
        self.assertNotIn("taskRoleArn", without_role)
        self.assertEqual(without_role["containerDefinitions"][0]["portMappings"][0]["name"], "default")
        service = self.ecs.describe_services(cluster=cluster, services=[caller.name])["services"][0]
        vpc = service["networkConfiguration"]["awsvpcConfiguration"]
        self.assertEqual(vpc["securityGroups"], [network[f"sg_{caller.name}-tasks"]])
        self.assertEqual(sorted(vpc["subnets"]), sorted([network["subnet_a"], network["subnet_b"]]))

        again = self.seed(name, [caller, plain])
        self.assertEqual(again, network, "the same network is found, not made again")
        revisions = self.ecs.list_task_definitions(familyPrefix=caller.name)["taskDefinitionArns"]
        self.assertEqual(len(revisions), 1, revisions)
        services = self.ecs.list_services(cluster=cluster)["serviceArns"]
        self.assertEqual(len(services), 2, services)

    def test_infrastructure_role_is_trusted_by_ecs_and_found_the_second_time(self):
        first = seed_demo.ensure_infrastructure_role(self.iam)
        second = seed_demo.ensure_infrastructure_role(self.iam)
        self.assertEqual(first, second)
        self.assertTrue(first.endswith(f":role/{seed_demo.INFRASTRUCTURE_ROLE}"), first)
        trust = self.iam.get_role(RoleName=seed_demo.INFRASTRUCTURE_ROLE)["Role"]["AssumeRolePolicyDocument"]
        trust = json.loads(unquote(trust)) if isinstance(trust, str) else trust
        self.assertEqual(trust["Statement"][0]["Principal"], {"Service": "ecs.amazonaws.com"})


class PlanAgreesWithSeed(unittest.TestCase):
    """plans/lattice.toml names what the seed makes: its VPC, subnets, groups, cluster, port names and roles."""

    def test_every_name_the_plan_uses_is_seeded(self):
        plan = tomllib.loads(PLAN.read_text())
        vpc, _prefix, subnet_prefix, groups, cluster, services = lattice_network()
        self.assertEqual(plan["network"]["vpc"], vpc)
        self.assertEqual(plan["network"]["subnets"], [f"{subnet_prefix}-a", f"{subnet_prefix}-b"])
        self.assertTrue(plan["lattice"]["infrastructure_role"].endswith(f":role/{seed_demo.INFRASTRUCTURE_ROLE}"))
        seeded = {service.name: service for service in map(lambda entry: seed_demo.Service(*entry), services)}
        self.assertEqual({service["name"] for service in plan["service"]}, set(seeded))
        for service in plan["service"]:
            with self.subTest(service=service["name"]):
                self.assertIn(service["security_group"], groups)
                self.assertEqual(service["ecs"]["cluster"], cluster)
                self.assertEqual(service["port"], seeded[service["name"]].port)
                if "lattice" in service:
                    self.assertEqual(service["lattice"]["port_name"], seeded[service["name"]].port_name)
                for caller in service.get("callers", []):
                    if not caller.startswith("arn:"):
                        self.assertIsNotNone(seeded[caller].task_role, f"{caller} calls through Lattice: it "
                                                                       "needs a task role")

    def test_the_plan_shows_a_caller_by_arn_and_a_custom_domain_in_its_zone(self):
        plan = tomllib.loads(PLAN.read_text())
        callers = [caller for service in plan["service"] for caller in service.get("callers", [])]
        self.assertTrue(any(caller.startswith("arn:aws:iam::") for caller in callers), callers)
        lattice = [service.get("lattice", {}) for service in plan["service"]]
        domains = [table["domain"] for table in lattice if "domain" in table]
        self.assertTrue(domains and all(domain.endswith("." + plan["dns"]["zone"]) for domain in domains), domains)


if __name__ == "__main__":
    unittest.main()
