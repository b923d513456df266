use std::path::Path;

use super::*;
use crate::plan::{Change, Operation};
use crate::views::graph::{dot, mermaid};

fn topology() -> Topology {
    let text = r#"
name = "demo"
[network]
vpc = "vpc-1"
subnets = ["a", "b"]
[load_balancer]
name = "private-api"
[dns]
zone = "in.example.com"
[discovery]
namespace = "internal"
[[service]]
name = "api"
port = 8080
security_group = "sg-api"
[service.ecs]
cluster = "main"
[[service]]
name = "worker"
port = 3000
security_group = "sg-worker"
load_balanced = false
callers = ["api"]
[service.discovery]
"#;
    crate::topology::parse(Path::new("ecsnet.toml"), text).unwrap()
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
    }
}

#[test]
fn changes_mark_nodes_and_edges() {
    let graph = build(&topology(), &plan());
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
    assert_eq!(mermaid(&build(&topology(), &plan())), expected);
}

#[test]
fn dot_draws_the_same_graph() {
    let out = dot(&build(&topology(), &plan()));
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
