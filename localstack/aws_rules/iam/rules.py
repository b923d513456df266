"""IAM in the AWS-rules layer: who sent a request (SigV4, `sigv4.py`) and whether that principal may (`evaluate.py`
on the checks `requests.py` builds). moto's own IAM enforcement stays off: it rejects valid aws-sdk-rust signatures
and judges no Resource but "*" and no Condition key (../shared/EMULATOR.md), so a wrong policy passes there and a
right one fails.

Principals: the account's administrator holds the access key `test` (the fixtures, the seeds, the benchmark and
the layer's own tests sign with it; its requests are authenticated but not authorized, as an AdministratorAccess
user's would be allowed). Tests create users with `POST /__proxy/iam/users`: a name, identity-based policies and
the account they stand for (the request-rate buckets are per account, as AWS's are), and get keys back.

Coverage: every (policy, Sid, action) of every user's policies is remembered, and so is every one that was the ONLY
grant of some allowed check. One that never was could be removed without any test noticing: `GET /__proxy/iam`
lists those (`unneeded`), which localstack/test.sh reports after a full run.
"""
import json
import secrets
import string
import sys
import threading
from collections import Counter, deque
from dataclasses import dataclass

from ..core import EVERY_REQUEST, Refusal, Request, Rule
from . import evaluate as evaluation
from . import requests as authorization
from . import sigv4

ACCOUNT = "123456789012"   # moto's default account, which every emulator resource's ARN carries
ADMIN_KEY, ADMIN_SECRET = "test", "test"
# IAM's quota for a managed policy (whitespace not counted):
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
MANAGED_POLICY_SIZE = 6144
POLICIES_PER_USER = 10     # managed policies attached to one user (same page)


@dataclass
class Principal:
    name: str
    access_key: str
    secret_key: str
    policies: dict                 # policy name → document
    account: str | None = None  # what the rate buckets are keyed by; None: the access key
    admin: bool = False

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{ACCOUNT}:user/{self.name}"


class PolicyRefused(ValueError):
    """A policy IAM itself would not accept (CreatePolicy's MalformedPolicyDocument or LimitExceeded)."""


class Principals:
    """Access keys → principals, and what their policies granted."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_key = {ADMIN_KEY: Principal("administrator", ADMIN_KEY, ADMIN_SECRET, {}, admin=True)}
        self.granted = set()     # (policy, sid, action) of every Allow statement of every user
        self.needed = set()      # those that were the only grant of an allowed check
        self.counts = Counter()  # allowed / denied checks
        self.denials_by_action = Counter()
        self.recent_denials = deque(maxlen=50)

    def secret_for(self, access_key: str) -> str | None:
        principal = self.by_key.get(access_key)
        return principal.secret_key if principal else None

    def get(self, access_key: str | None) -> Principal | None:
        return self.by_key.get(access_key or "")

    def create(self, name: str, policies: dict, account: str | None = None, admin: bool = False) -> Principal:
        """A user holding `policies`, each checked as IAM's CreatePolicy would check it; or, `admin`, one whose
        requests are authenticated but not judged (a test's fixtures, in an account of their own so that one test's
        reads do not throttle another's)."""
        if admin:
            return self._add(Principal(name, *self._keys(), {}, account, admin=True))
        if not isinstance(policies, dict) or not policies or len(policies) > POLICIES_PER_USER:
            raise PolicyRefused(f"a user holds 1 to {POLICIES_PER_USER} policies, got {len(policies or {})}")
        for policy_name, document in policies.items():
            problems = evaluation.validate(document)
            if problems:
                raise PolicyRefused(f"MalformedPolicyDocument: policy {policy_name}: {'; '.join(problems)}")
            size = evaluation.size(document)
            if size > MANAGED_POLICY_SIZE:
                raise PolicyRefused(f"LimitExceeded: policy {policy_name} has {size} characters, more than IAM's "
                                    f"{MANAGED_POLICY_SIZE} for a managed policy")
        principal = self._add(Principal(name, *self._keys(), policies, account))
        with self.lock:
            self.granted.update(allow_entries(policies))
        return principal

    @staticmethod
    def _keys() -> tuple:
        alphabet = string.ascii_uppercase + string.digits
        return "AKIA" + "".join(secrets.choice(alphabet) for _ in range(16)), secrets.token_urlsafe(30)[:40]

    def _add(self, principal: Principal) -> Principal:
        with self.lock:
            self.by_key[principal.access_key] = principal
        return principal

    def record(self, principal: Principal, check, decision) -> None:
        with self.lock:
            self.counts["allowed" if decision.allowed else "denied"] += 1
            if decision.allowed and len(decision.grants) == 1:
                grant = decision.grants[0]
                self.needed.add((grant.policy, grant.sid, grant.action))
            if not decision.allowed:
                self.denials_by_action[check.action] += 1
                self.recent_denials.append({"principal": principal.name, "action": check.action,
                                            "resource": check.resource, "reason": decision.reason})

    def report(self) -> dict:
        with self.lock:
            return {"users": len(self.by_key) - 1, "checks": dict(self.counts),
                    "denied_by_action": dict(sorted(self.denials_by_action.items())),
                    "recent_denials": list(self.recent_denials),
                    "granted": len(self.granted),
                    "unneeded": [list(entry) for entry in sorted(self.granted - self.needed)]}


def allow_entries(policies: dict):
    """(policy, sid, action) of every Allow statement's Action entries."""
    for policy_name, document in policies.items():
        statements = document.get("Statement", [])
        for index, statement in enumerate(statements if isinstance(statements, list) else [statements]):
            if statement.get("Effect") != "Allow" or "Action" not in statement:
                continue
            actions = statement["Action"]
            for action in actions if isinstance(actions, list) else [actions]:
                yield policy_name, statement.get("Sid") or f"#{index}", action


class Authentication(Rule):
    """Every request is signed with SigV4 by a known access key; the principal is remembered on the request."""
    name = "iam-authentication"
    source = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html"
    applies_to = EVERY_REQUEST

    def __init__(self, principals: Principals):
        self.principals = principals

    def check(self, request: Request, upstream) -> Refusal | None:
        refusal = sigv4.verify(request.method, request.path, list(request.header_items), request.raw_body,
                               request.service, request.protocol, self.principals.secret_for)
        if refusal is not None:
            return refusal
        request.principal = self.principals.get(request.access_key)
        return None


class Authorization(Rule):
    """Each (action, resource) pair the request needs is allowed by the principal's identity-based policies, by
    AWS's evaluation logic (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
    An administrator's requests are not judged; an operation the layer cannot judge is the layer's own bug."""
    name = "iam-authorization"
    source = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"
    applies_to = EVERY_REQUEST

    def __init__(self, principals: Principals):
        self.principals = principals

    def check(self, request: Request, upstream) -> Refusal | None:
        principal = getattr(request, "principal", None)
        if principal is None or principal.admin:
            return None
        for check in authorization.checks(request, upstream, ACCOUNT):
            decision = evaluation.evaluate(principal.policies, check.action, check.resource, check.context)
            self.principals.record(principal, check, decision)
            if not decision.allowed:
                sys.stderr.write(f"aws-rules: iam denied {principal.name} {check.action} on {check.resource}: "
                                 f"{decision.reason}; context {context_text(check)}\n")
                return denial(request.protocol, principal, check, decision)
        return None


def context_text(check) -> str:
    try:
        return json.dumps({key: check.context[key] for key in check.context}, default=str)[:600]
    except Exception as error:  # a lazy context that cannot be listed: say so rather than fail the denial
        return f"(not listed: {error})"


def denial(protocol: str, principal: Principal, check, decision) -> Refusal:
    """AccessDenied in the service's own words and format. Wording: "Troubleshoot access denied error messages"
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html); codes: EC2
    UnauthorizedOperation (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html), ELBv2 and
    Route 53 AccessDenied (their Common Errors pages), ECS, Cloud Map and VPC Lattice AccessDeniedException."""
    why = ("with an explicit deny in an identity-based policy" if decision.explicit_deny
           else f"because no identity-based policy allows the {check.action} action")
    message = f"User: {principal.arn} is not authorized to perform: {check.action} on resource: {check.resource} {why}"
    if protocol == "ec2":
        return Refusal("UnauthorizedOperation", f"You are not authorized to perform this operation. {message}", 403)
    if protocol == "json":
        return Refusal("AccessDeniedException", message, 400)
    if protocol == "rest-json":   # VPC Lattice: AccessDeniedException, HTTP 403 (each operation's Errors)
        return Refusal("AccessDeniedException", message, 403)
    return Refusal("AccessDenied", message, 403)
