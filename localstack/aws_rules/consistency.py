"""Eventual consistency and asynchrony: what AWS answers in the seconds after a create, where the emulator is
instantly consistent and finishes every operation before it answers.

Every rule here takes its clock as an argument (default time.monotonic) so tests can move time without sleeping,
and reads its timings from the shared Config at each request, so POST /__proxy/config changes them at run time.
A resource the emulator created before the proxy started is unknown here and never held back.
"""
import json
import re
import threading
import time

from .core import Config, Refusal, Request, Rule, is_elbv2, on

EC2_GROUP_ID_RE = re.compile(rb"<groupId>(sg-[0-9a-f]+)</groupId>")
# Query keys that name a security group by ID in an EC2 request: GroupId, GroupId.1, SecurityGroupId.1,
# IpPermissions.1.Groups.1.GroupId, ResourceId.1 (CreateTags/DeleteTags), ... but never a Filter value.
EC2_GROUP_KEY_RE = re.compile(r"(?:^|\.)(?:GroupId|SecurityGroupId|ResourceId)(?:\.\d+)?$")


class Births:
    """When each resource (by ID or ARN) was first seen created, on the rule's clock. Thread-safe.

    A create AWS answers idempotently (CreateTargetGroup, CreateLoadBalancer with the same settings) names a
    resource that already exists: only the first sighting counts. Births older than `keep` seconds are dropped
    from the table (their resources are visible and settled); their IDs stay known, so they are never reborn."""

    def __init__(self):
        self._lock = threading.Lock()
        self._born = {}
        self._known = set()

    def add(self, key: str, now: float, keep: float):
        with self._lock:
            if key in self._known:
                return
            self._known.add(key)
            self._born[key] = now
            if len(self._born) > 512:
                self._born = {k: t for k, t in self._born.items() if now - t < keep}

    def age(self, key: str, now: float) -> float | None:
        """Seconds since `key` was first seen created, or None when it is unknown or settled long ago."""
        with self._lock:
            born = self._born.get(key)
        return None if born is None else now - born


class InvisibleAfterCreate(Rule):
    """A resource just created is not yet known to the service's other calls that name it. `applies_to`: the
    service's requests; its `create_operation` is watched, the others held back."""
    create_operation = ""
    created_id_re: re.Pattern = None

    def __init__(self, config: Config, clock=time.monotonic):
        self.config = config
        self.clock = clock
        self.births = Births()

    def named_ids(self, request: Request):
        """The IDs or ARNs this request names (as resources it acts on or refers to)."""
        raise NotImplementedError

    def refusal(self, resource_id: str) -> Refusal:
        raise NotImplementedError

    def check(self, request, upstream):
        if request.operation == self.create_operation:
            return None
        now = self.clock()
        for resource_id in self.named_ids(request):
            age = self.births.age(resource_id, now)
            if age is not None and age < self.config.visibility_delay:
                return self.refusal(resource_id)
        return None

    def observe(self, request, status, body):
        if status == 200 and request.operation == self.create_operation:
            keep = max(self.config.visibility_delay, 60.0)
            for resource_id in self.created_id_re.findall(body):
                self.births.add(resource_id.decode(), self.clock(), keep)
        return None


class NewSecurityGroupInvisible(InvisibleAfterCreate):
    """EC2: a security group just created is unknown, for a while, to the other EC2 calls that use its ID
    (AuthorizeSecurityGroupIngress/Egress, Revoke…, DescribeSecurityGroups by GroupId, DeleteSecurityGroup,
    CreateTags, a rule naming it as source…): InvalidGroup.NotFound. The page names exactly this case.
    Not applied: Describe calls that find it through a filter (AWS then answers an empty list, not an error),
    and other services naming the group (ECS CreateService, ELBv2 CreateLoadBalancer/SetSecurityGroups): AWS
    documents no delay for those, so the layer adds none."""
    name = "ec2-new-security-group-invisible"
    source = "https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html"
    applies_to = on("ec2")
    create_operation = "CreateSecurityGroup"
    created_id_re = EC2_GROUP_ID_RE

    def named_ids(self, request):
        return [value for key, value in request.query.items()
                if EC2_GROUP_KEY_RE.search(key) and not key.startswith("Filter.")]

    def refusal(self, resource_id):
        return Refusal("InvalidGroup.NotFound", f"The security group '{resource_id}' does not exist")


class NewElbResourceInvisible(InvisibleAfterCreate):
    """ELBv2: any other ELBv2 call naming the new resource's ARN in any parameter (CreateListener, CreateRule,
    ModifyTargetGroupAttributes, DescribeTargetGroups/DescribeLoadBalancers by ARN, AddTags, RegisterTargets,
    a listener action forwarding to it…) is answered NotFound. Calls naming it by name, and other services naming
    it (ECS CreateService with a target group), are not held back."""
    applies_to = on("elasticloadbalancing", where=is_elbv2)

    def named_ids(self, request):
        return [value for key, value in request.query.items() if value.startswith("arn:")]


class NewTargetGroupInvisible(NewElbResourceInvisible):
    # AWS documents ELBv2's eventual consistency nowhere; this is its observed behaviour: AddTags right after
    # CreateTargetGroup answered "TargetGroupNotFound: Target groups '<arn>' not found" (the issue below, and
    # hashicorp/terraform-provider-aws#16860, #19920, #20454, which retry it).
    name = "elbv2-new-target-group-invisible"
    source = "https://github.com/kubernetes/cloud-provider-aws/issues/275"
    create_operation = "CreateTargetGroup"
    created_id_re = re.compile(rb"<TargetGroupArn>(arn:[^<]+)</TargetGroupArn>")

    def refusal(self, resource_id):
        return Refusal("TargetGroupNotFound", f"Target groups '{resource_id}' not found")


class NewLoadBalancerInvisible(NewElbResourceInvisible):
    # Observed, not documented: "LoadBalancerNotFound: One or more load balancers not found" right after
    # CreateLoadBalancer (the issue below; the provider now retries it).
    name = "elbv2-new-load-balancer-invisible"
    source = "https://github.com/hashicorp/terraform-provider-aws/issues/15214"
    create_operation = "CreateLoadBalancer"
    created_id_re = re.compile(rb"<LoadBalancerArn>(arn:[^<]+)</LoadBalancerArn>")

    def refusal(self, resource_id):
        return Refusal("LoadBalancerNotFound", "One or more load balancers not found")


# One load balancer in a CreateLoadBalancer/DescribeLoadBalancers answer: its ARN, then (before the next
# balancer's ARN) its state code.
LOAD_BALANCER_STATE_RE = re.compile(
    rb"(<LoadBalancerArn>(arn:[^<]+)</LoadBalancerArn>(?:(?!<LoadBalancerArn>).)*?<State>\s*<Code>)([a-z_]+)(</Code>)",
    re.DOTALL)


class LoadBalancerProvisioning(Rule):
    """ELBv2: a new load balancer's state is `provisioning` until it is ready, then `active` (the
    LoadBalancerState type; the SDKs' LoadBalancerAvailable waiter polls DescribeLoadBalancers for it).
    The emulator answers `active` at once: CreateLoadBalancer and DescribeLoadBalancers answers are rewritten
    to `provisioning` for config.provisioning_time seconds after the create, `active` after."""
    name = "elbv2-load-balancer-provisioning"
    source = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerState.html"
    applies_to = on("elasticloadbalancing", "CreateLoadBalancer", "DescribeLoadBalancers")

    def __init__(self, config: Config, clock=time.monotonic):
        self.config = config
        self.clock = clock
        self.births = Births()

    def observe(self, request, status, body):
        if status != 200:
            return None
        if request.operation == "CreateLoadBalancer":
            for match in LOAD_BALANCER_STATE_RE.finditer(body):
                self.births.add(match.group(2).decode(), self.clock(), max(self.config.provisioning_time, 60.0))
        now = self.clock()

        def state_now(match):
            age = self.births.age(match.group(2).decode(), now)
            if age is None:
                return match.group(0)
            code = b"provisioning" if age < self.config.provisioning_time else b"active"
            return match.group(1) + code + match.group(4)

        rewritten = LOAD_BALANCER_STATE_RE.sub(state_now, body)
        return rewritten if rewritten != body else None


class CloudMapOperationPending(Rule):
    """Cloud Map: an operation (CreatePrivateDnsNamespace, DeleteNamespace, RegisterInstance, DeregisterInstance,
    UpdateService… any answer carrying an OperationId) is SUBMITTED right after the request, then PENDING while
    Cloud Map performs it, then SUCCESS or FAIL. The emulator finishes it before answering: GetOperation and
    ListOperations answers say SUBMITTED for the first half of config.operation_time, PENDING for the second,
    then the emulator's own status. Not modelled: the namespace or instance itself being unusable meanwhile
    (AWS documents no such window), and ListOperations filtered by STATUS (the emulator filters by its own)."""
    name = "cloudmap-operation-pending"
    source = "https://docs.aws.amazon.com/cloud-map/latest/api/API_Operation.html"
    applies_to = on("servicediscovery")   # any answer may carry an OperationId

    def __init__(self, config: Config, clock=time.monotonic):
        self.config = config
        self.clock = clock
        self.births = Births()

    def status_now(self, operation_id, emulator_status):
        age = self.births.age(operation_id, self.clock())
        if age is None or age >= self.config.operation_time:
            return emulator_status
        return "SUBMITTED" if age < self.config.operation_time / 2 else "PENDING"

    def observe(self, request, status, body):
        if status != 200:
            return None
        try:
            answer = json.loads(body)
        except ValueError:
            return None
        if not isinstance(answer, dict):
            return None
        if isinstance(answer.get("OperationId"), str):
            self.births.add(answer["OperationId"], self.clock(), max(self.config.operation_time, 60.0))
            return None
        if request.operation == "GetOperation":
            operations = [answer.get("Operation")]
        elif request.operation == "ListOperations":
            operations = answer.get("Operations") or []
        else:
            return None
        changed = False
        for operation in operations:
            if isinstance(operation, dict) and isinstance(operation.get("Id"), str):
                status_now = self.status_now(operation["Id"], operation.get("Status"))
                if status_now != operation.get("Status"):
                    operation["Status"] = status_now
                    changed = True
        return json.dumps(answer).encode() if changed else None


CHANGE_INFO_RE = re.compile(rb"(<ChangeInfo>(?:(?!</ChangeInfo>).)*?</ChangeInfo>)", re.DOTALL)
CHANGE_ID_RE = re.compile(rb"<Id>(?:/change/)?([^<]+)</Id>")
CHANGE_STATUS_RE = re.compile(rb"<Status>[A-Z]+</Status>")


class Route53ChangePending(Rule):
    """Route 53: a change (ChangeResourceRecordSets, CreateHostedZone, DeleteHostedZone,
    AssociateVPCWithHostedZone… any answer carrying a ChangeInfo) is PENDING until it has propagated to all of
    Route 53's DNS servers, then INSYNC; PENDING is "the initial status of all change batch requests". The
    emulator says INSYNC at once: the create's own ChangeInfo says PENDING, and GetChange says PENDING for
    config.change_time seconds after the change, INSYNC after."""
    name = "route53-change-pending"
    source = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetChange.html"
    applies_to = on("route53")   # any answer may carry a ChangeInfo

    def __init__(self, config: Config, clock=time.monotonic):
        self.config = config
        self.clock = clock
        self.births = Births()

    def observe(self, request, status, body):
        if not 200 <= status < 300:
            return None
        now = self.clock()

        def status_now(match):
            change_info = match.group(1)
            found = CHANGE_ID_RE.search(change_info)
            if found is None:
                return change_info
            change_id = found.group(1).decode()
            if request.operation != "GetChange":
                self.births.add(change_id, now, max(self.config.change_time, 60.0))
            age = self.births.age(change_id, now)
            if age is None or age >= self.config.change_time:
                return change_info
            return CHANGE_STATUS_RE.sub(b"<Status>PENDING</Status>", change_info, count=1)

        rewritten = CHANGE_INFO_RE.sub(status_now, body)
        return rewritten if rewritten != body else None


def epoch_seconds(value):
    """json.dumps' default for what botocore parsed: datetimes as the epoch seconds ECS's JSON carries."""
    return value.timestamp() if hasattr(value, "timestamp") else str(value)


class EcsDeploymentInProgress(Rule):
    """ECS: UpdateService starts a new deployment of the service (a new load balancer, registry or Service
    Connect configuration among the changes that do); its tasks start, register and pass their health checks
    while the deployment's rolloutState is IN_PROGRESS, then COMPLETED, and the old deployment drains. moto
    answers with one COMPLETED deployment at once (given MOTO_ECS_SERVICE_RUNNING tasks): DescribeServices
    answers are rewritten, for config.deployment_time seconds after an UpdateService, to a PRIMARY deployment
    IN_PROGRESS with no task running beside the previous deployment, ACTIVE. Every UpdateService starts a
    deployment anew (a second one, such as a migration's update that drops its old wiring, deploys again).
    The previous deployment is the one the service had before the update (read before it is forwarded), with its
    own Service Connect and VPC Lattice configurations, when the emulator made a new one (moto_ext does for
    changes of those, of the task definition and forceNewDeployment); else a copy of the current one."""
    name = "ecs-deployment-in-progress"
    source = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html"
    applies_to = on("ecs", "UpdateService", "DescribeServices")

    def __init__(self, config: Config, clock=time.monotonic):
        self.config = config
        self.clock = clock
        self._lock = threading.Lock()
        self._updated = {}    # service ARN -> when its latest UpdateService was answered
        self._previous = {}   # service ARN -> its PRIMARY deployment before that UpdateService

    def check(self, request, upstream):
        if request.operation != "UpdateService" or upstream is None:
            return None
        from botocore.exceptions import BotoCoreError, ClientError
        document = request.json
        try:
            found = upstream.client("ecs", request.region).describe_services(
                cluster=document.get("cluster") or "default", services=[document.get("service") or ""])
        except (BotoCoreError, ClientError, ValueError):
            return None      # the previous deployment is then a copy of the new one, as before
        for service in found.get("services") or []:
            primary = next((d for d in service.get("deployments") or [] if d.get("status") == "PRIMARY"), None)
            if primary is not None:
                with self._lock:
                    # back to ECS's wire form: timestamps as epoch seconds
                    self._previous[service["serviceArn"]] = json.loads(json.dumps(primary, default=epoch_seconds))
        return None

    def observe(self, request, status, body):
        if status != 200:
            return None
        try:
            answer = json.loads(body)
        except ValueError:
            return None
        now = self.clock()
        if request.operation == "UpdateService":
            arn = (answer.get("service") or {}).get("serviceArn")
            if arn:
                with self._lock:
                    self._updated[arn] = now
                    self._updated = {key: t for key, t in self._updated.items() if now - t < 60.0}
                    self._previous = {key: d for key, d in self._previous.items() if key in self._updated}
            return None
        changed = False
        for service in answer.get("services", []):
            with self._lock:
                updated = self._updated.get(service.get("serviceArn", ""))
            age = None if updated is None else now - updated
            deployments = service.get("deployments") or []
            if age is None or age >= self.config.deployment_time or not deployments:
                continue
            primary = dict(deployments[0], status="PRIMARY", rolloutState="IN_PROGRESS", runningCount=0,
                           pendingCount=deployments[0].get("desiredCount", 0),
                           rolloutStateReason="ECS deployment in progress (the AWS-rules layer).")
            with self._lock:
                before = self._previous.get(service.get("serviceArn", ""))
            if before is not None and before.get("id") != deployments[0].get("id"):
                previous = dict(before, status="ACTIVE")
            else:
                previous = dict(deployments[0], status="ACTIVE", id=deployments[0].get("id", "") + "-previous")
            service["deployments"] = [primary, previous]
            changed = True
        return json.dumps(answer).encode() if changed else None


def rules(config: Config, clock=time.monotonic) -> list:
    return [NewSecurityGroupInvisible(config, clock), NewTargetGroupInvisible(config, clock),
            NewLoadBalancerInvisible(config, clock), LoadBalancerProvisioning(config, clock),
            CloudMapOperationPending(config, clock), Route53ChangePending(config, clock),
            EcsDeploymentInProgress(config, clock)]
