//! Planner tests for service discovery and ECS wiring: no network, hand-built live state.

use std::collections::BTreeMap;
use std::path::Path;

use crate::observed::*;
use crate::plan::ownership::{resource_description, SERVICE_CONNECT_TAG};
use crate::plan::{schedule, topological_order, Action, Address, ConnectChange, Operation, Plan, Ref};
use crate::topology::{parse, Topology};

use super::{plan_apply, plan_destroy};

const DISCOVERY: &str = r#"
name = "disc"
[network]
vpc = "vpc-1"
subnets = ["subnet-a", "subnet-b"]
[load_balancer]
[discovery]
namespace = "internal"
[[service]]
name = "hello"
port = 3000
host = "hello.example.com"
security_group = "hello-tasks"
[service.ecs]
cluster = "main"
[[service]]
name = "name"
port = 3000
security_group = "name-tasks"
load_balanced = false
callers = ["hello"]
[service.ecs]
cluster = "main"
[service.discovery]
record = "A"
ttl = 0
"#;

const CONNECT: &str = r#"
name = "conn"
[network]
vpc = "vpc-1"
subnets = ["subnet-a", "subnet-b"]
[discovery]
namespace = "my.demo"
[[service]]
name = "server"
port = 8080
security_group = "name-tasks"
[service.ecs]
cluster = "demo"
[service.connect]
port_name = "default"
discovery_name = "server"
"#;

fn topology(text: &str) -> Topology {
    parse(Path::new("test.toml"), text).unwrap()
}

fn ecs_service(cluster: &str, name: &str) -> EcsService {
    EcsService {
        cluster: cluster.into(),
        name: name.into(),
        arn: format!("arn:ecs:service/{cluster}/{name}"),
        deployment_controller: "ECS".into(),
        load_balancers: vec![],
        registries: vec![],
        connect: None,
        tags: Tags::new(),
    }
}

fn account() -> Observed {
    let group = |id: &str, name: &str| SecurityGroup { id: id.into(), group_name: name.into(), tags: Tags::new(), rules: vec![], references: vec![] };
    Observed {
        vpc: Some(Vpc { id: "vpc-1".into(), cidrs: vec!["10.0.0.0/16".into()] }),
        subnets: vec![
            Subnet { id: "subnet-a".into(), name: None, availability_zone: "us-east-1a".into() },
            Subnet { id: "subnet-b".into(), name: None, availability_zone: "us-east-1b".into() },
        ],
        security_groups: vec![group("sg-hello", "hello-tasks"), group("sg-name", "name-tasks")],
        ecs_services: vec![ecs_service("main", "hello"), ecs_service("main", "name"), ecs_service("demo", "server")],
        ..Observed::default()
    }
}

fn change<'p>(plan: &'p Plan, address: &Address) -> &'p crate::plan::Change {
    plan.changes.iter().find(|change| change.address == *address).unwrap_or_else(|| panic!("no change for {address}: {:#?}", plan.changes))
}

fn step_position(plan: &Plan, address: &Address) -> usize {
    let steps = schedule(plan);
    let order = topological_order(&steps).expect("no cycle");
    let index = plan.changes.iter().position(|change| change.address == *address).unwrap();
    order.iter().position(|&step| steps[step].changes().contains(&index)).unwrap()
}

#[test]
fn from_nothing_the_namespace_discovery_service_caller_ingress_and_ecs_wiring_are_planned_in_order() {
    let plan = plan_apply(&topology(DISCOVERY), &account()).unwrap();
    assert_eq!(change(&plan, &Address::Namespace).action, Action::Create);
    let discovery = change(&plan, &Address::DiscoveryService("name".into()));
    let Operation::CreateDiscoveryService { record_type, ttl, namespace, description, .. } = &discovery.operation else { panic!() };
    assert_eq!((record_type.as_str(), *ttl, namespace), ("A", 0, &Ref::Of(Address::Namespace)));
    assert!(description.contains("ecsnet:topology=disc"));
    let caller = change(&plan, &Address::CallerIngress("name".into(), "hello".into()));
    let Operation::SetIngress { authorize: Some(spec), .. } = &caller.operation else { panic!() };
    assert_eq!((spec.group_id.as_str(), spec.port, &spec.source_group), ("sg-name", 3000, &Ref::Known("sg-hello".into())));
    let Operation::UpdateEcsService(hello) = &change(&plan, &Address::EcsService("hello".into())).operation else { panic!() };
    let attached = hello.load_balancers.as_ref().unwrap();
    assert_eq!((attached[0].container.as_str(), attached[0].port, &attached[0].target_group), ("hello", 3000, &Ref::Of(Address::TargetGroup("hello".into()))));
    assert!(hello.registries.is_none() && hello.connect.is_none());
    let Operation::UpdateEcsService(name) = &change(&plan, &Address::EcsService("name".into())).operation else { panic!() };
    assert!(name.load_balancers.is_none());
    assert_eq!(name.registries.as_ref().unwrap()[0].registry, Ref::Of(Address::DiscoveryService("name".into())));
    assert!(step_position(&plan, &Address::ListenerRule("hello".into(), 80)) < step_position(&plan, &Address::EcsService("hello".into())), "the target group is on the load balancer before ECS is told");
    assert!(step_position(&plan, &Address::DiscoveryService("name".into())) < step_position(&plan, &Address::EcsService("name".into())));
}

#[test]
fn a_missing_ecs_service_or_a_blue_green_controller_stops_the_plan() {
    let mut observed = account();
    observed.ecs_services.retain(|service| service.name != "name");
    let error = plan_apply(&topology(DISCOVERY), &observed).unwrap_err().to_string();
    assert!(error.contains("service.name.ecs: no ECS service \"name\" in cluster \"main\""), "{error}");
    let mut observed = account();
    observed.ecs_services[0].deployment_controller = "CODE_DEPLOY".into();
    let error = plan_apply(&topology(DISCOVERY), &observed).unwrap_err().to_string();
    assert!(error.contains("uses the CODE_DEPLOY deployment controller, which cannot change its load balancers"), "{error}");
}

/// The account after `apply` of DISCOVERY, with a load balancer and a registry of the user's own on the services.
fn wired_account() -> Observed {
    let mut observed = account();
    let owned = |address: Address| BTreeMap::from([(TOPOLOGY_TAG.to_string(), "disc".to_string()), (ADDRESS_TAG.to_string(), address.to_string())]);
    observed.namespaces = vec![Namespace { id: "ns-1".into(), arn: "arn:ns-1".into(), name: "internal".into(), description: Some(resource_description("disc", &Address::Namespace)) }];
    observed.discovery_services = vec![
        DiscoveryService {
            id: "srv-1".into(),
            arn: "arn:srv-1".into(),
            name: "name".into(),
            namespace_id: "ns-1".into(),
            description: Some(resource_description("disc", &Address::DiscoveryService("name".into()))),
            record_type: "A".into(),
            ttl: 0,
        },
        DiscoveryService { id: "srv-user".into(), arn: "arn:srv-user".into(), name: "user".into(), namespace_id: "ns-user".into(), description: None, record_type: "A".into(), ttl: 60 },
    ];
    observed.target_groups = vec![TargetGroup {
        arn: "arn:tg/hello".into(),
        name: "disc-hello".into(),
        port: 3000,
        protocol: "HTTP".into(),
        target_type: "ip".into(),
        vpc_id: "vpc-1".into(),
        health_check: crate::topology::HealthCheck::default(),
        attributes: None,
        tags: owned(Address::TargetGroup("hello".into())),
    }];
    observed.ecs_services[0].load_balancers = vec![
        EcsLoadBalancer { target_group_arn: "arn:tg/hello".into(), container: "hello".into(), port: 3000 },
        EcsLoadBalancer { target_group_arn: "arn:tg/users-own".into(), container: "hello".into(), port: 3000 },
    ];
    observed.ecs_services[1].registries = vec![
        EcsRegistry { arn: "arn:srv-1".into(), port: None, container: None, container_port: None },
        EcsRegistry { arn: "arn:srv-user".into(), port: None, container: None, container_port: None },
    ];
    observed
}

#[test]
fn destroy_takes_back_only_what_ecsnet_attached_and_deletes_in_the_order_aws_needs() {
    let plan = plan_destroy(&topology(DISCOVERY), &wired_account()).unwrap();
    let Operation::UpdateEcsService(hello) = &change(&plan, &Address::EcsService("hello".into())).operation else { panic!() };
    let kept: Vec<_> = hello.load_balancers.as_ref().unwrap().iter().map(|entry| entry.target_group.clone()).collect();
    assert_eq!(kept, [Ref::Known("arn:tg/users-own".into())], "the user's own load balancer stays");
    let Operation::UpdateEcsService(name) = &change(&plan, &Address::EcsService("name".into())).operation else { panic!() };
    let kept: Vec<_> = name.registries.as_ref().unwrap().iter().map(|entry| entry.registry.clone()).collect();
    assert_eq!(kept, [Ref::Known("arn:srv-user".into())], "the user's own registry stays");
    assert_eq!(change(&plan, &Address::DiscoveryService("name".into())).operation, Operation::DeleteDiscoveryService { id: "srv-1".into() });
    assert!(step_position(&plan, &Address::EcsService("hello".into())) < step_position(&plan, &Address::TargetGroup("hello".into())), "detach before delete");
    assert!(step_position(&plan, &Address::EcsService("name".into())) < step_position(&plan, &Address::DiscoveryService("name".into())));
    assert!(step_position(&plan, &Address::DiscoveryService("name".into())) < step_position(&plan, &Address::Namespace));
}

#[test]
fn a_wired_account_needs_no_ecs_changes() {
    let plan = plan_apply(&topology(DISCOVERY), &wired_account()).unwrap();
    assert!(!plan.changes.iter().any(|change| matches!(change.address, Address::EcsService(_) | Address::DiscoveryService(_) | Address::Namespace)), "{:#?}", plan.changes);
}

#[test]
fn service_connect_is_read_where_aws_reports_it_and_the_tag_stands_in_when_it_reports_nothing() {
    let plan = plan_apply(&topology(CONNECT), &account()).unwrap();
    let Operation::UpdateEcsService(server) = &change(&plan, &Address::EcsService("server".into())).operation else { panic!() };
    let Some(ConnectChange::Enable { namespace, port_name, discovery_name, port, dns_name, marker }) = &server.connect else { panic!() };
    assert_eq!((namespace.as_str(), port_name.as_str(), discovery_name.as_str(), *port, dns_name.as_str()), ("my.demo", "default", "server", 8080, "server.my.demo"));

    let mut applied = account();
    applied.namespaces = vec![Namespace { id: "ns-2".into(), arn: "arn:ns-2".into(), name: "my.demo".into(), description: Some(resource_description("conn", &Address::Namespace)) }];
    applied.ecs_services[2].tags.insert(SERVICE_CONNECT_TAG.into(), marker.clone());
    let plan = plan_apply(&topology(CONNECT), &applied).unwrap();
    assert!(plan.is_empty(), "the deployment reports nothing, the tag says it is on: {:#?}", plan.changes);

    applied.ecs_services[2].connect = Some(ServiceConnect { enabled: false, namespace: String::new(), services: vec![] });
    let plan = plan_apply(&topology(CONNECT), &applied).unwrap();
    let drift = change(&plan, &Address::EcsService("server".into()));
    assert_eq!(drift.fields[0].old.as_deref(), Some("(off)"), "AWS's answer wins over the tag");

    let plan = plan_destroy(&topology(CONNECT), &applied).unwrap();
    let Operation::UpdateEcsService(server) = &change(&plan, &Address::EcsService("server".into())).operation else { panic!() };
    assert_eq!(server.connect, Some(ConnectChange::Disable));
    assert!(step_position(&plan, &Address::EcsService("server".into())) < step_position(&plan, &Address::Namespace));
}

#[test]
fn an_adopted_namespace_is_used_and_never_deleted() {
    let mut observed = account();
    observed.namespaces = vec![Namespace { id: "ns-9".into(), arn: "arn:ns-9".into(), name: "internal".into(), description: Some("made by hand".into()) }];
    let plan = plan_apply(&topology(DISCOVERY), &observed).unwrap();
    assert!(!plan.changes.iter().any(|change| change.address == Address::Namespace));
    assert!(plan.notes.iter().any(|note| note.contains("ecsnet did not create it and will never delete it")));
    let Operation::CreateDiscoveryService { namespace, .. } = &change(&plan, &Address::DiscoveryService("name".into())).operation else { panic!() };
    assert_eq!(namespace, &Ref::Known("ns-9".into()));
    assert!(!plan_destroy(&topology(DISCOVERY), &observed).unwrap().changes.iter().any(|change| change.address == Address::Namespace));
}
