"""ECS registers a service's running tasks in the VPC Lattice target groups its vpcLatticeConfigurations name.

AWS: an ECS service's `vpcLatticeConfigurations` hold "the target group(s) Amazon ECS tasks will be registered to",
each with "the name of the port mapping to register in the VPC Lattice target group"
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_VpcLatticeConfiguration.html); ECS registers each
task's IP as it starts and deregisters it as it stops, with the service's infrastructure role
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-vpc-lattice.html). moto runs no task, so nothing was
ever registered: a wait until a Lattice target group's targets are healthy never ended on the emulator.

moto fakes the running tasks by count alone: MOTO_ECS_SERVICE_RUNNING sets each service's `runningCount` (localstack
start.sh sets 2). This module gives the PRIMARY deployment's running tasks (that count, at most the desired count)
IPs of their own, derived from the deployment's id (a new deployment starts new tasks), and keeps the target groups
in step, as ECS would:

  registered    each such task's IP, on the port mapping's containerPort (the target group's port when the task
                definition has no mapping of that name), in every target group the PRIMARY deployment's
                configurations name: INITIAL, then HEALTHY after the emulator's state delay (vpclattice.py's clock,
                MOTO_VPC_LATTICE_STATE_SECONDS; UNUSED while no listener forwards to the group)
  deregistered  a task ECS registered that is no longer wanted (its deployment replaced, the configuration
                removed, `vpcLatticeConfigurations: []`, the service deleted or scaled in): DRAINING, then gone

Targets registered through RegisterTargets (by anyone but ECS) are never touched. The target groups are brought in
step after every CreateService, UpdateService and DeleteService of the account and region, and before every
ListTargets (a target group made after the update that names it, or a deployment's clock).
"""
import hashlib
import time

from . import vpclattice
from .ecs import LATTICE

# The ECS service (ARN) whose task a target is, on the targets this module registered.
REGISTERED_BY = "ext_ecs_service"


def task_ips(deployment_id: str, count: int) -> list:
    """The IPs of a deployment's running tasks: stable for the deployment, new for the next one."""
    digest = hashlib.sha256(deployment_id.encode()).digest()
    return [f"10.{200 + digest[0] % 50}.{digest[1]}.{10 + index}" for index in range(count)]


def _container_port(ecs, service, port_name: str):
    try:
        definition = ecs.describe_task_definition(service.task_definition)
    except Exception:   # noqa: BLE001 - moto raises its own error for a missing definition: no port known
        return None
    for container in definition.container_definitions:
        for mapping in container.get("portMappings") or ():
            if mapping.get("name") == port_name:
                return mapping.get("containerPort")
    return None


def _wanted(ecs, lattice) -> dict:
    """(target group id, IP, port) → the ECS service's ARN, for every running task ECS would have registered."""
    wanted = {}
    for service in list(ecs.services.values()):
        if service.status != "ACTIVE":
            continue
        primary = next((d for d in service.deployments if d.get("status") == "PRIMARY"), None)
        if primary is None or not primary.get(LATTICE):
            continue
        running = min(int(primary.get("runningCount", service.running_count) or 0), int(service.desired_count or 0))
        ips = task_ips(primary["id"], max(running, 0))
        for configuration in primary[LATTICE]:
            group = lattice.target_groups.get(vpclattice.bare(configuration.get("targetGroupArn")))
            if group is None or group.status == "DELETE_IN_PROGRESS":
                continue
            port = _container_port(ecs, service, configuration.get("portName")) or (group.config or {}).get("port")
            for ip in ips:
                wanted[(group.id, ip, port)] = service.arn
    return wanted


def sync(account_id: str, region: str) -> None:
    """Bring every VPC Lattice target group of the account and region in step with ECS's running tasks."""
    from moto.ecs.models import ecs_backends
    from moto.vpclattice.models import vpclattice_backends
    ecs = ecs_backends[account_id][region]
    lattice = vpclattice_backends[account_id][region]
    with vpclattice._lock:
        wanted = _wanted(ecs, lattice)
        now = time.monotonic()
        for group in lattice.target_groups.values():
            for target in group.targets.values():
                if (getattr(target, REGISTERED_BY, None) and target.draining_since is None
                        and (group.id, target.id, target.port) not in wanted):
                    target.draining_since = now
        for (group_id, ip, port), service_arn in wanted.items():
            group = lattice.target_groups[group_id]
            existing = group.targets.get((ip, port))
            if existing is None or existing.draining_since is not None:
                target = vpclattice.Target(ip, port)
                setattr(target, REGISTERED_BY, service_arn)
                group.targets[(ip, port)] = target


def install() -> None:
    """After ecs.install() and vpclattice.install(): wraps the ECS service responses and Lattice's ListTargets."""
    from moto.ecs import responses as ecs_responses
    from moto.vpclattice import models as lattice_models

    for name in ("create_service", "update_service", "delete_service"):
        original = getattr(ecs_responses.EC2ContainerServiceResponse, name)

        def wrapped(self, _original=original):
            result = _original(self)
            sync(self.current_account, self.region)
            return result

        setattr(ecs_responses.EC2ContainerServiceResponse, name, wrapped)

    original_list = lattice_models.VPCLatticeBackend.list_targets

    def list_targets(self, target_group_identifier, targets=None):
        sync(self.account_id, self.region_name)
        return original_list(self, target_group_identifier, targets)

    lattice_models.VPCLatticeBackend.list_targets = list_targets
