//! Cloud Map: the namespace, and the records each service registers in it.

use crate::topology::file::{ServiceDiscoverySection, TopologyFile};
use crate::topology::{Dns, RecordType, ServiceDiscovery, TargetType};

use super::syntax::{check_dns_name, normalize_host};
use super::Errors;

/// Cloud Map records: short, so callers see new tasks soon.
pub const DEFAULT_DISCOVERY_TTL: i64 = 10;

pub(super) fn validate_namespace(errors: &mut Errors, namespace: &str, dns: Option<&Dns>) -> String {
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

pub(super) fn validate_service_discovery(
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
