//! Load balancers, listeners, rules and target groups, with their tags (DescribeTags, 20 ARNs a call).

mod listeners;
mod target_groups;

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_elasticloadbalancingv2::types as elb;
use futures::future::try_join_all;

use crate::aws::error::ForOperation;
use crate::aws::{Aws, AwsError};
use crate::events::Quiet;
use crate::live::{LoadBalancer, Reported, Tags, TargetGroup};
use crate::plan::ownership::managed_attributes;
use crate::plan::ownership::owned_by;
use crate::topology::Topology;

use crate::aws::wait;
use crate::aws::Code;
use crate::events::Subject;
pub(crate) use listeners::listeners_with_rules;
use listeners::read_listeners;
use target_groups::read_group_attributes;
pub(crate) use target_groups::target_groups_with;

/// DescribeTags takes at most 20 ARNs a call.
const TAGS_PER_CALL: usize = 20;

pub async fn load_balancers_without_tags(aws: &Aws) -> Result<Vec<elb::LoadBalancer>, AwsError> {
    aws.elb
        .describe_load_balancers()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .for_operation("DescribeLoadBalancers")
}

pub async fn target_groups_without_tags(aws: &Aws) -> Result<Vec<elb::TargetGroup>, AwsError> {
    aws.elb
        .describe_target_groups()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .for_operation("DescribeTargetGroups")
}

/// Codes DescribeTags answers when one of its ARNs is not there: deleted since it was listed, or created by
/// someone else a moment ago and not yet visible to DescribeTags (ELBv2's eventual consistency).
const ARN_NOT_FOUND: &[Code] =
    &[Code::TargetGroupNotFound, Code::LoadBalancerNotFound, Code::ListenerNotFound, Code::RuleNotFound];

/// Tags of many resources, 20 ARNs a call, the calls at once. A call that fails because one of its ARNs is not
/// there is asked again one ARN at a time, and what is not there is left out: another team's resource that
/// comes or goes while ecsnet reads must not stop the plan (ecsnet's own cannot: the topology's lock is held).
pub async fn tags_of(aws: &Aws, arns: &[String]) -> Result<HashMap<String, Tags>, AwsError> {
    let calls = arns.chunks(TAGS_PER_CALL).map(|chunk| tags_of_chunk(aws, chunk));
    Ok(try_join_all(calls).await?.into_iter().flatten().collect())
}

async fn tags_of_chunk(aws: &Aws, arns: &[String]) -> Result<Vec<(String, Tags)>, AwsError> {
    match describe_tags(aws, arns).await {
        Err(error) if error.has_code(ARN_NOT_FOUND) && arns.len() > 1 => {
            // Listed a moment ago: give a new one a few seconds to become visible before taking it for gone.
            let patience = wait::Patience { bound: Duration::from_secs(5), ..wait::NEW_RESOURCE };
            let one_by_one = arns.iter().map(|arn| async move {
                let attempt = || describe_tags(aws, std::slice::from_ref(arn));
                match wait::with_patience(
                    patience,
                    &Quiet,
                    Subject::Sees("DescribeTags".into()),
                    ARN_NOT_FOUND,
                    attempt,
                )
                .await
                {
                    Err(error) if error.has_code(ARN_NOT_FOUND) => Ok(Vec::new()),
                    other => other,
                }
            });
            Ok(try_join_all(one_by_one).await?.into_iter().flatten().collect())
        }
        Err(error) if error.has_code(ARN_NOT_FOUND) => Ok(Vec::new()),
        other => other,
    }
}

async fn describe_tags(aws: &Aws, arns: &[String]) -> Result<Vec<(String, Tags)>, AwsError> {
    let output =
        aws.elb.describe_tags().set_resource_arns(Some(arns.to_vec())).send().await.for_operation("DescribeTags")?;
    Ok(output
        .tag_descriptions()
        .iter()
        .map(|description| {
            let tags = description
                .tags()
                .iter()
                .filter_map(|tag| Some((tag.key()?.to_string(), tag.value().unwrap_or_default().to_string())))
                .collect();
            (description.resource_arn().unwrap_or_default().to_string(), tags)
        })
        .collect())
}

/// The VPC's load balancers (and any elsewhere with the wanted name), with listeners and rules of those the
/// topology owns, and the VPC's target groups; the tags of both come in the same DescribeTags calls.
/// The load balancer names a topology reads beyond its own: the file's (wherever it is, for the name check), and
/// the ones adoption may take, whose listeners and rules are read too.
pub struct Names<'a> {
    pub wanted: Option<&'a str>,
    pub adoptable: &'a [String],
}

pub async fn read(
    aws: &Aws,
    topology: &Topology,
    vpc_id: &str,
    names: Names<'_>,
    load_balancers: Vec<elb::LoadBalancer>,
    target_groups: Vec<elb::TargetGroup>,
) -> Result<(Vec<LoadBalancer>, Vec<TargetGroup>), AwsError> {
    let candidates: Vec<&elb::LoadBalancer> = load_balancers
        .iter()
        .filter(|lb| lb.vpc_id() == Some(vpc_id) || (names.wanted.is_some() && lb.load_balancer_name() == names.wanted))
        .collect();
    let in_vpc: Vec<&elb::TargetGroup> = target_groups.iter().filter(|group| group.vpc_id() == Some(vpc_id)).collect();
    let arns: Vec<String> = candidates
        .iter()
        .filter_map(|lb| lb.load_balancer_arn().map(str::to_string))
        .chain(in_vpc.iter().filter_map(|group| group.target_group_arn().map(str::to_string)))
        .collect();
    let mut tags = tags_of(aws, &arns).await?;
    let mut groups = target_groups_with(&in_vpc, &mut tags);
    let (load_balancers, ()) = tokio::try_join!(
        load_balancers_with(aws, topology, &candidates, names.adoptable, &mut tags),
        read_group_attributes(aws, topology, &mut groups)
    )?;
    Ok((load_balancers, groups))
}

/// The candidates as plain data with their tags; the idle timeout, listeners and rules of the topology's own.
async fn load_balancers_with(
    aws: &Aws,
    topology: &Topology,
    candidates: &[&elb::LoadBalancer],
    adoptable: &[String],
    tags: &mut HashMap<String, Tags>,
) -> Result<Vec<LoadBalancer>, AwsError> {
    let mut load_balancers: Vec<LoadBalancer> = candidates.iter().map(|lb| load_balancer(lb, tags)).collect();
    let owned: Vec<usize> =
        (0..load_balancers.len()).filter(|&index| owned_by(&load_balancers[index].tags, &topology.name)).collect();
    let read_whole: Vec<usize> = (0..load_balancers.len())
        .filter(|&index| owned.contains(&index) || adoptable.contains(&load_balancers[index].name))
        .collect();
    read_idle_timeouts(aws, topology, &mut load_balancers, &read_whole).await?;
    read_listeners(aws, &mut load_balancers, &read_whole).await?;
    Ok(load_balancers)
}

/// A load balancer as plain data, its tags taken from `tags`; without idle timeout or listeners.
pub(crate) fn load_balancer(lb: &elb::LoadBalancer, tags: &mut HashMap<String, Tags>) -> LoadBalancer {
    let arn = lb.load_balancer_arn().unwrap_or_default().to_string();
    LoadBalancer {
        tags: tags.remove(&arn).unwrap_or_default(),
        arn,
        name: lb.load_balancer_name().unwrap_or_default().to_string(),
        scheme: Reported::parse(lb.scheme().map_or("", |scheme| scheme.as_str())),
        dns_name: lb.dns_name().unwrap_or_default().to_string(),
        canonical_zone_id: lb.canonical_hosted_zone_id().unwrap_or_default().to_string(),
        idle_timeout: None,
        subnet_ids: lb.availability_zones().iter().filter_map(|zone| zone.subnet_id().map(str::to_string)).collect(),
        security_group_ids: lb.security_groups().to_vec(),
        listeners: Vec::new(),
    }
}

/// The idle timeout, of the `owned` load balancers where the file sets it or ecsnet set it earlier (its
/// attributes tag).
async fn read_idle_timeouts(
    aws: &Aws,
    topology: &Topology,
    load_balancers: &mut [LoadBalancer],
    owned: &[usize],
) -> Result<(), AwsError> {
    let sets_idle_timeout =
        topology.load_balancer.as_ref().is_some_and(|load_balancer| load_balancer.idle_timeout.is_some());
    let read: Vec<usize> = owned
        .iter()
        .copied()
        .filter(|&index| sets_idle_timeout || !managed_attributes(&load_balancers[index].tags).is_empty())
        .collect();
    if read.is_empty() {
        return Ok(());
    }
    let reads = try_join_all(read.iter().map(|&index| {
        aws.elb.describe_load_balancer_attributes().load_balancer_arn(&load_balancers[index].arn).send()
    }))
    .await
    .for_operation("DescribeLoadBalancerAttributes")?;
    for (&index, output) in read.iter().zip(reads) {
        let timeout = output
            .attributes()
            .iter()
            .find(|attribute| attribute.key() == Some("idle_timeout.timeout_seconds"))
            .and_then(|attribute| attribute.value()?.parse().ok());
        load_balancers[index].idle_timeout = timeout;
    }
    Ok(())
}
