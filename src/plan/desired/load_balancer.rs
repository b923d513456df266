//! What a topology's load balancer asks for: the load balancer, its security group and its empty target group.

use std::collections::BTreeSet;

use crate::live::{Direction, Peer, Permission, Vpc};
use crate::topology::{
    bounded_name, DefaultAction, HealthCheck, LoadBalancer, Protocol, TargetGroupAttributes, TargetType, Topology,
    LOAD_BALANCER_PORTS,
};

use super::{default_target_group_suffix, Desired, DesiredLoadBalancer, DesiredSecurityGroup, TargetGroupSpec};
use crate::live::IpProtocol;

/// Adds the load balancer, its group, its empty target group if a listener uses one, and a warning when it is open
/// to the whole internet.
pub(super) fn add(
    desired: &mut Desired,
    topology: &Topology,
    load_balancer: &LoadBalancer,
    vpc: &Vpc,
    subnet_ids: Vec<String>,
) {
    let cidrs = load_balancer.allowed_cidrs.clone().unwrap_or_else(|| vpc.cidrs.clone());
    desired.security_group = Some(DesiredSecurityGroup {
        name: format!("{}-lb", load_balancer.name),
        description: format!("ecsnet: load balancer {} of topology {}", load_balancer.name, topology.name),
        rules: security_group_rules(load_balancer, &cidrs, &vpc.cidrs),
    });
    desired.load_balancer = Some(DesiredLoadBalancer {
        name: load_balancer.name.clone(),
        scheme: load_balancer.scheme,
        subnet_ids,
        idle_timeout: load_balancer.idle_timeout,
        listeners: load_balancer.listeners.clone(),
    });
    if load_balancer.listeners.iter().any(|listener| listener.default == DefaultAction::EmptyTargetGroup) {
        desired.default_target_group = Some(default_target_group(load_balancer, &vpc.id));
    }
    desired.warnings.extend(open_to_the_internet(&cidrs));
}

/// In from the allowed CIDR blocks on the load balancer's ports (its listeners' and the usual ones); out to the VPC.
fn security_group_rules(load_balancer: &LoadBalancer, cidrs: &[String], vpc_cidrs: &[String]) -> BTreeSet<Permission> {
    let mut ports: BTreeSet<u16> = LOAD_BALANCER_PORTS.into_iter().collect();
    ports.extend(load_balancer.listeners.iter().map(|listener| listener.port));
    let mut rules = BTreeSet::new();
    for cidr in cidrs {
        for port in &ports {
            rules.insert(Permission::tcp(Direction::Ingress, *port, Peer::Cidr(cidr.clone())));
        }
    }
    // Out to the VPC only: the load balancer reaches its targets and their health checks there.
    for cidr in vpc_cidrs {
        rules.insert(Permission {
            direction: Direction::Egress,
            protocol: IpProtocol::All.into(),
            from_port: -1,
            to_port: -1,
            peer: Peer::Cidr(cidr.clone()),
        });
    }
    rules
}

/// The target group of listeners whose default is an empty target group.
fn default_target_group(load_balancer: &LoadBalancer, vpc_id: &str) -> TargetGroupSpec {
    TargetGroupSpec {
        name: bounded_name(&load_balancer.name, default_target_group_suffix(load_balancer.scheme)),
        port: 80,
        protocol: Protocol::Http,
        target_type: TargetType::Ip,
        vpc_id: vpc_id.to_string(),
        health_check: HealthCheck::default(),
        attributes: TargetGroupAttributes::default(),
    }
}

fn open_to_the_internet(cidrs: &[String]) -> Option<String> {
    let open: Vec<_> = cidrs.iter().filter(|cidr| cidr.ends_with("/0")).cloned().collect();
    if open.is_empty() {
        return None;
    }
    Some(format!(
        "load_balancer.allowed_cidrs: {} opens the load balancer to every address on the internet",
        open.join(", ")
    ))
}
