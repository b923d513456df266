//! The topology as a diagram: load balancer, listener, rules, target groups, services, DNS names, Cloud Map and
//! ingress, each node or edge marked missing or drifted from the plan's changes. Pure: `build` makes a plain
//! graph from (topology, observed state, plan), with every load balancer shard; `views::graph` writes it as
//! Mermaid or dot.

mod placement;

use crate::observed::Observed;
use crate::plan::{Action, Address, Plan};
use crate::topology::{bounded_name, DefaultAction, Listener, RecordKind, Routing, Service, Topology};

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

/// What the plan does to each address, read as the state drawn.
struct Marks<'a> {
    plan: &'a Plan,
}

impl Marks<'_> {
    fn state(&self, address: Address) -> State {
        match self.plan.changes.iter().find(|change| change.address == address).map(|change| change.action) {
            Some(Action::Create) => State::Missing,
            Some(Action::Update | Action::Replace) => State::Drifted,
            Some(Action::Delete) | None => State::Live,
        }
    }
}

/// The graph of `topology`, marked from `plan` (a plan of apply): every load balancer the topology has once the
/// plan is applied, each service's rules on the one the plan leaves them on (`observed` says where live rules are).
pub fn build(topology: &Topology, observed: &Observed, plan: &Plan) -> Graph {
    let marks = Marks { plan };
    let placement = placement::Placement::of(topology, observed, plan);
    let mut graph = Graph::default();
    add_groups(&mut graph, topology, &marks);
    let mut carriers: Vec<Vec<(u16, String)>> = Vec::new();
    if let Some(load_balancer) = &topology.load_balancer {
        for shard in 0..placement.count() {
            carriers.push(add_load_balancer(&mut graph, load_balancer, &marks, shard));
        }
    }
    for service in &topology.services {
        add_service(&mut graph, topology, &marks, service);
    }
    for service in &topology.services {
        let shard = placement.shard(&service.name);
        if let (Some(routing), Some(listeners)) = (&service.routing, carriers.get(usize::from(shard))) {
            add_routing(&mut graph, topology, &marks, service, routing, shard, listeners);
        }
        add_discovery(&mut graph, topology, &marks, service);
        add_callers(&mut graph, &marks, service);
    }
    graph.deleted = plan
        .changes
        .iter()
        .filter(|change| change.action == Action::Delete)
        .map(|change| format!("{} {}", change.address, change.name))
        .collect();
    graph
}

/// The boxes: the private zone, the Cloud Map namespace, and each ECS cluster.
fn add_groups(graph: &mut Graph, topology: &Topology, marks: &Marks) {
    if let Some(zone) = &topology.dns {
        graph.groups.push(Group {
            id: "zone".into(),
            title: format!("Route 53 private zone {}", zone.zone),
            state: marks.state(Address::HostedZone),
        });
    }
    if let Some(namespace) = &topology.discovery {
        graph.groups.push(Group {
            id: "namespace".into(),
            title: format!("Cloud Map namespace {namespace}"),
            state: marks.state(Address::Namespace),
        });
    }
    let clusters = topology.services.iter().filter_map(|service| service.ecs.as_ref().map(|wiring| &wiring.cluster));
    for cluster in clusters {
        if !graph.groups.iter().any(|group| group.id == id(&["cluster", cluster])) {
            graph.groups.push(Group {
                id: id(&["cluster", cluster]),
                title: format!("ECS cluster {cluster}"),
                state: State::Live,
            });
        }
    }
}

/// A shard's load balancer node id: `lb` for the first, `lb_2`, `lb_3`… after it.
fn load_balancer_id(shard: u16) -> String {
    if shard == 0 {
        "lb".into()
    } else {
        id(&["lb", &(shard + 1).to_string()])
    }
}

/// The id of a node of a shard's own (a listener, its default target group): `listener_80` on the first,
/// `lb_2_listener_80` on the second.
fn in_shard(shard: u16, parts: &[&str]) -> String {
    if shard == 0 {
        id(parts)
    } else {
        format!("{}_{}", load_balancer_id(shard), id(parts))
    }
}

/// A shard's load balancer and its listeners; returns the listeners that carry rules, by port, with their node.
fn add_load_balancer(
    graph: &mut Graph,
    load_balancer: &crate::topology::LoadBalancer,
    marks: &Marks,
    shard: u16,
) -> Vec<(u16, String)> {
    let lines = vec![
        format!("load balancer {}", shard_name(&load_balancer.name, shard)),
        format!("{}, own security group", load_balancer.scheme.as_aws()),
    ];
    let state = match (marks.state(Address::LoadBalancer(shard)), marks.state(Address::LoadBalancerSecurityGroup)) {
        (State::Live, other) => other,
        (own, _) => own,
    };
    let node = load_balancer_id(shard);
    graph.node(node.clone(), lines, state, None);
    let mut rule_carriers = Vec::new();
    for listener in &load_balancer.listeners {
        let listener_node = add_listener(graph, listener, marks, shard, &node);
        if listener.carries_rules() {
            rule_carriers.push((listener.port, listener_node));
        }
    }
    rule_carriers
}

/// A listener of a shard's load balancer, and where its default action sends a request.
fn add_listener(graph: &mut Graph, listener: &Listener, marks: &Marks, shard: u16, load_balancer: &str) -> String {
    let port = listener.port.to_string();
    let node = in_shard(shard, &["listener", &port]);
    graph.node(
        node.clone(),
        vec![format!("listener {} :{}", listener.protocol.as_aws(), listener.port)],
        marks.state(Address::Listener(shard, listener.port)),
        None,
    );
    graph.edge(load_balancer, &node, None, State::Live);
    match &listener.default {
        DefaultAction::EmptyTargetGroup => {
            let default = in_shard(shard, &["default_tg"]);
            if !graph.has_node(&default) {
                graph.node(
                    default.clone(),
                    vec!["default target group".into(), "empty: unknown hosts get 503".into()],
                    marks.state(Address::DefaultTargetGroup(shard)),
                    None,
                );
            }
            graph.edge(&node, &default, Some("default".into()), State::Live);
        }
        DefaultAction::FixedResponse { status, .. } => {
            let fixed = in_shard(shard, &["fixed", &port]);
            graph.node(fixed.clone(), vec![format!("fixed response {status}")], State::Live, None);
            graph.edge(&node, &fixed, Some("default".into()), State::Live);
        }
        DefaultAction::Redirect { port } => {
            let to = in_shard(shard, &["listener", &port.to_string()]);
            graph.edge(&node, &to, Some("301 redirect".into()), State::Live);
        }
        DefaultAction::Forward(service) => {
            graph.edge(&node, &id(&["tg", service]), Some("default".into()), State::Live);
        }
    }
    node
}

/// A load balancer's name in a shard: the file's name for the first, `<name>-2`, `<name>-3`… after it (as the
/// planner names it).
fn shard_name(name: &str, shard: u16) -> String {
    if shard == 0 {
        name.to_string()
    } else {
        bounded_name(name, &(shard + 1).to_string())
    }
}

/// A service's node, in its ECS cluster's box when it has one.
fn add_service(graph: &mut Graph, topology: &Topology, marks: &Marks, service: &Service) {
    let mut lines = vec![format!("service {}", service.name)];
    if let Some(wiring) = &service.ecs {
        lines.push(format!("ECS {}/{}", wiring.cluster, wiring.service));
    }
    lines.push(format!(":{} in {}", service.port, service.security_group));
    if let (Some(connect), Some(namespace)) = (&service.connect, &topology.discovery) {
        lines.push(format!("Service Connect {}.{namespace}:{}", connect.discovery_name, service.port));
    }
    let group = service.ecs.as_ref().map(|wiring| id(&["cluster", &wiring.cluster]));
    graph.node(id(&["svc", &service.name]), lines, marks.state(Address::EcsService(service.name.clone())), group);
}

/// A load-balanced service's rules on its shard's listeners, its target group, its DNS names and the ingress from
/// the load balancer.
fn add_routing(
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

/// A service's Cloud Map service, in the namespace's box.
fn add_discovery(graph: &mut Graph, topology: &Topology, marks: &Marks, service: &Service) {
    let (Some(discovery), Some(namespace)) = (&service.discovery, &topology.discovery) else { return };
    let registry = id(&["sd", &service.name]);
    let lines = vec![
        format!("{}.{namespace}", service.name),
        format!("{} records, TTL {}", discovery.record.as_aws(), discovery.ttl),
    ];
    let state = marks.state(Address::DiscoveryService(service.name.clone()));
    graph.node(registry.clone(), lines, state, Some("namespace".into()));
    graph.edge(&registry, &id(&["svc", &service.name]), Some("tasks".into()), State::Live);
}

/// The ingress on a service's group from each of its callers'.
fn add_callers(graph: &mut Graph, marks: &Marks, service: &Service) {
    for caller in &service.callers {
        graph.ingress(
            &id(&["svc", caller]),
            &id(&["svc", &service.name]),
            format!("ingress tcp/{}", service.port),
            marks.state(Address::CallerIngress(service.name.clone(), caller.clone())),
        );
    }
}

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
