use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::observed::health::{Health, Target};
use crate::observed::*;
use crate::plan::ownership::{ADDRESS_TAG, TOPOLOGY_TAG};
use crate::plan::Address;
use crate::topology::{HealthCheck, Topology};

fn topology() -> Topology {
    let text = r#"
name = "demo"
[network]
vpc = "vpc-1"
subnets = ["a", "b"]
[load_balancer]
[dns]
zone = "in.example.com"
[discovery]
namespace = "internal"
[[service]]
name = "api"
port = 8080
security_group = "api-tasks"
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

fn tags(address: Address) -> Tags {
    BTreeMap::from([(TOPOLOGY_TAG.to_string(), "demo".to_string()), (ADDRESS_TAG.to_string(), address.to_string())])
}

fn rule(direction: Direction, port: i32, peer: Peer) -> SecurityGroupRule {
    SecurityGroupRule {
        id: format!("sgr-{port}"),
        permission: Permission { direction, protocol: "tcp".into(), from_port: port, to_port: port, peer },
        tags: Tags::new(),
    }
}

fn observed() -> Observed {
    let lb_group = SecurityGroup {
        id: "sg-lb".into(),
        group_name: "demo-alb".into(),
        tags: tags(Address::LoadBalancerSecurityGroup),
        rules: vec![rule(Direction::Egress, 8080, Peer::Cidr("10.0.0.0/16".into()))],
        references: vec![],
    };
    let api = SecurityGroup {
        id: "sg-api".into(),
        group_name: "api-tasks".into(),
        tags: Tags::new(),
        rules: vec![rule(Direction::Ingress, 8080, Peer::Group("sg-lb".into()))],
        references: vec![],
    };
    let worker = SecurityGroup {
        id: "sg-worker".into(),
        group_name: "worker".into(),
        tags: Tags::new(),
        rules: vec![],
        references: vec![],
    };
    let target_group = TargetGroup {
        arn: "arn:tg/api".into(),
        name: "demo-api-1234".into(),
        port: 8080,
        protocol: "HTTP".into(),
        target_type: "ip".into(),
        vpc_id: "vpc-1".into(),
        health_check: HealthCheck::default(),
        attributes: None,
        tags: tags(Address::TargetGroup("api".into())),
    };
    let listener = Listener {
        arn: "arn:listener".into(),
        port: 80,
        protocol: "HTTP".into(),
        certificate_arn: None,
        ssl_policy: None,
        default: crate::observed::ListenerDefault::Other,
        tags: Tags::new(),
        rules: vec![Rule {
            arn: "arn:rule".into(),
            priority: 1,
            hosts: vec!["api.in.example.com".into()],
            paths: vec![],
            target_group_arn: Some("arn:tg/api".into()),
            tags: Tags::new(),
        }],
    };
    let load_balancer = LoadBalancer {
        arn: "arn:lb".into(),
        name: "demo-alb".into(),
        scheme: "internal".into(),
        dns_name: "internal-demo-alb-1.us-east-1.elb.amazonaws.com".into(),
        canonical_zone_id: "Z1".into(),
        idle_timeout: None,
        subnet_ids: vec![],
        security_group_ids: vec!["sg-lb".into()],
        tags: tags(Address::LoadBalancer(0)),
        listeners: vec![listener],
    };
    let record = Record {
        name: "api.in.example.com".into(),
        kind: "CNAME".into(),
        ttl: Some(60),
        values: vec!["internal-demo-alb-1.us-east-1.elb.amazonaws.com".into()],
        alias: None,
        alias_zone: None,
    };
    Observed {
        vpc: Some(Vpc { id: "vpc-1".into(), cidrs: vec!["10.0.0.0/16".into()] }),
        security_groups: vec![lb_group, api, worker],
        load_balancers: vec![load_balancer],
        target_groups: vec![target_group],
        zones: vec![HostedZone {
            id: "Z1".into(),
            name: "in.example.com".into(),
            comment: None,
            records: vec![record],
        }],
        namespaces: vec![Namespace {
            id: "ns-1".into(),
            arn: "arn:ns".into(),
            name: "internal".into(),
            description: None,
        }],
        discovery_services: vec![DiscoveryService {
            id: "srv-1".into(),
            arn: "arn:srv".into(),
            name: "worker".into(),
            namespace_id: "ns-1".into(),
            description: None,
            record_type: "A".into(),
            ttl: 10,
        }],
        ecs_services: vec![EcsService {
            cluster: "main".into(),
            name: "api".into(),
            arn: "arn:ecs:service/main/api".into(),
            deployment_controller: "ECS".into(),
            task_definition: Some("arn:td/api:3".into()),
            load_balancers: vec![EcsLoadBalancer::target_group("arn:tg/api", "api", 8080)],
            registries: vec![],
            connect: None,
            tags: Tags::new(),
        }],
        task_definitions: vec![TaskDefinition {
            arn: "arn:td/api:3".into(),
            network_mode: Some("awsvpc".into()),
            containers: vec![Container {
                name: "api".into(),
                port_mappings: vec![PortMapping { container_port: 8080, name: None }],
            }],
        }],
        ..Observed::default()
    }
}

fn health() -> Health {
    let target = Target {
        id: "10.0.1.5".into(),
        port: Some(8080),
        state: "unhealthy".into(),
        reason: Some("Target.ResponseCodeMismatch".into()),
        description: Some("Health checks failed with these codes: [404]".into()),
    };
    Health {
        targets: BTreeMap::from([("arn:tg/api".to_string(), vec![target])]),
        instances: BTreeMap::from([("srv-1".to_string(), 0)]),
    }
}

fn statuses(checks: &[Check]) -> Vec<(&'static str, Status)> {
    checks.iter().map(|check| (check.check, check.status)).collect()
}

#[test]
fn each_check_reports_what_it_found() {
    let checks = checks(&topology(), &observed(), &health());
    assert_eq!(
        statuses(&checks),
        [
            ("load_balancer_egress", Status::Ok),
            ("rule_forwards_to_target_group", Status::Ok),
            ("health_check_path", Status::Ok),
            ("targets_healthy", Status::Fail),
            ("service_admits_load_balancer", Status::Ok),
            ("record_points_at_load_balancer", Status::Ok),
            ("ecs_attached_to_target_group", Status::Ok),
            ("task_definition_matches", Status::Ok),
            ("discovery_has_instances", Status::Warn),
            ("caller_can_reach_callee", Status::Fail),
        ]
    );
    assert_eq!(
        checks[3].message,
        "10.0.1.5:8080 unhealthy Target.ResponseCodeMismatch (Health checks failed with these codes: [404])"
    );
    assert_eq!(checks[9].message, "no ingress on sg-worker tcp/3000 from sg-api (api)");
    assert_eq!(checks[9].resource, "service.worker.caller.api");
}

#[test]
fn problems_of_the_seed_list_fail_with_a_fix() {
    let mut observed = observed();
    observed.load_balancers[0].listeners[0].rules.clear();
    observed.security_groups[1].rules.clear();
    observed.security_groups[0].rules.clear();
    observed.zones[0].records[0].values = vec!["elsewhere.example.com".into()];
    let mut facts = health();
    facts.targets.clear();
    observed.task_definitions[0].containers[0].port_mappings[0].container_port = 80;
    let checks = checks(&topology(), &observed, &facts);
    let found = |name: &str| checks.iter().find(|check| check.check == name).unwrap();
    assert_eq!(found("rule_forwards_to_target_group").status, Status::Fail);
    assert_eq!(found("service_admits_load_balancer").status, Status::Fail);
    assert_eq!(found("load_balancer_egress").message, "no egress to the VPC on tcp/8080");
    assert_eq!(
        found("record_points_at_load_balancer").message,
        "CNAME elsewhere.example.com, not the load balancer internal-demo-alb-1.us-east-1.elb.amazonaws.com"
    );
    assert_eq!(
        (found("targets_healthy").status, found("targets_healthy").message.as_str()),
        (Status::Warn, "no targets registered")
    );
    assert_eq!(found("task_definition_matches").message, "container api maps port(s) 80, not 8080");
    assert!(checks.iter().filter(|check| check.status == Status::Fail).all(|check| check.fix.is_some()));
}

#[test]
fn nothing_applied_yet_reads_as_missing() {
    let checks = checks(&topology(), &Observed::default(), &Health::default());
    assert_eq!(checks[0].resource, "load_balancer demo-alb");
    assert_eq!(
        (checks[0].status, checks[0].message.as_str(), checks[0].fix.as_deref()),
        (Status::Fail, "missing", Some("run `ecsnet apply`"))
    );
}

#[test]
fn text_is_one_line_a_check_and_a_summary() {
    let checks = checks(&topology(), &observed(), &health());
    let text = crate::views::doctor::text(&checks);
    assert!(text.starts_with("ok    load_balancer_egress  load_balancer.security_group sg-lb: egress reaches the VPC (10.0.0.0/16) on every service port\n"), "{text}");
    assert!(text.contains("\nwarn  discovery_has_instances  service.worker.discovery srv-1: no instances registered  (fix: register the ECS service"), "{text}");
    assert!(text.ends_with("\n7 ok, 1 warn, 2 fail.\n"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&crate::views::doctor::json(&checks)).unwrap();
    assert_eq!(json["summary"]["fail"], 2);
    assert_eq!(json["checks"][3]["status"], "fail");
}

#[test]
fn the_task_definition_is_checked_as_plan_checks_it() {
    let mut observed = observed();
    observed.task_definitions[0].network_mode = Some("bridge".into());
    observed.task_definitions[0].containers[0].name = "app".into();
    let found = checks(&topology(), &observed, &health());
    let found: Vec<(&str, Status, &str, Option<&str>)> = found
        .iter()
        .filter(|check| check.check == "task_definition_matches")
        .map(|check| (check.resource.as_str(), check.status, check.message.as_str(), check.fix.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            ("service.api.ecs main/api", Status::Fail, "task definition arn:td/api:3 has no container \"api\" (it has app)", Some("set [service.ecs] container to the task definition's container name")),
            (
                "service.api.ecs main/api",
                Status::Fail,
                "target type \"ip\" needs the awsvpc network mode, and task definition arn:td/api:3 uses bridge",
                Some("set target_type = \"instance\" for bridge or host networking, or run the service with awsvpc networking")
            ),
        ]
    );
    observed.ecs_services.clear();
    let missing = checks(&topology(), &observed, &health());
    assert_eq!(
        missing.iter().find(|check| check.check == "ecs_service_exists").map(|check| check.status),
        Some(Status::Fail)
    );
}

#[test]
fn a_vpc_without_dns_hostnames_fails_with_the_command_that_fixes_it() {
    let mut observed = observed();
    observed.vpc_dns = Some(VpcDns { support: true, hostnames: false });
    let checks = checks(&topology(), &observed, &health());
    assert_eq!(
        checks[0],
        Check {
            status: Status::Fail,
            check: "vpc_dns_enabled",
            resource: "network.vpc vpc-1".into(),
            message: "enableDnsHostnames off: names in the private zone in.example.com and the Cloud Map namespace internal do not resolve in the VPC".into(),
            fix: Some("aws ec2 modify-vpc-attribute --vpc-id vpc-1 --enable-dns-hostnames".into()),
        }
    );
    observed.vpc_dns = Some(VpcDns { support: false, hostnames: false });
    assert_eq!(
        checks_of(&observed)[0].fix.as_deref(),
        Some("aws ec2 modify-vpc-attribute --vpc-id vpc-1 --enable-dns-support && aws ec2 modify-vpc-attribute --vpc-id vpc-1 --enable-dns-hostnames")
    );
    observed.vpc_dns = Some(VpcDns { support: true, hostnames: true });
    let passing = &checks_of(&observed)[0];
    assert_eq!(
        (passing.check, passing.status, passing.message.as_str()),
        ("vpc_dns_enabled", Status::Ok, "enableDnsSupport and enableDnsHostnames are on")
    );
}

fn checks_of(observed: &Observed) -> Vec<Check> {
    checks(&topology(), observed, &health())
}
