//! How the load balancer reaches a service: hosts, paths, listeners, and target group attributes.

use crate::topology::file::ServiceSection;
use crate::topology::{Dns, Listener, Stickiness, TargetGroupAttributes};

use super::syntax::{check_dns_name, normalize_host};
use super::Errors;

/// AWS's limit on condition values (hosts and paths together) in one rule, not adjustable
/// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html#rules-quotas).
pub const MAX_CONDITION_VALUES: usize = 5;
/// AWS's limit on wildcards (`*` and `?`) in the condition values of one rule, from the same table.
pub const MAX_CONDITION_WILDCARDS: usize = 5;
/// The stickiness duration when `stickiness = {}` gives none: one day, as AWS.
const DEFAULT_STICKINESS: i64 = crate::topology::aws_defaults::STICKINESS_DURATION;

/// Hosts, paths, listener ports and attributes of a load-balanced service.
pub fn validate_routing(
    errors: &mut Errors,
    index: usize,
    section: &ServiceSection,
    dns: Option<&Dns>,
    listeners: &[Listener],
) -> (Vec<String>, Vec<String>, Vec<u16>, TargetGroupAttributes) {
    let paths = section.paths.clone().unwrap_or_default();
    let hosts = hosts(errors, index, section, &paths, dns);
    check_hosts(errors, index, section, &hosts, dns);
    check_paths(errors, index, &paths);
    check_condition_limits(errors, index, &hosts, &paths);
    let on_listeners = listener_ports(errors, index, section, listeners);
    (hosts, paths, on_listeners, attributes(errors, index, section))
}

/// The hosts the rule matches: the ones named, or none when paths are given, or the service's name in the zone.
fn hosts(
    errors: &mut Errors,
    index: usize,
    section: &ServiceSection,
    paths: &[String],
    dns: Option<&Dns>,
) -> Vec<String> {
    let at = |key: &str| format!("service[{index}].{key}");
    match (&section.host, &section.hosts) {
        (Some(_), Some(_)) => {
            errors.push(at("hosts"), "host and hosts are both set", "list every host in hosts");
            vec![]
        }
        (Some(host), None) => vec![normalize_host(host)],
        (None, Some(hosts)) => hosts.iter().map(|host| normalize_host(host)).collect(),
        (None, None) if !paths.is_empty() => vec![],
        (None, None) => match dns {
            Some(dns) => vec![format!("{}.{}", section.name.to_ascii_lowercase(), dns.zone)],
            None => {
                errors.push(
                    at("host"),
                    "no host or path is set and there is no [dns] zone to derive a host from",
                    "set host = \"name.example.com\" or paths = [\"/name/*\"], or add a [dns] table",
                );
                vec![]
            }
        },
    }
}

/// Each host fits a host-header condition, is a DNS name, and is not the zone apex when the record is a CNAME.
fn check_hosts(errors: &mut Errors, index: usize, section: &ServiceSection, hosts: &[String], dns: Option<&Dns>) {
    let key = format!("service[{index}].host");
    for host in hosts {
        if host.len() > 128 {
            errors.push(
                &key,
                format!("\"{host}\" is longer than the 128 characters a host-header condition allows"),
                "use a shorter host name",
            );
        }
        if let Err(problem) = check_dns_name(host, false) {
            errors.push(
                &key,
                format!("\"{host}\" is not a valid host name: {problem}"),
                "use letters, digits, hyphens and dots",
            );
        }
        if let Some(dns) = dns {
            if *host == dns.zone && dns.record == crate::topology::RecordKind::Cname {
                errors.push(
                    &key,
                    format!("\"{host}\" is the zone apex, where DNS allows no CNAME record"),
                    format!(
                        "use a name inside the zone, such as \"{}.{}\", or set dns.record = \"alias\"",
                        section.name, dns.zone
                    ),
                );
            }
        }
    }
}

fn check_paths(errors: &mut Errors, index: usize, paths: &[String]) {
    for path in paths {
        if let Err(problem) = check_path_pattern(path) {
            errors.push(
                format!("service[{index}].paths"),
                format!("\"{path}\" {problem}"),
                "write a path pattern such as \"/api/users\" or \"/api/users/*\"",
            );
        }
    }
}

/// AWS's limits on one rule: condition values, and wildcards in them.
fn check_condition_limits(errors: &mut Errors, index: usize, hosts: &[String], paths: &[String]) {
    let key = format!("service[{index}].paths");
    if hosts.len() + paths.len() > MAX_CONDITION_VALUES {
        errors.push(
            &key,
            format!(
                "{} hosts and {} paths make {} condition values; AWS allows {MAX_CONDITION_VALUES} in one rule",
                hosts.len(),
                paths.len(),
                hosts.len() + paths.len()
            ),
            "split the service's routes, or use wildcards (\"/api/*\", \"*.example.com\")",
        );
    }
    let wildcards: usize = hosts.iter().chain(paths).map(|value| value.matches(['*', '?']).count()).sum();
    if wildcards > MAX_CONDITION_WILDCARDS {
        errors.push(
            key,
            format!("the hosts and paths hold {wildcards} wildcards (* and ?); AWS allows {MAX_CONDITION_WILDCARDS} in one rule"),
            "use fewer wildcards, or split the service's routes",
        );
    }
}

/// The listeners that carry the rule: the ones named, or every listener that does not redirect.
fn listener_ports(errors: &mut Errors, index: usize, section: &ServiceSection, listeners: &[Listener]) -> Vec<u16> {
    let Some(wanted) = &section.listeners else {
        return listeners.iter().filter(|listener| listener.carries_rules()).map(|listener| listener.port).collect();
    };
    if wanted.is_empty() {
        errors.push(
            format!("service[{index}].listeners"),
            "is empty: no listener would carry the service's rule",
            "list at least one listener port, or leave the key out for every listener",
        );
    }
    let mut ports = Vec::new();
    for (position, port) in wanted.iter().enumerate() {
        let key = format!("service[{index}].listeners[{position}]");
        match listeners.iter().find(|listener| i64::from(listener.port) == *port) {
            Some(listener) if listener.carries_rules() => ports.push(listener.port),
            Some(_) => errors.push(
                key,
                format!("listener {port} redirects every request, so it carries no rules"),
                "list a listener that does not redirect",
            ),
            None => errors.push(
                key,
                format!("there is no listener on port {port}"),
                "list ports of the [[listener]] tables",
            ),
        }
    }
    ports.sort_unstable();
    ports.dedup();
    ports
}

fn attributes(errors: &mut Errors, index: usize, section: &ServiceSection) -> TargetGroupAttributes {
    let mut bounded = |key: &str, value: Option<i64>, valid: &dyn Fn(i64) -> bool, range: &str| {
        if let Some(value) = value {
            if !valid(value) {
                errors.push(
                    format!("service[{index}].{key}"),
                    format!("{value} is outside {range}"),
                    format!("AWS accepts {range}"),
                );
            }
        }
        value
    };
    TargetGroupAttributes {
        deregistration_delay: bounded(
            "deregistration_delay",
            section.deregistration_delay,
            &|value| (0..=3600).contains(&value),
            "0–3600 seconds",
        ),
        slow_start: bounded(
            "slow_start",
            section.slow_start,
            &|value| value == 0 || (30..=900).contains(&value),
            "0 (off) or 30–900 seconds",
        ),
        stickiness: bounded(
            "stickiness.duration",
            section.stickiness.as_ref().map(|stickiness| stickiness.duration.unwrap_or(DEFAULT_STICKINESS)),
            &|value| (1..=604_800).contains(&value),
            "1–604800 seconds",
        )
        .map(Stickiness::LbCookie),
    }
}

/// AWS's path-pattern syntax: up to 128 characters, starting with "/", from its allowed set, with * and ?.
fn check_path_pattern(path: &str) -> Result<(), &'static str> {
    if !path.starts_with('/') {
        return Err("does not begin with \"/\"");
    }
    if path.len() > 128 {
        return Err("is longer than 128 characters");
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_-.$/~\"'@:+&*?".contains(c);
    if !path.chars().all(allowed) {
        return Err("has characters a path-pattern condition does not allow");
    }
    Ok(())
}
