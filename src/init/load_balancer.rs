//! The `[load_balancer]` and `[listener]` tables of the Application Load Balancer the services already sit behind,
//! and each service's route through it, written so that `plan --adopt` takes them over with as few changes as
//! possible: real names, ports, protocols, certificates, default actions, conditions and health checks.

use std::fmt::Write as _;

use crate::live::cluster::AttachedLoadBalancer;
use crate::live::{Direction, IpProtocol, Listener, ListenerDefault, Peer, Permission, RedirectStatus, Reported};
use crate::topology::{Protocol, Scheme};

use super::adoption::{listeners_by_port, port, Route};
use super::{quote, write_comment};

/// `[load_balancer]` and a listener table per listener; `service_of` names the service a target group ARN is of.
pub(super) fn write_load_balancer(
    out: &mut String,
    balancer: &AttachedLoadBalancer,
    service_of: &dyn Fn(&str) -> Option<String>,
) {
    let live = &balancer.load_balancer;
    let _ = writeln!(out, "[load_balancer]                      # adopted by its name");
    let _ = writeln!(out, "name = {}", quote(&live.name));
    let _ = writeln!(out, "scheme = {}", quote(live.scheme.as_aws()));
    write_allowed_cidrs(out, balancer);
    let listeners = listeners_by_port(balancer);
    if listeners.is_empty() {
        let _ = writeln!(out, "# it has no listener: plan adds ecsnet's HTTP listener on port 80");
    }
    for listener in &listeners {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", if listeners.len() == 1 { "[listener]" } else { "[[listener]]" });
        let _ = writeln!(out, "port = {}", listener.port);
        let _ = writeln!(out, "protocol = {}", quote(listener.protocol.as_aws()));
        if let Some(certificate) = &listener.certificate_arn {
            let _ = writeln!(out, "certificate_arn = {}", quote(certificate));
        }
        if let Some(policy) = listener.ssl_policy.as_ref().filter(|_| listener.protocol.is(Protocol::Https)) {
            let _ = writeln!(out, "ssl_policy = {}", quote(policy));
        }
        write_default(out, listener, &listeners, service_of);
    }
}

/// `allowed_cidrs`: the CIDR blocks its security groups admit on every listener port, when there are any; what
/// else they admit, and what ecsnet does without the key, as comments.
fn write_allowed_cidrs(out: &mut String, balancer: &AttachedLoadBalancer) {
    let mut ports: Vec<u16> = balancer.load_balancer.listeners.iter().map(port).collect();
    if ports.is_empty() {
        ports.push(80);
    }
    let inbound: Vec<&Permission> =
        balancer.inbound.iter().filter(|permission| permission.direction == Direction::Ingress).collect();
    let admits = |permission: &Permission, port: u16| {
        permission.protocol.is(IpProtocol::All)
            || (permission.protocol.is(IpProtocol::Tcp)
                && (permission.from_port..=permission.to_port).contains(&i32::from(port)))
    };
    let on_every_port = |cidr: &str| {
        ports.iter().all(|port| {
            inbound
                .iter()
                .any(|permission| permission.peer == Peer::Cidr(cidr.to_string()) && admits(permission, *port))
        })
    };
    let mut every_port = Vec::new();
    let mut others = Vec::new();
    for permission in &inbound {
        match &permission.peer {
            Peer::Cidr(cidr) if on_every_port(cidr) => every_port.push(cidr.clone()),
            Peer::Cidr(cidr) => others.push(format!(
                "{cidr} on {}/{}",
                permission.protocol,
                port_range(permission.from_port, permission.to_port)
            )),
            Peer::Group(group) => others.push(format!("security group {group}")),
            Peer::PrefixList(list) => others.push(format!("prefix list {list}")),
        }
    }
    every_port.sort();
    every_port.dedup();
    if every_port.is_empty() {
        let what = if balancer.load_balancer.scheme.is(Scheme::InternetFacing) {
            "# allowed_cidrs = [\"…\"]            # write who may connect: its security groups admit no CIDR block on\n#                                      every listener port, and an internet-facing load balancer needs the key"
        } else {
            "# allowed_cidrs: left out, so ecsnet admits the VPC's CIDR blocks (its security groups admit no CIDR\n# block on every listener port)"
        };
        let _ = writeln!(out, "{what}");
    } else {
        let list: Vec<String> = every_port.iter().map(|cidr| quote(cidr)).collect();
        let key = format!("allowed_cidrs = [{}]", list.join(", "));
        let _ = writeln!(out, "{key:<36} # what its security groups admit on every listener port");
    }
    if !others.is_empty() {
        let _ = writeln!(out, "# its security groups also admit {}; allowed_cidrs cannot say so", others.join(", "));
    }
}

fn port_range(from: i32, to: i32) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from}-{to}")
    }
}

/// The listener's `default` (or `redirect_to`) when the file can say it; a comment when it cannot.
fn write_default(
    out: &mut String,
    listener: &Listener,
    listeners: &[&Listener],
    service_of: &dyn Fn(&str) -> Option<String>,
) {
    match &listener.default {
        ListenerDefault::Forward(arn) => match service_of(arn) {
            Some(service) => {
                let _ = writeln!(out, "default = {{ forward = {} }}", quote(&service));
            }
            None => {
                let _ = writeln!(
                    out,
                    "# forwards by default to target group {}, no service's here: adopted as the listener's empty\n# default target group",
                    target_group_name(arn)
                );
            }
        },
        ListenerDefault::FixedResponse { status, body, content_type } => {
            let body = body.as_ref().map_or(String::new(), |body| format!(", body = {}", quote(body)));
            let _ = writeln!(
                out,
                "default = {{ fixed_response = {status}{body}, content_type = {} }}",
                quote(content_type)
            );
        }
        ListenerDefault::Redirect { port: to, protocol, status } => {
            match redirect_target(to.0, protocol, status, listeners) {
                Some(to) => {
                    let _ = writeln!(out, "redirect_to = {to}");
                }
                None => {
                    let _ = writeln!(out, "# redirects by default to {protocol}:{to} ({status}), which the file cannot say: plan makes it");
                    let _ = writeln!(out, "# forward to an empty target group unless you set default or redirect_to");
                }
            }
        }
        ListenerDefault::Other => {
            let _ = writeln!(
                out,
                "# its default action is none the file can say: plan makes it forward to an empty target group"
            );
            let _ = writeln!(out, "# unless you set default or redirect_to");
        }
    }
}

/// The port of a redirect the file can say: 301 to HTTPS on one of the load balancer's HTTPS listeners.
fn redirect_target(
    port: Option<u16>,
    protocol: &Reported<Protocol>,
    status: &Reported<RedirectStatus>,
    listeners: &[&Listener],
) -> Option<u16> {
    let port = port?;
    let to_https_listener =
        listeners.iter().any(|listener| listener.port == i32::from(port) && listener.protocol.is(Protocol::Https));
    (protocol.is(Protocol::Https) && status.is(RedirectStatus::Permanent) && to_https_listener).then_some(port)
}

/// A target group's name from its ARN (`…:targetgroup/<name>/<id>`).
fn target_group_name(arn: &str) -> &str {
    arn.split_once(":targetgroup/").and_then(|(_, rest)| rest.split('/').next()).unwrap_or(arn)
}

/// The ports of the listeners that carry service rules as the file has them: every one that does not redirect.
fn rule_carrying_ports(balancer: &AttachedLoadBalancer) -> Vec<u16> {
    let listeners = listeners_by_port(balancer);
    listeners
        .iter()
        .filter(|listener| match &listener.default {
            ListenerDefault::Redirect { port, protocol, status } => {
                redirect_target(port.0, protocol, status, &listeners).is_none()
            }
            _ => true,
        })
        .map(|listener| port(listener))
        .collect()
}

/// A service's keys for its route: its rule's conditions (a placeholder host when it has no rule and no zone gives it
/// one), the listeners that carry the rule when not all do, its target type; what the file leaves as it is, as
/// comments.
pub(super) fn write_route_keys(out: &mut String, balancer: &AttachedLoadBalancer, route: &Route, names: RouteNames) {
    let group = route.group;
    let _ = writeln!(out, "# behind load balancer {} through target group {}", balancer.load_balancer.name, group.name);
    if group.port != names.port || !group.protocol.is(Protocol::Http) {
        let _ = writeln!(
            out,
            "# the target group is {}:{}, ecsnet's is HTTP:{}: plan replaces it (AWS cannot change a target group's\n# port or protocol: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyTargetGroup.html)",
            group.protocol, group.port, names.port
        );
    }
    match &route.rule {
        Some((rule, ports)) => {
            match rule.hosts.as_slice() {
                [] => {}
                [host] => {
                    let _ = writeln!(out, "host = {}", quote(host));
                }
                hosts => {
                    let _ = writeln!(
                        out,
                        "hosts = [{}]",
                        hosts.iter().map(|host| quote(host)).collect::<Vec<_>>().join(", ")
                    );
                }
            }
            if !rule.paths.is_empty() {
                let _ = writeln!(
                    out,
                    "paths = [{}]",
                    rule.paths.iter().map(|path| quote(path)).collect::<Vec<_>>().join(", ")
                );
            }
            if *ports != rule_carrying_ports(balancer) {
                let list: Vec<String> = ports.iter().map(u16::to_string).collect();
                let _ = writeln!(out, "listeners = [{}]", list.join(", "));
            }
        }
        None => write_placeholder_host(out, route, names),
    }
    let _ = writeln!(out, "target_type = {}", quote(group.target_type.as_aws()));
    for (port, rule) in &route.other_rules {
        let _ = writeln!(
            out,
            "# rule {} on listener {port} also forwards to it (ecsnet leaves that rule alone)",
            rule.priority
        );
    }
}

/// The ECS and topology names of a service, and its container port.
pub(super) struct RouteNames<'a> {
    pub name: &'a str,
    pub port: i32,
    pub zone: Option<&'a str>,
}

/// A service that no rule forwards to still needs a host or paths for its rule: the zone's name for it, or a host
/// that can never match, clearly marked.
fn write_placeholder_host(out: &mut String, route: &Route, names: RouteNames) {
    let by = match route.defaults.as_slice() {
        [] => "no listener's default action does either".to_string(),
        ports => {
            let list: Vec<String> = ports.iter().map(u16::to_string).collect();
            format!("the default action of listener {} does", list.join(", "))
        }
    };
    if let Some(zone) = names.zone {
        let _ = writeln!(
            out,
            "# no rule forwards to it today ({by}): plan adds one for {}.{zone}, its name in [dns]",
            names.name.to_ascii_lowercase()
        );
        return;
    }
    write_comment(
        out,
        &format!(
            "PLACEHOLDER host: no rule forwards to this service today ({by}), and ecsnet needs a host or paths for \
             the rule it gives each service. \".invalid\" names never resolve (RFC 6761, 6.4: \
             https://www.rfc-editor.org/rfc/rfc6761#section-6.4), so that rule matches no request and routing \
             stays as it is. Write the service's real host name here once it has one."
        ),
    );
    let _ = writeln!(out, "host = {}", quote(&format!("{}.invalid", names.name.to_ascii_lowercase())));
}

/// `[service.health_check]` from the target group's health check, every field written.
pub(super) fn write_health_check(out: &mut String, route: &Route) {
    let check = &route.group.health_check;
    let _ = writeln!(out, "[service.health_check]               # the target group's");
    let _ = writeln!(out, "path = {}", quote(&check.path));
    let _ = writeln!(out, "interval = {}", check.interval);
    let _ = writeln!(out, "timeout = {}", check.timeout);
    let _ = writeln!(out, "healthy_threshold = {}", check.healthy_threshold);
    let _ = writeln!(out, "unhealthy_threshold = {}", check.unhealthy_threshold);
    let _ = writeln!(out, "matcher = {}", quote(&check.matcher));
}
