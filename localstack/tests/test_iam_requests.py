"""What each request is authorized against (localstack/aws_rules/iam/requests.py): exact actions, ARNs and context
values for hand-built requests in each service's wire format, resource tags read from a fake upstream and from a
real moto, and every operation ecsnet calls (src/iam/operations.rs) covered.

Run from localstack/: ../.emulator/venv/bin/python -m unittest tests.test_iam_requests
"""
import json
import os
import re
import unittest
import urllib.parse
import uuid

from aws_rules.core import Request, Upstream
from aws_rules.iam import requests as iam_requests
from aws_rules.iam.requests import PLACEHOLDER, Unjudgeable, checks, covered

from . import emulator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ACCOUNT = "123456789012"
REGION = "eu-west-1"


def auth(service, region=REGION):
    return {"Authorization": f"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/{region}/{service}/aws4_request, "
                             "SignedHeaders=host, Signature=0"}


def form(service, operation, version, params, region=REGION):
    body = urllib.parse.urlencode({"Action": operation, "Version": version, **params}).encode()
    headers = {**auth(service, region), "Content-Type": "application/x-www-form-urlencoded"}
    protocol = "ec2" if service == "ec2" else "query"
    return Request(service, operation, protocol, "POST", "/", headers, body)


def ec2(operation, params, region=REGION):
    return form("ec2", operation, "2016-11-15", params, region)


def elb(operation, params, region=REGION):
    return form("elasticloadbalancing", operation, "2015-12-01", params, region)


def json_request(service, target, operation, document):
    headers = {**auth(service), "X-Amz-Target": f"{target}.{operation}",
               "Content-Type": "application/x-amz-json-1.1"}
    return Request(service, operation, "json", "POST", "/", headers, json.dumps(document).encode())


def ecs(operation, document):
    return json_request("ecs", "AmazonEC2ContainerServiceV20141113", operation, document)


def cloud_map(operation, document):
    return json_request("servicediscovery", "Route53AutoNaming_v20170314", operation, document)


def route53(operation, method, path, body=b""):
    return Request("route53", operation, "route53", method, path, auth("route53", "us-east-1"), body)


class FakeClient:
    """Answers the client methods requests.py calls from canned data, and counts them."""

    def __init__(self, owner, answers):
        self.owner, self.answers = owner, answers

    def __getattr__(self, name):
        def call(**kwargs):
            self.owner.calls.append((name, kwargs))
            return self.answers[name](**kwargs)
        return call


class FakeUpstream:
    def __init__(self, **answers):
        self.answers = answers
        self.calls = []

    def client(self, service, region="us-east-1"):
        return FakeClient(self, self.answers)


def elb_arn(path, region=REGION):
    return f"arn:aws:elasticloadbalancing:{region}:{ACCOUNT}:{path}"


LISTENER = elb_arn("listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2")
RULE = elb_arn("listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee")


def summary(found):
    return [(check.action, check.resource) for check in found]


class Ec2Requests(unittest.TestCase):
    def test_create_security_group_with_tags(self):
        upstream = FakeUpstream(describe_tags=lambda **kw: {"Tags": [{"Key": "env", "Value": "prod",
                                                                      "ResourceId": "vpc-1a2b"}]})
        request = ec2("CreateSecurityGroup", {
            "GroupName": "api", "GroupDescription": "api", "VpcId": "vpc-1a2b",
            "TagSpecification.1.ResourceType": "security-group",
            "TagSpecification.1.Tag.1.Key": "ecsnet:topology", "TagSpecification.1.Tag.1.Value": "demo"})
        found = checks(request, upstream)
        new_group = f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-{PLACEHOLDER}"
        vpc = f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-1a2b"
        self.assertEqual(summary(found), [("ec2:CreateSecurityGroup", new_group), ("ec2:CreateSecurityGroup", vpc),
                                          ("ec2:CreateTags", new_group)])
        group, on_vpc, tagging = (check.context for check in found)
        self.assertEqual(group["aws:requesttag/ecsnet:topology"], "demo")
        self.assertEqual(group["aws:tagkeys"], ["ecsnet:topology"])
        self.assertEqual(group["aws:requestedregion"], REGION)
        self.assertEqual(group["aws:principalaccount"], ACCOUNT)
        self.assertEqual(group["ec2:region"], REGION)
        self.assertNotIn("ec2:createaction", group)
        self.assertEqual(on_vpc["ec2:vpcid"], "vpc-1a2b")
        self.assertNotIn("aws:requesttag/ecsnet:topology", on_vpc)   # the vpc row lists no request tags
        self.assertEqual(upstream.calls, [])                           # nothing read until a key asks
        self.assertEqual(on_vpc["ec2:resourcetag/env"], "prod")
        self.assertEqual(on_vpc["aws:resourcetag/env"], "prod")
        self.assertEqual(len(upstream.calls), 1)
        self.assertEqual(tagging["ec2:createaction"], "CreateSecurityGroup")
        self.assertEqual(tagging["aws:requesttag/ecsnet:topology"], "demo")
        self.assertEqual(tagging["ec2:vpc"], vpc)
        self.assertNotIn("aws:resourcetag/env", tagging)               # a new group has no tags yet
        self.assertEqual(len(upstream.calls), 1)

    def test_authorize_ingress_reads_the_group_once(self):
        group = {"GroupId": "sg-0abc", "VpcId": "vpc-9", "Tags": [{"Key": "ecsnet:topology", "Value": "demo"}]}
        upstream = FakeUpstream(describe_security_groups=lambda **kw: {"SecurityGroups": [group]})
        request = ec2("AuthorizeSecurityGroupIngress", {
            "GroupId": "sg-0abc", "IpPermissions.1.IpProtocol": "tcp", "IpPermissions.1.FromPort": "80",
            "IpPermissions.1.ToPort": "80", "IpPermissions.1.Groups.1.GroupId": "sg-0def"})
        found = checks(request, upstream)
        self.assertEqual(summary(found), [("ec2:AuthorizeSecurityGroupIngress",
                                           f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-0abc")])
        context = found[0].context
        self.assertEqual(context["ec2:securitygroupid"], "sg-0abc")
        self.assertEqual(context["ec2:vpc"], f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-9")
        self.assertEqual(context["aws:resourcetag/ecsnet:topology"], "demo")
        self.assertNotIn("aws:resourcetag/other", context)
        self.assertEqual(upstream.calls, [("describe_security_groups", {"GroupIds": ["sg-0abc"]})])

    def test_authorize_egress_tagging_its_rules(self):
        upstream = FakeUpstream()
        request = ec2("AuthorizeSecurityGroupEgress", {
            "GroupId": "sg-0abc", "IpPermissions.1.IpProtocol": "-1",
            "TagSpecification.1.ResourceType": "security-group-rule",
            "TagSpecification.1.Tag.1.Key": "ecsnet:topology", "TagSpecification.1.Tag.1.Value": "demo"})
        rule = f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group-rule/sgr-{PLACEHOLDER}"
        found = checks(request, upstream)
        self.assertEqual(summary(found)[1:], [("ec2:AuthorizeSecurityGroupEgress", rule), ("ec2:CreateTags", rule)])
        self.assertNotIn("aws:requesttag/ecsnet:topology", found[0].context)   # the spec is the rules'
        self.assertEqual(found[2].context["ec2:createaction"], "AuthorizeSecurityGroupEgress")

    def test_group_named_by_name_is_unjudgeable(self):
        with self.assertRaisesRegex(Unjudgeable, "by name"):
            checks(ec2("DeleteSecurityGroup", {"GroupName": "api"}), FakeUpstream())

    def test_unknown_operation_is_unjudgeable(self):
        with self.assertRaisesRegex(Unjudgeable, "RunInstances"):
            checks(ec2("RunInstances", {"ImageId": "ami-1", "MinCount": "1", "MaxCount": "1"}), FakeUpstream())

    def test_describe_takes_any_resource(self):
        found = checks(ec2("DescribeSubnets", {"Filter.1.Name": "vpc-id", "Filter.1.Value.1": "vpc-1"}),
                       FakeUpstream())
        self.assertEqual(summary(found), [("ec2:DescribeSubnets", "*")])


class LoadBalancingRequests(unittest.TestCase):
    def test_create_rule_with_tags(self):
        upstream = FakeUpstream(describe_tags=lambda **kw: {"TagDescriptions": [
            {"ResourceArn": LISTENER, "Tags": [{"Key": "ecsnet:topology", "Value": "demo"}]}]})
        request = elb("CreateRule", {
            "ListenerArn": LISTENER, "Priority": "10",
            "Conditions.member.1.Field": "path-pattern", "Conditions.member.1.Values.member.1": "/api/*",
            "Actions.member.1.Type": "forward", "Actions.member.1.TargetGroupArn": elb_arn("targetgroup/api/1"),
            "Tags.member.1.Key": "ecsnet:topology", "Tags.member.1.Value": "demo"})
        found = checks(request, upstream)
        new_rule = elb_arn(f"listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/{PLACEHOLDER}")
        self.assertEqual(summary(found), [("elasticloadbalancing:CreateRule", LISTENER),
                                          ("elasticloadbalancing:AddTags", new_rule)])
        create, add_tags = found[0].context, found[1].context
        self.assertEqual(create["aws:requesttag/ecsnet:topology"], "demo")
        self.assertEqual(create["aws:tagkeys"], ["ecsnet:topology"])
        self.assertNotIn("elasticloadbalancing:createaction", create)
        self.assertEqual(create["elasticloadbalancing:resourcetag/ecsnet:topology"], "demo")  # the listener's
        self.assertEqual(add_tags["elasticloadbalancing:createaction"], "CreateRule")
        self.assertEqual(add_tags["aws:requesttag/ecsnet:topology"], "demo")
        self.assertNotIn("aws:resourcetag/ecsnet:topology", add_tags)
        self.assertEqual(len(upstream.calls), 1)

    def test_modify_rule_reads_the_rule_tags(self):
        upstream = FakeUpstream(describe_tags=lambda **kw: {"TagDescriptions": [
            {"ResourceArn": kw["ResourceArns"][0], "Tags": [{"Key": "ecsnet:topology", "Value": "other"}]}]})
        request = elb("ModifyRule", {"RuleArn": RULE, "Actions.member.1.Type": "forward",
                                     "Actions.member.1.TargetGroupArn": elb_arn("targetgroup/api/1")})
        found = checks(request, upstream)
        self.assertEqual(summary(found), [("elasticloadbalancing:ModifyRule", RULE)])
        self.assertEqual(found[0].context["aws:resourcetag/ecsnet:topology"], "other")
        self.assertNotIn("aws:tagkeys", found[0].context)
        self.assertEqual(upstream.calls, [("describe_tags", {"ResourceArns": [RULE]})])

    def test_create_load_balancer(self):
        request = elb("CreateLoadBalancer", {"Name": "web", "Scheme": "internal", "Subnets.member.1": "subnet-1",
                                             "SecurityGroups.member.1": "sg-1", "Tags.member.1.Key": "k",
                                             "Tags.member.1.Value": "v"})
        found = checks(request, FakeUpstream())
        load_balancer = elb_arn(f"loadbalancer/app/web/{PLACEHOLDER}")
        role = (f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/elasticloadbalancing.amazonaws.com/"
                "AWSServiceRoleForElasticLoadBalancing")
        self.assertEqual(summary(found), [("elasticloadbalancing:CreateLoadBalancer", load_balancer),
                                          ("elasticloadbalancing:AddTags", load_balancer),
                                          ("iam:CreateServiceLinkedRole", role)])
        self.assertEqual(found[0].context["elasticloadbalancing:scheme"], "internal")
        self.assertEqual(found[0].context["elasticloadbalancing:subnet"], ["subnet-1"])
        self.assertEqual(found[0].context["elasticloadbalancing:securitygroup"], ["sg-1"])
        self.assertEqual(found[2].context["iam:awsservicename"], "elasticloadbalancing.amazonaws.com")


class Route53Requests(unittest.TestCase):
    CHANGES = b"""<?xml version="1.0" encoding="UTF-8"?>
<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes>
<Change><Action>CREATE</Action><ResourceRecordSet><Name>Api.Internal.example.</Name><Type>CNAME</Type><TTL>60</TTL>
<ResourceRecords><ResourceRecord><Value>lb.example.</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>
<Change><Action>DELETE</Action><ResourceRecordSet><Name>*.elsewhere.org</Name><Type>TXT</Type><TTL>60</TTL>
<ResourceRecords><ResourceRecord><Value>"x"</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>
</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>"""

    def test_change_record_sets(self):
        request = route53("ChangeResourceRecordSets", "POST", "/2013-04-01/hostedzone/Z0123/rrset/", self.CHANGES)
        found = checks(request, FakeUpstream())
        self.assertEqual(summary(found), [("route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z0123")])
        context = found[0].context
        self.assertEqual(context["route53:changeresourcerecordsetsnormalizedrecordnames"],
                         ["api.internal.example", "\\052.elsewhere.org"])
        self.assertEqual(context["route53:changeresourcerecordsetsrecordtypes"], ["CNAME", "TXT"])
        self.assertEqual(context["route53:changeresourcerecordsetsactions"], ["CREATE", "DELETE"])
        self.assertEqual(context["aws:requestedregion"], "us-east-1")

    def test_get_hosted_zone(self):
        found = checks(route53("GetHostedZone", "GET", "/2013-04-01/hostedzone/Z0123"), FakeUpstream())
        self.assertEqual(summary(found), [("route53:GetHostedZone", "arn:aws:route53:::hostedzone/Z0123")])

    def test_get_change(self):
        found = checks(route53("GetChange", "GET", "/2013-04-01/change/C42"), FakeUpstream())
        self.assertEqual(summary(found), [("route53:GetChange", "arn:aws:route53:::change/C42")])

    def test_private_zone_needs_describe_vpcs(self):
        body = b"""<?xml version="1.0" encoding="UTF-8"?>
<CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Name>internal.example</Name>
<VPC><VPCRegion>eu-west-1</VPCRegion><VPCId>vpc-1</VPCId></VPC><CallerReference>r1</CallerReference>
</CreateHostedZoneRequest>"""
        found = checks(route53("CreateHostedZone", "POST", "/2013-04-01/hostedzone", body), FakeUpstream())
        self.assertEqual(summary(found), [("route53:CreateHostedZone", "*"), ("ec2:DescribeVpcs", "*")])
        self.assertEqual(found[0].context["route53:vpcs"], ["VPCId=vpc-1,VPCRegion=eu-west-1"])

    def test_normalized_names(self):
        normalize = iam_requests.normalized_record_name
        self.assertEqual(normalize("WWW.Example.COM."), "www.example.com")
        self.assertEqual(normalize("a\\056b.example"), "a\\056b.example")
        self.assertEqual(normalize("\\101pi.example"), "api.example")
        self.assertEqual(normalize("_srv._tcp.x"), "_srv._tcp.x")


class EcsAndCloudMapRequests(unittest.TestCase):
    SERVICE = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/main/api"

    def test_update_service_with_cluster_name_or_arn(self):
        for cluster in ("main", f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/main"):
            upstream = FakeUpstream(list_tags_for_resource=lambda **kw: {"tags": [{"key": "team", "value": "a"}]})
            request = ecs("UpdateService", {"cluster": cluster, "service": "api", "taskDefinition": "api:3",
                                            "enableExecuteCommand": False})
            found = checks(request, upstream)
            self.assertEqual(summary(found), [("ecs:UpdateService", self.SERVICE)])
            context = found[0].context
            self.assertEqual(context["ecs:cluster"], f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/main")
            self.assertEqual(context["ecs:task-definition"], f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/api:3")
            self.assertIs(context["ecs:enable-execute-command"], False)
            self.assertEqual(context["aws:resourcetag/team"], "a")
            self.assertEqual(upstream.calls, [("list_tags_for_resource", {"resourceArn": self.SERVICE})])

    def test_cloud_map_create_service_with_tags(self):
        request = cloud_map("CreateService", {"Name": "api", "NamespaceId": "ns-abc", "CreatorRequestId": "r",
                                              "Tags": [{"Key": "ecsnet:topology", "Value": "demo"}]})
        found = checks(request, FakeUpstream())
        namespace = f"arn:aws:servicediscovery:{REGION}:{ACCOUNT}:namespace/ns-abc"
        self.assertEqual(summary(found), [
            ("servicediscovery:CreateService", namespace),
            ("servicediscovery:CreateService",
             f"arn:aws:servicediscovery:{REGION}:{ACCOUNT}:service/srv-{PLACEHOLDER}")])
        for check in found:
            self.assertEqual(check.context["aws:requesttag/ecsnet:topology"], "demo")
            self.assertEqual(check.context["servicediscovery:namespacearn"], namespace)

    def test_tagging_a_namespace_is_judged_on_it_with_the_request_tags(self):
        namespace = f"arn:aws:servicediscovery:{REGION}:{ACCOUNT}:namespace/ns-abc"
        upstream = FakeUpstream(list_tags_for_resource=lambda **kw: {"Tags": [{"Key": "team", "Value": "x"}]})
        tagging, = checks(cloud_map("TagResource", {"ResourceARN": namespace,
                                                    "Tags": [{"Key": "ecsnet:topology", "Value": "demo"}]}), upstream)
        # The SAR gives servicediscovery:TagResource no resource type: Resource "*", no resource tags in context.
        self.assertEqual((tagging.action, tagging.resource), ("servicediscovery:TagResource", "*"))
        self.assertEqual(tagging.context["aws:requesttag/ecsnet:topology"], "demo")
        self.assertEqual(tagging.context["aws:tagkeys"], ["ecsnet:topology"])
        self.assertIsNone(tagging.context.get("aws:resourcetag/team"))
        self.assertEqual(upstream.calls, [])

    def test_deregister_instance_needs_the_health_check_actions_the_permissions_reference_lists(self):
        for config, expected in (({}, 4), ({"HealthCheckConfig": {"Type": "HTTP"}}, 4)):
            upstream = FakeUpstream(get_service=lambda config=config, **kw: {"Service": {"Id": kw["Id"], **config}})
            found = checks(cloud_map("DeregisterInstance", {"ServiceId": "srv-1", "InstanceId": "i-1"}), upstream)
            self.assertEqual(len(found), expected)
            self.assertEqual(found[0].context["servicediscovery:servicearn"],
                             f"arn:aws:servicediscovery:{REGION}:{ACCOUNT}:service/srv-1")
        self.assertEqual([c.action for c in found[1:]],
                         ["route53:GetHealthCheck", "route53:DeleteHealthCheck", "route53:UpdateHealthCheck"])

    def test_keys_only_where_the_reference_lists_them(self):
        upstream = FakeUpstream()
        service = f"arn:aws:servicediscovery:{REGION}:{ACCOUNT}:service/srv-1"
        get, = checks(cloud_map("GetService", {"Id": "srv-1"}), upstream)
        listing, = checks(cloud_map("ListInstances", {"ServiceId": "srv-1"}), upstream)
        self.assertEqual((get.resource, listing.resource), (service, service))
        self.assertNotIn("servicediscovery:servicearn", get.context)       # GetService's action row lists no key
        self.assertEqual(upstream.calls, [])
        # The Resource types table gives a Cloud Map service aws:ResourceTag: read when a policy asks for it.
        self.assertNotIn("aws:resourcetag/team", get.context)
        self.assertEqual(upstream.calls[0][0], "list_tags_for_resource")
        self.assertEqual(listing.context["servicediscovery:servicearn"], service)
        body = b"""<?xml version="1.0" encoding="UTF-8"?>
<ChangeTagsForResourceRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><AddTags><Tag><Key>k</Key>
<Value>v</Value></Tag></AddTags></ChangeTagsForResourceRequest>"""
        tagging, = checks(route53("ChangeTagsForResource", "POST", "/2013-04-01/tags/hostedzone/Z1", body), upstream)
        self.assertEqual(tagging.resource, "arn:aws:route53:::hostedzone/Z1")
        self.assertNotIn("aws:requesttag/k", tagging.context)               # Route 53 lists no tag keys
        self.assertNotIn("aws:tagkeys", tagging.context)

    def test_private_namespace_needs_route53_and_ec2(self):
        request = cloud_map("CreatePrivateDnsNamespace", {"Name": "internal.example", "Vpc": "vpc-1",
                                                          "CreatorRequestId": "r"})
        self.assertEqual([c.action for c in checks(request, FakeUpstream())], [
            "servicediscovery:CreatePrivateDnsNamespace", "route53:CreateHostedZone", "route53:GetHostedZone",
            "route53:ListHostedZonesByName", "ec2:DescribeVpcs", "ec2:DescribeRegions"])


class EveryOperationCovered(unittest.TestCase):
    PREFIXES = {"Ec2": "ec2", "Elb": "elasticloadbalancing", "Route53": "route53", "Discovery": "servicediscovery",
                "Ecs": "ecs", "Lattice": "vpc-lattice"}
    ALSO = [("elasticloadbalancing", "DescribeTargetHealth"), ("ecs", "ListServices"), ("ecs", "DescribeClusters"),
            ("ec2", "DescribeTags"), ("ec2", "DescribeNetworkInterfaces"), ("ec2", "DescribeAvailabilityZones"),
            ("route53", "GetHostedZone"), ("route53", "ListTagsForResource"), ("route53", "ListTagsForResources"),
            ("route53", "GetChange"), ("servicediscovery", "GetNamespace"), ("servicediscovery", "ListTagsForResource"),
            ("servicediscovery", "GetOperation"), ("servicediscovery", "ListOperations")]

    def test_operations_rs(self):
        with open(os.path.join(ROOT, "src", "iam", "operations.rs"), encoding="utf-8") as handle:
            found = re.findall(r'op\(\s*(\w+),\s*"(\w+)"', handle.read())
        self.assertGreater(len(found), 60)
        missing = [(client, name) for client, name in found if not covered(self.PREFIXES[client], name)]
        self.assertEqual(missing, [])
        self.assertEqual([pair for pair in self.ALSO if not covered(*pair)], [])

    def test_every_action_is_in_the_reference(self):
        from aws_rules.iam import definitions
        for service, operation in iam_requests.BUILDERS:
            self.assertTrue(definitions.known(f"{service}:{operation}"), (service, operation))


class CountingUpstream(Upstream):
    def __init__(self, endpoint):
        super().__init__(endpoint)
        self.calls = 0

    def client(self, service, region="us-east-1"):
        real = super().client(service, region)
        owner = self

        class Counted:
            def __getattr__(self, name):
                method = getattr(real, name)

                def call(**kwargs):
                    owner.calls += 1
                    return method(**kwargs)
                return call
        return Counted()


class AgainstMoto(unittest.TestCase):
    """Resource tags read from a real moto (the tests' shared emulator, tests/emulator.py)."""

    @classmethod
    def setUpClass(cls):
        cls.endpoint = emulator.upstream()

    def client(self, name):
        import boto3
        return boto3.client(name, region_name="us-east-1", endpoint_url=self.endpoint, aws_access_key_id="test",
                            aws_secret_access_key="test")

    def test_tags_of_a_target_group_and_a_security_group(self):
        ec2_client, elbv2 = self.client("ec2"), self.client("elbv2")
        name = f"tagged-{uuid.uuid4().hex[:10]}"   # the emulator is shared: names of this run's own
        vpc = ec2_client.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        group = ec2_client.create_security_group(
            GroupName=name, Description="d", VpcId=vpc,
            TagSpecifications=[{"ResourceType": "security-group",
                                "Tags": [{"Key": "team", "Value": "blue"}]}])["GroupId"]
        target_group = elbv2.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=vpc,
                                                 Tags=[{"Key": "team", "Value": "green"}])["TargetGroups"][0]
        upstream = CountingUpstream(self.endpoint)
        found = checks(elb("ModifyTargetGroup", {"TargetGroupArn": target_group["TargetGroupArn"],
                                                 "HealthCheckPath": "/h"}, "us-east-1"), upstream)
        self.assertEqual(found[0].context["aws:resourcetag/team"], "green")
        self.assertEqual(found[0].context["elasticloadbalancing:resourcetag/team"], "green")
        self.assertEqual(upstream.calls, 1)
        found = checks(ec2("DeleteSecurityGroup", {"GroupId": group}, "us-east-1"), upstream)
        self.assertEqual(found[0].context["ec2:resourcetag/team"], "blue")
        self.assertEqual(found[0].context["ec2:vpc"], f"arn:aws:ec2:us-east-1:{ACCOUNT}:vpc/{vpc}")
        self.assertNotIn("aws:resourcetag/absent", found[0].context)
        self.assertEqual(upstream.calls, 2)
        gone = checks(ec2("DeleteSecurityGroup", {"GroupId": "sg-0000000000000dead"}, "us-east-1"), upstream)
        self.assertNotIn("aws:resourcetag/team", gone[0].context)


if __name__ == "__main__":
    unittest.main()
