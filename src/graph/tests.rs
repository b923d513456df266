use super::*;
use crate::live::Observed;
use crate::plan::{Change, LoadBalancingOp, Operation};
use crate::test_support::{planned, second_shard, security_group, worker, TopologyBuilder};
use crate::views::graph::{dot, mermaid};

use super::fixtures;

fn topology() -> Topology {
    fixtures::private_api().service("worker", worker).build()
}

fn change(address: Address, action: Action, name: &str) -> Change {
    Change { address, action, name: name.into(), fields: vec![], reason: None, operation: Operation::RemovedWithParent }
}

fn plan() -> Plan {
    Plan {
        topology: "demo".into(),
        changes: vec![
            change(Address::LoadBalancer(0), Action::Create, "private-api"),
            change(Address::DnsRecord("api".into(), "api.in.example.com".into()), Action::Create, "api.in.example.com"),
            change(Address::TargetGroup("api".into()), Action::Update, "demo-api-1234"),
            change(Address::CallerIngress("worker".into(), "api".into()), Action::Create, "sg-worker"),
            change(Address::Ingress("old".into()), Action::Delete, "sg-old"),
        ],
        notes: vec![],
        migrations: vec![],
    }
}

#[test]
fn changes_mark_nodes_and_edges() {
    let graph = build(&topology(), &Observed::default(), &plan());
    let state_of =
        |id: &str| graph.nodes.iter().find(|node| node.id == id).unwrap_or_else(|| panic!("no node {id}")).state;
    assert_eq!(state_of("lb"), State::Missing);
    assert_eq!(state_of("dns_api_api_in_example_com"), State::Missing);
    assert_eq!(state_of("tg_api"), State::Drifted);
    assert_eq!(state_of("svc_api"), State::Live);
    let caller = graph.edges.iter().find(|edge| edge.from == "svc_api" && edge.to == "svc_worker").unwrap();
    assert!(caller.ingress && caller.state == State::Missing);
    assert_eq!(graph.deleted, ["service.old.ingress sg-old"]);
    assert!(
        graph.nodes.iter().all(|node| node.id != "rule_worker" && node.id != "sd_api"),
        "no rule for a service that is not load balanced, no registry without [service.discovery]"
    );
}

#[test]
fn mermaid_draws_the_topology() {
    let expected = r##"graph TD
    lb["load balancer private-api<br/>internal, own security group<br/>(missing)"]
    listener_80["listener HTTP :80"]
    default_tg["default target group<br/>empty: unknown hosts get 503"]
    svc_worker["service worker<br/>:3000 in sg-worker"]
    rule_api_80["rule: host api.in.example.com"]
    tg_api["target group of api<br/>HTTP :8080 ip, health /<br/>(drifted)"]
    subgraph zone["Route 53 private zone in.example.com"]
        dns_api_api_in_example_com["api.in.example.com<br/>CNAME<br/>(missing)"]
    end
    subgraph namespace["Cloud Map namespace internal"]
        sd_worker["worker.internal<br/>A records, TTL 10"]
    end
    subgraph cluster_main["ECS cluster main"]
        svc_api["service api<br/>ECS main/api<br/>:8080 in sg-api"]
    end
    lb --> listener_80
    listener_80 -->|"default"| default_tg
    listener_80 --> rule_api_80
    rule_api_80 -->|"forward"| tg_api
    tg_api -->|"targets"| svc_api
    dns_api_api_in_example_com --> lb
    lb -.->|"ingress tcp/8080"| svc_api
    sd_worker -->|"tasks"| svc_worker
    svc_api -.->|"ingress tcp/3000 (missing)"| svc_worker
    classDef missing stroke-dasharray: 5 5,stroke:#2e7d32
    classDef drifted stroke:#ef6c00,stroke-width:3px
    class lb,dns_api_api_in_example_com missing
    linkStyle 8 stroke:#2e7d32
    class tg_api drifted
    %% to delete: service.old.ingress sg-old
"##;
    assert_eq!(mermaid(&build(&topology(), &Observed::default(), &plan())), expected);
}

#[test]
fn dot_draws_the_same_graph() {
    let out = dot(&build(&topology(), &Observed::default(), &plan()));
    for expected in [
        "digraph ecsnet {\n",
        "    lb [label=\"load balancer private-api\\ninternal, own security group\\n(missing)\", style=dashed, color=darkgreen];\n",
        "    subgraph cluster_zone {\n        label=\"Route 53 private zone in.example.com\";\n",
        "    tg_api [label=\"target group of api\\nHTTP :8080 ip, health /\\n(drifted)\", penwidth=3, color=darkorange];\n",
        "    listener_80 -> rule_api_80;\n",
        "    svc_api -> svc_worker [label=\"ingress tcp/3000 (missing)\", style=dotted, color=darkgreen];\n",
        "    // to delete: service.old.ingress sg-old\n}\n",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

fn edges_from<'g>(graph: &'g Graph, from: &str) -> Vec<&'g str> {
    graph.edges.iter().filter(|edge| edge.from == from).map(|edge| edge.to.as_str()).collect()
}

#[test]
fn every_load_balancer_is_drawn_with_its_listeners_and_the_rules_it_carries() {
    let graph = build(&fixtures::topology(), &fixtures::observed(), &fixtures::plan());
    let node = |id: &str| graph.nodes.iter().find(|node| node.id == id).unwrap_or_else(|| panic!("no node {id}"));
    assert_eq!(node("lb").lines[0], "load balancer private-api");
    assert_eq!((node("lb_2").lines[0].as_str(), node("lb_2").state), ("load balancer private-api-2", State::Missing));
    assert_eq!(node("lb_2_listener_80").state, State::Missing);
    assert_eq!(node("lb_2_default_tg").state, State::Missing);
    assert_eq!(edges_from(&graph, "listener_80"), ["default_tg", "rule_api_80", "rule_web_80"]);
    assert_eq!(edges_from(&graph, "lb_2_listener_80"), ["lb_2_default_tg", "rule_billing_80"]);
    assert_eq!(edges_from(&graph, "dns_billing_billing_in_example_com"), ["lb_2"], "a name points at its own");
    assert_eq!(edges_from(&graph, "lb_2"), ["lb_2_listener_80", "svc_billing"]);
    assert_eq!(edges_from(&graph, "lb"), ["listener_80", "svc_api", "svc_web"]);
}

/// A VPC, its two subnets and the tasks' group, before ecsnet ran: what the planner needs to plan everything.
fn empty_account() -> Observed {
    fixtures::account().security_group(security_group("sg-tasks", "tasks")).build()
}

#[test]
fn the_planners_second_load_balancer_carries_the_services_beyond_the_first() {
    let topology = (0..120)
        .fold(
            TopologyBuilder::new("demo").subnets(["a", "b"]).load_balancer().dns("in.example.com"),
            |topology, index| topology.service(format!("s{index}"), |service| service.security_group("tasks")),
        )
        .build();
    let plan = planned(&topology, &empty_account()).unwrap();
    let graph = build(&topology, &empty_account(), &plan);
    let rules_on = |listener: &str| edges_from(&graph, listener).iter().filter(|to| to.starts_with("rule_")).count();
    assert_eq!((rules_on("listener_80"), rules_on("lb_2_listener_80")), (99, 21));
    assert!(!graph.nodes.iter().any(|node| node.id == "lb_3"));
    assert_eq!(edges_from(&graph, "dns_s99_s99_in_example_com"), ["lb_2"]);
    assert_eq!(edges_from(&graph, "dns_s98_s98_in_example_com"), ["lb"]);
}

#[test]
fn a_rule_live_on_the_second_load_balancer_is_drawn_there_and_one_created_on_it_too() {
    let mut observed = fixtures::observed();
    second_shard(&mut observed, "demo", "private-api-2", &["web"]);
    let second_listener = observed.load_balancers[1].listeners[0].arn.clone();
    let mut plan = fixtures::plan();
    plan.changes.retain(|change| matches!(change.address, Address::ListenerRule(..) | Address::TargetGroup(_)));
    let Operation::LoadBalancing(LoadBalancingOp::CreateRule { listener, .. }) = &mut plan.changes[2].operation else {
        panic!()
    };
    *listener = crate::plan::Ref::Known(second_listener);
    let graph = build(&fixtures::topology(), &observed, &plan);
    assert_eq!(edges_from(&graph, "listener_80"), ["default_tg", "rule_api_80"]);
    assert_eq!(edges_from(&graph, "lb_2_listener_80"), ["lb_2_default_tg", "rule_web_80", "rule_billing_80"]);
    assert!(graph
        .nodes
        .iter()
        .all(|node| node.state == State::Live || node.id.starts_with("rule_billing") || node.id.starts_with("tg_")));
}

/// Before: a Lattice service was drawn with ingress from its callers' groups, which it does not get, and its
/// service network, DNS name and ARN callers were nowhere.
#[test]
fn lattice_services_are_drawn_in_their_network_with_the_callers_they_admit() {
    let (topology, observed, plan) = fixtures::lattice();
    let graph = build(&topology, &observed, &plan);
    let node = |id: &str| graph.nodes.iter().find(|node| node.id == id).unwrap_or_else(|| panic!("no node {id}"));
    let orders = node("lattice_orders");
    let dns = observed.lattice.services[0].dns_name.clone().unwrap();
    assert_eq!((orders.group.as_deref(), orders.state), (Some("lattice_network"), State::Live));
    assert!(orders.lines.contains(&format!("{dns}:80")), "{:?}", orders.lines);
    let partner = "principal_arn_aws_iam__444455556666_role_partner";
    assert_eq!(node(partner).lines, ["IAM principal", crate::doctor::fixtures::PARTNER]);
    let into_orders: Vec<(&str, bool, State)> = graph
        .edges
        .iter()
        .filter(|edge| edge.to == "lattice_orders")
        .map(|edge| (edge.from.as_str(), edge.ingress, edge.state))
        .collect();
    assert_eq!(into_orders, [("svc_web", false, State::Missing), (partner, false, State::Missing)]);
    assert!(
        !graph.edges.iter().any(|edge| edge.from == "svc_web" && edge.to == "svc_orders"),
        "a Lattice service gets no ingress from its callers' groups"
    );
    assert_eq!(
        graph.groups.iter().find(|group| group.id == "lattice_network").unwrap().title,
        "VPC Lattice service network shop-net"
    );
}
