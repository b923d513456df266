"""AWS quotas the emulator does not enforce, and the restrictions that come with them on what a request may add (tag
keys AWS reserves, a record set that already exists): each rule refuses the request that would exceed one or break
one, with the error code and message AWS answers.

Request parameters are read from the request itself (`Request.query`, `.json`, `.xml`); live state, where a quota
counts what already exists, from the emulator through `Upstream` (only for the operations the rule is about: its
`applies_to`).
"""
import re

from botocore.exceptions import ClientError

from .core import Config, Refusal, Request, Rule, is_elbv2, on
from .load_balancing_reads import (
    action_target_groups,
    listener_rules,
    replaced_rule,
    request_target_groups,
    routed_load_balancer,
)
from .query_params import counted_tag_keys, indices, listed, reserved_tag_keys

ELB_QUOTAS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html"
ELB_TAGS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-tags.html"
VPC_QUOTAS = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html"
ELB_ADD_TAGS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AddTags.html"
ELB_DESCRIBE_TAGS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTags.html"
EC2_CREATE_TAGS = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html"
EC2_TAG = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Tag.html"
ROUTE53_CHANGE_RECORD_SETS = ("https://docs.aws.amazon.com/Route53/latest/APIReference/"
                              "API_ChangeResourceRecordSets.html")
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
    applies_to = on("elasticloadbalancing", "CreateRule", "ModifyRule", "CreateListener", "ModifyListener")
    limit = 100

    def check(self, request, upstream):
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
    applies_to = on("elasticloadbalancing", "CreateRule")
    limit = 100

    def check(self, request, upstream):
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
    applies_to = on("elasticloadbalancing", "CreateRule", "ModifyRule")
    limit = 5
    VALUE = re.compile(r"Conditions\.member\.(\d+)\.(?:(\w+Config)\.)?Values\.member\.(\d+)(?:\.|$)")

    def check(self, request, upstream):
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
    applies_to = on("elasticloadbalancing", "AddTags", *creates)

    def check(self, request, upstream):
        new_keys = counted_tag_keys(listed(request.query, "Tags.member", ".Key"))
        if request.operation in self.creates:
            return self.refusal() if len(new_keys) > self.limit else None
        if not new_keys:   # AddTags
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


class ReservedElbTagKeys(Rule):
    """Tag keys starting with `aws:` are AWS's own ("Do not use the aws: prefix in your tag names or values because
    it is reserved for AWS use. You can't edit or delete tag names or values with this prefix."): AddTags and the
    creates' Tags may not set one, RemoveTags may not remove one. The answer is the one AWS gave CreateLoadBalancer
    (aws/elastic-load-balancing-tools#6); RemoveTags' wording is not on record and is given the same."""
    name = "elbv2-reserved-tag-keys"
    source = ELB_TAGS + " https://github.com/aws/elastic-load-balancing-tools/issues/6"
    operations = {"AddTags": "Tags.member", "RemoveTags": "TagKeys.member", **{
        create: "Tags.member" for create in TagsPerElbResource.creates}}
    applies_to = on("elasticloadbalancing", *operations, where=is_elbv2)

    def check(self, request, upstream):
        prefix = self.operations[request.operation]
        keys = listed(request.query, prefix, ".Key" if prefix == "Tags.member" else "")
        reserved = reserved_tag_keys(keys)
        if reserved:
            return Refusal("ValidationError", f"Tag key '{reserved[0]}' cannot start with 'aws:'")
        return None


class DuplicateElbTagKeys(Rule):
    """One request may not name a tag key twice (AddTags and the creates' Tags: DuplicateTagKeys, "A tag key was
    specified more than once.")."""
    name = "elbv2-duplicate-tag-keys"
    source = ELB_ADD_TAGS
    applies_to = on("elasticloadbalancing", "AddTags", *TagsPerElbResource.creates, where=is_elbv2)

    def check(self, request, upstream):
        keys = listed(request.query, "Tags.member", ".Key")
        if len(set(keys)) < len(keys):
            return Refusal("DuplicateTagKeys", "A tag key was specified more than once.")
        return None


class ResourcesPerElbDescribeTags(Rule):
    """DescribeTags names at most 20 resources ("You can specify up to 20 resources in a single call"; the model
    gives the list no `max`, so the request-shapes rule does not see it). The answer is Coral's for a list over its
    maximum (the wording is not on record). AddTags and RemoveTags document no such limit."""
    name = "elbv2-resources-per-describe-tags"
    source = ELB_DESCRIBE_TAGS
    applies_to = on("elasticloadbalancing", "DescribeTags", where=is_elbv2)
    limit = 20

    def check(self, request, upstream):
        arns = listed(request.query, "ResourceArns.member")
        if len(arns) > self.limit:
            return Refusal("ValidationError", f"1 validation error detected: Value '[{', '.join(arns)}]' at "
                                              "'resourceArns' failed to satisfy constraint: Member must have length "
                                              f"less than or equal to {self.limit}")
        return None


class SecurityGroupsPerLoadBalancer(Rule):
    """At most 5 security groups per load balancer (its network interfaces carry them: 5 per interface)."""
    name = "elbv2-security-groups-per-load-balancer"
    source = ELB_QUOTAS
    applies_to = on("elasticloadbalancing", "CreateLoadBalancer", "SetSecurityGroups")
    limit = 5

    def check(self, request, upstream):
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
    applies_to = on("ec2", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress")
    limit = 60

    def check(self, request, upstream):
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
    applies_to = on("ec2")   # any create may carry TagSpecifications
    limit = 50

    def check(self, request, upstream):
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


class Ec2TagRestrictions(Rule):
    """What an EC2 tag may be (the Tag type: "Tag keys are case-sensitive and accept a maximum of 127 Unicode
    characters. May not begin with aws:." and values "a maximum of 256 Unicode characters"), in CreateTags,
    DeleteTags and the TagSpecifications of a create. The model's Tag has no constraints, so the request-shapes rule
    lets all of it through. AWS's answers, as seen: a reserved key in CreateTags (and DeleteTags)
    "InvalidParameterValue: Value ( aws:cloudformation:stack-name ) for parameter key is invalid. Tag keys starting
    with 'aws:' are reserved for internal use" (kubernetes-sigs/cluster-api-provider-aws#5120), in TagSpecifications
    "Tag keys starting with 'aws:' are reserved for internal use" (jcjorel/ec2-spot-converter#13); lengths "Tag key
    exceeds the maximum length of 128 characters" for a key of 129 (skypilot-org/skypilot#1992: AWS takes 128,
    not the 127 the page says) and "Tag value exceeds the maximum length of 256 characters"
    (iriusrisk/GoCD-EC2-Elastic-Agent-Plugin#24)."""
    name = "ec2-tag-restrictions"
    source = (EC2_TAG + " https://github.com/kubernetes-sigs/cluster-api-provider-aws/issues/5120"
              " https://github.com/skypilot-org/skypilot/pull/1992")
    applies_to = on("ec2")   # any create may carry TagSpecifications
    key_limit = 128
    value_limit = 256

    def check(self, request, upstream):
        q = request.query
        for spec in indices(q, "TagSpecification"):
            refused = self.refusal(q, f"TagSpecification.{spec}.Tag", reserved_message="")
            if refused:
                return refused
        if request.operation in ("CreateTags", "DeleteTags"):
            return self.refusal(q, "Tag", reserved_message="Value ( {key} ) for parameter key is invalid. ")
        return None

    def refusal(self, q: dict, prefix: str, reserved_message: str) -> Refusal | None:
        keys = listed(q, prefix, ".Key")
        reserved = reserved_tag_keys(keys)
        if reserved:
            return Refusal("InvalidParameterValue", reserved_message.format(key=reserved[0])
                           + "Tag keys starting with 'aws:' are reserved for internal use")
        if any(len(key) > self.key_limit for key in keys):
            return Refusal("InvalidParameterValue", f"Tag key exceeds the maximum length of {self.key_limit} "
                                                    "characters")
        if any(len(value) > self.value_limit for value in listed(q, prefix, ".Value")):
            return Refusal("InvalidParameterValue", f"Tag value exceeds the maximum length of {self.value_limit} "
                                                    "characters")
        return None


class SecurityGroupsPerNetworkInterface(Rule):
    """At most 5 security groups per network interface."""
    name = "ec2-security-groups-per-network-interface"
    source = VPC_QUOTAS
    applies_to = on("ec2", "CreateNetworkInterface", "ModifyNetworkInterfaceAttribute")
    limit = 5

    def check(self, request, upstream):
        if len(set(listed(request.query, "SecurityGroupId"))) > self.limit:
            return Refusal("SecurityGroupsPerInterfaceLimitExceeded",
                           "The maximum number of security groups per interface has been reached.")
        return None


# ----------------------------------------------------------------------------------------------------------------
# Route 53


def hosted_zone_of(request: Request) -> str | None:
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
    applies_to = on("route53", "ChangeResourceRecordSets")
    record_limit = 1000
    character_limit = 32000

    def check(self, request, upstream):
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
    applies_to = on("route53", "ChangeResourceRecordSets")
    limit = 255

    def check(self, request, upstream):
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
    applies_to = on("route53", "ChangeResourceRecordSets")

    def __init__(self, limit: int = 10_000):
        self.limit = limit

    def check(self, request, upstream):
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


class RecordSetAlreadyExists(Rule):
    """A CREATE names a record set (name and type) that does not exist yet: AWS refuses a CREATE of an existing one
    whatever its values ("CREATE: Creates a resource record set that has the specified values."; to replace one,
    UPSERT or DELETE it first), with "InvalidChangeBatch: [Tried to create resource record set
    [name='www.example.com.', type='A'] but it already exists]". The emulator refuses only a CREATE identical to
    an earlier one and otherwise adds a second record set of that name and type. A batch's changes apply in order
    (a DELETE then a CREATE of the same record set passes). Records with a SetIdentifier (weighted, latency…
    routing) are left alone: several may share a name and type."""
    name = "route53-record-set-already-exists"
    source = ROUTE53_CHANGE_RECORD_SETS
    applies_to = on("route53", "ChangeResourceRecordSets")

    def check(self, request, upstream):
        if request.xml is None:
            return None
        zone = hosted_zone_of(request)
        if not zone:
            return None
        route53 = upstream.client("route53", request.region)
        present = {}    # (name, type) → exists, as the batch has left it so far
        for change in request.xml.iter("Change"):
            if change.find("ResourceRecordSet/SetIdentifier") is not None:
                continue
            action = change.findtext("Action", "")
            name = change.findtext("ResourceRecordSet/Name", "").rstrip(".").lower() + "."
            record_type = change.findtext("ResourceRecordSet/Type", "")
            key = (name, record_type)
            if action == "CREATE":
                if key not in present:
                    try:
                        present[key] = RecordsPerHostedZone.exists(route53, zone, name, record_type)
                    except ClientError:
                        return None
                if present[key]:
                    return invalid_change_batch(f"Tried to create resource record set [name='{name}', "
                                                f"type='{record_type}'] but it already exists")
            present[key] = action != "DELETE"
        return None


class TagsPerHostedZone(Rule):
    """At most 10 tags per hosted zone (or health check)."""
    name = "route53-tags-per-hosted-zone"
    source = ROUTE53_TAGS
    applies_to = on("route53", "ChangeTagsForResource")
    limit = 10

    def check(self, request, upstream):
        if request.xml is None:
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
    applies_to = on("ecs", "CreateService", "UpdateService")

    def check(self, request, upstream):
        if len(request.json.get("serviceRegistries") or []) > 1:
            return invalid_parameter("Each service may be associated with one service registry. Multiple service "
                                     "registries for each service isn't supported.")
        return None


class TargetGroupsPerService(Rule):
    """An ECS service has at most 5 target groups (loadBalancers entries)."""
    name = "ecs-target-groups-per-service"
    source = ECS_TARGET_GROUPS
    applies_to = on("ecs", "CreateService", "UpdateService")
    limit = 5

    def check(self, request, upstream):
        if len(request.json.get("loadBalancers") or []) > self.limit:
            return invalid_parameter(f"loadBalancers can have at most {self.limit} items.")
        return None


class SecurityGroupsPerTaskInterface(Rule):
    """A task's network interface (awsvpcConfiguration) carries at most 5 security groups."""
    name = "ecs-security-groups-per-task-interface"
    source = ECS_AWSVPC
    limit = 5
    applies_to = on("ecs", "CreateService", "UpdateService", "RunTask", "StartTask", "CreateTaskSet")

    def check(self, request, upstream):
        awsvpc = (request.json.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
        if len(awsvpc.get("securityGroups") or []) > self.limit:
            return invalid_parameter(f"securityGroups can have at most {self.limit} items.")
        return None


# ----------------------------------------------------------------------------------------------------------------
# VPC Lattice: its quotas page. A refusal is ServiceQuotaExceededException, HTTP 402 (the model's error shape;
# "The request would cause a service quota to be exceeded", each create's Errors in the API reference); AWS's
# message is not quoted there, so this one is written in its style.

LATTICE_QUOTAS = "https://docs.aws.amazon.com/vpc-lattice/latest/ug/quotas.html"


def lattice_params(request: Request) -> dict:
    """The request's input (URI labels and JSON body) by the model (wire.parse); {} when it cannot be read."""
    from . import wire
    parsed = wire.parse(request)
    return parsed.params if parsed is not None and isinstance(parsed.params, dict) else {}


def lattice_count(listing, **kwargs) -> int:
    """Every item of a paginated VPC Lattice List call."""
    total, token = 0, None
    while True:
        page = listing(**kwargs, **({"nextToken": token} if token else {}), maxResults=100)
        total += len(page.get("items") or [])
        token = page.get("nextToken")
        if not token:
            return total


def quota_exceeded(quota: str, limit: int) -> Refusal:
    return Refusal("ServiceQuotaExceededException",
                   f"You have reached the quota of {limit} {quota}. To raise it, request a quota increase.", 402)


class LatticeCountQuota(Rule):
    """A create refused when the resources it counts against already number `limit` (per Region, per service, …)."""
    source = LATTICE_QUOTAS
    quota = ""
    limit = 0

    def count(self, lattice, params) -> int | None:
        raise NotImplementedError

    def check(self, request, upstream):
        params = lattice_params(request)
        lattice = upstream.client("vpc-lattice", request.region)
        try:
            existing = self.count(lattice, params)
        except ClientError:
            return None            # the parent does not exist: the emulator answers that
        if existing is not None and existing >= self.limit:
            return quota_exceeded(self.quota, self.limit)
        return None


class LatticeListenersPerService(LatticeCountQuota):
    """Listeners per service: 2 (adjustable)."""
    name = "vpc-lattice-listeners-per-service"
    applies_to = on("vpc-lattice", "CreateListener")
    quota, limit = "listeners per service", 2

    def count(self, lattice, params):
        return lattice_count(lattice.list_listeners, serviceIdentifier=params["serviceIdentifier"])


class LatticeRulesPerListener(LatticeCountQuota):
    """Rules per listener: 10 (adjustable; the page said 5 in an earlier version). The default rule is not
    counted."""
    name = "vpc-lattice-rules-per-listener"
    applies_to = on("vpc-lattice", "CreateRule")
    quota, limit = "rules per listener", 10

    def count(self, lattice, params):
        found = lattice.list_rules(serviceIdentifier=params["serviceIdentifier"],
                                   listenerIdentifier=params["listenerIdentifier"], maxResults=100)["items"]
        return sum(1 for rule in found if not rule.get("isDefault"))


class LatticeServiceAssociationsPerServiceNetwork(LatticeCountQuota):
    """Service associations per service network: 500 (adjustable)."""
    name = "vpc-lattice-service-associations-per-service-network"
    applies_to = on("vpc-lattice", "CreateServiceNetworkServiceAssociation")
    quota, limit = "service associations per service network", 500

    def count(self, lattice, params):
        return lattice_count(lattice.list_service_network_service_associations,
                             serviceNetworkIdentifier=params["serviceNetworkIdentifier"])


class LatticeServiceNetworksPerRegion(LatticeCountQuota):
    """Service networks per Region: 50 (adjustable)."""
    name = "vpc-lattice-service-networks-per-region"
    applies_to = on("vpc-lattice", "CreateServiceNetwork")
    quota, limit = "service networks per Region", 50

    def count(self, lattice, params):
        return lattice_count(lattice.list_service_networks)


class LatticeServicesPerRegion(LatticeCountQuota):
    """Services per Region: 2,000 (adjustable)."""
    name = "vpc-lattice-services-per-region"
    applies_to = on("vpc-lattice", "CreateService")
    quota, limit = "services per Region", 2000

    def count(self, lattice, params):
        return lattice_count(lattice.list_services)


class LatticeTargetGroupsPerRegion(LatticeCountQuota):
    """Target groups per Region: 500 (adjustable)."""
    name = "vpc-lattice-target-groups-per-region"
    applies_to = on("vpc-lattice", "CreateTargetGroup")
    quota, limit = "target groups per Region", 500

    def count(self, lattice, params):
        return lattice_count(lattice.list_target_groups)


class LatticeAuthPolicySize(Rule):
    """Auth policy size: 10 kilobytes (not adjustable; the model allows 102,400 characters), counted here as 10,240
    bytes of the policy's JSON as sent."""
    name = "vpc-lattice-auth-policy-size"
    source = LATTICE_QUOTAS
    applies_to = on("vpc-lattice", "PutAuthPolicy")
    limit = 10 * 1024

    def check(self, request, upstream):
        policy = lattice_params(request).get("policy")
        if isinstance(policy, str) and len(policy.encode("utf-8")) > self.limit:
            return quota_exceeded("kilobytes per auth policy", self.limit // 1024)
        return None


def rules(config: Config) -> list:
    return [UniqueTargetGroupsPerLoadBalancer(), RulesPerLoadBalancer(), ConditionValuesPerRule(),
            ReservedElbTagKeys(), DuplicateElbTagKeys(), TagsPerElbResource(), ResourcesPerElbDescribeTags(),
            SecurityGroupsPerLoadBalancer(),
            RulesPerSecurityGroup(), Ec2TagRestrictions(), TagsPerEc2Resource(), SecurityGroupsPerNetworkInterface(),
            ChangeBatchSize(), TxtStringLength(), RecordSetAlreadyExists(), RecordsPerHostedZone(), TagsPerHostedZone(),
            ServiceRegistriesPerService(), TargetGroupsPerService(), SecurityGroupsPerTaskInterface(),
            LatticeListenersPerService(), LatticeRulesPerListener(), LatticeServiceAssociationsPerServiceNetwork(),
            LatticeServiceNetworksPerRegion(), LatticeServicesPerRegion(), LatticeTargetGroupsPerRegion(),
            LatticeAuthPolicySize()]
