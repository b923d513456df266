#!/usr/bin/env python3
"""The AWS rules that read live state (localstack/aws_rules/quotas.py and dependencies.py), against a real moto:

    ../.emulator/venv/bin/python -m unittest tests.test_aws_rules_state      (from localstack/)

Runs in a Python that has botocore (moto's venv does). The emulator is the tests' shared one (tests/emulator.py:
ECSNET_RULES_TEST_UPSTREAM, which localstack/test.sh sets, else one moto_server for the whole test process).
Without an emulator every test fails.

Requests go through the proxy (proxy.make_server with an aws_rules.layer.Layer of the quota and dependency rules,
in this process) from botocore clients, and are checked by botocore's parsing of its answers; fixtures are made
straight in the emulator. Every test makes its own names, so a shared emulator is fine.
"""
import itertools
import json
import os
import shutil
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request

import botocore.serialize
import botocore.session
from botocore.config import Config as ClientConfig
from botocore.exceptions import ClientError

import proxy
from aws_rules import core, dependencies, layer, quotas

from . import emulator

DRAIN_TIME = 0.3
_names = itertools.count()


def fresh(prefix: str) -> str:
    """A name no other test (or run, on a shared emulator) uses."""
    return f"{prefix}{next(_names)}x{int(time.time() * 1000) % 100000}"


def json_session(folder: str):
    """A botocore session whose Cloud Map client speaks JSON, as the Rust SDK's does (botocore prefers CBOR); its
    edited model is written under `folder`."""
    model = botocore.session.get_session().get_component("data_loader").load_service_model("servicediscovery",
                                                                                           "service-2")
    model["metadata"]["protocols"] = ["json"]
    version_folder = os.path.join(folder, "servicediscovery", model["metadata"]["apiVersion"])
    os.makedirs(version_folder)
    with open(os.path.join(version_folder, "service-2.json"), "w") as f:
        json.dump(model, f)
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, folder)
    return session


class ThroughRules:
    """The proxy with the rules layer (quotas and dependencies only), in process, and botocore clients to it."""

    def __init__(self, emulator: str, rules: list, config: core.Config):
        self.emulator = emulator
        self.layer = layer.Layer(emulator, config, rules=rules)
        self.server = proxy.make_server(("127.0.0.1", 0), emulator, rules=self.layer)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.models = tempfile.mkdtemp(prefix="ecsnet-models-")
        self.session = json_session(self.models)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        shutil.rmtree(self.models, ignore_errors=True)

    def client(self, name: str, through_rules: bool = True):
        return self.session.create_client(name, region_name="us-east-1",
                                          endpoint_url=self.endpoint if through_rules else self.emulator,
                                          aws_access_key_id="test", aws_secret_access_key="test",
                                          config=ClientConfig(retries={"max_attempts": 1}))

    def refusals(self) -> int:
        """How many requests the rules have refused so far."""
        return sum(count for name, count in self.layer.stats().items() if name != "layer-bug")

    def check_only(self, name: str, operation: str, **params):
        """The refusal the rules give this request, without sending it (for cases the emulator itself refuses):
        the request botocore would send, signed for us-east-1."""
        model = self.session.get_service_model(name)
        serialized = botocore.serialize.create_serializer(model.resolved_protocol).serialize_to_request(
            params, model.operation_model(operation))
        headers = dict(serialized["headers"])
        headers["Authorization"] = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/"
                                    f"{model.signing_name}/aws4_request, SignedHeaders=host, Signature=0")
        body = serialized["body"]
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        elif isinstance(body, str):
            body = body.encode()
        query = urllib.parse.urlencode(serialized["query_string"])
        path = serialized["url_path"] + (f"?{query}" if query else "")
        service, operation, protocol = proxy.classify(serialized["method"], path, headers, body)
        request = core.Request(service, operation, protocol, serialized["method"], path, headers, body)
        for rule in self.layer.rules:
            refused = rule.check(request, self.layer.upstream) if rule.applies(request) else None
            if refused:
                return refused
        return None


def setUpModule():
    global AWS
    endpoint = emulator.upstream()
    config = core.Config(drain_time=DRAIN_TIME)
    rules = quotas.rules(config) + dependencies.rules(config)
    # the 10,000-record quota, counted the same way at 12: filling a zone to 10,000 in moto takes ~10 s
    rules = [quotas.RecordsPerHostedZone(limit=12) if isinstance(rule, quotas.RecordsPerHostedZone) else rule
             for rule in rules]
    AWS = ThroughRules(endpoint, rules, config)
    Network.make()


def tearDownModule():
    AWS.stop()


# ----------------------------------------------------------------------------------------------------------------
# Fixtures, made straight in the emulator


class Network:
    vpc = subnets = None

    @classmethod
    def make(cls):
        ec2 = AWS.client("ec2", through_rules=False)
        cls.vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
        cls.subnets = [ec2.create_subnet(VpcId=cls.vpc, CidrBlock=f"10.42.{i}.0/24",
                                         AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"]
                       for i, zone in enumerate("ab")]
        AWS.client("ecs", through_rules=False).create_cluster(clusterName="rules")


def security_group() -> str:
    ec2 = AWS.client("ec2", through_rules=False)
    return ec2.create_security_group(GroupName=fresh("sg"), Description="rules test", VpcId=Network.vpc)["GroupId"]


def target_group(**extra) -> str:
    elbv2 = AWS.client("elbv2", through_rules=False)
    return elbv2.create_target_group(Name=fresh("tg"), Protocol="HTTP", Port=80, VpcId=Network.vpc, TargetType="ip",
                                     **extra)["TargetGroups"][0]["TargetGroupArn"]


def load_balancer(groups=()) -> str:
    elbv2 = AWS.client("elbv2", through_rules=False)
    return elbv2.create_load_balancer(Name=fresh("lb"), Subnets=Network.subnets, SecurityGroups=list(groups),
                                      Scheme="internal")["LoadBalancers"][0]["LoadBalancerArn"]


def listener(load_balancer_arn: str, default_group: str, port: int = 80) -> str:
    elbv2 = AWS.client("elbv2", through_rules=False)
    return elbv2.create_listener(LoadBalancerArn=load_balancer_arn, Protocol="HTTP", Port=port,
                                 DefaultActions=[forward(default_group)])["Listeners"][0]["ListenerArn"]


def forward(group: str) -> dict:
    return {"Type": "forward", "TargetGroupArn": group}


def host(name: str) -> list:
    return [{"Field": "host-header", "HostHeaderConfig": {"Values": [name]}}]


def tags(count: int, prefix: str = "k") -> list:
    return [{"Key": f"{prefix}{i}", "Value": "v"} for i in range(count)]


class RulesTest(unittest.TestCase):
    def assertRefused(self, code: str, call, *args, message: str = None, **params):
        """The call is refused by a rule (not by the emulator) with this code (and message)."""
        refused_before = AWS.refusals()
        with self.assertRaises(ClientError) as raised:
            call(*args, **params)
        error = raised.exception.response["Error"]
        self.assertEqual(refused_before + 1, AWS.refusals(), f"the emulator, not a rule, refused: {error}")
        self.assertEqual(code, error["Code"], error.get("Message"))
        if message is not None:
            self.assertEqual(message, error["Message"])
        return error


# ----------------------------------------------------------------------------------------------------------------
# ELBv2 quotas


class CrowdedLoadBalancerTest(RulesTest):
    """An Application Load Balancer at both quotas: 100 rules and 100 unique target groups (default action tg0,
    rules 1..99 → tg1..tg99, rule 100 → tg1 again)."""

    @classmethod
    def setUpClass(cls):
        elbv2 = AWS.client("elbv2", through_rules=False)
        cls.groups = [target_group() for _ in range(100)]
        cls.load_balancer = load_balancer()
        cls.listener = listener(cls.load_balancer, cls.groups[0])
        cls.rules = [elbv2.create_rule(ListenerArn=cls.listener, Priority=n, Conditions=host(f"h{n}.test"),
                                       Actions=[forward(cls.groups[n if n < 100 else 1])])["Rules"][0]["RuleArn"]
                     for n in range(1, 101)]
        cls.elbv2 = AWS.client("elbv2")

    def test_a_101st_unique_target_group_is_refused(self):
        extra = target_group()
        self.assertRefused("TooManyUniqueTargetGroupsPerLoadBalancer", self.elbv2.modify_rule,
                           RuleArn=self.rules[99], Actions=[forward(extra)])
        self.assertRefused("TooManyUniqueTargetGroupsPerLoadBalancer", self.elbv2.create_listener,
                           LoadBalancerArn=self.load_balancer, Protocol="HTTP", Port=81,
                           DefaultActions=[{"Type": "forward", "ForwardConfig": {"TargetGroups": [
                               {"TargetGroupArn": self.groups[5]}, {"TargetGroupArn": extra}]}}])

    def test_replacing_a_target_group_at_the_quota_passes(self):
        extra = target_group()
        # rule 2 is tg2's only user: swapping it for another keeps 100 unique target groups
        self.elbv2.modify_rule(RuleArn=self.rules[1], Actions=[forward(extra)])
        self.elbv2.modify_rule(RuleArn=self.rules[1], Actions=[forward(self.groups[2])])
        self.elbv2.modify_listener(ListenerArn=self.listener, DefaultActions=[forward(self.groups[0])])

    def test_a_101st_rule_is_refused(self):
        self.assertRefused("TooManyRules", self.elbv2.create_rule, ListenerArn=self.listener, Priority=500,
                           Conditions=host("more.test"), Actions=[forward(self.groups[3])],
                           message="You've reached the limit on the number of rules per load balancer.")

    def test_the_100th_rule_passes(self):
        AWS.client("elbv2", through_rules=False).delete_rule(RuleArn=self.rules[99])
        self.rules[99] = self.elbv2.create_rule(ListenerArn=self.listener, Priority=100, Conditions=host("h100.test"),
                                                Actions=[forward(self.groups[1])])["Rules"][0]["RuleArn"]


class ElbQuotasTest(RulesTest):
    @classmethod
    def setUpClass(cls):
        cls.default_group = target_group()
        cls.listener = listener(load_balancer(), cls.default_group)
        cls.elbv2 = AWS.client("elbv2")

    def test_six_condition_values_are_refused(self):
        conditions = [{"Field": "host-header", "HostHeaderConfig": {"Values": ["a.test", "b.test", "c.test"]}},
                      {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/a", "/b", "/c"]}}]
        self.assertRefused("ValidationError", self.elbv2.create_rule, ListenerArn=self.listener, Priority=1,
                           Conditions=conditions, Actions=[forward(self.default_group)],
                           message="A rule can only have '5' condition values")

    def test_five_condition_values_pass(self):
        conditions = [{"Field": "host-header", "Values": ["five.test"]},
                      {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/a", "/b"]}},
                      {"Field": "query-string", "QueryStringConfig": {"Values": [{"Key": "k", "Value": "1"},
                                                                                 {"Key": "k", "Value": "2"}]}}]
        rule = self.elbv2.create_rule(ListenerArn=self.listener, Priority=2, Conditions=conditions,
                                      Actions=[forward(self.default_group)])["Rules"][0]["RuleArn"]
        conditions[1]["PathPatternConfig"]["Values"].append("/c")
        self.assertRefused("ValidationError", self.elbv2.modify_rule, RuleArn=rule, Conditions=conditions)

    def test_a_51st_tag_is_refused(self):
        self.assertRefused("TooManyTags", self.elbv2.create_target_group, Name=fresh("tg"), Protocol="HTTP", Port=80,
                           VpcId=Network.vpc, TargetType="ip", Tags=tags(51),
                           message="You've reached the limit on the number of tags for this resource.")
        full = self.elbv2.create_target_group(Name=fresh("tg"), Protocol="HTTP", Port=80, VpcId=Network.vpc,
                                              TargetType="ip", Tags=tags(50))["TargetGroups"][0]["TargetGroupArn"]
        self.assertRefused("TooManyTags", self.elbv2.add_tags, ResourceArns=[full], Tags=tags(1, "new"))

    def test_retagging_at_50_tags_passes(self):
        full = target_group(Tags=tags(50))
        self.elbv2.add_tags(ResourceArns=[full], Tags=[{"Key": "k7", "Value": "changed"}])

    def test_six_security_groups_per_load_balancer_are_refused(self):
        groups = [security_group() for _ in range(6)]
        self.assertRefused("InvalidConfigurationRequest", self.elbv2.create_load_balancer, Name=fresh("lb"),
                           Subnets=Network.subnets, SecurityGroups=groups, Scheme="internal")
        five = self.elbv2.create_load_balancer(Name=fresh("lb"), Subnets=Network.subnets, SecurityGroups=groups[:5],
                                               Scheme="internal")["LoadBalancers"][0]["LoadBalancerArn"]
        self.assertRefused("InvalidConfigurationRequest", self.elbv2.set_security_groups, LoadBalancerArn=five,
                           SecurityGroups=groups)

    def test_five_security_groups_per_load_balancer_pass(self):
        self.elbv2.set_security_groups(LoadBalancerArn=load_balancer(), SecurityGroups=[security_group()
                                                                                        for _ in range(5)])


# ----------------------------------------------------------------------------------------------------------------
# EC2 quotas


def cidrs(count: int, second_octet: int = 0) -> list:
    return [{"CidrIp": f"10.{second_octet}.{i}.0/24"} for i in range(count)]


class Ec2QuotasTest(RulesTest):
    @classmethod
    def setUpClass(cls):
        cls.ec2 = AWS.client("ec2")

    def tcp(self, port: int, **sources) -> list:
        return [dict(IpProtocol="tcp", FromPort=port, ToPort=port, **sources)]

    def test_a_61st_inbound_rule_is_refused(self):
        group = security_group()
        self.ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=self.tcp(80, IpRanges=cidrs(60)))
        self.assertRefused("RulesPerSecurityGroupLimitExceeded", self.ec2.authorize_security_group_ingress,
                           GroupId=group, IpPermissions=self.tcp(81, IpRanges=cidrs(1, 1)),
                           message="The maximum number of rules per security group has been reached.")
        # IPv6 rules have their own 60 (moto counts them with the IPv4 ones, so this one is only checked)
        self.assertIsNone(AWS.check_only("ec2", "AuthorizeSecurityGroupIngress", GroupId=group,
                                         IpPermissions=self.tcp(81, Ipv6Ranges=[{"CidrIpv6": "::/0"}])))

    def test_a_group_reference_counts_for_ipv4_and_ipv6(self):
        group, other = security_group(), security_group()
        ipv6 = [{"CidrIpv6": f"2001:db8:{i:x}::/48"} for i in range(60)]
        self.ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=self.tcp(80, Ipv6Ranges=ipv6))
        refused = AWS.check_only("ec2", "AuthorizeSecurityGroupIngress", GroupId=group,
                                 IpPermissions=self.tcp(81, UserIdGroupPairs=[{"GroupId": other}]))
        self.assertEqual("RulesPerSecurityGroupLimitExceeded", refused.code)

    def test_the_60th_outbound_rule_passes_and_the_61st_is_refused(self):
        group = security_group()   # its default outbound rule (all traffic to 0.0.0.0/0) is the first
        self.ec2.authorize_security_group_egress(GroupId=group, IpPermissions=self.tcp(443, IpRanges=cidrs(59)))
        self.assertRefused("RulesPerSecurityGroupLimitExceeded", self.ec2.authorize_security_group_egress,
                           GroupId=group, IpPermissions=self.tcp(444, IpRanges=cidrs(1, 1)))

    def test_a_51st_tag_is_refused(self):
        self.assertRefused("TagLimitExceeded", self.ec2.create_security_group, GroupName=fresh("sg"), Description="d",
                           VpcId=Network.vpc, TagSpecifications=[{"ResourceType": "security-group",
                                                                  "Tags": tags(51)}])
        group = self.ec2.create_security_group(GroupName=fresh("sg"), Description="d", VpcId=Network.vpc,
                                               TagSpecifications=[{"ResourceType": "security-group",
                                                                   "Tags": tags(50)}])["GroupId"]
        self.assertRefused("TagLimitExceeded", self.ec2.create_tags, Resources=[group], Tags=tags(1, "new"))

    def test_retagging_at_50_tags_passes(self):
        group = security_group()
        self.ec2.create_tags(Resources=[group], Tags=tags(50))
        self.ec2.create_tags(Resources=[group], Tags=[{"Key": "k3", "Value": "changed"}])

    def test_six_security_groups_per_network_interface_are_refused(self):
        groups = [security_group() for _ in range(6)]
        self.assertRefused("SecurityGroupsPerInterfaceLimitExceeded", self.ec2.create_network_interface,
                           SubnetId=Network.subnets[0], Groups=groups)
        self.ec2.create_network_interface(SubnetId=Network.subnets[0], Groups=groups[:5])


# ----------------------------------------------------------------------------------------------------------------
# Route 53 quotas


def zone():
    """(id, name) of a new hosted zone."""
    route53 = AWS.client("route53", through_rules=False)
    name = fresh("zone") + ".internal"
    created = route53.create_hosted_zone(Name=name, CallerReference=fresh("ref"))["HostedZone"]
    return created["Id"].split("/")[-1], name


def change(action: str, name: str, values: list, record_type: str = "TXT") -> dict:
    return {"Action": action, "ResourceRecordSet": {"Name": name, "Type": record_type, "TTL": 60,
                                                    "ResourceRecords": [{"Value": value} for value in values]}}


class Route53QuotasTest(RulesTest):
    @classmethod
    def setUpClass(cls):
        cls.route53 = AWS.client("route53")

    def batch(self, zone_id: str, *changes):
        return self.route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": list(changes)})

    def test_1001_records_in_one_request_are_refused(self):
        zone_id, name = zone()
        ips = [f"10.0.{i // 250}.{i % 250}" for i in range(1001)]
        self.assertRefused("InvalidChangeBatch", self.batch, zone_id, change("CREATE", "a." + name, ips, "A"),
                           message="[Number of records limit of 1000 exceeded.]")
        self.assertRefused("InvalidChangeBatch", self.batch, zone_id, change("UPSERT", "a." + name, ips[:501], "A"))

    def test_an_upsert_of_500_records_passes(self):
        zone_id, name = zone()
        self.batch(zone_id, change("UPSERT", "a." + name, [f"10.1.{i // 250}.{i % 250}" for i in range(500)], "A"))

    def test_over_32000_value_characters_are_refused(self):
        zone_id, name = zone()
        values = [f'"{i:03}' + "x" * 247 + '"' for i in range(126)]   # 252 characters each
        self.assertRefused("InvalidChangeBatch", self.batch, zone_id,
                           change("UPSERT", "t." + name, values[:64]),   # 2 × 64 × 252 = 32,256
                           message="[RDATA character limit of 32000 exceeded.]")
        self.batch(zone_id, change("CREATE", "t." + name, values))   # 126 × 252 = 31,752

    def test_a_256_character_txt_string_is_refused(self):
        zone_id, name = zone()
        too_long = '"' + "a" * 256 + '"'
        error = self.assertRefused("InvalidChangeBatch", self.batch, zone_id, change("CREATE", "long." + name,
                                                                                     [too_long]))
        self.assertIn("CharacterStringTooLong", error["Message"])
        self.assertRefused("InvalidChangeBatch", self.batch, zone_id, change("CREATE", "bare." + name, ["b" * 256]))

    def test_255_character_txt_strings_pass(self):
        zone_id, name = zone()
        escaped = "\\" + '"' + "c" * 252 + "\\065" + "\\" + '"'   # \" and \ddd are one character each: 255
        split = '"' + "a" * 255 + '" "' + "b" * 100 + '" "' + escaped + '"'
        self.batch(zone_id, change("CREATE", "dkim." + name, [split]))

    def test_a_record_past_the_zone_quota_is_refused(self):
        zone_id, name = zone()   # SOA + NS: 2 records; the quota is set to 12 here
        self.batch(zone_id, *[change("CREATE", f"r{i}.{name}", ['"v"']) for i in range(10)])
        self.assertRefused("InvalidChangeBatch", self.batch, zone_id, change("CREATE", "r10." + name, ['"v"']),
                           message=f"[Exceeded limit MAX_RRSETS_BY_ZONE for zone: {zone_id}]")
        self.assertRefused("InvalidChangeBatch", self.batch, zone_id, change("UPSERT", "new." + name, ['"v"']))

    def test_changes_that_keep_the_zone_at_its_quota_pass(self):
        zone_id, name = zone()
        self.batch(zone_id, *[change("CREATE", f"r{i}.{name}", ['"v"']) for i in range(10)])
        self.batch(zone_id, change("UPSERT", "r3." + name, ['"changed"']))
        self.batch(zone_id, change("DELETE", "r4." + name, ['"v"']), change("CREATE", "x." + name, ['"v"']))

    def test_an_11th_hosted_zone_tag_is_refused(self):
        zone_id, _ = zone()
        self.route53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id, AddTags=tags(10))
        self.assertRefused("InvalidInput", self.route53.change_tags_for_resource, ResourceType="hostedzone",
                           ResourceId=zone_id, AddTags=tags(1, "new"))
        self.route53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id, AddTags=tags(1, "new"),
                                              RemoveTagKeys=["k0"])


# ----------------------------------------------------------------------------------------------------------------
# ECS quotas and dependencies


def task_definition() -> str:
    ecs = AWS.client("ecs", through_rules=False)
    return ecs.register_task_definition(family=fresh("td"), networkMode="awsvpc", containerDefinitions=[
        {"name": "app", "image": "app", "memory": 128, "portMappings": [{"containerPort": 80}]}]
    )["taskDefinition"]["taskDefinitionArn"]


def entry(group: str) -> dict:
    return {"targetGroupArn": group, "containerName": "app", "containerPort": 80}


class EcsTest(RulesTest):
    @classmethod
    def setUpClass(cls):
        cls.ecs = AWS.client("ecs")
        cls.task_definition = task_definition()
        # six target groups, all forwarded to by one load balancer
        cls.groups = [target_group() for _ in range(6)]
        lb_listener = listener(load_balancer(), cls.groups[0])
        elbv2 = AWS.client("elbv2", through_rules=False)
        for n, group in enumerate(cls.groups[1:], start=1):
            elbv2.create_rule(ListenerArn=lb_listener, Priority=n, Conditions=host(f"s{n}.test"),
                              Actions=[forward(group)])

    def create(self, **params):
        return self.ecs.create_service(cluster="rules", serviceName=params.pop("serviceName", fresh("svc")),
                                       taskDefinition=self.task_definition, desiredCount=0, **params)["service"]

    def network(self, groups: int) -> dict:
        return {"awsvpcConfiguration": {"subnets": Network.subnets[:1],
                                        "securityGroups": [security_group() for _ in range(groups)]}}

    def test_two_service_registries_are_refused(self):
        registry = "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-{}"
        self.assertRefused("InvalidParameterException", self.create,
                           serviceRegistries=[{"registryArn": registry.format(1)}, {"registryArn": registry.format(2)}])
        self.create(serviceRegistries=[{"registryArn": registry.format(1)}])

    def test_six_target_groups_per_service_are_refused(self):
        self.assertRefused("InvalidParameterException", self.create, loadBalancers=[entry(g) for g in self.groups],
                           message="loadBalancers can have at most 5 items.")
        self.create(loadBalancers=[entry(g) for g in self.groups[:5]])

    def test_six_security_groups_per_task_are_refused(self):
        self.assertRefused("InvalidParameterException", self.create, networkConfiguration=self.network(6))
        self.create(networkConfiguration=self.network(5))

    def test_a_target_group_no_load_balancer_uses_is_refused(self):
        lonely = target_group()
        self.assertRefused("InvalidParameterException", self.create, loadBalancers=[entry(lonely)],
                           message=f"The target group with targetGroupArn {lonely} does not have an associated "
                                   "load balancer.")
        service = self.create(loadBalancers=[entry(self.groups[0])])
        self.assertRefused("InvalidParameterException", self.ecs.update_service, cluster="rules",
                           service=service["serviceName"], loadBalancers=[entry(lonely)])
        self.ecs.update_service(cluster="rules", service=service["serviceName"], loadBalancers=[entry(self.groups[1])])

    def test_code_deploy_services_keep_their_load_balancers(self):
        service = self.create(deploymentController={"type": "CODE_DEPLOY"})["serviceName"]
        self.assertRefused("InvalidParameterException", self.ecs.update_service, cluster="rules", service=service,
                           loadBalancers=[entry(self.groups[0])],
                           message="Unable to update load balancers on services with a CODE_DEPLOY deployment "
                                   "controller. Use AWS CodeDeploy to trigger a new deployment.")
        self.assertRefused("InvalidParameterException", self.ecs.update_service, cluster="rules", service=service,
                           serviceConnectConfiguration={"enabled": False})
        self.ecs.update_service(cluster="rules", service=service, desiredCount=2, healthCheckGracePeriodSeconds=30)

    def test_external_services_keep_their_registries(self):
        service = self.create(deploymentController={"type": "EXTERNAL"})["serviceName"]
        self.assertRefused("InvalidParameterException", self.ecs.update_service, cluster="rules", service=service,
                           serviceRegistries=[])
        self.ecs.update_service(cluster="rules", service=service, desiredCount=1)
        rolling = self.create()["serviceName"]
        self.ecs.update_service(cluster="rules", service=rolling, serviceRegistries=[],
                                loadBalancers=[entry(self.groups[2])])


# ----------------------------------------------------------------------------------------------------------------
# EC2 and ELBv2 dependencies


class SecurityGroupInUseTest(RulesTest):
    @classmethod
    def setUpClass(cls):
        cls.ec2 = AWS.client("ec2")
        cls.elbv2 = AWS.client("elbv2")

    def refer(self, group: str, to: str):
        AWS.client("ec2", through_rules=False).authorize_security_group_ingress(GroupId=group, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "UserIdGroupPairs": [{"GroupId": to}]}])

    def test_a_referenced_group_is_refused_until_the_reference_goes(self):
        referring, referenced = security_group(), security_group()
        self.refer(referring, referenced)
        self.assertRefused("DependencyViolation", self.ec2.delete_security_group, GroupId=referenced,
                           message=f"resource {referenced} has a dependent object")
        AWS.client("ec2", through_rules=False).revoke_security_group_ingress(GroupId=referring, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "UserIdGroupPairs": [{"GroupId": referenced}]}])
        self.ec2.delete_security_group(GroupId=referenced)

    def test_a_group_referring_to_itself_is_deleted(self):
        group = security_group()
        self.refer(group, group)
        self.ec2.delete_security_group(GroupId=group)

    def test_a_load_balancers_group_is_refused_while_it_lives_and_drains(self):
        group = security_group()
        arn = load_balancer([group])
        self.assertRefused("DependencyViolation", self.ec2.delete_security_group, GroupId=group)
        self.elbv2.delete_load_balancer(LoadBalancerArn=arn)
        self.assertRefused("DependencyViolation", self.ec2.delete_security_group, GroupId=group)
        time.sleep(DRAIN_TIME + 0.05)
        self.ec2.delete_security_group(GroupId=group)


class TargetGroupDependenciesTest(RulesTest):
    @classmethod
    def setUpClass(cls):
        cls.elbv2 = AWS.client("elbv2")

    def test_a_target_group_a_rule_forwards_to_is_not_deleted(self):
        default_group, routed = target_group(), target_group()
        lb = load_balancer()
        lb_listener = listener(lb, default_group)
        rule = AWS.client("elbv2", through_rules=False).create_rule(
            ListenerArn=lb_listener, Priority=1, Conditions=host("dep.test"), Actions=[forward(routed)])
        self.assertRefused("ResourceInUse", self.elbv2.delete_target_group, TargetGroupArn=routed,
                           message=f"Target group '{routed}' is currently in use by a listener or a rule")
        self.elbv2.delete_rule(RuleArn=rule["Rules"][0]["RuleArn"])
        self.elbv2.delete_target_group(TargetGroupArn=routed)
        self.elbv2.delete_load_balancer(LoadBalancerArn=lb)
        self.elbv2.delete_target_group(TargetGroupArn=default_group)

    def test_a_target_group_belongs_to_one_load_balancer(self):
        shared = target_group()
        first, second = load_balancer(), load_balancer()
        first_listener = listener(first, shared)
        self.assertRefused("TargetGroupAssociationLimit", self.elbv2.create_listener, LoadBalancerArn=second,
                           Protocol="HTTP", Port=80, DefaultActions=[forward(shared)],
                           message="The following target groups cannot be associated with more than one load "
                                   f"balancer: {shared}")
        self.elbv2.create_rule(ListenerArn=first_listener, Priority=1, Conditions=host("again.test"),
                               Actions=[forward(shared)])
        self.elbv2.delete_load_balancer(LoadBalancerArn=first)
        self.elbv2.create_listener(LoadBalancerArn=second, Protocol="HTTP", Port=80, DefaultActions=[forward(shared)])


# ----------------------------------------------------------------------------------------------------------------
# Cloud Map and Route 53 dependencies


class CloudMapDependenciesTest(RulesTest):
    @classmethod
    def setUpClass(cls):
        cls.cloud_map = AWS.client("servicediscovery")

    def namespace(self) -> str:
        direct = AWS.client("servicediscovery", through_rules=False)
        operation = direct.create_http_namespace(Name=fresh("ns"))["OperationId"]
        return direct.get_operation(OperationId=operation)["Operation"]["Targets"]["NAMESPACE"]

    def service(self, namespace: str) -> str:
        direct = AWS.client("servicediscovery", through_rules=False)
        return direct.create_service(Name=fresh("svc"), NamespaceId=namespace)["Service"]["Id"]

    def test_a_namespace_with_services_is_not_deleted(self):
        namespace, other = self.namespace(), self.namespace()
        service = self.service(namespace)
        self.service(other)
        self.assertRefused("ResourceInUse", self.cloud_map.delete_namespace, Id=namespace,
                           message="Namespace has associated services; delete the services before deleting the "
                                   "namespace")
        self.cloud_map.delete_service(Id=service)
        self.cloud_map.delete_namespace(Id=namespace)

    def test_a_service_with_instances_is_not_deleted(self):
        service = self.service(self.namespace())
        direct = AWS.client("servicediscovery", through_rules=False)
        direct.register_instance(ServiceId=service, InstanceId="task-1", Attributes={"AWS_INSTANCE_IPV4": "10.0.0.1"})
        self.assertRefused("ResourceInUse", self.cloud_map.delete_service, Id=service,
                           message="Service contains registered instances; delete the instances before deleting the "
                                   "service")
        direct.deregister_instance(ServiceId=service, InstanceId="task-1")
        self.cloud_map.delete_service(Id=service)


class HostedZoneNotEmptyTest(RulesTest):
    def test_a_zone_with_records_is_not_deleted(self):
        route53 = AWS.client("route53")
        zone_id, name = zone()
        record = change("CREATE", "sub." + name, ["ns-1.example.com"], "NS")   # a delegation counts
        route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [record]})
        self.assertRefused("HostedZoneNotEmpty", route53.delete_hosted_zone, Id=zone_id)
        record["Action"] = "DELETE"
        route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [record]})
        route53.delete_hosted_zone(Id=zone_id)


# ----------------------------------------------------------------------------------------------------------------
# Adoption: the calls `ecsnet apply --adopt` makes to mark what others made, and what AWS refuses of them


CLOUDFORMATION_TAGS = [{"Key": "aws:cloudformation:stack-name", "Value": "rent-a-room"},
                       {"Key": "aws:cloudformation:logical-id", "Value": "LoadBalancer"}]
MARKS = [{"Key": "ecsnet:topology", "Value": "demo"}, {"Key": "ecsnet:address", "Value": "service.web"}]


class ElbAdoptionTest(RulesTest):
    """AddTags and RemoveTags on the four kinds of ELBv2 resource."""

    @classmethod
    def setUpClass(cls):
        elbv2 = AWS.client("elbv2", through_rules=False)
        cls.group = target_group()
        cls.load_balancer = load_balancer()
        cls.listener = listener(cls.load_balancer, cls.group)
        cls.rule = elbv2.create_rule(ListenerArn=cls.listener, Priority=1, Conditions=host("adopt.test"),
                                     Actions=[forward(cls.group)])["Rules"][0]["RuleArn"]
        cls.arns = [cls.load_balancer, cls.listener, cls.rule, cls.group]
        cls.elbv2 = AWS.client("elbv2")

    def tags_of(self, arn: str) -> dict:
        [description] = self.elbv2.describe_tags(ResourceArns=[arn])["TagDescriptions"]
        return {tag["Key"]: tag["Value"] for tag in description["Tags"]}

    def test_marks_are_added_to_and_removed_from_every_kind_of_resource(self):
        self.elbv2.add_tags(ResourceArns=self.arns, Tags=MARKS)
        for arn in self.arns:
            self.assertEqual({"ecsnet:topology": "demo", "ecsnet:address": "service.web"}, self.tags_of(arn))
        self.elbv2.remove_tags(ResourceArns=self.arns, TagKeys=["ecsnet:address"])
        for arn in self.arns:
            self.assertEqual({"ecsnet:topology": "demo"}, self.tags_of(arn))

    def test_tag_keys_starting_with_aws_are_refused(self):
        self.assertRefused("ValidationError", self.elbv2.add_tags, ResourceArns=[self.group],
                           Tags=MARKS + CLOUDFORMATION_TAGS,
                           message="Tag key 'aws:cloudformation:stack-name' cannot start with 'aws:'")
        self.assertRefused("ValidationError", self.elbv2.remove_tags, ResourceArns=[self.load_balancer],
                           TagKeys=["aws:cloudformation:logical-id"])
        self.assertRefused("ValidationError", self.elbv2.create_target_group, Name=fresh("tg"), Protocol="HTTP",
                           Port=80, VpcId=Network.vpc, TargetType="ip", Tags=CLOUDFORMATION_TAGS)
        self.assertNotIn("aws:cloudformation:stack-name", self.tags_of(self.group))
        self.elbv2.add_tags(ResourceArns=[self.group], Tags=[{"Key": "aws-team", "Value": "aws:ok"}])

    def test_aws_tags_already_there_do_not_count_against_the_50(self):
        # moto's AddTags adds no key to a resource that has 10 tags of any kind (the Classic Load Balancer's quota),
        # so the rule is checked for the requests beyond, without sending them
        group = target_group(Tags=tags(7))
        AWS.client("elbv2", through_rules=False).add_tags(ResourceArns=[group], Tags=CLOUDFORMATION_TAGS)
        self.assertIsNone(AWS.check_only("elbv2", "AddTags", ResourceArns=[group], Tags=tags(43, "new")))
        refused = AWS.check_only("elbv2", "AddTags", ResourceArns=[group], Tags=tags(44, "new"))
        self.assertEqual("TooManyTags", refused.code)

    def test_a_key_named_twice_is_refused(self):
        self.assertRefused("DuplicateTagKeys", self.elbv2.add_tags, ResourceArns=[self.listener],
                           Tags=[MARKS[0], dict(MARKS[0], Value="other")],
                           message="A tag key was specified more than once.")

    def test_describe_tags_names_at_most_20_resources(self):
        groups = [target_group() for _ in range(21)]
        self.assertEqual(20, len(self.elbv2.describe_tags(ResourceArns=groups[:20])["TagDescriptions"]))
        error = self.assertRefused("ValidationError", self.elbv2.describe_tags, ResourceArns=groups)
        self.assertIn("Member must have length less than or equal to 20", error["Message"])
        self.elbv2.add_tags(ResourceArns=groups, Tags=MARKS[:1])   # AddTags documents no such limit


class Ec2AdoptionTest(RulesTest):
    """CreateTags on a security group (sg-) and on one of its rules (sgr-)."""

    @classmethod
    def setUpClass(cls):
        cls.ec2 = AWS.client("ec2")

    def group_and_rule(self):
        group = security_group()
        rule = AWS.client("ec2", through_rules=False).authorize_security_group_ingress(
            GroupId=group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                                           "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
        )["SecurityGroupRules"][0]["SecurityGroupRuleId"]
        return group, rule

    def tags_of(self, resource: str) -> dict:
        found = self.ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [resource]}])["Tags"]
        return {tag["Key"]: tag["Value"] for tag in found}

    def test_marks_are_added_to_a_group_and_its_rule(self):
        group, rule = self.group_and_rule()
        self.ec2.create_tags(Resources=[group, rule], Tags=MARKS)
        for resource in (group, rule):
            self.assertEqual({"ecsnet:topology": "demo", "ecsnet:address": "service.web"}, self.tags_of(resource))

    def test_tag_keys_starting_with_aws_are_refused(self):
        group, rule = self.group_and_rule()
        for resource in (group, rule):
            self.assertRefused("InvalidParameterValue", self.ec2.create_tags, Resources=[resource],
                               Tags=MARKS + CLOUDFORMATION_TAGS,
                               message="Value ( aws:cloudformation:stack-name ) for parameter key is invalid. Tag "
                                       "keys starting with 'aws:' are reserved for internal use")
        self.assertRefused("InvalidParameterValue", self.ec2.delete_tags, Resources=[group],
                           Tags=[{"Key": "aws:cloudformation:stack-name"}])
        self.assertRefused("InvalidParameterValue", self.ec2.create_security_group, GroupName=fresh("sg"),
                           Description="d", VpcId=Network.vpc, TagSpecifications=[
                               {"ResourceType": "security-group", "Tags": CLOUDFORMATION_TAGS}],
                           message="Tag keys starting with 'aws:' are reserved for internal use")
        self.assertEqual({}, self.tags_of(group))

    def test_keys_over_128_and_values_over_256_characters_are_refused(self):
        group, rule = self.group_and_rule()
        self.ec2.create_tags(Resources=[rule], Tags=[{"Key": "k" * 128, "Value": "v" * 256}])
        self.assertRefused("InvalidParameterValue", self.ec2.create_tags, Resources=[rule],
                           Tags=[{"Key": "k" * 129, "Value": "v"}],
                           message="Tag key exceeds the maximum length of 128 characters")
        self.assertRefused("InvalidParameterValue", self.ec2.create_tags, Resources=[group],
                           Tags=[{"Key": "k", "Value": "v" * 257}],
                           message="Tag value exceeds the maximum length of 256 characters")

    def test_a_rule_holds_50_tags_at_most_aws_tags_not_counted(self):
        _, rule = self.group_and_rule()
        self.ec2.create_tags(Resources=[rule], Tags=tags(48))
        AWS.client("ec2", through_rules=False).create_tags(Resources=[rule], Tags=CLOUDFORMATION_TAGS)
        self.assertIsNone(AWS.check_only("ec2", "CreateTags", Resources=[rule], Tags=MARKS))   # moto: 52 > 50
        refused = AWS.check_only("ec2", "CreateTags", Resources=[rule], Tags=MARKS + tags(1, "new"))
        self.assertEqual("TagLimitExceeded", refused.code)


class Route53AdoptionTest(RulesTest):
    """UpdateHostedZoneComment, and the CREATE of an ownership TXT record."""

    @classmethod
    def setUpClass(cls):
        cls.route53 = AWS.client("route53")

    def test_the_comment_of_a_zone_is_replaced(self):
        zone_id, _ = zone()
        answer = self.route53.update_hosted_zone_comment(Id=zone_id, Comment="heritage=ecsnet,ecsnet/topology=demo")
        self.assertEqual("heritage=ecsnet,ecsnet/topology=demo", answer["HostedZone"]["Config"]["Comment"])
        self.assertEqual("heritage=ecsnet,ecsnet/topology=demo",
                         self.route53.get_hosted_zone(Id=zone_id)["HostedZone"]["Config"]["Comment"])

    def test_a_zone_that_does_not_exist_is_answered_by_the_emulator(self):
        refused_before = AWS.refusals()
        with self.assertRaises(ClientError) as raised:
            self.route53.update_hosted_zone_comment(Id="Z0000000000NOSUCHZONE", Comment="ecsnet")
        self.assertEqual("NoSuchHostedZone", raised.exception.response["Error"]["Code"])
        self.assertEqual(refused_before, AWS.refusals())

    def test_a_create_of_an_existing_name_and_type_is_refused_whatever_its_value(self):
        zone_id, name = zone()
        batch = lambda *changes: self.route53.change_resource_record_sets(   # noqa: E731
            HostedZoneId=zone_id, ChangeBatch={"Changes": list(changes)})
        batch(change("CREATE", f"_ecsnet.web.{name}", ['"heritage=ecsnet,ecsnet/topology=demo"']))
        self.assertRefused("InvalidChangeBatch", batch,
                           change("CREATE", f"_ECSNET.web.{name}.", ['"heritage=ecsnet,ecsnet/topology=other"']),
                           message=f"[Tried to create resource record set [name='_ecsnet.web.{name}.', type='TXT'] "
                                   "but it already exists]")
        batch(change("CREATE", f"_ecsnet.web.{name}", ["10.0.0.1"], "A"))   # another type: free
        batch(change("DELETE", f"_ecsnet.web.{name}", ['"heritage=ecsnet,ecsnet/topology=demo"']),
              change("CREATE", f"_ecsnet.web.{name}", ['"heritage=ecsnet,ecsnet/topology=other"']))
        self.assertRefused("InvalidChangeBatch", batch, change("CREATE", f"new.{name}", ['"a"']),
                           change("CREATE", f"new.{name}", ['"b"']))


class CloudMapAdoptionTest(RulesTest):
    """UpdateService (Description) and UpdatePrivateDnsNamespace (Description): both asynchronous operations."""

    @classmethod
    def setUpClass(cls):
        direct = AWS.client("servicediscovery", through_rules=False)
        # a VPC of its own: moto lets a VPC hold one private DNS namespace only
        vpc = AWS.client("ec2", through_rules=False).create_vpc(CidrBlock="10.43.0.0/16")["Vpc"]["VpcId"]
        operation = direct.create_private_dns_namespace(Name=fresh("ns") + ".local", Vpc=vpc)["OperationId"]
        cls.namespace = direct.get_operation(OperationId=operation)["Operation"]["Targets"]["NAMESPACE"]
        cls.dns_config = {"NamespaceId": cls.namespace, "RoutingPolicy": "MULTIVALUE",
                          "DnsRecords": [{"Type": "A", "TTL": 10}]}
        cls.service = direct.create_service(Name=fresh("svc"), DnsConfig=cls.dns_config)["Service"]["Id"]
        cls.cloud_map = AWS.client("servicediscovery")

    def succeeded(self, operation_id: str) -> dict:
        return self.cloud_map.get_operation(OperationId=operation_id)["Operation"]

    def test_a_services_description_is_replaced_with_its_dns_records_sent_again(self):
        operation = self.cloud_map.update_service(Id=self.service, Service={
            "Description": "heritage=ecsnet", "DnsConfig": {"DnsRecords": self.dns_config["DnsRecords"]}}
        )["OperationId"]
        self.assertEqual(("UPDATE_SERVICE", "SUCCESS", {"SERVICE": self.service}),
                         tuple(self.succeeded(operation)[key] for key in ("Type", "Status", "Targets")))
        service = self.cloud_map.get_service(Id=self.service)["Service"]
        self.assertEqual("heritage=ecsnet", service["Description"])
        self.assertEqual(self.dns_config["DnsRecords"], service["DnsConfig"]["DnsRecords"])

    def test_a_namespaces_description_is_replaced(self):
        operation = self.cloud_map.update_private_dns_namespace(Id=self.namespace, Namespace={
            "Description": "heritage=ecsnet"})["OperationId"]
        self.assertEqual(("UPDATE_NAMESPACE", "SUCCESS", {"NAMESPACE": self.namespace}),
                         tuple(self.succeeded(operation)[key] for key in ("Type", "Status", "Targets")))
        namespace = self.cloud_map.get_namespace(Id=self.namespace)["Namespace"]
        self.assertEqual("heritage=ecsnet", namespace["Description"])
        self.assertTrue(namespace["Properties"]["DnsProperties"]["HostedZoneId"])


if __name__ == "__main__":
    unittest.main()
