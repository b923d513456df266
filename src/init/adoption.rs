//! What the services sit behind, as far as `init` can describe it for `plan --adopt` to take over: exactly one
//! Application Load Balancer carrying the target groups they are attached to, and how it reaches each service.

use crate::live::cluster::{AttachedLoadBalancer, Cluster, LoadBalancerKind, RunningService};
use crate::live::{Listener, ListenerDefault, Rule, TargetGroup};

pub(super) enum Behind<'a> {
    /// No service is attached to a target group of a load balancer.
    Nothing,
    /// One Application Load Balancer: the file describes it, and `plan --adopt` takes it over.
    OneApplicationLoadBalancer(&'a AttachedLoadBalancer),
    /// Load balancing that adoption from `init` does not cover, in words ("Network Load Balancer x").
    Uncovered(String),
}

/// What the cluster's services sit behind.
pub(super) fn behind(cluster: &Cluster) -> Behind<'_> {
    let entries = || cluster.services.iter().flat_map(|service| service.load_balancers.iter());
    let classic: Vec<&str> = entries()
        .filter(|entry| entry.target_group_arn.is_none())
        .filter_map(|entry| entry.load_balancer_name.as_deref())
        .collect();
    if !classic.is_empty() {
        return Behind::Uncovered(format!("Classic Load Balancer {}", classic.join(", ")));
    }
    let groups: Vec<&str> = entries().filter_map(|entry| entry.target_group_arn.as_deref()).collect();
    let mut arns: Vec<&str> = cluster
        .load_balancing
        .target_groups
        .iter()
        .filter(|attached| groups.contains(&attached.group.arn.as_str()))
        .flat_map(|attached| attached.load_balancer_arns.iter().map(String::as_str))
        .collect();
    arns.sort_unstable();
    arns.dedup();
    let load_balancers = &cluster.load_balancing.load_balancers;
    let balancers: Vec<&AttachedLoadBalancer> = arns
        .iter()
        .filter_map(|arn| load_balancers.iter().find(|balancer| balancer.load_balancer.arn == *arn))
        .collect();
    match balancers.as_slice() {
        [] => Behind::Nothing,
        [one] if one.kind == LoadBalancerKind::Application => Behind::OneApplicationLoadBalancer(one),
        [one] => Behind::Uncovered(format!("{} {}", kind_in_words(&one.kind), one.load_balancer.name)),
        several => {
            let names: Vec<&str> = several.iter().map(|balancer| balancer.load_balancer.name.as_str()).collect();
            Behind::Uncovered(format!("{} load balancers ({})", several.len(), names.join(", ")))
        }
    }
}

fn kind_in_words(kind: &LoadBalancerKind) -> String {
    match kind {
        LoadBalancerKind::Application => "Application Load Balancer".into(),
        LoadBalancerKind::Network => "Network Load Balancer".into(),
        LoadBalancerKind::Gateway => "Gateway Load Balancer".into(),
        LoadBalancerKind::Other(kind) => format!("load balancer of type {kind:?}"),
    }
}

/// How the load balancer reaches one service.
pub(super) struct Route<'a> {
    pub group: &'a TargetGroup,
    /// The first rule forwarding to the group (listeners by port, rules by priority) with a host or path
    /// condition, and the ports of the listeners where a rule with the same conditions forwards to it.
    pub rule: Option<(&'a Rule, Vec<u16>)>,
    /// Other rules forwarding to the group, by listener port: the file holds one rule a service.
    pub other_rules: Vec<(u16, &'a Rule)>,
    /// The ports of the listeners whose default action forwards to the group.
    pub defaults: Vec<u16>,
}

/// The service's route through `balancer`: none when no target group of the service is on it.
pub(super) fn route<'a>(
    cluster: &'a Cluster,
    balancer: &'a AttachedLoadBalancer,
    service: &RunningService,
) -> Option<Route<'a>> {
    let group = service.load_balancers.iter().find_map(|entry| {
        let arn = entry.target_group_arn.as_deref()?;
        let attached = cluster.load_balancing.target_groups.iter().find(|attached| attached.group.arn == arn)?;
        attached.load_balancer_arns.contains(&balancer.load_balancer.arn).then_some(&attached.group)
    })?;
    let listeners = listeners_by_port(balancer);
    let mut forwarding: Vec<(u16, &Rule)> = Vec::new();
    for listener in &listeners {
        let mut rules: Vec<&Rule> = listener.rules.iter().filter(|rule| forwards_to(rule, group)).collect();
        rules.sort_by_key(|rule| rule.priority);
        forwarding.extend(rules.into_iter().map(|rule| (port(listener), rule)));
    }
    let first =
        forwarding.iter().find(|(_, rule)| !rule.hosts.is_empty() || !rule.paths.is_empty()).map(|(_, rule)| *rule);
    let same = |rule: &Rule| first.is_some_and(|first| first.hosts == rule.hosts && first.paths == rule.paths);
    let rule =
        first.map(|first| (first, forwarding.iter().filter(|(_, rule)| same(rule)).map(|(port, _)| *port).collect()));
    let other_rules = forwarding.iter().filter(|(_, rule)| !same(rule)).copied().collect();
    let defaults = listeners
        .iter()
        .filter(|listener| listener.default == ListenerDefault::Forward(group.arn.clone()))
        .map(|listener| port(listener))
        .collect();
    Some(Route { group, rule, other_rules, defaults })
}

/// The load balancer's listeners, by port.
pub(super) fn listeners_by_port(balancer: &AttachedLoadBalancer) -> Vec<&Listener> {
    let mut listeners: Vec<&Listener> = balancer.load_balancer.listeners.iter().collect();
    listeners.sort_by_key(|listener| listener.port);
    listeners
}

/// A listener's port as the topology has it (AWS's are 1–65535).
pub(super) fn port(listener: &Listener) -> u16 {
    u16::try_from(listener.port).unwrap_or_default()
}

fn forwards_to(rule: &Rule, group: &TargetGroup) -> bool {
    rule.target_group_arn.as_deref() == Some(group.arn.as_str())
}
