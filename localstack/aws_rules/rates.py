"""Request rates as AWS documents them: token buckets per account (the request's access key), per service and,
where the service's page says so, per region, per operation or per category of operations.

A request takes one token from every bucket that applies to it, or, if any of them is empty, none and is refused
with the service's own throttling error. A bucket refills continuously at its documented rate up to its
documented capacity; it is created full. Checks are O(1) (one or two buckets per request) under one lock per rule.
Only when config.rates is true. The clock is an argument (default time.monotonic) so tests can move time.
"""
import threading
import time
from dataclasses import dataclass

from .core import Config, Refusal, Request, Rule, is_elbv2, on

EPSILON = 1e-9   # a token refilled over exactly 1/rate seconds counts as whole despite float rounding


@dataclass(frozen=True)
class Limit:
    """One documented bucket: `capacity` tokens at most (the burst), refilled at `refill` tokens per second."""
    capacity: float
    refill: float


class TokenBucket:
    __slots__ = ("tokens", "updated")

    def __init__(self, limit: Limit, now: float):
        self.tokens = limit.capacity
        self.updated = now

    def refill(self, limit: Limit, now: float):
        self.tokens = min(limit.capacity, self.tokens + (now - self.updated) * limit.refill)
        self.updated = now


class RequestRates(Rule):
    """One service's documented request rates. Subclasses say which service (`applies_to`) and which buckets a
    request draws from."""
    refusal: Refusal = None
    per_region = True

    def __init__(self, config: Config, clock=time.monotonic):
        self.config = config
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets = {}

    def limits(self, request: Request) -> list:
        """[(bucket name, Limit)] the request draws from; empty when AWS documents no rate for it."""
        raise NotImplementedError

    def check(self, request, upstream) -> Refusal | None:
        if not self.config.rates:
            return None
        limits = self.limits(request)
        if not limits:
            return None
        principal = request.principal
        account = getattr(principal, "account", None) or request.access_key or "anonymous"
        scope = (account, request.region if self.per_region else "")
        now = self.clock()
        with self._lock:
            buckets = []
            for bucket_name, limit in limits:
                bucket = self._buckets.get((scope, bucket_name))
                if bucket is None:
                    bucket = self._buckets[(scope, bucket_name)] = TokenBucket(limit, now)
                bucket.refill(limit, now)
                buckets.append(bucket)
            if any(bucket.tokens < 1 - EPSILON for bucket in buckets):
                return self.refusal
            for bucket in buckets:
                bucket.tokens -= 1
        return None


def is_non_mutating(operation: str) -> bool:
    return operation.startswith(("Describe", "List", "Search", "Get"))


class Ec2RequestRates(RequestRates):
    """EC2: one bucket per API action and account, per region, sized by the action's category (the page's
    tables; resource-intensive actions are throttled apart from other mutating ones, and some non-mutating ones
    draw from a smaller bucket when called with neither a filter nor pagination). The uncategorized table is
    copied for the actions a network tool may call; the page's other uncategorized actions fall back to their
    category here. Not modelled: the resource token buckets (instances launched or terminated per second)."""
    name = "ec2-request-rates"
    source = "https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html"
    applies_to = on("ec2")
    refusal = Refusal("RequestLimitExceeded", "Request limit exceeded.", 503)

    NON_MUTATING = Limit(100, 20)
    UNFILTERED_UNPAGINATED = Limit(50, 10)
    MUTATING = Limit(50, 5)
    RESOURCE_INTENSIVE = Limit(50, 5)
    UNFILTERED_UNPAGINATED_ACTIONS = {"DescribeInstances", "DescribeInstanceStatus", "DescribeNetworkInterfaces",
                                      "DescribeSecurityGroups", "DescribeSnapshots", "DescribeSpotInstanceRequests",
                                      "DescribeVolumes"}
    RESOURCE_INTENSIVE_ACTIONS = {"AcceptVpcPeeringConnection", "AuthorizeSecurityGroupIngress",
                                  "CancelSpotInstanceRequests", "CreateKeyPair", "CreateVpcPeeringConnection",
                                  "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
                                  "RevokeSecurityGroupIngress", "RequestSpotInstances"}
    UNCATEGORIZED = {
        "AssignIpv6Addresses": Limit(100, 5), "AssignPrivateIpAddresses": Limit(100, 5),
        "CreateNatGateway": Limit(10, 1), "CreateNetworkInterface": Limit(100, 5),
        "CreateTags": Limit(100, 10), "CreateVpcEndpoint": Limit(4, 0.3),
        "DeleteNatGateway": Limit(10, 1), "DeleteNetworkInterface": Limit(100, 5),
        "DeleteTags": Limit(100, 10), "DeleteVpcEndpoints": Limit(4, 0.3),
        "DescribeSecurityGroupReferences": Limit(20, 5), "DescribeStaleSecurityGroups": Limit(20, 5),
        "ModifyNetworkInterfaceAttribute": Limit(100, 5), "ModifyVpcEndpoint": Limit(4, 0.3),
        "RunInstances": Limit(5, 2), "StartInstances": Limit(5, 2), "TerminateInstances": Limit(100, 5),
        "UnassignPrivateIpAddresses": Limit(100, 5),
    }

    @staticmethod
    def filtered_or_paginated(request):
        return any(key.startswith("Filter.") or key in ("MaxResults", "NextToken") for key in request.query)

    def limits(self, request):
        action = request.operation
        if action in self.UNCATEGORIZED:
            return [(action, self.UNCATEGORIZED[action])]
        if action in self.RESOURCE_INTENSIVE_ACTIONS:
            return [(action, self.RESOURCE_INTENSIVE)]
        if action in self.UNFILTERED_UNPAGINATED_ACTIONS and not self.filtered_or_paginated(request):
            return [(action + " unfiltered and unpaginated", self.UNFILTERED_UNPAGINATED)]
        if is_non_mutating(action):
            return [(action, self.NON_MUTATING)]
        return [(action, self.MUTATING)]


class ElbRequestRates(RequestRates):
    """ELBv2 (API version 2015-12-01; ELBv1 has buckets of its own, not modelled): every request draws from the
    account-level bucket shared by all ELB API actions and from its category's bucket. The page says each
    category "has its own limits" without saying whether actions of a category share one bucket; they share it
    here (the stricter reading; ECS's page says its categories share). The error: the page names it
    ThrottlingException, the wire code ELBv2 clients see and retry is `Throttling` (Query error format)."""
    name = "elbv2-request-rates"
    source = "https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html"
    applies_to = on("elasticloadbalancing", where=is_elbv2)
    refusal = Refusal("Throttling", "Rate exceeded", 400)

    ACCOUNT = Limit(40, 10)
    CATEGORIES = {
        "resource-intensive": (Limit(10, 0.2), {"CreateLoadBalancer", "SetSubnets"}),
        "registration": (Limit(20, 4), {"RegisterTargets", "DeregisterTargets"}),
        "trust store modify": (Limit(10, 0.2), {"CreateTrustStore", "AddTrustStoreRevocations",
                                                "DeleteSharedTrustStoreAssociation", "DeleteTrustStore",
                                                "ModifyTrustStore", "RemoveTrustStoreRevocations"}),
        "trust store get": (Limit(20, 4), {"GetResourcePolicy", "GetTrustStoreCaCertificatesBundle",
                                           "GetTrustStoreRevocationContent"}),
    }
    NON_MUTATING = Limit(40, 10)
    MUTATING = Limit(20, 3)

    def limits(self, request):
        action = request.operation
        for category, (limit, actions) in self.CATEGORIES.items():
            if action in actions:
                return [("account", self.ACCOUNT), (category, limit)]
        if action.startswith("Describe"):
            return [("account", self.ACCOUNT), ("non-mutating", self.NON_MUTATING)]
        return [("account", self.ACCOUNT), ("mutating", self.MUTATING)]


class Route53RequestRates(RequestRates):
    """Route 53 (global, so per account only): every request draws from the account-level bucket (all Route 53
    API requests) and from its operation's own bucket. Since July 2026 the account-level rate is 10 requests per
    second with a burst of 50 (it used to be a flat 5 per second, as older pages and the DNSLimitations page's
    history say). Not modelled: the new change-throughput bucket (DNS record changes per second), whose table we
    could not read in full."""
    name = "route53-request-rates"
    source = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html"
    applies_to = on("route53")
    per_region = False
    refusal = Refusal("Throttling", "Rate exceeded", 400)

    ACCOUNT = Limit(50, 10)
    DEFAULT_OPERATION = Limit(50, 10)
    OPERATIONS = {
        "AssociateVPCWithHostedZone": Limit(20, 5), "ChangeCidrCollection": Limit(40, 5),
        "CreateCidrCollection": Limit(40, 5), "CreateHealthCheck": Limit(50, 0.5),
        "CreateHostedZone": Limit(40, 2), "CreateReusableDelegationSet": Limit(40, 2),
        "CreateTrafficPolicyInstance": Limit(1, 1), "DeleteCidrCollection": Limit(40, 5),
        "DeleteHealthCheck": Limit(15, 3), "DeleteHostedZone": Limit(40, 5),
        "DeleteReusableDelegationSet": Limit(40, 5), "DeleteTrafficPolicyInstance": Limit(1, 1),
        "DisassociateVPCFromHostedZone": Limit(10, 5), "GetHealthCheckLastFailureReason": Limit(4, 1),
        "GetHealthCheckStatus": Limit(4, 1),
    }

    def limits(self, request):
        operation = request.operation
        return [("account", self.ACCOUNT), (operation, self.OPERATIONS.get(operation, self.DEFAULT_OPERATION))]


class EcsRequestRates(RequestRates):
    """ECS: actions are grouped in categories; all actions of a category share one bucket per account and
    region. Actions the page does not list are not throttled here."""
    name = "ecs-request-rates"
    source = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html"
    applies_to = on("ecs")
    refusal = Refusal("ThrottlingException", "Rate exceeded", 400)

    CATEGORIES = {
        "cluster modify": (Limit(20, 1), {"CreateCluster", "DeleteCluster", "PutClusterCapacityProviders",
                                          "UpdateCluster", "UpdateClusterSettings"}),
        "cluster read": (Limit(50, 20), {"DescribeClusters", "ListClusters"}),
        "task definition modify": (Limit(20, 1), {"DeregisterTaskDefinition", "RegisterTaskDefinition"}),
        "task definition read": (Limit(50, 20), {"DescribeTaskDefinition", "ListTaskDefinitions",
                                                 "ListTaskDefinitionFamilies"}),
        "task definition deletion": (Limit(5, 1), {"DeleteTaskDefinitions"}),
        "capacity provider modify": (Limit(10, 1), {"CreateCapacityProvider", "DeleteCapacityProvider",
                                                    "UpdateCapacityProvider"}),
        "capacity provider read": (Limit(50, 20), {"DescribeCapacityProviders"}),
        "tag modify": (Limit(20, 10), {"TagResource", "UntagResource"}),
        "tag read": (Limit(50, 20), {"ListTagsForResource"}),
        "setting modify": (Limit(10, 1), {"DeleteAccountSetting", "PutAccountSetting", "PutAccountSettingDefault"}),
        "setting read": (Limit(50, 20), {"ListAccountSettings"}),
        "cluster resource modify": (Limit(100, 40), {"DeleteAttributes", "DeregisterContainerInstance",
                                                     "ExecuteCommand", "PutAttributes", "RunTask", "StartTask",
                                                     "StopTask", "UpdateContainerAgent",
                                                     "UpdateContainerInstancesState"}),
        "cluster resource read": (Limit(100, 20), {"DescribeContainerInstances", "DescribeTasks", "ListAttributes",
                                                   "ListContainerInstances", "ListTasks"}),
        "agent modify": (Limit(200, 120), {"RegisterContainerInstance", "SubmitAttachmentStateChanges",
                                           "SubmitContainerStateChange", "SubmitTaskStateChange"}),
        "service modify": (Limit(50, 5), {"CreateService", "DeleteService", "UpdateService"}),
        "service read": (Limit(100, 20), {"DescribeServices", "ListServices"}),
        "service deployment": (Limit(50, 20), {"DescribeServiceDeployments", "ListServiceDeployments"}),
        "service revision": (Limit(50, 20), {"DescribeServiceRevisions"}),
        "task protection": (Limit(200, 80), {"UpdateTaskProtection", "GetTaskProtection"}),
        "cluster service resource read": (Limit(10, 1), {"ListServicesByNamespace"}),
    }
    CATEGORY_OF = {action: (category, limit) for category, (limit, actions) in CATEGORIES.items()
                   for action in actions}

    def limits(self, request):
        found = self.CATEGORY_OF.get(request.operation)
        return [found] if found else []


class CloudMapRequestRates(RequestRates):
    """Cloud Map documents a rate for DiscoverInstances only (2,000 burst, 1,000 per second, per account and
    region), answered with RequestLimitExceeded (HTTP 429 in the API model); DiscoverInstancesRevision has a
    3,000 per second quota. AWS publishes no rate for Cloud Map's other operations (namespaces, services,
    instances, operations), so the layer throttles none of them."""
    name = "cloudmap-request-rates"
    source = "https://docs.aws.amazon.com/cloud-map/latest/dg/throttling.html"
    applies_to = on("servicediscovery")
    refusal = Refusal("RequestLimitExceeded",
                      "The operation can't be completed because you've reached the quota for the number of requests.",
                      429)

    OPERATIONS = {"DiscoverInstances": Limit(2000, 1000), "DiscoverInstancesRevision": Limit(3000, 3000)}

    def limits(self, request):
        limit = self.OPERATIONS.get(request.operation)
        return [(request.operation, limit)] if limit else []


def rules(config: Config, clock=time.monotonic) -> list:
    return [Ec2RequestRates(config, clock), ElbRequestRates(config, clock), Route53RequestRates(config, clock),
            EcsRequestRates(config, clock), CloudMapRequestRates(config, clock)]
