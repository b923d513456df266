//! The checks themselves, one function per area, each reading only plain data.

use crate::observed::{
    Direction, EcsService, LoadBalancer, Observed, Peer, Permission, SecurityGroup, TargetGroup, VpcDns,
};
use crate::plan::ownership::owned_address;
use crate::plan::task_definition::{container_port, mismatches, Wiring};
use crate::plan::Address;
use crate::topology::{EcsWiring, Routing, Service, Topology};

use super::{Check, Status};
use crate::observed::health::Health;

const APPLY: &str = "run `ecsnet apply`";

struct Context<'a> {
    topology: &'a Topology,
    observed: &'a Observed,
    health: &'a Health,
    /// The topology's load balancers in live state, by shard, first first.
    load_balancers: Vec<(u16, &'a LoadBalancer)>,
    load_balancer_group: Option<&'a SecurityGroup>,
}

fn check(
    status: Status,
    check: &'static str,
    resource: impl Into<String>,
    message: impl Into<String>,
    fix: Option<String>,
) -> Check {
    Check { status, check, resource: resource.into(), message: message.into(), fix }
}

fn fail(name: &'static str, resource: impl Into<String>, message: impl Into<String>, fix: impl Into<String>) -> Check {
    check(Status::Fail, name, resource, message, Some(fix.into()))
}

fn ok(name: &'static str, resource: impl Into<String>, message: impl Into<String>) -> Check {
    check(Status::Ok, name, resource, message, None)
}

fn at(tags: &crate::observed::Tags, topology: &str, address: &Address) -> bool {
    owned_address(tags, topology).as_ref() == Some(address)
}

/// A security group by ID, group name or Name tag, as the file may name it.
fn security_group<'a>(observed: &'a Observed, wanted: &str) -> Option<&'a SecurityGroup> {
    observed
        .security_groups
        .iter()
        .find(|group| group.id == wanted || group.group_name == wanted || group.name_tag() == Some(wanted))
}

/// Whether the group has a rule in `direction` admitting tcp `port` from/to a peer `peer_ok` accepts.
fn admits(group: &SecurityGroup, direction: Direction, port: u16, peer_ok: impl Fn(&Peer) -> bool) -> bool {
    let covers = |permission: &Permission| {
        permission.direction == direction
            && (permission.protocol == "-1"
                || (permission.protocol == "tcp"
                    && permission.from_port <= i32::from(port)
                    && i32::from(port) <= permission.to_port))
            && peer_ok(&permission.peer)
    };
    group.rules.iter().any(|rule| covers(&rule.permission))
}

/// The topology's load balancers in live state, by shard, first first.
fn load_balancers<'a>(observed: &'a Observed, topology: &str) -> Vec<(u16, &'a LoadBalancer)> {
    let mut found: Vec<(u16, &LoadBalancer)> = observed
        .load_balancers
        .iter()
        .filter_map(|load_balancer| match owned_address(&load_balancer.tags, topology)? {
            Address::LoadBalancer(shard) => Some((shard, load_balancer)),
            _ => None,
        })
        .collect();
    found.sort_by_key(|(shard, _)| *shard);
    found
}

/// Every check for the topology, in file order: the load balancers first, then each service.
pub fn checks(topology: &Topology, observed: &Observed, health: &Health) -> Vec<Check> {
    let name = &topology.name;
    let load_balancers = load_balancers(observed, name);
    let load_balancer_group =
        observed.security_groups.iter().find(|group| at(&group.tags, name, &Address::LoadBalancerSecurityGroup));
    let context = Context { topology, observed, health, load_balancers, load_balancer_group };
    let mut checks: Vec<Check> = vpc_dns_check(&context).into_iter().collect();
    checks.extend(load_balancer_checks(&context));
    for service in &topology.services {
        if service.routing.is_some() && !context.load_balancers.is_empty() {
            checks.extend(routing_checks(&context, service));
        }
        if service.ecs.is_some() {
            checks.extend(ecs_checks(&context, service));
        }
        if service.discovery.is_some() {
            checks.push(instances_check(&context, service));
        }
        checks.extend(caller_checks(&context, service));
    }
    checks
}

/// A private zone and a Cloud Map namespace resolve in the VPC only with enableDnsSupport and enableDnsHostnames
/// on (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html#vpc-dns-support). Checked when read: when
/// the topology makes such names.
fn vpc_dns_check(context: &Context) -> Option<Check> {
    let (vpc, dns) = (context.observed.vpc.as_ref()?, context.observed.vpc_dns?);
    let names = context.topology.names_resolved_in_vpc();
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

/// The first load balancer must exist; each one in live state must use the load balancer's own group, whose
/// egress must reach the services.
fn load_balancer_checks(context: &Context) -> Vec<Check> {
    let Some(wanted) = &context.topology.load_balancer else { return Vec::new() };
    let mut checks = Vec::new();
    if context.load_balancers.first().is_none_or(|(shard, _)| *shard != 0) {
        checks.push(fail("load_balancer_exists", format!("load_balancer {}", wanted.name), "missing", APPLY));
    }
    checks.extend(
        context.load_balancers.iter().map(|(shard, load_balancer)| egress_check(context, *shard, load_balancer)),
    );
    checks
}

/// A load balancer's egress through its own group: `load_balancer.security_group sg-…` on the first, the load
/// balancer's address and name with the group on a further one (`load_balancer.2 NAME, security group sg-…`).
fn egress_check(context: &Context, shard: u16, load_balancer: &LoadBalancer) -> Check {
    let own = context.load_balancer_group.map_or("(missing)", |group| group.id.as_str());
    let resource = match shard {
        0 => format!("{} {own}", Address::LoadBalancerSecurityGroup),
        _ => format!("{} {}, security group {own}", Address::LoadBalancer(shard), load_balancer.name),
    };
    let Some(group) = context.load_balancer_group else {
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
    let cidrs = context.observed.vpc.as_ref().map(|vpc| vpc.cidrs.clone()).unwrap_or_default();
    let blocked: Vec<String> = context
        .topology
        .services
        .iter()
        .filter(|service| service.routing.is_some())
        .filter(|service| {
            let service_group_id = group_id(context.observed, &service.security_group);
            !admits(group, Direction::Egress, service.port, |peer| match peer {
                Peer::Cidr(cidr) => cidr == "0.0.0.0/0" || cidrs.contains(cidr),
                Peer::Group(id) => Some(id.as_str()) == service_group_id,
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

fn group_id<'a>(observed: &'a Observed, wanted: &str) -> Option<&'a str> {
    security_group(observed, wanted).map(|group| group.id.as_str())
}

fn target_group<'a>(context: &Context<'a>, service: &Service) -> Option<&'a TargetGroup> {
    context
        .observed
        .target_groups
        .iter()
        .find(|group| at(&group.tags, &context.topology.name, &Address::TargetGroup(service.name.clone())))
}

/// A load-balanced service: a rule on one of the load balancers forwards to its target group, whose health check
/// and targets are right; its group admits the load balancer's; its names point at the load balancer with its rule.
fn routing_checks(context: &Context, service: &Service) -> Vec<Check> {
    let Some(routing) = &service.routing else { return Vec::new() };
    let address = Address::TargetGroup(service.name.clone());
    let Some(group) = target_group(context, service) else {
        return vec![fail("target_group_exists", address.to_string(), "missing", APPLY)];
    };
    let resource = format!("{address} {}", group.name);
    let (rule_check, carrier) = rule_check(context, &resource, group);
    let mut checks = vec![
        rule_check,
        health_check_path_check(&resource, group, routing),
        targets_check(context, &resource, &group.arn),
    ];
    checks.push(admits_load_balancer_check(context, service));
    let carrier = carrier.or(context.load_balancers.first().map(|(_, load_balancer)| *load_balancer));
    if let (Some(dns), Some(load_balancer)) = (&context.topology.dns, carrier) {
        let in_zone = |host: &&String| **host == dns.zone || host.ends_with(&format!(".{}", dns.zone));
        for host in routing.hosts.iter().filter(in_zone) {
            checks.push(record_check(context, service, &dns.zone, host, load_balancer));
        }
    }
    checks
}

/// Whether a rule on any of the load balancers forwards to the target group; the load balancer it is on.
fn rule_check<'a>(context: &Context<'a>, resource: &str, group: &TargetGroup) -> (Check, Option<&'a LoadBalancer>) {
    let found = context.load_balancers.iter().find_map(|(shard, load_balancer)| {
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

fn admits_load_balancer_check(context: &Context, service: &Service) -> Check {
    let name = "service_admits_load_balancer";
    let Some(tasks) = security_group(context.observed, &service.security_group) else {
        return fail(
            name,
            format!("service.{}.ingress", service.name),
            format!("no security group \"{}\" in the VPC", service.security_group),
            "fix service.security_group in the file",
        );
    };
    let resource = format!("service.{}.ingress {}", service.name, tasks.id);
    match context.load_balancer_group {
        Some(lb_group)
            if admits(tasks, Direction::Ingress, service.port, |peer| *peer == Peer::Group(lb_group.id.clone())) =>
        {
            ok(name, resource, format!("tcp/{} from the load balancer's group {}", service.port, lb_group.id))
        }
        _ => fail(
            name,
            resource,
            format!(
                "no ingress on tcp/{} from the load balancer's group: health checks and requests cannot reach the tasks",
                service.port
            ),
            APPLY,
        ),
    }
}

fn targets_check(context: &Context, resource: &str, arn: &str) -> Check {
    let targets = context.health.targets.get(arn).map(Vec::as_slice).unwrap_or_default();
    let describe = |states: &[&str]| {
        targets
            .iter()
            .filter(|target| states.contains(&target.state.as_str()))
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
            Some("attach the ECS service ([service.ecs]) and check that its tasks run".into()),
        );
    }
    let unhealthy = describe(&["unhealthy", "unavailable"]);
    if !unhealthy.is_empty() {
        return fail("targets_healthy", resource, unhealthy, "check that the container listens on the port, the health check path answers with the matcher's codes, and the security groups");
    }
    let waiting = describe(&["initial", "draining", "unused"]);
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

fn record_check(context: &Context, service: &Service, zone: &str, host: &str, load_balancer: &LoadBalancer) -> Check {
    let resource = format!("service.{}.dns_record {host}", service.name);
    let zone = context.observed.zones.iter().find(|known| known.name == zone);
    let record = zone.and_then(|zone| {
        zone.records.iter().find(|record| record.name == host && (record.kind == "CNAME" || record.alias.is_some()))
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

/// A wired service: the ECS service exists, is attached to the target group, and runs a task definition that fits.
fn ecs_checks(context: &Context, service: &Service) -> Vec<Check> {
    let Some(wiring) = &service.ecs else { return Vec::new() };
    let resource = format!("service.{}.ecs {}/{}", service.name, wiring.cluster, wiring.service);
    let Some(running) =
        context.observed.ecs_services.iter().find(|live| live.cluster == wiring.cluster && live.name == wiring.service)
    else {
        return vec![fail(
            "ecs_service_exists",
            resource,
            "no such ECS service",
            "check [service.ecs] cluster and service in the file, and the region",
        )];
    };
    let mut checks = Vec::new();
    if let Some(group) = target_group(context, service).filter(|_| service.routing.is_some()) {
        checks.push(attachment_check(&resource, service, wiring, running, group));
    }
    checks.extend(task_definition_checks(context, &resource, service, running));
    checks
}

fn attachment_check(
    resource: &str,
    service: &Service,
    wiring: &EcsWiring,
    running: &EcsService,
    group: &TargetGroup,
) -> Check {
    let name = "ecs_attached_to_target_group";
    let attached =
        running.load_balancers.iter().find(|entry| entry.target_group_arn.as_deref() == Some(group.arn.as_str()));
    match attached {
        Some(entry)
            if entry.container.as_deref() == Some(wiring.container.as_str())
                && entry.port == Some(i32::from(service.port)) =>
        {
            ok(name, resource, format!("{} → {}", entry.container_port(), group.name))
        }
        Some(entry) => fail(
            name,
            resource,
            format!("attached as {}, the file says {}:{}", entry.container_port(), wiring.container, service.port),
            APPLY,
        ),
        None => fail(name, resource, format!("not attached to {}", group.name), APPLY),
    }
}

/// What plan refuses (src/plan/task_definition.rs), checked again: the service may run another task definition
/// since it was wired.
fn task_definition_checks(context: &Context, resource: &str, service: &Service, running: &EcsService) -> Vec<Check> {
    let name = "task_definition_matches";
    let Some(definition) = running
        .task_definition
        .as_ref()
        .and_then(|arn| context.observed.task_definitions.iter().find(|definition| definition.arn == *arn))
    else {
        return vec![check(Status::Warn, name, resource, "the task definition could not be read", None)];
    };
    let (Some(asked), Some(wiring)) = (Wiring::of(service), &service.ecs) else { return Vec::new() };
    let mut found = mismatches(&asked, definition);
    // The file's port is the container port even where ECS is not told it (Service Connect, A records).
    let container = container_port(definition, &wiring.container, service.port);
    if !asked.names_container_port() {
        found.splice(0..0, container.clone().err());
    }
    match container {
        Ok(container) if found.is_empty() => {
            vec![ok(name, resource, format!("container {} maps port {}", container.name, service.port))]
        }
        _ => found.into_iter().map(|mismatch| fail(name, resource, mismatch.to_string(), mismatch.hint())).collect(),
    }
}

fn instances_check(context: &Context, service: &Service) -> Check {
    let resource = format!("service.{}.discovery", service.name);
    let namespace = context
        .observed
        .namespaces
        .iter()
        .find(|namespace| Some(&namespace.name) == context.topology.discovery.as_ref());
    let registry = namespace.and_then(|namespace| {
        context
            .observed
            .discovery_services
            .iter()
            .find(|known| known.namespace_id == namespace.id && known.name == service.name)
    });
    let Some(registry) = registry else {
        return fail("discovery_has_instances", resource, "missing", APPLY);
    };
    let resource = format!("{resource} {}", registry.id);
    match context.health.instances.get(&registry.id).copied().unwrap_or(0) {
        0 => check(
            Status::Warn,
            "discovery_has_instances",
            resource,
            "no instances registered",
            Some("register the ECS service ([service.ecs]) and check that its tasks run".into()),
        ),
        count => ok("discovery_has_instances", resource, format!("{count} instances")),
    }
}

fn caller_checks(context: &Context, service: &Service) -> Vec<Check> {
    let callee = security_group(context.observed, &service.security_group);
    service
        .callers
        .iter()
        .map(|caller| {
            let resource = format!("service.{}.caller.{caller}", service.name);
            let caller_group = context
                .topology
                .services
                .iter()
                .find(|known| &known.name == caller)
                .and_then(|known| security_group(context.observed, &known.security_group));
            match (callee, caller_group) {
                (Some(callee), Some(from))
                    if admits(callee, Direction::Ingress, service.port, |peer| {
                        *peer == Peer::Group(from.id.clone())
                    }) =>
                {
                    ok(
                        "caller_can_reach_callee",
                        resource,
                        format!("tcp/{} on {} from {} ({caller})", service.port, callee.id, from.id),
                    )
                }
                (Some(callee), Some(from)) => fail(
                    "caller_can_reach_callee",
                    resource,
                    format!("no ingress on {} tcp/{} from {} ({caller})", callee.id, service.port, from.id),
                    APPLY,
                ),
                _ => fail(
                    "caller_can_reach_callee",
                    resource,
                    "a security group of the caller or the callee is not in the VPC",
                    "fix the services' security_group in the file",
                ),
            }
        })
        .collect()
}
