//! The Route 53 private zone that names the services: its zone, TTL and record kind.

use crate::topology::{Dns, RecordKind};

use super::syntax::{check_dns_name, normalize_host};
use super::Errors;

pub const DEFAULT_TTL: i64 = 60;

pub(super) fn validate_dns(errors: &mut Errors, zone: &str, ttl: Option<i64>, record: Option<&str>) -> Dns {
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
