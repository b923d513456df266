//! Load balancers, listeners, rules and target groups, with their tags (DescribeTags, 20 ARNs a call).

use std::collections::HashMap;

use aws_sdk_elasticloadbalancingv2::types::{self as elb, ActionTypeEnum};
use futures::future::try_join_all;

use crate::aws::error::Context;
use crate::aws::{Aws, AwsError};
use crate::observed::{owned_by, HealthCheckRead, Listener, LoadBalancer, Rule, Tags, TargetGroup};
use crate::topology::{HealthCheck, Topology};

/// DescribeTags takes at most 20 ARNs a call.
const TAGS_PER_CALL: usize = 20;

pub async fn load_balancers_without_tags(aws: &Aws) -> Result<Vec<elb::LoadBalancer>, AwsError> {
    aws.elb.describe_load_balancers().into_paginator().items().send().collect::<Result<Vec<_>, _>>().await.context("DescribeLoadBalancers")
}

pub async fn target_groups_without_tags(aws: &Aws) -> Result<Vec<elb::TargetGroup>, AwsError> {
    aws.elb.describe_target_groups().into_paginator().items().send().collect::<Result<Vec<_>, _>>().await.context("DescribeTargetGroups")
}

/// Tags of many resources, 20 ARNs a call, the calls at once.
pub async fn tags_of(aws: &Aws, arns: &[String]) -> Result<HashMap<String, Tags>, AwsError> {
    let calls = arns.chunks(TAGS_PER_CALL).map(|chunk| aws.elb.describe_tags().set_resource_arns(Some(chunk.to_vec())).send());
    let outputs = try_join_all(calls).await.context("DescribeTags")?;
    Ok(outputs
        .iter()
        .flat_map(|output| output.tag_descriptions())
        .map(|description| {
            let tags = description.tags().iter().filter_map(|tag| Some((tag.key()?.to_string(), tag.value().unwrap_or_default().to_string()))).collect();
            (description.resource_arn().unwrap_or_default().to_string(), tags)
        })
        .collect())
}

/// The VPC's load balancers (and any elsewhere with the wanted name), with listeners and rules of those the
/// topology owns, and the VPC's target groups; the tags of both come in the same DescribeTags calls.
pub async fn read(
    aws: &Aws,
    topology: &Topology,
    vpc_id: &str,
    wanted_name: Option<&str>,
    load_balancers: Vec<elb::LoadBalancer>,
    target_groups: Vec<elb::TargetGroup>,
) -> Result<(Vec<LoadBalancer>, Vec<TargetGroup>), AwsError> {
    let candidates: Vec<&elb::LoadBalancer> = load_balancers.iter().filter(|lb| lb.vpc_id() == Some(vpc_id) || (wanted_name.is_some() && lb.load_balancer_name() == wanted_name)).collect();
    let in_vpc: Vec<&elb::TargetGroup> = target_groups.iter().filter(|group| group.vpc_id() == Some(vpc_id)).collect();
    let arns: Vec<String> = candidates
        .iter()
        .filter_map(|lb| lb.load_balancer_arn().map(str::to_string))
        .chain(in_vpc.iter().filter_map(|group| group.target_group_arn().map(str::to_string)))
        .collect();
    let mut tags = tags_of(aws, &arns).await?;
    let groups = target_groups_with(&in_vpc, &mut tags);
    Ok((load_balancers_with(aws, topology, &candidates, &mut tags).await?, groups))
}

async fn load_balancers_with(aws: &Aws, topology: &Topology, candidates: &[&elb::LoadBalancer], tags: &mut HashMap<String, Tags>) -> Result<Vec<LoadBalancer>, AwsError> {
    let mut load_balancers: Vec<LoadBalancer> = candidates
        .iter()
        .map(|lb| {
            let arn = lb.load_balancer_arn().unwrap_or_default().to_string();
            LoadBalancer {
                tags: tags.remove(&arn).unwrap_or_default(),
                arn,
                name: lb.load_balancer_name().unwrap_or_default().to_string(),
                scheme: lb.scheme().map(|scheme| scheme.as_str().to_string()).unwrap_or_default(),
                dns_name: lb.dns_name().unwrap_or_default().to_string(),
                subnet_ids: lb.availability_zones().iter().filter_map(|zone| zone.subnet_id().map(str::to_string)).collect(),
                security_group_ids: lb.security_groups().to_vec(),
                listeners: Vec::new(),
            }
        })
        .collect();
    let owned: Vec<usize> = (0..load_balancers.len()).filter(|&index| owned_by(&load_balancers[index].tags, &topology.name)).collect();
    let listener_lists = try_join_all(owned.iter().map(|&index| listeners(aws, &load_balancers[index].arn))).await?;
    let mut all_listeners: Vec<(usize, Listener)> = owned.iter().zip(listener_lists).flat_map(|(&index, list)| list.into_iter().map(move |listener| (index, listener))).collect();
    let rule_lists = try_join_all(all_listeners.iter().map(|(_, listener)| rules(aws, &listener.arn))).await?;
    for ((_, listener), rules) in all_listeners.iter_mut().zip(rule_lists) {
        listener.rules = rules;
    }
    let arns: Vec<String> = all_listeners.iter().flat_map(|(_, listener)| std::iter::once(listener.arn.clone()).chain(listener.rules.iter().map(|rule| rule.arn.clone()))).collect();
    let mut tags = tags_of(aws, &arns).await?;
    for (index, mut listener) in all_listeners {
        listener.tags = tags.remove(&listener.arn).unwrap_or_default();
        for rule in &mut listener.rules {
            rule.tags = tags.remove(&rule.arn).unwrap_or_default();
        }
        load_balancers[index].listeners.push(listener);
    }
    Ok(load_balancers)
}

async fn listeners(aws: &Aws, load_balancer_arn: &str) -> Result<Vec<Listener>, AwsError> {
    let pages = aws.elb.describe_listeners().load_balancer_arn(load_balancer_arn).into_paginator().items().send();
    let listeners: Vec<elb::Listener> = pages.collect::<Result<Vec<_>, _>>().await.context("DescribeListeners")?;
    Ok(listeners
        .iter()
        .map(|listener| Listener {
            arn: listener.listener_arn().unwrap_or_default().to_string(),
            port: listener.port().unwrap_or_default(),
            protocol: listener.protocol().map(|protocol| protocol.as_str().to_string()).unwrap_or_default(),
            default_target_group_arn: forward_target(listener.default_actions()),
            tags: Tags::new(),
            rules: Vec::new(),
        })
        .collect())
}

async fn rules(aws: &Aws, listener_arn: &str) -> Result<Vec<Rule>, AwsError> {
    let mut rules = Vec::new();
    let mut marker = None;
    loop {
        let output = aws.elb.describe_rules().listener_arn(listener_arn).set_marker(marker).send().await.context("DescribeRules")?;
        for rule in output.rules() {
            if rule.is_default() == Some(true) {
                continue;
            }
            let Some(priority) = rule.priority().and_then(|priority| priority.parse().ok()) else { continue };
            let hosts = rule
                .conditions()
                .iter()
                .filter(|condition| condition.field() == Some("host-header"))
                .flat_map(|condition| match condition.host_header_config() {
                    Some(config) if !config.values().is_empty() => config.values().to_vec(),
                    _ => condition.values().to_vec(),
                })
                .map(|host| host.to_ascii_lowercase())
                .collect();
            rules.push(Rule {
                arn: rule.rule_arn().unwrap_or_default().to_string(),
                priority,
                hosts,
                target_group_arn: forward_target(rule.actions()),
                tags: Tags::new(),
            });
        }
        marker = output.next_marker().map(str::to_string);
        if marker.is_none() {
            return Ok(rules);
        }
    }
}

/// The target group of a single-target forward action.
fn forward_target(actions: &[elb::Action]) -> Option<String> {
    let action = actions.iter().find(|action| action.r#type() == Some(&ActionTypeEnum::Forward))?;
    if let Some(arn) = action.target_group_arn() {
        return Some(arn.to_string());
    }
    match action.forward_config()?.target_groups() {
        [only] => only.target_group_arn().map(str::to_string),
        _ => None,
    }
}

fn target_groups_with(in_vpc: &[&elb::TargetGroup], tags: &mut HashMap<String, Tags>) -> Vec<TargetGroup> {
    in_vpc
        .iter()
        .map(|group| {
            let arn = group.target_group_arn().unwrap_or_default().to_string();
            TargetGroup {
                tags: tags.remove(&arn).unwrap_or_default(),
                arn,
                name: group.target_group_name().unwrap_or_default().to_string(),
                port: group.port().unwrap_or_default(),
                protocol: group.protocol().map(|protocol| protocol.as_str().to_string()).unwrap_or_default(),
                target_type: group.target_type().map(|kind| kind.as_str().to_string()).unwrap_or_default(),
                vpc_id: group.vpc_id().unwrap_or_default().to_string(),
                health_check: HealthCheck::read(HealthCheckRead {
                    path: group.health_check_path(),
                    interval: group.health_check_interval_seconds(),
                    timeout: group.health_check_timeout_seconds(),
                    healthy_threshold: group.healthy_threshold_count(),
                    unhealthy_threshold: group.unhealthy_threshold_count(),
                    matcher: group.matcher().and_then(|matcher| matcher.http_code()),
                }),
            }
        })
        .collect()
}
