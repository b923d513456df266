//! Cloud Map namespaces and services, and ECS services, as Cloud Map, ECS and the executor leave them.

use crate::live::{DiscoveryService, EcsLatticeConfig, EcsLoadBalancer, EcsRegistry, Namespace, ServiceConnect};
use crate::plan::ownership::SERVICE_CONNECT_TAG;
use crate::plan::{Address, CloudMapOp, ConnectChange, EcsLoadBalancerSpec, EcsUpdate};

use super::Account;
use crate::topology::AwsName as _;

impl Account<'_> {
    /// A Cloud Map operation.
    pub(super) fn discovery(&mut self, address: &Address, operation: &CloudMapOp) {
        match operation {
            CloudMapOp::CreateNamespace { name, description, .. } => {
                let id = self.new_id("ns", address);
                let arn = format!("arn:aws:servicediscovery:namespace/{id}");
                self.state.namespaces.push(Namespace {
                    id: id.clone(),
                    arn,
                    name: name.clone(),
                    description: Some(description.clone()),
                });
                self.created.insert(address.clone(), id);
            }
            CloudMapOp::DeleteNamespace { id } => self.state.namespaces.retain(|namespace| namespace.id != *id),
            CloudMapOp::CreateDiscoveryService { name, namespace, record_type, ttl, description } => {
                let id = self.new_id("srv", address);
                let arn = format!("arn:aws:servicediscovery:service/{id}");
                let namespace_id = self.resolve(namespace);
                self.state.discovery_services.push(DiscoveryService {
                    id,
                    arn: arn.clone(),
                    name: name.clone(),
                    namespace_id,
                    description: Some(description.clone()),
                    record_type: record_type.as_aws().into(),
                    ttl: *ttl,
                });
                self.created.insert(address.clone(), arn);
            }
            CloudMapOp::UpdateDiscoveryTtl { id, ttl, .. } => self
                .state
                .discovery_services
                .iter_mut()
                .filter(|service| service.id == *id)
                .for_each(|service| service.ttl = *ttl),
            CloudMapOp::DeleteDiscoveryService { id } => {
                self.state.discovery_services.retain(|service| service.id != *id)
            }
        }
    }

    pub(super) fn update_ecs_service(&mut self, update: &EcsUpdate) {
        let load_balancers = update.load_balancers.as_ref().map(|specs| {
            specs
                .iter()
                .map(|spec| match spec {
                    EcsLoadBalancerSpec::Own { target_group, container, port } => {
                        EcsLoadBalancer::target_group(&self.resolve(target_group), container, *port)
                    }
                    EcsLoadBalancerSpec::Kept(entry) => entry.clone(),
                })
                .collect::<Vec<_>>()
        });
        let registries = update.registries.as_ref().map(|specs| {
            specs
                .iter()
                .map(|spec| EcsRegistry {
                    arn: self.resolve(&spec.registry),
                    port: spec.port,
                    container: spec.container.clone(),
                    container_port: spec.container_port,
                })
                .collect::<Vec<_>>()
        });
        let lattice = update.lattice.as_ref().map(|specs| {
            specs
                .iter()
                .map(|spec| EcsLatticeConfig {
                    role_arn: spec.role_arn.clone(),
                    target_group_arn: self.resolve(&spec.target_group),
                    port_name: spec.port_name.clone(),
                })
                .collect::<Vec<_>>()
        });
        let service = self
            .state
            .ecs_services
            .iter_mut()
            .find(|service| service.arn == update.arn)
            .expect("ecsnet updates only ECS services it read");
        if let Some(load_balancers) = load_balancers {
            service.load_balancers = load_balancers;
        }
        if let Some(registries) = registries {
            service.registries = registries;
        }
        if let Some(lattice) = lattice {
            service.lattice = lattice;
        }
        match &update.connect {
            Some(change @ ConnectChange::Enable { marker, .. }) => {
                service.connect = change.target();
                service.tags.insert(SERVICE_CONNECT_TAG.into(), marker.clone());
            }
            Some(ConnectChange::Disable) => {
                service.connect =
                    Some(ServiceConnect { enabled: false, namespace: String::new(), services: vec![], logs: None });
                service.tags.remove(SERVICE_CONNECT_TAG);
            }
            None => {}
        }
    }
}
