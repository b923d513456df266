//! The task definition: its containers, ports and network mode fit what the file asks.

use crate::live::*;
use crate::plan::{Address, EcsOp, Operation};

use crate::test_support::planned;

use super::{account, change, discovery, problems, whats};

#[test]
fn a_load_balanced_container_or_port_the_task_definition_lacks_stops_the_plan() {
    let text = discovery().service("hello", |service| service.container("web"));
    assert_eq!(
        problems(&text, &account()),
        [(
            "service \"hello\" [service.ecs] container: ECS service main/hello: task definition hello:1 has no container \"web\" (it has hello)".to_string(),
            "set [service.ecs] container to the task definition's container name".to_string()
        )]
    );
    let text = discovery().service("hello", |service| service.port(8080));
    assert_eq!(
        problems(&text, &account()),
        [(
            "service \"hello\" port: ECS service main/hello: container hello maps port(s) 3000, not 8080".to_string(),
            "set the service's port to the container port of the task definition".to_string()
        )]
    );
}

#[test]
fn a_target_type_that_does_not_fit_the_network_mode_stops_the_plan() {
    let mut observed = account();
    observed.task_definitions[0].network_mode = Some("bridge".into());
    assert_eq!(
        problems(&discovery(), &observed),
        [(
            "service \"hello\" target_type: ECS service main/hello: target type \"ip\" needs the awsvpc network mode, and task definition hello:1 uses bridge".to_string(),
            "set target_type = \"instance\" for bridge or host networking, or run the service with awsvpc networking".to_string()
        )]
    );
    let text = discovery().service("hello", |service| service.target_type("instance"));
    assert_eq!(
        whats(&text, &account()),
        ["service \"hello\" target_type: ECS service main/hello: target type \"instance\" cannot reach tasks of the awsvpc network mode, which task definition hello:1 uses"]
    );
}

#[test]
fn a_cloud_map_record_the_network_mode_cannot_register_stops_the_plan() {
    let mut observed = account();
    observed.task_definitions[1].network_mode = None;
    assert_eq!(
        problems(&discovery(), &observed),
        [(
            "service \"name\" [service.discovery] record: ECS service main/name: A records need the awsvpc network mode, and task definition name:1 uses bridge".to_string(),
            "use record = \"SRV\" with target_type = \"instance\", or run the service with awsvpc networking".to_string()
        )]
    );
    let srv = discovery().service("name", |service| service.discovery_record("SRV"));
    assert_eq!(
        whats(&srv, &observed),
        ["service \"name\" target_type: ECS service main/name: an SRV record registered by port alone (target_type = \"ip\") needs the awsvpc network mode, and task definition name:1 uses bridge"]
    );
    let srv_by_container = srv.service("name", |service| service.target_type("instance"));
    let plan = planned(&srv_by_container.build(), &observed).unwrap();
    let Operation::Ecs(EcsOp::UpdateService(name)) = &change(&plan, &Address::EcsService("name".into())).operation
    else {
        panic!()
    };
    let registry = &name.registries.as_ref().unwrap()[0];
    assert_eq!(
        (registry.port, registry.container.as_deref(), registry.container_port),
        (None, Some("name"), Some(3000)),
        "bridge networking registers the container and its port"
    );
    let wrong_container = srv_by_container.service("name", |service| service.container("app"));
    assert_eq!(whats(&wrong_container, &observed), ["service \"name\" [service.ecs] container: ECS service main/name: task definition name:1 has no container \"app\" (it has name)"]);
}

#[test]
fn every_problem_of_the_wiring_is_listed_at_once() {
    let mut observed = account();
    observed.task_definitions[0].containers[0].port_mappings[0].container_port = 80;
    observed.ecs_services[1].registries =
        vec![EcsRegistry { arn: "arn:srv-user".into(), port: None, container: None, container_port: None }];
    observed.ecs_services[1].deployment_controller = "CODE_DEPLOY".into();
    assert_eq!(
        whats(&discovery(), &observed),
        [
            "service \"hello\" port: ECS service main/hello: container hello maps port(s) 80, not 3000",
            "service \"name\" discovery: ECS service main/name: it already has a service registry ecsnet does not own (arn:srv-user), and ECS allows one registry per service",
            "service \"name\" [service.ecs] service: ECS service main/name: it uses the CODE_DEPLOY deployment controller, on which UpdateService cannot change service registries",
        ]
    );
}

#[test]
fn a_service_whose_task_definition_was_not_read_is_not_checked_against_it() {
    let mut observed = account();
    observed.task_definitions.clear();
    observed.ecs_services[0].task_definition = None;
    let text = discovery().service("hello", |service| service.port(8080));
    assert!(planned(&text.build(), &observed).is_ok());
}
