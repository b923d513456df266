//! The checks themselves, one function per area, each reading only plain data.

use crate::observed::{Direction, LoadBalancer, Observed, Peer, Permission, SecurityGroup, TargetGroup, VpcDns};
use crate::plan::ownership::owned_address;
use crate::plan::task_definition::{container_port, mismatches, Wiring};
use crate::plan::Address;
use crate::topology::{Service, Topology};

use super::{Check, Status};
use crate::observed::health::Health;

const APPLY: &str = "run `ecsnet apply`";

struct Context<'a> {
    topology: &'a Topology,
    observed: &'a Observed,
    health: &'a Health,
    load_balancer: Option<&'a LoadBalancer>,
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

/// Every check for the topology, in file order: the load balancer first, then each service.
pub fn checks(topology: &Topology, observed: &Observed, health: &Health) -> Vec<Check> {
    let name = &topology.name;
    let load_balancer = observed.load_balancers.iter().find(|lb| at(&lb.tags, name, &Address::LoadBalancer(0)));
    let load_balancer_group =
        observed.security_groups.iter().find(|group| at(&group.tags, name, &Address::LoadBalancerSecurityGroup));
    let context = Context { topology, observed, health, load_balancer, load_balancer_group };
    let mut checks: Vec<Check> = vpc_dns_check(&context).into_iter().collect();
    checks.extend(load_balancer_checks(&context));
    for service in &topology.services {
        if service.routing.is_some() && load_balancer.is_some() {
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

fn load_balancer_checks(context: &Context) -> Vec<Check> {
    let Some(wanted) = &context.topology.load_balancer else { return Vec::new() };
    if context.load_balancer.is_none() {
        return vec![fail("load_balancer_exists", format!("load_balancer {}", wanted.name), "missing", APPLY)];
    }
    let resource = format!(
        "load_balancer.security_group {}",
        context.load_balancer_group.map_or("(missing)", |group| group.id.as_str())
    );
    let Some(group) = context.load_balancer_group else {
        return vec![fail(
            "load_balancer_egress",
            resource,
            "the load balancer's own security group is missing",
            APPLY,
        )];
    };
    let cidrs = context.observed.vpc.as_ref().map(|vpc| vpc.cidrs.clone()).unwrap_or_default();
    let ports: Vec<(u16, &str)> = context
        .topology
        .services
        .iter()
        .filter(|service| service.routing.is_some())
        .map(|service| (service.port, service.security_group.as_str()))
        .collect();
    let blocked: Vec<String> = ports
        .iter()
        .filter(|(port, service_group)| {
            let service_group_id = group_id(context.observed, service_group);
            !admits(group, Direction::Egress, *port, |peer| match peer {
                Peer::Cidr(cidr) => cidr == "0.0.0.0/0" || cidrs.contains(cidr),
                Peer::Group(id) => Some(id.as_str()) == service_group_id,
            })
        })
        .map(|(port, _)| format!("tcp/{port}"))
        .collect();
    if blocked.is_empty() {
        vec![ok(
            "load_balancer_egress",
            resource,
            format!("egress reaches the VPC ({}) on every service port", cidrs.join(", ")),
        )]
    } else {
        vec![fail(
            "load_balancer_egress",
            resource,
            format!("no egress to the VPC on {}", blocked.join(", ")),
            format!("{APPLY}, or allow egress from the load balancer's group to {}", cidrs.join(", ")),
        )]
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

fn routing_checks(context: &Context, service: &Service) -> Vec<Check> {
    let (Some(routing), Some(load_balancer)) = (&service.routing, context.load_balancer) else { return Vec::new() };
    let address = Address::TargetGroup(service.name.clone());
    let Some(group) = target_group(context, service) else {
        return vec![fail("target_group_exists", address.to_string(), "missing", APPLY)];
    };
    let resource = format!("{address} {}", group.name);
    let mut checks = Vec::new();
    let rule = load_balancer
        .listeners
        .iter()
        .flat_map(|listener| &listener.rules)
        .find(|rule| rule.target_group_arn.as_deref() == Some(group.arn.as_str()));
    checks.push(match rule {
        Some(rule) => ok(
            "rule_forwards_to_target_group",
            resource.clone(),
            format!("rule {} (host {}) forwards to it", rule.priority, rule.hosts.join(", ")),
        ),
        None => fail(
            "rule_forwards_to_target_group",
            resource.clone(),
            "no listener rule forwards to it: the target group is not on the load balancer",
            APPLY,
        ),
    });
    checks.push(if group.health_check.path.is_empty() {
        fail("health_check_path", resource.clone(), "no health check path is set", APPLY)
    } else if group.health_check.path != routing.health_check.path {
        fail(
            "health_check_path",
            resource.clone(),
            format!("the path is {}, the file says {}", group.health_check.path, routing.health_check.path),
            APPLY,
        )
    } else {
        ok("health_check_path", resource.clone(), format!("{} on the traffic port", group.health_check.path))
    });
    checks.push(targets_check(context, &resource, &group.arn));
    checks.push(match (security_group(context.observed, &service.security_group), context.load_balancer_group) {
        (Some(tasks), Some(lb_group)) if admits(tasks, Direction::Ingress, service.port, |peer| *peer == Peer::Group(lb_group.id.clone())) => {
            ok("service_admits_load_balancer", format!("service.{}.ingress {}", service.name, tasks.id), format!("tcp/{} from the load balancer's group {}", service.port, lb_group.id))
        }
        (Some(tasks), _) => fail(
            "service_admits_load_balancer",
            format!("service.{}.ingress {}", service.name, tasks.id),
            format!("no ingress on tcp/{} from the load balancer's group: health checks and requests cannot reach the tasks", service.port),
            APPLY,
        ),
        (None, _) => fail("service_admits_load_balancer", format!("service.{}.ingress", service.name), format!("no security group \"{}\" in the VPC", service.security_group), "fix service.security_group in the file"),
    });
    if let Some(dns) = &context.topology.dns {
        let in_zone = |host: &&String| **host == dns.zone || host.ends_with(&format!(".{}", dns.zone));
        for host in routing.hosts.iter().filter(in_zone) {
            checks.push(record_check(context, service, &dns.zone, host, load_balancer));
        }
    }
    checks
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
        let attached =
            running.load_balancers.iter().find(|entry| entry.target_group_arn.as_deref() == Some(group.arn.as_str()));
        checks.push(match attached {
            Some(entry)
                if entry.container.as_deref() == Some(wiring.container.as_str())
                    && entry.port == Some(i32::from(service.port)) =>
            {
                ok(
                    "ecs_attached_to_target_group",
                    resource.clone(),
                    format!("{} → {}", entry.container_port(), group.name),
                )
            }
            Some(entry) => fail(
                "ecs_attached_to_target_group",
                resource.clone(),
                format!("attached as {}, the file says {}:{}", entry.container_port(), wiring.container, service.port),
                APPLY,
            ),
            None => {
                fail("ecs_attached_to_target_group", resource.clone(), format!("not attached to {}", group.name), APPLY)
            }
        });
    }
    let Some(definition) = running
        .task_definition
        .as_ref()
        .and_then(|arn| context.observed.task_definitions.iter().find(|definition| definition.arn == *arn))
    else {
        checks.push(check(
            Status::Warn,
            "task_definition_matches",
            resource,
            "the task definition could not be read",
            None,
        ));
        return checks;
    };
    // What plan refuses (src/plan/task_definition.rs), checked again: the service may run another task definition
    // since it was wired.
    let Some(asked) = Wiring::of(service) else { return checks };
    let mut found = mismatches(&asked, definition);
    // The file's port is the container port even where ECS is not told it (Service Connect, A records).
    let container = container_port(definition, &wiring.container, service.port);
    if !asked.names_container_port() {
        found.splice(0..0, container.clone().err());
    }
    match container {
        Ok(container) if found.is_empty() => checks.push(ok(
            "task_definition_matches",
            resource,
            format!("container {} maps port {}", container.name, service.port),
        )),
        _ => {
            checks.extend(found.into_iter().map(|mismatch| {
                fail("task_definition_matches", resource.clone(), mismatch.to_string(), mismatch.hint())
            }))
        }
    }
    checks
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
