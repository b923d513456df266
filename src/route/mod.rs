//! How the load balancer answers a request: its listeners' rules evaluated as AWS does (priority order, every
//! condition must match one of its values, host case-insensitive, path case-sensitive, `*` and `?` wildcards),
//! then the default action. Pure: a function of live state and the request.

use crate::live::{Listener, ListenerDefault, LoadBalancer, Observed, RedirectPort, RedirectStatus, Reported};
use crate::plan::ownership::{owned_by, tagged_address};
use crate::plan::Address;
use crate::topology::Protocol;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub port: i32,
    pub protocol: Reported<Protocol>,
    pub by: MatchedBy,
    pub action: RouteAction,
    /// The service behind the target group, when ecsnet owns the target group.
    pub service: Option<String>,
}

/// What picked the answer: a rule, or the listener's default action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchedBy {
    /// `address` is the rule's address in the topology, when ecsnet owns it.
    Rule {
        priority: u32,
        address: Option<Address>,
    },
    Default,
}

/// What the load balancer does with the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteAction {
    /// `empty`: the topology's empty target group, where AWS answers 503.
    Forward {
        target_group: String,
        empty: bool,
    },
    FixedResponse {
        status: u16,
        body: Option<String>,
    },
    Redirect {
        protocol: Reported<Protocol>,
        port: RedirectPort,
        status: Reported<RedirectStatus>,
    },
    /// A rule whose action is no forward (ecsnet's rules always forward).
    NotAForward,
    /// A default action ecsnet does not set (authentication, weighted forwards).
    Unknown,
}

/// The topology's load balancers in live state (more than one when its rules outgrew one), first shard first.
pub fn load_balancers<'a>(observed: &'a Observed, topology: &str) -> Vec<&'a LoadBalancer> {
    let mut found: Vec<(u16, &LoadBalancer)> = observed
        .load_balancers
        .iter()
        .filter(|load_balancer| owned_by(&load_balancer.tags, topology))
        .filter_map(|load_balancer| match tagged_address(&load_balancer.tags)? {
            Address::LoadBalancer(shard) => Some((shard, load_balancer)),
            _ => None,
        })
        .collect();
    found.sort_by_key(|(shard, _)| *shard);
    found.into_iter().map(|(_, load_balancer)| load_balancer).collect()
}

/// What each listener (or the one on `port`) does with a request for `host` and `path`.
pub fn route(
    observed: &Observed,
    load_balancer: &LoadBalancer,
    host: &str,
    path: &str,
    port: Option<u16>,
) -> Vec<Answer> {
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    let path = path.split('?').next().unwrap_or(path);
    let mut listeners: Vec<&Listener> = load_balancer
        .listeners
        .iter()
        .filter(|listener| port.is_none_or(|port| listener.port == i32::from(port)))
        .collect();
    listeners.sort_by_key(|listener| listener.port);
    listeners.into_iter().map(|listener| answer(observed, listener, &host, path)).collect()
}

fn answer(observed: &Observed, listener: &Listener, host: &str, path: &str) -> Answer {
    let mut rules: Vec<_> = listener.rules.iter().collect();
    rules.sort_by_key(|rule| rule.priority);
    let matched = rules.into_iter().find(|rule| {
        (rule.hosts.is_empty() || rule.hosts.iter().any(|pattern| wildcard(&pattern.to_ascii_lowercase(), host)))
            && (rule.paths.is_empty() || rule.paths.iter().any(|pattern| wildcard(pattern, path)))
            && !(rule.hosts.is_empty() && rule.paths.is_empty())
    });
    let (by, (action, service)) = match matched {
        Some(rule) => (
            MatchedBy::Rule { priority: rule.priority, address: tagged_address(&rule.tags) },
            forward(observed, rule.target_group_arn.as_deref()),
        ),
        None => (MatchedBy::Default, default_action(observed, &listener.default)),
    };
    Answer { port: listener.port, protocol: listener.protocol.clone(), by, action, service }
}

fn default_action(observed: &Observed, default: &ListenerDefault) -> (RouteAction, Option<String>) {
    match default {
        ListenerDefault::Forward(arn) => forward(observed, Some(arn)),
        ListenerDefault::FixedResponse { status, body, .. } => {
            (RouteAction::FixedResponse { status: *status, body: body.clone() }, None)
        }
        ListenerDefault::Redirect { port, protocol, status } => {
            (RouteAction::Redirect { protocol: protocol.clone(), port: *port, status: status.clone() }, None)
        }
        ListenerDefault::Other => (RouteAction::Unknown, None),
    }
}

/// The forward to a target group (by name when it is in live state), and the service behind it, from its tags.
fn forward(observed: &Observed, arn: Option<&str>) -> (RouteAction, Option<String>) {
    let Some(arn) = arn else { return (RouteAction::NotAForward, None) };
    let group = observed.target_groups.iter().find(|group| group.arn == arn);
    let target_group = group.map_or(arn, |group| group.name.as_str()).to_string();
    let address = group.and_then(|group| tagged_address(&group.tags));
    let service = match &address {
        Some(Address::TargetGroup(service)) => Some(service.clone()),
        _ => None,
    };
    let empty = matches!(address, Some(Address::DefaultTargetGroup(_)));
    (RouteAction::Forward { target_group, empty }, service)
}

/// AWS's condition wildcards: `*` any run of characters, `?` exactly one.
fn wildcard(pattern: &str, text: &str) -> bool {
    let (pattern, text): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut p, mut t, mut star, mut mark) = (0, 0, None, 0);
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some(p);
            mark = t;
            p += 1;
        } else if let Some(star) = star {
            p = star + 1;
            mark += 1;
            t = mark;
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests;
