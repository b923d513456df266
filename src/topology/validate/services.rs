//! Each `[[service]]`: its name, port, security group and target type, how the load balancer routes to it, and
//! what services say of each other.

use std::collections::HashMap;

use crate::topology::file::{ServiceSection, TopologyFile};
use crate::topology::{Dns, Listener, Routing, Service, TargetType};

use super::connect::validate_connect;
use super::discovery::validate_service_discovery;
use super::ecs::validate_ecs;
use super::health_check::validate_health_check;
use super::routing::validate_routing;
use super::syntax::{check_port, check_resource_name};
use super::Errors;

/// What earlier services took and a later one must not take again, each with the index of the service that took
/// it first: names, rule conditions (hosts and paths), rule priorities and Service Connect discovery names.
#[derive(Default)]
struct Taken<'a> {
    names: HashMap<&'a str, usize>,
    conditions: HashMap<(Vec<String>, Vec<String>), usize>,
    priorities: HashMap<i64, usize>,
    discovery_names: HashMap<String, usize>,
}

pub(super) fn validate_services(
    errors: &mut Errors,
    file: &TopologyFile,
    dns: Option<&Dns>,
    listeners: &[Listener],
) -> Vec<Service> {
    let mut taken = Taken::default();
    let mut services = Vec::new();
    for (index, section) in file.services.iter().enumerate() {
        services.push(validate_service(errors, &mut taken, index, section, file, dns, listeners));
    }
    check_callers_and_discovery_names(errors, &services);
    services
}

fn validate_service<'a>(
    errors: &mut Errors,
    taken: &mut Taken<'a>,
    index: usize,
    section: &'a ServiceSection,
    file: &TopologyFile,
    dns: Option<&Dns>,
    listeners: &[Listener],
) -> Service {
    let at = |key: &str| format!("service[{index}].{key}");
    check_resource_name(errors, at("name"), &section.name, "a service name");
    if let Some(first) = taken.names.insert(&section.name, index) {
        errors.push(
            at("name"),
            format!("\"{}\" is also the name of the service at position {} in the file", section.name, first + 1),
            "give every service its own name",
        );
    }
    let port = check_port(errors, &at("port"), section.port);
    if section.security_group.trim().is_empty() {
        errors.push(at("security_group"), "is empty", "write the tasks' security group: its ID (sg-…) or its name");
    }
    let target_type = target_type(errors, index, section);
    let load_balanced = section.load_balanced.unwrap_or(file.load_balancer.is_some());
    let routing = if load_balanced {
        Some(validate_service_routing(errors, taken, index, section, file, dns, listeners))
    } else {
        refuse_routing_keys(errors, index, section);
        None
    };
    let ecs = section.ecs.as_ref().map(|ecs| validate_ecs(errors, index, section, ecs));
    let discovery = section
        .discovery
        .as_ref()
        .map(|discovery| validate_service_discovery(errors, index, file, target_type, discovery));
    let connect = section.connect.as_ref().map(|connect| {
        validate_connect(errors, &mut taken.discovery_names, index, section, file, ecs.is_some(), connect)
    });
    let lattice = section.lattice.as_ref().map(|lattice| {
        super::lattice::validate_service_lattice(errors, index, section, file, dns, target_type, lattice)
    });
    Service {
        name: section.name.clone(),
        port,
        security_group: section.security_group.trim().to_string(),
        target_type,
        routing,
        callers: section.callers.clone().unwrap_or_default(),
        ecs,
        discovery,
        connect,
        lattice,
    }
}

fn target_type(errors: &mut Errors, index: usize, section: &ServiceSection) -> TargetType {
    match section.target_type.as_deref().unwrap_or("ip") {
        "ip" => TargetType::Ip,
        "instance" => TargetType::Instance,
        other => {
            errors.push(
                format!("service[{index}].target_type"),
                format!("\"{other}\" is not a target type"),
                "write \"ip\" (awsvpc networking, the default) or \"instance\" (bridge networking)",
            );
            TargetType::Ip
        }
    }
}

/// How the load balancer reaches a load-balanced service: its rule's conditions, listeners and priority, and its
/// target group's health check and attributes.
fn validate_service_routing(
    errors: &mut Errors,
    taken: &mut Taken,
    index: usize,
    section: &ServiceSection,
    file: &TopologyFile,
    dns: Option<&Dns>,
    listeners: &[Listener],
) -> Routing {
    if file.load_balancer.is_none() {
        errors.push(
            format!("service[{index}].load_balanced"),
            "the service is load balanced, and there is no [load_balancer] table",
            "add a [load_balancer] table (every key in it is optional), or set load_balanced = false",
        );
    }
    let (hosts, paths, on_listeners, attributes) = validate_routing(errors, index, section, dns, listeners);
    let mut conditions = (hosts.clone(), paths.clone());
    conditions.0.sort();
    conditions.1.sort();
    if let Some(first) = taken.conditions.insert(conditions, index) {
        errors.push(
            format!("service[{index}].host"),
            format!("service \"{}\" matches the same hosts and paths", file.services[first].name),
            "give every service its own host or path",
        );
    }
    let priority =
        section.priority.map(|priority| check_priority(errors, &mut taken.priorities, index, priority, file));
    let health_check = validate_health_check(errors, index, section.health_check.as_ref());
    Routing { hosts, paths, listeners: on_listeners, priority, health_check, attributes }
}

/// A rule priority: 1–50000, and unique on a listener.
fn check_priority(
    errors: &mut Errors,
    taken: &mut HashMap<i64, usize>,
    index: usize,
    priority: i64,
    file: &TopologyFile,
) -> u32 {
    let key = format!("service[{index}].priority");
    if !(1..=50_000).contains(&priority) {
        errors.push(
            &key,
            format!("{priority} is outside 1–50000"),
            "choose a priority from 1 to 50000, or leave it out and ecsnet picks one",
        );
    }
    if let Some(first) = taken.insert(priority, index) {
        errors.push(
            key,
            format!("{priority} is also the priority of service \"{}\"", file.services[first].name),
            "rule priorities must be unique on a listener",
        );
    }
    priority.clamp(1, 50_000) as u32
}

/// Routing keys are refused on a service that is not load balanced: nothing would read them.
fn refuse_routing_keys(errors: &mut Errors, index: usize, section: &ServiceSection) {
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
                format!("service[{index}].{key}"),
                "applies only to a load-balanced service, and this one has load_balanced = false",
                format!("remove {key}, or make the service load balanced"),
            );
        }
    }
}

/// Callers must be services of the topology; Service Connect's discovery names must not collide with the Cloud
/// Map services `[service.discovery]` creates (one per service, named after it).
fn check_callers_and_discovery_names(errors: &mut Errors, services: &[Service]) {
    for (index, service) in services.iter().enumerate() {
        for (position, caller) in service.callers.iter().enumerate() {
            if crate::topology::is_principal_arn(caller) {
                if let Err(problem) = super::lattice::check_principal_arn(caller) {
                    errors.push(
                        format!("service[{index}].callers[{position}]"),
                        format!("\"{caller}\" {problem}"),
                        "name a service of this topology, or an IAM role's ARN",
                    );
                } else if service.lattice.is_none() {
                    errors.push(
                        format!("service[{index}].callers[{position}]"),
                        format!("\"{caller}\" is an IAM principal, and only a VPC Lattice service admits callers by identity"),
                        "add [service.lattice], or name a service of this topology",
                    );
                }
            } else if !services.iter().any(|other| other.name == *caller) {
                let names = services.iter().map(|other| other.name.as_str());
                let hint = match crate::suggest::nearest(caller, names) {
                    Some(near) => format!("did you mean \"{near}\"?"),
                    None => "list the names of [[service]] entries whose tasks call this service".into(),
                };
                errors.push(
                    format!("service[{index}].callers[{position}]"),
                    format!("\"{caller}\" is not a service of this topology"),
                    hint,
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
        for (position, alias) in service.connect.iter().flat_map(|connect| connect.aliases.iter().enumerate()) {
            if let Some(other) =
                services.iter().find(|other| other.discovery.is_some() && other.name == alias.discovery_name)
            {
                let key = match position {
                    0 => format!("service[{index}].connect.discovery_name"),
                    _ => format!("service[{index}].connect.aliases[{position}].discovery_name"),
                };
                errors.push(
                    key,
                    format!("\"{}\" is also the Cloud Map service that [service.discovery] of \"{}\" creates in the namespace", alias.discovery_name, other.name),
                    "choose another discovery_name",
                );
            }
        }
    }
}
