//! What `[lattice]` and each `[service.lattice]` ask for: the service network (created by name, or an existing one
//! used), the VPC's association with it, and per service a Lattice service with its listener, target group,
//! association and auth policy, and ingress from Lattice's managed prefix list on the service's group.

use std::collections::BTreeMap;

use crate::live::{Observed, ServiceNetwork, Vpc};
use crate::plan::lattice_policy::{admitted, Admitted};
use crate::plan::problem::{FileKey, Problem};
use crate::topology::names::short_hash;
use crate::topology::{lattice_name, Lattice, Service, ServiceLattice, ServiceNetworkRef, Topology};

/// Lattice's name limits: a service's name 3–40 characters, a target group's 3–128, a listener's 3–63
/// (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_CreateService.html,
/// API_CreateTargetGroup.html, API_CreateListener.html: name).
const SERVICE_NAME_MAX: usize = 40;
const TARGET_GROUP_NAME_MAX: usize = 128;
const LISTENER_NAME_MAX: usize = 63;

#[derive(Debug, Clone)]
pub struct DesiredLattice {
    pub network: NetworkChoice,
    /// The VPC association's security groups, resolved to IDs, sorted.
    pub security_group_ids: Vec<String>,
    pub infrastructure_role: String,
    /// The region's VPC Lattice managed prefix list; `None` when the region has none (a problem when a service
    /// needs it).
    pub prefix_list_id: Option<String>,
    pub services: Vec<DesiredLatticeService>,
}

/// The service network the file names.
#[derive(Debug, Clone)]
pub enum NetworkChoice {
    /// By name, and none has it: ecsnet creates it.
    Create { name: String },
    /// One that exists: the topology's own (created by an earlier apply), or another's, only used.
    Existing(ServiceNetwork),
}

#[derive(Debug, Clone)]
pub struct DesiredLatticeService {
    /// The topology's service.
    pub service: String,
    pub name: String,
    pub listener_name: String,
    pub target_group_name: String,
    pub listener_port: u16,
    /// The container port: the target group's port and the ingress rule's.
    pub container_port: u16,
    pub port_name: String,
    pub domain: Option<String>,
    pub admitted: Admitted,
    /// The service's security group, which gets ingress from the prefix list.
    pub group_id: String,
}

/// What ECS sets on a Lattice service's ECS service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcsLattice {
    pub port_name: String,
    pub role_arn: String,
}

/// The target group's name: `<topology>-<service>` and a hash of what cannot change in place (port, protocol,
/// type, VPC), so that a changed group is created beside the old one, which goes once nothing uses it (names are
/// unique in the account: https://docs.aws.amazon.com/vpc-lattice/latest/ug/create-target-group.html).
pub fn target_group_name(topology: &str, service: &str, port: u16, vpc_id: &str) -> String {
    let immutable = short_hash(&[&port.to_string(), "HTTP", "IP", vpc_id]);
    lattice_name(&[topology, service, &immutable], TARGET_GROUP_NAME_MAX)
}

pub(super) fn add(
    desired: &mut super::Desired,
    topology: &Topology,
    observed: &Observed,
    vpc: &Vpc,
    groups: &BTreeMap<&str, String>,
    problems: &mut Vec<Problem>,
) {
    let Some(lattice) = &topology.lattice else { return };
    let network = network(lattice, observed, problems);
    if let Some(network) = &network {
        vpc_taken(network, observed, vpc, topology, problems);
    }
    let security_group_ids = super::resolve::resolve_association_groups(&lattice.security_groups, observed, problems);
    let mut services = Vec::new();
    for service in &topology.services {
        let Some(wanted) = &service.lattice else { continue };
        let Some(group_id) = groups.get(service.name.as_str()) else { continue };
        let Some(admitted) = admitted(topology, observed, service, problems) else { continue };
        services.push(lattice_service(topology, vpc, service, wanted, admitted, group_id));
    }
    if !services.is_empty() && observed.lattice.prefix_list_id.is_none() {
        problems.push(Problem::new(
            "the region has no VPC Lattice managed prefix list (com.amazonaws.<region>.vpc-lattice), which admits Lattice's traffic to the tasks",
            "check the region: VPC Lattice is not offered in every region",
        ));
    }
    let Some(network) = network else { return };
    desired.lattice = Some(DesiredLattice {
        network,
        security_group_ids,
        infrastructure_role: lattice.infrastructure_role.clone(),
        prefix_list_id: observed.lattice.prefix_list_id.clone(),
        services,
    });
}

fn lattice_service(
    topology: &Topology,
    vpc: &Vpc,
    service: &Service,
    wanted: &ServiceLattice,
    admitted: Admitted,
    group_id: &str,
) -> DesiredLatticeService {
    DesiredLatticeService {
        service: service.name.clone(),
        name: lattice_name(&[&topology.name, &service.name], SERVICE_NAME_MAX),
        listener_name: lattice_name(&[&topology.name, &service.name], LISTENER_NAME_MAX),
        target_group_name: target_group_name(&topology.name, &service.name, service.port, &vpc.id),
        listener_port: wanted.port,
        container_port: service.port,
        port_name: wanted.port_name.clone(),
        domain: wanted.domain.clone(),
        admitted,
        group_id: group_id.to_string(),
    }
}

/// The service network the file names: by name (created when none has it) or by ARN (it must exist, perhaps
/// shared from another account through AWS RAM).
fn network(lattice: &Lattice, observed: &Observed, problems: &mut Vec<Problem>) -> Option<NetworkChoice> {
    let networks = &observed.lattice.service_networks;
    match &lattice.service_network {
        ServiceNetworkRef::Name(name) => {
            let named: Vec<&ServiceNetwork> = networks.iter().filter(|network| network.name == *name).collect();
            match named.as_slice() {
                [] => Some(NetworkChoice::Create { name: name.clone() }),
                [network] => Some(NetworkChoice::Existing((*network).clone())),
                several => {
                    problems.push(Problem::at(
                        FileKey::top("lattice.service_network"),
                        format!(
                            "{} service networks are named \"{name}\": {}",
                            several.len(),
                            several.iter().map(|network| network.arn.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                        "write the ARN of the one to join instead",
                    ));
                    None
                }
            }
        }
        ServiceNetworkRef::Arn(arn) => match networks.iter().find(|network| network.arn == *arn) {
            Some(network) => Some(NetworkChoice::Existing(network.clone())),
            None => {
                problems.push(Problem::at(
                    FileKey::top("lattice.service_network"),
                    format!("no service network this account can see has the ARN {arn}"),
                    "check the ARN and the region; a service network of another account must be shared with this one through AWS RAM (`aws vpc-lattice list-service-networks` lists those it can see)",
                ));
                None
            }
        },
    }
}

/// A VPC is associated with one service network at most
/// (https://docs.aws.amazon.com/vpc-lattice/latest/ug/service-network-associations.html#service-network-vpc-associations:
/// "You can associate a VPC with only one service network"): an association ecsnet does not own with another
/// network stops the plan. ecsnet's own association with another network (the file named another one) is
/// replaced.
fn vpc_taken(
    network: &NetworkChoice,
    observed: &Observed,
    vpc: &Vpc,
    topology: &Topology,
    problems: &mut Vec<Problem>,
) {
    let wanted_id = match network {
        NetworkChoice::Existing(network) => Some(network.id.as_str()),
        NetworkChoice::Create { .. } => None,
    };
    for association in &observed.lattice.vpc_associations {
        let other_network = Some(association.service_network_id.as_str()) != wanted_id;
        if association.vpc_id == vpc.id
            && other_network
            && !crate::plan::ownership::owned_by(&association.tags, &topology.name)
            && !association.status.is(crate::live::LatticeStatus::DeleteInProgress)
        {
            problems.push(Problem::at(
                FileKey::top("lattice.service_network"),
                format!(
                    "the VPC {} is already associated with the service network {} ({}), which ecsnet topology {} does not own, and a VPC can be associated with one service network only",
                    vpc.id, association.service_network_arn, association.id, topology.name
                ),
                "name that service network in [lattice] service_network, or delete its VPC association",
            ));
        }
    }
}

impl DesiredLattice {
    /// What ECS registers for `service`, when it is a Lattice service.
    pub fn ecs_of(&self, service: &str) -> Option<EcsLattice> {
        let wanted = self.services.iter().find(|wanted| wanted.service == service)?;
        Some(EcsLattice { port_name: wanted.port_name.clone(), role_arn: self.infrastructure_role.clone() })
    }
}
