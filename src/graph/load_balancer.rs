//! Each shard's load balancer, its listeners, and where their default actions send a request.

use crate::plan::Address;
use crate::topology::{bounded_name, DefaultAction, Listener};

use super::{id, Graph, Marks, State};
use crate::topology::AwsName as _;

/// A shard's load balancer node id: `lb` for the first, `lb_2`, `lb_3`… after it.
pub(super) fn load_balancer_id(shard: u16) -> String {
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
pub(super) fn add_load_balancer(
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
