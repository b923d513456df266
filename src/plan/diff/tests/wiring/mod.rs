//! Planner tests for service discovery and ECS wiring: no network, live state built with the observed-state builder.
//! The fixtures here, the tests by topic: Cloud Map, Service Connect, the ECS service's controller and load balancer
//! entries, and the task definition.

mod connect;
mod discovery;
mod ecs;
mod lattice;
mod lattice_migration;
mod migration;
mod task_definition;

use crate::live::*;
use crate::plan::{schedule, topological_order, Address, Plan, Problem};
use crate::test_support::{
    ecs_service, security_group, subnet, target_group, task_definition, ObservedBuilder, OwnedBy, TopologyBuilder,
};

use crate::test_support::planned;

/// Two services of cluster "main": hello behind the load balancer, and name in Cloud Map, called by hello.
pub(in crate::plan) fn discovery() -> TopologyBuilder {
    TopologyBuilder::new("disc")
        .load_balancer()
        .discovery("internal")
        .service("hello", |service| service.port(3000).host("hello.example.com").ecs("main"))
        .service("name", |service| {
            service
                .port(3000)
                .load_balanced(false)
                .callers(["hello"])
                .ecs("main")
                .discovery_record("A")
                .discovery_ttl(0)
        })
}

/// One service of cluster "demo" on Service Connect.
fn connect() -> TopologyBuilder {
    TopologyBuilder::new("conn").discovery("my.demo").service("server", |service| {
        service.security_group("name-tasks").ecs("demo").connect("default", Some("server"))
    })
}

pub(in crate::plan) fn account() -> Observed {
    ObservedBuilder::new()
        .vpc("vpc-1")
        .subnet(subnet("subnet-a", None, "us-east-1a"))
        .subnet(subnet("subnet-b", None, "us-east-1b"))
        .security_group(security_group("sg-hello", "hello-tasks"))
        .security_group(security_group("sg-name", "name-tasks"))
        .ecs_service(ecs_service("main", "hello"))
        .ecs_service(ecs_service("main", "name"))
        .ecs_service(ecs_service("demo", "server"))
        .task_definition(task_definition("hello", 3000))
        .task_definition(task_definition("name", 3000))
        .task_definition(task_definition("server", 8080))
        .build()
}

fn change<'p>(plan: &'p Plan, address: &Address) -> &'p crate::plan::Change {
    plan.changes
        .iter()
        .find(|change| change.address == *address)
        .unwrap_or_else(|| panic!("no change for {address}: {:#?}", plan.changes))
}

fn step_position(plan: &Plan, address: &Address) -> usize {
    let steps = schedule(plan);
    let order = topological_order(&steps).expect("no cycle");
    let index = plan.changes.iter().position(|change| change.address == *address).unwrap();
    order.iter().position(|&step| steps[step].changes().contains(&index)).unwrap()
}

/// The problems that stop `plan`, as (what, hint).
fn problems(text: &TopologyBuilder, observed: &Observed) -> Vec<(String, String)> {
    let error = planned(&text.build(), observed).expect_err("the plan is refused");
    let keyed = |problem: Problem| match problem.key {
        Some(key) => format!("{key}: {}", problem.what),
        None => problem.what,
    };
    error
        .problems
        .into_iter()
        .map(|problem| (problem.hint.clone(), keyed(problem)))
        .map(|(hint, what)| (what, hint))
        .collect()
}

fn whats(text: &TopologyBuilder, observed: &Observed) -> Vec<String> {
    problems(text, observed).into_iter().map(|(what, _)| what).collect()
}

/// The account after `apply` of `discovery()`, with a load balancer and a registry of the user's own on "hello" (the
/// service ecsnet does not register: ECS takes one registry a service).
fn wired_account() -> Observed {
    let mut observed = account();
    observed.namespaces =
        vec![Namespace { id: "ns-1".into(), arn: "arn:ns-1".into(), name: "internal".into(), description: None }
            .owned_by("disc", Address::Namespace)];
    observed.discovery_services = vec![
        DiscoveryService {
            id: "srv-1".into(),
            arn: "arn:srv-1".into(),
            name: "name".into(),
            namespace_id: "ns-1".into(),
            description: None,
            record_type: "A".into(),
            ttl: 0,
        }
        .owned_by("disc", Address::DiscoveryService("name".into())),
        DiscoveryService {
            id: "srv-user".into(),
            arn: "arn:srv-user".into(),
            name: "user".into(),
            namespace_id: "ns-user".into(),
            description: None,
            record_type: "A".into(),
            ttl: 60,
        },
    ];
    observed.target_groups =
        vec![target_group("arn:tg/hello", "disc-hello", 3000).owned_by("disc", Address::TargetGroup("hello".into()))];
    observed.ecs_services[0].load_balancers = vec![
        EcsLoadBalancer::target_group("arn:tg/hello", "hello", 3000),
        EcsLoadBalancer::target_group("arn:tg/users-own", "hello", 3000),
    ];
    observed.ecs_services[0].registries =
        vec![EcsRegistry { arn: "arn:srv-user".into(), port: Some(3000), container: None, container_port: None }];
    observed.ecs_services[1].registries =
        vec![EcsRegistry { arn: "arn:srv-1".into(), port: None, container: None, container_port: None }];
    observed
}
