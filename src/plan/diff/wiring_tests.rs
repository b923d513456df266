//! Planner tests for service discovery and ECS wiring: no network, live state built with the observed-state builder.

use crate::observed::*;
use crate::plan::ownership::SERVICE_CONNECT_TAG;
use crate::plan::{
    schedule, topological_order, Action, Address, ConnectChange, EcsLoadBalancerSpec, Operation, Plan, Ref,
};
use crate::test_support::{
    ecs_service, security_group, subnet, target_group, task_definition, ObservedBuilder, OwnedBy, TopologyBuilder,
};

use crate::test_support::{destroyed, planned};

/// Two services of cluster "main": hello behind the load balancer, and name in Cloud Map, called by hello.
fn discovery() -> TopologyBuilder {
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

fn account() -> Observed {
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

#[test]
fn from_nothing_the_namespace_discovery_service_caller_ingress_and_ecs_wiring_are_planned_in_order() {
    let plan = planned(&discovery().build(), &account()).unwrap();
    assert_eq!(change(&plan, &Address::Namespace).action, Action::Create);
    let discovery = change(&plan, &Address::DiscoveryService("name".into()));
    let Operation::CreateDiscoveryService { record_type, ttl, namespace, description, .. } = &discovery.operation
    else {
        panic!()
    };
    assert_eq!((record_type.as_aws(), *ttl, namespace), ("A", 0, &Ref::Of(Address::Namespace)));
    assert!(description.contains("ecsnet:topology=disc"));
    let caller = change(&plan, &Address::CallerIngress("name".into(), "hello".into()));
    let Operation::SetIngress { authorize: Some(spec), .. } = &caller.operation else { panic!() };
    assert_eq!(
        (spec.group_id.as_str(), spec.port, &spec.source_group),
        ("sg-name", 3000, &Ref::Known("sg-hello".into()))
    );
    let Operation::UpdateEcsService(hello) = &change(&plan, &Address::EcsService("hello".into())).operation else {
        panic!()
    };
    let attached = hello.load_balancers.as_ref().unwrap();
    assert_eq!(
        attached,
        &[EcsLoadBalancerSpec::Own {
            target_group: Ref::Of(Address::TargetGroup("hello".into())),
            container: "hello".into(),
            port: 3000
        }]
    );
    assert!(hello.registries.is_none() && hello.connect.is_none());
    let Operation::UpdateEcsService(name) = &change(&plan, &Address::EcsService("name".into())).operation else {
        panic!()
    };
    assert!(name.load_balancers.is_none());
    assert_eq!(name.registries.as_ref().unwrap()[0].registry, Ref::Of(Address::DiscoveryService("name".into())));
    assert!(
        step_position(&plan, &Address::ListenerRule("hello".into(), 80))
            < step_position(&plan, &Address::EcsService("hello".into())),
        "the target group is on the load balancer before ECS is told"
    );
    assert!(
        step_position(&plan, &Address::DiscoveryService("name".into()))
            < step_position(&plan, &Address::EcsService("name".into()))
    );
}

/// The problems that stop `plan`, as (what, hint).
fn problems(text: &TopologyBuilder, observed: &Observed) -> Vec<(String, String)> {
    let error = planned(&text.build(), observed).expect_err("the plan is refused");
    error.problems.into_iter().map(|problem| (problem.what, problem.hint)).collect()
}

fn whats(text: &TopologyBuilder, observed: &Observed) -> Vec<String> {
    problems(text, observed).into_iter().map(|(what, _)| what).collect()
}

#[test]
fn a_missing_ecs_service_stops_the_plan() {
    let mut observed = account();
    observed.ecs_services.retain(|service| service.name != "name");
    assert_eq!(whats(&discovery(), &observed), ["service.name.ecs: no ECS service \"name\" in cluster \"main\""]);
}

const CODE_DEPLOY_HINT: &str = "on CODE_DEPLOY, load balancers change through a CodeDeploy deployment, and service registries and Service Connect only when the service is created; move the service to the ECS (rolling update) controller, or remove this service's [service.ecs] table";

#[test]
fn a_blue_green_or_external_controller_stops_every_change_update_service_would_refuse() {
    let mut observed = account();
    observed.ecs_services[0].deployment_controller = "CODE_DEPLOY".into();
    observed.ecs_services[1].deployment_controller = "CODE_DEPLOY".into();
    assert_eq!(
        problems(&discovery(), &observed),
        [
            ("service[0].ecs (ECS service main/hello): it uses the CODE_DEPLOY deployment controller, on which UpdateService cannot change load balancers".to_string(), CODE_DEPLOY_HINT.to_string()),
            ("service[1].ecs (ECS service main/name): it uses the CODE_DEPLOY deployment controller, on which UpdateService cannot change service registries".to_string(), CODE_DEPLOY_HINT.to_string()),
        ]
    );
    let mut observed = account();
    observed.ecs_services[2].deployment_controller = "EXTERNAL".into();
    assert_eq!(
        problems(&connect(), &observed),
        [(
            "service[0].ecs (ECS service demo/server): it uses the EXTERNAL deployment controller, on which UpdateService cannot change Service Connect".to_string(),
            "on EXTERNAL, load balancers and service registries belong to task sets (CreateTaskSet), and Service Connect needs the ECS controller; move the service to the ECS (rolling update) controller, or remove this service's [service.ecs] table".to_string()
        )]
    );
    let hello_in_cloud_map = discovery().service("hello", |service| service.discovery_record("A"));
    let mut observed = account();
    observed.ecs_services[0].deployment_controller = "EXTERNAL".into();
    assert_eq!(whats(&hello_in_cloud_map, &observed), ["service[0].ecs (ECS service main/hello): it uses the EXTERNAL deployment controller, on which UpdateService cannot change load balancers or service registries"]);
}

#[test]
fn a_blue_green_controller_with_nothing_to_change_plans_nothing_for_it() {
    let mut observed = wired_account();
    observed.ecs_services[0].deployment_controller = "CODE_DEPLOY".into();
    observed.ecs_services[1].deployment_controller = "EXTERNAL".into();
    let plan = planned(&discovery().build(), &observed).unwrap();
    assert!(!plan.changes.iter().any(|change| matches!(change.address, Address::EcsService(_))), "{:#?}", plan.changes);
    let refused = destroyed(&discovery().build(), &observed).expect_err("destroy would need UpdateService too");
    assert_eq!(refused.problems.len(), 2, "{refused}");
}

#[test]
fn a_registry_of_the_users_own_stops_ecsnet_from_adding_a_second() {
    let mut observed = account();
    observed.ecs_services[1].registries = vec![EcsRegistry {
        arn: "arn:aws:servicediscovery:us-east-1:1:service/srv-user".into(),
        port: None,
        container: None,
        container_port: None,
    }];
    assert_eq!(
        problems(&discovery(), &observed),
        [(
            "service[1].discovery (ECS service main/name): it already has a service registry ecsnet does not own (arn:aws:servicediscovery:us-east-1:1:service/srv-user), and ECS allows one registry per service".to_string(),
            "leave [service.discovery] out of this service and keep its own registry, or take that registry off the ECS service first (UpdateService with an empty serviceRegistries list)".to_string()
        )]
    );
    // A Cloud Map service ecsnet read (one of the namespace's) is named.
    let mut observed = wired_account();
    observed.ecs_services[1].registries.push(EcsRegistry {
        arn: "arn:srv-user".into(),
        port: None,
        container: None,
        container_port: None,
    });
    assert_eq!(
        whats(&discovery(), &observed),
        ["service[1].discovery (ECS service main/name): it already has a service registry ecsnet does not own (Cloud Map service \"user\", arn:srv-user), and ECS allows one registry per service"]
    );
}

#[test]
fn load_balancer_entries_ecsnet_does_not_own_go_back_exactly_as_read() {
    let classic = EcsLoadBalancer {
        load_balancer_name: Some("legacy-elb".into()),
        container: Some("hello".into()),
        port: Some(3000),
        ..EcsLoadBalancer::default()
    };
    let blue_green = EcsLoadBalancer {
        advanced: Some(EcsAdvancedConfiguration {
            alternate_target_group_arn: Some("arn:tg/green".into()),
            production_listener_rule: Some("arn:rule/prod".into()),
            test_listener_rule: None,
            role_arn: Some("arn:role/ecs-elb".into()),
        }),
        ..EcsLoadBalancer::target_group("arn:tg/blue", "hello", 3000)
    };
    let mut observed = account();
    observed.ecs_services[0].load_balancers = vec![classic.clone(), blue_green.clone()];
    let plan = planned(&discovery().build(), &observed).unwrap();
    let hello = change(&plan, &Address::EcsService("hello".into()));
    let Operation::UpdateEcsService(update) = &hello.operation else { panic!() };
    assert_eq!(
        update.load_balancers.as_deref(),
        Some(
            &[
                EcsLoadBalancerSpec::Kept(classic.clone()),
                EcsLoadBalancerSpec::Kept(blue_green.clone()),
                EcsLoadBalancerSpec::Own {
                    target_group: Ref::Of(Address::TargetGroup("hello".into())),
                    container: "hello".into(),
                    port: 3000
                },
            ][..]
        )
    );
    assert_eq!(
        hello.fields[0].old.as_deref(),
        Some("classic legacy-elb → hello:3000, arn:tg/blue → hello:3000 (blue/green)")
    );

    // Applied: ecsnet's entry beside them; nothing to do; destroy takes back only its own.
    let mut applied = wired_account();
    applied.ecs_services[0].load_balancers =
        vec![classic.clone(), blue_green.clone(), EcsLoadBalancer::target_group("arn:tg/hello", "hello", 3000)];
    let plan = planned(&discovery().build(), &applied).unwrap();
    assert!(
        !plan.changes.iter().any(|change| change.address == Address::EcsService("hello".into())),
        "{:#?}",
        plan.changes
    );
    let plan = destroyed(&discovery().build(), &applied).unwrap();
    let Operation::UpdateEcsService(update) = &change(&plan, &Address::EcsService("hello".into())).operation else {
        panic!()
    };
    assert_eq!(
        update.load_balancers,
        Some(vec![EcsLoadBalancerSpec::Kept(classic), EcsLoadBalancerSpec::Kept(blue_green)])
    );
}

#[test]
fn a_port_name_that_names_no_port_mapping_stops_the_plan() {
    let text = connect().service("server", |service| service.connect("http", Some("server")));
    assert_eq!(
        problems(&text, &account()),
        [(
            "service[0].connect.port_name (ECS service demo/server): task definition server:1 has no port mapping named \"http\" (it has default)".to_string(),
            "set [service.connect] port_name to the name of one of the task definition's port mappings, or name the port mapping in the task definition".to_string()
        )]
    );
}

#[test]
fn a_load_balanced_container_or_port_the_task_definition_lacks_stops_the_plan() {
    let text = discovery().service("hello", |service| service.container("web"));
    assert_eq!(
        problems(&text, &account()),
        [(
            "service[0].ecs.container (ECS service main/hello): task definition hello:1 has no container \"web\" (it has hello)".to_string(),
            "set [service.ecs] container to the task definition's container name".to_string()
        )]
    );
    let text = discovery().service("hello", |service| service.port(8080));
    assert_eq!(
        problems(&text, &account()),
        [(
            "service[0].port (ECS service main/hello): container hello maps port(s) 3000, not 8080".to_string(),
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
            "service[0].target_type (ECS service main/hello): target type \"ip\" needs the awsvpc network mode, and task definition hello:1 uses bridge".to_string(),
            "set target_type = \"instance\" for bridge or host networking, or run the service with awsvpc networking".to_string()
        )]
    );
    let text = discovery().service("hello", |service| service.target_type("instance"));
    assert_eq!(
        whats(&text, &account()),
        ["service[0].target_type (ECS service main/hello): target type \"instance\" cannot reach tasks of the awsvpc network mode, which task definition hello:1 uses"]
    );
}

#[test]
fn a_cloud_map_record_the_network_mode_cannot_register_stops_the_plan() {
    let mut observed = account();
    observed.task_definitions[1].network_mode = None;
    assert_eq!(
        problems(&discovery(), &observed),
        [(
            "service[1].discovery.record (ECS service main/name): A records need the awsvpc network mode, and task definition name:1 uses bridge".to_string(),
            "use record = \"SRV\" with target_type = \"instance\", or run the service with awsvpc networking".to_string()
        )]
    );
    let srv = discovery().service("name", |service| service.discovery_record("SRV"));
    assert_eq!(
        whats(&srv, &observed),
        ["service[1].target_type (ECS service main/name): an SRV record registered by port alone (target_type = \"ip\") needs the awsvpc network mode, and task definition name:1 uses bridge"]
    );
    let srv_by_container = srv.service("name", |service| service.target_type("instance"));
    let plan = planned(&srv_by_container.build(), &observed).unwrap();
    let Operation::UpdateEcsService(name) = &change(&plan, &Address::EcsService("name".into())).operation else {
        panic!()
    };
    let registry = &name.registries.as_ref().unwrap()[0];
    assert_eq!(
        (registry.port, registry.container.as_deref(), registry.container_port),
        (None, Some("name"), Some(3000)),
        "bridge networking registers the container and its port"
    );
    let wrong_container = srv_by_container.service("name", |service| service.container("app"));
    assert_eq!(whats(&wrong_container, &observed), ["service[1].ecs.container (ECS service main/name): task definition name:1 has no container \"app\" (it has name)"]);
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
            "service[0].port (ECS service main/hello): container hello maps port(s) 80, not 3000",
            "service[1].discovery (ECS service main/name): it already has a service registry ecsnet does not own (arn:srv-user), and ECS allows one registry per service",
            "service[1].ecs (ECS service main/name): it uses the CODE_DEPLOY deployment controller, on which UpdateService cannot change service registries",
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

#[test]
fn destroy_takes_back_only_what_ecsnet_attached_and_deletes_in_the_order_aws_needs() {
    let plan = destroyed(&discovery().build(), &wired_account()).unwrap();
    let Operation::UpdateEcsService(hello) = &change(&plan, &Address::EcsService("hello".into())).operation else {
        panic!()
    };
    assert_eq!(
        hello.load_balancers.as_deref(),
        Some(&[EcsLoadBalancerSpec::Kept(EcsLoadBalancer::target_group("arn:tg/users-own", "hello", 3000))][..]),
        "the user's own load balancer stays"
    );
    assert_eq!(hello.registries, None, "the user's own registry is left alone");
    let Operation::UpdateEcsService(name) = &change(&plan, &Address::EcsService("name".into())).operation else {
        panic!()
    };
    assert_eq!(name.registries, Some(vec![]), "ecsnet's registry is taken back");
    assert_eq!(
        change(&plan, &Address::DiscoveryService("name".into())).operation,
        Operation::DeleteDiscoveryService { id: "srv-1".into() }
    );
    assert!(
        step_position(&plan, &Address::EcsService("hello".into()))
            < step_position(&plan, &Address::TargetGroup("hello".into())),
        "detach before delete"
    );
    assert!(
        step_position(&plan, &Address::EcsService("name".into()))
            < step_position(&plan, &Address::DiscoveryService("name".into()))
    );
    assert!(
        step_position(&plan, &Address::DiscoveryService("name".into())) < step_position(&plan, &Address::Namespace)
    );
}

#[test]
fn a_wired_account_needs_no_ecs_changes() {
    let plan = planned(&discovery().build(), &wired_account()).unwrap();
    assert!(
        !plan.changes.iter().any(|change| matches!(
            change.address,
            Address::EcsService(_) | Address::DiscoveryService(_) | Address::Namespace
        )),
        "{:#?}",
        plan.changes
    );
}

#[test]
fn service_connect_is_read_where_aws_reports_it_and_the_tag_stands_in_when_it_reports_nothing() {
    let plan = planned(&connect().build(), &account()).unwrap();
    let Operation::UpdateEcsService(server) = &change(&plan, &Address::EcsService("server".into())).operation else {
        panic!()
    };
    let Some(ConnectChange::Enable { namespace, port_name, discovery_name, port, dns_name, marker }) = &server.connect
    else {
        panic!()
    };
    assert_eq!(
        (namespace.as_str(), port_name.as_str(), discovery_name.as_str(), *port, dns_name.as_str()),
        ("my.demo", "default", "server", 8080, "server.my.demo")
    );

    let mut applied = account();
    applied.namespaces =
        vec![Namespace { id: "ns-2".into(), arn: "arn:ns-2".into(), name: "my.demo".into(), description: None }
            .owned_by("conn", Address::Namespace)];
    applied.ecs_services[2].tags.insert(SERVICE_CONNECT_TAG.into(), marker.clone());
    let plan = planned(&connect().build(), &applied).unwrap();
    assert!(plan.is_empty(), "the deployment reports nothing, the tag says it is on: {:#?}", plan.changes);

    applied.ecs_services[2].connect =
        Some(ServiceConnect { enabled: false, namespace: String::new(), services: vec![] });
    let plan = planned(&connect().build(), &applied).unwrap();
    let drift = change(&plan, &Address::EcsService("server".into()));
    assert_eq!(drift.fields[0].old.as_deref(), Some("(off)"), "AWS's answer wins over the tag");

    let plan = destroyed(&connect().build(), &applied).unwrap();
    let Operation::UpdateEcsService(server) = &change(&plan, &Address::EcsService("server".into())).operation else {
        panic!()
    };
    assert_eq!(server.connect, Some(ConnectChange::Disable));
    assert!(step_position(&plan, &Address::EcsService("server".into())) < step_position(&plan, &Address::Namespace));
}

#[test]
fn an_adopted_namespace_is_used_and_never_deleted() {
    let mut observed = account();
    observed.namespaces = vec![Namespace {
        id: "ns-9".into(),
        arn: "arn:ns-9".into(),
        name: "internal".into(),
        description: Some("made by hand".into()),
    }];
    let plan = planned(&discovery().build(), &observed).unwrap();
    assert!(!plan.changes.iter().any(|change| change.address == Address::Namespace));
    assert!(plan.notes.iter().any(|note| note.text.contains("ecsnet did not create it and will never delete it")));
    let Operation::CreateDiscoveryService { namespace, .. } =
        &change(&plan, &Address::DiscoveryService("name".into())).operation
    else {
        panic!()
    };
    assert_eq!(namespace, &Ref::Known("ns-9".into()));
    assert!(!destroyed(&discovery().build(), &observed)
        .unwrap()
        .changes
        .iter()
        .any(|change| change.address == Address::Namespace));
}
