//! AWS's limits, checked before any API call so nothing fails half-way. Every error says what is wrong, where
//! (the key, and its line and column in the file), and how to fix it.

use std::collections::HashMap;
use std::fmt;

mod load_balancer;
mod routing;

use super::file::{HealthCheckSection, ServiceDiscoverySection, TopologyFile};
use super::names::MAX_NAME_LEN;
use super::places::KeyPlaces;
use super::{
    Connect, Dns, EcsWiring, HealthCheck, Listener, Network, RecordKind, RecordType, Routing, Service,
    ServiceDiscovery, TargetType, Topology,
};
use load_balancer::validate_load_balancer;
use routing::validate_routing;

pub const DEFAULT_TTL: i64 = 60;
/// Cloud Map records: short, so callers see new tasks soon.
pub const DEFAULT_DISCOVERY_TTL: i64 = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The key, as a path: `service[1].priority`.
    pub key: String,
    pub problem: String,
    pub hint: String,
    /// 1-based line and column of the key's value in the file, or of the header of the table that lacks the key.
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}\n    hint: {}", self.key, self.problem, self.hint)
    }
}

/// The problems validation finds, each with the key that places it in the file; they are placed only when
/// there are any, so a valid file is read once.
#[derive(Default)]
pub(super) struct Errors(Vec<Found>);

struct Found {
    label: String,
    key: String,
    problem: String,
    hint: String,
}

impl Errors {
    /// A problem shown under `key` and placed where `key` stands.
    pub(super) fn push(&mut self, key: impl Into<String>, problem: impl Into<String>, hint: impl Into<String>) {
        let key = key.into();
        self.push_labelled(key.clone(), key, problem, hint);
    }

    /// A problem shown under `label` and placed where `key` stands: for problems named otherwise than by a key.
    pub(super) fn push_labelled(
        &mut self,
        label: impl Into<String>,
        key: impl Into<String>,
        problem: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.0.push(Found { label: label.into(), key: key.into(), problem: problem.into(), hint: hint.into() });
    }

    /// Each problem with the line and column of its key in the file.
    pub(super) fn placed(self, places: &KeyPlaces) -> Vec<ValidationError> {
        self.0
            .into_iter()
            .map(|found| {
                let place = places.place_of(&found.key);
                ValidationError {
                    key: found.label,
                    problem: found.problem,
                    hint: found.hint,
                    line: place.line,
                    column: place.column,
                }
            })
            .collect()
    }
}

/// Validates the file and resolves every default; all problems are reported at once.
pub fn validate(file: &TopologyFile) -> Result<Topology, Errors> {
    let mut errors = Errors::default();
    check_resource_name(&mut errors, "name", &file.name, "the topology name");
    if let Some(region) = &file.region {
        if region.trim().is_empty() {
            errors.push("region", "is empty", "write a region such as \"us-east-1\", or leave the key out");
        }
    }
    let network = validate_network(&mut errors, file);
    let dns = file.dns.as_ref().map(|dns| validate_dns(&mut errors, &dns.zone, dns.ttl, dns.record.as_deref()));
    let load_balancer = validate_load_balancer(&mut errors, file);
    if file.listener.is_some() && file.load_balancer.is_none() {
        errors.push("listener", "a listener needs a load balancer", "add a [load_balancer] table");
    }
    let listeners = load_balancer.as_ref().map_or(&[][..], |load_balancer| &load_balancer.listeners[..]);
    let discovery =
        file.discovery.as_ref().map(|discovery| validate_namespace(&mut errors, &discovery.namespace, dns.as_ref()));
    let services = validate_services(&mut errors, file, dns.as_ref(), listeners);
    load_balancer::check_forward_defaults(&mut errors, file, listeners, &services);
    // More rules than one load balancer holds are spread over several (plan/diff/shards.rs); a service's own
    // rules, one per listener, always fit in one.
    if !errors.0.is_empty() {
        return Err(errors);
    }
    Ok(Topology {
        name: file.name.clone(),
        region: file.region.clone(),
        network,
        load_balancer,
        dns,
        discovery,
        services,
    })
}

fn validate_network(errors: &mut Errors, file: &TopologyFile) -> Network {
    let network = &file.network;
    if network.vpc.trim().is_empty() {
        errors.push("network.vpc", "is empty", "write the VPC's ID (vpc-…) or the value of its Name tag");
    }
    if network.subnets.len() < 2 {
        errors.push(
            "network.subnets",
            format!(
                "lists {} subnet(s); a load balancer needs subnets in at least two Availability Zones",
                network.subnets.len()
            ),
            "list two or more subnets, each in a different Availability Zone",
        );
    }
    for (index, subnet) in network.subnets.iter().enumerate() {
        if network.subnets[..index].contains(subnet) {
            errors.push(
                format!("network.subnets[{index}]"),
                format!("\"{subnet}\" is listed twice"),
                "list each subnet once",
            );
        }
    }
    Network { vpc: network.vpc.trim().to_string(), subnets: network.subnets.clone() }
}

fn validate_dns(errors: &mut Errors, zone: &str, ttl: Option<i64>, record: Option<&str>) -> Dns {
    let zone = normalize_host(zone);
    if let Err(problem) = check_dns_name(&zone, false) {
        errors.push(
            "dns.zone",
            format!("\"{zone}\" is not a valid zone name: {problem}"),
            "write a domain such as \"in.example.com\"",
        );
    }
    let ttl = ttl.unwrap_or(DEFAULT_TTL);
    if !(0..=2_147_483_647).contains(&ttl) {
        errors.push(
            "dns.ttl",
            format!("{ttl} is outside 0–2147483647 seconds"),
            "Route 53 TTLs are whole seconds; 60 is usual",
        );
    }
    let record = match record.unwrap_or("cname") {
        "cname" => RecordKind::Cname,
        "alias" => RecordKind::Alias,
        other => {
            errors.push("dns.record", format!("\"{other}\" is not a record kind"), "write \"cname\" (the default) or \"alias\" (an A alias to the load balancer, allowed at the zone apex)");
            RecordKind::Cname
        }
    };
    Dns { zone, ttl, record }
}

fn validate_namespace(errors: &mut Errors, namespace: &str, dns: Option<&Dns>) -> String {
    let namespace = normalize_host(namespace);
    let single_label_ok = if namespace.contains('.') {
        check_dns_name(&namespace, false)
    } else {
        check_dns_name(&format!("{namespace}.x"), false)
    };
    if let Err(problem) = single_label_ok {
        errors.push(
            "discovery.namespace",
            format!("\"{namespace}\" is not a valid namespace name: {problem}"),
            "write a DNS name such as \"internal\" or \"my.demo\"",
        );
    }
    if dns.is_some_and(|dns| dns.zone == namespace) {
        errors.push(
            "discovery.namespace",
            format!("\"{namespace}\" is also dns.zone: the Cloud Map namespace is a private hosted zone of its own, and a VPC cannot hold two private zones of one name"),
            "give the namespace another name, such as \"svc.\" followed by the zone",
        );
    }
    namespace
}

fn validate_services(
    errors: &mut Errors,
    file: &TopologyFile,
    dns: Option<&Dns>,
    listeners: &[Listener],
) -> Vec<Service> {
    let mut seen_names: HashMap<&str, usize> = HashMap::new();
    let mut seen_conditions: HashMap<(Vec<String>, Vec<String>), usize> = HashMap::new();
    let mut seen_priorities: HashMap<i64, usize> = HashMap::new();
    let mut seen_discovery_names: HashMap<String, usize> = HashMap::new();
    let mut services = Vec::new();
    for (index, section) in file.services.iter().enumerate() {
        let at = |key: &str| format!("service[{index}].{key}");
        check_resource_name(errors, at("name"), &section.name, "a service name");
        if let Some(first) = seen_names.insert(&section.name, index) {
            errors.push(
                at("name"),
                format!("\"{}\" is also the name of service[{first}]", section.name),
                "give every service its own name",
            );
        }
        let port = check_port(errors, &at("port"), section.port);
        if section.security_group.trim().is_empty() {
            errors.push(at("security_group"), "is empty", "write the tasks' security group: its ID (sg-…) or its name");
        }
        let target_type = match section.target_type.as_deref().unwrap_or("ip") {
            "ip" => TargetType::Ip,
            "instance" => TargetType::Instance,
            other => {
                errors.push(
                    at("target_type"),
                    format!("\"{other}\" is not a target type"),
                    "write \"ip\" (awsvpc networking, the default) or \"instance\" (bridge networking)",
                );
                TargetType::Ip
            }
        };
        let load_balanced = section.load_balanced.unwrap_or(file.load_balancer.is_some());
        let routing = if load_balanced {
            if file.load_balancer.is_none() {
                errors.push(
                    at("load_balanced"),
                    "the service is load balanced, and there is no [load_balancer] table",
                    "add a [load_balancer] table (every key in it is optional), or set load_balanced = false",
                );
            }
            let (hosts, paths, on_listeners, attributes) = validate_routing(errors, index, section, dns, listeners);
            let mut conditions = (hosts.clone(), paths.clone());
            conditions.0.sort();
            conditions.1.sort();
            if let Some(first) = seen_conditions.insert(conditions, index) {
                errors.push(
                    at("host"),
                    format!("service[{first}] matches the same hosts and paths"),
                    "give every service its own host or path",
                );
            }
            let priority = section.priority.map(|priority| {
                if !(1..=50_000).contains(&priority) {
                    errors.push(
                        at("priority"),
                        format!("{priority} is outside 1–50000"),
                        "choose a priority from 1 to 50000, or leave it out and ecsnet picks one",
                    );
                }
                if let Some(first) = seen_priorities.insert(priority, index) {
                    errors.push(
                        at("priority"),
                        format!("{priority} is also the priority of service[{first}]"),
                        "rule priorities must be unique on a listener",
                    );
                }
                priority.clamp(1, 50_000) as u32
            });
            let health_check = validate_health_check(errors, index, section.health_check.as_ref());
            Some(Routing { hosts, paths, listeners: on_listeners, priority, health_check, attributes })
        } else {
            let routing_keys = [
                ("host", section.host.is_some()),
                ("hosts", section.hosts.is_some()),
                ("paths", section.paths.is_some()),
                ("listeners", section.listeners.is_some()),
                ("priority", section.priority.is_some()),
                ("health_check", section.health_check.is_some()),
                ("deregistration_delay", section.deregistration_delay.is_some()),
                ("slow_start", section.slow_start.is_some()),
                ("stickiness", section.stickiness.is_some()),
            ];
            for (key, set) in routing_keys {
                if set {
                    errors.push(
                        at(key),
                        "applies only to a load-balanced service, and this one has load_balanced = false",
                        format!("remove {key}, or make the service load balanced"),
                    );
                }
            }
            None
        };
        let ecs = section.ecs.as_ref().map(|ecs| {
            if ecs.cluster.trim().is_empty() {
                errors.push(at("ecs.cluster"), "is empty", "write the ECS cluster's name or ARN");
            }
            EcsWiring {
                cluster: ecs.cluster.trim().to_string(),
                service: ecs.service.clone().unwrap_or_else(|| section.name.clone()),
                container: ecs.container.clone().unwrap_or_else(|| section.name.clone()),
            }
        });
        let discovery = section
            .discovery
            .as_ref()
            .map(|discovery| validate_service_discovery(errors, index, file, target_type, discovery));
        let connect = section.connect.as_ref().map(|connect| {
            if file.discovery.is_none() {
                errors.push(
                    at("connect"),
                    "Service Connect needs a Cloud Map namespace, and there is no [discovery] table",
                    "add [discovery] namespace = \"…\"",
                );
            }
            if ecs.is_none() {
                errors.push(
                    at("connect"),
                    "Service Connect is a setting of the ECS service, and there is no [service.ecs] table",
                    "add [service.ecs] cluster = \"…\"",
                );
            }
            let discovery_name = connect.discovery_name.clone().unwrap_or_else(|| section.name.clone());
            for (key, value) in [("connect.discovery_name", &discovery_name), ("connect.port_name", &connect.port_name)]
            {
                if let Err(problem) = check_service_connect_name(value) {
                    errors.push(
                        at(key),
                        format!("\"{value}\" {problem}"),
                        "use up to 64 lowercase letters, digits, underscores and hyphens, not starting with a hyphen",
                    );
                }
            }
            if let Some(first) = seen_discovery_names.insert(discovery_name.clone(), index) {
                errors.push(
                    at("connect.discovery_name"),
                    format!("\"{discovery_name}\" is also the discovery name of service[{first}]"),
                    "discovery names must be unique in the namespace",
                );
            }
            Connect { port_name: connect.port_name.clone(), discovery_name }
        });
        services.push(Service {
            name: section.name.clone(),
            port,
            security_group: section.security_group.trim().to_string(),
            target_type,
            routing,
            callers: section.callers.clone().unwrap_or_default(),
            ecs,
            discovery,
            connect,
        });
    }
    check_callers_and_discovery_names(errors, &services);
    services
}

fn validate_service_discovery(
    errors: &mut Errors,
    index: usize,
    file: &TopologyFile,
    target_type: TargetType,
    section: &ServiceDiscoverySection,
) -> ServiceDiscovery {
    let at = |key: &str| format!("service[{index}].discovery.{key}");
    if file.discovery.is_none() {
        errors.push(
            format!("service[{index}].discovery"),
            "there is no [discovery] table naming the Cloud Map namespace",
            "add [discovery] namespace = \"…\"",
        );
    }
    let record = match section.record.as_deref().unwrap_or("A") {
        "A" => RecordType::A,
        "SRV" => RecordType::Srv,
        other => {
            errors.push(
                at("record"),
                format!("\"{other}\" is not a record type Cloud Map registers for ECS"),
                "write \"A\" (awsvpc networking) or \"SRV\"",
            );
            RecordType::A
        }
    };
    if record == RecordType::A && target_type == TargetType::Instance {
        errors.push(at("record"), "A records need awsvpc networking (each task its own IP), and target_type = \"instance\" means bridge networking", "use record = \"SRV\", which carries the host port");
    }
    let ttl = section.ttl.unwrap_or(DEFAULT_DISCOVERY_TTL);
    if !(0..=2_147_483_647).contains(&ttl) {
        errors.push(
            at("ttl"),
            format!("{ttl} is outside 0–2147483647 seconds"),
            "a short TTL such as 10 suits service discovery",
        );
    }
    ServiceDiscovery { record, ttl }
}

/// Callers must be services of the topology; Service Connect's discovery names must not collide with the Cloud
/// Map services `[service.discovery]` creates (one per service, named after it).
fn check_callers_and_discovery_names(errors: &mut Errors, services: &[Service]) {
    for (index, service) in services.iter().enumerate() {
        for (position, caller) in service.callers.iter().enumerate() {
            if !services.iter().any(|other| other.name == *caller) {
                errors.push(
                    format!("service[{index}].callers[{position}]"),
                    format!("\"{caller}\" is not a service of this topology"),
                    "list the names of [[service]] entries whose tasks call this service",
                );
            }
            if service.callers[..position].contains(caller) {
                errors.push(
                    format!("service[{index}].callers[{position}]"),
                    format!("\"{caller}\" is listed twice"),
                    "list each caller once",
                );
            }
        }
        if let Some(connect) = &service.connect {
            if let Some(other) =
                services.iter().find(|other| other.discovery.is_some() && other.name == connect.discovery_name)
            {
                errors.push(
                    format!("service[{index}].connect.discovery_name"),
                    format!("\"{}\" is also the Cloud Map service that [service.discovery] of \"{}\" creates in the namespace", connect.discovery_name, other.name),
                    "choose another discovery_name",
                );
            }
        }
    }
}

/// Service Connect's port and discovery names: up to 64 lowercase letters, digits, underscores and hyphens, not
/// starting with a hyphen.
fn check_service_connect_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 64 {
        return Err("must have 1 to 64 characters");
    }
    if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-') {
        return Err("has characters other than lowercase letters, digits, underscores and hyphens");
    }
    if name.starts_with('-') {
        return Err("starts with a hyphen");
    }
    Ok(())
}

pub(super) fn validate_health_check(
    errors: &mut Errors,
    index: usize,
    section: Option<&HealthCheckSection>,
) -> HealthCheck {
    let defaults = HealthCheck::default();
    let Some(section) = section else { return defaults };
    let at = |key: &str| format!("service[{index}].health_check.{key}");
    let mut bounded = |key: &str, value: Option<i64>, default: i32, low: i64, high: i64| -> i32 {
        match value {
            None => default,
            Some(value) if (low..=high).contains(&value) => value as i32,
            Some(value) => {
                errors.push(
                    at(key),
                    format!("{value} is outside {low}–{high}"),
                    format!("AWS accepts {low} to {high}; leave it out for {default}"),
                );
                default
            }
        }
    };
    let interval = bounded("interval", section.interval, defaults.interval, 5, 300);
    let timeout = bounded("timeout", section.timeout, defaults.timeout, 2, 120);
    let healthy_threshold = bounded("healthy_threshold", section.healthy_threshold, defaults.healthy_threshold, 2, 10);
    let unhealthy_threshold =
        bounded("unhealthy_threshold", section.unhealthy_threshold, defaults.unhealthy_threshold, 2, 10);
    if timeout >= interval {
        errors.push(
            at("timeout"),
            format!("the timeout ({timeout} s) must be shorter than the interval ({interval} s)"),
            "lower the timeout or raise the interval",
        );
    }
    let path = section.path.clone().unwrap_or(defaults.path);
    if !path.starts_with('/') || path.len() > 1024 {
        errors.push(
            at("path"),
            format!("\"{path}\" must begin with \"/\" and be at most 1024 characters"),
            "write a path such as \"/health\"",
        );
    }
    let matcher = section.matcher.clone().unwrap_or(defaults.matcher);
    if !is_http_code_matcher(&matcher) {
        errors.push(
            at("matcher"),
            format!("\"{matcher}\" is not a list or range of HTTP codes 200–499"),
            "write \"200\", \"200,202\" or \"200-299\"",
        );
    }
    HealthCheck { path, interval, timeout, healthy_threshold, unhealthy_threshold, matcher }
}

fn is_http_code_matcher(matcher: &str) -> bool {
    let is_code = |code: &str| code.len() == 3 && code.parse::<u16>().is_ok_and(|code| (200..=499).contains(&code));
    !matcher.is_empty()
        && matcher.split(',').all(|part| match part.split_once('-') {
            Some((low, high)) => is_code(low) && is_code(high) && low <= high,
            None => is_code(part),
        })
}

pub(super) fn check_port(errors: &mut Errors, key: &str, port: i64) -> u16 {
    if (1..=65_535).contains(&port) {
        port as u16
    } else {
        errors.push(key, format!("{port} is outside 1–65535"), "write a TCP port number");
        1
    }
}

/// Load balancer, target group and topology names: AWS allows 1–32 letters, digits and hyphens, not at either end.
pub(super) fn check_resource_name(errors: &mut Errors, key: impl Into<String>, name: &str, what: &str) {
    let key = key.into();
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        errors.push(
            &key,
            format!("{what} \"{name}\" has {} characters; AWS allows 1 to {MAX_NAME_LEN}", name.len()),
            "use a shorter name",
        );
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        errors.push(
            &key,
            format!("{what} \"{name}\" has characters other than letters, digits and hyphens"),
            "use only letters, digits and hyphens",
        );
    }
    if name.starts_with('-') || name.ends_with('-') {
        errors.push(&key, format!("{what} \"{name}\" begins or ends with a hyphen"), "move the hyphen inside the name");
    }
}

pub(crate) fn normalize_host(host: &str) -> String {
    host.trim().trim_end_matches('.').to_ascii_lowercase()
}

pub(super) fn check_dns_name(name: &str, allow_wildcard: bool) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    if name.len() > 253 {
        return Err("it is longer than 253 characters".into());
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return Err("it needs at least two labels".into());
    }
    for (index, label) in labels.iter().enumerate() {
        if *label == "*" && allow_wildcard && index == 0 {
            continue;
        }
        if label.is_empty() || label.len() > 63 {
            return Err(format!("label \"{label}\" must have 1 to 63 characters"));
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(format!("label \"{label}\" has characters other than letters, digits and hyphens"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("label \"{label}\" begins or ends with a hyphen"));
        }
    }
    Ok(())
}

pub(super) fn check_ipv4_cidr(cidr: &str) -> Result<(), &'static str> {
    let (address, length) = cidr.split_once('/').ok_or("has no prefix length")?;
    address.parse::<std::net::Ipv4Addr>().map_err(|_| "is not an IPv4 address")?;
    match length.parse::<u8>() {
        Ok(length) if length <= 32 => Ok(()),
        _ => Err("has a prefix length outside 0–32"),
    }
}

#[cfg(test)]
mod tests;
