//! Service discovery and ECS wiring on the emulator: the two seed plans' shapes applied from nothing, plan empty
//! afterwards, drift repaired, and destroy leaving the ECS services as they were before ecsnet touched them.

use aws_sdk_ecs::types::{AdvancedConfiguration, LoadBalancer};
use aws_sdk_servicediscovery::types::{DnsConfig, DnsRecord, RecordType, RoutingPolicy};

use crate::support::{ecsnet, fresh, Account, TopologyFile};

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

#[tokio::test(flavor = "multi_thread")]
async fn service_discovery_with_a_load_balanced_caller_round_trips_and_leaves_ecs_as_it_was() {
    let (account, name, network) = fresh("sd").await;
    let hello_group = account.security_group(&network, &format!("{name}-hello")).await;
    let name_group = account.security_group(&network, &format!("{name}-name")).await;
    let cluster = format!("{name}-main");
    account.ecs_services(&cluster, &network, &[("hello", 3000, &hello_group), ("name", 3000, &name_group)]).await;
    // On "hello", which ecsnet does not register in Cloud Map: the user's own registry (ECS takes one a service), a
    // Classic Load Balancer entry and a blue/green entry of the user's. (Real ECS takes no Classic Load Balancer for
    // awsvpc tasks; the emulator does, and it shows that ecsnet sends back every field of what it does not own.)
    let own_registry =
        aws_sdk_ecs::types::ServiceRegistry::builder().registry_arn(users_own_registry(&account, &name).await).build();
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
    account
        .ecs
        .update_service()
        .cluster(&cluster)
        .service("hello")
        .service_registries(own_registry)
        .load_balancers(classic.clone())
        .load_balancers(blue_green.clone())
        .send()
        .await
        .unwrap();
    let before = (account.ecs_wiring(&cluster, "hello").await, account.ecs_wiring(&cluster, "name").await);

    let namespace = format!("{name}.internal");
    let text = network
        .topology(&name)
        .load_balancer_with(|balancer| balancer.internet_facing(["0.0.0.0/0"]))
        .discovery(&namespace)
        .service("hello", |service| {
            service.port(3000).host("hello.example.com").security_group(&hello_group).ecs(&cluster)
        })
        .service("name", |service| {
            service
                .port(3000)
                .security_group(&name_group)
                .load_balanced(false)
                .callers(["hello"])
                .ecs(&cluster)
                .discovery_record("A")
                .discovery_ttl(0)
        });
    let file = TopologyFile::of(&text);
    let endpoint = &account.endpoint;
    let applied = ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    assert!(applied.stdout.contains("Apply complete: 10 added, 2 changed, 0 destroyed"), "{}", applied.stdout);
    // apply waits until it serves: the ECS deployments it started (IN_PROGRESS for a while, as on AWS) are done.
    assert!(
        applied.stderr.contains("waiting until it serves: ")
            && applied.stderr.contains(" deploying (0 of 1 tasks running)"),
        "{}",
        applied.stderr
    );
    assert!(applied.stdout.contains(" Serving after "), "{}", applied.stdout);
    let steady =
        account.ecs.describe_services().cluster(&cluster).services("hello").services("name").send().await.unwrap();
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
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);
    let hello = account.ecs_wiring(&cluster, "hello").await;
    assert!(
        hello.contains(&format!("/{name}-hello-")) && hello.contains(":hello:3000"),
        "hello's tasks go to its target group: {hello}"
    );
    let (before_balancers, before_rest) = before.0.split_once(" | ").unwrap();
    let (balancers, rest) = hello.split_once(" | ").unwrap();
    assert_eq!(rest, before_rest, "hello keeps its own registry, and nothing else changes");
    assert_eq!(balancers.split(',').count(), 3, "{balancers}");
    assert!(
        before_balancers.split(',').all(|entry| balancers.contains(entry)),
        "the Classic and the blue/green entries are sent back whole: {before_balancers} → {balancers}"
    );
    let wired_name = account.ecs_wiring(&cluster, "name").await;
    assert_eq!(
        wired_name.split(" | ").nth(1).unwrap().split(',').count(),
        1,
        "name has ecsnet's registry: {wired_name}"
    );
    assert_eq!(account.namespaces_named(&namespace).await.len(), 1);

    // Drift: hello detached from ecsnet's target group by hand, the Cloud Map TTL changed by hand.
    account
        .ecs
        .update_service()
        .cluster(&cluster)
        .service("hello")
        .set_load_balancers(Some(vec![classic, blue_green]))
        .send()
        .await
        .unwrap();
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
    let drift =
        ecsnet(endpoint, &["plan", "-f", file.arg(), "--output", "json", "--detailed-exitcode"]).expect(2).json();
    let mut changed: Vec<String> = drift["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| format!("{} {}", change["action"].as_str().unwrap(), change["address"].as_str().unwrap()))
        .collect();
    changed.sort();
    assert_eq!(changed, ["update service.hello.ecs", "update service.name.discovery"]);
    let repaired = ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve", "--no-wait"]).expect(0);
    assert!(
        !repaired.stderr.contains("waiting until it serves") && !repaired.stdout.contains("Serving after"),
        "--no-wait returns at once: {}",
        repaired.stderr
    );
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);

    ecsnet(endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0);
    let after = (account.ecs_wiring(&cluster, "hello").await, account.ecs_wiring(&cluster, "name").await);
    assert_eq!(after, before, "the ECS services are as they were before ecsnet touched them");
    assert!(account.namespaces_named(&namespace).await.is_empty(), "the namespace ecsnet made is gone");
    assert_eq!(account.owned_load_balancing_resources(&name).await, Vec::<String>::new());
    assert_eq!(account.owned_security_resources(&name).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn service_connect_is_turned_on_and_off_and_plan_converges() {
    let (account, name, network) = fresh("sc").await;
    let server_group = account.security_group(&network, &format!("{name}-server")).await;
    let client_group = account.security_group(&network, &format!("{name}-client")).await;
    let cluster = format!("{name}-demo");
    account.ecs_services(&cluster, &network, &[("server", 8080, &server_group), ("client", 8080, &client_group)]).await;
    let before = account.ecs_wiring(&cluster, "server").await;
    let namespace = format!("{name}.demo");
    let text = network
        .topology(&name)
        .discovery(&namespace)
        .service("server", |service| {
            service.security_group(&server_group).callers(["client"]).ecs(&cluster).connect("default", Some("server"))
        })
        .service("client", |service| {
            service.security_group(&client_group).ecs(&cluster).connect("default", Some("client"))
        });
    let file = TopologyFile::of(&text);
    let endpoint = &account.endpoint;
    let plan = ecsnet(endpoint, &["plan", "-f", file.arg()]).expect(0);
    assert!(
        plan.stdout
            .contains(&format!("service_connect: (off) → default as server (server.{namespace}:8080) in {namespace}")),
        "{}",
        plan.stdout
    );
    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);
    let wired = account.ecs_wiring(&cluster, "server").await;
    assert!(
        wired.contains(&format!(
            "ecsnet:service-connect=namespace={namespace} port_name=default discovery_name=server port=8080"
        )),
        "{wired}"
    );

    ecsnet(endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0);
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
    account
        .ecs
        .update_service()
        .cluster(&cluster)
        .service("name")
        .service_registries(aws_sdk_ecs::types::ServiceRegistry::builder().registry_arn(&own_registry).build())
        .send()
        .await
        .unwrap();
    let services = ["hello", "server", "name"];
    let mut before = Vec::new();
    for service in services {
        before.push(account.ecs_wiring(&cluster, service).await);
    }
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
        format!("service[0].ecs.container (ECS service {cluster}/hello): task definition {cluster}-hello:1 has no container \"web\" (it has hello)"),
        format!("service[1].connect.port_name (ECS service {cluster}/server): task definition {cluster}-server:1 has no port mapping named \"http\" (it has default)"),
        format!("service[2].discovery (ECS service {cluster}/name): it already has a service registry ecsnet does not own ({own_registry}), and ECS allows one registry per service"),
    ];
    let planned = ecsnet(endpoint, &["plan", "-f", file.arg()]).expect(1);
    assert!(
        planned.stderr.contains("cannot plan: 3 problem(s) in live state, nothing was changed"),
        "{}",
        planned.stderr
    );
    let refused = ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(1);
    for problem in &expected {
        assert!(
            refused.stderr.contains(&format!("  - {problem}\n    hint: ")),
            "{problem}\n--- stderr\n{}",
            refused.stderr
        );
    }
    let mut after = Vec::new();
    for service in services {
        after.push(account.ecs_wiring(&cluster, service).await);
    }
    assert_eq!(after, before, "the ECS services are untouched");
    assert!(account.namespaces_named(&namespace).await.is_empty(), "no namespace was created");
    assert_eq!(account.owned_load_balancing_resources(&name).await, Vec::<String>::new(), "nothing was created");
    assert_eq!(account.owned_security_resources(&name).await, Vec::<String>::new(), "nothing was created");
}
