//! The load balancing a cluster's services are attached to, read for `ecsnet init`: their target groups
//! (DescribeTargetGroups by ARN), those groups' load balancers (DescribeLoadBalancers, 20 ARNs a call), and of each
//! Application Load Balancer its listeners and rules (DescribeListeners per load balancer, DescribeRules per
//! listener) and the inbound rules of its security groups (DescribeSecurityGroupRules, one call).

use std::collections::HashMap;

use aws_sdk_elasticloadbalancingv2::types::{self as elb, LoadBalancerTypeEnum};
use futures::future::try_join_all;

use crate::aws::error::ForOperation;
use crate::aws::observe::load_balancing::{listeners_with_rules, load_balancer, target_groups_with};
use crate::aws::observe::network::inbound_rules_of;
use crate::aws::{Aws, AwsError};
use crate::live::cluster::{
    AttachedLoadBalancer, AttachedLoadBalancing, AttachedTargetGroup, LoadBalancerKind, RunningService,
};

/// DescribeLoadBalancers takes at most 20 ARNs a call
/// (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeLoadBalancers.html).
const LOAD_BALANCERS_PER_CALL: usize = 20;

/// What the services' target groups belong to; no request when no service has a target group.
pub async fn read(aws: &Aws, services: &[RunningService]) -> Result<AttachedLoadBalancing, AwsError> {
    let mut arns: Vec<String> = services
        .iter()
        .flat_map(|service| service.load_balancers.iter())
        .filter_map(|entry| entry.target_group_arn.clone())
        .collect();
    arns.sort();
    arns.dedup();
    if arns.is_empty() {
        return Ok(AttachedLoadBalancing::default());
    }
    let target_groups = target_groups(aws, arns).await?;
    let mut balancer_arns: Vec<String> =
        target_groups.iter().flat_map(|group| group.load_balancer_arns.iter().cloned()).collect();
    balancer_arns.sort();
    balancer_arns.dedup();
    let load_balancers = load_balancers(aws, &balancer_arns).await?;
    Ok(AttachedLoadBalancing { target_groups, load_balancers })
}

/// The target groups by ARN, in one paged request: DescribeTargetGroups documents no limit on the ARNs it takes
/// (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetGroups.html).
async fn target_groups(aws: &Aws, arns: Vec<String>) -> Result<Vec<AttachedTargetGroup>, AwsError> {
    let pages = aws.elb.describe_target_groups().set_target_group_arns(Some(arns)).into_paginator().items().send();
    let groups: Vec<elb::TargetGroup> =
        pages.collect::<Result<Vec<_>, _>>().await.for_operation("DescribeTargetGroups")?;
    let described: Vec<&elb::TargetGroup> = groups.iter().collect();
    let plain = target_groups_with(&described, &mut HashMap::new());
    Ok(plain
        .into_iter()
        .zip(&groups)
        .map(|(group, described)| AttachedTargetGroup {
            group,
            load_balancer_arns: described.load_balancer_arns().to_vec(),
        })
        .collect())
}

/// The load balancers by ARN, 20 a call, the calls at once; an Application Load Balancer with its listeners,
/// rules and the inbound rules of its security groups.
async fn load_balancers(aws: &Aws, arns: &[String]) -> Result<Vec<AttachedLoadBalancer>, AwsError> {
    let calls = arns
        .chunks(LOAD_BALANCERS_PER_CALL)
        .map(|chunk| aws.elb.describe_load_balancers().set_load_balancer_arns(Some(chunk.to_vec())).send());
    let outputs = try_join_all(calls).await.for_operation("DescribeLoadBalancers")?;
    let described: Vec<&elb::LoadBalancer> = outputs.iter().flat_map(|output| output.load_balancers()).collect();
    let mut attached: Vec<AttachedLoadBalancer> = described
        .iter()
        .map(|described| AttachedLoadBalancer {
            kind: kind(described.r#type()),
            load_balancer: load_balancer(described, &mut HashMap::new()),
            inbound: Vec::new(),
        })
        .collect();
    let applications: Vec<usize> =
        (0..attached.len()).filter(|&index| attached[index].kind == LoadBalancerKind::Application).collect();
    let listener_lists =
        try_join_all(applications.iter().map(|&index| listeners_with_rules(aws, &attached[index].load_balancer.arn)));
    let groups: Vec<String> =
        applications.iter().flat_map(|&index| attached[index].load_balancer.security_group_ids.clone()).collect();
    let (listener_lists, mut inbound) = tokio::try_join!(listener_lists, inbound_rules_of(aws, &groups))?;
    for (&index, listeners) in applications.iter().zip(listener_lists) {
        let balancer = &mut attached[index];
        balancer.load_balancer.listeners = listeners;
        for group in &balancer.load_balancer.security_group_ids {
            balancer.inbound.extend(inbound.remove(group).unwrap_or_default());
        }
    }
    Ok(attached)
}

fn kind(kind: Option<&LoadBalancerTypeEnum>) -> LoadBalancerKind {
    match kind {
        Some(LoadBalancerTypeEnum::Application) => LoadBalancerKind::Application,
        Some(LoadBalancerTypeEnum::Network) => LoadBalancerKind::Network,
        Some(LoadBalancerTypeEnum::Gateway) => LoadBalancerKind::Gateway,
        Some(other) => LoadBalancerKind::Other(other.as_str().to_string()),
        None => LoadBalancerKind::Other(String::new()),
    }
}
