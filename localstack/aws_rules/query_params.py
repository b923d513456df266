"""Reading the flat parameters of ec2 and query protocol requests ("Conditions.member.2.Values.member.1"), for the
rules that count what a request asks for."""
import re
from collections.abc import Iterable


def indices(params: dict, prefix: str) -> list:
    """The N of every `prefix.N` or `prefix.N.…` key, in order."""
    pattern = re.compile(re.escape(prefix) + r"\.(\d+)(?:\.|$)")
    return sorted({int(m.group(1)) for key in params if (m := pattern.match(key))})


def listed(params: dict, prefix: str, suffix: str = "") -> list:
    """The values of a listed parameter: listed(q, "SecurityGroups.member"), listed(q, "Tag", ".Key")."""
    keys = (f"{prefix}.{n}{suffix}" for n in indices(params, prefix))
    return [params[key] for key in keys if key in params]


def forwarded_target_groups(params: dict, actions: str) -> set:
    """Target groups the actions under `actions` ("Actions", "DefaultActions") forward to, ForwardConfig included."""
    return {value for key, value in params.items()
            if key.startswith(actions + ".member.") and key.endswith("TargetGroupArn") and value}


def sends(params: dict, name: str) -> bool:
    """The request sets the listed parameter `name` (an empty list included)."""
    return name in params or any(key.startswith(name + ".") for key in params)


def counted_tag_keys(keys: Iterable[str]) -> set:
    """Tag keys that count against a quota: `aws:` tags do not."""
    return {key for key in keys if not key.startswith("aws:")}


def reserved_tag_keys(keys: Iterable[str]) -> list:
    """The tag keys, in order, that only AWS may set or remove: those starting with `aws:`."""
    return [key for key in keys if key.startswith("aws:")]
