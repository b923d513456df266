//! What `ecsnet doctor` reads beyond live state: target health (DescribeTargetHealth per target group) and
//! registered instances per Cloud Map service (ListInstances). The wired ECS services and their task definitions
//! are part of live state (`aws::observe`).

use std::collections::BTreeMap;

use futures::future::try_join_all;

use crate::aws::error::ForOperation;
use crate::aws::{Aws, AwsError};
use crate::live::health::{Health, LatticeTarget, Target};
use crate::live::{Observed, Reported};
use crate::plan::ownership::owned_address;
use crate::plan::Address;
use crate::topology::Topology;

pub async fn read(aws: &Aws, topology: &Topology, observed: &Observed) -> Result<Health, AwsError> {
    let (targets, instances, lattice_targets) = tokio::try_join!(
        targets(aws, topology, observed),
        instances(aws, topology, observed),
        lattice_targets(aws, topology, observed)
    )?;
    Ok(Health { targets, instances, lattice_targets })
}

async fn targets(
    aws: &Aws,
    topology: &Topology,
    observed: &Observed,
) -> Result<BTreeMap<String, Vec<Target>>, AwsError> {
    // The services' target groups; the listener's default one is empty by design.
    let owned = observed
        .target_groups
        .iter()
        .filter(|group| matches!(owned_address(&group.tags, &topology.name), Some(Address::TargetGroup(_))));
    let calls = owned.map(|group| async move {
        let output = aws
            .elb
            .describe_target_health()
            .target_group_arn(&group.arn)
            .send()
            .await
            .for_operation("DescribeTargetHealth")?;
        let targets = output
            .target_health_descriptions()
            .iter()
            .map(|description| {
                let health = description.target_health();
                Target {
                    id: description.target().and_then(|target| target.id()).unwrap_or_default().to_string(),
                    port: description.target().and_then(|target| target.port()),
                    state: health
                        .and_then(|health| health.state())
                        .map_or(Reported::Other("unknown".to_string()), |state| Reported::parse(state.as_str())),
                    reason: health.and_then(|health| health.reason()).map(|reason| reason.as_str().to_string()),
                    description: health.and_then(|health| health.description()).map(str::to_string),
                }
            })
            .collect();
        Ok::<_, AwsError>((group.arn.clone(), targets))
    });
    Ok(try_join_all(calls).await?.into_iter().collect())
}

/// Targets of the topology's VPC Lattice target groups, by target group ID (ListTargets).
async fn lattice_targets(
    aws: &Aws,
    topology: &Topology,
    observed: &Observed,
) -> Result<BTreeMap<String, Vec<LatticeTarget>>, AwsError> {
    let owned = observed
        .lattice
        .target_groups
        .iter()
        .filter(|group| matches!(owned_address(&group.tags, &topology.name), Some(Address::LatticeTargetGroup(_))));
    let calls = owned.map(|group| async move {
        let pages = aws
            .lattice
            .list_targets()
            .target_group_identifier(&group.id)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .for_operation("ListTargets")?;
        let targets = pages
            .iter()
            .map(|target| LatticeTarget {
                id: target.id().unwrap_or_default().to_string(),
                port: target.port(),
                state: target
                    .status()
                    .map_or(Reported::Other("unknown".to_string()), |status| Reported::parse(status.as_str())),
                reason: target.reason_code().map(str::to_string),
            })
            .collect();
        Ok::<_, AwsError>((group.id.clone(), targets))
    });
    Ok(try_join_all(calls).await?.into_iter().collect())
}

/// Instances of the topology's Cloud Map services, by service ID.
async fn instances(aws: &Aws, topology: &Topology, observed: &Observed) -> Result<BTreeMap<String, usize>, AwsError> {
    let namespace = observed.namespaces.iter().find(|namespace| Some(&namespace.name) == topology.discovery.as_ref());
    let wanted = observed.discovery_services.iter().filter(|known| {
        namespace.is_some_and(|namespace| namespace.id == known.namespace_id)
            && topology.services.iter().any(|service| service.discovery.is_some() && service.name == known.name)
    });
    let calls = wanted.map(|service| async move {
        let pages = aws
            .discovery
            .list_instances()
            .service_id(&service.id)
            .into_paginator()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .for_operation("ListInstances")?;
        Ok::<_, AwsError>((service.id.clone(), pages.iter().map(|page| page.instances().len()).sum()))
    });
    Ok(try_join_all(calls).await?.into_iter().collect())
}
