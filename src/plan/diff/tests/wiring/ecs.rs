//! The ECS service: it exists, its deployment controller lets UpdateService change it, and the load balancer
//! entries ecsnet does not own go back as read.

use crate::live::*;
use crate::plan::{Address, EcsLoadBalancerSpec, EcsOp, Operation, Ref};

use crate::test_support::{destroyed, planned};

use super::{account, change, connect, discovery, problems, whats, wired_account};

/// The plan's refusal as printed (before `commands` adds each problem's `file:line:column`).
fn refusal(observed: &Observed) -> String {
    planned(&discovery().build(), observed).expect_err("the plan is refused").to_string()
}

#[test]
fn a_missing_ecs_service_stops_the_plan_and_names_the_clusters_services() {
    let mut observed = account();
    observed.ecs_services.retain(|service| service.name != "name");
    assert_eq!(
        whats(&discovery(), &observed),
        ["service \"name\" [service.ecs] service: no ECS service \"name\" in cluster \"main\""]
    );
    observed.ecs_catalog.services.insert("main".into(), vec!["hello".into(), "names".into(), "orders".into()]);
    insta::assert_snapshot!("missing_ecs_service", refusal(&observed));
}

#[test]
fn a_missing_cluster_is_said_in_ecsnets_words_with_the_clusters_there_are() {
    let mut observed = account();
    observed.ecs_services.clear();
    observed.ecs_catalog.missing_clusters = vec!["main".into()];
    observed.ecs_catalog.clusters = vec!["mian".into(), "staging".into()];
    insta::assert_snapshot!("missing_cluster", refusal(&observed));
    observed.ecs_catalog.clusters.clear();
    insta::assert_snapshot!("missing_cluster_none_in_region", refusal(&observed));
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
            ("service \"hello\" [service.ecs] service: ECS service main/hello: it uses the CODE_DEPLOY deployment controller, on which UpdateService cannot change load balancers".to_string(), CODE_DEPLOY_HINT.to_string()),
            ("service \"name\" [service.ecs] service: ECS service main/name: it uses the CODE_DEPLOY deployment controller, on which UpdateService cannot change service registries".to_string(), CODE_DEPLOY_HINT.to_string()),
        ]
    );
    let mut observed = account();
    observed.ecs_services[2].deployment_controller = "EXTERNAL".into();
    assert_eq!(
        problems(&connect(), &observed),
        [(
            "service \"server\" [service.ecs] service: ECS service demo/server: it uses the EXTERNAL deployment controller, on which UpdateService cannot change Service Connect".to_string(),
            "on EXTERNAL, load balancers and service registries belong to task sets (CreateTaskSet), and Service Connect needs the ECS controller; move the service to the ECS (rolling update) controller, or remove this service's [service.ecs] table".to_string()
        )]
    );
    let hello_in_cloud_map = discovery().service("hello", |service| service.discovery_record("A"));
    let mut observed = account();
    observed.ecs_services[0].deployment_controller = "EXTERNAL".into();
    assert_eq!(whats(&hello_in_cloud_map, &observed), ["service \"hello\" [service.ecs] service: ECS service main/hello: it uses the EXTERNAL deployment controller, on which UpdateService cannot change load balancers or service registries"]);
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
    let Operation::Ecs(EcsOp::UpdateService(update)) = &hello.operation else { panic!() };
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
    let Operation::Ecs(EcsOp::UpdateService(update)) = &change(&plan, &Address::EcsService("hello".into())).operation
    else {
        panic!()
    };
    assert_eq!(
        update.load_balancers,
        Some(vec![EcsLoadBalancerSpec::Kept(classic), EcsLoadBalancerSpec::Kept(blue_green)])
    );
}
