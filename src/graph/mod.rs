//! The topology as a diagram: load balancer, listener, rules, target groups, services, DNS names, Cloud Map and
//! ingress, each node or edge marked missing or drifted from the plan's changes. Pure: `build` makes a plain
//! graph from (topology, plan); `views::graph` writes it as Mermaid or dot.

use crate::plan::{Action, Address, Plan};
use crate::topology::{DefaultAction, RecordKind, Topology};

/// What the plan says about a node's or edge's resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// In live state as the file wants it (or nothing of its own to check).
    Live,
    /// Not in live state: apply creates it.
    Missing,
    /// In live state, different: apply updates or replaces it.
    Drifted,
}

impl State {
    /// The words added to a label, so the diagram reads without color.
    pub fn marker(self) -> Option<&'static str> {
        match self {
            State::Live => None,
            State::Missing => Some("(missing)"),
            State::Drifted => Some("(drifted)"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    pub lines: Vec<String>,
    pub state: State,
    /// The box it is drawn in: an ECS cluster, the DNS zone, the Cloud Map namespace.
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub label: Option<String>,
    pub state: State,
    /// Security group ingress, drawn dashed: who may connect, not where requests are sent.
    pub ingress: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub title: String,
    pub state: State,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    pub groups: Vec<Group>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Resources the plan deletes: no longer in the file, so not drawn, but listed.
    pub deleted: Vec<String>,
}

impl Graph {
    fn has_node(&self, id: &str) -> bool {
        self.nodes.iter().any(|node| node.id == id)
    }

    fn node(&mut self, id: String, lines: Vec<String>, state: State, group: Option<String>) {
        self.nodes.push(Node { id, lines, state, group });
    }

    fn edge(&mut self, from: &str, to: &str, label: Option<String>, state: State) {
        self.edges.push(Edge { from: from.into(), to: to.into(), label, state, ingress: false });
    }

    fn ingress(&mut self, from: &str, to: &str, label: String, state: State) {
        self.edges.push(Edge { from: from.into(), to: to.into(), label: Some(label), state, ingress: true });
    }
}

/// A diagram id: letters, digits and `_` only.
fn id(parts: &[&str]) -> String {
    parts.join("_").chars().map(|character| if character.is_ascii_alphanumeric() { character } else { '_' }).collect()
}

/// The graph of `topology`, marked from `plan` (a plan of apply).
pub fn build(topology: &Topology, plan: &Plan) -> Graph {
    let state = |address: Address| match plan
        .changes
        .iter()
        .find(|change| change.address == address)
        .map(|change| change.action)
    {
        Some(Action::Create) => State::Missing,
        Some(Action::Update | Action::Replace) => State::Drifted,
        Some(Action::Delete) | None => State::Live,
    };
    let mut graph = Graph::default();
    if let Some(zone) = &topology.dns {
        graph.groups.push(Group {
            id: "zone".into(),
            title: format!("Route 53 private zone {}", zone.zone),
            state: state(Address::HostedZone),
        });
    }
    if let Some(namespace) = &topology.discovery {
        graph.groups.push(Group {
            id: "namespace".into(),
            title: format!("Cloud Map namespace {namespace}"),
            state: state(Address::Namespace),
        });
    }
    let mut clusters: Vec<&str> = topology
        .services
        .iter()
        .filter_map(|service| service.ecs.as_ref().map(|wiring| wiring.cluster.as_str()))
        .collect();
    clusters.dedup();
    for cluster in clusters {
        if !graph.groups.iter().any(|group| group.id == id(&["cluster", cluster])) {
            graph.groups.push(Group {
                id: id(&["cluster", cluster]),
                title: format!("ECS cluster {cluster}"),
                state: State::Live,
            });
        }
    }
    let listener = topology.load_balancer.as_ref().map(|load_balancer| {
        let lines = vec![
            format!("load balancer {}", load_balancer.name),
            format!("{}, own security group", load_balancer.scheme.as_aws()),
        ];
        let lb_state = match (state(Address::LoadBalancer(0)), state(Address::LoadBalancerSecurityGroup)) {
            (State::Live, other) => other,
            (own, _) => own,
        };
        graph.node("lb".into(), lines, lb_state, None);
        let mut rule_carriers = Vec::new();
        for listener in &load_balancer.listeners {
            let node = id(&["listener", &listener.port.to_string()]);
            graph.node(
                node.clone(),
                vec![format!("listener {} :{}", listener.protocol.as_aws(), listener.port)],
                state(Address::Listener(0, listener.port)),
                None,
            );
            graph.edge("lb", &node, None, State::Live);
            match &listener.default {
                DefaultAction::EmptyTargetGroup => {
                    if !graph.has_node("default_tg") {
                        graph.node(
                            "default_tg".into(),
                            vec!["default target group".into(), "empty: unknown hosts get 503".into()],
                            state(Address::DefaultTargetGroup(0)),
                            None,
                        );
                    }
                    graph.edge(&node, "default_tg", Some("default".into()), State::Live);
                }
                DefaultAction::FixedResponse { status, .. } => {
                    let fixed = id(&["fixed", &listener.port.to_string()]);
                    graph.node(fixed.clone(), vec![format!("fixed response {status}")], State::Live, None);
                    graph.edge(&node, &fixed, Some("default".into()), State::Live);
                }
                DefaultAction::Redirect { port } => {
                    graph.edge(&node, &id(&["listener", &port.to_string()]), Some("301 redirect".into()), State::Live);
                }
                DefaultAction::Forward(service) => {
                    graph.edge(&node, &id(&["tg", service]), Some("default".into()), State::Live);
                }
            }
            if listener.carries_rules() {
                rule_carriers.push((listener.port, node));
            }
        }
        rule_carriers
    });
    for service in &topology.services {
        let node = id(&["svc", &service.name]);
        let mut lines = vec![format!("service {}", service.name)];
        if let Some(wiring) = &service.ecs {
            lines.push(format!("ECS {}/{}", wiring.cluster, wiring.service));
        }
        lines.push(format!(":{} in {}", service.port, service.security_group));
        if let (Some(connect), Some(namespace)) = (&service.connect, &topology.discovery) {
            lines.push(format!("Service Connect {}.{namespace}:{}", connect.discovery_name, service.port));
        }
        let group = service.ecs.as_ref().map(|wiring| id(&["cluster", &wiring.cluster]));
        graph.node(node.clone(), lines, state(Address::EcsService(service.name.clone())), group);
    }
    for service in &topology.services {
        let node = id(&["svc", &service.name]);
        if let (Some(routing), Some(listeners)) = (&service.routing, &listener) {
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
                graph.node(rule.clone(), lines, state(Address::ListenerRule(service.name.clone(), *port)), None);
                graph.edge(listener, &rule, None, State::Live);
                graph.edge(&rule, &target_group, Some("forward".into()), State::Live);
            }
            let lines = vec![
                format!("target group of {}", service.name),
                format!(
                    "HTTP :{} {}, health {}",
                    service.port,
                    service.target_type.as_aws(),
                    routing.health_check.path
                ),
            ];
            graph.node(target_group.clone(), lines, state(Address::TargetGroup(service.name.clone())), None);
            graph.edge(&target_group, &node, Some("targets".into()), State::Live);
            if let Some(dns) = &topology.dns {
                let kind = if dns.record == RecordKind::Alias { "A alias" } else { "CNAME" };
                for host in
                    routing.hosts.iter().filter(|host| **host == dns.zone || host.ends_with(&format!(".{}", dns.zone)))
                {
                    let record = id(&["dns", &service.name, host]);
                    if graph.has_node(&record) {
                        continue;
                    }
                    graph.node(
                        record.clone(),
                        vec![host.clone(), kind.into()],
                        state(Address::DnsRecord(service.name.clone(), host.clone())),
                        Some("zone".into()),
                    );
                    graph.edge(&record, "lb", None, State::Live);
                }
            }
            graph.ingress(
                "lb",
                &node,
                format!("ingress tcp/{}", service.port),
                state(Address::Ingress(service.name.clone())),
            );
        }
        if let (Some(discovery), Some(namespace)) = (&service.discovery, &topology.discovery) {
            let registry = id(&["sd", &service.name]);
            let lines = vec![
                format!("{}.{namespace}", service.name),
                format!("{} records, TTL {}", discovery.record.as_aws(), discovery.ttl),
            ];
            graph.node(
                registry.clone(),
                lines,
                state(Address::DiscoveryService(service.name.clone())),
                Some("namespace".into()),
            );
            graph.edge(&registry, &node, Some("tasks".into()), State::Live);
        }
        for caller in &service.callers {
            graph.ingress(
                &id(&["svc", caller]),
                &node,
                format!("ingress tcp/{}", service.port),
                state(Address::CallerIngress(service.name.clone(), caller.clone())),
            );
        }
    }
    graph.deleted = plan
        .changes
        .iter()
        .filter(|change| change.action == Action::Delete)
        .map(|change| format!("{} {}", change.address, change.name))
        .collect();
    graph
}

#[cfg(test)]
mod tests;
