"""The AWS-rules layer's vocabulary: a parsed request, a refusal in AWS's terms, and the rule interface.

A rule is consulted by the proxy (localstack/proxy.py --rules) for every AWS request its `applies_to` matches
(`Requests`: which service, which operations), before it is forwarded to the emulator (`check`: refuse it as AWS
would, or let it through) and after the emulator answered (`observe`: remember what was created, or rewrite the
answer as AWS would give it at that moment). Rules run on the proxy's request threads: a rule with state guards it
with its own lock.
"""
import gzip
import json
import re
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

SCOPE_RE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")


@dataclass
class Request:
    """One AWS request as the proxy received it."""
    service: str          # the SigV4 service: ec2, elasticloadbalancing, route53, ecs, servicediscovery, vpc-lattice
    operation: str        # the API operation, e.g. CreateRule
    protocol: str         # ec2 | query | json | route53 (rest-xml) | rest-json | other
    method: str
    path: str             # path and query string
    headers: Mapping[str, str]
    body: bytes           # decompressed
    arrived: float = field(default_factory=time.monotonic)
    # What SigV4 signed: the body as it arrived (before any decompression) and the headers as (name, value) pairs.
    raw_body: bytes | None = None
    header_items: tuple = ()
    principal: object = None  # set by the IAM authentication rule (aws_rules/iam/rules.py)

    def __post_init__(self):
        if self.raw_body is None:
            self.raw_body = self.body
        if not self.header_items and hasattr(self.headers, "items"):
            self.header_items = tuple(self.headers.items())

    @cached_property
    def access_key(self) -> str | None:
        m = SCOPE_RE.search(self.headers.get("Authorization", "") or "")
        return m.group(1) if m else None

    @cached_property
    def region(self) -> str:
        m = SCOPE_RE.search(self.headers.get("Authorization", "") or "")
        return m.group(2) if m else "us-east-1"

    @cached_property
    def query(self) -> dict:
        """ec2 and query protocols: the flat form parameters ("IpPermissions.1.FromPort" → "80"), first value each."""
        params = {}
        query = urllib.parse.urlsplit(self.path).query
        for key, values in urllib.parse.parse_qs(query, keep_blank_values=True).items():
            params[key] = values[0]
        if self.protocol in ("ec2", "query") and self.body:
            form = urllib.parse.parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
            for key, values in form.items():
                params[key] = values[0]
        return params

    @cached_property
    def json(self) -> dict:
        """json protocol: the request document."""
        if self.protocol != "json" or not self.body:
            return {}
        try:
            return json.loads(self.body)
        except ValueError:
            return {}

    @cached_property
    def xml(self) -> ET.Element | None:
        """route53 (rest-xml): the request document with namespaces stripped, or None."""
        if not self.body:
            return None
        try:
            root = ET.fromstring(self.body)
        except ET.ParseError:
            return None
        for element in root.iter():
            element.tag = element.tag.split("}", 1)[-1]
        return root

    @cached_property
    def uri_path(self) -> str:
        return urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)


def decompress(headers: Mapping[str, str], body: bytes) -> bytes:
    if body and (headers.get("Content-Encoding") or "").lower() == "gzip":
        try:
            return gzip.decompress(body)
        except OSError:
            return b""
    return body


@dataclass
class Refusal:
    """AWS's answer to a request it refuses: the error code and message of the service's documentation."""
    code: str
    message: str
    status: int = 400


@dataclass(frozen=True)
class Requests:
    """The requests a rule is about: those of one service (its SigV4 name; None: any), of the operations named
    (none named: any), and, where given, only those `where` accepts. `a | b` is about the requests of either."""
    service: str | None = None
    operations: frozenset = frozenset()
    where: Callable[[Request], bool] | None = None

    def matches(self, request: Request) -> bool:
        return ((self.service is None or request.service == self.service)
                and (not self.operations or request.operation in self.operations)
                and (self.where is None or self.where(request)))

    def __or__(self, other) -> "AnyOf":
        return AnyOf((self, other))


@dataclass(frozen=True)
class AnyOf:
    """The requests of any of `parts` (`Requests` joined with `|`)."""
    parts: tuple

    def matches(self, request: Request) -> bool:
        return any(part.matches(request) for part in self.parts)

    def __or__(self, other) -> "AnyOf":
        return AnyOf((*self.parts, other))


def on(service: str, *operations: str, where: Callable[[Request], bool] | None = None) -> Requests:
    """`applies_to` of a rule about these operations of `service` (all of them when none is named)."""
    return Requests(service, frozenset(operations), where)


EVERY_REQUEST = Requests()

ELBV2_VERSION = "2015-12-01"


def is_elbv2(request: Request) -> bool:
    """ELBv2, not the Classic Load Balancer API, which shares its SigV4 name (and has rules of its own)."""
    return (request.service == "elasticloadbalancing"
            and request.query.get("Version", ELBV2_VERSION) == ELBV2_VERSION)


class Rule:
    """One rule of AWS's that the emulator does not enforce. `source`: the AWS documentation page it comes from.
    `applies_to`: the requests it is about; the layer calls `check` and `observe` for those only."""
    name = "rule"
    source = ""
    applies_to = EVERY_REQUEST

    def applies(self, request: Request) -> bool:
        """Whether the layer consults this rule about `request` (its `applies_to` matches it)."""
        return self.applies_to.matches(request)

    def check(self, request: Request, upstream: "Upstream") -> Refusal | None:
        """Before forwarding: a Refusal to answer with instead, or None to forward."""
        return None

    def observe(self, request: Request, status: int, body: bytes) -> bytes | None:
        """After the emulator answered (status, body): a rewritten body, or None to pass the answer on."""
        return None


@dataclass
class Config:
    """Timings of AWS's asynchrony and eventual consistency, shortened for tests (seconds), and switches.
    The proxy's POST /__proxy/config {"rules": {...}} changes them at run time."""
    visibility_delay: float = 0.5    # a new security group, target group or load balancer is invisible to other calls
    provisioning_time: float = 2.0   # a new load balancer is `provisioning` before `active`
    operation_time: float = 1.0      # a Cloud Map operation stays SUBMITTED/PENDING
    change_time: float = 1.0         # a Route 53 change stays PENDING before INSYNC
    drain_time: float = 2.0          # a deleted load balancer's network interfaces still use its security groups
    deployment_time: float = 2.0     # an ECS service's deployment after UpdateService stays IN_PROGRESS
    rates: bool = True               # throttle as AWS's documented request rates do


class Upstream:
    """botocore clients straight to the emulator (not through the rules), for rules that must read live state."""
    NAMES = {"ec2": "ec2", "elasticloadbalancing": "elbv2", "elbv2": "elbv2", "route53": "route53", "ecs": "ecs",
             "servicediscovery": "servicediscovery", "vpc-lattice": "vpc-lattice"}

    def __init__(self, endpoint: str, access_key: str = "test", secret_key: str = "test"):
        self.endpoint = endpoint
        self.access_key, self.secret_key = access_key, secret_key
        self._clients = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str = "us-east-1"):
        import botocore.session  # the emulator venv has botocore (moto depends on it)
        from botocore.config import Config as ClientConfig
        name = self.NAMES.get(service, service)
        with self._lock:
            key = (name, region)
            if key not in self._clients:
                session = botocore.session.get_session()
                self._clients[key] = session.create_client(
                    name, region_name=region, endpoint_url=self.endpoint, aws_access_key_id=self.access_key,
                    aws_secret_access_key=self.secret_key, config=ClientConfig(retries={"max_attempts": 1}))
            return self._clients[key]
