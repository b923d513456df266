//! Live AWS state as plain data: what the AWS adapters read and the planner compares against. No SDK types.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod cluster;
mod discovery;
mod dns;
mod ecs;
pub mod health;
mod lattice;
mod load_balancing;
mod network;
mod reported;

pub use discovery::*;
pub use dns::*;
pub use ecs::*;
pub use lattice::*;
pub use load_balancing::*;
pub use network::*;
pub use reported::Reported;

pub type Tags = BTreeMap<String, String>;

/// Everything the planner needs to know about the account, scoped to one topology's VPC and names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Observed {
    /// `None` when no VPC matches the file's `network.vpc`.
    pub vpc: Option<Vpc>,
    /// The VPC's DNS attributes, read when the topology has a private zone or a Cloud Map namespace.
    #[serde(default)]
    pub vpc_dns: Option<VpcDns>,
    /// Every subnet of the VPC.
    pub subnets: Vec<Subnet>,
    /// Every security group of the VPC, with its rules.
    pub security_groups: Vec<SecurityGroup>,
    /// Load balancers owned by the topology, and any whose name the topology wants.
    pub load_balancers: Vec<LoadBalancer>,
    /// Target groups owned by the topology, and any whose name the topology wants.
    pub target_groups: Vec<TargetGroup>,
    /// Private hosted zones associated with the VPC whose name the topology wants, or that the topology owns.
    pub zones: Vec<HostedZone>,
    /// Cloud Map private DNS namespaces whose name the topology wants, or that the topology owns.
    pub namespaces: Vec<Namespace>,
    /// Cloud Map services of those namespaces.
    pub discovery_services: Vec<DiscoveryService>,
    /// The ECS services the topology names; a named service that does not exist is absent.
    pub ecs_services: Vec<EcsService>,
    /// The task definitions those ECS services run, one per distinct revision.
    #[serde(default)]
    pub task_definitions: Vec<TaskDefinition>,
    /// The clusters and services that exist, read only to explain a cluster or service the file names that
    /// does not (empty, and left out of saved plans and fingerprints, otherwise).
    #[serde(default, skip_serializing_if = "EcsCatalog::is_empty")]
    pub ecs_catalog: EcsCatalog,
    /// VPC Lattice: the service network, the VPC's association, the services and target groups.
    #[serde(default, skip_serializing_if = "LatticeState::is_empty")]
    pub lattice: LatticeState,
    /// The region's VPCs, read only to explain a `network.vpc` that matches none (empty otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpcs_in_region: Vec<VpcName>,
}
