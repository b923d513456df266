"""Tests of IAM policy evaluation (aws_rules/iam/evaluate.py) against the IAM User Guide's own examples:

    ../.emulator/venv/bin/python -m unittest tests.test_iam_evaluate      (from localstack/; stdlib only)
"""
import sys
import time
import unittest

from aws_rules.iam.evaluate import MANAGED_POLICY_QUOTA, evaluate, size, validate

GUIDE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"


def policy(*statements, version="2012-10-17"):
    return {"Version": version, "Statement": list(statements)}


def allowed(document, action, resource="*", **context):
    """One policy, context given as lower-cased key names (`aws_tagkeys` style is not used: pass a dict)."""
    return evaluate({"p": document}, action, resource, context.get("ctx", {})).allowed


class EvaluationLogic(unittest.TestCase):
    def test_explicit_deny_beats_allow(self):
        """reference_policies_evaluation-logic.html: an explicit Deny in any policy overrides an Allow."""
        allow = policy({"Sid": "All", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"})
        deny = policy({"Sid": "NoTerminate", "Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*"})
        decision = evaluate({"allow": allow, "deny": deny}, "ec2:TerminateInstances", "*", {})
        self.assertFalse(decision.allowed)
        self.assertTrue(decision.explicit_deny)
        self.assertEqual([(g.policy, g.sid) for g in decision.denials], [("deny", "NoTerminate")])
        self.assertEqual([(g.policy, g.sid, g.action) for g in decision.grants], [("allow", "All", "ec2:*")])
        self.assertTrue(evaluate({"allow": allow, "deny": deny}, "ec2:RunInstances", "*", {}).allowed)

    def test_implicit_deny_names_each_statement(self):
        """reference_policies_evaluation-logic.html: without an Allow the request is implicitly denied."""
        document = policy({"Sid": "Read", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
                          {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
        decision = evaluate({"p": document}, "ec2:CreateTags", "arn:aws:ec2:us-east-1:1:vpc/vpc-1", {})
        self.assertFalse(decision.allowed)
        self.assertFalse(decision.explicit_deny)
        self.assertIn("no statement allows ec2:CreateTags", decision.reason)
        self.assertIn("statement Read: action not matched", decision.reason)
        self.assertIn("statement #1: action not matched", decision.reason)
        self.assertFalse(evaluate({}, "ec2:DescribeVpcs", "*", {}).allowed)

    def test_action_case_insensitive_with_wildcards(self):
        """reference_policies_elements_action.html: action names are case-insensitive; `*` and `?` anywhere."""
        document = policy({"Effect": "Allow", "Action": ["EC2:describe*", "elasticloadbalancing:?reateRule"],
                           "Resource": "*"})
        self.assertTrue(allowed(document, "ec2:DescribeVpcs"))
        self.assertTrue(allowed(document, "elasticloadbalancing:CreateRule"))
        self.assertFalse(allowed(document, "ec2:CreateVpc"))
        self.assertFalse(allowed(document, "ec2-describe:x"))

    def test_not_action_with_allow(self):
        """reference_policies_elements_notaction.html: Allow + NotAction "iam:*" allows everything but IAM."""
        document = policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
        decision = evaluate({"p": document}, "ec2:RunInstances", "*", {})
        self.assertTrue(decision.allowed)
        self.assertEqual(decision.grants[0].action, "NotAction")
        self.assertFalse(allowed(document, "iam:CreateUser"))

    def test_not_action_with_deny(self):
        """reference_policies_elements_notaction.html: Deny + NotAction denies all but the listed actions (the
        guide's MFA example: BoolIfExists aws:MultiFactorAuthPresent false)."""
        documents = {
            "allow": policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
            "deny": policy({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
                            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}),
        }
        self.assertFalse(evaluate(documents, "ec2:RunInstances", "*", {}).allowed)  # key absent: IfExists holds
        self.assertFalse(evaluate(documents, "ec2:RunInstances", "*", {"aws:multifactorauthpresent": False}).allowed)
        self.assertTrue(evaluate(documents, "ec2:RunInstances", "*", {"aws:multifactorauthpresent": True}).allowed)
        self.assertTrue(evaluate(documents, "iam:ListUsers", "*", {}).allowed)

    def test_not_resource(self):
        """reference_policies_elements_notresource.html: Allow s3:* on everything except the Payroll folder."""
        document = policy({"Effect": "Allow", "Action": "s3:*",
                           "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]})
        self.assertTrue(allowed(document, "s3:GetObject", "arn:aws:s3:::HRBucket/Other/a"))
        self.assertFalse(allowed(document, "s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/a"))
        self.assertFalse(allowed(document, "s3:ListBucket", "arn:aws:s3:::HRBucket/Payroll"))

    def test_arn_wildcards_per_component(self):
        """reference_policies_elements_resource.html: wildcards within ARN components; the action without a
        resource (`*` in the request) is matched only by Resource "*"."""
        document = policy({"Effect": "Allow", "Action": "ec2:*", "Resource": "arn:aws:ec2:*:*:security-group/*"})
        self.assertTrue(allowed(document, "ec2:DeleteSecurityGroup", "arn:aws:ec2:eu-west-1:123:security-group/sg-1"))
        self.assertFalse(allowed(document, "ec2:DeleteSecurityGroup", "arn:aws:ec2:eu-west-1:123:vpc/vpc-1"))
        self.assertFalse(allowed(document, "ec2:DescribeVpcs", "*"))
        regional = policy({"Effect": "Allow", "Action": "ec2:*", "Resource": "arn:aws:ec2:us-?ast-1:*:*"})
        self.assertTrue(allowed(regional, "ec2:X", "arn:aws:ec2:us-east-1:1:vpc/v"))
        self.assertFalse(allowed(regional, "ec2:X", "arn:aws:ec2:eu-west-1:1:vpc/v"))
        # the `?` in a component does not swallow the colon of the next one
        self.assertFalse(allowed(policy({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:ec2:us-east-?:1:*"}),
                                 "ec2:X", "arn:aws:ec2:us-east-:1:x:vpc/v"))
        # the resource component keeps its own colons (ECS service ARNs have none, Route 53 none; a log group has)
        logs = policy({"Effect": "Allow", "Action": "logs:*", "Resource": "arn:aws:logs:*:*:log-group:app:*"})
        self.assertTrue(allowed(logs, "logs:PutLogEvents", "arn:aws:logs:us-east-1:1:log-group:app:log-stream:x"))
        self.assertTrue(allowed(policy({"Effect": "Allow", "Action": "*", "Resource": "*"}), "ec2:X", "*"))


class Conditions(unittest.TestCase):
    MULTI = GUIDE + "reference_policies_condition-logic-multiple-context-keys-or-values.html"

    def test_values_or_keys_and_operators_and(self):
        """reference_policies_condition-logic-multiple-context-keys-or-values.html: values of one key are OR'ed,
        keys of one operator AND'ed, operators AND'ed (the page's aws:PrincipalTag + ArnLike example)."""
        document = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {
            "StringEquals": {"aws:PrincipalTag/department": ["finance", "hr", "legal"],
                             "aws:PrincipalTag/role": ["audit", "security"]},
            "ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::222222222222:user/Ana",
                                             "arn:aws:iam::222222222222:user/Mary"]}}})
        good = {"aws:principaltag/department": "hr", "aws:principaltag/role": "audit",
                "aws:principalarn": "arn:aws:iam::222222222222:user/Mary"}
        self.assertTrue(allowed(document, "s3:GetObject", ctx=good))
        self.assertFalse(allowed(document, "s3:GetObject", ctx={**good, "aws:principaltag/role": "dev"}))
        self.assertFalse(allowed(document, "s3:GetObject",
                                 ctx={**good, "aws:principalarn": "arn:aws:iam::222222222222:user/Bob"}))

    def test_negated_values_are_nored_and_missing_key_matches(self):
        """Same page ("negated matching condition operators": NOR) and reference_policies_elements_condition_
        operators.html "Important": a missing key makes a negated operator true."""
        document = policy({"Effect": "Allow", "Action": "*", "Resource": "*",
                           "Condition": {"StringNotEquals": {"aws:PrincipalTag/department": ["finance", "hr"]}}})
        self.assertTrue(allowed(document, "s3:X", ctx={"aws:principaltag/department": "legal"}))
        self.assertFalse(allowed(document, "s3:X", ctx={"aws:principaltag/department": "hr"}))
        self.assertTrue(allowed(document, "s3:X"))
        positive = policy({"Effect": "Allow", "Action": "*", "Resource": "*",
                           "Condition": {"StringEquals": {"aws:PrincipalTag/department": "hr"}}})
        decision = evaluate({"p": positive}, "s3:X", "*", {})
        self.assertFalse(decision.allowed)
        self.assertIn("context has no such key", decision.reason)

    def test_for_all_values_empty_and_missing(self):
        """reference_policies_condition-single-vs-multi-valued-context-keys.html: ForAllValues is true when every
        request value matches, and also when the key is missing or its set is empty."""
        document = policy({"Effect": "Allow", "Action": "*", "Resource": "*",
                           "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}})
        self.assertTrue(allowed(document, "x:Y", ctx={"aws:tagkeys": ["environment"]}))
        self.assertTrue(allowed(document, "x:Y", ctx={"aws:tagkeys": ["environment", "cost-center"]}))
        self.assertFalse(allowed(document, "x:Y", ctx={"aws:tagkeys": ["environment", "owner"]}))
        self.assertTrue(allowed(document, "x:Y", ctx={"aws:tagkeys": []}))
        self.assertTrue(allowed(document, "x:Y"))

    def test_for_any_value(self):
        """Same page, ForAnyValue: true if any request value matches a policy value; false when the key is missing
        (the guide's Deny ForAnyValue:StringLike example on requested attributes)."""
        documents = {"allow": policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
                     "deny": policy({"Effect": "Deny", "Action": "dynamodb:PutItem", "Resource": "*", "Condition": {
                         "ForAnyValue:StringLike": {"dynamodb:Attributes": ["ID", "PostDateTime"]}}})}
        self.assertFalse(evaluate(documents, "dynamodb:PutItem", "*",
                                  {"dynamodb:attributes": ["UserName", "Message", "PostDateTime"]}).allowed)
        self.assertTrue(evaluate(documents, "dynamodb:PutItem", "*", {"dynamodb:attributes": ["UserName"]}).allowed)
        self.assertTrue(evaluate(documents, "dynamodb:PutItem", "*", {}).allowed)
        self.assertTrue(evaluate(documents, "dynamodb:PutItem", "*", {"dynamodb:attributes": []}).allowed)

    def test_single_valued_operator_on_multivalued_key(self):
        """reference_policies_condition-single-vs-multi-valued-context-keys.html: "Multivalued context keys require
        a condition set operator"; without one the condition does not hold here (and the reason says so)."""
        document = policy({"Effect": "Allow", "Action": "*", "Resource": "*",
                           "Condition": {"StringEquals": {"aws:TagKeys": "environment"}}})
        decision = evaluate({"p": document}, "x:Y", "*", {"aws:tagkeys": ["environment"]})
        self.assertFalse(decision.allowed)
        self.assertIn("needs ForAllValues/ForAnyValue", decision.reason)

    def test_if_exists(self):
        """reference_policies_elements_condition_operators.html, "...IfExists": the guide's StringLikeIfExists
        ec2:InstanceType example holds when the key is absent and tests it when present."""
        document = policy({"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
                           "Condition": {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}})
        self.assertTrue(allowed(document, "ec2:RunInstances", ctx={"ec2:instancetype": "t2.micro"}))
        self.assertFalse(allowed(document, "ec2:RunInstances", ctx={"ec2:instancetype": "m5.large"}))
        self.assertTrue(allowed(document, "ec2:RunInstances"))

    def test_null(self):
        """Operators page, "Condition operator to check existence of condition keys": Null true wants the key
        absent (the guide's aws:TokenIssueTime example), false wants it present."""
        absent = policy({"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
                         "Condition": {"Null": {"aws:TokenIssueTime": "true"}}})
        self.assertTrue(allowed(absent, "ec2:X"))
        self.assertFalse(allowed(absent, "ec2:X", ctx={"aws:tokenissuetime": "2024-01-01T00:00:00Z"}))
        present = policy({"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
                          "Condition": {"Null": {"aws:ResourceTag/ecsnet:topology": "false"}}})
        self.assertTrue(allowed(present, "ec2:X", ctx={"aws:resourcetag/ecsnet:topology": "t"}))
        self.assertFalse(allowed(present, "ec2:X"))

    def test_bool(self):
        """Operators page, "Boolean condition operators": the guide's Deny when aws:SecureTransport is false."""
        documents = {"allow": policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
                     "deny": policy({"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                                     "Condition": {"Bool": {"aws:SecureTransport": "false"}}})}
        self.assertFalse(evaluate(documents, "s3:GetObject", "*", {"aws:securetransport": False}).allowed)
        self.assertFalse(evaluate(documents, "s3:GetObject", "*", {"aws:securetransport": "False"}).allowed)
        self.assertTrue(evaluate(documents, "s3:GetObject", "*", {"aws:securetransport": True}).allowed)

    def test_numeric(self):
        """Operators page, "Numeric condition operators": the guide's NumericLessThanEquals s3:max-keys 10."""
        document = policy({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket",
                           "Condition": {"NumericLessThanEquals": {"s3:max-keys": "10"}}})
        bucket = "arn:aws:s3:::amzn-s3-demo-bucket"
        self.assertTrue(allowed(document, "s3:ListBucket", bucket, ctx={"s3:max-keys": 10}))
        self.assertTrue(allowed(document, "s3:ListBucket", bucket, ctx={"s3:max-keys": "2"}))
        self.assertFalse(allowed(document, "s3:ListBucket", bucket, ctx={"s3:max-keys": 11}))
        self.assertFalse(allowed(document, "s3:ListBucket", bucket, ctx={"s3:max-keys": "many"}))

    def test_date_and_ip(self):
        """Operators page, "Date condition operators" and "IP address condition operators"."""
        document = policy({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
            "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
            "IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}})
        self.assertTrue(allowed(document, "x:Y", ctx={"aws:currenttime": "2026-06-01T00:00:00Z",
                                                      "aws:sourceip": "203.0.113.7"}))
        self.assertFalse(allowed(document, "x:Y", ctx={"aws:currenttime": "2031-06-01T00:00:00Z",
                                                       "aws:sourceip": "203.0.113.7"}))
        self.assertFalse(allowed(document, "x:Y", ctx={"aws:currenttime": "2026-06-01T00:00:00Z",
                                                       "aws:sourceip": "198.51.100.1"}))

    def test_tag_on_create(self):
        """access_tags.html, "Controlling access during AWS requests": ec2:CreateTags only with environment=preprod
        or production, and ForAllValues:StringEquals aws:TagKeys "environment"."""
        document = policy({"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "arn:aws:ec2:*:*:instance/*",
                           "Condition": {"StringEquals": {"aws:RequestTag/environment": ["preprod", "production"]},
                                         "ForAllValues:StringEquals": {"aws:TagKeys": "environment"}}})
        instance = "arn:aws:ec2:us-east-1:123456789012:instance/i-1"
        ok = {"aws:requesttag/environment": "preprod", "aws:tagkeys": ["environment"]}
        self.assertTrue(allowed(document, "ec2:CreateTags", instance, ctx=ok))
        self.assertFalse(allowed(document, "ec2:CreateTags", instance,
                                 ctx={**ok, "aws:requesttag/environment": "dev"}))
        self.assertFalse(allowed(document, "ec2:CreateTags", instance,
                                 ctx={**ok, "aws:tagkeys": ["environment", "Environment"]}))
        self.assertFalse(allowed(document, "ec2:CreateTags", instance, ctx={"aws:tagkeys": ["environment"]}))

    def test_key_names_case_insensitive_values_case_sensitive(self):
        """access_tags.html ("condition key names are not case-sensitive": Owner matches owner) and the operators
        page (StringEquals is case-sensitive; StringEqualsIgnoreCase is not)."""
        document = policy({"Sid": "OwnedByTopology", "Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
                           "Condition": {"StringEquals": {"aws:ResourceTag/ecsnet:Topology": "y"}}})
        decision = evaluate({"p": document}, "ec2:CreateTags", "arn:aws:ec2:r:1:vpc/v",
                            {"aws:resourcetag/ecsnet:topology": "x"})
        self.assertFalse(decision.allowed)
        self.assertIn("statement OwnedByTopology: condition StringEquals aws:ResourceTag/ecsnet:Topology: "
                      "context has 'x', policy wants 'y'", decision.reason)
        self.assertTrue(allowed(document, "ec2:CreateTags", ctx={"aws:resourcetag/ecsnet:topology": "y"}))
        self.assertFalse(allowed(document, "ec2:CreateTags", ctx={"aws:resourcetag/ecsnet:topology": "Y"}))
        ignoring = policy({"Effect": "Allow", "Action": "*", "Resource": "*",
                           "Condition": {"StringEqualsIgnoreCase": {"aws:ResourceTag/team": "Blue"}}})
        self.assertTrue(allowed(ignoring, "x:Y", ctx={"aws:resourcetag/team": "BLUE"}))

    def test_only_named_keys_are_read(self):
        """The layer's context is lazy (resource tags fetched on access): only keys conditions name are read, with
        lower-cased names, each once."""
        reads = []

        class Lazy(dict):
            def get(self, key, default=None):
                reads.append(key)
                return super().get(key, default)

        document = policy({"Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Condition": {
            "StringEquals": {"aws:ResourceTag/A": "1"}, "StringLike": {"AWS:RESOURCETAG/a": "1*"}}},
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
             "Condition": {"Null": {"aws:ResourceTag/B": "true"}}})
        context = Lazy({"aws:resourcetag/a": "1", "unused": "x"})
        self.assertTrue(evaluate({"p": document}, "ec2:X", "*", context).allowed)
        self.assertEqual(reads, ["aws:resourcetag/a"])

    def test_unknown_operator_raises(self):
        """An operator IAM does not know cannot be in an attached policy: evaluate() says so loudly."""
        document = policy({"Effect": "Allow", "Action": "*", "Resource": "*",
                           "Condition": {"StringEqualz": {"aws:TagKeys": "x"}}})
        with self.assertRaises(ValueError):
            evaluate({"p": document}, "x:Y", "*", {})


class Variables(unittest.TestCase):
    def test_username_in_resource(self):
        """reference_policies_variables.html: the guide's arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*."""
        document = policy({"Effect": "Allow", "Action": "s3:GetObject",
                           "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*"})
        ctx = {"aws:username": "richard-roe"}
        self.assertTrue(allowed(document, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/richard-roe/a", ctx=ctx))
        self.assertFalse(allowed(document, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/mary/a", ctx=ctx))
        # unresolvable ("Policy variables with no value"): the value matches nothing
        self.assertFalse(allowed(document, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/richard-roe/a"))

    def test_principal_tag_in_condition_and_default(self):
        """reference_policies_variables.html: tags as variables (access_tags.html's Owner = ${aws:username}) and
        "Specifying default values"."""
        document = policy({"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*",
                           "Condition": {"StringEquals": {"ec2:ResourceTag/Owner": "${aws:username}"},
                                         "StringLike": {"aws:ResourceTag/team": "${aws:PrincipalTag/team, 'none'}"}}})
        ctx = {"aws:username": "richard-roe", "ec2:resourcetag/owner": "richard-roe", "aws:resourcetag/team": "none"}
        self.assertTrue(allowed(document, "ec2:StartInstances", ctx=ctx))
        self.assertFalse(allowed(document, "ec2:StartInstances", ctx={**ctx, "aws:principaltag/team": "blue"}))
        self.assertFalse(allowed(document, "ec2:StartInstances", ctx={**ctx, "ec2:resourcetag/owner": "mary"}))

    def test_escapes_are_literal(self):
        """reference_policies_variables.html, "Special characters": ${*}, ${?}, ${$} are the characters themselves,
        not wildcards."""
        document = policy({"Effect": "Allow", "Action": "*", "Resource": "*",
                           "Condition": {"StringLike": {"s3:prefix": "a${*}b${?}c${$}*"}}})
        self.assertTrue(allowed(document, "s3:ListBucket", ctx={"s3:prefix": "a*b?c$anything"}))
        self.assertFalse(allowed(document, "s3:ListBucket", ctx={"s3:prefix": "axxbyc$"}))

    def test_multivalued_key_is_not_a_variable(self):
        """Single-vs-multi page: a multivalued context key cannot be a policy variable."""
        document = policy({"Effect": "Allow", "Action": "*", "Resource": "*",
                           "Condition": {"StringEquals": {"aws:RequestTag/k": "${aws:TagKeys}"}}})
        self.assertFalse(allowed(document, "x:Y", ctx={"aws:tagkeys": ["k"], "aws:requesttag/k": "k"}))

    def test_version_2008_keeps_text_literal(self):
        """reference_policies_elements_version.html: variables need Version 2012-10-17; under 2008-10-17 they are
        literal strings."""
        document = policy({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:username}"},
                          version="2008-10-17")
        self.assertTrue(allowed(document, "s3:GetObject", "arn:aws:s3:::b/${aws:username}", ctx={"aws:username": "u"}))
        self.assertFalse(allowed(document, "s3:GetObject", "arn:aws:s3:::b/u", ctx={"aws:username": "u"}))


class Validate(unittest.TestCase):
    GOOD = {"Sid": "A1", "Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"}

    def problems(self, **changes):
        statement = {**self.GOOD, **changes}
        return validate(policy({k: v for k, v in statement.items() if v is not None}))

    def test_good_documents(self):
        """reference_policies_grammar.html: a minimal valid identity-based policy; Statement may be one object."""
        self.assertEqual(validate(policy(self.GOOD)), [])
        self.assertEqual(validate({"Version": "2012-10-17", "Statement": self.GOOD}), [])
        self.assertEqual(validate({"Statement": [self.GOOD]}), [])  # Version absent: 2008-10-17 by default

    def test_each_malformed_case(self):
        """Each case IAM refuses with MalformedPolicyDocument (grammar and element pages)."""
        cases = {
            "version": validate({"Version": "2012-10-18", "Statement": [self.GOOD]}),
            "top-level": validate({"Version": "2012-10-17", "Statement": [self.GOOD], "Extra": 1}),
            "no statement": validate({"Version": "2012-10-17"}),
            "statement type": validate({"Version": "2012-10-17", "Statement": "x"}),
            "effect": self.problems(Effect="allow"),
            "no action": self.problems(Action=None),
            "both actions": self.problems(NotAction="s3:*"),
            "no resource": self.problems(Resource=None),
            "both resources": self.problems(NotResource="*"),
            "principal": self.problems(Principal={"AWS": "*"}),
            "sid chars": self.problems(Sid="has space"),
            "action format": self.problems(Action="DescribeVpcs"),
            "action type": self.problems(Action=[]),
            "resource format": self.problems(Resource="vpc-1"),
            "operator": self.problems(Condition={"StringEqualz": {"aws:TagKeys": "x"}}),
            "qualifier": self.problems(Condition={"ForSomeValues:StringEquals": {"aws:TagKeys": "x"}}),
            "condition shape": self.problems(Condition={"StringEquals": "x"}),
            "element": self.problems(Actions="ec2:*"),
        }
        for name, problems in cases.items():
            with self.subTest(name):
                self.assertTrue(problems, name)
        duplicate = validate(policy(self.GOOD, self.GOOD))
        self.assertEqual(duplicate, ["statement A1: Sid 'A1' is not unique in the policy"])

    def test_known_operators_accepted(self):
        """Operators page: every operator with IfExists and the set qualifiers; Null alone."""
        condition = {"ForAllValues:StringLike": {"k": ["a"]}, "ForAnyValue:StringEqualsIgnoreCase": {"k": "a"},
                     "ArnLikeIfExists": {"k": "arn:aws:*"}, "NumericGreaterThanEquals": {"k": 1},
                     "Bool": {"k": True}, "Null": {"k": "false"}, "DateGreaterThan": {"k": "2020-01-01"},
                     "NotIpAddress": {"k": "10.0.0.0/8"}}
        self.assertEqual(self.problems(Condition=condition), [])


class Size(unittest.TestCase):
    def test_known_document(self):
        """reference_iam-quotas.html: white space outside strings is not counted; inside strings it is."""
        compact = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get Object","Resource":"*"}]}'
        document = policy({"Effect": "Allow", "Action": "s3:Get Object", "Resource": "*"})
        self.assertEqual(size(document), len(compact))
        self.assertEqual(size(document), 97)
        self.assertEqual(MANAGED_POLICY_QUOTA, 6144)


class Speed(unittest.TestCase):
    def test_ten_statements_well_under_a_millisecond(self):
        """The layer evaluates every request: a 10-statement policy shaped like ecsnet's must cost ≪1 ms."""
        statements = [{"Sid": f"S{i}", "Effect": "Allow", "Action": [f"ec2:Op{i}{j}" for j in range(8)],
                       "Resource": ["arn:aws:ec2:*:*:security-group/*"],
                       "Condition": {"StringEquals": {"aws:ResourceTag/ecsnet:topology": "t"}}} for i in range(9)]
        statements.append({"Sid": "RecordsInZone", "Effect": "Allow", "Action": "route53:ChangeResourceRecordSets",
                           "Resource": "arn:aws:route53:::hostedzone/*", "Condition": {
                               "ForAllValues:StringLike": {
                                   "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["*.example.com"]}}})
        documents = {"ecsnet": policy(*statements)}
        ctx = {"route53:changeresourcerecordsetsnormalizedrecordnames": ["a.example.com", "b.example.com"]}
        runs = 2000
        start = time.perf_counter()
        for _ in range(runs):
            decision = evaluate(documents, "route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z1", ctx)
        per_call = (time.perf_counter() - start) / runs
        self.assertTrue(decision.allowed)
        print(f"\nevaluate on a 10-statement policy: {per_call * 1e6:.0f} µs", file=sys.stderr)
        self.assertLess(per_call, 0.001)


if __name__ == "__main__":
    unittest.main()
