//! A service's ECS side: the cluster, service and container the target group is wired to, and Service Connect.

use std::collections::HashMap;

use crate::topology::file::{ConnectSection, EcsSection, ServiceSection, TopologyFile};
use crate::topology::{Connect, EcsWiring};

use super::syntax::check_port;
use super::Errors;

/// The ECS service and container behind a service: named after it unless the file says otherwise.
pub(super) fn validate_ecs(errors: &mut Errors, index: usize, section: &ServiceSection, ecs: &EcsSection) -> EcsWiring {
    if ecs.cluster.trim().is_empty() {
        errors.push(format!("service[{index}].ecs.cluster"), "is empty", "write the ECS cluster's name or ARN");
    }
    EcsWiring {
        cluster: ecs.cluster.trim().to_string(),
        service: ecs.service.clone().unwrap_or_else(|| section.name.clone()),
        container: ecs.container.clone().unwrap_or_else(|| section.name.clone()),
    }
}

/// Service Connect: a setting of the ECS service, in the Cloud Map namespace, under a discovery name no other
/// service of the topology takes (`taken` holds the names earlier services took).
pub(super) fn validate_connect(
    errors: &mut Errors,
    taken: &mut HashMap<String, usize>,
    index: usize,
    section: &ServiceSection,
    file: &TopologyFile,
    has_ecs: bool,
    connect: &ConnectSection,
) -> Connect {
    let at = |key: &str| format!("service[{index}].{key}");
    if file.discovery.is_none() {
        errors.push(
            at("connect"),
            "Service Connect needs a Cloud Map namespace, and there is no [discovery] table",
            "add [discovery] namespace = \"…\"",
        );
    }
    if !has_ecs {
        errors.push(
            at("connect"),
            "Service Connect is a setting of the ECS service, and there is no [service.ecs] table",
            "add [service.ecs] cluster = \"…\"",
        );
    }
    let discovery_name = connect.discovery_name.clone().unwrap_or_else(|| section.name.clone());
    for (key, value) in [("connect.discovery_name", &discovery_name), ("connect.port_name", &connect.port_name)] {
        if let Err(problem) = check_service_connect_name(value) {
            errors.push(
                at(key),
                format!("\"{value}\" {problem}"),
                "use up to 64 lowercase letters, digits, underscores and hyphens, not starting with a hyphen",
            );
        }
    }
    if let Some(first) = taken.insert(discovery_name.clone(), index) {
        errors.push(
            at("connect.discovery_name"),
            format!("\"{discovery_name}\" is also the discovery name of service[{first}]"),
            "discovery names must be unique in the namespace",
        );
    }
    let (dns_name, port) = validate_client_alias(errors, index, connect);
    Connect { port_name: connect.port_name.clone(), discovery_name, dns_name, port }
}

/// The client alias's DNS name and port, when the file sets them. "The name can include up to 127 characters. The
/// name can include lowercase letters, numbers, underscores (_), hyphens (-), and periods (.). The name can't start
/// with a hyphen." (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectClientAlias.html)
fn validate_client_alias(errors: &mut Errors, index: usize, connect: &ConnectSection) -> (Option<String>, Option<u16>) {
    if let Some(name) = &connect.dns_name {
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c);
        if name.is_empty() || name.len() > 127 || !name.chars().all(allowed) || name.starts_with('-') {
            errors.push(
                format!("service[{index}].connect.dns_name"),
                format!("\"{name}\" is not a Service Connect client alias"),
                "use up to 127 lowercase letters, digits, underscores, hyphens and periods, not starting with a hyphen",
            );
        }
    }
    let port = connect.port.map(|port| check_port(errors, &format!("service[{index}].connect.port"), port));
    (connect.dns_name.clone(), port)
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
