//! apply from nothing → plan empty → drift shows in plan → apply repairs it → destroy leaves nothing owned and
//! every foreign resource intact.

use aws_sdk_ec2::types::{IpPermission, IpRange};
use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, HostedZoneConfig, ResourceRecord, ResourceRecordSet, RrType, Vpc, VpcRegion,
};

use ecsnet::test_support::TopologyBuilder;

use crate::support::{ecsnet, fresh, unique_name, Account, Network, TopologyFile};

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

fn addresses(plan: &serde_json::Value) -> Vec<String> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| format!("{} {}", change["action"].as_str().unwrap(), change["address"].as_str().unwrap()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_plan_drift_repair_destroy_and_foreign_resources_survive() {
    let (account, name, network) = fresh("life").await;
    let zone = format!("{name}.internal");
    let zone_id = foreign_zone(&account, &network, &zone).await;
    let user_rule = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .ip_ranges(IpRange::builder().cidr_ip("10.9.0.0/16").build())
        .build();
    account
        .ec2
        .authorize_security_group_ingress()
        .group_id(&network.tasks_group_id)
        .ip_permissions(user_rule)
        .send()
        .await
        .unwrap();
    let foreign_group = account
        .elb
        .create_target_group()
        .name(format!("{name}-foreign"))
        .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
        .port(80)
        .vpc_id(&network.vpc_id)
        .send()
        .await
        .unwrap();
    let foreign_group_arn = foreign_group.target_groups()[0].target_group_arn().unwrap().to_string();
    let file = TopologyFile::of(&topology(&name, &network, &zone));
    let endpoint = &account.endpoint;

    let plan =
        ecsnet(endpoint, &["plan", "-f", file.arg(), "--output", "json", "--detailed-exitcode"]).expect(2).json();
    assert_eq!(plan["summary"]["add"], 12, "{:#}", plan);
    assert!(
        plan["notes"][0].as_str().unwrap().contains("will never delete it"),
        "the hand-made zone is adopted: {plan:#}"
    );

    let applied = ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    assert!(applied.stdout.contains("Apply complete: 12 added, 0 changed, 0 destroyed"), "{}", applied.stdout);
    let after = ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode", "-v"]).expect(0);
    assert!(after.stdout.starts_with("No changes."), "{}", after.stdout);
    let requests = after.requests();
    assert!(
        after.stderr.contains(&format!("{} AWS requests in all: ", requests.total)),
        "-v says what --requests-json wrote: {requests:?}\n{}",
        after.stderr
    );
    // Two of them read the VPC's DNS attributes (DescribeVpcAttribute reads one attribute a call), at once.
    assert!(requests.total <= 18, "reading live state took {} requests: {:?}", requests.total, requests.by_operation);
    let records = account.records(&zone_id).await;
    assert!(
        records.contains(&format!("CNAME api.{zone}")) && records.contains(&format!("TXT _ecsnet.api.{zone}")),
        "{records:?}"
    );

    // Drift: a health check changed by hand, a rule deleted, ecsnet's ingress rule revoked.
    let api_group = account.elb.describe_target_groups().send().await.unwrap();
    let api_group = api_group
        .target_groups()
        .iter()
        .find(|group| group.target_group_name().unwrap().starts_with(&format!("{name}-api")))
        .unwrap();
    account
        .elb
        .modify_target_group()
        .target_group_arn(api_group.target_group_arn().unwrap())
        .health_check_path("/by-hand")
        .send()
        .await
        .unwrap();
    let owned = account.owned_load_balancing_resources(&name).await;
    let worker_rule = owned.iter().find(|arn| arn.contains(":listener-rule/")).unwrap();
    account.elb.delete_rule().rule_arn(worker_rule).send().await.unwrap();
    let tagged_rules = account.owned_security_resources(&name).await;
    let ingress_ids: Vec<String> =
        tagged_rules.iter().filter_map(|entry| entry.strip_prefix("rule ")).map(str::to_string).collect();
    let tasks_rules = account
        .ec2
        .describe_security_group_rules()
        .filters(aws_sdk_ec2::types::Filter::builder().name("group-id").values(&network.tasks_group_id).build())
        .send()
        .await
        .unwrap();
    let ecsnet_ingress: Vec<String> = tasks_rules
        .security_group_rules()
        .iter()
        .filter(|rule| ingress_ids.contains(&rule.security_group_rule_id().unwrap().to_string()))
        .map(|rule| rule.security_group_rule_id().unwrap().to_string())
        .collect();
    assert_eq!(ecsnet_ingress.len(), 2, "one ingress rule per service on the tasks' group");
    account
        .ec2
        .revoke_security_group_ingress()
        .group_id(&network.tasks_group_id)
        .security_group_rule_ids(&ecsnet_ingress[0])
        .send()
        .await
        .unwrap();

    let drift =
        ecsnet(endpoint, &["plan", "-f", file.arg(), "--output", "json", "--detailed-exitcode"]).expect(2).json();
    let mut changes = addresses(&drift);
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
    let health = drift["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|change| change["address"] == "service.api.target_group")
        .unwrap();
    assert_eq!(
        health["fields"][0],
        serde_json::json!({"field": "health_check.path", "old": "/by-hand", "new": "/application-status/health"})
    );

    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);

    let destroyed = ecsnet(endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0);
    assert!(destroyed.stdout.contains("Destroy complete: 12 destroyed"), "{}", destroyed.stdout);
    assert_eq!(account.owned_load_balancing_resources(&name).await, Vec::<String>::new());
    assert_eq!(account.owned_security_resources(&name).await, Vec::<String>::new());
    assert_eq!(
        account.target_group_arn(&format!("{name}-foreign")).await,
        Some(foreign_group_arn),
        "a foreign target group survives"
    );
    assert_eq!(
        account
            .records(&zone_id)
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
    let tasks_rules = account
        .ec2
        .describe_security_group_rules()
        .filters(aws_sdk_ec2::types::Filter::builder().name("group-id").values(&network.tasks_group_id).build())
        .send()
        .await
        .unwrap();
    assert!(
        tasks_rules
            .security_group_rules()
            .iter()
            .any(|rule| rule.from_port() == Some(22) && rule.is_egress() == Some(false)),
        "the user's own ingress rule survives"
    );
    ecsnet(endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_zone_ecsnet_created_is_deleted_on_destroy() {
    let (account, name, network) = fresh("zone").await;
    let zone = format!("{name}.example.com");
    let file = TopologyFile::of(&topology(&name, &network, &zone));
    ecsnet(&account.endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    let zones = account.zones_on_vpc(&network.vpc_id).await;
    assert!(zones.iter().any(|(_, zone_name)| *zone_name == zone), "{zones:?}");
    ecsnet(&account.endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);
    ecsnet(&account.endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0);
    assert!(account.zones_on_vpc(&network.vpc_id).await.is_empty());
    assert_eq!(account.owned_load_balancing_resources(&name).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_port_change_replaces_its_target_group_without_leaving_the_old_one() {
    let (account, name, network) = fresh("repl").await;
    let zone = format!("{name}.example.com");
    let file = TopologyFile::of(&topology(&name, &network, &zone));
    ecsnet(&account.endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    let before = account.owned_load_balancing_resources(&name).await;
    file.rewrite(&topology(&name, &network, &zone).service("api", |service| service.port(8081)));
    let plan = ecsnet(&account.endpoint, &["plan", "-f", file.arg()]).expect(0);
    assert!(plan.stdout.contains("-/+ service.api.target_group"), "{}", plan.stdout);
    assert!(plan.stdout.contains("(port cannot change in place)"), "{}", plan.stdout);
    ecsnet(&account.endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    ecsnet(&account.endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);
    let after = account.owned_load_balancing_resources(&name).await;
    assert_eq!(before.len(), after.len(), "one target group replaced by one: {before:?} → {after:?}");
    ecsnet(&account.endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0);
    assert_eq!(account.owned_load_balancing_resources(&name).await, Vec::<String>::new());
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
    assert_eq!(account.owned_load_balancing_resources(&name).await, Vec::<String>::new(), "nothing was created");
    assert_eq!(account.owned_security_resources(&name).await, Vec::<String>::new(), "nothing was created");
    assert_eq!(account.records(&zone_id).await.len(), 3, "SOA, NS and the user's A record");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_step_stops_the_apply_with_its_name_and_a_rerun_converges() {
    let (account, name, network) = fresh("fail").await;
    let zone = format!("{name}.example.com");
    let file = TopologyFile::of(&topology(&name, &network, &zone));
    let plan = ecsnet(&account.endpoint, &["plan", "-f", file.arg(), "--output", "json"]).expect(0).json();
    let wanted = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|change| change["address"] == "service.api.target_group")
        .unwrap()["name"]
        .as_str()
        .unwrap()
        .to_string();
    // A target group of that name in another VPC: ecsnet does not read it, so AWS refuses the create mid-apply.
    let elsewhere = account.network(&format!("{name}x")).await;
    let blocker = account
        .elb
        .create_target_group()
        .name(&wanted)
        .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
        .port(80)
        .vpc_id(&elsewhere.vpc_id)
        .send()
        .await
        .unwrap();
    let failed = ecsnet(&account.endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(1);
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
    let remaining = ecsnet(&account.endpoint, &["plan", "-f", file.arg(), "--output", "json", "--detailed-exitcode"])
        .expect(2)
        .json();
    let remaining = addresses(&remaining);
    assert!(
        remaining.contains(&"create service.api.target_group".to_string())
            && remaining.contains(&"create service.api.rule.80".to_string()),
        "{remaining:?}"
    );
    assert!(
        !remaining.contains(&"create load_balancer.security_group".to_string()),
        "what was made stays made: {remaining:?}"
    );

    account
        .elb
        .delete_target_group()
        .target_group_arn(blocker.target_groups()[0].target_group_arn().unwrap())
        .send()
        .await
        .unwrap();
    ecsnet(&account.endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    ecsnet(&account.endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);
    let owned = account.owned_load_balancing_resources(&name).await;
    assert_eq!(
        owned.len(),
        7,
        "one load balancer, one listener, two rules, three target groups, and no duplicates: {owned:?}"
    );
    ecsnet(&account.endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0);
    assert_eq!(account.owned_load_balancing_resources(&name).await, Vec::<String>::new());
}
