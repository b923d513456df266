"""Reading ELBv2's live state from the emulator, and which load balancer and target groups a request touches: shared
by the quota and the dependency rules."""
import re

from botocore.exceptions import ClientError

from .core import Request
from .query_params import forwarded_target_groups, sends


def paged(call, key: str, **params):
    """Every item of a Marker-paged ELBv2 Describe call."""
    marker = None
    while True:
        page = call(**params, **({"Marker": marker} if marker else {}))
        yield from page.get(key, [])
        marker = page.get("NextMarker")
        if not marker:
            return


def action_target_groups(actions: list) -> set:
    groups = set()
    for action in actions or []:
        if action.get("TargetGroupArn"):
            groups.add(action["TargetGroupArn"])
        for weighted in (action.get("ForwardConfig") or {}).get("TargetGroups", []):
            groups.add(weighted["TargetGroupArn"])
    return groups


def listener_rules(elbv2, load_balancer_arn: str) -> list:
    """Every rule of every listener of a load balancer (with its ListenerArn), each listener's default rule
    (IsDefault: its default actions) included; [] if the load balancer does not exist."""
    try:
        rules = []
        for listener in paged(elbv2.describe_listeners, "Listeners", LoadBalancerArn=load_balancer_arn):
            arn = listener["ListenerArn"]
            rules += [dict(rule, ListenerArn=arn) for rule in paged(elbv2.describe_rules, "Rules", ListenerArn=arn)]
        return rules
    except ClientError:
        return []


def load_balancer_of(arn: str) -> str | None:
    """The load balancer ARN a listener or rule ARN belongs to (AWS builds those ARNs from it)."""
    m = re.match(r"(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)(?:listener|listener-rule)/(\w+)/([^/]+)/([^/]+)/", arn)
    return f"{m[1]}loadbalancer/{m[2]}/{m[3]}/{m[4]}" if m else None


def routed_load_balancer(request: Request) -> str | None:
    """The load balancer a CreateListener, ModifyListener, CreateRule or ModifyRule request changes."""
    q = request.query
    if q.get("LoadBalancerArn"):
        return q["LoadBalancerArn"]
    return load_balancer_of(q.get("ListenerArn") or q.get("RuleArn") or "")


def replaced_rule(request: Request, rule: dict) -> bool:
    """The request replaces this rule's actions: ModifyRule of it, or ModifyListener of its listener's default rule."""
    q = request.query
    if request.operation == "ModifyRule":
        return rule.get("RuleArn") == q.get("RuleArn") and sends(q, "Actions")
    if request.operation == "ModifyListener":
        return rule.get("IsDefault") and rule["ListenerArn"] == q.get("ListenerArn") and sends(q, "DefaultActions")
    return False


def request_target_groups(request: Request) -> set:
    return forwarded_target_groups(request.query, "Actions") | forwarded_target_groups(request.query, "DefaultActions")
