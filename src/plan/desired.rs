//! The resources a topology asks for, with every name resolved against the observed VPC, subnets and groups.

use std::collections::{BTreeSet, HashSet};

use crate::observed::{Direction, Observed, Peer, Permission, SecurityGroup, VpcDns};
use crate::topology::names::short_hash;
use crate::topology::{
    bounded_name, Connect, DefaultAction, EcsWiring, HealthCheck, Listener, Protocol, RecordKind, RecordType, Scheme,
    TargetGroupAttributes, TargetType, Topology,
};

use super::problem::Problem;
use super::{Address, TargetGroupSpec};

/// Ports the load balancer's group admits from the allowed CIDR blocks, besides the listener's own.

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
        return Err(vec![Problem::new(
            format!("network.vpc: no VPC has the ID or Name tag \"{}\"", topology.network.vpc),
            "check the VPC ID or Name tag, and the region (--region, or region = \"…\" in the file)",
        )]);
    };
    let subnet_ids = resolve_subnets(topology, observed, &mut problems);
    let mut desired = Desired { vpc_id: vpc.id.clone(), ..Desired::default() };
    if let Some(load_balancer) = &topology.load_balancer {
        let cidrs = load_balancer.allowed_cidrs.clone().unwrap_or_else(|| vpc.cidrs.clone());
        let mut ports: BTreeSet<u16> = crate::topology::LOAD_BALANCER_PORTS.into_iter().collect();
        ports.extend(load_balancer.listeners.iter().map(|listener| listener.port));
        let mut rules = BTreeSet::new();
        for cidr in &cidrs {
            for port in &ports {
                rules.insert(tcp(Direction::Ingress, *port, Peer::Cidr(cidr.clone())));
            }
        }
        // Out to the VPC only: the load balancer reaches its targets and their health checks there.
        for cidr in &vpc.cidrs {
            rules.insert(Permission {
                direction: Direction::Egress,
                protocol: "-1".into(),
                from_port: -1,
                to_port: -1,
                peer: Peer::Cidr(cidr.clone()),
            });
        }
        desired.security_group = Some(DesiredSecurityGroup {
            name: format!("{}-lb", load_balancer.name),
            description: format!("ecsnet: load balancer {} of topology {}", load_balancer.name, topology.name),
            rules,
        });
        desired.load_balancer = Some(DesiredLoadBalancer {
            name: load_balancer.name.clone(),
            scheme: load_balancer.scheme,
            subnet_ids,
            idle_timeout: load_balancer.idle_timeout,
            listeners: load_balancer.listeners.clone(),
        });
        if load_balancer.listeners.iter().any(|listener| listener.default == DefaultAction::EmptyTargetGroup) {
            desired.default_target_group = Some(TargetGroupSpec {
                name: bounded_name(&load_balancer.name, default_target_group_suffix(load_balancer.scheme)),
                port: 80,
                protocol: Protocol::Http,
                target_type: TargetType::Ip,
                vpc_id: vpc.id.clone(),
                health_check: HealthCheck::default(),
                attributes: TargetGroupAttributes::default(),
            });
        }
        if cidrs.iter().any(|cidr| cidr.ends_with("/0")) {
            desired.warnings.push(format!(
                "load_balancer.allowed_cidrs: {} opens the load balancer to every address on the internet",
                cidrs.iter().filter(|cidr| cidr.ends_with("/0")).cloned().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    let mut groups = std::collections::BTreeMap::new();
    for (index, service) in topology.services.iter().enumerate() {
        if let Some(group) = resolve_group(&service.security_group, &observed.security_groups, index, &mut problems) {
            groups.insert(service.name.as_str(), group.id.clone());
        }
    }
    for (index, service) in topology.services.iter().enumerate() {
        let Some(group_id) = groups.get(service.name.as_str()) else { continue };
        for caller in &service.callers {
            let Some(caller_group) = groups.get(caller.as_str()) else { continue };
            desired.ingress.push(DesiredIngress {
                address: Address::CallerIngress(service.name.clone(), caller.clone()),
                group_id: group_id.clone(),
                port: service.port,
                source: IngressSource::Caller { group_id: caller_group.clone(), service: caller.clone() },
            });
        }
        if let Some(discovery) = &service.discovery {
            desired.discovery_services.push(DesiredDiscovery {
                service: service.name.clone(),
                record_type: discovery.record,
                ttl: discovery.ttl,
            });
        }
        if let Some(wiring) = &service.ecs {
            desired.ecs_services.push(DesiredEcs {
                service: service.name.clone(),
                index,
                wiring: wiring.clone(),
                port: service.port,
                target_type: service.target_type,
                load_balanced: service.routing.is_some(),
                discovery: service.discovery.as_ref().map(|discovery| discovery.record),
                connect: service.connect.clone(),
            });
        }
        let Some(routing) = &service.routing else { continue };
        desired.ingress.push(DesiredIngress {
            address: Address::Ingress(service.name.clone()),
            group_id: group_id.clone(),
            port: service.port,
            source: IngressSource::LoadBalancer,
        });
        let port = service.port.to_string();
        // The load balancer's scheme is in the hash: a new load balancer gets new target groups, under new names.
        let scheme = topology.load_balancer.as_ref().map_or("", |load_balancer| load_balancer.scheme.as_aws());
        let immutable = short_hash(&[&port, "HTTP", service.target_type.as_aws(), &vpc.id, scheme]);
        desired.services.push(DesiredService {
            name: service.name.clone(),
            target_group: TargetGroupSpec {
                name: bounded_name(&bounded_name(&topology.name, &service.name), &immutable),
                port: service.port,
                protocol: Protocol::Http,
                target_type: service.target_type,
                vpc_id: vpc.id.clone(),
                health_check: routing.health_check.clone(),
                attributes: routing.attributes.clone(),
            },
            hosts: routing.hosts.clone(),
            paths: routing.paths.clone(),
            listeners: routing.listeners.clone(),
            priority: routing.priority,
        });
    }
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

pub fn tcp(direction: Direction, port: u16, peer: Peer) -> Permission {
    Permission { direction, protocol: "tcp".into(), from_port: port.into(), to_port: port.into(), peer }
}

fn resolve_subnets(topology: &Topology, observed: &Observed, problems: &mut Vec<Problem>) -> Vec<String> {
    let mut ids = Vec::new();
    let mut zones = HashSet::new();
    for (index, wanted) in topology.network.subnets.iter().enumerate() {
        let matches: Vec<_> = observed
            .subnets
            .iter()
            .filter(|subnet| subnet.id == *wanted || subnet.name.as_deref() == Some(wanted))
            .collect();
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
            format!(
                "network.subnets: all subnets are in one Availability Zone ({})",
                zones.into_iter().collect::<Vec<_>>().join(", ")
            ),
            "an Application Load Balancer needs subnets in at least two Availability Zones",
        ));
    }
    ids.sort();
    ids
}

fn resolve_group<'a>(
    wanted: &str,
    groups: &'a [SecurityGroup],
    index: usize,
    problems: &mut Vec<Problem>,
) -> Option<&'a SecurityGroup> {
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
