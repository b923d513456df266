//! Service discovery and ECS wiring on the emulator: the two seed plans' shapes applied from nothing, plan empty
//! afterwards, drift repaired, and destroy leaving the ECS services as they were before ecsnet touched them.

use aws_sdk_ecs::types::{AdvancedConfiguration, LoadBalancer};
use aws_sdk_servicediscovery::types::{DnsConfig, DnsRecord, RecordType, RoutingPolicy};

use crate::support::{
    apply, apply_and_expect_converged, changes, destroy, ecsnet, expect_converged, fresh, pending_plan_json, plan_text,
    Account, Run, TopologyFile,
};

/// A Cloud Map service of the user's, in a namespace of theirs (in another VPC: one namespace a VPC here); its ARN.
async fn users_own_registry(account: &Account, name: &str) -> String {
    let elsewhere = account.network(&format!("{name}o")).await;
    let operation = account
        .discovery
        .create_private_dns_namespace()
        .name(format!("{name}.own"))
        .vpc(&elsewhere.vpc_id)
        .send()
        .await
        .unwrap();
    let own_namespace =
        account.discovery.get_operation().operation_id(operation.operation_id().unwrap()).send().await.unwrap();
    let own_namespace = own_namespace.operation().unwrap().targets().unwrap().values().next().unwrap().clone();
    let record = DnsRecord::builder().r#type(RecordType::A).ttl(60).build().unwrap();
    let own_service = account
        .discovery
        .create_service()
        .name("own")
        .namespace_id(&own_namespace)
        .dns_config(DnsConfig::builder().routing_policy(RoutingPolicy::Multivalue).dns_records(record).build().unwrap())
        .send()
        .await
        .unwrap();
    own_service.service().unwrap().arn().unwrap().to_string()
}

/// On "hello", which ecsnet does not register in Cloud Map: the user's own registry (ECS takes one a service), a
/// Classic Load Balancer entry and a blue/green entry of the user's. (Real ECS takes no Classic Load Balancer for
/// awsvpc tasks; the emulator does, and it shows that ecsnet sends back every field of what it does not own.) The
/// user's two load balancer entries.
async fn users_own_wiring(account: &Account, name: &str, cluster: &str) -> Vec<LoadBalancer> {
    let own_registry =
        aws_sdk_ecs::types::ServiceRegistry::builder().registry_arn(users_own_registry(account, name).await).build();
    let classic = LoadBalancer::builder()
        .load_balancer_name(format!("{name}-classic"))
        .container_name("hello")
        .container_port(3000)
        .build();
    let advanced = AdvancedConfiguration::builder()
        .alternate_target_group_arn(format!(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/{name}-green/1"
        ))
        .production_listener_rule(format!(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/{name}/1/2/3"
        ))
        .role_arn("arn:aws:iam::123456789012:role/ecs-blue-green")
        .build();
    let blue_green = LoadBalancer::builder()
        .target_group_arn(format!("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/{name}-blue/1"))
        .container_name("hello")
        .container_port(3000)
        .advanced_configuration(advanced)
        .build();
    let users_entries = vec![classic, blue_green];
    let entries = Some(users_entries.clone());
    account
        .update_ecs_service(cluster, "hello", |update| {
            update.service_registries(own_registry).set_load_balancers(entries)
        })
        .await;
    users_entries
}

/// apply waits until it serves: the ECS deployments it started (IN_PROGRESS for a while, as on AWS) are done.
async fn expect_served_when_apply_returns(account: &Account, applied: &Run, cluster: &str) {
    assert!(
        applied.stderr.contains("waiting until it serves: ")
            && applied.stderr.contains(" deploying (0 of 1 tasks running)"),
        "{}",
        applied.stderr
    );
    assert!(applied.stdout.contains(" Serving after "), "{}", applied.stdout);
    let steady =
        account.ecs.describe_services().cluster(cluster).services("hello").services("name").send().await.unwrap();
    for service in steady.services() {
        let rollouts: Vec<_> = service
            .deployments()
            .iter()
            .map(|deployment| deployment.rollout_state().map(|state| state.as_str().to_string()))
            .collect();
        assert_eq!(
            rollouts,
            [Some("COMPLETED".to_string())],
            "{:?} is steady when apply returns",
            service.service_name()
        );
    }
}

/// hello goes to its target group beside the user's entries, sent back whole; name has ecsnet's registry.
async fn expect_wired_beside_the_users_own(account: &Account, name: &str, cluster: &str, before: &[String]) {
    let hello = account.ecs_wiring(cluster, "hello").await;
    assert!(
        hello.contains(&format!("/{name}-hello-")) && hello.contains(":hello:3000"),
        "hello's tasks go to its target group: {hello}"
    );
    let (before_balancers, before_rest) = before[0].split_once(" | ").unwrap();
    let (balancers, rest) = hello.split_once(" | ").unwrap();
    assert_eq!(rest, before_rest, "hello keeps its own registry, and nothing else changes");
    assert_eq!(balancers.split(',').count(), 3, "{balancers}");
    assert!(
        before_balancers.split(',').all(|entry| balancers.contains(entry)),
        "the Classic and the blue/green entries are sent back whole: {before_balancers} → {balancers}"
    );
    let wired_name = account.ecs_wiring(cluster, "name").await;
    assert_eq!(
        wired_name.split(" | ").nth(1).unwrap().split(',').count(),
        1,
        "name has ecsnet's registry: {wired_name}"
    );
}

/// Drift by hand: hello detached from ecsnet's target group (the user's entries left), the Cloud Map TTL 300.
async fn drift_by_hand(account: &Account, name: &str, cluster: &str, users_entries: Vec<LoadBalancer>) {
    account.update_ecs_service(cluster, "hello", |update| update.set_load_balancers(Some(users_entries))).await;
    let services = account.discovery.list_services().send().await.unwrap();
    let ours = services
        .services()
        .iter()
        .find(|service| {
            service.description().is_some_and(|description| description.contains(&format!("ecsnet:topology={name} ")))
        })
        .unwrap();
    let change = aws_sdk_servicediscovery::types::DnsConfigChange::builder()
        .dns_records(DnsRecord::builder().r#type(RecordType::A).ttl(300).build().unwrap())
        .build()
        .unwrap();
    account
        .discovery
        .update_service()
        .id(ours.id().unwrap())
        .service(aws_sdk_servicediscovery::types::ServiceChange::builder().dns_config(change).build())
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn service_discovery_with_a_load_balanced_caller_round_trips_and_leaves_ecs_as_it_was() {
    let (account, name, network) = fresh("sd").await;
    let (cluster, groups) =
        account.services_with_own_groups(&network, &name, "main", &[("hello", 3000), ("name", 3000)]).await;
    let users_entries = users_own_wiring(&account, &name, &cluster).await;
    let before = account.ecs_wirings(&cluster, &["hello", "name"]).await;

    let namespace = format!("{name}.internal");
    let text = network
        .topology(&name)
        .load_balancer_with(|balancer| balancer.internet_facing(["0.0.0.0/0"]))
        .discovery(&namespace)
        .service("hello", |service| {
            service.port(3000).host("hello.example.com").security_group(&groups[0]).ecs(&cluster)
        })
        .service("name", |service| {
            service
                .port(3000)
                .security_group(&groups[1])
                .load_balanced(false)
                .callers(["hello"])
                .ecs(&cluster)
                .discovery_record("A")
                .discovery_ttl(0)
        });
    let file = TopologyFile::of(&text);
    let endpoint = &account.endpoint;
    let applied = apply(endpoint, &file);
    assert!(applied.stdout.contains("Apply complete: 10 added, 2 changed, 0 destroyed"), "{}", applied.stdout);
    expect_served_when_apply_returns(&account, &applied, &cluster).await;
    expect_converged(endpoint, &file);
    expect_wired_beside_the_users_own(&account, &name, &cluster, &before).await;
    assert_eq!(account.namespaces_named(&namespace).await.len(), 1);

    drift_by_hand(&account, &name, &cluster, users_entries).await;
    let mut changed = changes(&pending_plan_json(endpoint, &file));
    changed.sort();
    assert_eq!(changed, ["update service.hello.ecs", "update service.name.discovery"]);
    let repaired = ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve", "--no-wait"]).expect(0);
    assert!(
        !repaired.stderr.contains("waiting until it serves") && !repaired.stdout.contains("Serving after"),
        "--no-wait returns at once: {}",
        repaired.stderr
    );
    expect_converged(endpoint, &file);

    destroy(endpoint, &file);
    let after = account.ecs_wirings(&cluster, &["hello", "name"]).await;
    assert_eq!(after, before, "the ECS services are as they were before ecsnet touched them");
    assert!(account.namespaces_named(&namespace).await.is_empty(), "the namespace ecsnet made is gone");
    account.expect_nothing_owned(&name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn service_connect_is_turned_on_and_off_and_plan_converges() {
    let (account, name, network) = fresh("sc").await;
    let (cluster, groups) =
        account.services_with_own_groups(&network, &name, "demo", &[("server", 8080), ("client", 8080)]).await;
    let before = account.ecs_wiring(&cluster, "server").await;
    let namespace = format!("{name}.demo");
    let text = network
        .topology(&name)
        .discovery(&namespace)
        .service("server", |service| {
            service.security_group(&groups[0]).callers(["client"]).ecs(&cluster).connect("default", Some("server"))
        })
        .service("client", |service| {
            service.security_group(&groups[1]).ecs(&cluster).connect("default", Some("client"))
        });
    let file = TopologyFile::of(&text);
    let endpoint = &account.endpoint;
    let plan = plan_text(endpoint, &file);
    assert!(
        plan.stdout
            .contains(&format!("service_connect: (off) → default as server (server.{namespace}:8080) in {namespace}")),
        "{}",
        plan.stdout
    );
    apply_and_expect_converged(endpoint, &file);
    let wired = account.ecs_wiring(&cluster, "server").await;
    assert!(
        wired.contains(&format!(
            "ecsnet:service-connect=namespace={namespace} port_name=default discovery_name=server port=8080"
        )),
        "{wired}"
    );

    destroy(endpoint, &file);
    assert_eq!(account.ecs_wiring(&cluster, "server").await, before, "Service Connect's tag is gone with it");
    assert!(account.namespaces_named(&namespace).await.is_empty());
    assert_eq!(account.owned_security_resources(&name).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wiring_ecs_would_refuse_stops_the_plan_before_any_change() {
    let (account, name, network) = fresh("refuse").await;
    let group = network.tasks_group_id.clone();
    let cluster = format!("{name}-main");
    account
        .ecs_services(&cluster, &network, &[("hello", 3000, &group), ("server", 8080, &group), ("name", 3000, &group)])
        .await;
    let own_registry = users_own_registry(&account, &name).await;
    let registry = aws_sdk_ecs::types::ServiceRegistry::builder().registry_arn(&own_registry).build();
    account.update_ecs_service(&cluster, "name", |update| update.service_registries(registry)).await;
    let services = ["hello", "server", "name"];
    let before = account.ecs_wirings(&cluster, &services).await;
    let namespace = format!("{name}.internal");
    let text = network
        .topology(&name)
        .load_balancer()
        .discovery(&namespace)
        .service("hello", |service| {
            service.port(3000).host("hello.example.com").security_group(&group).ecs(&cluster).container("web")
        })
        .service("server", |service| {
            service.security_group(&group).load_balanced(false).ecs(&cluster).connect("http", None)
        })
        .service("name", |service| {
            service.port(3000).security_group(&group).load_balanced(false).ecs(&cluster).discovery_record("A")
        });
    let file = TopologyFile::of(&text);
    let endpoint = &account.endpoint;
    let expected = [
        format!("service \"hello\" [service.ecs] container: ECS service {cluster}/hello: task definition {cluster}-hello:1 has no container \"web\" (it has hello)"),
        format!("service \"server\" [service.connect] port_name: ECS service {cluster}/server: task definition {cluster}-server:1 has no port mapping named \"http\" (it has default)"),
        format!("service \"name\" discovery: ECS service {cluster}/name: it already has a service registry ecsnet does not own ({own_registry}), and ECS allows one registry per service"),
    ];
    let planned = ecsnet(endpoint, &["plan", "-f", file.arg()]).expect(1);
    assert!(
        planned.stderr.contains("cannot plan: 3 problems in live state, nothing was changed"),
        "{}",
        planned.stderr
    );
    let refused = ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(1);
    for problem in &expected {
        assert!(
            refused.stderr.contains(&format!(": {problem}\n    hint: ")),
            "{problem}\n--- stderr\n{}",
            refused.stderr
        );
    }
    assert_eq!(account.ecs_wirings(&cluster, &services).await, before, "the ECS services are untouched");
    assert!(account.namespaces_named(&namespace).await.is_empty(), "no namespace was created");
    account.expect_nothing_owned(&name).await;
}
