//! The checks themselves, one function per area, each reading only plain data: the load balancers, routing
//! (rules, health checks, targets), ingress (security groups), ECS and task definitions, Cloud Map, and DNS.

mod connect;
mod discovery;
mod dns;
mod ecs;
mod ingress;
mod lattice;
mod load_balancer;
mod routing;

use crate::live::{Direction, LoadBalancer, Observed, Peer, Permission, SecurityGroup, TargetGroup};
use crate::plan::ownership::owned_address;
use crate::plan::Address;
use crate::topology::{Service, Topology};

use super::{Check, Status};
use crate::live::health::Health;

use crate::live::IpProtocol;
use connect::connect_checks;
use discovery::instances_check;
use dns::vpc_dns_check;
use ecs::ecs_checks;
use ingress::caller_checks;
use load_balancer::load_balancer_checks;
use routing::routing_checks;

const APPLY: &str = "run `ecsnet apply`";

struct Facts<'a> {
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

fn at(tags: &crate::live::Tags, topology: &str, address: &Address) -> bool {
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
            && (permission.protocol.is(IpProtocol::All)
                || (permission.protocol.is(IpProtocol::Tcp)
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
    let facts = Facts { topology, observed, health, load_balancers, load_balancer_group };
    let mut checks: Vec<Check> = vpc_dns_check(&facts).into_iter().collect();
    checks.extend(load_balancer_checks(&facts));
    checks.extend(lattice::association_check(&facts));
    for service in &topology.services {
        if service.routing.is_some() && !facts.load_balancers.is_empty() {
            checks.extend(routing_checks(&facts, service));
        }
        if service.ecs.is_some() {
            checks.extend(ecs_checks(&facts, service));
            checks.extend(connect_checks(&facts, service));
        }
        if service.discovery.is_some() {
            checks.push(instances_check(&facts, service));
        }
        if service.lattice.is_some() {
            // Lattice's callers are admitted by identity, and its traffic comes from Lattice, not their groups.
            checks.extend(lattice::service_checks(&facts, service));
        } else {
            checks.extend(caller_checks(&facts, service));
        }
    }
    checks
}

fn group_id<'a>(observed: &'a Observed, wanted: &str) -> Option<&'a str> {
    security_group(observed, wanted).map(|group| group.id.as_str())
}

fn target_group<'a>(facts: &Facts<'a>, service: &Service) -> Option<&'a TargetGroup> {
    facts
        .observed
        .target_groups
        .iter()
        .find(|group| at(&group.tags, &facts.topology.name, &Address::TargetGroup(service.name.clone())))
}
