#!/usr/bin/env python3
"""The AWS-rules layer's timing rules (aws_rules/consistency.py, aws_rules/rates.py) against a real moto server:

    python3 -m unittest tests.test_aws_rules_timing      (from localstack/, with botocore)

The emulator is the tests' shared one (tests/emulator.py: ECSNET_RULES_TEST_UPSTREAM, which localstack/test.sh
sets, else one moto_server for the whole test process). Without one every test fails. Requests are serialized by
botocore exactly as an SDK sends them, classified by the proxy's own classify(), checked and observed by the rules
as the proxy does, and sent to the emulator for its real answers; time is a fake clock, moved by the tests.
"""
import http.client
import json
import re
import threading
import unittest
import urllib.parse
import uuid

import botocore.awsrequest
import botocore.serialize
import botocore.session

import proxy
from aws_rules import consistency, rates
from aws_rules.core import Config, Request, Upstream

from . import emulator

SIGNING_NAMES = {"ec2": "ec2", "elbv2": "elasticloadbalancing", "route53": "route53", "ecs": "ecs",
                 "servicediscovery": "servicediscovery"}
SESSION = botocore.session.get_session()


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def build(client, operation, params, access_key="test"):
    """A core.Request for `operation`, serialized by botocore as the SDKs send it (JSON where a service offers it,
    as the Rust SDK speaks), with a SigV4 Authorization header naming the access key and the service."""
    model = SESSION.get_service_model(client)
    protocols = model.metadata.get("protocols") or [model.metadata["protocol"]]
    protocol = "json" if "json" in protocols else model.metadata["protocol"]
    serialized = botocore.serialize.create_serializer(protocol).serialize_to_request(
        params, model.operation_model(operation))
    botocore.awsrequest.prepare_request_dict(serialized, endpoint_url=emulator.upstream())
    serialized.setdefault("context", {})
    prepared = botocore.awsrequest.create_request_object(serialized).prepare()
    url = urllib.parse.urlsplit(prepared.url)
    path = url.path + (f"?{url.query}" if url.query else "")
    body = prepared.body or b""
    body = body.encode() if isinstance(body, str) else body
    headers = dict(prepared.headers.items())
    headers["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={access_key}/20260101/us-east-1/"
                                f"{SIGNING_NAMES[client]}/aws4_request, SignedHeaders=host, Signature=0")
    service, classified, wire = proxy.classify(prepared.method, path, headers, body)
    assert classified == operation, (classified, operation)
    return Request(service, operation, wire, prepared.method, path, headers, body)


def send(request):
    """The emulator's answer to `request`: (status, body)."""
    up = urllib.parse.urlsplit(emulator.upstream())
    connection = http.client.HTTPConnection(up.hostname, up.port, timeout=30)
    try:
        connection.request(request.method, request.path, body=request.body or None, headers=dict(request.headers))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Answer:
    def __init__(self, status, body, refusal=None):
        self.status, self.body, self.refusal = status, body, refusal

    @property
    def code(self):
        return self.refusal.code if self.refusal else None

    def json(self):
        return json.loads(self.body)


def consulted(rule, request):
    """The rule's check of `request` as the layer makes it: only when the rule's applies_to matches the request."""
    return rule.check(request, None) if rule.applies(request) else None


def through(rules, client, operation, params, access_key="test"):
    """What the proxy with these rules answers: the first refusal rendered in the service's wire format, or the
    emulator's answer as the rules rewrite it (each rule consulted only for the requests its applies_to matches, as
    the layer does)."""
    request = build(client, operation, params, access_key)
    for rule in rules:
        refusal = consulted(rule, request)
        if refusal is not None:
            status, _, body = proxy.error_response(request.protocol, refusal.code, refusal.message, refusal.status)
            return Answer(status, body, refusal)
    status, body = send(request)
    for rule in rules:
        rewritten = rule.observe(request, status, body) if rule.applies(request) else None
        if rewritten is not None:
            body = rewritten
    return Answer(status, body)


def unique(prefix):
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def xml_text(body, tag):
    """The first <tag> element's text in an XML answer."""
    found = re.search(rf"<{tag}>([^<]*)</{tag}>".encode(), body)
    assert found, f"no <{tag}> in {body[:400]!r}"
    return found.group(1).decode()


class EmulatorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        emulator.upstream()   # the shared emulator, or an error for every test of the class

    def setUp(self):
        self.clock = FakeClock()
        self.config = Config()

    def direct(self, client, operation, **params):
        """A call straight to the emulator, past the rules (for fixtures): its answer body."""
        status, body = send(build(client, operation, params))
        self.assertLess(status, 300, body)
        return body

    def network(self):
        """A fresh VPC with two subnets in two zones: (vpc id, [subnet ids])."""
        vpc = xml_text(self.direct("ec2", "CreateVpc", CidrBlock="10.7.0.0/16"), "vpcId")
        subnets = [xml_text(self.direct("ec2", "CreateSubnet", VpcId=vpc, CidrBlock=f"10.7.{i}.0/24",
                                       AvailabilityZone=zone), "subnetId")
                   for i, zone in ((1, "us-east-1a"), (2, "us-east-1b"))]
        return vpc, subnets


# ----------------------------------------------------------------------------------------------------------------
# Eventual consistency and asynchrony


class NewSecurityGroupTest(EmulatorTest):
    def test_ec2_calls_naming_a_new_group_are_answered_not_found_until_it_is_visible(self):
        rule = consistency.NewSecurityGroupInvisible(self.config, self.clock)
        vpc, _ = self.network()
        created = through([rule], "ec2", "CreateSecurityGroup", {"GroupName": unique("g"), "Description": "d",
                                                                  "VpcId": vpc})
        self.assertEqual(created.status, 200)
        group = xml_text(created.body, "groupId")
        ingress = {"GroupId": group, "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                                                        "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]}

        refused = through([rule], "ec2", "AuthorizeSecurityGroupIngress", ingress)
        self.assertEqual((refused.status, refused.code), (400, "InvalidGroup.NotFound"))
        self.assertIn(f"The security group '{group}' does not exist".encode(), refused.body)
        self.assertIn(b"<Response><Errors><Error><Code>InvalidGroup.NotFound</Code>", refused.body)
        self.assertEqual(through([rule], "ec2", "DescribeSecurityGroups", {"GroupIds": [group]}).code,
                         "InvalidGroup.NotFound")
        self.assertEqual(through([rule], "ec2", "CreateTags", {"Resources": [group],
                                                               "Tags": [{"Key": "k", "Value": "v"}]}).code,
                         "InvalidGroup.NotFound")
        # a filter finds nothing rather than failing: not refused
        filtered = through([rule], "ec2", "DescribeSecurityGroups",
                           {"Filters": [{"Name": "group-id", "Values": [group]}]})
        self.assertEqual((filtered.status, filtered.code), (200, None))
        # another service naming the group (ECS) is not held back
        ecs_request = build("ecs", "CreateService", {"serviceName": "s", "networkConfiguration": {
            "awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": [group]}}})
        self.assertIsNone(consulted(rule, ecs_request))

        self.clock.advance(self.config.visibility_delay - 0.01)
        self.assertEqual(through([rule], "ec2", "AuthorizeSecurityGroupIngress", ingress).code,
                         "InvalidGroup.NotFound")
        self.clock.advance(0.01)
        authorized = through([rule], "ec2", "AuthorizeSecurityGroupIngress", ingress)
        self.assertEqual((authorized.status, authorized.code), (200, None), authorized.body)
        described = through([rule], "ec2", "DescribeSecurityGroups", {"GroupIds": [group]})
        self.assertEqual(described.status, 200)
        self.assertIn(group.encode(), described.body)

    def test_a_group_the_layer_did_not_see_created_is_never_held_back(self):
        rule = consistency.NewSecurityGroupInvisible(self.config, self.clock)
        vpc, _ = self.network()
        group = xml_text(self.direct("ec2", "CreateSecurityGroup", GroupName=unique("g"), Description="d",
                                    VpcId=vpc), "groupId")
        self.assertEqual(through([rule], "ec2", "DescribeSecurityGroups", {"GroupIds": [group]}).status, 200)


class NewLoadBalancingResourcesTest(EmulatorTest):
    def test_elbv2_calls_naming_a_new_target_group_are_answered_not_found_until_it_is_visible(self):
        rule = consistency.NewTargetGroupInvisible(self.config, self.clock)
        vpc, _ = self.network()
        created = through([rule], "elbv2", "CreateTargetGroup", {"Name": unique("tg"), "Protocol": "HTTP",
                                                                 "Port": 80, "VpcId": vpc, "TargetType": "ip"})
        self.assertEqual(created.status, 200, created.body)
        arn = xml_text(created.body, "TargetGroupArn")
        attributes = {"TargetGroupArn": arn,
                      "Attributes": [{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}]}

        for operation, params in [("ModifyTargetGroupAttributes", attributes),
                                  ("DescribeTargetGroups", {"TargetGroupArns": [arn]}),
                                  ("AddTags", {"ResourceArns": [arn], "Tags": [{"Key": "k", "Value": "v"}]})]:
            refused = through([rule], "elbv2", operation, params)
            self.assertEqual((refused.status, refused.code), (400, "TargetGroupNotFound"), operation)
            self.assertIn(f"Target groups '{arn}' not found".encode(), refused.body)
            self.assertIn(b"<Code>TargetGroupNotFound</Code>", refused.body)

        self.clock.advance(self.config.visibility_delay)
        modified = through([rule], "elbv2", "ModifyTargetGroupAttributes", attributes)
        self.assertEqual((modified.status, modified.code), (200, None), modified.body)
        self.assertEqual(through([rule], "elbv2", "DescribeTargetGroups", {"TargetGroupArns": [arn]}).status, 200)

    def test_elbv2_calls_naming_a_new_load_balancer_are_answered_not_found_until_it_is_visible(self):
        rule = consistency.NewLoadBalancerInvisible(self.config, self.clock)
        _, subnets = self.network()
        created = through([rule], "elbv2", "CreateLoadBalancer", {"Name": unique("lb"), "Subnets": subnets,
                                                                  "Scheme": "internal"})
        self.assertEqual(created.status, 200, created.body)
        arn = xml_text(created.body, "LoadBalancerArn")
        listener = {"LoadBalancerArn": arn, "Protocol": "HTTP", "Port": 80, "DefaultActions": [
            {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "503"}}]}

        refused = through([rule], "elbv2", "DescribeLoadBalancers", {"LoadBalancerArns": [arn]})
        self.assertEqual((refused.status, refused.code), (400, "LoadBalancerNotFound"))
        self.assertIn(b"One or more load balancers not found", refused.body)
        self.assertEqual(through([rule], "elbv2", "CreateListener", listener).code, "LoadBalancerNotFound")

        self.clock.advance(self.config.visibility_delay)
        self.assertEqual(through([rule], "elbv2", "DescribeLoadBalancers", {"LoadBalancerArns": [arn]}).status, 200)
        made = through([rule], "elbv2", "CreateListener", listener)
        self.assertEqual((made.status, made.code), (200, None), made.body)

    def test_a_new_load_balancer_is_provisioning_then_active(self):
        rule = consistency.LoadBalancerProvisioning(self.config, self.clock)
        _, subnets = self.network()
        older = xml_text(self.direct("elbv2", "CreateLoadBalancer", Name=unique("lb"), Subnets=subnets,
                                    Scheme="internal"), "LoadBalancerArn")
        created = through([rule], "elbv2", "CreateLoadBalancer", {"Name": unique("lb"), "Subnets": subnets,
                                                                  "Scheme": "internal"})
        self.assertEqual(xml_text(created.body, "Code"), "provisioning")
        arn = xml_text(created.body, "LoadBalancerArn")

        def states():
            answer = through([rule], "elbv2", "DescribeLoadBalancers", {"LoadBalancerArns": [older, arn]})
            self.assertEqual(answer.status, 200, answer.body)
            pairs = re.findall(rb"<LoadBalancerArn>([^<]+)</LoadBalancerArn>.*?<State><Code>([a-z_]+)</Code>",
                               answer.body, re.DOTALL)
            return {a.decode(): code.decode() for a, code in pairs}

        self.assertEqual(states(), {older: "active", arn: "provisioning"})
        self.clock.advance(self.config.provisioning_time - 0.01)
        self.assertEqual(states()[arn], "provisioning")
        self.clock.advance(0.01)
        self.assertEqual(states(), {older: "active", arn: "active"})


class CloudMapOperationTest(EmulatorTest):
    def test_an_operation_is_submitted_then_pending_then_the_emulators_status(self):
        rule = consistency.CloudMapOperationPending(self.config, self.clock)
        vpc, _ = self.network()
        created = through([rule], "servicediscovery", "CreatePrivateDnsNamespace",
                          {"Name": f"{unique('ns')}.local", "Vpc": vpc})
        self.assertEqual(created.status, 200, created.body)
        operation_id = created.json()["OperationId"]

        def status():
            answer = through([rule], "servicediscovery", "GetOperation", {"OperationId": operation_id})
            self.assertEqual(answer.status, 200, answer.body)
            return answer.json()["Operation"]["Status"]

        def listed_status():
            answer = through([rule], "servicediscovery", "ListOperations", {})
            return {op["Id"]: op["Status"] for op in answer.json()["Operations"]}[operation_id]

        self.assertEqual((status(), listed_status()), ("SUBMITTED", "SUBMITTED"))
        self.clock.advance(self.config.operation_time * 0.6)
        self.assertEqual((status(), listed_status()), ("PENDING", "PENDING"))
        self.clock.advance(self.config.operation_time * 0.4)
        self.assertEqual((status(), listed_status()), ("SUCCESS", "SUCCESS"))

        namespace = through([rule], "servicediscovery", "GetOperation",
                            {"OperationId": operation_id}).json()["Operation"]["Targets"]["NAMESPACE"]
        deleted = through([rule], "servicediscovery", "DeleteNamespace", {"Id": namespace})
        self.assertEqual(deleted.status, 200, deleted.body)
        self.assertEqual(through([rule], "servicediscovery", "GetOperation",
                                 {"OperationId": deleted.json()["OperationId"]}).json()["Operation"]["Status"],
                         "SUBMITTED")


class Route53ChangeTest(EmulatorTest):
    def test_a_change_is_pending_then_insync(self):
        rule = consistency.Route53ChangePending(self.config, self.clock)
        zone_name = f"{unique('z')}.internal"
        zone_answer = through([rule], "route53", "CreateHostedZone", {"Name": zone_name,
                                                                      "CallerReference": unique("ref")})
        self.assertEqual(zone_answer.status, 201, zone_answer.body)
        self.assertIn(b"<Status>PENDING</Status>", zone_answer.body)
        zone_change = xml_text(zone_answer.body.split(b"<ChangeInfo>")[1], "Id").removeprefix("/change/")
        zone_id = xml_text(zone_answer.body, "Id").removeprefix("/hostedzone/")

        self.clock.advance(self.config.change_time / 2)
        record = {"HostedZoneId": zone_id, "ChangeBatch": {"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
            "Name": f"a.{zone_name}", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "10.0.0.1"}]}}]}}
        changed = through([rule], "route53", "ChangeResourceRecordSets", record)
        self.assertEqual(changed.status, 200, changed.body)
        record_change = xml_text(changed.body, "Id").removeprefix("/change/")

        def status(change_id):
            answer = through([rule], "route53", "GetChange", {"Id": change_id})
            self.assertEqual(answer.status, 200, answer.body)
            return xml_text(answer.body, "Status")

        self.assertEqual((status(zone_change), status(record_change)), ("PENDING", "PENDING"))
        self.clock.advance(self.config.change_time / 2)
        self.assertEqual((status(zone_change), status(record_change)), ("INSYNC", "PENDING"))
        self.clock.advance(self.config.change_time / 2)
        self.assertEqual((status(zone_change), status(record_change)), ("INSYNC", "INSYNC"))


# ----------------------------------------------------------------------------------------------------------------
# Request rates


class RatesTest(EmulatorTest):
    def drain(self, rule, client, operation, params, count, access_key="test"):
        """`count` requests allowed in a row (checked only: the emulator need not see them)."""
        request = build(client, operation, params, access_key)
        for n in range(count):
            self.assertIsNone(consulted(rule, request), f"{operation} #{n + 1} of {count}")

    def assert_throttled(self, rule, client, operation, params, code, status, access_key="test"):
        answer = through([rule], client, operation, params, access_key)
        self.assertEqual((answer.status, answer.code), (status, code), operation)
        return answer

    def assert_answered(self, rule, client, operation, params, status=200):
        answer = through([rule], client, operation, params)
        self.assertEqual((answer.status, answer.code), (status, None), answer.body)


class Ec2RatesTest(RatesTest):
    def test_a_non_mutating_action_has_100_tokens_refilled_at_20_per_second(self):
        rule = rates.Ec2RequestRates(self.config, self.clock)
        self.drain(rule, "ec2", "DescribeVpcs", {}, 100)
        answer = self.assert_throttled(rule, "ec2", "DescribeVpcs", {}, "RequestLimitExceeded", 503)
        self.assertIn(b"<Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>", answer.body)
        self.assert_answered(rule, "ec2", "DescribeSubnets", {})                 # each action has its own bucket
        self.assertIsNone(consulted(rule, build("ec2", "DescribeVpcs", {}, access_key="other")))  # per account
        self.clock.advance(1 / 20)
        self.assert_answered(rule, "ec2", "DescribeVpcs", {})
        self.assert_throttled(rule, "ec2", "DescribeVpcs", {}, "RequestLimitExceeded", 503)

    def test_unfiltered_describe_security_groups_draws_from_the_smaller_bucket(self):
        rule = rates.Ec2RequestRates(self.config, self.clock)
        self.drain(rule, "ec2", "DescribeSecurityGroups", {}, 50)
        self.assert_throttled(rule, "ec2", "DescribeSecurityGroups", {}, "RequestLimitExceeded", 503)
        filtered = {"Filters": [{"Name": "vpc-id", "Values": ["vpc-1"]}]}
        self.assert_answered(rule, "ec2", "DescribeSecurityGroups", filtered)
        self.clock.advance(1 / 10)
        self.assert_answered(rule, "ec2", "DescribeSecurityGroups", {})

    def test_mutating_and_resource_intensive_actions_have_50_tokens_refilled_at_5_per_second(self):
        rule = rates.Ec2RequestRates(self.config, self.clock)
        vpc, _ = self.network()
        group = xml_text(self.direct("ec2", "CreateSecurityGroup", GroupName=unique("g"), Description="d",
                                    VpcId=vpc), "groupId")
        ingress = {"GroupId": group, "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                                        "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]}
        self.drain(rule, "ec2", "AuthorizeSecurityGroupIngress", ingress, 50)
        self.assert_throttled(rule, "ec2", "AuthorizeSecurityGroupIngress", ingress, "RequestLimitExceeded", 503)
        self.drain(rule, "ec2", "CreateSecurityGroup", {"GroupName": "x", "Description": "d"}, 50)
        self.assert_throttled(rule, "ec2", "CreateSecurityGroup", {"GroupName": "x", "Description": "d"},
                              "RequestLimitExceeded", 503)
        self.drain(rule, "ec2", "CreateTags", {"Resources": [group], "Tags": [{"Key": "k", "Value": "v"}]}, 100)
        self.clock.advance(1 / 5)
        self.assert_answered(rule, "ec2", "AuthorizeSecurityGroupIngress", ingress)

    def test_no_throttling_when_rates_are_off(self):
        self.config.rates = False
        rule = rates.Ec2RequestRates(self.config, self.clock)
        self.drain(rule, "ec2", "DescribeVpcs", {}, 500)

    def test_concurrent_checks_take_exactly_the_buckets_tokens(self):
        rule = rates.Ec2RequestRates(self.config, self.clock)
        request = build("ec2", "DescribeVpcs", {})
        allowed = []

        def hammer():
            allowed.append(sum(consulted(rule, request) is None for _ in range(100)))

        threads = [threading.Thread(target=hammer) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sum(allowed), 100)


class ElbRatesTest(RatesTest):
    def test_the_account_bucket_of_40_is_shared_by_every_action(self):
        rule = rates.ElbRequestRates(self.config, self.clock)
        self.drain(rule, "elbv2", "DescribeLoadBalancers", {}, 40)
        answer = self.assert_throttled(rule, "elbv2", "DescribeTargetGroups", {}, "Throttling", 400)
        self.assertIn(b"<Code>Throttling</Code><Message>Rate exceeded</Message>", answer.body)
        self.clock.advance(1 / 10)
        self.assert_answered(rule, "elbv2", "DescribeTargetGroups", {})

    def test_create_load_balancer_has_10_tokens_refilled_one_per_5_seconds(self):
        rule = rates.ElbRequestRates(self.config, self.clock)
        _, subnets = self.network()
        create = {"Name": unique("lb"), "Subnets": subnets, "Scheme": "internal"}
        self.drain(rule, "elbv2", "CreateLoadBalancer", create, 10)
        self.assert_throttled(rule, "elbv2", "CreateLoadBalancer", create, "Throttling", 400)
        self.assert_answered(rule, "elbv2", "DescribeLoadBalancers", {})      # account bucket not empty
        self.clock.advance(4.9)
        self.assert_throttled(rule, "elbv2", "CreateLoadBalancer", create, "Throttling", 400)
        self.clock.advance(0.1)
        self.assert_answered(rule, "elbv2", "CreateLoadBalancer", create)


class Route53RatesTest(RatesTest):
    def test_create_hosted_zone_has_its_own_bucket_of_40_within_the_accounts_50(self):
        rule = rates.Route53RequestRates(self.config, self.clock)
        zone = {"Name": f"{unique('z')}.internal", "CallerReference": unique("ref")}
        self.drain(rule, "route53", "CreateHostedZone", zone, 40)
        answer = self.assert_throttled(rule, "route53", "CreateHostedZone", zone, "Throttling", 400)
        self.assertIn(b"<Code>Throttling</Code><Message>Rate exceeded</Message>", answer.body)
        self.drain(rule, "route53", "ListHostedZones", {}, 9)
        self.assert_answered(rule, "route53", "ListHostedZones", {})          # the account's 50th token
        self.assert_throttled(rule, "route53", "GetHostedZoneCount", {}, "Throttling", 400)
        self.clock.advance(1 / 2)                                             # 5 account tokens, 1 zone token
        self.assert_answered(rule, "route53", "CreateHostedZone", zone, status=201)
        self.assert_throttled(rule, "route53", "CreateHostedZone", zone, "Throttling", 400)


class EcsRatesTest(RatesTest):
    def test_service_modify_actions_share_a_bucket_of_50_refilled_at_5_per_second(self):
        rule = rates.EcsRequestRates(self.config, self.clock)
        cluster, family = unique("c"), unique("td")
        self.direct("ecs", "CreateCluster", clusterName=cluster)
        self.direct("ecs", "RegisterTaskDefinition", family=family, containerDefinitions=[
            {"name": "app", "image": "nginx", "memory": 128}])
        self.drain(rule, "ecs", "UpdateService", {"cluster": cluster, "service": "s", "desiredCount": 1}, 50)
        answer = self.assert_throttled(rule, "ecs", "DeleteService", {"cluster": cluster, "service": "s"},
                                       "ThrottlingException", 400)
        self.assertEqual(json.loads(answer.body), {"__type": "ThrottlingException", "message": "Rate exceeded"})
        self.assert_answered(rule, "ecs", "ListClusters", {})                 # another category
        create = {"cluster": cluster, "serviceName": unique("s"), "taskDefinition": family, "desiredCount": 0}
        self.assert_throttled(rule, "ecs", "CreateService", create, "ThrottlingException", 400)
        self.clock.advance(1 / 5)
        self.assert_answered(rule, "ecs", "CreateService", create)
        self.assert_throttled(rule, "ecs", "UpdateService", {"cluster": cluster, "service": "s", "desiredCount": 1},
                              "ThrottlingException", 400)


class CloudMapRatesTest(RatesTest):
    def test_discover_instances_has_2000_tokens_refilled_at_1000_per_second_and_nothing_else_is_throttled(self):
        rule = rates.CloudMapRequestRates(self.config, self.clock)
        vpc, _ = self.network()
        namespace_name, service_name = f"{unique('ns')}.local", unique("svc")
        operation = json.loads(self.direct("servicediscovery", "CreatePrivateDnsNamespace", Name=namespace_name,
                                           Vpc=vpc))["OperationId"]
        namespace = json.loads(self.direct("servicediscovery", "GetOperation", OperationId=operation))
        self.direct("servicediscovery", "CreateService", Name=service_name,
                    NamespaceId=namespace["Operation"]["Targets"]["NAMESPACE"])
        discover = {"NamespaceName": namespace_name, "ServiceName": service_name}

        self.drain(rule, "servicediscovery", "DiscoverInstances", discover, 2000)
        answer = self.assert_throttled(rule, "servicediscovery", "DiscoverInstances", discover,
                                       "RequestLimitExceeded", 429)
        self.assertEqual(json.loads(answer.body)["__type"], "RequestLimitExceeded")
        self.drain(rule, "servicediscovery", "ListNamespaces", {}, 3000)      # no documented rate
        self.assert_answered(rule, "servicediscovery", "ListNamespaces", {})
        self.clock.advance(1 / 1000)
        self.assert_answered(rule, "servicediscovery", "DiscoverInstances", discover)
        self.assert_throttled(rule, "servicediscovery", "DiscoverInstances", discover, "RequestLimitExceeded", 429)


class RuleListTest(unittest.TestCase):
    def test_every_rule_names_itself_and_its_source(self):
        config = Config()
        every = consistency.rules(config) + rates.rules(config)
        self.assertEqual(len(every), 12)
        for rule in every:
            self.assertTrue(rule.name and rule.name != "rule", rule)
            self.assertTrue(rule.source.startswith("https://"), rule.name)
        self.assertEqual(len({rule.name for rule in every}), len(every))


if __name__ == "__main__":
    unittest.main()


class EcsDeploymentTest(EmulatorTest):
    def test_an_updated_service_deploys_for_a_while_then_is_steady(self):
        rule = consistency.EcsDeploymentInProgress(self.config, self.clock)
        cluster = unique("c")
        self.direct("ecs", "CreateCluster", clusterName=cluster)
        self.direct("ecs", "RegisterTaskDefinition", family=cluster, containerDefinitions=[
            {"name": "app", "image": "nginx", "memory": 128}])
        for name in ("steady", "updated"):
            self.direct("ecs", "CreateService", cluster=cluster, serviceName=name, taskDefinition=cluster,
                        desiredCount=1)

        def deployments():
            answer = through([rule], "ecs", "DescribeServices", {"cluster": cluster, "services": ["steady", "updated"]})
            self.assertEqual(answer.status, 200, answer.body)
            return {s["serviceName"]: [(d["status"], d.get("rolloutState"), d["runningCount"])
                                       for d in s["deployments"]]
                    for s in answer.json()["services"]}

        self.assertEqual(deployments()["updated"], [("PRIMARY", "COMPLETED", 2)],
                         "the emulator's own answer (MOTO_ECS_SERVICE_RUNNING=2, as start.sh runs it)")
        updated = through([rule], "ecs", "UpdateService", {"cluster": cluster, "service": "updated",
                                                           "desiredCount": 1})
        self.assertEqual(updated.status, 200, updated.body)
        self.assertEqual(deployments(), {"steady": [("PRIMARY", "COMPLETED", 2)],
                                         "updated": [("PRIMARY", "IN_PROGRESS", 0), ("ACTIVE", "COMPLETED", 2)]})
        self.clock.advance(self.config.deployment_time - 0.01)
        self.assertEqual(deployments()["updated"][0], ("PRIMARY", "IN_PROGRESS", 0))
        self.clock.advance(0.01)
        self.assertEqual(deployments()["updated"], [("PRIMARY", "COMPLETED", 2)])
        again = through([rule], "ecs", "UpdateService", {"cluster": cluster, "service": "updated", "desiredCount": 1})
        self.assertEqual(again.status, 200, again.body)
        self.assertEqual(deployments()["updated"][0], ("PRIMARY", "IN_PROGRESS", 0), "a second update deploys again")

    def test_the_previous_deployment_keeps_its_own_service_connect(self):
        """With moto_ext a Service Connect change makes a new deployment; the previous one, ACTIVE while the new
        one rolls out, still has the old configuration."""
        rule = consistency.EcsDeploymentInProgress(self.config, self.clock)
        cluster = unique("c")
        self.direct("ecs", "CreateCluster", clusterName=cluster)
        self.direct("ecs", "RegisterTaskDefinition", family=cluster, containerDefinitions=[
            {"name": "app", "image": "nginx", "memory": 128, "portMappings": [{"containerPort": 80, "name": "web"}]}])
        old = {"enabled": True, "namespace": "old.local", "services": [{"portName": "web"}]}
        self.direct("ecs", "CreateService", cluster=cluster, serviceName="api", taskDefinition=cluster,
                    desiredCount=1, serviceConnectConfiguration=old)
        update = {"cluster": cluster, "service": "api", "serviceConnectConfiguration": {"enabled": False}}
        # the layer's check, with its upstream, reads the deployment the update replaces
        self.assertIsNone(rule.check(build("ecs", "UpdateService", update), Upstream(emulator.upstream())))
        updated = through([rule], "ecs", "UpdateService", update)
        self.assertEqual(updated.status, 200, updated.body)
        answer = through([rule], "ecs", "DescribeServices", {"cluster": cluster, "services": ["api"]})
        deployments = answer.json()["services"][0]["deployments"]
        found = [(d["status"], d.get("serviceConnectConfiguration")) for d in deployments]
        self.assertEqual(found, [("PRIMARY", {"enabled": False}), ("ACTIVE", old)])
