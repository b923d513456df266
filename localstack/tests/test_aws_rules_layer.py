"""The AWS-rules layer's dispatch (aws_rules/layer.py): each rule is consulted, before and after the emulator, only
for the requests its declared `applies_to` matches (aws_rules/core.py: `on`, `Requests`). No emulator:

    ../.emulator/venv/bin/python -m unittest tests.test_aws_rules_layer      (from localstack/; needs botocore)
"""
import unittest

from aws_rules import core, layer


def request(service, operation, body=b""):
    return core.Request(service, operation, "query", "POST", "/", {}, body)


class Recording(core.Rule):
    """Records what the layer asks it; refuses every request it is consulted about."""

    def __init__(self, applies_to):
        self.applies_to = applies_to
        self.name = "recording"
        self.checked, self.observed = [], []

    def check(self, request, upstream):
        self.checked.append(request.operation)
        return core.Refusal("Refused", "by the recording rule")

    def observe(self, request, status, body):
        self.observed.append(request.operation)
        return b"rewritten"


class AppliesTo(unittest.TestCase):
    def test_a_service_and_its_named_operations(self):
        about = core.on("ecs", "CreateService", "UpdateService")
        self.assertTrue(about.matches(request("ecs", "UpdateService")))
        self.assertFalse(about.matches(request("ecs", "DescribeServices")))
        self.assertFalse(about.matches(request("servicediscovery", "CreateService")))

    def test_no_operation_named_is_every_operation_of_the_service(self):
        self.assertTrue(core.on("route53").matches(request("route53", "GetChange")))
        self.assertFalse(core.on("route53").matches(request("ec2", "DescribeVpcs")))

    def test_where_narrows_it_and_either_side_of_a_union_matches(self):
        elbv2 = core.on("elasticloadbalancing", "DescribeTags", where=core.is_elbv2)
        self.assertTrue(elbv2.matches(request("elasticloadbalancing", "DescribeTags", b"Version=2015-12-01")))
        self.assertTrue(elbv2.matches(request("elasticloadbalancing", "DescribeTags")))   # no Version: ELBv2's
        self.assertFalse(elbv2.matches(request("elasticloadbalancing", "DescribeTags", b"Version=2012-06-01")))
        either = core.on("ec2", "DeleteSecurityGroup") | core.on("elasticloadbalancing", "DeleteLoadBalancer")
        self.assertTrue(either.matches(request("ec2", "DeleteSecurityGroup")))
        self.assertTrue(either.matches(request("elasticloadbalancing", "DeleteLoadBalancer")))
        self.assertFalse(either.matches(request("ec2", "DeleteVpc")))

    def test_every_request_is_the_default(self):
        self.assertTrue(core.Rule().applies(request("s3", "GetObject")))


class Dispatch(unittest.TestCase):
    def test_the_layer_consults_a_rule_only_about_the_requests_it_applies_to(self):
        rule = Recording(core.on("ecs", "UpdateService"))
        rules = layer.Layer("http://127.0.0.1:9", rules=[rule])
        self.assertIsNone(rules.check(request("ecs", "DescribeServices")))
        self.assertEqual(rules.observe(request("ecs", "DescribeServices"), 200, b"answer"), b"answer")
        self.assertEqual(rules.check(request("ecs", "UpdateService")).code, "Refused")
        self.assertEqual(rules.observe(request("ecs", "UpdateService"), 200, b"answer"), b"rewritten")
        self.assertEqual((rule.checked, rule.observed), (["UpdateService"], ["UpdateService"]))
        self.assertEqual(rules.stats(), {"recording": 1})

    def test_a_failing_applies_to_is_the_layers_bug_not_a_pass(self):
        def broken(request):
            raise KeyError("where")
        rules = layer.Layer("http://127.0.0.1:9", rules=[Recording(core.on("ecs", where=broken))])
        refusal = rules.check(request("ecs", "UpdateService"))
        self.assertEqual((refusal.code, refusal.status), ("AwsRulesLayerBug", 500))

    def test_every_rule_of_a_kind_declares_the_service_it_is_about(self):
        """Only authentication, the request shapes and authorization look at every request; every other rule names
        its service (and mostly its operations) once, in applies_to, instead of testing the request in check."""
        everywhere = {"iam-authentication", "request-shapes", "iam-authorization"}
        for rule in layer.default_rules(core.Config()):
            parts = getattr(rule.applies_to, "parts", (rule.applies_to,))
            if rule.name in everywhere:
                self.assertEqual(rule.applies_to, core.EVERY_REQUEST, rule.name)
            else:
                self.assertTrue(all(part.service for part in parts), rule.name)


if __name__ == "__main__":
    unittest.main()
