use std::path::Path;

use super::*;
use crate::live::cluster::RunningService;
use crate::live::{Container, EcsLoadBalancer, EcsRegistry, PortMapping, TaskDefinition};
use crate::topology::{self, TargetType};

fn service(name: &str, container: &str, port: i32, mapping_name: Option<&str>) -> RunningService {
    RunningService {
        name: name.into(),
        task_definition: Some(TaskDefinition {
            arn: format!("arn:aws:ecs:us-east-1:123456789012:task-definition/{name}:1"),
            network_mode: Some("awsvpc".into()),
            task_role_arn: None,
            containers: vec![
                Container { name: "log-router".into(), port_mappings: vec![] },
                Container {
                    name: container.into(),
                    port_mappings: vec![PortMapping {
                        container_port: port,
                        name: mapping_name.map(str::to_string),
                        app_protocol: None,
                    }],
                },
            ],
        }),
        security_groups: vec![format!("sg-{name}")],
        subnets: vec!["subnet-b".into(), "subnet-a".into()],
        load_balancers: vec![],
        registries: vec![],
    }
}

fn cluster() -> Cluster {
    let mut web = service("web_front", "web", 8080, Some("http"));
    web.load_balancers.push(EcsLoadBalancer::target_group(
        "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/old/1",
        "web",
        8080,
    ));
    web.registries.push(EcsRegistry {
        arn: "arn:aws:servicediscovery:us-east-1:1:service/srv-1".into(),
        port: None,
        container: None,
        container_port: None,
    });
    let mut bridge = service("legacy", "legacy", 80, None);
    bridge.security_groups.clear();
    Cluster {
        name: "arn:aws:ecs:us-east-1:1:cluster/main".into(),
        region: "us-east-1".into(),
        vpc_id: Some("vpc-1".into()),
        services: vec![service("api", "api", 3000, None), web, bridge],
        load_balancing: Default::default(),
    }
}

#[test]
fn the_file_holds_each_awsvpc_service_and_parses() {
    let text = write_topology(&cluster(), &InitOptions { zone: None, namespace: None });
    let parsed = topology::parse(Path::new("init.toml"), &text).unwrap_or_else(|error| panic!("{error}\n{text}"));
    assert_eq!(parsed.name, "main");
    assert_eq!(parsed.region.as_deref(), Some("us-east-1"));
    assert_eq!(parsed.network.vpc, "vpc-1");
    assert_eq!(parsed.network.subnets, ["subnet-a", "subnet-b"]);
    assert!(parsed.load_balancer.is_none() && parsed.dns.is_none());
    let names: Vec<&str> = parsed.services.iter().map(|service| service.name.as_str()).collect();
    assert_eq!(names, ["api", "web-front"]);
    let web = &parsed.services[1];
    assert_eq!((web.port, web.security_group.as_str(), web.target_type), (8080, "sg-web_front", TargetType::Ip));
    let wiring = web.ecs.as_ref().unwrap();
    assert_eq!(
        (wiring.cluster.as_str(), wiring.service.as_str(), wiring.container.as_str()),
        ("main", "web_front", "web")
    );
    assert!(web.routing.is_none());
}

#[test]
fn comments_carry_what_the_file_cannot() {
    let text = write_topology(&cluster(), &InitOptions { zone: None, namespace: None });
    for expected in [
        "port = 8080                          # container \"web\", port mapping \"http\"",
        "# already attached to target group arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/old/1 as web:8080",
        "# already registered in Cloud Map service arn:aws:servicediscovery:us-east-1:1:service/srv-1",
        "# ECS service \"legacy\" is left out: it has no awsvpc security group",
        "run\n# `ecsnet init --zone <zone>`",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn a_zone_puts_every_service_behind_the_load_balancer() {
    let text = write_topology(&cluster(), &InitOptions { zone: Some("in.example.com"), namespace: None });
    let parsed = topology::parse(Path::new("init.toml"), &text).unwrap_or_else(|error| panic!("{error}\n{text}"));
    assert!(parsed.load_balancer.is_some());
    let hosts: Vec<&str> =
        parsed.services.iter().map(|service| service.routing.as_ref().unwrap().hosts[0].as_str()).collect();
    assert_eq!(hosts, ["api.in.example.com", "web-front.in.example.com"]);
    assert!(!text.contains("--zone <zone>"));
}

/// Before: `init` offered `--zone` for the load balancer and nothing for Cloud Map.
#[test]
fn a_namespace_registers_the_services_that_are_not_load_balanced() {
    let text = write_topology(&cluster(), &InitOptions { zone: None, namespace: Some("shop.local") });
    let parsed = topology::parse(Path::new("init.toml"), &text).unwrap_or_else(|error| panic!("{error}\n{text}"));
    assert_eq!(parsed.discovery.as_deref(), Some("shop.local"));
    let names: Vec<String> = parsed.cloud_map_names().iter().map(ToString::to_string).collect();
    assert_eq!(names, ["api.shop.local (A)"], "web_front keeps its own registry: ECS takes one");
    assert!(!text.contains("--namespace <namespace>"));
    insta::assert_snapshot!(text);
    let behind =
        write_topology(&cluster(), &InitOptions { zone: Some("in.example.com"), namespace: Some("shop.local") });
    let parsed = topology::parse(Path::new("init.toml"), &behind).unwrap();
    assert!(parsed.cloud_map_names().is_empty(), "load-balanced services are reached through the load balancer");
}

#[test]
fn names_are_cut_to_what_ecsnet_accepts() {
    assert_eq!(topology_name("a_b.c"), "a-b-c");
    assert_eq!(topology_name("__"), "service");
    assert_eq!(topology_name(&"x".repeat(40)).len(), 32);
}

mod adoption;
