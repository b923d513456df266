//! Live state for doctor's checks: one load balancer with `api` behind it and `worker` in Cloud Map; and the same
//! with `web` added, whose rule and name are on a second load balancer. Shared by the doctor tests and the doctor
//! view's snapshots.

use std::collections::BTreeMap;
use std::path::Path;

use crate::observed::health::{Health, Target};
use crate::observed::*;
use crate::plan::ownership::{ADDRESS_TAG, TOPOLOGY_TAG};
use crate::plan::Address;
use crate::topology::{HealthCheck, Topology};

pub fn topology() -> Topology {
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

pub fn tags(address: Address) -> Tags {
    BTreeMap::from([(TOPOLOGY_TAG.to_string(), "demo".to_string()), (ADDRESS_TAG.to_string(), address.to_string())])
}

pub fn rule(direction: Direction, port: i32, peer: Peer) -> SecurityGroupRule {
    SecurityGroupRule {
        id: format!("sgr-{port}"),
        permission: Permission { direction, protocol: "tcp".into(), from_port: port, to_port: port, peer },
        tags: Tags::new(),
    }
}

pub fn observed() -> Observed {
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

pub fn health() -> Health {
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

/// `topology()` with `web` behind the load balancer too.
pub fn two_shard_topology() -> Topology {
    let mut topology = topology();
    let web = crate::topology::parse(
        Path::new("ecsnet.toml"),
        "name = \"demo\"\n[network]\nvpc = \"vpc-1\"\nsubnets = [\"a\", \"b\"]\n[load_balancer]\n[dns]\nzone = \"in.example.com\"\n[[service]]\nname = \"web\"\nport = 9000\nsecurity_group = \"sg-web\"\n",
    )
    .unwrap()
    .services
    .remove(0);
    topology.services.push(web);
    topology
}

/// `observed()` with a second load balancer, `demo-alb-2`, carrying `web`'s rule, and `web`'s name pointing at it.
pub fn two_shard_observed() -> Observed {
    let mut observed = observed();
    let mut second = observed.load_balancers[0].clone();
    second.arn = "arn:lb/2".into();
    second.name = "demo-alb-2".into();
    second.dns_name = "internal-demo-alb-2-2.us-east-1.elb.amazonaws.com".into();
    second.tags = tags(Address::LoadBalancer(1));
    let listener = &mut second.listeners[0];
    listener.arn = "arn:listener/2".into();
    listener.rules[0].arn = "arn:rule/2".into();
    listener.rules[0].hosts = vec!["web.in.example.com".into()];
    listener.rules[0].target_group_arn = Some("arn:tg/web".into());
    observed.load_balancers.push(second);
    let mut group = observed.target_groups[0].clone();
    group.arn = "arn:tg/web".into();
    group.name = "demo-web-5678".into();
    group.port = 9000;
    group.tags = tags(Address::TargetGroup("web".into()));
    observed.target_groups.push(group);
    observed.security_groups[0].rules.push(rule(Direction::Egress, 9000, Peer::Cidr("10.0.0.0/16".into())));
    observed.security_groups.push(SecurityGroup {
        id: "sg-web".into(),
        group_name: "web".into(),
        tags: Tags::new(),
        rules: vec![rule(Direction::Ingress, 9000, Peer::Group("sg-lb".into()))],
        references: vec![],
    });
    let mut record = observed.zones[0].records[0].clone();
    record.name = "web.in.example.com".into();
    record.values = vec!["internal-demo-alb-2-2.us-east-1.elb.amazonaws.com".into()];
    observed.zones[0].records.push(record);
    observed
}

/// `health()` with `web`'s one target healthy.
pub fn two_shard_health() -> Health {
    let mut health = health();
    let target =
        Target { id: "10.0.2.9".into(), port: Some(9000), state: "healthy".into(), reason: None, description: None };
    health.targets.insert("arn:tg/web".into(), vec![target]);
    health
}
