"""AWS quotas the emulator does not enforce: each rule refuses the request that would exceed one, with the error
code and message AWS answers.

Request parameters are read from the request itself (`Request.query`, `.json`, `.xml`); live state, where a quota
counts what already exists, from the emulator through `Upstream` (only for the operations the rule is about).
"""
import re
from typing import Optional

from botocore.exceptions import ClientError

from .core import Config, Refusal, Request, Rule
from .load_balancing_reads import action_target_groups, listener_rules, replaced_rule, request_target_groups, routed_load_balancer
from .query_params import counted_tag_keys, indices, listed

ELB_QUOTAS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html"
ELB_TAGS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-tags.html"
VPC_QUOTAS = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html"
EC2_CREATE_TAGS = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html"
ROUTE53_QUOTAS = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html"
ROUTE53_TXT = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html#TXTFormat"
ROUTE53_TAGS = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeTagsForResource.html"
ECS_SERVICE_REGISTRY = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRegistry.html"
ECS_AWSVPC = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html"
ECS_TARGET_GROUPS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/register-multiple-targetgroups.html"


# ----------------------------------------------------------------------------------------------------------------
# ELBv2


class UniqueTargetGroupsPerLoadBalancer(Rule):
    """At most 100 unique target groups per Application Load Balancer, counted over its listeners' default actions
    and rules (one target group used by several actions counts once)."""
    name = "elbv2-unique-target-groups-per-load-balancer"
    source = ELB_QUOTAS
    operations = ("CreateRule", "ModifyRule", "CreateListener", "ModifyListener")
    limit = 100

    def check(self, request, upstream):
        if request.service != "elasticloadbalancing" or request.operation not in self.operations:
            return None
        new_groups = request_target_groups(request)
        load_balancer = routed_load_balancer(request)
        if not new_groups or not load_balancer or "/app/" not in load_balancer:
            return None
        elbv2 = upstream.client("elbv2", request.region)
        groups = set(new_groups)
        for rule in listener_rules(elbv2, load_balancer):
            if not replaced_rule(request, rule):
                groups |= action_target_groups(rule.get("Actions"))
        if len(groups) > self.limit:
            return Refusal("TooManyUniqueTargetGroupsPerLoadBalancer",
                           "You've reached the limit on the number of unique target groups per load balancer across "
                           "all listeners. If a target group is used by multiple actions for a load balancer, it is "
                           "counted as only one use.")
        return None


class RulesPerLoadBalancer(Rule):
    """At most 100 rules per Application Load Balancer, default rules not counted."""
    name = "elbv2-rules-per-load-balancer"
    source = ELB_QUOTAS
    limit = 100

    def check(self, request, upstream):
        if request.service != "elasticloadbalancing" or request.operation != "CreateRule":
            return None
        load_balancer = routed_load_balancer(request)
        if not load_balancer or "/app/" not in load_balancer:
            return None
        rules = listener_rules(upstream.client("elbv2", request.region), load_balancer)
        if sum(1 for rule in rules if not rule.get("IsDefault")) >= self.limit:
            return Refusal("TooManyRules", "You've reached the limit on the number of rules per load balancer.")
        return None


class ConditionValuesPerRule(Rule):
    """At most 5 condition values in one rule, summed over its conditions (a query-string key/value pair is one)."""
    name = "elbv2-condition-values-per-rule"
    source = ELB_QUOTAS
    limit = 5
    VALUE = re.compile(r"Conditions\.member\.(\d+)\.(?:(\w+Config)\.)?Values\.member\.(\d+)(?:\.|$)")

    def check(self, request, upstream):
        if request.service != "elasticloadbalancing" or request.operation not in ("CreateRule", "ModifyRule"):
            return None
        # per condition: the values of its …Config, or else of its legacy Values (a condition may repeat them)
        values = {}
        for key in request.query:
            if m := self.VALUE.match(key):
                condition, config, index = m.groups()
                values.setdefault(condition, {}).setdefault(config or "", set()).add(index)
        total = 0
        for by_form in values.values():
            preferred = {form: found for form, found in by_form.items() if form} or by_form
            total += sum(len(found) for found in preferred.values())
        if total > self.limit:
            return Refusal("ValidationError", f"A rule can only have '{self.limit}' condition values")
        return None


class TagsPerElbResource(Rule):
    """At most 50 tags per load balancer, target group, listener or rule (`aws:` tags not counted)."""
    name = "elbv2-tags-per-resource"
    source = ELB_TAGS
    limit = 50
    creates = ("CreateLoadBalancer", "CreateTargetGroup", "CreateListener", "CreateRule")

    def check(self, request, upstream):
        if request.service != "elasticloadbalancing":
            return None
        new_keys = counted_tag_keys(listed(request.query, "Tags.member", ".Key"))
        if request.operation in self.creates:
            return self.refusal() if len(new_keys) > self.limit else None
        if request.operation != "AddTags" or not new_keys:
            return None
        arns = listed(request.query, "ResourceArns.member")
        try:
            described = upstream.client("elbv2", request.region).describe_tags(ResourceArns=arns)["TagDescriptions"]
        except ClientError:
            return None
        for description in described:
            existing = counted_tag_keys(tag["Key"] for tag in description.get("Tags", []))
            if len(existing | new_keys) > self.limit:
                return self.refusal()
        return None

    @staticmethod
    def refusal():
        return Refusal("TooManyTags", "You've reached the limit on the number of tags for this resource.")


class SecurityGroupsPerLoadBalancer(Rule):
    """At most 5 security groups per load balancer (its network interfaces carry them: 5 per interface)."""
    name = "elbv2-security-groups-per-load-balancer"
    source = ELB_QUOTAS
    limit = 5

    def check(self, request, upstream):
        if request.service != "elasticloadbalancing" or request.operation not in ("CreateLoadBalancer",
                                                                                  "SetSecurityGroups"):
            return None
        if len(set(listed(request.query, "SecurityGroups.member"))) > self.limit:
            return Refusal("InvalidConfigurationRequest",
                           "The maximum number of security groups per load balancer has been reached.")
        return None


# ----------------------------------------------------------------------------------------------------------------
# EC2


class RulesPerSecurityGroup(Rule):
    """At most 60 inbound and 60 outbound rules per security group, counted separately for IPv4 and IPv6; a rule
    that references a security group or prefix list counts once for each."""
    name = "ec2-rules-per-security-group"
    source = VPC_QUOTAS
    limit = 60

    def check(self, request, upstream):
        if request.service != "ec2" or request.operation not in ("AuthorizeSecurityGroupIngress",
                                                                 "AuthorizeSecurityGroupEgress"):
            return None
        q = request.query
        group_id = q.get("GroupId")
        new_ipv4, new_ipv6 = self.requested(q)
        if not group_id or not (new_ipv4 or new_ipv6):
            return None
        egress = request.operation == "AuthorizeSecurityGroupEgress"
        try:
            pages = upstream.client("ec2", request.region).get_paginator("describe_security_group_rules").paginate(
                Filters=[{"Name": "group-id", "Values": [group_id]}])
            rules = [rule for page in pages for rule in page["SecurityGroupRules"]]
        except ClientError:
            return None
        ipv4 = ipv6 = 0
        for rule in rules:
            if bool(rule.get("IsEgress")) != egress:
                continue
            both = bool(rule.get("ReferencedGroupInfo") or rule.get("PrefixListId"))
            ipv4 += bool(rule.get("CidrIpv4")) or both
            ipv6 += bool(rule.get("CidrIpv6")) or both
        if ipv4 + new_ipv4 > self.limit or ipv6 + new_ipv6 > self.limit:
            return Refusal("RulesPerSecurityGroupLimitExceeded",
                           "The maximum number of rules per security group has been reached.")
        return None

    @staticmethod
    def requested(q: dict):
        """(IPv4 rules, IPv6 rules) that the request adds."""
        ipv4 = ipv6 = 0
        for n in indices(q, "IpPermissions"):
            both = len(indices(q, f"IpPermissions.{n}.Groups")) + len(indices(q, f"IpPermissions.{n}.PrefixListIds"))
            ipv4 += len(indices(q, f"IpPermissions.{n}.IpRanges")) + both
            ipv6 += len(indices(q, f"IpPermissions.{n}.Ipv6Ranges")) + both
        legacy_cidr, legacy_group = bool(q.get("CidrIp")), bool(q.get("SourceSecurityGroupName"))
        return ipv4 + legacy_cidr + legacy_group, ipv6 + legacy_group


class TagsPerEc2Resource(Rule):
    """At most 50 tags per EC2 resource (`aws:` tags not counted): CreateTags and TagSpecifications on create."""
    name = "ec2-tags-per-resource"
    source = EC2_CREATE_TAGS
    limit = 50

    def check(self, request, upstream):
        if request.service != "ec2":
            return None
        q = request.query
        for spec in indices(q, "TagSpecification"):
            if len(counted_tag_keys(listed(q, f"TagSpecification.{spec}.Tag", ".Key"))) > self.limit:
                return self.refusal()
        if request.operation != "CreateTags":
            return None
        new_keys = counted_tag_keys(listed(q, "Tag", ".Key"))
        resources = listed(q, "ResourceId")
        if not new_keys or not resources:
            return None
        try:
            pages = upstream.client("ec2", request.region).get_paginator("describe_tags").paginate(
                Filters=[{"Name": "resource-id", "Values": resources}])
            tags = [tag for page in pages for tag in page["Tags"]]
        except ClientError:
            return None
        for resource in resources:
            existing = counted_tag_keys(tag["Key"] for tag in tags if tag["ResourceId"] == resource)
            if len(existing | new_keys) > self.limit:
                return self.refusal()
        return None

    @staticmethod
    def refusal():
        return Refusal("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.")


class SecurityGroupsPerNetworkInterface(Rule):
    """At most 5 security groups per network interface."""
    name = "ec2-security-groups-per-network-interface"
    source = VPC_QUOTAS
    limit = 5

    def check(self, request, upstream):
        if request.service != "ec2" or request.operation not in ("CreateNetworkInterface",
                                                                  "ModifyNetworkInterfaceAttribute"):
            return None
        if len(set(listed(request.query, "SecurityGroupId"))) > self.limit:
            return Refusal("SecurityGroupsPerInterfaceLimitExceeded",
                           "The maximum number of security groups per interface has been reached.")
        return None


# ----------------------------------------------------------------------------------------------------------------
# Route 53


def hosted_zone_of(request: Request) -> Optional[str]:
    """The bare hosted zone id of /2013-04-01/hostedzone/ID/… or /2013-04-01/tags/hostedzone/ID."""
    m = re.search(r"/hostedzone/([^/]+)", request.uri_path)
    return m.group(1) if m else None


def changes(request: Request) -> list:
    """ChangeResourceRecordSets: [(action, name, type, [values])]."""
    root = request.xml
    if root is None:
        return []
    return [(change.findtext("Action", ""), change.findtext("ResourceRecordSet/Name", ""),
             change.findtext("ResourceRecordSet/Type", ""),
             [value.text or "" for value in change.findall("ResourceRecordSet/ResourceRecords/ResourceRecord/Value")])
            for change in root.iter("Change")]


def invalid_change_batch(message: str) -> Refusal:
    """Route 53 answers a list of messages; SDKs show it in brackets."""
    return Refusal("InvalidChangeBatch", f"[{message}]")


class ChangeBatchSize(Rule):
    """One ChangeResourceRecordSets request: at most 1,000 ResourceRecord elements and 32,000 characters in all
    Value elements; an UPSERT's records and characters count twice."""
    name = "route53-change-batch-size"
    source = ROUTE53_QUOTAS + "#limits-api-requests-changeresourcerecordsets"
    record_limit = 1000
    character_limit = 32000

    def check(self, request, upstream):
        if request.service != "route53" or request.operation != "ChangeResourceRecordSets":
            return None
        records = characters = 0
        for action, _, _, values in changes(request):
            weight = 2 if action == "UPSERT" else 1
            records += weight * len(values)
            characters += weight * sum(len(value) for value in values)
        if records > self.record_limit:
            return invalid_change_batch(f"Number of records limit of {self.record_limit} exceeded.")
        if characters > self.character_limit:
            return invalid_change_batch(f"RDATA character limit of {self.character_limit} exceeded.")
        return None


def character_string_lengths(value: str) -> list:
    """The lengths of a TXT/SPF value's character strings: "quoted" strings (an escape, \\" or \\ddd, is one
    character) and bare words."""
    lengths, i = [], 0
    while i < len(value):
        if value[i].isspace():
            i += 1
        elif value[i] == '"':
            i, length = i + 1, 0
            while i < len(value) and value[i] != '"':
                i += 4 if value[i] == "\\" and value[i + 1:i + 4].isdigit() else 2 if value[i] == "\\" else 1
                length += 1
            lengths.append(length)
            i += 1
        else:
            start = i
            while i < len(value) and not value[i].isspace():
                i += 1
            lengths.append(i - start)
    return lengths


class TxtStringLength(Rule):
    """Each character string of a TXT or SPF record is at most 255 characters (split longer text into several
    "quoted" strings in one value)."""
    name = "route53-txt-string-length"
    source = ROUTE53_TXT
    limit = 255

    def check(self, request, upstream):
        if request.service != "route53" or request.operation != "ChangeResourceRecordSets":
            return None
        for action, _, record_type, values in changes(request):
            if action == "DELETE" or record_type not in ("TXT", "SPF"):
                continue
            for value in values:
                if any(length > self.limit for length in character_string_lengths(value)):
                    return invalid_change_batch("Invalid Resource Record: FATAL problem: CharacterStringTooLong "
                                                f"(Value is too long) encountered with '{value}'")
        return None


class RecordsPerHostedZone(Rule):
    """At most 10,000 records per hosted zone (its SOA and NS records included)."""
    name = "route53-records-per-hosted-zone"
    source = ROUTE53_QUOTAS + "#limits-api-entities-records"

    def __init__(self, limit: int = 10_000):
        self.limit = limit

    def check(self, request, upstream):
        if request.service != "route53" or request.operation != "ChangeResourceRecordSets":
            return None
        zone = hosted_zone_of(request)
        batch = changes(request)
        creates = sum(action == "CREATE" for action, *_ in batch)
        deletes = sum(action == "DELETE" for action, *_ in batch)
        upserts = [(name, record_type) for action, name, record_type, _ in batch if action == "UPSERT"]
        if not zone or not (creates or upserts):
            return None
        route53 = upstream.client("route53", request.region)
        try:
            count = route53.get_hosted_zone(Id=zone)["HostedZone"].get("ResourceRecordSetCount", 0)
            if count + creates + len(upserts) - deletes <= self.limit:
                return None
            added = sum(not self.exists(route53, zone, name, record_type) for name, record_type in upserts)
        except ClientError:
            return None
        if count + creates + added - deletes > self.limit:
            return invalid_change_batch(f"Exceeded limit MAX_RRSETS_BY_ZONE for zone: {zone}")
        return None

    @staticmethod
    def exists(route53, zone: str, name: str, record_type: str) -> bool:
        found = route53.list_resource_record_sets(HostedZoneId=zone, StartRecordName=name,
                                                  StartRecordType=record_type, MaxItems="1")["ResourceRecordSets"]
        return bool(found) and found[0]["Name"].rstrip(".").lower() == name.rstrip(".").lower() \
            and found[0]["Type"] == record_type


class TagsPerHostedZone(Rule):
    """At most 10 tags per hosted zone (or health check)."""
    name = "route53-tags-per-hosted-zone"
    source = ROUTE53_TAGS
    limit = 10

    def check(self, request, upstream):
        if request.service != "route53" or request.operation != "ChangeTagsForResource" or request.xml is None:
            return None
        added = {key.text for key in request.xml.findall("AddTags/Tag/Key")}
        removed = {key.text for key in request.xml.findall("RemoveTagKeys/Key")}
        resource_type, _, resource_id = request.uri_path.split("/tags/", 1)[-1].partition("/")
        if not added or not resource_id:
            return None
        try:
            existing = upstream.client("route53", request.region).list_tags_for_resource(
                ResourceType=resource_type, ResourceId=resource_id)["ResourceTagSet"].get("Tags", [])
        except ClientError:
            return None
        keys = ({tag["Key"] for tag in existing} - removed) | added
        if len(keys) > self.limit:
            return Refusal("InvalidInput",
                           f"A hosted zone or health check can have at most {self.limit} tags; this request would "
                           f"give {resource_id} {len(keys)}.")
        return None


# ----------------------------------------------------------------------------------------------------------------
# ECS


def invalid_parameter(message: str) -> Refusal:
    return Refusal("InvalidParameterException", message)


class ServiceRegistriesPerService(Rule):
    """An ECS service has at most one service registry."""
    name = "ecs-service-registries-per-service"
    source = ECS_SERVICE_REGISTRY

    def check(self, request, upstream):
        if request.service != "ecs" or request.operation not in ("CreateService", "UpdateService"):
            return None
        if len(request.json.get("serviceRegistries") or []) > 1:
            return invalid_parameter("Each service may be associated with one service registry. Multiple service "
                                     "registries for each service isn't supported.")
        return None


class TargetGroupsPerService(Rule):
    """An ECS service has at most 5 target groups (loadBalancers entries)."""
    name = "ecs-target-groups-per-service"
    source = ECS_TARGET_GROUPS
    limit = 5

    def check(self, request, upstream):
        if request.service != "ecs" or request.operation not in ("CreateService", "UpdateService"):
            return None
        if len(request.json.get("loadBalancers") or []) > self.limit:
            return invalid_parameter(f"loadBalancers can have at most {self.limit} items.")
        return None


class SecurityGroupsPerTaskInterface(Rule):
    """A task's network interface (awsvpcConfiguration) carries at most 5 security groups."""
    name = "ecs-security-groups-per-task-interface"
    source = ECS_AWSVPC
    limit = 5
    operations = ("CreateService", "UpdateService", "RunTask", "StartTask", "CreateTaskSet")

    def check(self, request, upstream):
        if request.service != "ecs" or request.operation not in self.operations:
            return None
        awsvpc = (request.json.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
        if len(awsvpc.get("securityGroups") or []) > self.limit:
            return invalid_parameter(f"securityGroups can have at most {self.limit} items.")
        return None


def rules(config: Config) -> list:
    return [UniqueTargetGroupsPerLoadBalancer(), RulesPerLoadBalancer(), ConditionValuesPerRule(),
            TagsPerElbResource(), SecurityGroupsPerLoadBalancer(),
            RulesPerSecurityGroup(), TagsPerEc2Resource(), SecurityGroupsPerNetworkInterface(),
            ChangeBatchSize(), TxtStringLength(), RecordsPerHostedZone(), TagsPerHostedZone(),
            ServiceRegistriesPerService(), TargetGroupsPerService(), SecurityGroupsPerTaskInterface()]
