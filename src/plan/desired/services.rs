//! What each service asks for: ingress to its group, its Cloud Map service, its ECS wiring, and, when it is
//! load-balanced, its target group and listener rule.

use std::collections::BTreeMap;

use crate::live::Vpc;
use crate::topology::names::short_hash;
use crate::topology::{bounded_name, Protocol, Routing, Service, Topology};

use super::{
    Address, Desired, DesiredDiscovery, DesiredEcs, DesiredIngress, DesiredService, IngressSource, TargetGroupSpec,
};
use crate::topology::AwsName as _;

/// Adds what the service at `index` asks for; `groups` holds each service's security group ID, by name.
pub(super) fn add(
    desired: &mut Desired,
    topology: &Topology,
    vpc: &Vpc,
    groups: &BTreeMap<&str, String>,
    index: usize,
    service: &Service,
) {
    let Some(group_id) = groups.get(service.name.as_str()) else { return };
    // A VPC Lattice service's callers reach it through Lattice, whose traffic comes from its prefix list
    // (`lattice.rs`), never from the callers' groups.
    let callers = if service.lattice.is_some() { &[][..] } else { &service.callers[..] };
    for caller in callers {
        let Some(caller_group) = groups.get(caller.as_str()) else { continue };
        desired.ingress.push(DesiredIngress {
            address: Address::CallerIngress(service.name.clone(), caller.clone()),
            group_id: group_id.clone(),
            port: service.port,
            source: IngressSource::Caller { group_id: caller_group.clone(), service: caller.clone() },
        });
    }
    if let Some(discovery) = &service.discovery {
        desired.discovery_services.push(DesiredDiscovery {
            service: service.name.clone(),
            callers_use: topology.cloud_map_name(service),
            record_type: discovery.record,
            ttl: discovery.ttl,
        });
    }
    if let Some(wiring) = &service.ecs {
        desired.ecs_services.push(DesiredEcs {
            service: service.name.clone(),
            index,
            wiring: wiring.clone(),
            port: service.port,
            target_type: service.target_type,
            load_balanced: service.routing.is_some(),
            discovery: service.discovery.as_ref().map(|discovery| discovery.record),
            connect: service.connect.clone(),
            lattice: service.lattice.as_ref().zip(topology.lattice.as_ref()).map(|(wanted, lattice)| {
                super::lattice::EcsLattice {
                    port_name: wanted.port_name.clone(),
                    role_arn: lattice.infrastructure_role.clone(),
                }
            }),
        });
    }
    let Some(routing) = &service.routing else { return };
    desired.ingress.push(DesiredIngress {
        address: Address::Ingress(service.name.clone()),
        group_id: group_id.clone(),
        port: service.port,
        source: IngressSource::LoadBalancer,
    });
    desired.services.push(load_balanced(topology, vpc, service, routing));
}

/// A load-balanced service: its target group and where its rule goes.
fn load_balanced(topology: &Topology, vpc: &Vpc, service: &Service, routing: &Routing) -> DesiredService {
    let port = service.port.to_string();
    // The load balancer's scheme is in the hash: a new load balancer gets new target groups, under new names.
    let scheme = topology.load_balancer.as_ref().map_or("", |load_balancer| load_balancer.scheme.as_aws());
    let immutable = short_hash(&[&port, "HTTP", service.target_type.as_aws(), &vpc.id, scheme]);
    DesiredService {
        name: service.name.clone(),
        target_group: TargetGroupSpec {
            name: bounded_name(&bounded_name(&topology.name, &service.name), &immutable),
            port: service.port,
            protocol: Protocol::Http,
            target_type: service.target_type,
            vpc_id: vpc.id.clone(),
            health_check: routing.health_check.clone(),
            attributes: routing.attributes.clone(),
        },
        hosts: routing.hosts.clone(),
        paths: routing.paths.clone(),
        listeners: routing.listeners.clone(),
        priority: routing.priority,
    }
}
