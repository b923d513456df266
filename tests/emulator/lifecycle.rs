//! apply from nothing → plan empty → drift shows in plan → apply repairs it → destroy leaves nothing owned and
//! every foreign resource intact.

use aws_sdk_ec2::types::{IpPermission, IpRange};
use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, HostedZoneConfig, ResourceRecord, ResourceRecordSet, RrType, Vpc, VpcRegion,
};

use ecsnet::test_support::TopologyBuilder;

use crate::support::{
    apply, apply_and_expect_converged, change_at, changes, destroy, ecsnet, expect_converged, fresh, pending_plan_json,
    plan_json, plan_text, unique_name, Account, Network, Run, TopologyFile,
};

/// Two services behind an internal load balancer, the first named in `zone`: one by the tasks' group's name with
/// a health check, one by its ID with instance targets and a priority of its own.
fn topology(name: &str, network: &Network, zone: &str) -> TopologyBuilder {
    network
        .topology(name)
        .load_balancer()
        .dns_with(zone, |dns| dns.ttl(30))
        .service("api", |service| {
            service
                .security_group(&network.tasks_group_name)
                .health_check(|check| check.path("/application-status/health").interval(5).timeout(4).thresholds(2, 10))
        })
        .service("worker", |service| {
            service.port(9090).target_type("instance").priority(7).security_group(&network.tasks_group_id)
        })
}

/// A private zone made by hand, with a record of the user's, that ecsnet must adopt and never delete.
async fn foreign_zone(account: &Account, network: &Network, zone: &str) -> String {
    let created = account
        .route53
        .create_hosted_zone()
        .name(zone)
        .caller_reference(unique_name("ref"))
        .vpc(Vpc::builder().vpc_id(&network.vpc_id).vpc_region(VpcRegion::UsEast1).build())
        .hosted_zone_config(HostedZoneConfig::builder().comment("made by hand").private_zone(true).build())
        .send()
        .await
        .unwrap();
    let zone_id = created.hosted_zone().unwrap().id().trim_start_matches("/hostedzone/").to_string();
    let record = ResourceRecordSet::builder()
        .name(format!("user.{zone}"))
        .r#type(RrType::A)
        .ttl(300)
        .resource_records(ResourceRecord::builder().value("10.0.1.9").build().unwrap())
        .build()
        .unwrap();
    let batch = ChangeBatch::builder()
        .changes(Change::builder().action(ChangeAction::Create).resource_record_set(record).build().unwrap())
        .build()
        .unwrap();
    account.route53.change_resource_record_sets().hosted_zone_id(&zone_id).change_batch(batch).send().await.unwrap();
    zone_id
}

/// The user's own resources beside ecsnet's, which ecsnet must never touch: an ingress rule on the tasks' group (ssh
/// from 10.9.0.0/16) and a target group; the target group's ARN.
async fn users_own_resources(account: &Account, name: &str, network: &Network) -> String {
    let user_rule = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .ip_ranges(IpRange::builder().cidr_ip("10.9.0.0/16").build())
        .build();
    let authorize = account.ec2.authorize_security_group_ingress().group_id(&network.tasks_group_id);
    authorize.ip_permissions(user_rule).send().await.unwrap();
    account.target_group(&format!("{name}-foreign"), &network.vpc_id).await
}

/// The first apply makes 12 resources, and the plan after it is empty and cheap to read.
async fn apply_and_expect_converged_in_few_requests(account: &Account, file: &TopologyFile) {
    let applied = apply(&account.endpoint, file);
    assert!(applied.stdout.contains("Apply complete: 12 added, 0 changed, 0 destroyed"), "{}", applied.stdout);
    let after = ecsnet(&account.endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode", "-v"]).expect(0);
    assert!(after.stdout.starts_with("No changes."), "{}", after.stdout);
    let requests = after.requests();
    assert!(
        after.stderr.contains(&format!("{} AWS requests in all: ", requests.total)),
        "-v says what --requests-json wrote: {requests:?}\n{}",
        after.stderr
    );
    // Two of them read the VPC's DNS attributes (DescribeVpcAttribute reads one attribute a call), at once; three
    // list VPC Lattice's services, target groups and the VPC's associations, which every topology reads so that what
    // it made there is found after `[lattice]` leaves its file.
    assert!(requests.total <= 21, "reading live state took {} requests: {:?}", requests.total, requests.by_operation);
}

/// Drift made by hand: the api's health check path changed, the worker's rule deleted, one of ecsnet's two ingress
/// rules on the tasks' group revoked.
async fn drift_by_hand(account: &Account, name: &str, network: &Network) {
    let api_group = account.target_group_arn_starting_with(&format!("{name}-api")).await;
    account.elb.modify_target_group().target_group_arn(api_group).health_check_path("/by-hand").send().await.unwrap();
    let owned = account.owned_load_balancing_resources(name).await;
    let worker_rule = owned.iter().find(|arn| arn.contains(":listener-rule/")).unwrap();
    account.elb.delete_rule().rule_arn(worker_rule).send().await.unwrap();
    let tagged_rules = account.owned_security_resources(name).await;
    let ingress_ids: Vec<String> =
        tagged_rules.iter().filter_map(|entry| entry.strip_prefix("rule ")).map(str::to_string).collect();
    let ecsnet_ingress: Vec<String> = account
        .rules_of_group(&network.tasks_group_id)
        .await
        .iter()
        .filter(|rule| ingress_ids.contains(&rule.security_group_rule_id().unwrap().to_string()))
        .map(|rule| rule.security_group_rule_id().unwrap().to_string())
        .collect();
    assert_eq!(ecsnet_ingress.len(), 2, "one ingress rule per service on the tasks' group");
    account.revoke_ingress(&network.tasks_group_id, vec![ecsnet_ingress[0].clone()]).await;
}

/// The plan puts back exactly what `drift_by_hand` changed: the health check, the rule, the ingress rule.
fn expect_drift_repaired_by(drift: &serde_json::Value) {
    let mut changes = changes(drift);
    changes.sort();
    assert_eq!(changes.len(), 3, "{changes:?}");
    assert!(changes.contains(&"update service.api.target_group".to_string()), "{changes:?}");
    assert!(
        changes.iter().any(|change| change.starts_with("create service.") && change.ends_with(".rule.80")),
        "{changes:?}"
    );
    assert!(
        changes.iter().any(|change| change.starts_with("create service.") && change.ends_with(".ingress")),
        "{changes:?}"
    );
    assert_eq!(
        change_at(drift, "service.api.target_group")["fields"][0],
        serde_json::json!({"field": "health_check.path", "old": "/by-hand", "new": "/application-status/health"})
    );
}

/// After destroy: the foreign target group, the adopted zone with the user's record, and the user's ingress rule.
async fn expect_foreign_resources_survive(
    account: &Account,
    name: &str,
    network: &Network,
    (zone, zone_id): (&str, &str),
    foreign_group_arn: String,
) {
    assert_eq!(
        account.target_group_arn(&format!("{name}-foreign")).await,
        Some(foreign_group_arn),
        "a foreign target group survives"
    );
    assert_eq!(
        account
            .records(zone_id)
            .await
            .into_iter()
            .filter(|record| !record.starts_with("SOA") && !record.starts_with("NS"))
            .collect::<Vec<_>>(),
        [format!("A user.{zone}")]
    );
    assert!(
        account.zones_on_vpc(&network.vpc_id).await.iter().any(|(id, _)| *id == zone_id),
        "the adopted zone survives"
    );
    assert!(
        account
            .rules_of_group(&network.tasks_group_id)
            .await
            .iter()
            .any(|rule| rule.from_port() == Some(22) && rule.is_egress() == Some(false)),
        "the user's own ingress rule survives"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_plan_drift_repair_destroy_and_foreign_resources_survive() {
    let (account, name, network) = fresh("life").await;
    let zone = format!("{name}.internal");
    let zone_id = foreign_zone(&account, &network, &zone).await;
    let foreign_group_arn = users_own_resources(&account, &name, &network).await;
    let file = TopologyFile::of(&topology(&name, &network, &zone));
    let endpoint = &account.endpoint;

    let plan = pending_plan_json(endpoint, &file);
    assert_eq!(plan["summary"]["add"], 12, "{:#}", plan);
    assert!(
        plan["notes"][0]["text"].as_str().unwrap().contains("will never delete it"),
        "the hand-made zone is adopted: {plan:#}"
    );

    apply_and_expect_converged_in_few_requests(&account, &file).await;
    let records = account.records(&zone_id).await;
    assert!(
        records.contains(&format!("CNAME api.{zone}")) && records.contains(&format!("TXT _ecsnet.api.{zone}")),
        "{records:?}"
    );

    drift_by_hand(&account, &name, &network).await;
    expect_drift_repaired_by(&pending_plan_json(endpoint, &file));
    apply_and_expect_converged(endpoint, &file);

    let destroyed = destroy(endpoint, &file);
    assert!(destroyed.stdout.contains("Destroy complete: 12 destroyed"), "{}", destroyed.stdout);
    account.expect_nothing_owned(&name).await;
    expect_foreign_resources_survive(&account, &name, &network, (&zone, &zone_id), foreign_group_arn).await;
    destroy(endpoint, &file);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_zone_ecsnet_created_is_deleted_on_destroy() {
    let (account, name, network) = fresh("zone").await;
    let zone = format!("{name}.example.com");
    let file = TopologyFile::of(&topology(&name, &network, &zone));
    apply(&account.endpoint, &file);
    let zones = account.zones_on_vpc(&network.vpc_id).await;
    assert!(zones.iter().any(|(_, zone_name)| *zone_name == zone), "{zones:?}");
    expect_converged(&account.endpoint, &file);
    destroy(&account.endpoint, &file);
    assert!(account.zones_on_vpc(&network.vpc_id).await.is_empty());
    account.expect_no_load_balancing(&name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_port_change_replaces_its_target_group_without_leaving_the_old_one() {
    let (account, name, network) = fresh("repl").await;
    let zone = format!("{name}.example.com");
    let file = TopologyFile::of(&topology(&name, &network, &zone));
    apply(&account.endpoint, &file);
    let before = account.owned_load_balancing_resources(&name).await;
    file.rewrite(&topology(&name, &network, &zone).service("api", |service| service.port(8081)));
    let plan = plan_text(&account.endpoint, &file);
    assert!(plan.stdout.contains("-/+ service.api.target_group"), "{}", plan.stdout);
    assert!(plan.stdout.contains("(port cannot change in place)"), "{}", plan.stdout);
    apply_and_expect_converged(&account.endpoint, &file);
    let after = account.owned_load_balancing_resources(&name).await;
    assert_eq!(before.len(), after.len(), "one target group replaced by one: {before:?} → {after:?}");
    destroy(&account.endpoint, &file);
    account.expect_no_load_balancing(&name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_record_ecsnet_does_not_own_stops_the_plan_before_any_change() {
    let (account, name, network) = fresh("conf").await;
    let zone = format!("{name}.internal");
    let zone_id = foreign_zone(&account, &network, &zone).await;
    let with_user = topology(&name, &network, &zone)
        .without_service("api")
        .service("user", |service| service.security_group(&network.tasks_group_name));
    let file = TopologyFile::of(&with_user);
    let refused = ecsnet(&account.endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(1);
    assert!(
        refused.stderr.contains(&format!(
            "user.{zone} already has a A record in zone {zone} that ecsnet topology {name} does not own"
        )),
        "{}",
        refused.stderr
    );
    account.expect_nothing_owned(&name).await;
    assert_eq!(account.records(&zone_id).await.len(), 3, "SOA, NS and the user's A record");
}

/// A target group named as ecsnet's api group is about to be, in another VPC: ecsnet does not read it, so AWS
/// refuses the create mid-apply. Its ARN.
async fn block_the_api_target_group(account: &Account, name: &str, file: &TopologyFile) -> String {
    let plan = plan_json(&account.endpoint, file);
    let wanted = change_at(&plan, "service.api.target_group")["name"].as_str().unwrap().to_string();
    let elsewhere = account.network(&format!("{name}x")).await;
    account.target_group(&wanted, &elsewhere.vpc_id).await
}

/// The failed apply named its step and what never started, and the plan after it still holds only what was not made.
fn expect_stopped_at_the_api_target_group(failed: &Run, remaining: &serde_json::Value) {
    assert!(
        failed.stderr.contains("create service.api.target_group: CreateTargetGroup failed: DuplicateTargetGroupName"),
        "{}",
        failed.stderr
    );
    assert!(
        failed.stderr.contains("not started:") && failed.stderr.contains("create service.api.rule.80"),
        "{}",
        failed.stderr
    );
    assert!(failed.stderr.contains("hint: nothing is left half-made"), "{}", failed.stderr);
    let remaining = changes(remaining);
    assert!(
        remaining.contains(&"create service.api.target_group".to_string())
            && remaining.contains(&"create service.api.rule.80".to_string()),
        "{remaining:?}"
    );
    assert!(
        !remaining.contains(&"create load_balancer.security_group".to_string()),
        "what was made stays made: {remaining:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_step_stops_the_apply_with_its_name_and_a_rerun_converges() {
    let (account, name, network) = fresh("fail").await;
    let zone = format!("{name}.example.com");
    let file = TopologyFile::of(&topology(&name, &network, &zone));
    let blocker = block_the_api_target_group(&account, &name, &file).await;
    let failed = ecsnet(&account.endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(1);
    expect_stopped_at_the_api_target_group(&failed, &pending_plan_json(&account.endpoint, &file));

    account.delete_target_group(&blocker).await;
    apply_and_expect_converged(&account.endpoint, &file);
    let owned = account.owned_load_balancing_resources(&name).await;
    assert_eq!(
        owned.len(),
        7,
        "one load balancer, one listener, two rules, three target groups, and no duplicates: {owned:?}"
    );
    destroy(&account.endpoint, &file);
    account.expect_no_load_balancing(&name).await;
}
