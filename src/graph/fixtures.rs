//! A topology whose rules are on two load balancers: `api` and `web` on the first, which is live, and `billing` on
//! a second that the plan creates. Shared by the graph tests and the graph view's snapshots.

use std::collections::BTreeMap;
use std::path::Path;

use crate::observed::{Listener, ListenerDefault, LoadBalancer, Observed, Rule, Tags};
use crate::plan::ownership::{ADDRESS_TAG, TOPOLOGY_TAG};
use crate::plan::{Action, Address, Change, Operation, Plan, Ref, RuleConditions};
use crate::topology::Topology;

pub fn topology() -> Topology {
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
name = "web"
port = 8080
security_group = "sg-web"
[[service]]
name = "billing"
port = 9000
security_group = "sg-billing"
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

pub fn tags(address: &Address) -> Tags {
    BTreeMap::from([(TOPOLOGY_TAG.to_string(), "demo".to_string()), (ADDRESS_TAG.to_string(), address.to_string())])
}

fn rule(service: &str, priority: u32) -> Rule {
    Rule {
        arn: format!("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/private-api/0/{service}"),
        priority,
        hosts: vec![format!("{service}.in.example.com")],
        paths: vec![],
        target_group_arn: Some(format!("arn:tg/{service}")),
        tags: tags(&Address::ListenerRule(service.into(), 80)),
    }
}

/// The first load balancer, live, with the rules of `api` and `web`.
pub fn observed() -> Observed {
    let listener = Listener {
        arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/private-api/0/80".into(),
        port: 80,
        protocol: "HTTP".into(),
        certificate_arn: None,
        ssl_policy: None,
        default: ListenerDefault::Forward("arn:tg/default".into()),
        tags: tags(&Address::Listener(0, 80)),
        rules: vec![rule("api", 1), rule("web", 2)],
    };
    Observed {
        load_balancers: vec![LoadBalancer {
            arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/private-api/0".into(),
            name: "private-api".into(),
            scheme: "internal".into(),
            dns_name: "internal-private-api-1.us-east-1.elb.amazonaws.com".into(),
            canonical_zone_id: "Z35SXDOTRQ7X7K".into(),
            idle_timeout: None,
            subnet_ids: vec![],
            security_group_ids: vec!["sg-lb".into()],
            tags: tags(&Address::LoadBalancer(0)),
            listeners: vec![listener],
        }],
        ..Observed::default()
    }
}

fn change(address: Address, action: Action, name: &str, operation: Operation) -> Change {
    Change { address, action, name: name.into(), fields: vec![], reason: None, operation }
}

/// The second load balancer and `billing`'s rule on it created, `web`'s target group drifted, an old ingress gone.
pub fn plan() -> Plan {
    let created = |address: Address, name: &str| change(address, Action::Create, name, Operation::RemovedWithParent);
    let billing_rule = Operation::CreateRule {
        listener: Ref::Of(Address::Listener(1, 80)),
        priority: 1,
        conditions: RuleConditions { hosts: vec!["billing.in.example.com".into()], paths: vec![] },
        target_group: Ref::Of(Address::TargetGroup("billing".into())),
    };
    Plan {
        topology: "demo".into(),
        changes: vec![
            created(Address::DefaultTargetGroup(1), "private-api-2-default"),
            created(Address::TargetGroup("billing".into()), "demo-billing-1a2b"),
            change(Address::TargetGroup("web".into()), Action::Update, "demo-web-3c4d", Operation::RemovedWithParent),
            created(Address::LoadBalancer(1), "private-api-2"),
            created(Address::Ingress("billing".into()), "sg-billing"),
            created(Address::Listener(1, 80), "HTTP:80"),
            change(Address::ListenerRule("billing".into(), 80), Action::Create, "priority 1", billing_rule),
            created(Address::DnsRecord("billing".into(), "billing.in.example.com".into()), "billing.in.example.com"),
            change(Address::Ingress("old".into()), Action::Delete, "sg-old", Operation::RemovedWithParent),
        ],
        notes: vec![],
    }
}
