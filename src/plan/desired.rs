//! The resources a topology asks for, with every name resolved against the observed VPC, subnets and groups.

use std::collections::{BTreeSet, HashSet};

use crate::observed::{Direction, Observed, Peer, Permission, SecurityGroup};
use crate::topology::names::short_hash;
use crate::topology::{bounded_name, HealthCheck, Topology};

use super::diff::Problem;
use super::TargetGroupSpec;

/// Ports the load balancer's group admits from the allowed CIDR blocks, besides the listener's own.
const LOAD_BALANCER_PORTS: [u16; 2] = [80, 443];

#[derive(Debug, Clone, Default)]
pub struct Desired {
    pub vpc_id: String,
    pub security_group: Option<DesiredSecurityGroup>,
    pub load_balancer: Option<DesiredLoadBalancer>,
    pub default_target_group: Option<TargetGroupSpec>,
    pub services: Vec<DesiredService>,
    pub zone: Option<DesiredZone>,
}

#[derive(Debug, Clone)]
pub struct DesiredSecurityGroup {
    pub name: String,
    pub description: String,
    pub rules: BTreeSet<Permission>,
}

#[derive(Debug, Clone)]
pub struct DesiredLoadBalancer {
    pub name: String,
    pub scheme: String,
    pub subnet_ids: Vec<String>,
    pub listener_port: u16,
}

#[derive(Debug, Clone)]
pub struct DesiredService {
    pub name: String,
    pub target_group: TargetGroupSpec,
    pub host: String,
    pub priority: Option<u32>,
    /// The tasks' security group, resolved to its ID.
    pub group_id: String,
    pub port: u16,
}

#[derive(Debug, Clone)]
pub struct DesiredZone {
    pub name: String,
    pub ttl: i64,
}

/// What a destroy wants: nothing, in the VPC it found.
pub fn nothing(observed: &Observed) -> Desired {
    Desired { vpc_id: observed.vpc.as_ref().map(|vpc| vpc.id.clone()).unwrap_or_default(), ..Desired::default() }
}

pub fn desired(topology: &Topology, observed: &Observed) -> Result<Desired, Vec<Problem>> {
    let mut problems = Vec::new();
    let Some(vpc) = &observed.vpc else {
        return Err(vec![Problem::new(
            format!("network.vpc: no VPC has the ID or Name tag \"{}\"", topology.network.vpc),
            "check the VPC ID or Name tag, and the region (--region, or region = \"…\" in the file)",
        )]);
    };
    let subnet_ids = resolve_subnets(topology, observed, &mut problems);
    let mut desired = Desired { vpc_id: vpc.id.clone(), ..Desired::default() };
    if let Some(load_balancer) = &topology.load_balancer {
        let cidrs = load_balancer.allowed_cidrs.clone().unwrap_or_else(|| vpc.cidrs.clone());
        let mut ports: BTreeSet<u16> = LOAD_BALANCER_PORTS.into_iter().collect();
        ports.insert(load_balancer.listener_port);
        let mut rules = BTreeSet::new();
        for cidr in &cidrs {
            for port in &ports {
                rules.insert(tcp(Direction::Ingress, *port, Peer::Cidr(cidr.clone())));
            }
            rules.insert(Permission { direction: Direction::Egress, protocol: "-1".into(), from_port: -1, to_port: -1, peer: Peer::Cidr(cidr.clone()) });
        }
        desired.security_group = Some(DesiredSecurityGroup {
            name: format!("{}-lb", load_balancer.name),
            description: format!("ecsnet: load balancer {} of topology {}", load_balancer.name, topology.name),
            rules,
        });
        desired.load_balancer = Some(DesiredLoadBalancer {
            name: load_balancer.name.clone(),
            scheme: load_balancer.scheme.as_aws().into(),
            subnet_ids,
            listener_port: load_balancer.listener_port,
        });
        desired.default_target_group = Some(TargetGroupSpec {
            name: bounded_name(&load_balancer.name, "default"),
            port: 80,
            protocol: "HTTP".into(),
            target_type: "ip".into(),
            vpc_id: vpc.id.clone(),
            health_check: HealthCheck::default(),
        });
    }
    for (index, service) in topology.services.iter().enumerate() {
        let Some(group) = resolve_group(&service.security_group, &observed.security_groups, index, &mut problems) else { continue };
        let port = service.port.to_string();
        let immutable = short_hash(&[&port, "HTTP", service.target_type.as_aws(), &vpc.id]);
        desired.services.push(DesiredService {
            name: service.name.clone(),
            target_group: TargetGroupSpec {
                name: bounded_name(&bounded_name(&topology.name, &service.name), &immutable),
                port: service.port,
                protocol: "HTTP".into(),
                target_type: service.target_type.as_aws().into(),
                vpc_id: vpc.id.clone(),
                health_check: service.health_check.clone(),
            },
            host: service.host.clone(),
            priority: service.priority,
            group_id: group.id.clone(),
            port: service.port,
        });
    }
    desired.zone = topology.dns.as_ref().map(|dns| DesiredZone { name: dns.zone.clone(), ttl: dns.ttl });
    if problems.is_empty() {
        Ok(desired)
    } else {
        Err(problems)
    }
}

pub fn tcp(direction: Direction, port: u16, peer: Peer) -> Permission {
    Permission { direction, protocol: "tcp".into(), from_port: port.into(), to_port: port.into(), peer }
}

fn resolve_subnets(topology: &Topology, observed: &Observed, problems: &mut Vec<Problem>) -> Vec<String> {
    let mut ids = Vec::new();
    let mut zones = HashSet::new();
    for (index, wanted) in topology.network.subnets.iter().enumerate() {
        let matches: Vec<_> = observed.subnets.iter().filter(|subnet| subnet.id == *wanted || subnet.name.as_deref() == Some(wanted)).collect();
        match matches.as_slice() {
            [subnet] => {
                ids.push(subnet.id.clone());
                zones.insert(subnet.availability_zone.clone());
            }
            [] => problems.push(Problem::new(
                format!("network.subnets[{index}]: no subnet of the VPC has the ID or Name tag \"{wanted}\""),
                "list subnets of the VPC named in network.vpc",
            )),
            several => problems.push(Problem::new(
                format!("network.subnets[{index}]: {} subnets have the Name tag \"{wanted}\"", several.len()),
                "use the subnet's ID instead",
            )),
        }
    }
    if ids.len() == topology.network.subnets.len() && zones.len() < 2 {
        problems.push(Problem::new(
            format!("network.subnets: all subnets are in one Availability Zone ({})", zones.into_iter().collect::<Vec<_>>().join(", ")),
            "an Application Load Balancer needs subnets in at least two Availability Zones",
        ));
    }
    ids.sort();
    ids
}

fn resolve_group<'a>(wanted: &str, groups: &'a [SecurityGroup], index: usize, problems: &mut Vec<Problem>) -> Option<&'a SecurityGroup> {
    let by_id: Vec<_> = groups.iter().filter(|group| group.id == wanted).collect();
    let matches = if by_id.is_empty() {
        groups.iter().filter(|group| group.group_name == wanted || group.name_tag() == Some(wanted)).collect()
    } else {
        by_id
    };
    match matches.as_slice() {
        [group] => Some(group),
        [] => {
            problems.push(Problem::new(
                format!("service[{index}].security_group: no security group of the VPC has the ID, name or Name tag \"{wanted}\""),
                "name the security group the service's tasks run with",
            ));
            None
        }
        several => {
            problems.push(Problem::new(
                format!("service[{index}].security_group: {} security groups match \"{wanted}\"", several.len()),
                "use the group's ID instead",
            ));
            None
        }
    }
}
