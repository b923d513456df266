//! A load-balanced service: its rules on its shard's listeners, its target group, its DNS names and the ingress
//! from the load balancer.

use crate::plan::Address;
use crate::topology::{RecordKind, Routing, Service, Topology};

use super::load_balancer::load_balancer_id;
use super::{id, Graph, Marks, State};
use crate::topology::AwsName as _;

/// A load-balanced service's rules on its shard's listeners, its target group, its DNS names and the ingress from
/// the load balancer.
pub(super) fn add_routing(
    graph: &mut Graph,
    topology: &Topology,
    marks: &Marks,
    service: &Service,
    routing: &Routing,
    shard: u16,
    listeners: &[(u16, String)],
) {
    let node = id(&["svc", &service.name]);
    let target_group = id(&["tg", &service.name]);
    for (port, listener) in listeners.iter().filter(|(port, _)| routing.listeners.contains(port)) {
        let rule = id(&["rule", &service.name, &port.to_string()]);
        let mut lines = Vec::new();
        if !routing.hosts.is_empty() {
            lines.push(format!("rule: host {}", routing.hosts.join(", ")));
        }
        if !routing.paths.is_empty() {
            lines.push(format!("path {}", routing.paths.join(", ")));
        }
        lines.extend(routing.priority.map(|priority| format!("priority {priority}")));
        graph.node(rule.clone(), lines, marks.state(Address::ListenerRule(service.name.clone(), *port)), None);
        graph.edge(listener, &rule, None, State::Live);
        graph.edge(&rule, &target_group, Some("forward".into()), State::Live);
    }
    let lines = vec![
        format!("target group of {}", service.name),
        format!("HTTP :{} {}, health {}", service.port, service.target_type.as_aws(), routing.health_check.path),
    ];
    graph.node(target_group.clone(), lines, marks.state(Address::TargetGroup(service.name.clone())), None);
    graph.edge(&target_group, &node, Some("targets".into()), State::Live);
    let load_balancer = load_balancer_id(shard);
    add_records(graph, topology, marks, service, routing, &load_balancer);
    graph.ingress(
        &load_balancer,
        &node,
        format!("ingress tcp/{}", service.port),
        marks.state(Address::Ingress(service.name.clone())),
    );
}

/// A service's names in the private zone, each pointing at the load balancer with its rules.
fn add_records(
    graph: &mut Graph,
    topology: &Topology,
    marks: &Marks,
    service: &Service,
    routing: &Routing,
    load_balancer: &str,
) {
    let Some(dns) = &topology.dns else { return };
    let kind = if dns.record == RecordKind::Alias { "A alias" } else { "CNAME" };
    let in_zone = |host: &&String| **host == dns.zone || host.ends_with(&format!(".{}", dns.zone));
    for host in routing.hosts.iter().filter(in_zone) {
        let record = id(&["dns", &service.name, host]);
        if graph.has_node(&record) {
            continue;
        }
        graph.node(
            record.clone(),
            vec![host.clone(), kind.into()],
            marks.state(Address::DnsRecord(service.name.clone(), host.clone())),
            Some("zone".into()),
        );
        graph.edge(&record, load_balancer, None, State::Live);
    }
}
