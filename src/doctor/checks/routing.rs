//! Routing: a listener rule forwards to the service's target group, whose health check and targets are right.

use crate::live::health::TargetState;
use crate::live::{LoadBalancer, TargetGroup};
use crate::plan::Address;
use crate::topology::{Routing, Service};

use super::dns::record_check;
use super::ecs::{attachment, Attachment, Into};
use super::ingress::admits_load_balancer_check;
use super::{check, fail, ok, target_group, Check, Facts, Status, APPLY};

/// A load-balanced service: a rule on one of the load balancers forwards to its target group, whose health check
/// and targets are right; its group admits the load balancer's; its names point at the load balancer with its rule.
pub(super) fn routing_checks(facts: &Facts, service: &Service) -> Vec<Check> {
    let Some(routing) = &service.routing else { return Vec::new() };
    let address = Address::TargetGroup(service.name.clone());
    let Some(group) = target_group(facts, service) else {
        return vec![fail("target_group_exists", address.to_string(), "missing", APPLY)];
    };
    let resource = format!("{address} {}", group.name);
    let (rule_check, carrier) = rule_check(facts, &resource, group);
    let mut checks = vec![
        rule_check,
        health_check_path_check(&resource, group, routing),
        targets_check(facts, &resource, &group.arn, attachment(facts, service, group)),
    ];
    checks.push(admits_load_balancer_check(facts, service));
    let carrier = carrier.or(facts.load_balancers.first().map(|(_, load_balancer)| *load_balancer));
    if let (Some(dns), Some(load_balancer)) = (&facts.topology.dns, carrier) {
        let in_zone = |host: &&String| **host == dns.zone || host.ends_with(&format!(".{}", dns.zone));
        for host in routing.hosts.iter().filter(in_zone) {
            checks.push(record_check(facts, service, &dns.zone, host, load_balancer));
        }
    }
    checks
}

/// Whether a rule on any of the load balancers forwards to the target group; the load balancer it is on.
fn rule_check<'a>(facts: &Facts<'a>, resource: &str, group: &TargetGroup) -> (Check, Option<&'a LoadBalancer>) {
    let found = facts.load_balancers.iter().find_map(|(shard, load_balancer)| {
        let mut rules = load_balancer.listeners.iter().flat_map(|listener| &listener.rules);
        let rule = rules.find(|rule| rule.target_group_arn.as_deref() == Some(group.arn.as_str()))?;
        Some((*shard, *load_balancer, rule))
    });
    let Some((shard, load_balancer, rule)) = found else {
        let message = "no listener rule forwards to it: the target group is not on the load balancer";
        return (fail("rule_forwards_to_target_group", resource, message, APPLY), None);
    };
    // The first load balancer goes unnamed, as its address does (`load_balancer`); a further one is named.
    let on = match shard {
        0 => String::new(),
        _ => format!(" on {} {}", Address::LoadBalancer(shard), load_balancer.name),
    };
    let message = format!("rule {} (host {}) forwards to it{on}", rule.priority, rule.hosts.join(", "));
    (ok("rule_forwards_to_target_group", resource, message), Some(load_balancer))
}

fn health_check_path_check(resource: &str, group: &TargetGroup, routing: &Routing) -> Check {
    if group.health_check.path.is_empty() {
        fail("health_check_path", resource, "no health check path is set", APPLY)
    } else if group.health_check.path != routing.health_check.path {
        fail(
            "health_check_path",
            resource,
            format!("the path is {}, the file says {}", group.health_check.path, routing.health_check.path),
            APPLY,
        )
    } else {
        ok("health_check_path", resource, format!("{} on the traffic port", group.health_check.path))
    }
}

/// The targets' health; with none registered, the fix follows what ecs_attached_to_target_group found.
fn targets_check(facts: &Facts, resource: &str, arn: &str, attachment: Attachment) -> Check {
    let targets = facts.health.targets.get(arn).map(Vec::as_slice).unwrap_or_default();
    let describe = |states: &[TargetState]| {
        targets
            .iter()
            .filter(|target| target.state.known().is_some_and(|state| states.contains(&state)))
            .map(|target| {
                let port = target.port.map_or(String::new(), |port| format!(":{port}"));
                let reason = target.reason.as_deref().map_or(String::new(), |reason| format!(" {reason}"));
                let description = target.description.as_deref().map_or(String::new(), |text| format!(" ({text})"));
                format!("{}{port} {}{reason}{description}", target.id, target.state)
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    if targets.is_empty() {
        return check(
            Status::Warn,
            "targets_healthy",
            resource,
            "no targets registered",
            Some(attachment.fix_for_no_targets(Into::TargetGroup)),
        );
    }
    let unhealthy = describe(&[TargetState::Unhealthy, TargetState::UnhealthyDraining, TargetState::Unavailable]);
    if !unhealthy.is_empty() {
        return fail("targets_healthy", resource, unhealthy, "check that the container listens on the port, the health check path answers with the matcher's codes, and the security groups");
    }
    let waiting = describe(&[TargetState::Initial, TargetState::Draining, TargetState::Unused]);
    if !waiting.is_empty() {
        return check(
            Status::Warn,
            "targets_healthy",
            resource,
            waiting,
            Some("wait for the health checks, then run doctor again".into()),
        );
    }
    ok("targets_healthy", resource, format!("{} healthy", targets.len()))
}
