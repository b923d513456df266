//! Adoption on the emulator: seed 002's recipe, built by a boto3 script through the AWS-rules layer, taken over by
//! `apply --adopt` in place, applied, then destroyed to the last resource it made; what a CloudFormation stack
//! owns refused without `--retiring-stack`; what another topology owns never adopted.

use ecsnet::test_support::TopologyBuilder;

use crate::support::{destroy, ecsnet, fresh, Account, Network, Seeded, TopologyFile};

const ZONE: &str = "rent-a-room.internal";

/// The topology that says what seed 002's script made: its load balancer and listener, the service's target
/// group and health check, the tasks' group; and the private zone and host of the script's `--zone/--host`.
fn seed_002_topology(name: &str, network: &Network) -> TopologyBuilder {
    network
        .topology(name)
        .load_balancer_with(|balancer| balancer.name(&format!("{name}-alb")).internet_facing(["0.0.0.0/0"]))
        .listener(|listener| listener.forward("web"))
        .dns(ZONE)
        .service("web", |service| {
            service
                .port(80)
                .target_type("ip")
                .security_group(&network.tasks_group_id)
                .host(&format!("www.{ZONE}"))
                .health_check(|check| check.path("/").interval(30).timeout(5).thresholds(2, 2))
                .ecs(name)
                .container("web")
        })
}

async fn seeded(account: &Account, network: &Network, name: &str, extra: &[&str]) -> Seeded {
    let host = format!("www.{ZONE}");
    let mut options = vec!["--cluster", name, "--service", "web", "--container", "web", "--create-service"];
    options.extend(["--zone", ZONE, "--host", &host]);
    options.extend(extra);
    account.seed_002(network, name, &options).await
}

#[tokio::test(flavor = "multi_thread")]
async fn seed_002s_resources_are_adopted_in_place_applied_and_destroyed_to_the_last() {
    let (account, name, network) = fresh("adopt").await;
    let made = seeded(&account, &network, &name, &[]).await;
    let file = TopologyFile::of(&seed_002_topology(&name, &network));
    let refused = ecsnet(&account.endpoint, &["plan", "-f", file.arg()]).expect(1);
    assert!(refused.stderr.contains("which ecsnet topology"), "{}", refused.stderr);
    let plan = ecsnet(&account.endpoint, &["plan", "--adopt", "-f", file.arg()]).expect(0);
    for adopted in ["load_balancer", "listener.80", "service.web.target_group", "load_balancer.security_group"] {
        assert!(plan.stdout.contains(&format!("= {adopted} ")), "{adopted} adopted:\n{}", plan.stdout);
    }
    assert!(plan.stdout.contains("to adopt."), "{}", plan.stdout);
    ecsnet(&account.endpoint, &["apply", "--adopt", "--auto-approve", "--no-wait", "-f", file.arg()]).expect(0);
    let again = ecsnet(&account.endpoint, &["plan", "-f", file.arg()]).expect(0);
    assert!(again.stdout.starts_with("No changes."), "after apply --adopt:\n{}", again.stdout);
    for key in ["load_balancer_arn", "listener_arn", "target_group_arn"] {
        let tags = account.elb_tags(&made.id(key)).await;
        assert_eq!(tags.get("ecsnet:topology"), Some(&name), "{key} is the topology's: {tags:?}");
    }
    destroy(&account.endpoint, &file);
    let (load_balancer, group) = (made.id("load_balancer_arn"), made.id("target_group_arn"));
    assert_eq!(
        account.load_balancer_and_group_exist(&load_balancer, &group).await,
        (false, false),
        "the script's load balancer and target group are gone"
    );
    let groups = account.security_groups_of(&network).await;
    assert!(!groups.contains(&made.id("alb_security_group_id")), "the script's load balancer group is gone");
    assert!(groups.contains(&network.tasks_group_id), "the tasks' group is not the topology's: it stays");
    assert!(account.zones_on_vpc(&network.vpc_id).await.is_empty(), "the adopted zone is gone");
    account.expect_nothing_owned(&name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cloudformation_stacks_resources_are_adopted_only_when_the_stack_is_being_retired() {
    let (account, name, network) = fresh("stack").await;
    seeded(&account, &network, &name, &["--cloudformation-stack", &name]).await;
    let file = TopologyFile::of(&seed_002_topology(&name, &network));
    let refused = ecsnet(&account.endpoint, &["plan", "--adopt", "-f", file.arg()]).expect(1);
    assert!(refused.stderr.contains(&format!("belongs to CloudFormation stack {name}")), "{}", refused.stderr);
    assert!(refused.stderr.contains(&format!("--retiring-stack {name}")), "{}", refused.stderr);
    let retiring = ["apply", "--adopt", "--retiring-stack", &name, "--auto-approve", "--no-wait", "-f", file.arg()];
    let applied = ecsnet(&account.endpoint, &retiring).expect(0);
    assert!(applied.stdout.contains("DeletionPolicy: Retain"), "{}", applied.stdout);
    ecsnet(&account.endpoint, &["plan", "--detailed-exitcode", "-f", file.arg()]).expect(0);
    destroy(&account.endpoint, &file);
    account.expect_nothing_owned(&name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn what_another_topology_owns_is_never_adopted() {
    let (account, name, network) = fresh("theirs").await;
    let theirs = TopologyFile::of(&network.one_service(&name, "theirs.internal", &network.tasks_group_id));
    ecsnet(&account.endpoint, &["apply", "--auto-approve", "--no-wait", "-f", theirs.arg()]).expect(0);
    let mine_name = format!("{name}b");
    let same_names = network
        .one_service(&mine_name, "theirs.internal", &network.tasks_group_id)
        .load_balancer_with(|balancer| balancer.name(&format!("{name}-alb")));
    let mine = TopologyFile::of(&same_names);
    let refused = ecsnet(&account.endpoint, &["apply", "--adopt", "--auto-approve", "-f", mine.arg()]).expect(1);
    assert!(refused.stderr.contains("does not own"), "{}", refused.stderr);
    assert!(!account.owned_load_balancing_resources(&name).await.is_empty(), "theirs stays theirs");
    account.expect_no_load_balancing(&mine_name).await;
    destroy(&account.endpoint, &theirs);
}
