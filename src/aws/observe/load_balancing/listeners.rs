//! Listeners and their rules, as plain data.

use aws_sdk_elasticloadbalancingv2::types::{self as elb, ActionTypeEnum};
use futures::future::try_join_all;

use crate::aws::error::ForOperation;
use crate::aws::{Aws, AwsError};
use crate::live::{Listener, ListenerDefault, LoadBalancer, RedirectPort, Reported, Rule, Tags};

use super::tags_of;

/// The listeners of the `owned` load balancers, each with its rules, and the tags of both.
pub async fn read_listeners(aws: &Aws, load_balancers: &mut [LoadBalancer], owned: &[usize]) -> Result<(), AwsError> {
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
    Ok(())
}

/// A load balancer's listeners, each with its rules, without tags: the rules of every listener read at once.
pub async fn listeners_with_rules(aws: &Aws, load_balancer_arn: &str) -> Result<Vec<Listener>, AwsError> {
    let mut listeners = listeners(aws, load_balancer_arn).await?;
    let rule_lists = try_join_all(listeners.iter().map(|listener| rules(aws, &listener.arn))).await?;
    for (listener, rules) in listeners.iter_mut().zip(rule_lists) {
        listener.rules = rules;
    }
    Ok(listeners)
}

async fn listeners(aws: &Aws, load_balancer_arn: &str) -> Result<Vec<Listener>, AwsError> {
    let pages = aws.elb.describe_listeners().load_balancer_arn(load_balancer_arn).into_paginator().items().send();
    let listeners: Vec<elb::Listener> =
        pages.collect::<Result<Vec<_>, _>>().await.for_operation("DescribeListeners")?;
    Ok(listeners
        .iter()
        .map(|listener| Listener {
            arn: listener.listener_arn().unwrap_or_default().to_string(),
            port: listener.port().unwrap_or_default(),
            protocol: Reported::parse(listener.protocol().map_or("", |protocol| protocol.as_str())),
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
            .for_operation("DescribeRules")?;
        rules.extend(output.rules().iter().filter_map(rule));
        marker = output.next_marker().map(str::to_string);
        if marker.is_none() {
            return Ok(rules);
        }
    }
}

/// A rule as plain data; none for the listener's default rule, or a rule without a numeric priority.
fn rule(rule: &elb::Rule) -> Option<Rule> {
    if rule.is_default() == Some(true) {
        return None;
    }
    let priority = rule.priority().and_then(|priority| priority.parse().ok())?;
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
    Some(Rule {
        arn: rule.rule_arn().unwrap_or_default().to_string(),
        priority,
        hosts,
        paths,
        target_group_arn: forward_target(rule.actions()),
        tags: Tags::new(),
    })
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
                // AWS's default port and protocol are the request's own, `#{port}` and `#{protocol}`.
                port: RedirectPort(config.port().and_then(|port| port.parse().ok())),
                protocol: Reported::parse(config.protocol().unwrap_or("#{protocol}")),
                status: Reported::parse(config.status_code().map_or("", |status| status.as_str())),
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
