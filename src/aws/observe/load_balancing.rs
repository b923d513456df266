//! Load balancers, listeners, rules and target groups, with their tags (DescribeTags, 20 ARNs a call).

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_elasticloadbalancingv2::types::{self as elb, ActionTypeEnum};
use futures::future::try_join_all;

use crate::aws::error::Context;
use crate::aws::execute::retry;
use crate::aws::{Aws, AwsError};
use crate::observed::{HealthCheckRead, Listener, ListenerDefault, LoadBalancer, Rule, Tags, TargetGroup};
use crate::plan::ownership::managed_attributes;
use crate::plan::ownership::{owned_by, tagged_address};
use crate::plan::Address;
use crate::progress::Quiet;
use crate::topology::{HealthCheck, Stickiness, TargetGroupAttributes, Topology};

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
        .context("DescribeLoadBalancers")
}

pub async fn target_groups_without_tags(aws: &Aws) -> Result<Vec<elb::TargetGroup>, AwsError> {
    aws.elb
        .describe_target_groups()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .context("DescribeTargetGroups")
}

/// Codes DescribeTags answers when one of its ARNs is not there: deleted since it was listed, or created by
/// someone else a moment ago and not yet visible to DescribeTags (ELBv2's eventual consistency).
const ARN_NOT_FOUND: &[&str] = &["TargetGroupNotFound", "LoadBalancerNotFound", "ListenerNotFound", "RuleNotFound"];

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
            let patience = retry::Patience { bound: Duration::from_secs(5), ..retry::NEW_RESOURCE };
            let one_by_one = arns.iter().map(|arn| async move {
                let attempt = || describe_tags(aws, std::slice::from_ref(arn));
                match retry::with_patience(
                    patience,
                    &Quiet,
                    "DescribeTags to see a new resource",
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
    let output = aws.elb.describe_tags().set_resource_arns(Some(arns.to_vec())).send().await.context("DescribeTags")?;
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
pub async fn read(
    aws: &Aws,
    topology: &Topology,
    vpc_id: &str,
    wanted_name: Option<&str>,
    load_balancers: Vec<elb::LoadBalancer>,
    target_groups: Vec<elb::TargetGroup>,
) -> Result<(Vec<LoadBalancer>, Vec<TargetGroup>), AwsError> {
    let candidates: Vec<&elb::LoadBalancer> = load_balancers
        .iter()
        .filter(|lb| lb.vpc_id() == Some(vpc_id) || (wanted_name.is_some() && lb.load_balancer_name() == wanted_name))
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
        load_balancers_with(aws, topology, &candidates, &mut tags),
        read_group_attributes(aws, topology, &mut groups)
    )?;
    Ok((load_balancers, groups))
}

/// Attributes of the topology's target groups whose service sets any, or whose attributes tag says ecsnet set
/// some (one call per group: AWS has no batch).
async fn read_group_attributes(aws: &Aws, topology: &Topology, groups: &mut [TargetGroup]) -> Result<(), AwsError> {
    let managed = |group: &TargetGroup| {
        owned_by(&group.tags, &topology.name)
            && (!managed_attributes(&group.tags).is_empty()
                || topology.services.iter().any(|service| {
                    service.routing.as_ref().is_some_and(|routing| !routing.attributes.is_empty())
                        && tagged_address(&group.tags) == Some(Address::TargetGroup(service.name.clone()))
                }))
    };
    let wanted: Vec<usize> = (0..groups.len()).filter(|&index| managed(&groups[index])).collect();
    let reads = try_join_all(
        wanted
            .iter()
            .map(|&index| aws.elb.describe_target_group_attributes().target_group_arn(&groups[index].arn).send()),
    )
    .await
    .context("DescribeTargetGroupAttributes")?;
    for (index, output) in wanted.into_iter().zip(reads) {
        let value = |key: &str| {
            output
                .attributes()
                .iter()
                .find(|attribute| attribute.key() == Some(key))
                .and_then(|attribute| attribute.value())
                .map(str::to_string)
        };
        let number = |key: &str| value(key).and_then(|value| value.parse::<i64>().ok());
        let stickiness = match (value("stickiness.enabled").as_deref(), value("stickiness.type")) {
            (Some("true"), Some(kind)) if kind == "lb_cookie" => {
                number("stickiness.lb_cookie.duration_seconds").map(Stickiness::LbCookie)
            }
            (Some("true"), kind) => Some(Stickiness::Other(kind.unwrap_or_default())),
            (Some(_), _) => Some(Stickiness::Off),
            (None, _) => None,
        };
        groups[index].attributes = Some(TargetGroupAttributes {
            deregistration_delay: number("deregistration_delay.timeout_seconds"),
            slow_start: number("slow_start.duration_seconds"),
            stickiness,
        });
    }
    Ok(())
}

async fn load_balancers_with(
    aws: &Aws,
    topology: &Topology,
    candidates: &[&elb::LoadBalancer],
    tags: &mut HashMap<String, Tags>,
) -> Result<Vec<LoadBalancer>, AwsError> {
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
                canonical_zone_id: lb.canonical_hosted_zone_id().unwrap_or_default().to_string(),
                idle_timeout: None,
                subnet_ids: lb
                    .availability_zones()
                    .iter()
                    .filter_map(|zone| zone.subnet_id().map(str::to_string))
                    .collect(),
                security_group_ids: lb.security_groups().to_vec(),
                listeners: Vec::new(),
            }
        })
        .collect();
    let owned: Vec<usize> =
        (0..load_balancers.len()).filter(|&index| owned_by(&load_balancers[index].tags, &topology.name)).collect();
    // The idle timeout, of the load balancers where the file sets it or ecsnet set it earlier (its attributes tag).
    let sets_idle_timeout =
        topology.load_balancer.as_ref().is_some_and(|load_balancer| load_balancer.idle_timeout.is_some());
    let read: Vec<usize> = owned
        .iter()
        .copied()
        .filter(|&index| sets_idle_timeout || !managed_attributes(&load_balancers[index].tags).is_empty())
        .collect();
    if !read.is_empty() {
        let reads = try_join_all(read.iter().map(|&index| {
            aws.elb.describe_load_balancer_attributes().load_balancer_arn(&load_balancers[index].arn).send()
        }))
        .await
        .context("DescribeLoadBalancerAttributes")?;
        for (&index, output) in read.iter().zip(reads) {
            let timeout = output
                .attributes()
                .iter()
                .find(|attribute| attribute.key() == Some("idle_timeout.timeout_seconds"))
                .and_then(|attribute| attribute.value()?.parse().ok());
            load_balancers[index].idle_timeout = timeout;
        }
    }
    let listener_lists = try_join_all(owned.iter().map(|&index| listeners(aws, &load_balancers[index].arn))).await?;
    let mut all_listeners: Vec<(usize, Listener)> = owned
        .iter()
        .zip(listener_lists)
        .flat_map(|(&index, list)| list.into_iter().map(move |listener| (index, listener)))
        .collect();
    let rule_lists = try_join_all(all_listeners.iter().map(|(_, listener)| rules(aws, &listener.arn))).await?;
    for ((_, listener), rules) in all_listeners.iter_mut().zip(rule_lists) {
        listener.rules = rules;
    }
    let arns: Vec<String> = all_listeners
        .iter()
        .flat_map(|(_, listener)| {
            std::iter::once(listener.arn.clone()).chain(listener.rules.iter().map(|rule| rule.arn.clone()))
        })
        .collect();
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
            certificate_arn: listener
                .certificates()
                .first()
                .and_then(|certificate| certificate.certificate_arn())
                .map(str::to_string),
            ssl_policy: listener.ssl_policy().map(str::to_string),
            default: listener_default(listener.default_actions()),
            tags: Tags::new(),
            rules: Vec::new(),
        })
        .collect())
}

async fn rules(aws: &Aws, listener_arn: &str) -> Result<Vec<Rule>, AwsError> {
    let mut rules = Vec::new();
    let mut marker = None;
    loop {
        let output = aws
            .elb
            .describe_rules()
            .listener_arn(listener_arn)
            .set_marker(marker)
            .send()
            .await
            .context("DescribeRules")?;
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
            let paths = rule
                .conditions()
                .iter()
                .filter(|condition| condition.field() == Some("path-pattern"))
                .flat_map(|condition| match condition.path_pattern_config() {
                    Some(config) if !config.values().is_empty() => config.values().to_vec(),
                    _ => condition.values().to_vec(),
                })
                .collect();
            rules.push(Rule {
                arn: rule.rule_arn().unwrap_or_default().to_string(),
                priority,
                hosts,
                paths,
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

/// A listener's default action as plain data.
fn listener_default(actions: &[elb::Action]) -> ListenerDefault {
    let [action] = actions else { return ListenerDefault::Other };
    match action.r#type() {
        Some(ActionTypeEnum::Forward) => {
            forward_target(actions).map_or(ListenerDefault::Other, ListenerDefault::Forward)
        }
        Some(ActionTypeEnum::FixedResponse) => match action.fixed_response_config() {
            Some(config) => ListenerDefault::FixedResponse {
                status: config.status_code().and_then(|status| status.parse().ok()).unwrap_or_default(),
                body: config.message_body().map(str::to_string),
                content_type: config.content_type().unwrap_or("text/plain").to_string(),
            },
            None => ListenerDefault::Other,
        },
        Some(ActionTypeEnum::Redirect) => match action.redirect_config() {
            Some(config) => ListenerDefault::Redirect {
                port: config.port().unwrap_or("#{port}").to_string(),
                protocol: config.protocol().unwrap_or("#{protocol}").to_string(),
                status: config.status_code().map_or(String::new(), |status| status.as_str().to_string()),
            },
            None => ListenerDefault::Other,
        },
        _ => ListenerDefault::Other,
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
                attributes: None,
            }
        })
        .collect()
}
