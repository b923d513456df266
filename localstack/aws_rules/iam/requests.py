"""What AWS authorizes a request against: every (action, resource, context) it evaluates, each of which the
caller's policies must allow.

AWS authorizes a request by evaluating its operation's action on each resource the request names, and, for some
operations, further actions it performs on the caller's behalf (tagging on create, Route 53 for Cloud Map…)
(https://docs.aws.amazon.com/IAM/latest/UserGuide/intro-structure.html#intro-structure-authorization).
`checks(request, upstream)` answers those as `Check`s: the resource types and condition keys of each action come
from the Service Authorization Reference (definitions.py); the values from the request's parameters (wire.parse)
and, for aws:ResourceTag and other keys about existing resources, from the emulator's live state, read through
`upstream` only when a policy's condition asks for such a key (cached for the request).

Context keys are lower-cased; a key is present only where the reference lists it for the action, on that resource
type or at action level (a policy naming another key finds it absent, as on AWS).

ARNs of resources a create makes: AWS does not document which ARN it authorizes a create against (the ID is not
known to the caller). The ARN is built from the template with the request's name where the template has one and
the fixed placeholder id PLACEHOLDER (no `*`: it is a value, not a pattern), so that `…:targetgroup/*`, or a
condition on the request's tags, matches it, and nothing scoped to an existing resource's ID does.
"""
import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .. import wire
from ..core import Request, Upstream
from . import definitions

PLACEHOLDER = "0000000000000000"
DEFAULT_ACCOUNT = "123456789012"

SAR_EC2 = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html"
SAR_ELB = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_elasticloadbalancingv2.html"
SAR_ROUTE53 = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonroute53.html"
SAR_CLOUD_MAP = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudmap.html"
SAR_ECS = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html"
SAR_LATTICE = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonvpclattice.html"
# The reference's table of VPC Lattice operations and the actions each authorizes (a create with tags also needs
# vpc-lattice:TagResource, "Tagging")
SAR_LATTICE_OPERATIONS = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_vpc-lattice.html"
LATTICE_LINKED_ROLE = "https://docs.aws.amazon.com/vpc-lattice/latest/ug/using-service-linked-roles.html"
EC2_TAG_ON_CREATE = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html"
ELB_TAG_ON_CREATE = ("https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/"
                     "tagging-resources-during-creation.html")
ELB_LINKED_ROLE = "https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-service-linked-roles.html"
ROUTE53_CONDITIONS = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/specifying-rrset-conditions.html"
CLOUD_MAP_PERMISSIONS = "https://docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-api-permissions-ref.html"
GLOBAL_KEYS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"


@dataclass
class Check:
    action: str                    # "elasticloadbalancing:CreateRule"
    resource: str                  # one ARN, or "*" when the action takes no resource type
    context: Mapping[str, object]  # lower-cased condition key → value (list for multivalued keys); lazy


class Unjudgeable(Exception):
    """The layer cannot say what a request needs (an operation it does not know, a request it cannot read): a
    layer bug, to be reported loudly rather than allowed or refused silently."""


# ----------------------------------------------------------------------------------------------------------------
# The context: fixed values, and values read from the emulator on first use


class Context(Mapping):
    """Condition key → value. `lazy` holds single keys computed on first use (None: the key is absent); `tags`
    (prefixes, read) the resource's tags, read on first use of a key under one of the prefixes
    (aws:resourcetag/…). Iterating reads everything."""

    def __init__(self, values: dict, lazy: dict | None = None, tags: tuple | None = None):
        self._values = dict(values)
        self._lazy = dict(lazy or {})
        self._tags = tags

    def __getitem__(self, key):
        key = key.lower()
        if key in self._values:
            return self._values[key]
        if key in self._lazy:
            self._resolve(key)
            return self[key]
        if self._tags and key.startswith(self._tags[0]):
            self._load_tags()
            return self[key]
        raise KeyError(key)

    def _resolve(self, key):
        value = self._lazy.pop(key)()
        if value is not None:
            self._values[key] = value

    def _load_tags(self):
        prefixes, read = self._tags
        self._tags = None
        for tag, value in read().items():
            for prefix in prefixes:
                self._values[prefix + tag.lower()] = value

    def __iter__(self):
        for key in list(self._lazy):
            self._resolve(key)
        if self._tags:
            self._load_tags()
        return iter(self._values)

    def __len__(self):
        return sum(1 for _ in self)

    def __repr__(self):
        return f"Context({self._values!r}, lazy={sorted(self._lazy)}, tags={self._tags is not None})"


# ----------------------------------------------------------------------------------------------------------------
# Live state, read through the upstream once per request


class LiveState:
    """The emulator's state a request's checks may need, read on first need and kept for the request."""

    def __init__(self, upstream: Upstream, region: str):
        self.upstream, self.region = upstream, region
        self.calls = 0
        self._cache = {}

    def _once(self, key, read):
        if key not in self._cache:
            from botocore.exceptions import ClientError
            self.calls += 1
            try:
                self._cache[key] = read()
            except ClientError:
                self._cache[key] = None      # gone or never there: no tags (the emulator will answer the request)
        return self._cache[key]

    def client(self, service):
        return self.upstream.client(service, self.region)

    def security_group(self, group_id: str) -> dict | None:
        """DescribeSecurityGroups of one group: its tags and VPC in one call."""
        def read():
            groups = self.client("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
            return groups[0] if groups else None
        return self._once(("security-group", group_id), read)

    def lattice_association(self, kind: str, arn: str) -> dict | None:
        """A VPC Lattice service-network association (kind "service" or "vpc") as Get…Association answers it."""
        def read():
            lattice = self.client("vpc-lattice")
            if kind == "service":
                return lattice.get_service_network_service_association(
                    serviceNetworkServiceAssociationIdentifier=arn)
            return lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=arn)
        return self._once(("lattice-association", arn), read)

    def discovery_service(self, service_id: str) -> dict | None:
        return self._once(("cloud-map-service", service_id),
                          lambda: self.client("servicediscovery").get_service(Id=service_id)["Service"])

    def discovery_operation(self, operation_id: str) -> dict | None:
        return self._once(("cloud-map-operation", operation_id),
                          lambda: self.client("servicediscovery").get_operation(OperationId=operation_id)["Operation"])

    def tags(self, arn: str) -> dict:
        """The resource's tags in the emulator now, {} when it has none or does not exist."""
        return self._once(("tags", arn), lambda: self._read_tags(arn)) or {}

    def _read_tags(self, arn):
        service, resource = arn.split(":")[2], arn.split(":", 5)[5]
        kind, _, ident = resource.partition("/")
        if service == "ec2" and kind == "security-group":
            group = self.security_group(ident)
            return pairs((group or {}).get("Tags"))
        if service == "ec2" and kind == "security-group-rule":
            found = self.client("ec2").describe_security_group_rules(SecurityGroupRuleIds=[ident])
            return pairs(found["SecurityGroupRules"][0].get("Tags") if found["SecurityGroupRules"] else None)
        if service == "ec2":
            filters = [{"Name": "resource-id", "Values": [ident]}]
            return pairs(self.client("ec2").describe_tags(Filters=filters)["Tags"])
        if service == "elasticloadbalancing":
            described = self.client("elbv2").describe_tags(ResourceArns=[arn])["TagDescriptions"]
            return pairs(described[0].get("Tags") if described else None)
        if service == "ecs":
            return pairs(self.client("ecs").list_tags_for_resource(resourceArn=arn).get("tags"), "key", "value")
        if service == "servicediscovery":
            return pairs(self.client("servicediscovery").list_tags_for_resource(ResourceARN=arn).get("Tags"))
        if service == "route53":
            found = self.client("route53").list_tags_for_resource(ResourceType=kind, ResourceId=ident)
            return pairs(found["ResourceTagSet"].get("Tags"))
        if service == "vpc-lattice":
            return dict(self.client("vpc-lattice").list_tags_for_resource(resourceArn=arn).get("tags") or {})
        raise Unjudgeable(f"no way to read the tags of {arn}")


def pairs(items, key="Key", value="Value") -> dict:
    """[{Key, Value}, …] → {key: value}."""
    return {item[key]: item.get(value, "") for item in items or () if isinstance(item, dict) and key in item}


# ----------------------------------------------------------------------------------------------------------------
# One request being judged


@dataclass
class Call:
    request: Request
    params: dict
    account: str
    live: LiveState

    @property
    def region(self) -> str:
        return self.request.region

    def arn(self, service: str, path: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account}:{path}"

    def param(self, name: str, required: bool = True):
        value = self.params.get(name)
        if (value is None or isinstance(value, wire.Malformed)) and required:
            raise Unjudgeable(f"{self.request.service} {self.request.operation} without a readable {name}")
        return None if isinstance(value, wire.Malformed) else value


def global_keys(call: Call) -> dict:
    """The global keys AWS supplies with every request (GLOBAL_KEYS)."""
    now = datetime.datetime.now(datetime.UTC)
    return {"aws:requestedregion": call.region, "aws:principalaccount": call.account,
            "aws:currenttime": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "aws:epochtime": int(now.timestamp())}


def service_keys(call: Call, prefix: str) -> dict:
    """Keys every action of a service has (ec2:Region: SAR_EC2)."""
    return {"ec2:region": call.region} if prefix == "ec2" else {}


def authorize(call: Call, action: str, resource: str = "*", *, request_tags: dict | None = None,
              tag_keys: list | None = None, keys: dict | None = None, lazy: dict | None = None,
              existing: bool = True) -> Check:
    """One Check of `action` on `resource`. request_tags: the tags the request sends for this resource
    (aws:RequestTag, aws:TagKeys); tag_keys: aws:TagKeys when the request sends keys alone (removals); keys: other
    keys (any case); lazy: keys computed on first use; existing: the resource exists, so aws:ResourceTag and its
    service alias read its tags from the emulator."""
    prefix, _ = definitions.split(action)
    if not definitions.known(action):
        raise Unjudgeable(f"the Service Authorization Reference has no action {action}")
    resource_type = "" if resource == "*" else definitions.resource_type_of(action, resource)
    if resource_type is None:
        raise Unjudgeable(f"{action} takes no resource like {resource}")
    allowed = definitions.condition_keys(action, resource_type)
    values = {**service_keys(call, prefix), **{k.lower(): v for k, v in (keys or {}).items()}}
    values.update(request_tag_keys(request_tags, tag_keys))
    values = {k: v for k, v in values.items() if definitions.supplies(allowed, k)}
    values.update(global_keys(call))
    lazy = {k.lower(): read for k, read in (lazy or {}).items() if definitions.supplies(allowed, k.lower())}
    return Check(action, resource, Context(values, lazy, resource_tags(call, prefix, resource, allowed, existing)))


def request_tag_keys(request_tags: dict | None, tag_keys: list | None) -> dict:
    values = {}
    if request_tags:
        values["aws:tagkeys"] = list(request_tags)
        values.update({f"aws:requesttag/{key.lower()}": value for key, value in request_tags.items()})
    if tag_keys:
        values["aws:tagkeys"] = list(tag_keys)
    return values


def resource_tags(call, prefix, resource, allowed, existing) -> tuple | None:
    """(prefixes, read) for the resource-tag keys the reference lists here: aws:ResourceTag and the service's own
    alias (ec2:ResourceTag, elasticloadbalancing:ResourceTag)."""
    if not existing or resource == "*":
        return None
    prefixes = tuple(p for p in ("aws:resourcetag/", f"{prefix}:resourcetag/")
                     if f"{p}{definitions.TAG_KEY}" in allowed)
    return (prefixes, lambda: call.live.tags(resource)) if prefixes else None


# ----------------------------------------------------------------------------------------------------------------
# Entry point


def checks(request: Request, upstream: Upstream, account: str = DEFAULT_ACCOUNT) -> list:
    """Every Check AWS makes for `request`; Unjudgeable when the layer cannot say."""
    build = BUILDERS.get((request.service, request.operation))
    if build is None:
        raise Unjudgeable(f"no authorization known for {request.service} {request.operation}")
    parsed = wire.parse(request)
    if parsed is None or parsed.operation.name != request.operation or not isinstance(parsed.params, dict):
        raise Unjudgeable(f"cannot read the {request.service} {request.operation} request")
    return build(Call(request, parsed.params, account, LiveState(upstream, request.region)))


def covered(service: str, operation: str) -> bool:
    """Whether `checks` knows the operation (service as the SigV4 scope names it: ec2, elasticloadbalancing, …)."""
    return (service, operation) in BUILDERS


# ----------------------------------------------------------------------------------------------------------------
# EC2 (SAR_EC2)

EC2_ID_TYPES = {"sg": "security-group", "sgr": "security-group-rule", "vpc": "vpc", "subnet": "subnet"}


def ec2_arn(call: Call, ident: str) -> str:
    kind = EC2_ID_TYPES.get(ident.split("-", 1)[0])
    if kind is None:
        raise Unjudgeable(f"no ARN known for the EC2 resource {ident}")
    return call.arn("ec2", f"{kind}/{ident}")


def ec2_describe(call: Call) -> list:
    return [authorize(call, f"ec2:{call.request.operation}")]


def spec_tags(call: Call, resource_type: str) -> dict | None:
    """The tags of the request's TagSpecifications for `resource_type` (only that spec applies to it)."""
    for spec in call.param("TagSpecifications", required=False) or ():
        if isinstance(spec, dict) and spec.get("ResourceType") == resource_type and spec.get("Tags"):
            return pairs(spec["Tags"])
    return None


def tag_on_ec2_create(call: Call, arn: str, tags: dict | None, keys: dict | None = None) -> list:
    """A create that tags what it creates also needs ec2:CreateTags on it, with ec2:CreateAction = the create
    (EC2_TAG_ON_CREATE)."""
    if not tags:
        return []
    keys = {**(keys or {}), "ec2:CreateAction": call.request.operation}
    return [authorize(call, "ec2:CreateTags", arn, request_tags=tags, keys=keys, existing=False)]


def security_group_keys(call: Call, group_id: str) -> tuple:
    """(keys, lazy) of an existing group: ec2:SecurityGroupID, and ec2:Vpc (its VPC's ARN) read on first use."""
    def vpc():
        group = call.live.security_group(group_id)
        return call.arn("ec2", f"vpc/{group['VpcId']}") if group and group.get("VpcId") else None
    return {"ec2:SecurityGroupID": group_id}, {"ec2:Vpc": vpc}


def on_security_group(call: Call, group_id: str, action: str) -> Check:
    keys, lazy = security_group_keys(call, group_id)
    return authorize(call, action, ec2_arn(call, group_id), keys=keys, lazy=lazy)


def ec2_group_id(call: Call) -> str:
    group = call.param("GroupId", required=False)
    if not group:
        raise Unjudgeable(f"ec2 {call.request.operation} names its group by name: its ID is not in the request")
    return group


def ec2_vpc_check(call: Call, action: str, vpc_id: str) -> Check:
    return authorize(call, action, ec2_arn(call, vpc_id), keys={"ec2:VpcID": vpc_id})


def create_security_group(call: Call) -> list:
    action = "ec2:CreateSecurityGroup"
    new = call.arn("ec2", f"security-group/sg-{PLACEHOLDER}")
    tags = spec_tags(call, "security-group")
    vpc_id = call.param("VpcId", required=False)
    found = [authorize(call, action, new, request_tags=tags, existing=False)]
    if vpc_id:
        found.append(ec2_vpc_check(call, action, vpc_id))
    vpc_keys = {"ec2:Vpc": call.arn("ec2", f"vpc/{vpc_id}")} if vpc_id else {}
    return found + tag_on_ec2_create(call, new, tags, vpc_keys)


def authorize_rules(call: Call) -> list:
    """Authorize*: the group, and, when the request tags the new rules, the rule resource and its tagging."""
    action = f"ec2:{call.request.operation}"
    found = [on_security_group(call, ec2_group_id(call), action)]
    tags = spec_tags(call, "security-group-rule")
    if tags:
        rule = call.arn("ec2", f"security-group-rule/sgr-{PLACEHOLDER}")
        found.append(authorize(call, action, rule, request_tags=tags, existing=False))
        found += tag_on_ec2_create(call, rule, tags)
    return found


def on_group_id(call: Call) -> list:
    return [on_security_group(call, ec2_group_id(call), f"ec2:{call.request.operation}")]


def create_tags(call: Call) -> list:
    tags = pairs(call.param("Tags", required=False))
    found = []
    for ident in call.param("Resources"):
        if ident.startswith("sg-"):
            keys, lazy = security_group_keys(call, ident)
        else:
            keys, lazy = ({"ec2:VpcID": ident} if ident.startswith("vpc-") else {}), {}
        found.append(authorize(call, "ec2:CreateTags", ec2_arn(call, ident), request_tags=tags, keys=keys,
                               lazy=lazy))
    return found


def describe_vpc_attribute(call: Call) -> list:
    return [ec2_vpc_check(call, "ec2:DescribeVpcAttribute", call.param("VpcId"))]


# ----------------------------------------------------------------------------------------------------------------
# Elastic Load Balancing v2 (SAR_ELB): its ARNs come whole in the request

LOAD_BALANCER_KINDS = {"application": "app", "network": "net", "gateway": "gwy"}


def elb_action(call: Call) -> str:
    return f"elasticloadbalancing:{call.request.operation}"


def elb_describe(call: Call) -> list:
    return [authorize(call, elb_action(call))]


def elb_tags(call: Call) -> dict | None:
    return pairs(call.param("Tags", required=False)) or None


def elb_on(member: str, keys: Callable = lambda call: {}) -> Callable:
    """A builder for operations on the existing resource whose ARN the request's `member` holds."""
    def build(call: Call) -> list:
        return [authorize(call, elb_action(call), call.param(member), keys=keys(call))]
    return build


def tag_on_elb_create(call: Call, arn: str, tags: dict | None) -> list:
    """A create with Tags also needs elasticloadbalancing:AddTags on what it creates, with
    elasticloadbalancing:CreateAction = the create (ELB_TAG_ON_CREATE)."""
    if not tags:
        return []
    return [authorize(call, "elasticloadbalancing:AddTags", arn, request_tags=tags,
                      keys={"elasticloadbalancing:CreateAction": call.request.operation}, existing=False)]


def load_balancer_keys(call: Call) -> dict:
    keys = {"elasticloadbalancing:Scheme": call.param("Scheme", required=False) or "internet-facing"}
    keys.update({k: v for k, v in {**subnets_key(call), **security_groups_key(call)}.items() if v})
    return keys


def linked_role(call: Call) -> Check:
    """The first load balancer of an account makes ELB's service-linked role with the caller's
    iam:CreateServiceLinkedRole (ELB_LINKED_ROLE). The emulator's account never holds the role (moto does not make
    service-linked roles), so every CreateLoadBalancer needs it."""
    service = "elasticloadbalancing.amazonaws.com"
    role = f"arn:aws:iam::{call.account}:role/aws-service-role/{service}/AWSServiceRoleForElasticLoadBalancing"
    return authorize(call, "iam:CreateServiceLinkedRole", role, keys={"iam:AWSServiceName": service},
                     existing=False)


def create_load_balancer(call: Call) -> list:
    kind = LOAD_BALANCER_KINDS.get(call.param("Type", required=False) or "application", "app")
    arn = call.arn("elasticloadbalancing", f"loadbalancer/{kind}/{call.param('Name')}/{PLACEHOLDER}")
    tags = elb_tags(call)
    own = authorize(call, elb_action(call), arn, request_tags=tags, keys=load_balancer_keys(call), existing=False)
    return [own, *tag_on_elb_create(call, arn, tags), linked_role(call)]


def create_target_group(call: Call) -> list:
    arn = call.arn("elasticloadbalancing", f"targetgroup/{call.param('Name')}/{PLACEHOLDER}")
    tags = elb_tags(call)
    return [authorize(call, elb_action(call), arn, request_tags=tags, existing=False),
            *tag_on_elb_create(call, arn, tags)]


def listener_keys(call: Call) -> dict:
    keys = {}
    if call.param("Protocol", required=False):
        keys["elasticloadbalancing:ListenerProtocol"] = call.param("Protocol")
    if call.param("SslPolicy", required=False):
        keys["elasticloadbalancing:SecurityPolicy"] = call.param("SslPolicy")
    return keys


def create_listener(call: Call) -> list:
    """Authorized on the load balancer (the reference's resource for CreateListener); the tags go to the new
    listener."""
    load_balancer = call.param("LoadBalancerArn")
    tags = elb_tags(call)
    listener = load_balancer.replace(":loadbalancer/", ":listener/", 1) + "/" + PLACEHOLDER
    return [authorize(call, elb_action(call), load_balancer, request_tags=tags, keys=listener_keys(call)),
            *tag_on_elb_create(call, listener, tags)]


def create_rule(call: Call) -> list:
    listener = call.param("ListenerArn")
    tags = elb_tags(call)
    rule = listener.replace(":listener/", ":listener-rule/", 1) + "/" + PLACEHOLDER
    return [authorize(call, elb_action(call), listener, request_tags=tags), *tag_on_elb_create(call, rule, tags)]


def set_rule_priorities(call: Call) -> list:
    return [authorize(call, elb_action(call), item["RuleArn"]) for item in call.param("RulePriorities")]


def elb_add_tags(call: Call) -> list:
    tags = elb_tags(call)
    return [authorize(call, elb_action(call), arn, request_tags=tags) for arn in call.param("ResourceArns")]


def elb_remove_tags(call: Call) -> list:
    keys = list(call.param("TagKeys", required=False) or [])
    return [authorize(call, elb_action(call), arn, tag_keys=keys) for arn in call.param("ResourceArns")]


def security_groups_key(call):
    return {"elasticloadbalancing:SecurityGroup": list(call.param("SecurityGroups", required=False) or [])}


def subnets_key(call):
    subnets = list(call.param("Subnets", required=False) or [])
    subnets += [m["SubnetId"] for m in call.param("SubnetMappings", required=False) or () if m.get("SubnetId")]
    return {"elasticloadbalancing:Subnet": subnets}


# ----------------------------------------------------------------------------------------------------------------
# Route 53 (SAR_ROUTE53): global resources, arn:aws:route53:::hostedzone/{id}


def route53_arn(kind: str, ident: str) -> str:
    return f"arn:aws:route53:::{kind}/{ident.rstrip('/').rsplit('/', 1)[-1]}"


def route53_plain(call: Call) -> list:
    return [authorize(call, f"route53:{call.request.operation}")]


def on_zone(member: str) -> Callable:
    def build(call: Call) -> list:
        return [authorize(call, f"route53:{call.request.operation}", route53_arn("hostedzone", call.param(member)))]
    return build


def get_change(call: Call) -> list:
    return [authorize(call, "route53:GetChange", route53_arn("change", call.param("Id")))]


def vpcs_key(vpc_id: str, region: str) -> str:
    """route53:VPCs is written VPCId=<id>,VPCRegion=<region> (ROUTE53_CONDITIONS)."""
    return f"VPCId={vpc_id},VPCRegion={region}"


def describe_vpcs_for_route53(call: Call) -> Check:
    """Route 53 reads the VPC it is given with the caller's ec2:DescribeVpcs (dependent action, SAR_ROUTE53)."""
    return authorize(call, "ec2:DescribeVpcs")


def create_hosted_zone(call: Call) -> list:
    vpc = call.param("VPC", required=False)
    if not vpc or not vpc.get("VPCId"):
        return [authorize(call, "route53:CreateHostedZone")]
    key = vpcs_key(vpc["VPCId"], vpc.get("VPCRegion") or call.region)
    return [authorize(call, "route53:CreateHostedZone", keys={"route53:VPCs": [key]}),
            describe_vpcs_for_route53(call)]


def list_hosted_zones_by_vpc(call: Call) -> list:
    key = vpcs_key(call.param("VPCId"), call.param("VPCRegion"))
    return [authorize(call, "route53:ListHostedZonesByVPC", keys={"route53:VPCs": [key]}),
            describe_vpcs_for_route53(call)]


def normalized_record_name(name: str) -> str:
    """A record name as route53:ChangeResourceRecordSetsNormalizedRecordNames holds it (ROUTE53_CONDITIONS): lower
    case, no trailing dot, characters other than a-z, 0-9, hyphen, underscore and the label-separating period as
    \\three-digit octal escapes (`*` → \\052). Escapes in the request are read first, so \\101 and A are both a."""
    out, index = [], 0
    while index < len(name):
        char = name[index]
        if char == "\\" and re.fullmatch(r"[0-7]{3}", name[index + 1:index + 4]):
            out.append(escaped(chr(int(name[index + 1:index + 4], 8))))
            index += 4
            continue
        if char == "\\" and index + 1 < len(name):
            out.append(escaped(name[index + 1]))
            index += 2
            continue
        out.append(char if char == "." else escaped(char))
        index += 1
    normalized = "".join(out)
    return normalized[:-1] if normalized.endswith(".") else normalized


def escaped(char: str) -> str:
    lowered = char.lower()
    if re.fullmatch(r"[a-z0-9_-]", lowered):
        return lowered
    return "\\%03o" % (ord(char) & 0xFF)


def change_record_sets(call: Call) -> list:
    changes = [c for c in (call.param("ChangeBatch").get("Changes") or []) if isinstance(c, dict)]
    records = [c.get("ResourceRecordSet") or {} for c in changes]
    keys = {"route53:ChangeResourceRecordSetsNormalizedRecordNames":
            [normalized_record_name(r.get("Name", "")) for r in records],
            "route53:ChangeResourceRecordSetsRecordTypes": [r.get("Type", "") for r in records],
            "route53:ChangeResourceRecordSetsActions": [c.get("Action", "") for c in changes]}
    zone = route53_arn("hostedzone", call.param("HostedZoneId"))
    return [authorize(call, "route53:ChangeResourceRecordSets", zone, keys=keys)]


def route53_tags(call: Call) -> list:
    """Change/ListTagsForResource: the zone or health check the request names."""
    arn = route53_arn(call.param("ResourceType"), call.param("ResourceId"))
    tags = pairs(call.param("AddTags", required=False)) or None
    return [authorize(call, f"route53:{call.request.operation}", arn, request_tags=tags)]


def list_tags_for_resources(call: Call) -> list:
    kind = call.param("ResourceType")
    return [authorize(call, "route53:ListTagsForResources", route53_arn(kind, ident))
            for ident in call.param("ResourceIds")]


# ----------------------------------------------------------------------------------------------------------------
# Cloud Map (SAR_CLOUD_MAP, CLOUD_MAP_PERMISSIONS)


def discovery_action(call: Call) -> str:
    return f"servicediscovery:{call.request.operation}"


def discovery_plain(call: Call) -> list:
    return [authorize(call, discovery_action(call))]


def namespace_arn(call: Call, ident: str) -> str:
    return call.arn("servicediscovery", f"namespace/{ident}")


def service_arn(call: Call, ident: str) -> str:
    return call.arn("servicediscovery", f"service/{ident}")


def on_namespace(call: Call) -> list:
    return [authorize(call, discovery_action(call), namespace_arn(call, call.param("Id")))]


def on_service(member: str) -> Callable:
    """Operations on an existing service: servicediscovery:ServiceArn and ServiceCreatedByAccount where listed."""
    def build(call: Call) -> list:
        arn = service_arn(call, call.param(member))
        keys = {"servicediscovery:ServiceArn": arn, "servicediscovery:ServiceCreatedByAccount": call.account}
        return [authorize(call, discovery_action(call), arn, keys=keys)]
    return build


def discovery_tags(call: Call) -> dict | None:
    return pairs(call.param("Tags", required=False)) or None


def create_private_dns_namespace(call: Call) -> list:
    """Cloud Map makes the namespace's private hosted zone with the caller's Route 53 and EC2 rights
    (CLOUD_MAP_PERMISSIONS): CreateHostedZone (for the request's VPC), GetHostedZone (of the zone it makes, whose
    ID is not known yet: PLACEHOLDER), ListHostedZonesByName, ec2:DescribeVpcs and ec2:DescribeRegions."""
    vpcs = [vpcs_key(call.param("Vpc"), call.region)]
    return [authorize(call, discovery_action(call), request_tags=discovery_tags(call)),
            authorize(call, "route53:CreateHostedZone", keys={"route53:VPCs": vpcs}),
            authorize(call, "route53:GetHostedZone", route53_arn("hostedzone", f"Z{PLACEHOLDER}"), existing=False),
            authorize(call, "route53:ListHostedZonesByName"),
            authorize(call, "ec2:DescribeVpcs"),
            authorize(call, "ec2:DescribeRegions")]


def create_discovery_service(call: Call) -> list:
    """On the namespace and the new service. The permissions reference lists no tagging action for CreateService
    (CLOUD_MAP_PERMISSIONS): its Tags are judged by aws:RequestTag alone."""
    namespace = call.param("NamespaceId", required=False) or (call.param("DnsConfig", required=False) or {}).get(
        "NamespaceId")
    if not namespace:
        raise Unjudgeable("servicediscovery CreateService without a namespace")
    keys = {"servicediscovery:NamespaceArn": namespace_arn(call, namespace)}
    tags = discovery_tags(call)
    return [authorize(call, discovery_action(call), namespace_arn(call, namespace), request_tags=tags, keys=keys),
            authorize(call, discovery_action(call), service_arn(call, f"srv-{PLACEHOLDER}"), request_tags=tags,
                      keys=keys, existing=False)]


def get_operation(call: Call) -> list:
    """GetOperation is authorized on the namespace (and service) the operation is about, read from the emulator;
    an operation the emulator does not know is judged against a placeholder namespace."""
    operation = call.live.discovery_operation(call.param("OperationId")) or {}
    targets = operation.get("Targets") or {}
    arns = [namespace_arn(call, targets.get("NAMESPACE") or f"ns-{PLACEHOLDER}")]
    if targets.get("SERVICE"):
        arns.append(service_arn(call, targets["SERVICE"]))
    return [authorize(call, discovery_action(call), arn) for arn in arns]


def discovery_tag_resource(call: Call) -> list:
    """TagResource with the tags it adds (https://docs.aws.amazon.com/cloud-map/latest/api/API_TagResource.html).
    The SAR gives it no resource type (Resource "*"), only aws:RequestTag and aws:TagKeys: the tagged resource's
    own tags are not in the context."""
    call.param("ResourceARN")
    return [authorize(call, discovery_action(call), request_tags=discovery_tags(call))]


def deregister_instance(call: Call) -> list:
    """Cloud Map deletes the instance's Route 53 health check with the caller's rights. The permissions reference
    (CLOUD_MAP_PERMISSIONS) lists the three Route 53 actions as required for DeregisterInstance without a
    condition, so they are required whether or not the service has a HealthCheckConfig (the stricter reading).
    The check's ID is not in the request: PLACEHOLDER."""
    found = on_service("ServiceId")(call)
    check = route53_arn("healthcheck", PLACEHOLDER)
    found += [authorize(call, f"route53:{action}", check)
              for action in ("GetHealthCheck", "DeleteHealthCheck", "UpdateHealthCheck")]
    return found


# ----------------------------------------------------------------------------------------------------------------
# ECS (SAR_ECS): arn:aws:ecs:{region}:{account}:service/{cluster name}/{service name}


def cluster_name(call: Call) -> str:
    cluster = call.param("cluster", required=False) or "default"
    return cluster.rsplit("/", 1)[-1] if cluster.startswith("arn:") else cluster


def cluster_arn(call: Call, name: str | None = None) -> str:
    return call.arn("ecs", f"cluster/{name or cluster_name(call)}")


def ecs_service_arn(call: Call, service: str) -> str:
    if service.startswith("arn:"):
        return service
    return call.arn("ecs", f"service/{cluster_name(call)}/{service}")


def ecs_plain(call: Call) -> list:
    return [authorize(call, f"ecs:{call.request.operation}", keys={"ecs:cluster": cluster_arn(call)})]


def describe_services(call: Call) -> list:
    keys = {"ecs:cluster": cluster_arn(call)}
    return [authorize(call, "ecs:DescribeServices", ecs_service_arn(call, service), keys=keys)
            for service in call.param("services")]


def describe_clusters(call: Call) -> list:
    names = call.param("clusters", required=False) or ["default"]
    return [authorize(call, "ecs:DescribeClusters", name if name.startswith("arn:") else cluster_arn(call, name))
            for name in names]


def update_service_keys(call: Call) -> dict:
    """The keys of UpdateService's request that the reference lists, where the request sets them."""
    get = lambda name: call.param(name, required=False)  # noqa: E731
    keys = {"ecs:cluster": cluster_arn(call)}
    definition = get("taskDefinition")
    if definition:
        keys["ecs:task-definition"] = (definition if definition.startswith("arn:")
                                       else call.arn("ecs", f"task-definition/{definition}"))
    for member, key in (("enableExecuteCommand", "ecs:enable-execute-command"),
                        ("enableECSManagedTags", "ecs:enable-ecs-managed-tags"),
                        ("propagateTags", "ecs:propagate-tags")):
        if get(member) is not None:
            keys[key] = get(member)
    network = (get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    if network.get("subnets"):
        keys["ecs:subnet"] = list(network["subnets"])
    if network.get("assignPublicIp"):
        keys["ecs:auto-assign-public-ip"] = network["assignPublicIp"] == "ENABLED"
    providers = [item.get("capacityProvider") for item in get("capacityProviderStrategy") or ()]
    if providers:
        keys["ecs:capacity-provider"] = providers
    connect = get("serviceConnectConfiguration")
    if connect:
        keys["ecs:enable-service-connect"] = bool(connect.get("enabled"))
        if connect.get("namespace"):
            keys["ecs:namespace"] = connect["namespace"]
    return keys


ECS_PASS_ROLE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/infrastructure_IAM_role.html"


def passed_roles(call: Call) -> list:
    """The roles a service's request hands to ECS, each needing the caller's iam:PassRole with iam:PassedToService
    ecs.amazonaws.com (ECS_PASS_ROLE): the infrastructure role of each VPC Lattice configuration and the role of
    each Service Connect TLS configuration. Their tags are not read (moto keeps none for ecsnet's roles)."""
    roles = [item.get("roleArn") for item in call.param("vpcLatticeConfigurations", required=False) or ()]
    connect = call.param("serviceConnectConfiguration", required=False) or {}
    roles += [(service.get("tls") or {}).get("roleArn") for service in connect.get("services") or ()]
    return [authorize(call, "iam:PassRole", role, keys={"iam:PassedToService": "ecs.amazonaws.com"}, existing=False)
            for role in dict.fromkeys(role for role in roles if role)]


def update_service(call: Call) -> list:
    arn = ecs_service_arn(call, call.param("service"))
    return [authorize(call, "ecs:UpdateService", arn, keys=update_service_keys(call)), *passed_roles(call)]


def ecs_tag_resource(call: Call) -> list:
    tags = pairs(call.param("tags", required=False), "key", "value") or None
    return [authorize(call, "ecs:TagResource", call.param("resourceArn"), request_tags=tags)]


def ecs_untag_resource(call: Call) -> list:
    keys = list(call.param("tagKeys", required=False) or [])
    return [authorize(call, "ecs:UntagResource", call.param("resourceArn"), tag_keys=keys)]


# ----------------------------------------------------------------------------------------------------------------
# VPC Lattice (SAR_LATTICE): arn:aws:vpc-lattice:{region}:{account}:service/{svc-id}, …/listener/{id}, …/rule/{id},
# servicenetwork/{sn-id}, servicenetworkserviceassociation/{snsa-id}, servicenetworkvpcassociation/{snva-id},
# targetgroup/{tg-id}. Every *Identifier member takes an id or an ARN.

LATTICE_KINDS = {"svc": "service", "sn": "servicenetwork", "snsa": "servicenetworkserviceassociation",
                 "snva": "servicenetworkvpcassociation", "tg": "targetgroup"}


def lattice_arn(call: Call, identifier: str) -> str:
    """The ARN of a top-level VPC Lattice resource given by id or ARN."""
    if identifier.startswith("arn:"):
        return identifier
    kind = LATTICE_KINDS.get(identifier.split("-", 1)[0])
    if kind is None:
        raise Unjudgeable(f"vpc-lattice {call.request.operation}: no resource type for {identifier}")
    return call.arn("vpc-lattice", f"{kind}/{identifier}")


def lattice_id(identifier: str) -> str:
    return identifier.rsplit("/", 1)[-1] if identifier.startswith("arn:") else identifier


def listener_arn(call: Call) -> str:
    listener = call.param("listenerIdentifier")
    if listener.startswith("arn:"):
        return listener
    return f"{lattice_arn(call, call.param('serviceIdentifier'))}/listener/{listener}"


def rule_arn(call: Call) -> str:
    rule = call.param("ruleIdentifier")
    return rule if rule.startswith("arn:") else f"{listener_arn(call)}/rule/{rule}"


def lattice_action(call: Call) -> str:
    return f"vpc-lattice:{call.request.operation}"


def target_group_arns(call: Call, member: str) -> dict:
    """vpc-lattice:TargetGroupArns: the target groups a listener's or rule's action forwards to."""
    action = call.param(member, required=False) or {}
    groups = ((action.get("forward") or {}).get("targetGroups")) or ()
    arns = [lattice_arn(call, group["targetGroupIdentifier"]) for group in groups
            if group.get("targetGroupIdentifier")]
    return {"vpc-lattice:TargetGroupArns": arns} if arns else {}


def lattice_linked_role(call: Call) -> Check:
    """The first service, service network or target group of an account makes VPC Lattice's service-linked role with
    the caller's iam:CreateServiceLinkedRole (the reference's dependent action; LATTICE_LINKED_ROLE). moto makes no
    service-linked role, so every such create needs it, as for ELB's."""
    service = "vpc-lattice.amazonaws.com"
    role = f"arn:aws:iam::{call.account}:role/aws-service-role/{service}/AWSServiceRoleForVpcLattice"
    return authorize(call, "iam:CreateServiceLinkedRole", role, keys={"iam:AWSServiceName": service},
                     existing=False)


def lattice_create(kind: str, prefix: str, keys: Callable = lambda call: {}, parents: Callable = lambda call: [],
                   linked_role: bool = False) -> Callable:
    """A create: the action on the new resource (an ARN with the placeholder id), its tags as aws:RequestTag, and
    vpc-lattice:TagResource on it with vpc-lattice:CreateAction when the request tags it (SAR_LATTICE_OPERATIONS)."""
    def build(call: Call) -> list:
        tags = call.param("tags", required=False) or None
        path = kind(call) if callable(kind) else f"{kind}/{prefix}-{PLACEHOLDER}"
        new = path if path.startswith("arn:") else call.arn("vpc-lattice", path)
        found = [authorize(call, lattice_action(call), new, request_tags=tags, keys=keys(call), existing=False)]
        found += [authorize(call, lattice_action(call), arn, keys=keys(call)) for arn in parents(call)]
        if tags:
            found.append(authorize(call, "vpc-lattice:TagResource", new, request_tags=tags,
                                   keys={"vpc-lattice:CreateAction": call.request.operation}, existing=False))
        if linked_role:
            found.append(lattice_linked_role(call))
        return found
    return build


def lattice_on(arn_of: Callable, keys: Callable = lambda call: {}, lazy: Callable = lambda call: {},
               extra: Callable = lambda call: []) -> Callable:
    """The action on the existing resource `arn_of(call)` names."""
    def build(call: Call) -> list:
        return [authorize(call, lattice_action(call), arn_of(call), keys=keys(call), lazy=lazy(call)), *extra(call)]
    return build


def member_arn(member: str) -> Callable:
    return lambda call: lattice_arn(call, call.param(member))


def auth_type_key(call: Call) -> dict:
    auth_type = call.param("authType", required=False)
    return {"vpc-lattice:AuthType": auth_type} if auth_type else {}


def association_keys(kind: str, member: str) -> Callable:
    """vpc-lattice:ServiceArn and ServiceNetworkArn (service associations), ServiceNetworkArn and VpcId (VPC
    associations) of an existing association, read from the emulator when a policy asks."""
    def lazy(call: Call) -> dict:
        arn = lattice_arn(call, call.param(member))

        def read(field: str):
            return lambda: (call.live.lattice_association(kind, arn) or {}).get(field)
        if kind == "service":
            return {"vpc-lattice:ServiceArn": read("serviceArn"),
                    "vpc-lattice:ServiceNetworkArn": read("serviceNetworkArn")}
        return {"vpc-lattice:ServiceNetworkArn": read("serviceNetworkArn"), "vpc-lattice:VpcId": read("vpcId")}
    return lazy


def security_group_ids_key(call: Call) -> dict:
    groups = call.param("securityGroupIds", required=False)
    return {"vpc-lattice:SecurityGroupIds": list(groups)} if groups else {}


def list_filter_keys(*pairs_of: tuple) -> Callable:
    """A List operation's filters as the reference's keys (ServiceNetworkArn, ServiceArn, VpcId)."""
    def keys(call: Call) -> dict:
        found = {}
        for member, key in pairs_of:
            value = call.param(member, required=False)
            if value:
                found[key] = value if key == "vpc-lattice:VpcId" else lattice_arn(call, value)
        return found
    return keys


def create_service_association_keys(call: Call) -> dict:
    return {"vpc-lattice:ServiceArn": lattice_arn(call, call.param("serviceIdentifier")),
            "vpc-lattice:ServiceNetworkArn": lattice_arn(call, call.param("serviceNetworkIdentifier"))}


def create_vpc_association_keys(call: Call) -> dict:
    return {"vpc-lattice:ServiceNetworkArn": lattice_arn(call, call.param("serviceNetworkIdentifier")),
            "vpc-lattice:VpcId": call.param("vpcIdentifier"), **security_group_ids_key(call)}


def create_vpc_association(call: Call) -> list:
    """On the new association and the service network; VPC Lattice reads the VPC with the caller's ec2:DescribeVpcs
    (the reference's dependent action)."""
    build = lattice_create("servicenetworkvpcassociation", "snva", create_vpc_association_keys,
                           parents=lambda call: [lattice_arn(call, call.param("serviceNetworkIdentifier"))])
    return [*build(call), authorize(call, "ec2:DescribeVpcs")]


def update_vpc_association(call: Call) -> list:
    """The association; VPC Lattice reads the security groups and the VPC with the caller's
    ec2:DescribeSecurityGroups and ec2:DescribeVpcs (the reference's dependent actions)."""
    build = lattice_on(member_arn("serviceNetworkVpcAssociationIdentifier"), security_group_ids_key,
                       association_keys("vpc", "serviceNetworkVpcAssociationIdentifier"))
    return [*build(call), authorize(call, "ec2:DescribeSecurityGroups"), authorize(call, "ec2:DescribeVpcs")]


def new_listener(call: Call) -> str:
    return f"{lattice_arn(call, call.param('serviceIdentifier'))}/listener/listener-{PLACEHOLDER}"


def new_rule(call: Call) -> str:
    return f"{listener_arn(call)}/rule/rule-{PLACEHOLDER}"


def listener_create_keys(call: Call) -> dict:
    keys = target_group_arns(call, "defaultAction")
    if call.param("protocol", required=False):
        keys["vpc-lattice:Protocol"] = call.param("protocol")
    return keys


def target_group_vpc_key(call: Call) -> dict:
    vpc = (call.param("config", required=False) or {}).get("vpcIdentifier")
    return {"vpc-lattice:VpcId": vpc} if vpc else {}


def auth_policy_resource(call: Call) -> list:
    """Put/Get/DeleteAuthPolicy: on the service or the service network the policy belongs to."""
    return [authorize(call, lattice_action(call), lattice_arn(call, call.param("resourceIdentifier")))]


def lattice_tag_resource(call: Call) -> list:
    tags = call.param("tags", required=False) or None
    return [authorize(call, "vpc-lattice:TagResource", call.param("resourceArn"), request_tags=tags)]


def lattice_untag_resource(call: Call) -> list:
    keys = list(call.param("tagKeys", required=False) or [])
    return [authorize(call, "vpc-lattice:UntagResource", call.param("resourceArn"), tag_keys=keys)]


def lattice_plain(call: Call) -> list:
    """Operations the reference gives no resource type: Resource "*"."""
    return [authorize(call, lattice_action(call))]


def lattice_table() -> dict:
    lattice = "vpc-lattice"
    service, network = member_arn("serviceIdentifier"), member_arn("serviceNetworkIdentifier")
    group = member_arn("targetGroupIdentifier")
    snsa, snva = "serviceNetworkServiceAssociationIdentifier", "serviceNetworkVpcAssociationIdentifier"
    table = {(lattice, name): lattice_plain for name in (
        "ListServices", "ListServiceNetworks", "ListTargetGroups", "ListListeners", "ListRules",
        "ListTagsForResource")}
    table.update({
        (lattice, "CreateService"): lattice_create("service", "svc", auth_type_key, linked_role=True),
        (lattice, "GetService"): lattice_on(service),
        (lattice, "UpdateService"): lattice_on(service, auth_type_key),
        (lattice, "DeleteService"): lattice_on(service),
        (lattice, "CreateServiceNetwork"): lattice_create("servicenetwork", "sn", auth_type_key, linked_role=True),
        (lattice, "GetServiceNetwork"): lattice_on(network),
        (lattice, "UpdateServiceNetwork"): lattice_on(network, auth_type_key),
        (lattice, "DeleteServiceNetwork"): lattice_on(network),
        (lattice, "CreateServiceNetworkServiceAssociation"): lattice_create(
            "servicenetworkserviceassociation", "snsa", create_service_association_keys,
            parents=lambda call: [lattice_arn(call, call.param("serviceIdentifier")),
                                  lattice_arn(call, call.param("serviceNetworkIdentifier"))]),
        (lattice, "GetServiceNetworkServiceAssociation"): lattice_on(
            member_arn(snsa), lazy=association_keys("service", snsa)),
        (lattice, "DeleteServiceNetworkServiceAssociation"): lattice_on(
            member_arn(snsa), lazy=association_keys("service", snsa)),
        (lattice, "ListServiceNetworkServiceAssociations"): lattice_on(
            lambda call: "*", list_filter_keys(("serviceNetworkIdentifier", "vpc-lattice:ServiceNetworkArn"),
                                               ("serviceIdentifier", "vpc-lattice:ServiceArn"))),
        (lattice, "CreateServiceNetworkVpcAssociation"): create_vpc_association,
        (lattice, "GetServiceNetworkVpcAssociation"): lattice_on(member_arn(snva), lazy=association_keys("vpc", snva)),
        (lattice, "UpdateServiceNetworkVpcAssociation"): update_vpc_association,
        (lattice, "DeleteServiceNetworkVpcAssociation"): lattice_on(
            member_arn(snva), lazy=association_keys("vpc", snva)),
        (lattice, "ListServiceNetworkVpcAssociations"): lattice_on(
            lambda call: "*", list_filter_keys(("serviceNetworkIdentifier", "vpc-lattice:ServiceNetworkArn"),
                                               ("vpcIdentifier", "vpc-lattice:VpcId"))),
        (lattice, "CreateListener"): lattice_create(new_listener, "", listener_create_keys),
        (lattice, "GetListener"): lattice_on(listener_arn),
        (lattice, "UpdateListener"): lattice_on(listener_arn, lambda call: target_group_arns(call, "defaultAction")),
        (lattice, "DeleteListener"): lattice_on(listener_arn),
        (lattice, "CreateRule"): lattice_create(new_rule, "", lambda call: target_group_arns(call, "action")),
        (lattice, "GetRule"): lattice_on(rule_arn),
        (lattice, "UpdateRule"): lattice_on(rule_arn, lambda call: target_group_arns(call, "action")),
        (lattice, "DeleteRule"): lattice_on(rule_arn),
        (lattice, "CreateTargetGroup"): lattice_create("targetgroup", "tg", target_group_vpc_key, linked_role=True),
        (lattice, "GetTargetGroup"): lattice_on(group),
        (lattice, "UpdateTargetGroup"): lattice_on(group),
        (lattice, "DeleteTargetGroup"): lattice_on(group),
        (lattice, "RegisterTargets"): lattice_on(group),
        (lattice, "DeregisterTargets"): lattice_on(group),
        (lattice, "ListTargets"): lattice_on(group),
        (lattice, "PutAuthPolicy"): auth_policy_resource,
        (lattice, "GetAuthPolicy"): auth_policy_resource,
        (lattice, "DeleteAuthPolicy"): auth_policy_resource,
        (lattice, "TagResource"): lattice_tag_resource,
        (lattice, "UntagResource"): lattice_untag_resource,
    })
    return table


# ----------------------------------------------------------------------------------------------------------------
# The table: (SigV4 service, operation) → builder


def _table() -> dict:
    table = {}
    for name in ("DescribeVpcs", "DescribeSubnets", "DescribeSecurityGroups", "DescribeSecurityGroupRules",
                 "DescribeTags", "DescribeNetworkInterfaces", "DescribeAvailabilityZones",
                 "DescribeManagedPrefixLists"):
        table[("ec2", name)] = ec2_describe
    table.update({("ec2", "DescribeVpcAttribute"): describe_vpc_attribute,
                  ("ec2", "CreateSecurityGroup"): create_security_group,
                  ("ec2", "AuthorizeSecurityGroupIngress"): authorize_rules,
                  ("ec2", "AuthorizeSecurityGroupEgress"): authorize_rules,
                  ("ec2", "RevokeSecurityGroupIngress"): on_group_id,
                  ("ec2", "RevokeSecurityGroupEgress"): on_group_id,
                  ("ec2", "DeleteSecurityGroup"): on_group_id,
                  ("ec2", "CreateTags"): create_tags})
    elb = "elasticloadbalancing"
    for name in ("DescribeLoadBalancers", "DescribeTargetGroups", "DescribeTargetGroupAttributes",
                 "DescribeLoadBalancerAttributes", "DescribeTags", "DescribeListeners", "DescribeRules",
                 "DescribeTargetHealth"):
        table[(elb, name)] = elb_describe
    table.update({(elb, "CreateLoadBalancer"): create_load_balancer,
                  (elb, "CreateTargetGroup"): create_target_group,
                  (elb, "CreateListener"): create_listener,
                  (elb, "CreateRule"): create_rule,
                  (elb, "ModifyListener"): elb_on("ListenerArn", listener_keys),
                  (elb, "DeleteListener"): elb_on("ListenerArn"),
                  (elb, "ModifyRule"): elb_on("RuleArn"),
                  (elb, "DeleteRule"): elb_on("RuleArn"),
                  (elb, "SetRulePriorities"): set_rule_priorities,
                  (elb, "ModifyTargetGroup"): elb_on("TargetGroupArn"),
                  (elb, "ModifyTargetGroupAttributes"): elb_on("TargetGroupArn"),
                  (elb, "DeleteTargetGroup"): elb_on("TargetGroupArn"),
                  (elb, "ModifyLoadBalancerAttributes"): elb_on("LoadBalancerArn"),
                  (elb, "DeleteLoadBalancer"): elb_on("LoadBalancerArn"),
                  (elb, "SetSecurityGroups"): elb_on("LoadBalancerArn", security_groups_key),
                  (elb, "SetSubnets"): elb_on("LoadBalancerArn", subnets_key),
                  (elb, "AddTags"): elb_add_tags,
                  (elb, "RemoveTags"): elb_remove_tags})
    for name in ("ListHostedZones", "ListHostedZonesByName"):
        table[("route53", name)] = route53_plain
    table.update({("route53", "ListHostedZonesByVPC"): list_hosted_zones_by_vpc,
                  ("route53", "GetHostedZone"): on_zone("Id"),
                  ("route53", "UpdateHostedZoneComment"): on_zone("Id"),
                  ("route53", "DeleteHostedZone"): on_zone("Id"),
                  ("route53", "ListResourceRecordSets"): on_zone("HostedZoneId"),
                  ("route53", "ChangeResourceRecordSets"): change_record_sets,
                  ("route53", "GetChange"): get_change,
                  ("route53", "CreateHostedZone"): create_hosted_zone,
                  ("route53", "ChangeTagsForResource"): route53_tags,
                  ("route53", "ListTagsForResource"): route53_tags,
                  ("route53", "ListTagsForResources"): list_tags_for_resources})
    sd = "servicediscovery"
    for name in ("ListNamespaces", "ListServices", "ListOperations", "ListTagsForResource"):
        table[(sd, name)] = discovery_plain
    table.update({(sd, "GetNamespace"): on_namespace,
                  (sd, "UpdatePrivateDnsNamespace"): on_namespace,
                  (sd, "DeleteNamespace"): on_namespace,
                  (sd, "GetService"): on_service("Id"),
                  (sd, "UpdateService"): on_service("Id"),
                  (sd, "DeleteService"): on_service("Id"),
                  (sd, "ListInstances"): on_service("ServiceId"),
                  (sd, "DeregisterInstance"): deregister_instance,
                  (sd, "GetOperation"): get_operation,
                  (sd, "CreatePrivateDnsNamespace"): create_private_dns_namespace,
                  (sd, "CreateService"): create_discovery_service,
                  (sd, "TagResource"): discovery_tag_resource})
    table.update({("ecs", "ListServices"): ecs_plain,
                  ("ecs", "DescribeTaskDefinition"): lambda call: [authorize(call, "ecs:DescribeTaskDefinition")],
                  # No resource type and no condition key in the SAR: Resource "*".
                  ("ecs", "ListClusters"): lambda call: [authorize(call, "ecs:ListClusters")],
                  ("ecs", "DescribeServices"): describe_services,
                  ("ecs", "DescribeClusters"): describe_clusters,
                  ("ecs", "UpdateService"): update_service,
                  ("ecs", "TagResource"): ecs_tag_resource,
                  ("ecs", "UntagResource"): ecs_untag_resource})
    table.update(lattice_table())
    return table


BUILDERS = _table()
