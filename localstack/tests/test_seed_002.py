#!/usr/bin/env python3
"""localstack/seed_002.py against the emulator through the AWS-rules layer: what the recipe makes, as read back.

    ECSNET_TEST_ENDPOINT=http://127.0.0.1:4566 ECSNET_RULES_TEST_UPSTREAM=http://127.0.0.1:4567 \\
        ../.emulator/venv/bin/python -m unittest tests.test_seed_002      (from localstack/)

ECSNET_TEST_ENDPOINT is the AWS-rules layer (localstack/start.sh; default http://127.0.0.1:4566), which the recipe
goes through; ECSNET_RULES_TEST_UPSTREAM the emulator behind it (default: the endpoint's port + 1), where the
fixtures are made and everything is read back, and where the recipe writes CloudFormation's `aws:` tags. Without
both answering, every test fails. The recipe runs as a command, as the README shows it; every test gives it its own
prefix and network, so a shared emulator is fine.
"""
import itertools
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request

import boto3

import seed_002

LOCALSTACK = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ENDPOINT = os.environ.get("ECSNET_TEST_ENDPOINT", "http://127.0.0.1:4566").rstrip("/")
BACKEND = os.environ.get("ECSNET_RULES_TEST_UPSTREAM", seed_002.next_port(ENDPOINT)).rstrip("/")
_names = itertools.count()
_networks = itertools.count()


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).read()
        return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def setUpModule():
    if not answers(ENDPOINT + "/__proxy/rules"):
        raise RuntimeError(f"no AWS-rules layer answers at {ENDPOINT}: run localstack/start.sh (or set "
                           "ECSNET_TEST_ENDPOINT)")
    if not answers(BACKEND + "/moto-api/"):
        raise RuntimeError(f"no emulator answers at {BACKEND}: set ECSNET_RULES_TEST_UPSTREAM")


def fresh(prefix: str) -> str:
    """A name no other test (or run, on a shared emulator) uses; short enough for `<name>-alb-sg`."""
    return f"{prefix}{next(_names)}x{int(time.time() * 1000) % 1000000}"


def backend(name: str):
    return boto3.client(name, endpoint_url=BACKEND, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test")


def network() -> dict:
    """A VPC with two subnets in two zones and the tasks' security group, made straight in the emulator."""
    ec2 = backend("ec2")
    octet = 100 + next(_networks)
    vpc = ec2.create_vpc(CidrBlock=f"10.{octet}.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{octet}.{i}.0/24",
                                 AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"]
               for i, zone in enumerate("ab")]
    tasks = ec2.create_security_group(GroupName=fresh("ecs-tasks"), Description="the tasks",
                                      VpcId=vpc)["GroupId"]
    return {"vpc": vpc, "subnets": subnets, "tasks": tasks}


def run_seed(net: dict, prefix: str, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, os.path.join(LOCALSTACK, "seed_002.py"), "--endpoint", ENDPOINT,
               "--backend-endpoint", BACKEND, "--vpc-id", net["vpc"], "--subnet-ids", ",".join(net["subnets"]),
               "--tasks-group-id", net["tasks"], "--prefix", prefix, *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def seeded(net: dict, prefix: str, *extra: str) -> dict:
    done = run_seed(net, prefix, *extra)
    if done.returncode != 0:
        raise AssertionError(f"seed_002.py failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout)


def elb_tags(arn: str) -> dict:
    [description] = backend("elbv2").describe_tags(ResourceArns=[arn])["TagDescriptions"]
    return {tag["Key"]: tag["Value"] for tag in description["Tags"]}


def ec2_tags(resource: str) -> dict:
    found = backend("ec2").describe_tags(Filters=[{"Name": "resource-id", "Values": [resource]}])["Tags"]
    return {tag["Key"]: tag["Value"] for tag in found}


def zone_tags(zone_id: str) -> dict:
    found = backend("route53").list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id)
    return {tag["Key"]: tag["Value"] for tag in found["ResourceTagSet"]["Tags"]}


class TheRecipe(unittest.TestCase):
    """The seed's own steps: target group, ALB group and rules, load balancer, listener."""

    @classmethod
    def setUpClass(cls):
        cls.net = network()
        cls.prefix = fresh("s2a")
        cls.made = seeded(cls.net, cls.prefix)

    def test_it_reports_what_it_made_and_nothing_else(self):
        self.assertEqual({"target_group_arn", "alb_security_group_id", "alb_ingress_rule_id", "ingress_rule_id",
                          "load_balancer_arn", "load_balancer_dns_name", "listener_arn"}, set(self.made))

    def test_the_target_group(self):
        [group] = backend("elbv2").describe_target_groups(TargetGroupArns=[self.made["target_group_arn"]])[
            "TargetGroups"]
        self.assertEqual({"TargetGroupName": f"{self.prefix}-tg", "Protocol": "HTTP", "Port": 80,
                          "VpcId": self.net["vpc"], "TargetType": "ip", "HealthCheckPath": "/",
                          "HealthCheckIntervalSeconds": 30, "HealthCheckTimeoutSeconds": 5,
                          "HealthyThresholdCount": 2, "UnhealthyThresholdCount": 2},
                         {key: group[key] for key in ("TargetGroupName", "Protocol", "Port", "VpcId", "TargetType",
                                                      "HealthCheckPath", "HealthCheckIntervalSeconds",
                                                      "HealthCheckTimeoutSeconds", "HealthyThresholdCount",
                                                      "UnhealthyThresholdCount")})

    def test_the_groups_and_their_rules(self):
        ec2 = backend("ec2")
        [alb_group] = ec2.describe_security_groups(GroupIds=[self.made["alb_security_group_id"]])["SecurityGroups"]
        self.assertEqual((f"{self.prefix}-alb-sg", self.net["vpc"]), (alb_group["GroupName"], alb_group["VpcId"]))
        rules = {rule["SecurityGroupRuleId"]: rule for rule in ec2.describe_security_group_rules(
            SecurityGroupRuleIds=[self.made["alb_ingress_rule_id"], self.made["ingress_rule_id"]])[
            "SecurityGroupRules"]}
        from_anywhere, from_alb = rules[self.made["alb_ingress_rule_id"]], rules[self.made["ingress_rule_id"]]
        self.assertEqual((self.made["alb_security_group_id"], False, "tcp", 80, 80, "0.0.0.0/0"),
                         tuple(from_anywhere.get(key) for key in ("GroupId", "IsEgress", "IpProtocol", "FromPort",
                                                                   "ToPort", "CidrIpv4")))
        self.assertEqual((self.net["tasks"], False, "tcp", 80, 80, self.made["alb_security_group_id"]),
                         tuple(from_alb.get(key) for key in ("GroupId", "IsEgress", "IpProtocol", "FromPort",
                                                              "ToPort"))
                         + (from_alb["ReferencedGroupInfo"]["GroupId"],))

    def test_the_load_balancer_and_its_listener(self):
        elbv2 = backend("elbv2")
        [balancer] = elbv2.describe_load_balancers(LoadBalancerArns=[self.made["load_balancer_arn"]])[
            "LoadBalancers"]
        self.assertEqual((f"{self.prefix}-alb", "internet-facing", "application", [self.made["alb_security_group_id"]],
                          self.made["load_balancer_dns_name"]),
                         (balancer["LoadBalancerName"], balancer["Scheme"], balancer["Type"],
                          balancer["SecurityGroups"], balancer["DNSName"]))
        self.assertEqual(sorted(self.net["subnets"]), sorted(zone["SubnetId"] for zone in
                                                             balancer["AvailabilityZones"]))
        [listener] = elbv2.describe_listeners(LoadBalancerArn=self.made["load_balancer_arn"])["Listeners"]
        self.assertEqual((self.made["listener_arn"], "HTTP", 80), (listener["ListenerArn"], listener["Protocol"],
                                                                   listener["Port"]))
        self.assertEqual([("forward", self.made["target_group_arn"])],
                         [(action["Type"], action["TargetGroupArn"]) for action in listener["DefaultActions"]])

    def test_nothing_carries_cloudformations_tags(self):
        for arn in (self.made["load_balancer_arn"], self.made["listener_arn"], self.made["target_group_arn"]):
            self.assertEqual({}, elb_tags(arn))
        self.assertEqual({}, ec2_tags(self.made["alb_security_group_id"]))

    def test_a_second_run_fails_loudly_on_the_first_name_taken(self):
        again = run_seed(self.net, self.prefix)
        self.assertEqual(1, again.returncode, again.stderr)
        self.assertEqual("", again.stdout)
        self.assertIn("DuplicateTargetGroupName", again.stderr)
        self.assertEqual(1, len(backend("elbv2").describe_load_balancers(Names=[f"{self.prefix}-alb"])[
            "LoadBalancers"]))


class WithEverything(unittest.TestCase):
    """--create-service, the service's target group, --zone/--host and --cloudformation-stack."""

    @classmethod
    def setUpClass(cls):
        cls.net = network()
        cls.prefix = fresh("s2b")
        cls.cluster, cls.service = cls.prefix + "-cluster", cls.prefix + "-service"
        cls.zone = cls.prefix + ".internal"
        cls.made = seeded(cls.net, cls.prefix, "--create-service", "--cluster", cls.cluster, "--service",
                          cls.service, "--container", "web", "--zone", cls.zone, "--host", "www." + cls.zone,
                          "--cloudformation-stack", cls.prefix + "-stack")

    def test_the_service_registers_its_container_with_the_target_group(self):
        [service] = backend("ecs").describe_services(cluster=self.cluster, services=[self.service])["services"]
        self.assertEqual(self.made["service_arn"], service["serviceArn"])
        self.assertEqual([{"targetGroupArn": self.made["target_group_arn"], "containerName": "web",
                           "containerPort": 80}], service["loadBalancers"])
        self.assertEqual(self.made["task_definition_arn"], service["taskDefinition"])
        awsvpc = service["networkConfiguration"]["awsvpcConfiguration"]
        self.assertEqual((sorted(self.net["subnets"]), [self.net["tasks"]]),
                         (sorted(awsvpc["subnets"]), awsvpc["securityGroups"]))

    def test_the_private_zone_points_the_host_at_the_load_balancer(self):
        route53 = backend("route53")
        zone = route53.get_hosted_zone(Id=self.made["zone_id"])
        self.assertEqual((self.zone + ".", True), (zone["HostedZone"]["Name"],
                                                   zone["HostedZone"]["Config"]["PrivateZone"]))
        self.assertEqual([self.net["vpc"]], [vpc["VPCId"] for vpc in zone["VPCs"]])
        records = route53.list_resource_record_sets(HostedZoneId=self.made["zone_id"])["ResourceRecordSets"]
        [cname] = [record for record in records if record["Type"] == "CNAME"]
        self.assertEqual(("www." + self.zone + ".", [self.made["load_balancer_dns_name"]]),
                         (cname["Name"], [value["Value"] for value in cname["ResourceRecords"]]))

    def test_everything_taggable_carries_cloudformations_tags(self):
        stack = self.prefix + "-stack"
        stack_id = self.made["cloudformation_stack_id"]
        self.assertRegex(stack_id, rf"^arn:aws:cloudformation:us-east-1:123456789012:stack/{stack}/[0-9a-f-]{{36}}$")
        expected = {self.made["load_balancer_arn"]: ("LoadBalancer", elb_tags),
                    self.made["listener_arn"]: ("HttpListener", elb_tags),
                    self.made["target_group_arn"]: ("TargetGroup", elb_tags),
                    self.made["alb_security_group_id"]: ("AlbSecurityGroup", ec2_tags),
                    self.made["alb_ingress_rule_id"]: ("AlbHttpIngress", ec2_tags),
                    self.made["ingress_rule_id"]: ("TasksFromAlbIngress", ec2_tags),
                    self.made["zone_id"]: ("HostedZone", zone_tags)}
        for resource, (logical_id, tags_of) in expected.items():
            with self.subTest(logical_id=logical_id):
                self.assertEqual({"aws:cloudformation:stack-name": stack, "aws:cloudformation:stack-id": stack_id,
                                  "aws:cloudformation:logical-id": logical_id}, tags_of(resource))

    def test_the_layer_would_have_refused_those_tags(self):
        elbv2 = boto3.client("elbv2", endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id="test",
                             aws_secret_access_key="test")
        with self.assertRaises(elbv2.exceptions.ClientError) as raised:
            elbv2.add_tags(ResourceArns=[self.made["target_group_arn"]],
                           Tags=[{"Key": "aws:cloudformation:stack-name", "Value": "x"}])
        self.assertEqual("ValidationError", raised.exception.response["Error"]["Code"])


class Arguments(unittest.TestCase):
    def test_the_backend_is_the_next_port_by_default(self):
        args = seed_002.arguments(["--vpc-id", "vpc-1", "--subnet-ids", "subnet-1,subnet-2", "--tasks-group-id",
                                   "sg-1", "--endpoint", "http://127.0.0.1:4700"])
        self.assertEqual(("http://127.0.0.1:4701", ["subnet-1", "subnet-2"], "rent-a-room"),
                         (args.backend_endpoint, args.subnet_ids, args.prefix))

    def test_half_an_ecs_service_or_a_zone_is_refused(self):
        base = ["--vpc-id", "vpc-1", "--subnet-ids", "subnet-1", "--tasks-group-id", "sg-1"]
        for extra in (["--cluster", "c"], ["--create-service"], ["--zone", "z.internal"]):
            with self.subTest(extra=extra), self.assertRaises(SystemExit):
                with open(os.devnull, "w") as quiet:
                    stderr, sys.stderr = sys.stderr, quiet
                    try:
                        seed_002.arguments(base + extra)
                    finally:
                        sys.stderr = stderr


if __name__ == "__main__":
    unittest.main()
