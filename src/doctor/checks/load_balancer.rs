//! The load balancers: the first exists, and each one's own security group lets it reach the services.

use crate::live::{Direction, LoadBalancer, Peer};
use crate::plan::Address;

use super::{admits, fail, group_id, ok, Check, Facts, APPLY};

/// The first load balancer must exist; each one in live state must use the load balancer's own group, whose
/// egress must reach the services.
pub(super) fn load_balancer_checks(facts: &Facts) -> Vec<Check> {
    let Some(wanted) = &facts.topology.load_balancer else { return Vec::new() };
    let mut checks = Vec::new();
    if facts.load_balancers.first().is_none_or(|(shard, _)| *shard != 0) {
        checks.push(fail("load_balancer_exists", format!("load_balancer {}", wanted.name), "missing", APPLY));
    }
    checks.extend(facts.load_balancers.iter().map(|(shard, load_balancer)| egress_check(facts, *shard, load_balancer)));
    checks
}

/// A load balancer's egress through its own group: `load_balancer.security_group sg-…` on the first, the load
/// balancer's address and name with the group on a further one (`load_balancer.2 NAME, security group sg-…`).
fn egress_check(facts: &Facts, shard: u16, load_balancer: &LoadBalancer) -> Check {
    let own = facts.load_balancer_group.map_or("(missing)", |group| group.id.as_str());
    let resource = match shard {
        0 => format!("{} {own}", Address::LoadBalancerSecurityGroup),
        _ => format!("{} {}, security group {own}", Address::LoadBalancer(shard), load_balancer.name),
    };
    let Some(group) = facts.load_balancer_group else {
        return fail("load_balancer_egress", resource, "the load balancer's own security group is missing", APPLY);
    };
    if !load_balancer.security_group_ids.contains(&group.id) {
        return fail(
            "load_balancer_egress",
            resource,
            format!("the load balancer {} does not use its own security group", load_balancer.name),
            APPLY,
        );
    }
    let cidrs = facts.observed.vpc.as_ref().map(|vpc| vpc.cidrs.clone()).unwrap_or_default();
    let blocked: Vec<String> = facts
        .topology
        .services
        .iter()
        .filter(|service| service.routing.is_some())
        .filter(|service| {
            let service_group_id = group_id(facts.observed, &service.security_group);
            !admits(group, Direction::Egress, service.port, |peer| match peer {
                Peer::Cidr(cidr) => cidr == "0.0.0.0/0" || cidrs.contains(cidr),
                Peer::Group(id) => Some(id.as_str()) == service_group_id,
                Peer::PrefixList(_) => false,
            })
        })
        .map(|service| format!("tcp/{}", service.port))
        .collect();
    if blocked.is_empty() {
        ok(
            "load_balancer_egress",
            resource,
            format!("egress reaches the VPC ({}) on every service port", cidrs.join(", ")),
        )
    } else {
        fail(
            "load_balancer_egress",
            resource,
            format!("no egress to the VPC on {}", blocked.join(", ")),
            format!("{APPLY}, or allow egress from the load balancer's group to {}", cidrs.join(", ")),
        )
    }
}
