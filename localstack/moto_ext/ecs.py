"""ECS services keep Service Connect and VPC Lattice configurations, where AWS reports them.

moto 5.2.5 accepts `serviceConnectConfiguration` and `vpcLatticeConfigurations` on CreateService and UpdateService
and drops both. AWS reports them per deployment: API_Deployment has `serviceConnectConfiguration`,
`serviceConnectResources` and `vpcLatticeConfigurations`
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html); the Service object itself has
neither (botocore's ecs service-2.json, shape `Service`), so DescribeServices shows them only in `deployments[]`.

  CreateService   the first (PRIMARY) deployment carries what the request sent.
  UpdateService   a request that sends either one, a task definition or forceNewDeployment starts a new
                  deployment, which becomes the PRIMARY one (moto keeps one deployment; the AWS-rules layer shows
                  it IN_PROGRESS beside the previous one for a while). A configuration the request sends replaces
                  the previous one whole; one it leaves out is carried over, as AWS carries the service's settings
                  into a new deployment (API_UpdateService: "If you don't specify ... the existing configuration is
                  used"; `{"enabled": false}` turns Service Connect off, `vpcLatticeConfigurations: []` detaches).

The namespace is reported as the Cloud Map namespace's ARN when a namespace of that name exists in the emulator
(a name or an ARN may be sent: API_ServiceConnectConfiguration); with no namespace in the request, the cluster's
`serviceConnectDefaults` namespace is used, as AWS does. `serviceConnectResources` holds each service's discovery
name (`discoveryName`, else the port name) and, when the emulator has a Cloud Map service of that name in the
namespace, its ARN. AWS creates that Cloud Map service itself; moto_ext does not.
"""
import copy

from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random

CONNECT = "serviceConnectConfiguration"
LATTICE = "vpcLatticeConfigurations"
RESOURCES = "serviceConnectResources"


def _namespace_arn(backend, cluster_name: str, namespace: str | None) -> tuple:
    """(namespace as AWS reports it, the Cloud Map namespace or None)."""
    if not namespace:
        cluster = backend.clusters.get(cluster_name)
        namespace = ((getattr(cluster, "service_connect_defaults", None) or {}).get("namespace")
                     if cluster else None)
    if not namespace:
        return None, None
    from moto.servicediscovery.models import servicediscovery_backends
    discovery = servicediscovery_backends[backend.account_id][backend.region_name]
    for candidate in discovery.namespaces.values():
        if namespace in (candidate.name, candidate.arn, candidate.id):
            return candidate.arn, candidate
    return namespace, None


def _resources(backend, connect: dict, namespace) -> list:
    if not connect.get("enabled") or not connect.get("services"):
        return []
    discovery_services = {}
    if namespace is not None:
        from moto.servicediscovery.models import servicediscovery_backends
        discovery = servicediscovery_backends[backend.account_id][backend.region_name]
        discovery_services = {service.name: service.arn for service in discovery.services.values()
                              if service.namespace_id == namespace.id}
    found = []
    for service in connect["services"]:
        name = service.get("discoveryName") or service.get("portName")
        if not name:
            continue
        resource = {"discoveryName": name}
        if name in discovery_services:
            resource["discoveryArn"] = discovery_services[name]
        found.append(resource)
    return found


def keep(backend, service, connect: dict | None, lattice: list | None) -> None:
    """Put the configurations on the service's PRIMARY deployment (moto's deployments are dicts)."""
    primary = next((d for d in service.deployments if d.get("status") == "PRIMARY"), None)
    if primary is None:
        return
    for key in (CONNECT, LATTICE, RESOURCES):
        primary.pop(key, None)
    if connect is not None:
        connect = copy.deepcopy(connect)
        arn, namespace = _namespace_arn(backend, service.cluster_name, connect.get("namespace"))
        if arn:
            connect["namespace"] = arn
        primary[CONNECT] = connect
        resources = _resources(backend, connect, namespace)
        if resources:
            primary[RESOURCES] = resources
    if lattice:
        primary[LATTICE] = copy.deepcopy(lattice)


def install() -> None:
    from moto.ecs import models, responses

    original_create = responses.EC2ContainerServiceResponse.create_service

    def create_service(self):
        result = original_create(self)
        service = result.result["service"]
        keep(self.ecs_backend, service, self._get_param(CONNECT), self._get_param(LATTICE))
        return result

    responses.EC2ContainerServiceResponse.create_service = create_service

    original_update = models.EC2ContainerServiceBackend.update_service

    def update_service(self, service_properties):
        # moto's responses pass every request member, snake_cased, and set each on the service object
        connect = service_properties.pop("service_connect_configuration", None)
        lattice = service_properties.pop("vpc_lattice_configurations", None)
        new_deployment = (connect is not None or lattice is not None
                          or bool(service_properties.get("task_definition"))
                          or bool(service_properties.get("force_new_deployment")))
        service = original_update(self, service_properties)
        primary = next((d for d in service.deployments if d.get("status") == "PRIMARY"), None)
        if not new_deployment or primary is None:
            return service
        if connect is None:
            connect = primary.get(CONNECT)
        if lattice is None:
            lattice = primary.get(LATTICE)
        now = utcnow()
        deployment = dict(primary, id=f"ecs-svc/{mock_random.randint(0, 32**12)}", createdAt=now, updatedAt=now,
                          taskDefinition=service.task_definition, desiredCount=service.desired_count)
        service.deployments = [deployment]
        keep(self, service, connect, lattice)
        return service

    models.EC2ContainerServiceBackend.update_service = update_service
