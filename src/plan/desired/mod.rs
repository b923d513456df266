//! The resources a topology asks for, with every name resolved against the observed VPC, subnets and groups.

pub(crate) mod lattice;
mod load_balancer;
mod resolve;
mod services;

use std::collections::BTreeSet;

use crate::live::{Observed, Permission, VpcDns};
use crate::topology::{
    bounded_name, Connect, EcsWiring, Listener, RecordKind, RecordType, Scheme, TargetType, Topology,
};

use super::problem::Problem;
use super::{Address, TargetGroupSpec};
use resolve::{resolve_groups, resolve_subnets};

#[derive(Debug, Clone, Default)]
pub struct Desired {
    pub vpc_id: String,
    pub security_group: Option<DesiredSecurityGroup>,
    pub load_balancer: Option<DesiredLoadBalancer>,
    pub default_target_group: Option<TargetGroupSpec>,
    /// The load-balanced services.
    pub services: Vec<DesiredService>,
    pub zone: Option<DesiredZone>,
    /// Ingress ecsnet adds to services' groups: from the load balancer, and from callers.
    pub ingress: Vec<DesiredIngress>,
    /// The Cloud Map namespace's name.
    pub namespace: Option<String>,
    pub discovery_services: Vec<DesiredDiscovery>,
    /// Every ECS service the topology names, with what ecsnet attaches to it (nothing, for destroy).
    pub ecs_services: Vec<DesiredEcs>,
    /// VPC Lattice: the service network, the VPC's association, the Lattice services.
    pub lattice: Option<lattice::DesiredLattice>,
    /// Things the plan should warn about, such as a load balancer open to the whole internet.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct DesiredIngress {
    pub address: Address,
    pub group_id: String,
    pub port: u16,
    pub source: IngressSource,
}

#[derive(Debug, Clone, PartialEq)]
pub enum IngressSource {
    /// The load balancer's own group (perhaps still to be created).
    LoadBalancer,
    /// A caller's group, by ID, and the caller's name.
    Caller { group_id: String, service: String },
}

#[derive(Debug, Clone)]
pub struct DesiredDiscovery {
    pub service: String,
    /// The name callers use, shown on the plan's create (`orders.shop.local (A)`).
    pub callers_use: Option<crate::topology::CallerName>,
    pub record_type: RecordType,
    pub ttl: i64,
}

#[derive(Debug, Clone)]
pub struct DesiredEcs {
    pub service: String,
    /// The service's position in the file, for problems that name its keys (`service[<index>].…`).
    pub index: usize,
    pub wiring: EcsWiring,
    pub port: u16,
    pub target_type: TargetType,
    /// Attach the service's target group.
    pub load_balanced: bool,
    /// Register with the service's Cloud Map service.
    pub discovery: Option<RecordType>,
    pub connect: Option<Connect>,
    /// Register the tasks in the service's VPC Lattice target group.
    pub lattice: Option<lattice::EcsLattice>,
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
    pub scheme: Scheme,
    pub subnet_ids: Vec<String>,
    pub idle_timeout: Option<i64>,
    pub listeners: Vec<Listener>,
}

#[derive(Debug, Clone)]
pub struct DesiredService {
    pub name: String,
    pub target_group: TargetGroupSpec,
    pub hosts: Vec<String>,
    pub paths: Vec<String>,
    /// Ports of the listeners carrying the service's rule.
    pub listeners: Vec<u16>,
    pub priority: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct DesiredZone {
    pub name: String,
    pub ttl: i64,
    pub record: RecordKind,
}

/// The end of the empty target group's name: internet-facing load balancers get their own, so that a change
/// of scheme (a new load balancer) comes with a new empty target group.
fn default_target_group_suffix(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Internal => "default",
        Scheme::InternetFacing => "ext-default",
    }
}

/// A load balancer's name in a shard: the file's name for the first, `<name>-2`, `<name>-3`… after it.
pub fn shard_name(name: &str, shard: u16) -> String {
    if shard == 0 {
        name.to_string()
    } else {
        bounded_name(name, &(shard + 1).to_string())
    }
}

impl Desired {
    /// The empty target group of a shard's listeners, if any listener uses one.
    pub fn default_target_group(&self, shard: u16) -> Option<TargetGroupSpec> {
        let template = self.default_target_group.as_ref()?;
        let load_balancer = self.load_balancer.as_ref()?;
        let suffix = default_target_group_suffix(load_balancer.scheme);
        Some(TargetGroupSpec {
            name: bounded_name(&shard_name(&load_balancer.name, shard), suffix),
            ..template.clone()
        })
    }
}

/// What a destroy wants: nothing, in the VPC it found, and the ECS services it names left with nothing of ecsnet's.
pub fn nothing(topology: &Topology, observed: &Observed) -> Desired {
    let ecs_services = topology
        .services
        .iter()
        .enumerate()
        .filter_map(|(index, service)| {
            Some(DesiredEcs {
                service: service.name.clone(),
                index,
                wiring: service.ecs.clone()?,
                port: service.port,
                target_type: service.target_type,
                load_balanced: false,
                discovery: None,
                connect: None,
                lattice: None,
            })
        })
        .collect();
    Desired {
        vpc_id: observed.vpc.as_ref().map(|vpc| vpc.id.clone()).unwrap_or_default(),
        ecs_services,
        ..Desired::default()
    }
}

pub fn desired(topology: &Topology, observed: &Observed) -> Result<Desired, Vec<Problem>> {
    let mut problems = Vec::new();
    let Some(vpc) = &observed.vpc else {
        return Err(vec![Problem::at(
            super::problem::FileKey::top("network.vpc"),
            format!("no VPC has the ID or Name tag \"{}\" in this region", topology.network.vpc),
            resolve::vpcs_instead(&topology.network.vpc, &observed.vpcs_in_region),
        )]);
    };
    let subnet_ids = resolve_subnets(topology, observed, &mut problems);
    let mut desired = Desired { vpc_id: vpc.id.clone(), ..Desired::default() };
    if let Some(load_balancer) = &topology.load_balancer {
        load_balancer::add(&mut desired, topology, load_balancer, vpc, subnet_ids);
    }
    let groups = resolve_groups(topology, observed, &mut problems);
    for (index, service) in topology.services.iter().enumerate() {
        services::add(&mut desired, topology, vpc, &groups, index, service);
    }
    lattice::add(&mut desired, topology, observed, vpc, &groups, &mut problems);
    desired.zone =
        topology.dns.as_ref().map(|dns| DesiredZone { name: dns.zone.clone(), ttl: dns.ttl, record: dns.record });
    desired.namespace = topology.discovery.clone();
    desired.warnings.extend(vpc_dns_warning(topology, &vpc.id, observed.vpc_dns));
    if problems.is_empty() {
        Ok(desired)
    } else {
        Err(problems)
    }
}

/// A warning when the VPC's DNS attributes keep the names the topology makes from resolving in it.
fn vpc_dns_warning(topology: &Topology, vpc_id: &str, dns: Option<VpcDns>) -> Option<String> {
    let off = dns?.off();
    let names = topology.names_resolved_in_vpc();
    if off.is_empty() || names.is_empty() {
        return None;
    }
    Some(format!(
        "network.vpc: {vpc_id} has {} off, so names in {} will not resolve in it (a private zone needs enableDnsSupport and enableDnsHostnames on); turn {} on: {}",
        off.join(" and "),
        names.join(" and "),
        if off.len() == 1 { "it" } else { "them" },
        VpcDns::fix(vpc_id, &off)
    ))
}
