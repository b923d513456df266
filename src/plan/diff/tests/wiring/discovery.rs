//! Cloud Map: the namespace, the discovery services and the ECS service's registries.

use crate::live::*;
use crate::plan::{Action, Address, CloudMapOp, Ec2Op, EcsLoadBalancerSpec, EcsOp, Operation, Ref};

use crate::test_support::{destroyed, planned};

use super::{account, change, discovery, problems, step_position, whats, wired_account};
use crate::topology::AwsName as _;

#[test]
fn from_nothing_the_namespace_discovery_service_caller_ingress_and_ecs_wiring_are_planned_in_order() {
    let plan = planned(&discovery().build(), &account()).unwrap();
    assert_eq!(change(&plan, &Address::Namespace).action, Action::Create);
    let discovery = change(&plan, &Address::DiscoveryService("name".into()));
    let Operation::CloudMap(CloudMapOp::CreateDiscoveryService { record_type, ttl, namespace, description, .. }) =
        &discovery.operation
    else {
        panic!()
    };
    assert_eq!((record_type.as_aws(), *ttl, namespace), ("A", 0, &Ref::Of(Address::Namespace)));
    assert!(description.contains("ecsnet:topology=disc"));
    let caller = change(&plan, &Address::CallerIngress("name".into(), "hello".into()));
    let Operation::Ec2(Ec2Op::SetIngress { authorize: Some(spec), .. }) = &caller.operation else { panic!() };
    assert_eq!(
        (spec.group_id.as_str(), spec.port, &spec.source_group),
        ("sg-name", 3000, &Ref::Known("sg-hello".into()))
    );
    let Operation::Ecs(EcsOp::UpdateService(hello)) = &change(&plan, &Address::EcsService("hello".into())).operation
    else {
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
    let Operation::Ecs(EcsOp::UpdateService(name)) = &change(&plan, &Address::EcsService("name".into())).operation
    else {
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
            "service \"name\" discovery: ECS service main/name: it already has a service registry ecsnet does not own (arn:aws:servicediscovery:us-east-1:1:service/srv-user), and ECS allows one registry per service".to_string(),
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
        ["service \"name\" discovery: ECS service main/name: it already has a service registry ecsnet does not own (Cloud Map service \"user\", arn:srv-user), and ECS allows one registry per service"]
    );
}

#[test]
fn destroy_takes_back_only_what_ecsnet_attached_and_deletes_in_the_order_aws_needs() {
    let plan = destroyed(&discovery().build(), &wired_account()).unwrap();
    let Operation::Ecs(EcsOp::UpdateService(hello)) = &change(&plan, &Address::EcsService("hello".into())).operation
    else {
        panic!()
    };
    assert_eq!(
        hello.load_balancers.as_deref(),
        Some(&[EcsLoadBalancerSpec::Kept(EcsLoadBalancer::target_group("arn:tg/users-own", "hello", 3000))][..]),
        "the user's own load balancer stays"
    );
    assert_eq!(hello.registries, None, "the user's own registry is left alone");
    let Operation::Ecs(EcsOp::UpdateService(name)) = &change(&plan, &Address::EcsService("name".into())).operation
    else {
        panic!()
    };
    assert_eq!(name.registries, Some(vec![]), "ecsnet's registry is taken back");
    assert_eq!(
        change(&plan, &Address::DiscoveryService("name".into())).operation,
        Operation::CloudMap(CloudMapOp::DeleteDiscoveryService { id: "srv-1".into() })
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
    let Operation::CloudMap(CloudMapOp::CreateDiscoveryService { namespace, .. }) =
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

/// Before: the plan showed `name: name` and never the DNS name callers use (only `graph` did).
#[test]
fn the_plan_shows_the_name_callers_use_in_cloud_map() {
    let plan = planned(&discovery().build(), &account()).unwrap();
    let mut out = Vec::new();
    crate::views::plan::write_text(&mut out, &plan).unwrap();
    let text = crate::views::plain(&String::from_utf8(out).unwrap());
    let registry: Vec<&str> =
        text.lines().skip_while(|line| !line.contains("service.name.discovery")).take(6).collect();
    insta::assert_snapshot!(registry.join("\n"));
}
