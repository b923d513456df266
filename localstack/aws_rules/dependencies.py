"""AWS's delete and ordering rules the emulator does not enforce: a resource cannot be deleted while something uses
it, and cannot be used before what it depends on exists. Each rule refuses with AWS's error code and message.

Live state is read from the emulator through `Upstream`, only for the operations a rule is about.
"""
import threading
import time

from botocore.exceptions import ClientError

from .core import Config, Refusal, Rule, on
from .load_balancing_reads import (
    action_target_groups,
    listener_rules,
    paged,
    request_target_groups,
    routed_load_balancer,
)

EC2_DELETE_SECURITY_GROUP = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html"
LINGERING_INTERFACES = "https://github.com/hashicorp/terraform-provider-aws/issues/40"
ELB_DELETE_TARGET_GROUP = ("https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/"
                           "API_DeleteTargetGroup.html")
ELB_QUOTAS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html"
CLOUD_MAP_DELETE_NAMESPACE = "https://docs.aws.amazon.com/cloud-map/latest/api/API_DeleteNamespace.html"
CLOUD_MAP_DELETE_SERVICE = "https://docs.aws.amazon.com/cloud-map/latest/api/API_DeleteService.html"
ROUTE53_DELETE_HOSTED_ZONE = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteHostedZone.html"
ECS_CREATE_SERVICE = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html"
ECS_UPDATE_SERVICE = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html"


def target_group_users(elbv2, groups) -> dict | None:
    """Target group ARN → the load balancers whose listener default actions or rules forward to it, for these
    target groups; None if one of them does not exist (the emulator will say so).

    Read from the listeners and rules of the load balancers in the groups' VPCs: the emulator's DescribeTargetGroups
    LoadBalancerArns is stale after deletes and misses what ModifyListener and ModifyRule attach."""
    try:
        described = elbv2.describe_target_groups(TargetGroupArns=sorted(groups))["TargetGroups"]
    except ClientError:
        return None
    vpcs = {group.get("VpcId") for group in described}
    users = {}
    for load_balancer in paged(elbv2.describe_load_balancers, "LoadBalancers"):
        if load_balancer.get("VpcId") not in vpcs:
            continue
        arn = load_balancer["LoadBalancerArn"]
        for rule in listener_rules(elbv2, arn):
            for group in action_target_groups(rule.get("Actions")) & set(groups):
                users.setdefault(group, set()).add(arn)
    return users


# ----------------------------------------------------------------------------------------------------------------
# EC2


class SecurityGroupInUse(Rule):
    """DeleteSecurityGroup fails (DependencyViolation) while another group's rule references the group, while a load
    balancer uses it, and for `config.drain_time` after that load balancer was deleted (its network interfaces
    linger). DeleteLoadBalancer is watched: its groups are read before it is forwarded, and start draining once the
    emulator has deleted it."""
    name = "ec2-security-group-in-use"
    source = EC2_DELETE_SECURITY_GROUP + " " + LINGERING_INTERFACES
    applies_to = on("ec2", "DeleteSecurityGroup") | on("elasticloadbalancing", "DeleteLoadBalancer")

    def __init__(self, config: Config):
        self.config = config
        self._lock = threading.Lock()
        self._deleting = {}   # id(request) → (request, its load balancer's groups): DeleteLoadBalancer in flight
        self._draining = {}   # group id → time.monotonic() until which a deleted load balancer still uses it

    def check(self, request, upstream):
        if request.service == "elasticloadbalancing":   # DeleteLoadBalancer
            self.remember_groups(request, upstream)
            return None
        group = request.query.get("GroupId")
        if group and (self.draining(group) or self.used_by_load_balancer(request, upstream, group)
                      or self.referenced(request, upstream, group)):
            return Refusal("DependencyViolation", f"resource {group} has a dependent object")
        return None

    def observe(self, request, status, body):
        if request.service != "elasticloadbalancing":   # DeleteSecurityGroup: nothing to remember
            return None
        with self._lock:
            _, groups = self._deleting.pop(id(request), (None, []))
            if status == 200:
                until = time.monotonic() + self.config.drain_time
                for group in groups:
                    self._draining[group] = max(until, self._draining.get(group, 0))
        return None

    def remember_groups(self, request, upstream):
        try:
            found = upstream.client("elbv2", request.region).describe_load_balancers(
                LoadBalancerArns=[request.query.get("LoadBalancerArn", "")])["LoadBalancers"]
        except ClientError:
            return
        groups = [group for load_balancer in found for group in load_balancer.get("SecurityGroups", [])]
        with self._lock:
            self._deleting[id(request)] = (request, groups)   # the request is kept so that its id stays unique

    def draining(self, group: str) -> bool:
        with self._lock:
            until = self._draining.get(group)
            if until is not None and until <= time.monotonic():
                del self._draining[group]
                until = None
        return until is not None

    @staticmethod
    def used_by_load_balancer(request, upstream, group: str) -> bool:
        elbv2 = upstream.client("elbv2", request.region)
        return any(group in load_balancer.get("SecurityGroups", [])
                   for load_balancer in paged(elbv2.describe_load_balancers, "LoadBalancers"))

    @staticmethod
    def referenced(request, upstream, group: str) -> bool:
        """Another group has an inbound or outbound rule naming this one (a group's rules about itself do not count)."""
        ec2 = upstream.client("ec2", request.region)
        for direction in ("ip-permission.group-id", "egress.ip-permission.group-id"):
            found = ec2.describe_security_groups(Filters=[{"Name": direction, "Values": [group]}])["SecurityGroups"]
            if any(other["GroupId"] != group for other in found):
                return True
        return False


# ----------------------------------------------------------------------------------------------------------------
# ELBv2


class TargetGroupInUse(Rule):
    """DeleteTargetGroup fails (ResourceInUse) while a listener default action or a rule forwards to the group."""
    name = "elbv2-target-group-in-use"
    source = ELB_DELETE_TARGET_GROUP
    applies_to = on("elasticloadbalancing", "DeleteTargetGroup")

    def check(self, request, upstream):
        group = request.query.get("TargetGroupArn")
        if group and target_group_users(upstream.client("elbv2", request.region), [group]):
            return Refusal("ResourceInUse", f"Target group '{group}' is currently in use by a listener or a rule")
        return None


class TargetGroupOfOneLoadBalancer(Rule):
    """A target group belongs to one load balancer: a listener or rule of another may not forward to it
    (TargetGroupAssociationLimit; the quota "load balancers per target group" is 1)."""
    name = "elbv2-target-group-of-one-load-balancer"
    source = ELB_QUOTAS
    applies_to = on("elasticloadbalancing", "CreateListener", "ModifyListener", "CreateRule", "ModifyRule")

    def check(self, request, upstream):
        groups = request_target_groups(request)
        load_balancer = routed_load_balancer(request)
        if not groups or not load_balancer:
            return None
        users = target_group_users(upstream.client("elbv2", request.region), groups) or {}
        taken = sorted(group for group in groups if users.get(group, set()) - {load_balancer})
        if taken:
            return Refusal("TargetGroupAssociationLimit", "The following target groups cannot be associated with "
                                                          f"more than one load balancer: {', '.join(taken)}")
        return None


# ----------------------------------------------------------------------------------------------------------------
# Cloud Map


class NamespaceHasServices(Rule):
    """DeleteNamespace fails (ResourceInUse) while the namespace has services."""
    name = "servicediscovery-namespace-has-services"
    source = CLOUD_MAP_DELETE_NAMESPACE
    applies_to = on("servicediscovery", "DeleteNamespace")

    def check(self, request, upstream):
        namespace = request.json.get("Id")
        if not namespace:
            return None
        cloud_map = upstream.client("servicediscovery", request.region)
        listed = cloud_map.list_services(Filters=[{"Name": "NAMESPACE_ID", "Values": [namespace],
                                                   "Condition": "EQ"}])["Services"]
        # the emulator ignores the filter: confirm each service's namespace
        if any(cloud_map.get_service(Id=service["Id"])["Service"].get("NamespaceId") == namespace
               for service in listed):
            return Refusal("ResourceInUse",
                           "Namespace has associated services; delete the services before deleting the namespace")
        return None


class ServiceHasInstances(Rule):
    """DeleteService fails (ResourceInUse) while the service has registered instances."""
    name = "servicediscovery-service-has-instances"
    source = CLOUD_MAP_DELETE_SERVICE
    applies_to = on("servicediscovery", "DeleteService")

    def check(self, request, upstream):
        service = request.json.get("Id")
        if not service:
            return None
        try:
            instances = upstream.client("servicediscovery", request.region).list_instances(
                ServiceId=service)["Instances"]
        except ClientError:
            return None
        if instances:
            return Refusal("ResourceInUse",
                           "Service contains registered instances; delete the instances before deleting the service")
        return None


# ----------------------------------------------------------------------------------------------------------------
# Route 53


class HostedZoneNotEmpty(Rule):
    """DeleteHostedZone fails (HostedZoneNotEmpty) while records other than the zone apex's SOA and NS remain
    (a delegation's NS records below the apex count)."""
    name = "route53-hosted-zone-not-empty"
    source = ROUTE53_DELETE_HOSTED_ZONE
    applies_to = on("route53", "DeleteHostedZone")

    def check(self, request, upstream):
        zone = request.uri_path.rstrip("/").rsplit("/", 1)[-1]
        try:
            # records sort by name, the apex first: three are enough to see one that is not the apex SOA or NS
            page = upstream.client("route53", request.region).list_resource_record_sets(HostedZoneId=zone,
                                                                                       MaxItems="3")
        except ClientError:
            return None
        records = page["ResourceRecordSets"]
        apex = next((record["Name"] for record in records if record["Type"] == "SOA"), None)
        required = [record for record in records if record["Name"] == apex and record["Type"] in ("SOA", "NS")]
        if apex and (len(required) < len(records) or page.get("IsTruncated")):
            return Refusal("HostedZoneNotEmpty", "The specified hosted zone contains non-required resource record "
                                                 "sets and so cannot be deleted.")
        return None


# ----------------------------------------------------------------------------------------------------------------
# ECS


class TargetGroupWithoutLoadBalancer(Rule):
    """CreateService and UpdateService refuse a target group that no listener or rule forwards to yet."""
    name = "ecs-target-group-without-load-balancer"
    source = ECS_CREATE_SERVICE
    applies_to = on("ecs", "CreateService", "UpdateService")

    def check(self, request, upstream):
        groups = [entry.get("targetGroupArn") for entry in request.json.get("loadBalancers") or []
                  if entry.get("targetGroupArn")]
        if not groups:
            return None
        users = target_group_users(upstream.client("elbv2", request.region), groups)
        if users is None:
            return None
        for group in groups:
            if group not in users:
                return Refusal("InvalidParameterException", f"The target group with targetGroupArn {group} does "
                                                            "not have an associated load balancer.")
        return None


class DeploymentControllerLocksUpdate(Rule):
    """UpdateService of a service deployed by CodeDeploy (CODE_DEPLOY) or by task sets (EXTERNAL) may only change its
    desired count, deployment configuration, health check grace period, placement and tagging: AWS refuses a request
    that carries any of the parameters below, changed or not."""
    name = "ecs-deployment-controller-locks-update"
    source = ECS_UPDATE_SERVICE
    applies_to = on("ecs", "UpdateService")
    LOCKED = {"taskDefinition": "task definition", "networkConfiguration": "network parameters",
              "platformVersion": "platform version", "loadBalancers": "load balancers",
              "serviceRegistries": "service registries", "serviceConnectConfiguration": "Service Connect configuration"}
    LOCKED_BY = {"CODE_DEPLOY": dict(LOCKED),
                 "EXTERNAL": dict(LOCKED, capacityProviderStrategy="capacity provider strategy")}
    HINT = {"CODE_DEPLOY": "Use AWS CodeDeploy to trigger a new deployment.",
            "EXTERNAL": "Use CreateTaskSet to deploy a new task set."}

    def check(self, request, upstream):
        sent = [name for name in self.LOCKED_BY["EXTERNAL"] if name in request.json]
        if not sent or not request.json.get("service"):
            return None
        try:
            services = upstream.client("ecs", request.region).describe_services(
                cluster=request.json.get("cluster", "default"), services=[request.json["service"]])["services"]
        except ClientError:
            return None
        controller = ((services[0].get("deploymentController") or {}).get("type") if services else None) or "ECS"
        locked = [name for name in sent if name in self.LOCKED_BY.get(controller, {})]
        if locked:
            return Refusal("InvalidParameterException",
                           f"Unable to update {self.LOCKED_BY[controller][locked[0]]} on services with a {controller} "
                           f"deployment controller. {self.HINT[controller]}")
        return None


def rules(config: Config) -> list:
    return [SecurityGroupInUse(config), TargetGroupInUse(), TargetGroupOfOneLoadBalancer(), NamespaceHasServices(),
            ServiceHasInstances(), HostedZoneNotEmpty(), TargetGroupWithoutLoadBalancer(),
            DeploymentControllerLocksUpdate()]
