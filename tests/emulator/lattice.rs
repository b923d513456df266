//! The VPC Lattice recipe on the emulator: applied from nothing and read back as an administrator (the service
//! network, the VPC's association, each service's Lattice service with AWS_IAM and an auth policy admitting exactly
//! its callers, its listener forwarding to its target group, its association, ECS's `vpcLatticeConfigurations` on
//! the primary deployment, the ingress from Lattice's managed prefix list); plan empty afterwards; drift made by hand
//! shown and repaired; a service network given by ARN only associated with and kept; destroy leaving nothing the
//! topology owned and the user's own entries whole; a caller without a task role refused before any change.
//!
//! What the emulator cannot show (localstack/moto_ext/README.md): moto runs no task (moto_ext registers made-up task
//! IPs in the target groups, by count: moto_ext/ecs_lattice.py), no traffic flows, and the auth policy is stored,
//! never evaluated. So the tests read what AWS would
//! act on: the policy's principals, the listener's action, ECS's configuration, the security group's rules.
//! Where the planner's and executor's wording is not fixed, they assert on state and on the plan's addresses
//! (src/plan/address.rs), not on text.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_vpclattice::types::{FixedResponseAction, RuleAction};
use ecsnet::test_support::TopologyBuilder;

use crate::support::{
    apply_and_expect_converged, destroy, ecsnet, fresh, pending_plan_json, role_arn, settles, Account, Lattice,
    LatticeServiceState, ListenerAction, TaskService, TopologyFile,
};

/// A role of another account, named as a caller by its ARN.
const PARTNER: &str = "arn:aws:iam::444455556666:role/partner-checkout";

/// The port every test's containers listen on (their port mapping is named "http").
const CONTAINER_PORT: i32 = 8080;

/// `[lattice]` and each `[service.lattice]` the tests write: the builder knows the rest of the file.
struct LatticeKeys<'a> {
    service_network: &'a str,
    infrastructure_role: &'a str,
    /// (service, listener port when not the default, custom domain)
    services: &'a [(&'a str, Option<i64>, Option<&'a str>)],
}

/// The builder's file with `[lattice]` and the services' `[service.lattice]` (port name "http") added.
fn with_lattice(topology: &TopologyBuilder, keys: &LatticeKeys) -> String {
    let mut file: toml::Table = toml::from_str(&topology.text()).expect("the builder writes TOML");
    let mut lattice = toml::Table::new();
    lattice.insert("service_network".into(), keys.service_network.into());
    lattice.insert("infrastructure_role".into(), keys.infrastructure_role.into());
    file.insert("lattice".into(), lattice.into());
    let services = file.get_mut("service").and_then(toml::Value::as_array_mut).expect("the file has services");
    for (name, port, domain) in keys.services {
        let service = services
            .iter_mut()
            .filter_map(toml::Value::as_table_mut)
            .find(|service| service.get("name").and_then(toml::Value::as_str) == Some(*name))
            .unwrap_or_else(|| panic!("no service {name} in the builder's file"));
        let mut table = toml::Table::new();
        table.insert("port_name".into(), "http".into());
        if let Some(port) = port {
            table.insert("port".into(), (*port).into());
        }
        if let Some(domain) = domain {
            table.insert("domain".into(), (*domain).into());
        }
        service.insert("lattice".into(), table.into());
    }
    toml::to_string(&file).expect("a TOML table serializes")
}

/// The account ID in an ARN (`arn:aws:ecs:us-east-1:123456789012:service/…`).
fn account_of(arn: &str) -> String {
    arn.split(':').nth(4).expect("an ARN has an account").to_string()
}

/// What one Lattice service of the topology should be.
struct Wanted<'a> {
    service: &'a str,
    group: &'a str,
    listener_port: i32,
    /// Who its auth policy admits: role ARNs, or `account:ID` for the account's own principals.
    admitted: BTreeSet<String>,
    domain: Option<String>,
    /// ECS configurations of the user's that stay beside ecsnet's.
    users_entries: Vec<(String, String, String)>,
}

/// What the tests go on with after reading a service back.
struct Wired {
    service: LatticeServiceState,
    listener_id: String,
    /// The prefix-list ingress rule's ID.
    ingress: String,
}

/// Reads one service back and checks it whole; the topology's service network is `network_id`.
async fn expect_service(
    account: &Account,
    lattice: &Lattice,
    topology: &str,
    cluster: &str,
    network_id: &str,
    infrastructure_role: &str,
    wanted: &Wanted<'_>,
) -> Wired {
    let name = format!("{topology}-{}", wanted.service);
    let service = lattice.service_named(&name).await;
    assert_eq!(service.auth_type, "AWS_IAM", "{name}: the service checks its callers' identities");
    assert_eq!(service.admitted(), wanted.admitted, "{name}'s auth policy admits exactly its callers: {service:#?}");
    assert_eq!(service.custom_domain, wanted.domain, "{name}'s custom domain");
    assert_eq!(service.service_networks, [network_id], "{name} is associated with the service network, once");
    assert_eq!(
        lattice.tags(&service.arn).await.get("ecsnet:topology").map(String::as_str),
        Some(topology),
        "{name} carries the topology's tag"
    );

    assert_eq!(service.listeners.len(), 1, "{name} has one listener: {:#?}", service.listeners);
    let listener = service.listeners[0].clone();
    assert_eq!((listener.protocol.as_str(), listener.port), ("HTTP", wanted.listener_port), "{name}'s listener");
    let ListenerAction::Forward(groups) = &listener.action else {
        panic!("{name}'s listener forwards to its target group: {:?}", listener.action)
    };
    assert_eq!(groups.len(), 1, "{name}'s listener forwards everything to one target group: {groups:?}");
    let group = lattice.target_group(&groups[0].0).await;
    assert_eq!(
        (group.kind.as_str(), group.protocol.as_str(), group.port, group.vpc_id.as_str()),
        ("IP", "HTTP", CONTAINER_PORT, account_vpc(account, wanted.group).await.as_str()),
        "{name}'s target group: IP, HTTP on the container's port, in the VPC"
    );

    let mut expected_ecs = wanted.users_entries.clone();
    expected_ecs.push((group.arn.clone(), "http".to_string(), infrastructure_role.to_string()));
    expected_ecs.sort();
    assert_eq!(
        account.ecs_lattice(cluster, wanted.service).await,
        expected_ecs,
        "ECS registers {}'s tasks in the target group as the infrastructure role (and keeps the user's entries)",
        wanted.service
    );

    let prefix_list = account.lattice_prefix_list().await;
    let ingress = account.prefix_list_ingress(wanted.group, &prefix_list).await;
    assert_eq!(ingress.len(), 1, "{}'s tasks take Lattice's traffic: {ingress:?}", wanted.service);
    let (rule, protocol, from, to) = ingress[0].clone();
    assert_eq!((protocol.as_str(), from, to), ("tcp", CONTAINER_PORT, CONTAINER_PORT), "the container's port only");
    Wired { service, listener_id: listener.id, ingress: rule }
}

/// The VPC of a security group.
async fn account_vpc(account: &Account, group_id: &str) -> String {
    let groups = account.ec2.describe_security_groups().group_ids(group_id).send().await.unwrap();
    groups.security_groups()[0].vpc_id().unwrap().to_string()
}

/// Polls `read` until it returns `wanted` (AWS deletes Lattice resources through DELETE_IN_PROGRESS), for at most
/// The addresses a JSON plan changes, once each.
fn addresses(plan: &serde_json::Value) -> BTreeSet<String> {
    plan["changes"].as_array().unwrap().iter().map(|change| change["address"].as_str().unwrap().to_string()).collect()
}

fn set<const N: usize>(items: [&str; N]) -> BTreeSet<String> {
    items.iter().map(|item| item.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn lattice_services_round_trip_drift_is_repaired_and_destroy_leaves_nothing_owned() {
    let (account, name, network) = fresh("lat").await;
    let lattice = Lattice::connect(&account).await;
    let mut groups = BTreeMap::new();
    for service in ["storefront", "orders", "payments"] {
        groups.insert(service, account.security_group(&network, &format!("{name}-{service}")).await);
    }
    let cluster = format!("{name}-shop");
    let task_role = |service: &str| role_arn(&format!("{name}-{service}-task"));
    let services: Vec<TaskService> = ["storefront", "orders", "payments"]
        .iter()
        .map(|service| TaskService {
            name: service,
            port: CONTAINER_PORT,
            group: &groups[service],
            task_role: Some(task_role(service)),
        })
        .collect();
    account.ecs_services_with_roles(&cluster, &network, &services).await;
    // The user's own Lattice registration of payments' tasks, in a target group of theirs: ecsnet keeps it. It
    // names the account's ECS infrastructure role, the file's: UpdateService passes every entry's role again
    // (iam:PassRole), and `ecsnet iam-policy` grants only the role the file names (docs/iam.md).
    let infrastructure_role = role_arn(&format!("{name}-infra"));
    let own_group = lattice.create_target_group(&format!("{name}-own"), &network.vpc_id, 9090).await;
    let own_entry = (own_group.clone(), "http".to_string(), infrastructure_role.clone());
    account.set_ecs_lattice(&cluster, "payments", std::slice::from_ref(&own_entry)).await;

    let zone = format!("{name}.internal");
    let domain = format!("orders.{zone}");
    let service_network = format!("{name}-net");
    let topology = network
        .topology(&name)
        .dns(&zone)
        .service("orders", |service| service.security_group(&groups["orders"]).callers(["storefront"]).ecs(&cluster))
        .service("payments", |service| {
            service.security_group(&groups["payments"]).callers(["orders", PARTNER]).ecs(&cluster)
        })
        .service("storefront", |service| service.security_group(&groups["storefront"]).ecs(&cluster));
    let file = TopologyFile::new(&with_lattice(
        &topology,
        &LatticeKeys {
            service_network: &service_network,
            infrastructure_role: &infrastructure_role,
            services: &[("orders", None, Some(&domain)), ("payments", Some(8080), None)],
        },
    ));
    let endpoint = &account.endpoint;

    apply_and_expect_converged(endpoint, &file);
    let (network_id, network_arn) =
        lattice.service_network_named(&service_network).await.expect("the service network named in the file exists");
    let read = lattice.client.get_service_network().service_network_identifier(&network_id).send().await.unwrap();
    assert_eq!(read.auth_type().map(|auth| auth.as_str()), Some("NONE"), "the services enforce, not the network");
    assert_eq!(lattice.tags(&network_arn).await.get("ecsnet:topology"), Some(&name), "ecsnet made it, and owns it");
    let associations = lattice.vpc_associations(&network.vpc_id).await;
    assert_eq!(
        associations.iter().map(|(_, network)| network.as_str()).collect::<Vec<_>>(),
        [network_id.as_str()],
        "the VPC is associated with the service network"
    );
    let wanted = [
        Wanted {
            service: "orders",
            group: &groups["orders"],
            listener_port: 80,
            admitted: BTreeSet::from([task_role("storefront")]),
            domain: Some(domain.clone()),
            users_entries: vec![],
        },
        Wanted {
            service: "payments",
            group: &groups["payments"],
            listener_port: 8080,
            admitted: BTreeSet::from([task_role("orders"), PARTNER.to_string()]),
            domain: None,
            users_entries: vec![own_entry.clone()],
        },
    ];
    let mut wired = BTreeMap::new();
    for wanted in &wanted {
        let read = expect_service(&account, &lattice, &name, &cluster, &network_id, &infrastructure_role, wanted).await;
        wired.insert(wanted.service, read);
    }
    let prefix_list = account.lattice_prefix_list().await;
    assert!(
        account.prefix_list_ingress(&groups["storefront"], &prefix_list).await.is_empty(),
        "storefront is no Lattice service: no ingress from Lattice"
    );
    assert!(
        !account.group_sources(&groups["orders"]).await.contains(&groups["storefront"])
            && !account.group_sources(&groups["payments"]).await.contains(&groups["orders"]),
        "a Lattice service's callers reach it through Lattice, not by security group"
    );
    // doctor, as a principal holding only its own policy: every Lattice check of both services passes, each naming
    // what it saw (the association, the prefix-list ingress, ECS's registration, the callers the policy admits).
    let doctor = ecsnet(endpoint, &["doctor", "-f", file.arg()]);
    for check in [
        "lattice_vpc_associated",
        "lattice_service_in_network",
        "lattice_can_reach_tasks",
        "ecs_registers_in_lattice",
        "lattice_admits_callers",
    ] {
        let lines: Vec<&str> =
            doctor.stdout.lines().filter(|line| line.split_whitespace().nth(1) == Some(check)).collect();
        let expected = if check == "lattice_vpc_associated" { 1 } else { 2 };
        assert!(
            lines.len() == expected && lines.iter().all(|line| line.starts_with("ok")),
            "doctor's {check}:\n{}\n{}",
            doctor.stdout,
            doctor.stderr
        );
    }
    assert!(doctor.stdout.contains("lattice_targets_healthy"), "doctor reads the targets: {}", doctor.stdout);
    let zone_id = account.zone_id_named(&zone).await;
    let records = account.records(&zone_id).await;
    assert!(records.iter().any(|record| record.ends_with(&format!(" {domain}"))), "{domain} resolves: {records:?}");

    // Drift by hand: orders' policy admits anyone and its listener answers 404 itself, payments' listener is
    // gone, orders' tasks no longer take Lattice's traffic.
    let orders = &wired["orders"];
    let anyone = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]}"#;
    lattice.client.put_auth_policy().resource_identifier(&orders.service.id).policy(anyone).send().await.unwrap();
    let not_found = RuleAction::FixedResponse(FixedResponseAction::builder().status_code(404).build().unwrap());
    lattice
        .client
        .update_listener()
        .service_identifier(&orders.service.id)
        .listener_identifier(&orders.listener_id)
        .default_action(not_found)
        .send()
        .await
        .unwrap();
    let payments = &wired["payments"];
    lattice
        .client
        .delete_listener()
        .service_identifier(&payments.service.id)
        .listener_identifier(&payments.listener_id)
        .send()
        .await
        .unwrap();
    account.revoke_ingress(&groups["orders"], vec![orders.ingress.clone()]).await;
    // payments' service stops asking for signed requests: auth type NONE lets anyone in the network call it.
    let none = aws_sdk_vpclattice::types::AuthType::None;
    lattice.client.update_service().service_identifier(&payments.service.id).auth_type(none).send().await.unwrap();
    assert_eq!(lattice.service(&orders.service.id).await.admitted(), set(["*"]), "the drift is made");

    let plan = pending_plan_json(endpoint, &file);
    assert_eq!(
        addresses(&plan),
        set([
            "service.orders.lattice.auth_policy",
            "service.orders.lattice.ingress",
            "service.orders.lattice.listener",
            "service.payments.lattice",
            "service.payments.lattice.listener",
        ]),
        "plan shows the drift, and nothing else: {plan:#}"
    );
    apply_and_expect_converged(endpoint, &file);
    for wanted in &wanted {
        expect_service(&account, &lattice, &name, &cluster, &network_id, &infrastructure_role, wanted).await;
    }

    destroy(endpoint, &file);
    // A plan at once, while VPC Lattice still lists what it is deleting (DELETE_IN_PROGRESS) and its reads answer
    // that it does not exist: planned from nothing, not failed on GetService.
    let after = pending_plan_json(endpoint, &file);
    assert!(addresses(&after).contains("service.orders.lattice"), "plans the service anew: {after:#}");
    let topology_services = format!("{name}-");
    assert_eq!(
        settles(Vec::new(), || lattice.services_starting_with(&topology_services)).await,
        Vec::<(String, String)>::new(),
        "every Lattice service ecsnet made is gone"
    );
    assert_eq!(
        settles(vec![own_group.clone()], || lattice.target_groups_in(&network.vpc_id)).await,
        std::slice::from_ref(&own_group),
        "ecsnet's target groups are gone, the user's stands"
    );
    lattice.expect_network_left(&network.vpc_id, &service_network).await;
    assert_eq!(account.ecs_lattice(&cluster, "payments").await, [own_entry], "the user's entry is kept whole");
    assert!(account.ecs_lattice(&cluster, "orders").await.is_empty(), "orders' tasks are registered nowhere");
    for group in groups.values() {
        assert!(account.prefix_list_ingress(group, &prefix_list).await.is_empty(), "no ingress from Lattice is left");
    }
    assert!(
        !account.zones_on_vpc(&network.vpc_id).await.iter().any(|(_, found)| *found == zone),
        "the zone ecsnet made is gone"
    );
    account.expect_nothing_owned(&name).await;
    lattice.client.delete_target_group().target_group_identifier(&own_group).send().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_network_given_by_arn_is_only_associated_with_and_kept() {
    let (account, name, network) = fresh("latarn").await;
    let lattice = Lattice::connect(&account).await;
    // Another team's service network (in this account: the emulator cannot share one from another).
    let (network_id, network_arn) = lattice.create_service_network(&format!("{name}-shared")).await;
    let tags_before = lattice.tags(&network_arn).await;
    let cluster = format!("{name}-main");
    let group = network.tasks_group_id.clone();
    let api = TaskService { name: "api", port: CONTAINER_PORT, group: &group, task_role: None };
    account.ecs_services_with_roles(&cluster, &network, &[api]).await;
    let account_id = account_of(&account.ecs_service_arn(&cluster, "api").await);
    let infrastructure_role = role_arn(&format!("{name}-infra"));
    let topology = network.topology(&name).service("api", |service| service.security_group(&group).ecs(&cluster));
    let file = TopologyFile::new(&with_lattice(
        &topology,
        &LatticeKeys {
            service_network: &network_arn,
            infrastructure_role: &infrastructure_role,
            services: &[("api", None, None)],
        },
    ));
    let endpoint = &account.endpoint;

    apply_and_expect_converged(endpoint, &file);
    let associations = lattice.vpc_associations(&network.vpc_id).await;
    assert_eq!(
        associations.iter().map(|(_, network)| network.as_str()).collect::<Vec<_>>(),
        [network_id.as_str()],
        "the VPC is associated with the network given by ARN"
    );
    let wanted = Wanted {
        service: "api",
        group: &group,
        listener_port: 80,
        // No callers: the account's own principals only.
        admitted: BTreeSet::from([format!("account:{account_id}")]),
        domain: None,
        users_entries: vec![],
    };
    expect_service(&account, &lattice, &name, &cluster, &network_id, &infrastructure_role, &wanted).await;
    assert_eq!(lattice.tags(&network_arn).await, tags_before, "the network is used, never tagged");
    let read = lattice.client.get_service_network().service_network_identifier(&network_id).send().await.unwrap();
    assert_eq!(read.auth_type().map(|auth| auth.as_str()), Some("NONE"), "nor changed");

    destroy(endpoint, &file);
    assert_eq!(
        lattice.service_network_named(&format!("{name}-shared")).await,
        Some((network_id.clone(), network_arn.clone())),
        "the network given by ARN stands"
    );
    assert_eq!(
        settles(Vec::new(), || lattice.vpc_associations(&network.vpc_id)).await,
        Vec::<(String, String)>::new(),
        "the VPC's association ecsnet made is gone"
    );
    let topology_services = format!("{name}-");
    assert_eq!(
        settles(Vec::new(), || lattice.services_starting_with(&topology_services)).await,
        Vec::<(String, String)>::new(),
        "the Lattice service ecsnet made is gone, and with it its association"
    );
    assert!(account.ecs_lattice(&cluster, "api").await.is_empty());
    account.expect_nothing_owned(&name).await;
    // The quota of service networks is per Region (50): the test takes its own away.
    lattice.client.delete_service_network().service_network_identifier(&network_id).send().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_caller_without_a_task_role_stops_the_plan_with_nothing_changed() {
    let (account, name, network) = fresh("latrole").await;
    let lattice = Lattice::connect(&account).await;
    let api_group = account.security_group(&network, &format!("{name}-api")).await;
    let client_group = account.security_group(&network, &format!("{name}-client")).await;
    let cluster = format!("{name}-main");
    let services = [
        TaskService {
            name: "api",
            port: CONTAINER_PORT,
            group: &api_group,
            task_role: Some(role_arn(&format!("{name}-api-task"))),
        },
        // The caller's tasks run without a task role: there is no identity to admit.
        TaskService { name: "client", port: CONTAINER_PORT, group: &client_group, task_role: None },
    ];
    account.ecs_services_with_roles(&cluster, &network, &services).await;
    let before = account.ecs_wirings(&cluster, &["api", "client"]).await;
    let service_network = format!("{name}-net");
    let topology = network
        .topology(&name)
        .service("api", |service| service.security_group(&api_group).callers(["client"]).ecs(&cluster))
        .service("client", |service| service.security_group(&client_group).ecs(&cluster));
    let file = TopologyFile::new(&with_lattice(
        &topology,
        &LatticeKeys {
            service_network: &service_network,
            infrastructure_role: &role_arn(&format!("{name}-infra")),
            services: &[("api", None, None)],
        },
    ));
    let endpoint = &account.endpoint;

    let planned = ecsnet(endpoint, &["plan", "-f", file.arg()]).expect(1);
    assert!(planned.stderr.contains("client"), "the problem names the caller:\n{}", planned.stderr);
    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(1);

    assert_eq!(lattice.service_network_named(&service_network).await, None, "no service network was created");
    assert!(lattice.vpc_associations(&network.vpc_id).await.is_empty(), "the VPC was not associated");
    assert!(lattice.services_starting_with(&format!("{name}-")).await.is_empty(), "no Lattice service was created");
    assert!(lattice.target_groups_in(&network.vpc_id).await.is_empty(), "no target group was created");
    assert_eq!(account.ecs_wirings(&cluster, &["api", "client"]).await, before, "the ECS services are untouched");
    assert!(account.ecs_lattice(&cluster, "api").await.is_empty());
    account.expect_nothing_owned(&name).await;
}
