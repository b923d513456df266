//! Each `[[service]]`: its name, port, security group and target type, how the load balancer routes to it, its
//! ECS wiring, Cloud Map records and Service Connect; and what services say of each other.

use std::collections::HashMap;

use crate::topology::file::TopologyFile;
use crate::topology::{Connect, Dns, EcsWiring, Listener, Routing, Service, TargetType};

use super::discovery::validate_service_discovery;
use super::health_check::validate_health_check;
use super::routing::validate_routing;
use super::syntax::{check_port, check_resource_name};
use super::Errors;

pub(super) fn validate_services(
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
