//! The ECS services the topology wires: DescribeServices, 10 names a call, with tags; then the task definitions
//! they run, one DescribeTaskDefinition per distinct revision, at once.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ecs::types::{ServiceConnectIncludeQueryParameters, ServiceField};
use futures::future::try_join_all;

use super::cluster;
use crate::aws::error::ForOperation;
use crate::aws::{Aws, AwsError};
use crate::live::{
    ConnectAlias, Container, DeploymentController, EcsCatalog, EcsLatticeConfig, EcsService, Namespace, PortMapping,
    Reported, ReportedAccessLog, ReportedLogs, ServiceConnect, Tags, TaskDefinition,
};
use crate::topology::{ConnectTimeouts, ConnectTls, Topology};

/// DescribeServices takes at most 10 services a call.
const SERVICES_PER_CALL: usize = 10;

/// The named ECS services that exist, the task definitions they run (sorted by ARN), and, when a cluster or
/// service the file names does not exist, what does (`EcsCatalog`).
pub async fn read(
    aws: &Aws,
    topology: &Topology,
    namespaces: &[Namespace],
) -> Result<(Vec<EcsService>, Vec<TaskDefinition>, EcsCatalog), AwsError> {
    let mut by_cluster: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for wiring in topology.services.iter().filter_map(|service| service.ecs.as_ref()) {
        by_cluster.entry(wiring.cluster.as_str()).or_default().push(wiring.service.clone());
    }
    let calls = by_cluster.iter().flat_map(|(cluster, names)| {
        names.chunks(SERVICES_PER_CALL).map(move |chunk| describe(aws, cluster, chunk.to_vec(), namespaces))
    });
    let described = try_join_all(calls).await?;
    let missing_clusters: BTreeSet<String> =
        described.iter().filter_map(|found| found.as_ref().err().cloned()).collect();
    let services: Vec<EcsService> = described.into_iter().filter_map(Result::ok).flatten().collect();
    let revisions: BTreeSet<String> = services.iter().filter_map(|service| service.task_definition.clone()).collect();
    let definitions = task_definitions(aws, &revisions.into_iter().collect::<Vec<_>>()).await?;
    let catalog = catalog(aws, &by_cluster, missing_clusters, &services).await?;
    Ok((services, definitions.into_values().collect(), catalog))
}

/// The region's clusters when one the file names is missing, and the services of each existing cluster in
/// which one the file names is missing: nothing is read when every name matched.
async fn catalog(
    aws: &Aws,
    wanted: &BTreeMap<&str, Vec<String>>,
    missing_clusters: BTreeSet<String>,
    found: &[EcsService],
) -> Result<EcsCatalog, AwsError> {
    let clusters = if missing_clusters.is_empty() { Vec::new() } else { cluster_names(aws).await? };
    let short_of_services = wanted.iter().filter(|(cluster, names)| {
        !missing_clusters.contains(**cluster)
            && names.iter().any(|name| !found.iter().any(|live| live.cluster == **cluster && live.name == *name))
    });
    let listed = try_join_all(short_of_services.map(|(cluster, _)| async move {
        Ok::<_, AwsError>((cluster.to_string(), service_names(aws, cluster).await?))
    }))
    .await?;
    Ok(EcsCatalog {
        missing_clusters: missing_clusters.into_iter().collect(),
        clusters,
        services: listed.into_iter().collect(),
    })
}

/// The region's ECS clusters by name (ListClusters answers ARNs).
async fn cluster_names(aws: &Aws) -> Result<Vec<String>, AwsError> {
    let pages = aws
        .ecs
        .list_clusters()
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .for_operation("ListClusters")?;
    let mut names: Vec<String> =
        pages.iter().flat_map(|page| page.cluster_arns()).map(|arn| last_segment(arn).to_string()).collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// The cluster's services by name (ListServices answers ARNs).
async fn service_names(aws: &Aws, cluster: &str) -> Result<Vec<String>, AwsError> {
    let arns = cluster::service_arns(aws, cluster).await?;
    let mut names: Vec<String> = arns.iter().map(|arn| last_segment(arn).to_string()).collect();
    names.sort();
    names.dedup();
    Ok(names)
}

fn last_segment(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The named services of one cluster; `Err(cluster)` inside when ECS has no such cluster, which the planner
/// explains by the file's key (AWS's own words name neither).
async fn describe(
    aws: &Aws,
    cluster: &str,
    names: Vec<String>,
    namespaces: &[Namespace],
) -> Result<Result<Vec<EcsService>, String>, AwsError> {
    let output = aws
        .ecs
        .describe_services()
        .cluster(cluster)
        .set_services(Some(names))
        .include(ServiceField::Tags)
        .send()
        .await
        .map_err(|error| match error.as_service_error() {
            Some(error) if error.is_cluster_not_found_exception() => None,
            _ => Some(AwsError::from_sdk("DescribeServices", error)),
        });
    let output = match output {
        Ok(output) => output,
        Err(None) => return Ok(Err(cluster.to_string())),
        Err(Some(error)) => return Err(error),
    };
    Ok(Ok(output
        .services()
        .iter()
        .filter(|service| service.status() != Some("INACTIVE"))
        .map(|service| ecs_service(cluster, service, namespaces))
        .collect()))
}

fn ecs_service(cluster: &str, service: &aws_sdk_ecs::types::Service, namespaces: &[Namespace]) -> EcsService {
    let tags: Tags = service
        .tags()
        .iter()
        .filter_map(|tag| Some((tag.key()?.to_string(), tag.value().unwrap_or_default().to_string())))
        .collect();
    EcsService {
        cluster: cluster.to_string(),
        name: service.service_name().unwrap_or_default().to_string(),
        arn: service.service_arn().unwrap_or_default().to_string(),
        // AWS's default when the service names none: a rolling update.
        deployment_controller: service
            .deployment_controller()
            .map_or(DeploymentController::Ecs.into(), |controller| Reported::parse(controller.r#type().as_str())),
        task_definition: service.task_definition().map(str::to_string),
        load_balancers: cluster::load_balancers(service),
        registries: cluster::registries(service),
        connect: service_connect(service, namespaces),
        lattice: lattice_configurations(service),
        tags,
    }
}

/// The Service Connect of the service's primary deployment, one alias an entry, each with its service's TLS and
/// timeouts.
fn service_connect(service: &aws_sdk_ecs::types::Service, namespaces: &[Namespace]) -> Option<ServiceConnect> {
    let primary = service.deployments().iter().find(|deployment| deployment.status() == Some("PRIMARY"));
    primary.and_then(|deployment| deployment.service_connect_configuration()).map(|config| ServiceConnect {
        enabled: config.enabled(),
        namespace: namespace_name(config.namespace().unwrap_or_default(), namespaces),
        services: config
            .services()
            .iter()
            .flat_map(|connect| {
                let tls = connect.tls().map(|tls| ConnectTls {
                    certificate_authority: tls
                        .issuer_certificate_authority()
                        .and_then(|authority| authority.aws_pca_authority_arn())
                        .unwrap_or_default()
                        .to_string(),
                    kms_key: tls.kms_key().map(str::to_string),
                    role: tls.role_arn().map(str::to_string),
                });
                let timeouts = ConnectTimeouts {
                    per_request: connect.timeout().and_then(|timeout| timeout.per_request_timeout_seconds()),
                    idle: connect.timeout().and_then(|timeout| timeout.idle_timeout_seconds()),
                };
                connect.client_aliases().iter().map(move |alias| ConnectAlias {
                    port_name: connect.port_name().to_string(),
                    discovery_name: connect.discovery_name().unwrap_or(connect.port_name()).to_string(),
                    port: alias.port(),
                    dns_name: alias.dns_name().unwrap_or_default().to_string(),
                    tls: tls.clone(),
                    timeouts,
                })
            })
            .collect(),
        logs: config.log_configuration().map(|logs| ReportedLogs {
            driver: Reported::parse(logs.log_driver().as_str()),
            options: logs.options().map(|options| options.clone().into_iter().collect()).unwrap_or_default(),
            access_log: config.access_log_configuration().map(|access| ReportedAccessLog {
                format: Reported::parse(access.format().as_str()),
                query_parameters: access
                    .include_query_parameters()
                    .map(|include| include == &ServiceConnectIncludeQueryParameters::Enabled),
            }),
        }),
    })
}

/// The VPC Lattice target groups the primary deployment registers tasks in: AWS reports
/// `vpcLatticeConfigurations` on the deployment (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html).
fn lattice_configurations(service: &aws_sdk_ecs::types::Service) -> Vec<EcsLatticeConfig> {
    let primary = service.deployments().iter().find(|deployment| deployment.status() == Some("PRIMARY"));
    primary
        .map(|deployment| deployment.vpc_lattice_configurations())
        .unwrap_or_default()
        .iter()
        .map(|config| EcsLatticeConfig {
            role_arn: config.role_arn().to_string(),
            target_group_arn: config.target_group_arn().to_string(),
            port_name: config.port_name().to_string(),
        })
        .collect()
}

/// Task definitions by the name or ARN asked for, one DescribeTaskDefinition each, at once.
pub async fn task_definitions(aws: &Aws, revisions: &[String]) -> Result<BTreeMap<String, TaskDefinition>, AwsError> {
    let calls = revisions.iter().map(|revision| async move {
        let output = aws
            .ecs
            .describe_task_definition()
            .task_definition(revision)
            .send()
            .await
            .for_operation("DescribeTaskDefinition")?;
        let definition = output.task_definition();
        let containers = definition
            .map(|definition| definition.container_definitions())
            .unwrap_or_default()
            .iter()
            .map(|container| Container {
                name: container.name().unwrap_or_default().to_string(),
                port_mappings: container
                    .port_mappings()
                    .iter()
                    .filter_map(|mapping| {
                        Some(PortMapping {
                            container_port: mapping.container_port()?,
                            name: mapping.name().map(str::to_string),
                            app_protocol: mapping.app_protocol().map(|protocol| Reported::parse(protocol.as_str())),
                        })
                    })
                    .collect(),
            })
            .collect();
        let network_mode =
            definition.and_then(|definition| definition.network_mode()).map(|mode| Reported::parse(mode.as_str()));
        let task_role_arn = definition.and_then(|definition| definition.task_role_arn()).map(str::to_string);
        let task_definition = TaskDefinition { arn: revision.clone(), network_mode, containers, task_role_arn };
        Ok::<_, AwsError>((revision.clone(), task_definition))
    });
    Ok(try_join_all(calls).await?.into_iter().collect())
}

/// AWS may report the namespace by ARN; the plan compares names.
fn namespace_name(reported: &str, namespaces: &[Namespace]) -> String {
    namespaces
        .iter()
        .find(|namespace| namespace.arn == reported)
        .map_or_else(|| reported.to_string(), |namespace| namespace.name.clone())
}
