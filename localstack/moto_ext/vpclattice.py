"""VPC Lattice as AWS keeps it: the operations moto 5.2.5 lacks, the states AWS reports, the refusals it answers.

moto 5.2.5 has Create/Get/List for services, service networks, listeners, target groups and associations, and
nothing else for them (README.md). Its ids do not match the API's patterns (`svc-` and 17 characters of uuid4,
hyphens included, where AWS has `svc-[0-9a-z]{17}`), an identifier given as an ARN is not found, every resource is
ACTIVE at once, and its ResourceNotFoundException is HTTP 400. This module replaces its handling of services,
service networks, their service and VPC associations, listeners, rules, target groups and targets with one that
keeps each resource as the API reference describes it (each operation below cites its page); auth and resource
policies, access log subscriptions and tags stay moto's (they find the resources kept here: same backend dicts,
same attribute names).

Requests are read by moto's own parser of botocore's model; every answer is cut to the operation's output shape
in the same model (no member the model lacks) and sent with the model's HTTP status (201 for creates, 204 for the
deletes that answer nothing). Errors have AWS's rest-json shape: the code in `x-amzn-ErrorType`, the body
`{"message", "resourceId", "resourceType"}`, with the model's status (ResourceNotFoundException 404,
ConflictException 409, ValidationException 400). AWS's messages are not quoted in the reference; these are written
in its style.

States (MOTO_VPC_LATTICE_STATE_SECONDS, default 1 second, stands for AWS's minutes):
  services, target groups, service-network service and VPC associations: CREATE_IN_PROGRESS, then ACTIVE;
  deleted: DELETE_IN_PROGRESS (still listed and readable), then gone. A VPC association's update:
  UPDATE_IN_PROGRESS, then ACTIVE.
  targets: INITIAL after RegisterTargets, then HEALTHY (UNAVAILABLE when the target group's health checks are off;
  UNUSED whenever no listener or rule forwards to the group: API_TargetSummary); DRAINING after DeregisterTargets,
  then gone. No traffic flows in the emulator, so no target is ever UNHEALTHY.
"""
import base64
import copy
import json
import os
import random
import string
import threading
import time
from datetime import UTC, datetime

from moto.core.exceptions import JsonRESTError

API = "https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_{}.html"
ID_ALPHABET = string.ascii_lowercase + string.digits


def state_seconds() -> float:
    try:
        return max(float(os.environ.get("MOTO_VPC_LATTICE_STATE_SECONDS", "1")), 0.0)
    except ValueError:
        return 1.0


def new_id(prefix: str) -> str:
    """AWS's id form: prefix, hyphen, 17 characters of [0-9a-z] (the model's patterns, e.g. svc-[0-9a-z]{17})."""
    return f"{prefix}-" + "".join(random.choices(ID_ALPHABET, k=17))


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def bare(identifier: str | None) -> str:
    """The id of an identifier that may be an ARN (every *Identifier member takes "the ID or ARN")."""
    identifier = identifier or ""
    return identifier.rsplit("/", 1)[-1] if identifier.startswith("arn:") else identifier


# ----------------------------------------------------------------------------------------------------------------
# Errors, in the rest-json shape of the model's error structures


class LatticeError(JsonRESTError):
    status = 400

    def __init__(self, code: str, message: str, **fields):
        super().__init__(code, message)
        self.code = self.status
        self.description = json.dumps({"message": message, **{k: v for k, v in fields.items() if v is not None}})


class NotFound(LatticeError):
    """ResourceNotFoundException: "The request references a resource that does not exist." (404)"""
    status = 404

    def __init__(self, resource_type: str, identifier: str):
        super().__init__("ResourceNotFoundException", f"The {resource_type.lower().replace('_', ' ')} "
                         f"'{identifier}' does not exist.", resourceId=identifier, resourceType=resource_type)


class Conflict(LatticeError):
    """ConflictException: "The request conflicts with the current state of the resource." (409)"""
    status = 409

    def __init__(self, message: str, resource_type: str, identifier: str):
        super().__init__("ConflictException", message, resourceId=identifier, resourceType=resource_type)


class Invalid(LatticeError):
    """ValidationException: "The input does not satisfy the constraints specified by an AWS service." (400)"""
    status = 400

    def __init__(self, message: str, field: str | None = None):
        fields = {"reason": "fieldValidationFailed" if field else "other"}
        if field:
            fields["fieldList"] = [{"name": field, "message": message}]
        super().__init__("ValidationException", message, **fields)


# ----------------------------------------------------------------------------------------------------------------
# Resources


class Lifecycle:
    """CREATE_IN_PROGRESS → ACTIVE, UPDATE_IN_PROGRESS → ACTIVE, DELETE_IN_PROGRESS → gone, by the clock."""

    def start_lifecycle(self):
        self.born = time.monotonic()
        self.updating_since = None
        self.deleting_since = None

    @property
    def status(self) -> str:
        now, wait = time.monotonic(), state_seconds()
        if self.deleting_since is not None:
            return "DELETE_IN_PROGRESS"
        if now - self.born < wait:
            return "CREATE_IN_PROGRESS"
        if self.updating_since is not None and now - self.updating_since < wait:
            return "UPDATE_IN_PROGRESS"
        return "ACTIVE"

    @status.setter
    def status(self, _value):   # moto's code assigns "ACTIVE"; the clock decides
        pass

    @property
    def gone(self) -> bool:
        return self.deleting_since is not None and time.monotonic() - self.deleting_since >= state_seconds()

    def delete(self):
        if self.deleting_since is None:
            self.deleting_since = time.monotonic()


class Service(Lifecycle):
    def __init__(self, backend, name, auth_type, certificate_arn, custom_domain_name, idle_timeout, tags):
        self.id = new_id("svc")
        self.arn = f"arn:aws:vpc-lattice:{backend.region_name}:{backend.account_id}:service/{self.id}"
        self.name = name
        self.auth_type = auth_type or "NONE"
        self.certificate_arn = certificate_arn
        self.custom_domain_name = custom_domain_name
        self.idle_timeout = idle_timeout
        self.tags = tags or {}
        self.created_at = self.last_updated_at = now_iso()
        # AWS's generated name: <name>-<id without svc->.<hash>.vpc-lattice-svcs.<region>.on.aws (API_DnsEntry)
        self.dns_entry = {"domainName": f"{name}-{self.id[4:]}.7d67968.vpc-lattice-svcs.{backend.region_name}.on.aws",
                          "hostedZoneId": "Z" + "".join(random.choices(string.ascii_uppercase + string.digits, k=13))}
        self.start_lifecycle()

    def to_dict(self):
        return {"id": self.id, "arn": self.arn, "name": self.name, "authType": self.auth_type,
                "certificateArn": self.certificate_arn, "customDomainName": self.custom_domain_name,
                "idleTimeoutSeconds": self.idle_timeout, "dnsEntry": self.dns_entry, "status": self.status,
                "createdAt": self.created_at, "lastUpdatedAt": self.last_updated_at}


class ServiceNetwork:
    def __init__(self, backend, name, auth_type, sharing_config, tags):
        self.id = new_id("sn")
        self.arn = f"arn:aws:vpc-lattice:{backend.region_name}:{backend.account_id}:servicenetwork/{self.id}"
        self.name = name
        self.auth_type = auth_type or "NONE"
        self.sharing_config = sharing_config
        self.tags = tags or {}
        self.created_at = self.last_updated_at = now_iso()

    def to_dict(self, backend=None):
        found = {"id": self.id, "arn": self.arn, "name": self.name, "authType": self.auth_type,
                 "sharingConfig": self.sharing_config, "createdAt": self.created_at,
                 "lastUpdatedAt": self.last_updated_at}
        if backend is not None:
            found["numberOfAssociatedServices"] = sum(
                1 for a in backend.service_network_service_associations.values() if a.service_network is self)
            found["numberOfAssociatedVPCs"] = sum(
                1 for a in backend.service_network_vpc_associations.values() if a.service_network is self)
        return found


class ServiceAssociation(Lifecycle):
    def __init__(self, backend, service_network, service, tags):
        self.id = new_id("snsa")
        self.arn = (f"arn:aws:vpc-lattice:{backend.region_name}:{backend.account_id}:"
                    f"servicenetworkserviceassociation/{self.id}")
        self.service_network, self.service = service_network, service
        self.created_by = backend.account_id
        self.created_at = now_iso()
        self.tags = tags or {}
        self.start_lifecycle()

    def to_dict(self):
        return {"id": self.id, "arn": self.arn, "status": self.status, "createdBy": self.created_by,
                "createdAt": self.created_at, "serviceId": self.service.id, "serviceName": self.service.name,
                "serviceArn": self.service.arn, "serviceNetworkId": self.service_network.id,
                "serviceNetworkName": self.service_network.name, "serviceNetworkArn": self.service_network.arn,
                "dnsEntry": self.service.dns_entry, "customDomainName": self.service.custom_domain_name}


class VpcAssociation(Lifecycle):
    def __init__(self, backend, service_network, vpc_id, security_group_ids, private_dns, dns_options, tags):
        self.id = new_id("snva")
        self.arn = (f"arn:aws:vpc-lattice:{backend.region_name}:{backend.account_id}:"
                    f"servicenetworkvpcassociation/{self.id}")
        self.service_network, self.vpc_id = service_network, vpc_id
        self.security_group_ids = list(security_group_ids or [])
        self.private_dns_enabled, self.dns_options = private_dns, dns_options
        self.created_by = backend.account_id
        self.created_at = self.last_updated_at = now_iso()
        self.tags = tags or {}
        self.start_lifecycle()

    def to_dict(self):
        return {"id": self.id, "arn": self.arn, "status": self.status, "createdBy": self.created_by,
                "createdAt": self.created_at, "lastUpdatedAt": self.last_updated_at,
                "serviceNetworkId": self.service_network.id, "serviceNetworkName": self.service_network.name,
                "serviceNetworkArn": self.service_network.arn, "vpcId": self.vpc_id,
                "securityGroupIds": self.security_group_ids, "privateDnsEnabled": self.private_dns_enabled,
                "dnsOptions": self.dns_options}


DEFAULT_PORTS = {"HTTP": 80, "HTTPS": 443}   # API_CreateListener: port "If you don't specify a port, the default
                                             # port for the protocol is used"


class Listener:
    def __init__(self, service, name, protocol, port, default_action, tags):
        self.id = new_id("listener")
        self.arn = f"{service.arn}/listener/{self.id}"
        self.service = service
        self.name, self.protocol = name, protocol
        self.port = port if port is not None else DEFAULT_PORTS.get(protocol)
        self.default_action = default_action
        self.tags = tags or {}
        self.created_at = self.last_updated_at = now_iso()
        # The listener's default rule (ListRules lists it, isDefault true); its action is the listener's.
        self.default_rule_id = new_id("rule")

    def to_dict(self):
        return {"id": self.id, "arn": self.arn, "name": self.name, "protocol": self.protocol, "port": self.port,
                "serviceArn": self.service.arn, "serviceId": self.service.id, "defaultAction": self.default_action,
                "createdAt": self.created_at, "lastUpdatedAt": self.last_updated_at}

    def default_rule(self):
        return {"id": self.default_rule_id, "arn": f"{self.arn}/rule/{self.default_rule_id}", "name": "default",
                "isDefault": True, "action": self.default_action, "createdAt": self.created_at,
                "lastUpdatedAt": self.last_updated_at}


class Rule:
    def __init__(self, listener, name, priority, match, action, tags):
        self.id = new_id("rule")
        self.arn = f"{listener.arn}/rule/{self.id}"
        self.listener = listener
        self.name, self.priority, self.match, self.action = name, priority, match, action
        self.tags = tags or {}
        self.created_at = self.last_updated_at = now_iso()

    def to_dict(self):
        return {"id": self.id, "arn": self.arn, "name": self.name, "isDefault": False, "priority": self.priority,
                "match": self.match, "action": self.action, "createdAt": self.created_at,
                "lastUpdatedAt": self.last_updated_at}


class Target:
    def __init__(self, target_id, port):
        self.id, self.port = target_id, port
        self.registered = time.monotonic()
        self.draining_since = None

    @property
    def gone(self) -> bool:
        return self.draining_since is not None and time.monotonic() - self.draining_since >= state_seconds()


class TargetGroup(Lifecycle):
    def __init__(self, backend, name, target_type, config, tags):
        self.id = new_id("tg")
        self.arn = f"arn:aws:vpc-lattice:{backend.region_name}:{backend.account_id}:targetgroup/{self.id}"
        self.name, self.type = name, target_type
        self.config = copy.deepcopy(config) if config else None
        self.tags = tags or {}
        self.targets: dict = {}      # (id, port) → Target
        self.created_at = self.last_updated_at = now_iso()
        self.start_lifecycle()

    def health_checks_on(self) -> bool:
        return ((self.config or {}).get("healthCheck") or {}).get("enabled", True) is not False

    def to_dict(self, backend=None):
        config = self.config or {}
        found = {"id": self.id, "arn": self.arn, "name": self.name, "type": self.type, "config": self.config,
                 "status": self.status, "createdAt": self.created_at, "lastUpdatedAt": self.last_updated_at,
                 # TargetGroupSummary's flat copies of the config
                 "port": config.get("port"), "protocol": config.get("protocol"),
                 "ipAddressType": config.get("ipAddressType"), "vpcIdentifier": config.get("vpcIdentifier"),
                 "lambdaEventStructureVersion": config.get("lambdaEventStructureVersion")}
        if backend is not None:
            found["serviceArns"] = sorted({listener.service.arn for listener in backend_listeners_using(backend, self)})
        return found


def forwarded_groups(action) -> set:
    """The target group ids an action (listener default action or rule action) forwards to."""
    groups = ((action or {}).get("forward") or {}).get("targetGroups") or ()
    return {bare(group.get("targetGroupIdentifier")) for group in groups}


def backend_listeners_using(backend, group) -> list:
    listeners = [listener for listener in backend.listeners.values()
                 if group.id in forwarded_groups(listener.default_action)]
    listeners += [rule.listener for rule in backend.rules.values() if group.id in forwarded_groups(rule.action)]
    return listeners


# ----------------------------------------------------------------------------------------------------------------
# The backend's operations (bound onto moto's VPCLatticeBackend by install())

_lock = threading.RLock()


class Operations:
    """Mixed into moto's VPCLatticeBackend: `self` is the backend of one account and region."""

    # --- lookups and housekeeping ---

    def ext_tick(self):
        """Forget what finished deleting; drop drained targets."""
        for table in (self.service_network_service_associations, self.service_network_vpc_associations,
                      self.services, self.target_groups):
            for key in [key for key, item in table.items() if isinstance(item, Lifecycle) and item.gone]:
                self.tagger.delete_all_tags_for_resource(table[key].arn)
                del table[key]
        for group in self.target_groups.values():
            for key in [key for key, target in group.targets.items() if target.gone]:
                del group.targets[key]

    def ext_find(self, table, identifier, resource_type):
        item = table.get(bare(identifier))
        if item is None or (identifier.startswith("arn:") and item.arn != identifier):
            raise NotFound(resource_type, identifier)
        return item

    def ext_service(self, identifier):
        return self.ext_find(self.services, identifier, "SERVICE")

    def ext_service_network(self, identifier):
        return self.ext_find(self.service_networks, identifier, "SERVICE_NETWORK")

    def ext_target_group(self, identifier):
        return self.ext_find(self.target_groups, identifier, "TARGET_GROUP")

    def ext_listener(self, service_identifier, listener_identifier):
        service = self.ext_service(service_identifier)
        listener = self.ext_find(self.listeners, listener_identifier, "LISTENER")
        if listener.service is not service:
            raise NotFound("LISTENER", listener_identifier)
        return listener

    def ext_rule(self, service_identifier, listener_identifier, rule_identifier):
        listener = self.ext_listener(service_identifier, listener_identifier)
        if bare(rule_identifier) == listener.default_rule_id:
            return listener, None
        rule = self.ext_find(self.rules, rule_identifier, "RULE")
        if rule.listener is not listener:
            raise NotFound("RULE", rule_identifier)
        return listener, rule

    def ext_check_action(self, action):
        for group_id in forwarded_groups(action):
            self.ext_target_group(group_id)

    def ext_tag(self, resource, tags):
        self.tag_resource(resource.arn, tags or {})

    # --- services: CreateService, GetService, ListServices, UpdateService, DeleteService ---

    def create_service(self, name, auth_type=None, certificate_arn=None, custom_domain_name=None,
                       idle_timeout=None, tags=None, **_):
        # API_CreateService: name "must be unique within the account"
        self.ext_tick()
        if any(s.name == name for s in self.services.values()):
            raise Conflict(f"A service with the name '{name}' already exists.", "SERVICE", name)
        service = Service(self, name, auth_type, certificate_arn, custom_domain_name, idle_timeout, tags)
        self.services[service.id] = service
        self.ext_tag(service, tags)
        return service

    def get_service(self, service_identifier):
        self.ext_tick()
        return self.ext_service(service_identifier)

    def ext_list_services(self):
        self.ext_tick()
        return list(self.services.values())

    def update_service(self, service_identifier, auth_type=None, certificate_arn=None, idle_timeout=None):
        # API_UpdateService
        service = self.get_service(service_identifier)
        if service.status == "DELETE_IN_PROGRESS":
            raise Conflict(f"The service '{service.id}' is being deleted.", "SERVICE", service.id)
        if auth_type is not None:
            service.auth_type = auth_type
        if certificate_arn is not None:
            service.certificate_arn = certificate_arn
        if idle_timeout is not None:
            service.idle_timeout = idle_timeout
        service.last_updated_at = now_iso()
        return service

    def delete_service(self, service_identifier):
        # API_DeleteService: "A service can't be deleted if it's associated with a service network. If you delete
        # a service, all resources related to the service, such as the resource policy, auth policy, listeners,
        # listener rules, and access log subscriptions, are also deleted."
        service = self.get_service(service_identifier)
        associated = [a for a in self.service_network_service_associations.values() if a.service is service]
        if associated:
            raise Conflict(f"The service '{service.id}' is associated with service networks "
                           f"({', '.join(a.service_network.id for a in associated)}); delete those associations "
                           "first.", "SERVICE", service.id)
        for listener in [listener for listener in self.listeners.values() if listener.service is service]:
            self.ext_drop_listener(listener)
        self.auth_policies.pop(service.id, None)
        self.resource_policies.pop(service.arn, None)
        for key in [k for k, sub in self.access_log_subscriptions.items() if sub.resourceArn == service.arn]:
            del self.access_log_subscriptions[key]
        service.delete()
        return service

    # --- service networks ---

    def create_service_network(self, name, auth_type=None, sharing_config=None, tags=None, **_):
        # API_CreateServiceNetwork: name "must be unique to the account"
        if any(n.name == name for n in self.service_networks.values()):
            raise Conflict(f"A service network with the name '{name}' already exists.", "SERVICE_NETWORK", name)
        network = ServiceNetwork(self, name, auth_type, sharing_config, tags)
        self.service_networks[network.id] = network
        self.ext_tag(network, tags)
        return network

    def get_service_network(self, service_network_identifier):
        self.ext_tick()
        return self.ext_service_network(service_network_identifier)

    def update_service_network(self, service_network_identifier, auth_type):
        network = self.get_service_network(service_network_identifier)
        network.auth_type = auth_type
        network.last_updated_at = now_iso()
        return network

    def delete_service_network(self, service_network_identifier):
        # API_DeleteServiceNetwork: "You can only delete the service network if there is no service or VPC
        # associated with it." (an association being deleted still counts until it is gone)
        network = self.get_service_network(service_network_identifier)
        services = [a for a in self.service_network_service_associations.values() if a.service_network is network]
        vpcs = [a for a in self.service_network_vpc_associations.values() if a.service_network is network]
        if services or vpcs:
            raise Conflict(f"The service network '{network.id}' has {len(services)} service and {len(vpcs)} VPC "
                           "associations; delete them first.", "SERVICE_NETWORK", network.id)
        self.auth_policies.pop(network.id, None)
        self.resource_policies.pop(network.arn, None)
        self.tagger.delete_all_tags_for_resource(network.arn)
        del self.service_networks[network.id]

    # --- service-network service associations ---

    def create_service_network_service_association(self, service_network_identifier, service_identifier,
                                                   tags=None, **_):
        # API_CreateServiceNetworkServiceAssociation
        self.ext_tick()
        network = self.ext_service_network(service_network_identifier)
        service = self.ext_service(service_identifier)
        if service.status == "DELETE_IN_PROGRESS":
            raise Conflict(f"The service '{service.id}' is being deleted.", "SERVICE", service.id)
        for existing in self.service_network_service_associations.values():
            if existing.service is service and existing.service_network is network:
                raise Conflict(f"The service '{service.id}' is already associated with the service network "
                               f"'{network.id}' ({existing.id}).", "SERVICE_NETWORK_SERVICE_ASSOCIATION",
                               existing.id)
        association = ServiceAssociation(self, network, service, tags)
        self.service_network_service_associations[association.id] = association
        self.ext_tag(association, tags)
        return association

    def get_service_network_service_association(self, service_network_service_association_identifier):
        self.ext_tick()
        return self.ext_find(self.service_network_service_associations,
                             service_network_service_association_identifier, "SERVICE_NETWORK_SERVICE_ASSOCIATION")

    def ext_list_service_associations(self, service_network_identifier=None, service_identifier=None):
        self.ext_tick()
        found = list(self.service_network_service_associations.values())
        if service_network_identifier:
            found = [a for a in found if bare(service_network_identifier) == a.service_network.id]
        if service_identifier:
            found = [a for a in found if bare(service_identifier) == a.service.id]
        return found

    def delete_service_network_service_association(self, identifier):
        # API_DeleteServiceNetworkServiceAssociation: "This operation fails if an association is still in progress."
        association = self.get_service_network_service_association(identifier)
        if association.status == "CREATE_IN_PROGRESS":
            raise Conflict(f"The association '{association.id}' is still being created.",
                           "SERVICE_NETWORK_SERVICE_ASSOCIATION", association.id)
        association.delete()
        return association

    # --- service-network VPC associations ---

    def create_service_network_vpc_association(self, service_network_identifier, vpc_identifier,
                                               security_group_ids=None, private_dns_enabled=None, dns_options=None,
                                               tags=None, **_):
        # API_CreateServiceNetworkVpcAssociation; "You can connect a VPC to only one service network through an
        # association" (https://docs.aws.amazon.com/vpc-lattice/latest/ug/service-networks.html)
        self.ext_tick()
        network = self.ext_service_network(service_network_identifier)
        for existing in self.service_network_vpc_associations.values():
            if existing.vpc_id == vpc_identifier:
                raise Conflict(f"The VPC '{vpc_identifier}' is already associated with the service network "
                               f"'{existing.service_network.id}' ({existing.id}).",
                               "SERVICE_NETWORK_VPC_ASSOCIATION", existing.id)
        association = VpcAssociation(self, network, vpc_identifier, security_group_ids, private_dns_enabled,
                                     dns_options, tags)
        self.service_network_vpc_associations[association.id] = association
        self.ext_tag(association, tags)
        return association

    def get_service_network_vpc_association(self, identifier):
        self.ext_tick()
        return self.ext_find(self.service_network_vpc_associations, identifier, "SERVICE_NETWORK_VPC_ASSOCIATION")

    def ext_list_vpc_associations(self, service_network_identifier=None, vpc_identifier=None):
        self.ext_tick()
        found = list(self.service_network_vpc_associations.values())
        if service_network_identifier:
            found = [a for a in found if bare(service_network_identifier) == a.service_network.id]
        if vpc_identifier:
            found = [a for a in found if a.vpc_id == vpc_identifier]
        return found

    def update_service_network_vpc_association(self, identifier, security_group_ids=None, private_dns_enabled=None,
                                               dns_options=None):
        # API_UpdateServiceNetworkVpcAssociation: "You can't use this operation if there is a disassociation in
        # progress. If the association fails, you can retry by deleting the association and recreating it." Once
        # an association has security groups it must keep at least one: "to remove all security groups, you must
        # first delete the association and recreate it" (the refusal's code is not documented: ValidationException).
        association = self.get_service_network_vpc_association(identifier)
        if association.status == "DELETE_IN_PROGRESS":
            raise Conflict(f"The association '{association.id}' is being deleted.",
                           "SERVICE_NETWORK_VPC_ASSOCIATION", association.id)
        if security_group_ids is not None:
            if association.security_group_ids and not security_group_ids:
                raise Invalid("An association that has security groups must keep at least one; delete and recreate "
                              "the association to remove them all.", "securityGroupIds")
            association.security_group_ids = list(security_group_ids)
        if private_dns_enabled is not None:
            association.private_dns_enabled = private_dns_enabled
        if dns_options is not None:
            association.dns_options = dns_options
        association.updating_since = time.monotonic()
        association.last_updated_at = now_iso()
        return association

    def delete_service_network_vpc_association(self, identifier):
        # API_DeleteServiceNetworkVpcAssociation: "You can't disassociate the VPC if there is a create or update
        # association in progress."
        association = self.get_service_network_vpc_association(identifier)
        if association.status in ("CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS"):
            raise Conflict(f"The association '{association.id}' is {association.status}.",
                           "SERVICE_NETWORK_VPC_ASSOCIATION", association.id)
        association.delete()
        return association

    # --- listeners ---

    def create_listener(self, service_identifier, name, protocol, port=None, default_action=None, tags=None, **_):
        # API_CreateListener; the name "must be unique within the service"
        self.ext_tick()
        service = self.ext_service(service_identifier)
        if any(li.service is service and li.name == name for li in self.listeners.values()):
            raise Conflict(f"A listener with the name '{name}' already exists in the service '{service.id}'.",
                           "LISTENER", name)
        port = port if port is not None else DEFAULT_PORTS.get(protocol)
        if any(li.service is service and li.port == port for li in self.listeners.values()):
            raise Conflict(f"A listener on port {port} already exists in the service '{service.id}'.",
                           "LISTENER", name)
        self.ext_check_action(default_action)
        listener = Listener(service, name, protocol, port, default_action, tags)
        self.listeners[listener.id] = listener
        self.ext_tag(listener, tags)
        return listener

    def get_listener(self, service_identifier, listener_identifier):
        self.ext_tick()
        return self.ext_listener(service_identifier, listener_identifier)

    def ext_list_listeners(self, service_identifier):
        service = self.get_service(service_identifier)
        return [listener for listener in self.listeners.values() if listener.service is service]

    def update_listener(self, service_identifier, listener_identifier, default_action):
        # API_UpdateListener
        listener = self.get_listener(service_identifier, listener_identifier)
        self.ext_check_action(default_action)
        listener.default_action = default_action
        listener.last_updated_at = now_iso()
        return listener

    def ext_drop_listener(self, listener):
        for key in [key for key, rule in self.rules.items() if rule.listener is listener]:
            self.tagger.delete_all_tags_for_resource(self.rules[key].arn)
            del self.rules[key]
        self.tagger.delete_all_tags_for_resource(listener.arn)
        del self.listeners[listener.id]

    def delete_listener(self, service_identifier, listener_identifier):
        # API_DeleteListener; "When you delete a listener, all its rules are automatically deleted."
        # (https://docs.aws.amazon.com/vpc-lattice/latest/ug/delete-listener.html)
        self.ext_drop_listener(self.get_listener(service_identifier, listener_identifier))

    # --- rules ---

    def create_rule(self, service_identifier, listener_identifier, name, priority, match, action, tags=None, **_):
        # API_CreateRule; the name "must be unique within the listener", and so is the priority
        self.ext_tick()
        listener = self.ext_listener(service_identifier, listener_identifier)
        for rule in self.rules.values():
            if rule.listener is listener and rule.name == name:
                raise Conflict(f"A rule with the name '{name}' already exists in the listener '{listener.id}'.",
                               "RULE", name)
            if rule.listener is listener and rule.priority == priority:
                raise Conflict(f"The listener '{listener.id}' already has a rule with priority {priority} "
                               f"({rule.id}).", "RULE", rule.id)
        self.ext_check_action(action)
        rule = Rule(listener, name, priority, match, action, tags)
        self.rules[rule.id] = rule
        self.ext_tag(rule, tags)
        return rule

    def get_rule(self, service_identifier, listener_identifier, rule_identifier):
        # API_GetRule
        self.ext_tick()
        listener, rule = self.ext_rule(service_identifier, listener_identifier, rule_identifier)
        return rule.to_dict() if rule else listener.default_rule()

    def list_rules(self, service_identifier, listener_identifier):
        # API_ListRules: the listener's rules and its default rule (RuleSummary.isDefault)
        listener = self.get_listener(service_identifier, listener_identifier)
        rules = sorted((rule for rule in self.rules.values() if rule.listener is listener),
                       key=lambda rule: rule.priority)
        return [rule.to_dict() for rule in rules] + [listener.default_rule()]

    def update_rule(self, service_identifier, listener_identifier, rule_identifier, match=None, priority=None,
                    action=None):
        # API_UpdateRule; the default rule is changed through UpdateListener
        listener, rule = self.ext_rule(service_identifier, listener_identifier, rule_identifier)
        if rule is None:
            raise Invalid("The default rule of a listener cannot be updated; update the listener's default action.",
                          "ruleIdentifier")
        if priority is not None and priority != rule.priority:
            for other in self.rules.values():
                if other.listener is listener and other.priority == priority:
                    raise Conflict(f"The listener '{listener.id}' already has a rule with priority {priority} "
                                   f"({other.id}).", "RULE", other.id)
            rule.priority = priority
        if match is not None:
            rule.match = match
        if action is not None:
            self.ext_check_action(action)
            rule.action = action
        rule.last_updated_at = now_iso()
        return rule.to_dict()

    def delete_rule(self, service_identifier, listener_identifier, rule_identifier):
        # API_DeleteRule: "You can delete additional listener rules, but you cannot delete the default rule."
        _, rule = self.ext_rule(service_identifier, listener_identifier, rule_identifier)
        if rule is None:
            raise Invalid("The default rule of a listener cannot be deleted.", "ruleIdentifier")
        self.tagger.delete_all_tags_for_resource(rule.arn)
        del self.rules[rule.id]

    # --- target groups and targets ---

    def create_target_group(self, name, target_type, config=None, tags=None, **_):
        # API_CreateTargetGroup; the name "must be unique within the account"
        self.ext_tick()
        if any(g.name == name for g in self.target_groups.values()):
            raise Conflict(f"A target group with the name '{name}' already exists.", "TARGET_GROUP", name)
        group = TargetGroup(self, name, target_type, config, tags)
        self.target_groups[group.id] = group
        self.ext_tag(group, tags)
        return group

    def get_target_group(self, target_group_identifier):
        self.ext_tick()
        return self.ext_target_group(target_group_identifier)

    def ext_list_target_groups(self, vpc_identifier=None, target_group_type=None):
        self.ext_tick()
        found = list(self.target_groups.values())
        if vpc_identifier:
            found = [g for g in found if (g.config or {}).get("vpcIdentifier") == vpc_identifier]
        if target_group_type:
            found = [g for g in found if g.type == target_group_type]
        return found

    def update_target_group(self, target_group_identifier, health_check):
        # API_UpdateTargetGroup: the health check only
        group = self.get_target_group(target_group_identifier)
        if group.status == "DELETE_IN_PROGRESS":
            raise Conflict(f"The target group '{group.id}' is being deleted.", "TARGET_GROUP", group.id)
        config = group.config if group.config is not None else {}
        config["healthCheck"] = {**(config.get("healthCheck") or {}), **(health_check or {})}
        group.config = config
        group.last_updated_at = now_iso()
        return group

    def delete_target_group(self, target_group_identifier):
        # API_DeleteTargetGroup: "You can't delete a target group if it is used in a listener rule or if the target
        # group creation is in progress."
        group = self.get_target_group(target_group_identifier)
        users = backend_listeners_using(self, group)
        if users:
            raise Conflict(f"The target group '{group.id}' is used by the listener '{users[0].id}' of the service "
                           f"'{users[0].service.id}'.", "TARGET_GROUP", group.id)
        if group.status == "CREATE_IN_PROGRESS":
            raise Conflict(f"The target group '{group.id}' is still being created.", "TARGET_GROUP", group.id)
        group.delete()
        return group

    def ext_port(self, group, target):
        port = target.get("port")
        return port if port is not None else (group.config or {}).get("port")

    def register_targets(self, target_group_identifier, targets):
        # API_RegisterTargets
        group = self.get_target_group(target_group_identifier)
        if group.status == "DELETE_IN_PROGRESS":
            raise Conflict(f"The target group '{group.id}' is being deleted.", "TARGET_GROUP", group.id)
        successful = []
        for target in targets:
            port = self.ext_port(group, target)
            existing = group.targets.get((target["id"], port))
            if existing is None or existing.draining_since is not None:
                group.targets[(target["id"], port)] = Target(target["id"], port)
            successful.append({"id": target["id"], "port": port})
        return {"successful": successful, "unsuccessful": []}

    def deregister_targets(self, target_group_identifier, targets):
        # API_DeregisterTargets; a target that is not registered is reported unsuccessful (the failure code is not
        # documented: TargetNotFound here)
        group = self.get_target_group(target_group_identifier)
        successful, unsuccessful = [], []
        for target in targets:
            port = self.ext_port(group, target)
            existing = group.targets.get((target["id"], port))
            if existing is None:
                unsuccessful.append({"id": target["id"], "port": port, "failureCode": "TargetNotFound",
                                     "failureMessage": "The target is not registered with the target group."})
                continue
            if existing.draining_since is None:
                existing.draining_since = time.monotonic()
            successful.append({"id": target["id"], "port": port})
        return {"successful": successful, "unsuccessful": unsuccessful}

    def list_targets(self, target_group_identifier, targets=None):
        # API_ListTargets, with API_TargetSummary's statuses and reason codes
        group = self.get_target_group(target_group_identifier)
        wanted = {(t["id"], self.ext_port(group, t)) for t in targets or ()}
        in_use = bool(backend_listeners_using(self, group))
        found = []
        for key, target in group.targets.items():
            if wanted and key not in wanted:
                continue
            found.append({"id": target.id, "port": target.port, **target_state(target, group, in_use)})
        return found


def target_state(target, group, in_use) -> dict:
    """API_TargetSummary: status and reasonCode."""
    if target.draining_since is not None:
        return {"status": "DRAINING", "reasonCode": "TargetDeregistrationInProgress"}
    if not in_use:
        return {"status": "UNUSED", "reasonCode": "TargetGroupNotInUse"}
    if not group.health_checks_on():
        return {"status": "UNAVAILABLE", "reasonCode": "HealthCheckDisabled"}
    if time.monotonic() - target.registered < state_seconds():
        return {"status": "INITIAL", "reasonCode": "RegistrationInProgress"}
    return {"status": "HEALTHY"}


# ----------------------------------------------------------------------------------------------------------------
# Responses: each operation reads moto's parsed request and answers within the model's output shape


def _service_model():
    import botocore.session
    return botocore.session.get_session().get_service_model("vpc-lattice")


_model = None


def model():
    global _model
    if _model is None:
        _model = _service_model()
    return _model


def fit(shape, value):
    """`value` cut to `shape`: members the shape lacks and absent (None) values dropped."""
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return value
        return {key: fit(shape.members[key], item) for key, item in value.items()
                if key in shape.members and item is not None}
    if kind == "list":
        return [fit(shape.member, item) for item in value]
    if kind == "map":
        return {key: fit(shape.value, item) for key, item in value.items()}
    return value


def answer(operation: str, result: dict | None):
    """(body, headers) as call_action takes them: the model's status; no body for 204."""
    operation_model = model().operation_model(operation)
    status = operation_model.http.get("responseCode", 200)
    if status == 204:
        return "", {"status": 204}
    body = fit(operation_model.output_shape, result or {}) if operation_model.output_shape else {}
    return json.dumps(body), {"status": status, "Content-Type": "application/json"}


def page(items, response, key=lambda item: item.get("id") or ""):
    """ListX pagination: maxResults (model: 1..100) and an opaque nextToken (an offset here)."""
    max_results = response._get_param("maxResults") or 100
    token = response._get_param("nextToken")
    start = 0
    if token:
        try:
            start = int(base64.b64decode(token).decode())
        except ValueError as error:
            raise Invalid("The nextToken is not valid.", "nextToken") from error
    items = sorted(items, key=key) if key else items
    chunk = items[start:start + int(max_results)]
    result = {"items": chunk}
    if start + int(max_results) < len(items):
        result["nextToken"] = base64.b64encode(str(start + int(max_results)).encode()).decode()
    return result


class Responses:
    """Mixed into moto's VPCLatticeResponse: one method per operation (moto calls it by the snake-cased name)."""

    def ext(self):
        return self.backend

    def _p(self, name):
        return self._get_param(name)

    # services
    def create_service(self):   # API_CreateService
        with _lock:
            service = self.ext().create_service(
                name=self._p("name"), auth_type=self._p("authType"), certificate_arn=self._p("certificateArn"),
                custom_domain_name=self._p("customDomainName"), idle_timeout=self._p("idleTimeoutSeconds"),
                tags=self._p("tags"))
            return answer("CreateService", service.to_dict())

    def get_service(self):   # API_GetService
        with _lock:
            return answer("GetService", self.ext().get_service(self._p("serviceIdentifier")).to_dict())

    def list_services(self):   # API_ListServices
        with _lock:
            return answer("ListServices", page([s.to_dict() for s in self.ext().ext_list_services()], self))

    def update_service(self):   # API_UpdateService
        with _lock:
            service = self.ext().update_service(self._p("serviceIdentifier"), auth_type=self._p("authType"),
                                                certificate_arn=self._p("certificateArn"),
                                                idle_timeout=self._p("idleTimeoutSeconds"))
            return answer("UpdateService", service.to_dict())

    def delete_service(self):   # API_DeleteService
        with _lock:
            return answer("DeleteService", self.ext().delete_service(self._p("serviceIdentifier")).to_dict())

    # service networks
    def create_service_network(self):   # API_CreateServiceNetwork
        with _lock:
            network = self.ext().create_service_network(
                name=self._p("name"), auth_type=self._p("authType"), sharing_config=self._p("sharingConfig"),
                tags=self._p("tags"))
            return answer("CreateServiceNetwork", network.to_dict())

    def get_service_network(self):   # API_GetServiceNetwork
        with _lock:
            backend = self.ext()
            network = backend.get_service_network(self._p("serviceNetworkIdentifier"))
            return answer("GetServiceNetwork", network.to_dict(backend))

    def list_service_networks(self):   # API_ListServiceNetworks
        with _lock:
            backend = self.ext()
            backend.ext_tick()
            items = [n.to_dict(backend) for n in backend.service_networks.values()]
            return answer("ListServiceNetworks", page(items, self))

    def update_service_network(self):   # API_UpdateServiceNetwork
        with _lock:
            network = self.ext().update_service_network(self._p("serviceNetworkIdentifier"), self._p("authType"))
            return answer("UpdateServiceNetwork", network.to_dict())

    def delete_service_network(self):   # API_DeleteServiceNetwork
        with _lock:
            self.ext().delete_service_network(self._p("serviceNetworkIdentifier"))
            return answer("DeleteServiceNetwork", None)

    # service-network service associations
    def create_service_network_service_association(self):   # API_CreateServiceNetworkServiceAssociation
        with _lock:
            association = self.ext().create_service_network_service_association(
                self._p("serviceNetworkIdentifier"), self._p("serviceIdentifier"), tags=self._p("tags"))
            return answer("CreateServiceNetworkServiceAssociation", association.to_dict())

    def get_service_network_service_association(self):   # API_GetServiceNetworkServiceAssociation
        with _lock:
            association = self.ext().get_service_network_service_association(
                self._p("serviceNetworkServiceAssociationIdentifier"))
            return answer("GetServiceNetworkServiceAssociation", association.to_dict())

    def list_service_network_service_associations(self):   # API_ListServiceNetworkServiceAssociations
        with _lock:
            found = self.ext().ext_list_service_associations(self._p("serviceNetworkIdentifier"),
                                                            self._p("serviceIdentifier"))
            return answer("ListServiceNetworkServiceAssociations", page([a.to_dict() for a in found], self))

    def delete_service_network_service_association(self):   # API_DeleteServiceNetworkServiceAssociation
        with _lock:
            association = self.ext().delete_service_network_service_association(
                self._p("serviceNetworkServiceAssociationIdentifier"))
            return answer("DeleteServiceNetworkServiceAssociation", association.to_dict())

    # service-network VPC associations
    def create_service_network_vpc_association(self):   # API_CreateServiceNetworkVpcAssociation
        with _lock:
            association = self.ext().create_service_network_vpc_association(
                self._p("serviceNetworkIdentifier"), self._p("vpcIdentifier"),
                security_group_ids=self._p("securityGroupIds"), private_dns_enabled=self._p("privateDnsEnabled"),
                dns_options=self._p("dnsOptions"), tags=self._p("tags"))
            return answer("CreateServiceNetworkVpcAssociation", association.to_dict())

    def get_service_network_vpc_association(self):   # API_GetServiceNetworkVpcAssociation
        with _lock:
            association = self.ext().get_service_network_vpc_association(
                self._p("serviceNetworkVpcAssociationIdentifier"))
            return answer("GetServiceNetworkVpcAssociation", association.to_dict())

    def list_service_network_vpc_associations(self):   # API_ListServiceNetworkVpcAssociations
        with _lock:
            found = self.ext().ext_list_vpc_associations(self._p("serviceNetworkIdentifier"),
                                                        self._p("vpcIdentifier"))
            return answer("ListServiceNetworkVpcAssociations", page([a.to_dict() for a in found], self))

    def update_service_network_vpc_association(self):   # API_UpdateServiceNetworkVpcAssociation
        with _lock:
            association = self.ext().update_service_network_vpc_association(
                self._p("serviceNetworkVpcAssociationIdentifier"), security_group_ids=self._p("securityGroupIds"),
                private_dns_enabled=self._p("privateDnsEnabled"), dns_options=self._p("dnsOptions"))
            return answer("UpdateServiceNetworkVpcAssociation", association.to_dict())

    def delete_service_network_vpc_association(self):   # API_DeleteServiceNetworkVpcAssociation
        with _lock:
            association = self.ext().delete_service_network_vpc_association(
                self._p("serviceNetworkVpcAssociationIdentifier"))
            return answer("DeleteServiceNetworkVpcAssociation", association.to_dict())

    # listeners
    def create_listener(self):   # API_CreateListener
        with _lock:
            listener = self.ext().create_listener(
                self._p("serviceIdentifier"), self._p("name"), self._p("protocol"), port=self._p("port"),
                default_action=self._p("defaultAction"), tags=self._p("tags"))
            return answer("CreateListener", listener.to_dict())

    def get_listener(self):   # API_GetListener
        with _lock:
            listener = self.ext().get_listener(self._p("serviceIdentifier"), self._p("listenerIdentifier"))
            return answer("GetListener", listener.to_dict())

    def list_listeners(self):   # API_ListListeners
        with _lock:
            found = self.ext().ext_list_listeners(self._p("serviceIdentifier"))
            return answer("ListListeners", page([li.to_dict() for li in found], self))

    def update_listener(self):   # API_UpdateListener
        with _lock:
            listener = self.ext().update_listener(self._p("serviceIdentifier"), self._p("listenerIdentifier"),
                                                  self._p("defaultAction"))
            return answer("UpdateListener", listener.to_dict())

    def delete_listener(self):   # API_DeleteListener
        with _lock:
            self.ext().delete_listener(self._p("serviceIdentifier"), self._p("listenerIdentifier"))
            return answer("DeleteListener", None)

    # rules
    def create_rule(self):   # API_CreateRule
        with _lock:
            rule = self.ext().create_rule(
                self._p("serviceIdentifier"), self._p("listenerIdentifier"), self._p("name"), self._p("priority"),
                self._p("match"), self._p("action"), tags=self._p("tags"))
            return answer("CreateRule", rule.to_dict())

    def get_rule(self):   # API_GetRule
        with _lock:
            return answer("GetRule", self.ext().get_rule(self._p("serviceIdentifier"), self._p("listenerIdentifier"),
                                                         self._p("ruleIdentifier")))

    def list_rules(self):   # API_ListRules
        with _lock:
            found = self.ext().list_rules(self._p("serviceIdentifier"), self._p("listenerIdentifier"))
            return answer("ListRules", page(found, self, key=None))

    def update_rule(self):   # API_UpdateRule
        with _lock:
            rule = self.ext().update_rule(
                self._p("serviceIdentifier"), self._p("listenerIdentifier"), self._p("ruleIdentifier"),
                match=self._p("match"), priority=self._p("priority"), action=self._p("action"))
            return answer("UpdateRule", rule)

    def delete_rule(self):   # API_DeleteRule
        with _lock:
            self.ext().delete_rule(self._p("serviceIdentifier"), self._p("listenerIdentifier"),
                                   self._p("ruleIdentifier"))
            return answer("DeleteRule", None)

    # target groups
    def create_target_group(self):   # API_CreateTargetGroup
        with _lock:
            group = self.ext().create_target_group(self._p("name"), self._p("type"), config=self._p("config"),
                                                   tags=self._p("tags"))
            return answer("CreateTargetGroup", group.to_dict())

    def get_target_group(self):   # API_GetTargetGroup
        with _lock:
            backend = self.ext()
            group = backend.get_target_group(self._p("targetGroupIdentifier"))
            return answer("GetTargetGroup", group.to_dict(backend))

    def list_target_groups(self):   # API_ListTargetGroups
        with _lock:
            backend = self.ext()
            found = backend.ext_list_target_groups(self._p("vpcIdentifier"), self._p("targetGroupType"))
            return answer("ListTargetGroups", page([g.to_dict(backend) for g in found], self))

    def update_target_group(self):   # API_UpdateTargetGroup
        with _lock:
            group = self.ext().update_target_group(self._p("targetGroupIdentifier"), self._p("healthCheck"))
            return answer("UpdateTargetGroup", group.to_dict())

    def delete_target_group(self):   # API_DeleteTargetGroup
        with _lock:
            return answer("DeleteTargetGroup",
                          self.ext().delete_target_group(self._p("targetGroupIdentifier")).to_dict())

    def register_targets(self):   # API_RegisterTargets
        with _lock:
            return answer("RegisterTargets", self.ext().register_targets(self._p("targetGroupIdentifier"),
                                                                         self._p("targets") or []))

    def deregister_targets(self):   # API_DeregisterTargets
        with _lock:
            return answer("DeregisterTargets", self.ext().deregister_targets(self._p("targetGroupIdentifier"),
                                                                             self._p("targets") or []))

    def list_targets(self):   # API_ListTargets
        with _lock:
            found = self.ext().list_targets(self._p("targetGroupIdentifier"), self._p("targets"))
            return answer("ListTargets", page(found, self, key=lambda t: (t["id"], t.get("port") or 0)))

    # moto's own, answered with the model's status (DeleteAuthPolicy: 204)
    def delete_auth_policy(self):   # API_DeleteAuthPolicy
        with _lock:
            identifier = self._p("resourceIdentifier")
            resource_id = bare(identifier)
            if resource_id not in self.backend.auth_policies:
                kind = "SERVICE_NETWORK" if resource_id.startswith("sn-") else "SERVICE"
                raise NotFound(kind, identifier)
            del self.backend.auth_policies[resource_id]
            return answer("DeleteAuthPolicy", None)


# Each operation and its API reference page (README.md lists them; tests check every one is routed).
OPERATIONS = (
    "CreateService", "GetService", "ListServices", "UpdateService", "DeleteService",
    "CreateServiceNetwork", "GetServiceNetwork", "ListServiceNetworks", "UpdateServiceNetwork",
    "DeleteServiceNetwork",
    "CreateServiceNetworkServiceAssociation", "GetServiceNetworkServiceAssociation",
    "ListServiceNetworkServiceAssociations", "DeleteServiceNetworkServiceAssociation",
    "CreateServiceNetworkVpcAssociation", "GetServiceNetworkVpcAssociation", "ListServiceNetworkVpcAssociations",
    "UpdateServiceNetworkVpcAssociation", "DeleteServiceNetworkVpcAssociation",
    "CreateListener", "GetListener", "ListListeners", "UpdateListener", "DeleteListener",
    "CreateRule", "GetRule", "ListRules", "UpdateRule", "DeleteRule",
    "CreateTargetGroup", "GetTargetGroup", "ListTargetGroups", "UpdateTargetGroup", "DeleteTargetGroup",
    "RegisterTargets", "DeregisterTargets", "ListTargets", "DeleteAuthPolicy",
)


def install() -> None:
    from moto.vpclattice import exceptions, models, responses
    # moto's own ResourceNotFoundException (access logs, policies) is HTTP 400; the model says 404
    exceptions.ResourceNotFoundException.code = 404
    for name, member in vars(Operations).items():
        if callable(member) and not name.startswith("__"):
            setattr(models.VPCLatticeBackend, name, member)
    for name, member in vars(Responses).items():
        if callable(member) and not name.startswith("__"):
            setattr(responses.VPCLatticeResponse, name, member)
    # The path of the rule operations (/services/{id}/listeners/{id}/rules/{id}) and of the target operations
    # (/targetgroups/{id}/registertargets) are caught by moto's greedy patterns, so every operation is routed;
    # moto finds the operation by botocore's model (method and URI).
