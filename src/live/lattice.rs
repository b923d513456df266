//! VPC Lattice as live state: the service network the topology joins, the VPC's association with it, and the
//! Lattice services and target groups the topology owns or whose names it wants.

use serde::{Deserialize, Serialize};

use super::{Reported, Tags};
use crate::topology::AwsName;

/// What the planner reads of VPC Lattice; empty when the topology has no `[lattice]` and owns nothing there.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LatticeState {
    /// The service network the file names (by name or ARN), and any the topology owns.
    pub service_networks: Vec<ServiceNetwork>,
    /// The associations of the topology's VPC with service networks: every one, since a VPC can be associated
    /// with one service network only.
    pub vpc_associations: Vec<VpcAssociation>,
    /// Lattice services the topology owns, and any whose name it wants.
    pub services: Vec<LatticeService>,
    /// Lattice target groups the topology owns, and any whose name it wants.
    pub target_groups: Vec<LatticeTargetGroup>,
    /// The ID of the region's VPC Lattice managed prefix list (`com.amazonaws.<region>.vpc-lattice`), the source of
    /// Lattice's traffic to targets; read when the topology has Lattice services.
    pub prefix_list_id: Option<String>,
}

impl LatticeState {
    pub fn is_empty(&self) -> bool {
        *self == LatticeState::default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceNetwork {
    pub id: String,
    pub arn: String,
    pub name: String,
    /// `None` when ecsnet could not read it (a network shared from another account answers only some reads).
    pub auth_type: Option<Reported<AuthType>>,
    /// Empty for a service network of another account, whose tags this one cannot read.
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpcAssociation {
    pub id: String,
    pub arn: String,
    pub service_network_id: String,
    pub service_network_arn: String,
    pub vpc_id: String,
    pub status: Reported<LatticeStatus>,
    pub security_group_ids: Vec<String>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatticeService {
    pub id: String,
    pub arn: String,
    pub name: String,
    /// The DNS name Lattice gives the service.
    pub dns_name: Option<String>,
    pub custom_domain: Option<String>,
    pub auth_type: Reported<AuthType>,
    /// The auth policy as AWS returns it (JSON text); `None` when the service has none.
    pub auth_policy: Option<String>,
    pub status: Reported<LatticeStatus>,
    pub listeners: Vec<LatticeListener>,
    /// The service's associations with service networks.
    pub associations: Vec<ServiceAssociation>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatticeListener {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub protocol: Reported<LatticeProtocol>,
    pub port: i32,
    /// The target groups the default action forwards to, by ID, with their weights; empty for a fixed response.
    pub forward_to: Vec<(String, i32)>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceAssociation {
    pub id: String,
    pub arn: String,
    pub service_network_id: String,
    pub service_network_arn: String,
    pub status: Reported<LatticeStatus>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatticeTargetGroup {
    pub id: String,
    pub arn: String,
    pub name: String,
    /// `IP` for the groups ecsnet makes.
    pub kind: Reported<LatticeTargetType>,
    pub vpc_id: Option<String>,
    pub port: Option<i32>,
    pub protocol: Option<Reported<LatticeProtocol>>,
    pub health_check: Option<LatticeHealthCheck>,
    pub status: Reported<LatticeStatus>,
    pub tags: Tags,
}

/// A target group's health check, as far as ecsnet sets it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatticeHealthCheck {
    pub enabled: Option<bool>,
    pub path: Option<String>,
    /// The HTTP codes counted healthy (`200`, `200-299`).
    pub matcher: Option<String>,
    pub interval: Option<i32>,
    pub timeout: Option<i32>,
    pub healthy_threshold: Option<i32>,
    pub unhealthy_threshold: Option<i32>,
}

/// VPC Lattice's AuthType.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AuthType {
    None,
    AwsIam,
}

impl AwsName for AuthType {
    const NAMES: &'static [(Self, &'static str)] = &[(AuthType::None, "NONE"), (AuthType::AwsIam, "AWS_IAM")];
}

/// The statuses VPC Lattice reports for services, associations and target groups (ServiceStatus,
/// ServiceNetworkVpcAssociationStatus, TargetGroupStatus share these values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LatticeStatus {
    Active,
    CreateInProgress,
    UpdateInProgress,
    DeleteInProgress,
    CreateFailed,
    DeleteFailed,
    UpdateFailed,
}

impl AwsName for LatticeStatus {
    const NAMES: &'static [(Self, &'static str)] = &[
        (LatticeStatus::Active, "ACTIVE"),
        (LatticeStatus::CreateInProgress, "CREATE_IN_PROGRESS"),
        (LatticeStatus::UpdateInProgress, "UPDATE_IN_PROGRESS"),
        (LatticeStatus::DeleteInProgress, "DELETE_IN_PROGRESS"),
        (LatticeStatus::CreateFailed, "CREATE_FAILED"),
        (LatticeStatus::DeleteFailed, "DELETE_FAILED"),
        (LatticeStatus::UpdateFailed, "UPDATE_FAILED"),
    ];
}

/// VPC Lattice's ListenerProtocol and TargetGroupProtocol, for the values ecsnet uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LatticeProtocol {
    Http,
    Https,
}

impl AwsName for LatticeProtocol {
    const NAMES: &'static [(Self, &'static str)] =
        &[(LatticeProtocol::Http, "HTTP"), (LatticeProtocol::Https, "HTTPS")];
}

/// VPC Lattice's TargetGroupType, for the value ecsnet uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LatticeTargetType {
    Ip,
}

impl AwsName for LatticeTargetType {
    const NAMES: &'static [(Self, &'static str)] = &[(LatticeTargetType::Ip, "IP")];
}
