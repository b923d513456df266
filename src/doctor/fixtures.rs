//! Live state for doctor's checks: one load balancer with `api` behind it and `worker` in Cloud Map; and the same
//! with `web` added, whose rule and name are on a second load balancer. Shared by the doctor tests and the doctor
//! view's snapshots.

use std::collections::BTreeMap;

use crate::live::health::{Health, LatticeTarget, LatticeTargetState, Target};
use crate::live::*;
use crate::plan::Address;
use crate::test_support::{
    api, demo, discovery_service, ecs_service, egress, ingress, lattice_account, lattice_shop, listener, load_balancer,
    namespace, planned, record, rule, second_shard, security_group, simulate, target_group, task_definition, worker,
    zone, ObservedBuilder, OwnedBy, TopologyBuilder,
};
use crate::topology::Topology;

fn api_and_worker() -> TopologyBuilder {
    demo().service("api", api).service("worker", worker)
}

pub fn topology() -> Topology {
    api_and_worker().build()
}

/// The VPC's CIDR, which the load balancer's egress reaches.
fn vpc() -> Peer {
    Peer::Cidr("10.0.0.0/16".into())
}

/// Port 8080 of `api` reached through `demo-alb`, its name a CNAME to it; `worker` in Cloud Map without instances,
/// and no ingress from `api`.
pub fn observed() -> Observed {
    let lb_group = SecurityGroup {
        rules: vec![egress("sgr-8080", "tcp", 8080, vpc())],
        ..security_group("sg-lb", "demo-alb").owned_by("demo", Address::LoadBalancerSecurityGroup)
    };
    let api = SecurityGroup {
        rules: vec![ingress("sgr-8080", "tcp", 8080, Peer::Group("sg-lb".into()))],
        ..security_group("sg-api", "api-tasks")
    };
    let api_rule = rule("arn:rule", 1, &["api.in.example.com"], &[], Some("arn:tg/api"))
        .owned_by("demo", Address::ListenerRule("api".into(), 80));
    let listener = Listener { rules: vec![api_rule], ..listener("arn:listener", 80, "HTTP", ListenerDefault::Other) };
    let load_balancer = LoadBalancer {
        canonical_zone_id: "Z1".into(),
        security_group_ids: vec!["sg-lb".into()],
        listeners: vec![listener],
        ..load_balancer("arn:lb", "demo-alb", "internal").owned_by("demo", Address::LoadBalancer(0))
    };
    let dns_name = load_balancer.dns_name.clone();
    ObservedBuilder::new()
        .vpc("vpc-1")
        .security_group(lb_group)
        .security_group(api)
        .security_group(security_group("sg-worker", "worker"))
        .load_balancer(load_balancer)
        .target_group(
            target_group("arn:tg/api", "demo-api-1234", 8080).owned_by("demo", Address::TargetGroup("api".into())),
        )
        .zone(HostedZone {
            records: vec![record("api.in.example.com", "CNAME", 60, &[&dns_name])],
            ..zone("Z1", "in.example.com")
        })
        .namespace(namespace("ns-1", "internal"))
        .discovery_service(discovery_service("srv-1", "worker", "ns-1"))
        .ecs_service(EcsService {
            task_definition: Some("arn:td/api:3".into()),
            load_balancers: vec![EcsLoadBalancer::target_group("arn:tg/api", "api", 8080)],
            ..ecs_service("main", "api")
        })
        .task_definition(TaskDefinition { arn: "arn:td/api:3".into(), ..task_definition("api", 8080) })
        .build()
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
        lattice_targets: BTreeMap::new(),
    }
}

/// `topology()` with `web` behind the load balancer too.
pub fn two_shard_topology() -> Topology {
    api_and_worker().service("web", |web| web.port(9000).security_group("sg-web")).build()
}

/// `observed()` with `web` (port 9000) live too, its rule on a second load balancer, `demo-alb-2`, and its name
/// pointing at it.
pub fn two_shard_observed() -> Observed {
    let mut observed = observed();
    let web_rule = rule("arn:rule/web", 1, &["web.in.example.com"], &[], Some("arn:tg/web"))
        .owned_by("demo", Address::ListenerRule("web".into(), 80));
    observed.load_balancers[0].listeners[0].rules.push(web_rule);
    second_shard(&mut observed, "demo", "demo-alb-2", &["web"]);
    let web_group =
        target_group("arn:tg/web", "demo-web-5678", 9000).owned_by("demo", Address::TargetGroup("web".into()));
    observed.target_groups.push(web_group);
    observed.security_groups[0].rules.push(egress("sgr-9000", "tcp", 9000, vpc()));
    observed.security_groups.push(SecurityGroup {
        rules: vec![ingress("sgr-9000", "tcp", 9000, Peer::Group("sg-lb".into()))],
        ..security_group("sg-web", "web")
    });
    let second = &observed.load_balancers[1].dns_name;
    observed.zones[0].records.push(record("web.in.example.com", "CNAME", 60, &[second]));
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

/// A partner account's role, a caller named by ARN.
pub const PARTNER: &str = "arn:aws:iam::444455556666:role/partner";

/// `orders` on VPC Lattice in the service network `shop-net`, called by `web` (by its task role) and by a partner
/// account's role; `web` not on Lattice.
pub fn lattice_topology() -> Topology {
    lattice_shop(&["web", PARTNER]).build()
}

/// The account as apply leaves it for `lattice_topology()`: every Lattice resource made and tagged as the executor
/// tags it, ECS registering `orders`' tasks in its target group.
pub fn lattice_observed() -> Observed {
    let account = lattice_account();
    simulate(&planned(&lattice_topology(), &account).unwrap(), &account)
}

/// Two tasks of `orders` registered in its Lattice target group, both healthy.
pub fn lattice_health(observed: &Observed) -> Health {
    let group = &observed.lattice.target_groups[0].id;
    let target = |ip: &str| LatticeTarget {
        id: ip.into(),
        port: Some(8080),
        state: Reported::Known(LatticeTargetState::Healthy),
        reason: None,
    };
    Health {
        targets: BTreeMap::new(),
        instances: BTreeMap::new(),
        lattice_targets: BTreeMap::from([(group.clone(), vec![target("10.0.1.7"), target("10.0.2.8")])]),
    }
}
