//! The topology as a diagram: load balancer, listener, rules, target groups, services, DNS names, Cloud Map, VPC
//! Lattice and ingress, each node or edge marked missing or drifted from the plan's changes. Pure: `build` makes a plain
//! graph from (topology, observed state, plan), with every load balancer shard; `views::graph` writes it as
//! Mermaid or dot.

mod lattice;
mod load_balancer;
mod model;
mod placement;
mod routing;
mod services;

use crate::live::Observed;
use crate::plan::{Action, Address, Plan};
use crate::topology::Topology;

use load_balancer::add_load_balancer;
pub use model::{Edge, Graph, Group, Node, State};
use routing::add_routing;
use services::{add_callers, add_discovery, add_service};

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
        // An adoption changes nothing drawn: what counts is what apply then does to the resource.
        let changes = self.plan.changes.iter().filter(|change| change.action != Action::Adopt);
        match changes.filter(|change| change.address == address).map(|change| change.action).next() {
            Some(Action::Create) => State::Missing,
            Some(Action::Update | Action::Replace) => State::Drifted,
            Some(Action::Delete | Action::Adopt) | None => State::Live,
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
    lattice::add_network(&mut graph, topology, observed, &marks);
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
        if service.lattice.is_some() {
            // Lattice admits its callers by identity; their traffic comes from Lattice, not from their groups.
            lattice::add_service(&mut graph, topology, observed, &marks, service);
        } else {
            add_callers(&mut graph, &marks, service);
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

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
