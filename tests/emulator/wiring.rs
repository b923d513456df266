//! Service discovery and ECS wiring on the emulator: the two seed plans' shapes applied from nothing, plan empty
//! afterwards, drift repaired, and destroy leaving the ECS services as they were before ecsnet touched them.

use aws_sdk_servicediscovery::types::{DnsConfig, DnsRecord, RecordType, RoutingPolicy};

use crate::support::{ecsnet, fresh, TopologyFile};

#[tokio::test(flavor = "multi_thread")]
async fn service_discovery_with_a_load_balanced_caller_round_trips_and_leaves_ecs_as_it_was() {
    let (account, name, network) = fresh("sd").await;
    let hello_group = account.security_group(&network, &format!("{name}-hello")).await;
    let name_group = account.security_group(&network, &format!("{name}-name")).await;
    let cluster = format!("{name}-main");
    account.ecs_services(&cluster, &network, &[("hello", 3000, &hello_group), ("name", 3000, &name_group)]).await;
    // The user's own registry on "name", from a namespace of theirs (in another VPC: one namespace a VPC here).
    let elsewhere = account.network(&format!("{name}o")).await;
    let operation = account.discovery.create_private_dns_namespace().name(format!("{name}.own")).vpc(&elsewhere.vpc_id).send().await.unwrap();
    let own_namespace = account.discovery.get_operation().operation_id(operation.operation_id().unwrap()).send().await.unwrap();
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
    let own_registry = aws_sdk_ecs::types::ServiceRegistry::builder().registry_arn(own_service.service().unwrap().arn().unwrap()).build();
    account.ecs.update_service().cluster(&cluster).service("name").service_registries(own_registry).send().await.unwrap();
    let before = (account.ecs_wiring(&cluster, "hello").await, account.ecs_wiring(&cluster, "name").await);

    let namespace = format!("{name}.internal");
    let text = format!(
        r#"
name = "{name}"
[network]
vpc = "{vpc}"
subnets = ["{a}", "{b}"]
[load_balancer]
scheme = "internet-facing"
allowed_cidrs = ["0.0.0.0/0"]
[discovery]
namespace = "{namespace}"
[[service]]
name = "hello"
port = 3000
host = "hello.example.com"
security_group = "{hello_group}"
[service.ecs]
cluster = "{cluster}"
[[service]]
name = "name"
port = 3000
security_group = "{name_group}"
load_balanced = false
callers = ["hello"]
[service.ecs]
cluster = "{cluster}"
[service.discovery]
record = "A"
ttl = 0
"#,
        vpc = network.vpc_id,
        a = network.subnet_names[0],
        b = network.subnet_names[1],
    );
    let file = TopologyFile::new(&text);
    let endpoint = &account.endpoint;
    let applied = ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    assert!(applied.stdout.contains("Apply complete: 10 added, 2 changed, 0 destroyed"), "{}", applied.stdout);
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);
    let hello = account.ecs_wiring(&cluster, "hello").await;
    assert!(hello.contains(&format!("/{name}-hello-")) && hello.contains(":hello:3000"), "hello's tasks go to its target group: {hello}");
    let wired_name = account.ecs_wiring(&cluster, "name").await;
    assert_eq!(wired_name.split(" | ").nth(1).unwrap().split(',').count(), 2, "name keeps the user's registry beside ecsnet's: {wired_name}");
    assert_eq!(account.namespaces_named(&namespace).await.len(), 1);

    // Drift: hello detached by hand, the Cloud Map TTL changed by hand.
    account.ecs.update_service().cluster(&cluster).service("hello").set_load_balancers(Some(vec![])).send().await.unwrap();
    let services = account.discovery.list_services().send().await.unwrap();
    let ours = services.services().iter().find(|service| service.description().is_some_and(|description| description.contains(&format!("ecsnet:topology={name} ")))).unwrap();
    let change = aws_sdk_servicediscovery::types::DnsConfigChange::builder().dns_records(DnsRecord::builder().r#type(RecordType::A).ttl(300).build().unwrap()).build().unwrap();
    account.discovery.update_service().id(ours.id().unwrap()).service(aws_sdk_servicediscovery::types::ServiceChange::builder().dns_config(change).build()).send().await.unwrap();
    let drift = ecsnet(endpoint, &["plan", "-f", file.arg(), "--output", "json", "--detailed-exitcode"]).expect(2).json();
    let mut changed: Vec<String> = drift["changes"].as_array().unwrap().iter().map(|change| format!("{} {}", change["action"].as_str().unwrap(), change["address"].as_str().unwrap())).collect();
    changed.sort();
    assert_eq!(changed, ["update service.hello.ecs", "update service.name.discovery"]);
    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
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
    let text = format!(
        r#"
name = "{name}"
[network]
vpc = "{vpc}"
subnets = ["{a}", "{b}"]
[discovery]
namespace = "{namespace}"
[[service]]
name = "server"
port = 8080
security_group = "{server_group}"
callers = ["client"]
[service.ecs]
cluster = "{cluster}"
[service.connect]
port_name = "default"
discovery_name = "server"
[[service]]
name = "client"
port = 8080
security_group = "{client_group}"
[service.ecs]
cluster = "{cluster}"
[service.connect]
port_name = "default"
discovery_name = "client"
"#,
        vpc = network.vpc_id,
        a = network.subnet_names[0],
        b = network.subnet_names[1],
    );
    let file = TopologyFile::new(&text);
    let endpoint = &account.endpoint;
    let plan = ecsnet(endpoint, &["plan", "-f", file.arg()]).expect(0);
    assert!(plan.stdout.contains(&format!("service_connect: (off) → default as server (server.{namespace}:8080) in {namespace}")), "{}", plan.stdout);
    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);
    let wired = account.ecs_wiring(&cluster, "server").await;
    assert!(wired.contains(&format!("ecsnet:service-connect=namespace={namespace};port_name=default;discovery_name=server;port=8080;dns_name=server.{namespace}")), "{wired}");

    ecsnet(endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0);
    assert_eq!(account.ecs_wiring(&cluster, "server").await, before, "Service Connect's tag is gone with it");
    assert!(account.namespaces_named(&namespace).await.is_empty());
    assert_eq!(account.owned_security_resources(&name).await, Vec::<String>::new());
}
