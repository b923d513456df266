//! The services themselves: their nodes in their ECS cluster's box, their Cloud Map services, and the ingress
//! from their callers.

use crate::plan::Address;
use crate::topology::{Service, Topology};

use super::{id, Graph, Marks, State};
use crate::topology::AwsName as _;

/// A service's node, in its ECS cluster's box when it has one.
pub(super) fn add_service(graph: &mut Graph, topology: &Topology, marks: &Marks, service: &Service) {
    let mut lines = vec![format!("service {}", service.name)];
    if let Some(wiring) = &service.ecs {
        lines.push(format!("ECS {}/{}", wiring.cluster, wiring.service));
    }
    lines.push(format!(":{} in {}", service.port, service.security_group));
    if let (Some(connect), Some(namespace)) = (&service.connect, &topology.discovery) {
        for (_, dns_name, port) in connect.resolved(namespace, service.port) {
            lines.push(format!("Service Connect {dns_name}:{port}"));
        }
    }
    let group = service.ecs.as_ref().map(|wiring| id(&["cluster", &wiring.cluster]));
    graph.node(id(&["svc", &service.name]), lines, marks.state(Address::EcsService(service.name.clone())), group);
}

/// A service's Cloud Map service, in the namespace's box.
pub(super) fn add_discovery(graph: &mut Graph, topology: &Topology, marks: &Marks, service: &Service) {
    let (Some(discovery), Some(name)) = (&service.discovery, topology.cloud_map_name(service)) else { return };
    let registry = id(&["sd", &service.name]);
    let lines = vec![name.dns, format!("{} records, TTL {}", discovery.record.as_aws(), discovery.ttl)];
    let state = marks.state(Address::DiscoveryService(service.name.clone()));
    graph.node(registry.clone(), lines, state, Some("namespace".into()));
    graph.edge(&registry, &id(&["svc", &service.name]), Some("tasks".into()), State::Live);
}

/// The ingress on a service's group from each of its callers'.
pub(super) fn add_callers(graph: &mut Graph, marks: &Marks, service: &Service) {
    for caller in &service.callers {
        graph.ingress(
            &id(&["svc", caller]),
            &id(&["svc", &service.name]),
            format!("ingress tcp/{}", service.port),
            marks.state(Address::CallerIngress(service.name.clone(), caller.clone())),
        );
    }
}
