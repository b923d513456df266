//! A service moved from the load balancer to Service Connect and back, its old path kept until the new one serves
//! (docs/guide/moving-between-recipes.md), checked after every stage, with runs interrupted between stages
//! and finished by the next apply.
//!
//! What the emulator can show: the order of the calls and the state after each stage (the ECS service's load
//! balancer entries, the Service Connect tag ecsnet writes, the record, the target group, the rule), and the wait
//! of stage 2 on a real DescribeServices answer (the AWS-rules layer reports each UpdateService's deployment
//! IN_PROGRESS for 2 s, then COMPLETED: moto answers COMPLETED at once). What it cannot: moto runs no task, so no target ever registers (the
//! target health check passes with none) and no Service Connect endpoint exists; moto keeps no
//! `serviceConnectConfiguration` either (EMULATOR.md), so Service Connect is read back from ecsnet's tag. That the
//! name answers throughout is shown by the order, not by a request reaching a task.

use crate::support::{
    apply_and_expect_converged, destroy, ecsnet, expect_converged, fresh, pending_plan_json, signal_on_line, Account,
    Proxy, Run, TopologyFile,
};

/// What of the two paths live state has: the ECS service's entry for ecsnet's target group, ecsnet's Service
/// Connect tag, the record, and ecsnet's target group.
#[derive(Debug, PartialEq)]
struct Paths {
    load_balancer_entry: bool,
    service_connect: bool,
    record: bool,
    target_group: bool,
}

async fn paths(account: &Account, name: &str, cluster: &str, zone: &str) -> Paths {
    let wiring = account.ecs_wiring(cluster, "api").await;
    let zone_id = account.zone_id_named(zone).await;
    let records = account.records(&zone_id).await;
    Paths {
        load_balancer_entry: wiring.contains(&format!("/{name}-api-")),
        service_connect: wiring.contains("ecsnet:service-connect="),
        record: records.contains(&format!("CNAME api.{zone}")),
        target_group: has_target_group(account, name).await,
    }
}

/// The stages of the changes of a JSON plan, sorted.
fn stages(plan: &serde_json::Value) -> Vec<u64> {
    let mut stages: Vec<u64> =
        plan["changes"].as_array().unwrap().iter().filter_map(|change| change["stage"].as_u64()).collect();
    stages.sort();
    stages
}

/// An apply interrupted (SIGINT) once it reports stage 2, the wait until the new path serves.
fn interrupted_while_waiting(endpoint: &str, file: &TopologyFile) -> Run {
    signal_on_line(endpoint, &["apply", "-f", file.arg(), "--auto-approve"], "service api: stage 2 of 4", "INT")
}

/// Whether a target group of ecsnet's for "api" exists (`{topology}-api-…`).
async fn has_target_group(account: &Account, name: &str) -> bool {
    let groups = account.elb.describe_target_groups().send().await.unwrap();
    let prefix = format!("{name}-api-");
    groups.target_groups().iter().any(|group| group.target_group_name().unwrap_or_default().starts_with(&prefix))
}

/// Where `needle` first appears in `text`; fails the test when it does not.
#[track_caller]
fn at(text: &str, needle: &str) -> usize {
    text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in:\n{text}"))
}

/// One service's move: where it runs, and the file that says which recipe it has.
struct Move<'a> {
    account: &'a Account,
    name: String,
    cluster: String,
    zone: String,
    file: TopologyFile,
}

impl Move<'_> {
    async fn paths(&self) -> Paths {
        paths(self.account, &self.name, &self.cluster, &self.zone).await
    }
}

const ONLY_LOAD_BALANCER: Paths =
    Paths { load_balancer_entry: true, service_connect: false, record: true, target_group: true };
const BOTH: Paths = Paths { load_balancer_entry: true, service_connect: true, record: true, target_group: true };

#[tokio::test(flavor = "multi_thread")]
async fn a_service_moves_to_service_connect_and_back_with_the_old_path_kept_until_the_new_serves() {
    let (account, name, network) = fresh("mig").await;
    let (cluster, groups) = account.services_with_own_groups(&network, &name, "main", &[("api", 8080)]).await;
    let before = account.ecs_wiring(&cluster, "api").await;
    let zone = format!("{name}.example.com");
    let behind_load_balancer = network
        .topology(&name)
        .load_balancer()
        // A TTL of 1 s: stage 4 waits the deleted record's TTL.
        .dns_with(&zone, |dns| dns.ttl(1))
        .discovery(&format!("{name}.internal"))
        .service("api", |service| service.security_group(&groups[0]).ecs(&cluster));
    let on_service_connect = behind_load_balancer
        .clone()
        .service("api", |service| service.load_balanced(false).connect("default", Some("api")));
    let file = TopologyFile::of(&behind_load_balancer);
    apply_and_expect_converged(&account.endpoint, &file);
    let moving = Move { account: &account, name, cluster, zone, file };
    assert_eq!(moving.paths().await, ONLY_LOAD_BALANCER);

    moving.file.rewrite(&on_service_connect);
    stage_1_then_interrupted_while_waiting(&moving).await;
    stages_2_and_3_then_stage_4_refused_and_finished(&moving).await;
    moving.file.rewrite(&behind_load_balancer);
    back_to_the_load_balancer_in_one_apply(&moving).await;

    destroy(&account.endpoint, &moving.file);
    assert_eq!(account.ecs_wiring(&moving.cluster, "api").await, before, "the ECS service is as it was");
    account.expect_nothing_owned(&moving.name).await;
}

/// To Service Connect. Stage 1, then a SIGINT while stage 2 waits: the ECS service carries both paths.
async fn stage_1_then_interrupted_while_waiting(moving: &Move<'_>) {
    let (endpoint, file) = (&moving.account.endpoint, &moving.file);
    let plan = pending_plan_json(endpoint, file);
    assert_eq!(
        plan["migrations"],
        serde_json::json!([{"service": "api", "from": ["load_balancer"], "to": ["service_connect"]}])
    );
    assert_eq!(stages(&plan), [1, 3, 4, 4, 4, 4]);
    let interrupted = interrupted_while_waiting(endpoint, file);
    assert_eq!(interrupted.code, 130, "{}", interrupted.stderr);
    assert!(
        interrupted.stderr.contains("waiting until service api's new path serves: ECS service api deploying"),
        "interrupted while stage 2 waited: {}",
        interrupted.stderr
    );
    assert_eq!(moving.paths().await, BOTH, "after stage 1");
    assert_eq!(stages(&pending_plan_json(endpoint, file)), [3, 4, 4, 4, 4], "from live state: stages 2 to 4 remain");
}

/// Stages 2 and 3, then stage 4's UpdateService refused: the record is gone, the old path still wired; the next
/// apply finishes.
async fn stages_2_and_3_then_stage_4_refused_and_finished(moving: &Move<'_>) {
    let (endpoint, file) = (&moving.account.endpoint, &moving.file);
    let proxy = Proxy::start(endpoint, 0);
    proxy.configure(serde_json::json!({"fail_operation": "ecs.UpdateService", "fail_code": "AccessDenied"}));
    let failed = ecsnet(&proxy.endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(1);
    assert!(
        at(&failed.stderr, "done: delete service.api.dns_record")
            < at(&failed.stderr, "failed: update service.api.ecs.retire"),
        "{}",
        failed.stderr
    );
    assert_eq!(moving.paths().await, Paths { record: false, ..BOTH }, "after stage 3");
    assert_eq!(stages(&pending_plan_json(endpoint, file)), [4, 4, 4, 4], "only stage 4 remains");
    apply_and_expect_converged(endpoint, file);
    let only_service_connect =
        Paths { load_balancer_entry: false, service_connect: true, record: false, target_group: false };
    assert_eq!(moving.paths().await, only_service_connect, "after stage 4");
}

/// And back to the load balancer, in one apply: the record only after the wait, Service Connect off after it.
async fn back_to_the_load_balancer_in_one_apply(moving: &Move<'_>) {
    let (endpoint, file) = (&moving.account.endpoint, &moving.file);
    let back = apply_and_expect_converged(endpoint, file);
    let order = [
        "done: update service.api.ecs\n",
        "service api: stage 2 of 4",
        "service api: stage 3 of 4",
        "done: create service.api.dns_record",
        "+ update service.api.ecs.retire",
    ];
    let positions: Vec<usize> = order.iter().map(|needle| at(&back.stderr, needle.trim_start_matches("+ "))).collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "in order {order:?}:\n{}", back.stderr);
    assert_eq!(moving.paths().await, ONLY_LOAD_BALANCER);
    expect_converged(endpoint, file);
}
