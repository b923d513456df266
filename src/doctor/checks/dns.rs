//! DNS: the VPC resolves private names, and a service's records point at its load balancer.

use crate::live::{LoadBalancer, VpcDns};
use crate::topology::Service;

use super::{fail, ok, Check, Facts, APPLY};
use crate::live::RecordSetType;

/// A private zone and a Cloud Map namespace resolve in the VPC only with enableDnsSupport and enableDnsHostnames
/// on (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html#vpc-dns-support). Checked when read: when
/// the topology makes such names.
pub(super) fn vpc_dns_check(facts: &Facts) -> Option<Check> {
    let (vpc, dns) = (facts.observed.vpc.as_ref()?, facts.observed.vpc_dns?);
    let names = facts.topology.names_resolved_in_vpc();
    if names.is_empty() {
        return None;
    }
    let resource = format!("network.vpc {}", vpc.id);
    let off = dns.off();
    Some(if off.is_empty() {
        ok("vpc_dns_enabled", resource, "enableDnsSupport and enableDnsHostnames are on")
    } else {
        fail(
            "vpc_dns_enabled",
            resource,
            format!("{} off: names in {} do not resolve in the VPC", off.join(" and "), names.join(" and ")),
            VpcDns::fix(&vpc.id, &off),
        )
    })
}

pub(super) fn record_check(
    facts: &Facts,
    service: &Service,
    zone: &str,
    host: &str,
    load_balancer: &LoadBalancer,
) -> Check {
    let resource = format!("service.{}.dns_record {host}", service.name);
    let zone = facts.observed.zones.iter().find(|known| known.name == zone);
    let record = zone.and_then(|zone| {
        zone.records
            .iter()
            .find(|record| record.name == host && (record.kind.is(RecordSetType::Cname) || record.alias.is_some()))
    });
    let target = load_balancer.dns_name.trim_end_matches('.').to_ascii_lowercase();
    match record {
        None => fail("record_points_at_load_balancer", resource, "no CNAME or alias record", APPLY),
        Some(record) if record.alias.as_deref() == Some(target.as_str()) => {
            ok("record_points_at_load_balancer", resource, format!("A alias {target}"))
        }
        Some(record) if record.values.iter().any(|value| value.trim_end_matches('.').eq_ignore_ascii_case(&target)) => {
            ok("record_points_at_load_balancer", resource, format!("CNAME {target}"))
        }
        Some(record) => fail(
            "record_points_at_load_balancer",
            resource,
            format!(
                "{} {}, not the load balancer {target}",
                record.kind,
                record.alias.clone().unwrap_or_else(|| record.values.join(", "))
            ),
            APPLY,
        ),
    }
}
