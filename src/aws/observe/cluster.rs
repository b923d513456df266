//! A running ECS cluster: its services (ListServices, then DescribeServices 10 a call), their task definitions
//! (DescribeTaskDefinition, once per distinct revision), the VPC of their subnets (DescribeSubnets), and the load
//! balancing their target groups belong to (`attached`).

mod attached;

use futures::future::try_join_all;

use crate::aws::error::ForOperation;
use crate::aws::observe::task_definitions;
use crate::aws::{Aws, AwsError};
use crate::live::cluster::{Cluster, RunningService};
use crate::live::{EcsAdvancedConfiguration, EcsLoadBalancer, EcsRegistry};

/// DescribeServices takes at most 10 services a call.
const SERVICES_PER_CALL: usize = 10;

/// The ARNs of the cluster's services, sorted.
pub async fn service_arns(aws: &Aws, cluster: &str) -> Result<Vec<String>, AwsError> {
    let pages = aws
        .ecs
        .list_services()
        .cluster(cluster)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .for_operation("ListServices")?;
    // The emulator (moto) lists every cluster's services: keep this cluster's (new-style ARNs name the cluster).
    let cluster_name = cluster.rsplit_once(":cluster/").map_or(cluster, |(_, name)| name);
    let mut arns: Vec<String> = pages
        .iter()
        .flat_map(|page| page.service_arns())
        .filter(|arn| arn.rsplit('/').nth(1).is_none_or(|named| named == cluster_name || named.ends_with(":service")))
        .cloned()
        .collect();
    arns.sort();
    arns.dedup();
    Ok(arns)
}

/// Every active service of the cluster, with its task definition, and the VPC they run in.
pub async fn read(aws: &Aws, cluster: &str) -> Result<Cluster, AwsError> {
    let arns = service_arns(aws, cluster).await?;
    let mut services = describe(aws, cluster, &arns).await?;
    services.sort_by(|a, b| a.name.cmp(&b.name));
    let mut subnets: Vec<String> = services.iter().flat_map(|service| service.subnets.iter().cloned()).collect();
    subnets.sort();
    subnets.dedup();
    let (vpc_id, load_balancing) = tokio::try_join!(vpc_of(aws, subnets), attached::read(aws, &services))?;
    Ok(Cluster { name: cluster.to_string(), region: aws.region.clone(), vpc_id, services, load_balancing })
}

/// The named services (names or ARNs) that exist and are not deleted, each with its task definition.
async fn describe(aws: &Aws, cluster: &str, services: &[String]) -> Result<Vec<RunningService>, AwsError> {
    let calls = services
        .chunks(SERVICES_PER_CALL)
        .map(|chunk| aws.ecs.describe_services().cluster(cluster).set_services(Some(chunk.to_vec())).send());
    let outputs = try_join_all(calls).await.for_operation("DescribeServices")?;
    let mut described: Vec<_> = outputs
        .iter()
        .flat_map(|output| output.services())
        .filter(|service| service.status() != Some("INACTIVE"))
        .collect();
    described.sort_by_key(|service| service.service_arn());
    described.dedup_by_key(|service| service.service_arn());
    let mut revisions: Vec<String> =
        described.iter().filter_map(|service| service.task_definition().map(str::to_string)).collect();
    revisions.sort();
    revisions.dedup();
    let definitions = task_definitions(aws, &revisions).await?;
    Ok(described
        .into_iter()
        .map(|service| {
            let awsvpc = service.network_configuration().and_then(|network| network.awsvpc_configuration());
            RunningService {
                name: service.service_name().unwrap_or_default().to_string(),
                task_definition: service.task_definition().and_then(|arn| definitions.get(arn)).cloned(),
                security_groups: awsvpc.map(|config| config.security_groups().to_vec()).unwrap_or_default(),
                subnets: awsvpc.map(|config| config.subnets().to_vec()).unwrap_or_default(),
                load_balancers: load_balancers(service),
                registries: registries(service),
            }
        })
        .collect())
}

/// An ECS service's load balancer entries, every field as read: target groups and Classic Load Balancers alike.
pub(super) fn load_balancers(service: &aws_sdk_ecs::types::Service) -> Vec<EcsLoadBalancer> {
    service
        .load_balancers()
        .iter()
        .map(|entry| EcsLoadBalancer {
            target_group_arn: entry.target_group_arn().map(str::to_string),
            load_balancer_name: entry.load_balancer_name().map(str::to_string),
            container: entry.container_name().map(str::to_string),
            port: entry.container_port(),
            advanced: entry.advanced_configuration().map(|advanced| EcsAdvancedConfiguration {
                alternate_target_group_arn: advanced.alternate_target_group_arn().map(str::to_string),
                production_listener_rule: advanced.production_listener_rule().map(str::to_string),
                test_listener_rule: advanced.test_listener_rule().map(str::to_string),
                role_arn: advanced.role_arn().map(str::to_string),
            }),
        })
        .collect()
}

/// An ECS service's Cloud Map registries.
pub(super) fn registries(service: &aws_sdk_ecs::types::Service) -> Vec<EcsRegistry> {
    service
        .service_registries()
        .iter()
        .filter_map(|entry| {
            Some(EcsRegistry {
                arn: entry.registry_arn()?.to_string(),
                port: entry.port(),
                container: entry.container_name().map(str::to_string),
                container_port: entry.container_port(),
            })
        })
        .collect()
}

/// The VPC of the first of these subnets AWS knows; no request when there are none.
async fn vpc_of(aws: &Aws, subnets: Vec<String>) -> Result<Option<String>, AwsError> {
    if subnets.is_empty() {
        return Ok(None);
    }
    let output =
        aws.ec2.describe_subnets().set_subnet_ids(Some(subnets)).send().await.for_operation("DescribeSubnets")?;
    Ok(output.subnets().iter().find_map(|subnet| subnet.vpc_id().map(str::to_string)))
}
