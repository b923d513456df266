//! A service moved from ECS Service Connect to VPC Lattice and back in the four stages of a migration
//! (src/plan/migration.rs), read back after each apply, the plan empty after each.
//!
//! What the emulator shows: the order of the stages in apply's output; the ECS service carrying ecsnet's Service
//! Connect (its tag: moto keeps no `serviceConnectConfiguration`, EMULATOR.md) and its `vpcLatticeConfigurations`
//! entry as each stage leaves them; stage 2 waiting on a real ListTargets
//! answer: moto_ext registers the ECS service's running tasks in the Lattice target group its configuration names,
//! INITIAL then HEALTHY by the emulator's clock, and drains them when the configuration goes
//! (localstack/moto_ext/ecs_lattice.py); the Lattice service, its target group, the VPC's association and the
//! service network gone after the move back (the file no longer names `[lattice]`). What it cannot: no request
//! reaches a task, and the auth policy is never evaluated. Not Cloud Map: moto registers no task in Cloud Map, so a
//! move to it would wait for instances forever.

use aws_sdk_vpclattice::types::TargetStatus;
use ecsnet::test_support::TopologyBuilder;

use crate::support::{
    apply_and_expect_converged, destroy, fresh, pending_plan_json, requests_of, role_arn, settles, Account, Lattice,
    TaskService, TopologyFile,
};

/// The stages of a JSON plan's changes, sorted.
fn stages(plan: &serde_json::Value) -> Vec<u64> {
    let mut stages: Vec<u64> =
        plan["changes"].as_array().unwrap().iter().filter_map(|change| change["stage"].as_u64()).collect();
    stages.sort();
    stages
}

/// Where `needle` first appears in `text`; fails the test when it does not.
#[track_caller]
fn at(text: &str, needle: &str) -> usize {
    text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in:\n{text}"))
}

#[track_caller]
fn in_order(text: &str, needles: &[&str]) {
    let positions: Vec<usize> = needles.iter().map(|needle| at(text, needle)).collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "in order {needles:?}:\n{text}");
}

/// What of the two paths live state has.
#[derive(Debug, PartialEq)]
struct Paths {
    /// ecsnet's Service Connect on the ECS service.
    service_connect: bool,
    /// The ECS service's `vpcLatticeConfigurations` entries.
    lattice_entries: usize,
    /// ecsnet's Lattice service for api.
    lattice_service: bool,
    /// The targets of the Lattice target group the ECS service names, by status, sorted.
    targets: Vec<String>,
}

async fn paths(account: &Account, lattice: &Lattice, name: &str, cluster: &str) -> Paths {
    let service_connect = account.ecs_wiring(cluster, "api").await.contains("ecsnet:service-connect=");
    let entries = account.ecs_lattice(cluster, "api").await;
    let mut targets = Vec::new();
    for (group, ..) in &entries {
        let listed = lattice.client.list_targets().target_group_identifier(group).send().await.unwrap();
        targets
            .extend(listed.items().iter().map(|target| target.status().map_or("?", TargetStatus::as_str).to_string()));
    }
    targets.sort();
    let services = lattice.services_starting_with(&format!("{name}-api")).await;
    Paths { service_connect, lattice_entries: entries.len(), lattice_service: !services.is_empty(), targets }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_moves_from_service_connect_to_lattice_and_back_in_stages() {
    let (account, name, network) = fresh("latmig").await;
    let lattice = Lattice::connect(&account).await;
    let group = network.tasks_group_id.clone();
    let cluster = format!("{name}-main");
    let api =
        TaskService { name: "api", port: 8080, group: &group, task_role: Some(role_arn(&format!("{name}-api-task"))) };
    account.ecs_services_with_roles(&cluster, &network, &[api]).await;
    let service_network = format!("{name}-net");
    let on_service_connect = network.topology(&name).discovery(&format!("{name}.internal")).service("api", |service| {
        service.port(8080).security_group(&group).load_balanced(false).ecs(&cluster).connect("http", Some("api"))
    });
    let on_lattice = TopologyBuilder::new(&name)
        .vpc(&network.vpc_id)
        .subnets(&network.subnet_names)
        .discovery(&format!("{name}.internal"))
        .lattice(&service_network)
        .service("api", |service| {
            service.port(8080).security_group(&group).load_balanced(false).ecs(&cluster).lattice("http")
        });
    let endpoint = &account.endpoint;
    let file = TopologyFile::of(&on_service_connect);
    apply_and_expect_converged(endpoint, &file);
    let only_connect = || Paths { service_connect: true, lattice_entries: 0, lattice_service: false, targets: vec![] };
    assert_eq!(paths(&account, &lattice, &name, &cluster).await, only_connect());

    // To Lattice: wired beside Service Connect, the wait on Lattice's targets, Service Connect retired.
    file.rewrite(&on_lattice);
    let plan = pending_plan_json(endpoint, &file);
    assert_eq!(
        plan["migrations"],
        serde_json::json!([{"service": "api", "from": ["service_connect"], "to": ["lattice"]}])
    );
    assert_eq!(stages(&plan), [1, 1, 1, 1, 1, 1, 1, 4], "{plan:#}");
    let moved = apply_and_expect_converged(endpoint, &file);
    in_order(
        &moved.stderr,
        &[
            "done: create service.api.lattice.target_group",
            "done: update service.api.ecs\n",
            "service api: stage 2 of 4",
            "service api: stage 3 of 4",
            "done: update service.api.ecs.retire",
        ],
    );
    assert!(
        requests_of(&moved, "VPC Lattice.ListTargets") >= 1,
        "stage 2 asked Lattice for the targets ECS registered: {:?}",
        moved.requests()
    );
    let only_lattice =
        Paths { service_connect: false, lattice_entries: 1, lattice_service: true, targets: vec!["HEALTHY".into()] };
    assert_eq!(
        paths(&account, &lattice, &name, &cluster).await,
        only_lattice,
        "the task registered by ECS served before Service Connect went"
    );
    assert!(lattice.service_network_named(&service_network).await.is_some());

    // And back: Service Connect wired beside Lattice, Lattice retired with the VPC's association and the network.
    file.rewrite(&on_service_connect);
    let plan = pending_plan_json(endpoint, &file);
    assert_eq!(
        plan["migrations"],
        serde_json::json!([{"service": "api", "from": ["lattice"], "to": ["service_connect"]}])
    );
    assert_eq!(stages(&plan).first(), Some(&1));
    assert!(stages(&plan).iter().filter(|stage| **stage == 4).count() >= 8, "{plan:#}");
    let back = apply_and_expect_converged(endpoint, &file);
    in_order(
        &back.stderr,
        &[
            "done: update service.api.ecs\n",
            "service api: stage 2 of 4",
            "done: update service.api.ecs.retire",
            "done: delete lattice.vpc_association",
        ],
    );
    for retired in ["done: delete service.api.lattice.target_group", "done: delete lattice.service_network"] {
        in_order(&back.stderr, &["done: update service.api.ecs.retire", retired]);
    }
    // Lattice deletes through DELETE_IN_PROGRESS: still listed a moment.
    assert_eq!(settles(only_connect(), || paths(&account, &lattice, &name, &cluster)).await, only_connect());
    lattice.expect_network_left(&network.vpc_id, &service_network).await;

    destroy(endpoint, &file);
    account.expect_nothing_owned(&name).await;
}
