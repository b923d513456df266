//! Service Connect's full surface on the emulator: TLS (its role passed to ECS through the AWS-rules layer's
//! `iam:PassRole` check), timeouts, two client aliases and access logs, read back from DescribeServices' primary
//! deployment (moto_ext keeps `serviceConnectConfiguration` there, as AWS reports it); a timeout changed by hand
//! shown by plan and repaired by apply; destroy turning off only what ecsnet set. moto runs no task and has no
//! AWS Private CA: the ARNs are strings to it, and no proxy ever speaks TLS.

use aws_sdk_ecs::types::{
    Deployment, ServiceConnectClientAlias, ServiceConnectConfiguration, ServiceConnectService,
    ServiceConnectTlsCertificateAuthority, ServiceConnectTlsConfiguration, TimeoutConfiguration,
};
use ecsnet::topology::file::{ConnectAliasSection, ConnectLogsSection, ConnectTlsSection};

use crate::support::{
    apply, apply_and_expect_converged, destroy, expect_converged, fresh, plan_text, Account, TopologyFile,
};

const CA: &str = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0a1b2c3d-0000-4000-8000-000000000000";

/// The service's PRIMARY deployment as DescribeServices reports it.
async fn primary(account: &Account, cluster: &str, service: &str) -> Deployment {
    let output = account.ecs.describe_services().cluster(cluster).services(service).send().await.unwrap();
    let deployments = output.services()[0].deployments();
    deployments.iter().find(|deployment| deployment.status() == Some("PRIMARY")).cloned().expect("a primary deployment")
}

/// Each Service Connect service of the primary deployment as "discovery dns:port tls-role per-request/idle".
fn services(deployment: &Deployment) -> Vec<String> {
    let config = deployment.service_connect_configuration().expect("Service Connect on the primary deployment");
    config
        .services()
        .iter()
        .map(|service| {
            let alias = &service.client_aliases()[0];
            let tls = service.tls().expect("TLS");
            let timeout = service.timeout().expect("timeouts");
            format!(
                "{} {}:{} {} {} {:?}/{:?}",
                service.discovery_name().unwrap_or_default(),
                alias.dns_name().unwrap_or_default(),
                alias.port(),
                tls.issuer_certificate_authority().and_then(|ca| ca.aws_pca_authority_arn()).unwrap_or_default(),
                tls.role_arn().unwrap_or_default(),
                timeout.per_request_timeout_seconds(),
                timeout.idle_timeout_seconds(),
            )
        })
        .collect()
}

/// A revision of the service's task definition whose port mapping "default" speaks http (ECS takes per-request
/// timeouts only on a port mapping with an appProtocol other than TCP), and the service on it.
async fn http_port_mapping(account: &Account, cluster: &str, service: &str, port: i32) {
    use aws_sdk_ecs::types::{ApplicationProtocol, ContainerDefinition, NetworkMode, PortMapping};
    let mapping = PortMapping::builder().container_port(port).name("default").app_protocol(ApplicationProtocol::Http);
    let container = ContainerDefinition::builder()
        .name(service)
        .image("public.ecr.aws/ecs-sample-image/hello-server:node")
        .memory(512)
        .port_mappings(mapping.build())
        .build();
    let family = format!("{cluster}-{service}");
    let registered = account
        .ecs
        .register_task_definition()
        .family(&family)
        .network_mode(NetworkMode::Awsvpc)
        .container_definitions(container)
        .send()
        .await
        .unwrap();
    let revision =
        registered.task_definition().and_then(|definition| definition.task_definition_arn()).unwrap().to_string();
    account.update_ecs_service(cluster, service, |update| update.task_definition(revision)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn service_connect_tls_timeouts_aliases_and_access_logs_round_trip() {
    let (account, name, network) = fresh("sctls").await;
    let (cluster, groups) = account.services_with_own_groups(&network, &name, "demo", &[("server", 8080)]).await;
    http_port_mapping(&account, &cluster, "server", 8080).await;
    let before = account.ecs_wiring(&cluster, "server").await;
    let namespace = format!("{name}.demo");
    let role = format!("arn:aws:iam::123456789012:role/{name}-sc-tls");
    let log_group = format!("/ecs/{name}");
    let text = network.topology(&name).region("us-east-1").discovery(&namespace).service("server", |service| {
        service.security_group(&groups[0]).ecs(&cluster).connect("default", Some("server")).connect_settings(
            |connect| {
                connect.aliases = Some(vec![
                    ConnectAliasSection {
                        dns_name: Some("server.internal".into()),
                        port: Some(80),
                        discovery_name: None,
                    },
                    ConnectAliasSection { dns_name: Some("server".into()), port: Some(8080), discovery_name: None },
                ]);
                connect.per_request_timeout = Some(30);
                connect.idle_timeout = Some(300);
                connect.tls = Some(ConnectTlsSection {
                    certificate_authority: CA.into(),
                    kms_key: None,
                    role: Some(role.clone()),
                });
                connect.logs = Some(ConnectLogsSection {
                    driver: "awslogs".into(),
                    options: Some([("awslogs-group".to_string(), log_group.clone())].into()),
                    access_logs: Some("JSON".into()),
                    include_query_parameters: Some(true),
                });
            },
        )
    });
    let file = TopologyFile::of(&text);
    let endpoint = &account.endpoint;

    // The TLS role reaches ECS only through the principal's iam:PassRole (the rules layer refuses UpdateService
    // without it): the apply below signs with `ecsnet iam-policy --for apply` alone.
    let applied = apply(endpoint, &file);
    assert!(
        applied.stdout.contains("Callers reach server at server.internal:80, server:8080 (Service Connect, TLS)."),
        "{}",
        applied.stdout
    );
    expect_converged(endpoint, &file);
    let deployment = primary(&account, &cluster, "server").await;
    assert_eq!(
        services(&deployment),
        [
            format!("server server.internal:80 {CA} {role} Some(30)/Some(300)"),
            format!("server-2 server:8080 {CA} {role} Some(30)/Some(300)"),
        ]
    );
    let config = deployment.service_connect_configuration().unwrap();
    let logs = config.log_configuration().expect("the proxy's log configuration");
    assert_eq!(logs.log_driver().as_str(), "awslogs");
    assert_eq!(logs.options().and_then(|options| options.get("awslogs-group")), Some(&log_group));
    let access = config.access_log_configuration().expect("access logs");
    assert_eq!(
        (access.format().as_str(), access.include_query_parameters().map(|q| q.as_str())),
        ("JSON", Some("ENABLED"))
    );

    // A timeout changed by hand (an administrator's UpdateService sending the whole configuration again).
    let by_hand = |alias: (&str, &str, i32)| {
        ServiceConnectService::builder()
            .port_name("default")
            .discovery_name(alias.0)
            .client_aliases(ServiceConnectClientAlias::builder().dns_name(alias.1).port(alias.2).build().unwrap())
            .tls(
                ServiceConnectTlsConfiguration::builder()
                    .issuer_certificate_authority(
                        ServiceConnectTlsCertificateAuthority::builder().aws_pca_authority_arn(CA).build(),
                    )
                    .role_arn(&role)
                    .build(),
            )
            .timeout(TimeoutConfiguration::builder().per_request_timeout_seconds(5).idle_timeout_seconds(300).build())
            .build()
            .unwrap()
    };
    let drifted = ServiceConnectConfiguration::builder()
        .enabled(true)
        .namespace(&namespace)
        .services(by_hand(("server", "server.internal", 80)))
        .services(by_hand(("server-2", "server", 8080)))
        .set_log_configuration(config.log_configuration().cloned())
        .set_access_log_configuration(config.access_log_configuration().cloned())
        .build();
    account.update_ecs_service(&cluster, "server", |update| update.service_connect_configuration(drifted)).await;
    let plan = plan_text(endpoint, &file);
    assert!(
        plan.stdout.contains("service_connect.timeouts: per request 5 s, idle 300 s → per request 30 s, idle 300 s"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("service_connect.tls"), "only the timeouts drifted: {}", plan.stdout);
    apply_and_expect_converged(endpoint, &file);
    let repaired = primary(&account, &cluster, "server").await;
    assert!(
        services(&repaired).iter().all(|service| service.ends_with("Some(30)/Some(300)")),
        "{:?}",
        services(&repaired)
    );

    // Destroy turns off the Service Connect ecsnet turned on, and removes only its tag.
    destroy(endpoint, &file);
    assert_eq!(
        account.ecs_wiring(&cluster, "server").await,
        before,
        "the ECS service's wiring and tags are as they were"
    );
    let off = primary(&account, &cluster, "server").await;
    assert_eq!(off.service_connect_configuration().map(|config| config.enabled()), Some(false));
    assert!(account.namespaces_named(&namespace).await.is_empty());
}
