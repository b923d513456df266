//! The service network, the VPC's association with it, and each service's Lattice service, listener, target group,
//! association and auth policy: what VPC Lattice carries out. Every create is tagged with the topology and the
//! change's address (`aws::execute`), as on the other services.

use serde::{Deserialize, Serialize};

use crate::live::LatticeHealthCheck;
use crate::plan::Ref;

/// A change VPC Lattice carries out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LatticeOp {
    /// A service network with auth type NONE: each service's own auth policy decides who may call it.
    CreateServiceNetwork {
        name: String,
    },
    DeleteServiceNetwork {
        id: String,
    },
    CreateVpcAssociation {
        service_network: Ref,
        vpc_id: String,
        security_group_ids: Vec<String>,
    },
    /// Replace the association's security groups (an empty list is sent as none).
    UpdateVpcAssociation {
        id: String,
        security_group_ids: Vec<String>,
    },
    DeleteVpcAssociation {
        id: String,
    },
    /// A service with auth type AWS_IAM, and a custom domain name when the file sets one.
    CreateService {
        name: String,
        custom_domain: Option<String>,
    },
    /// Set the service's auth type back to AWS_IAM (the one field of a service ecsnet repairs in place).
    UpdateService {
        id: String,
    },
    DeleteService {
        id: String,
    },
    /// Write the service's auth policy (PutAuthPolicy replaces the whole policy).
    PutAuthPolicy {
        service: Ref,
        policy: String,
    },
    /// An IP target group for HTTP on `port` in the VPC.
    CreateTargetGroup {
        name: String,
        vpc_id: String,
        port: u16,
        health_check: LatticeHealthCheck,
    },
    DeleteTargetGroup {
        id: String,
    },
    /// An HTTP listener on `port` whose default action forwards everything to the target group.
    CreateListener {
        service: Ref,
        name: String,
        port: u16,
        target_group: Ref,
    },
    /// Point the listener's default action at the target group again.
    UpdateListener {
        service_id: String,
        listener_id: String,
        target_group: Ref,
    },
    DeleteListener {
        service_id: String,
        listener_id: String,
    },
    CreateServiceAssociation {
        service: Ref,
        service_network: Ref,
    },
    DeleteServiceAssociation {
        id: String,
    },
}

impl LatticeOp {
    pub(super) fn references(&self) -> Vec<&Ref> {
        match self {
            LatticeOp::CreateVpcAssociation { service_network, .. } => vec![service_network],
            LatticeOp::PutAuthPolicy { service, .. } => vec![service],
            LatticeOp::CreateListener { service, target_group, .. } => vec![service, target_group],
            LatticeOp::UpdateListener { target_group, .. } => vec![target_group],
            LatticeOp::CreateServiceAssociation { service, service_network } => vec![service, service_network],
            LatticeOp::CreateServiceNetwork { .. }
            | LatticeOp::DeleteServiceNetwork { .. }
            | LatticeOp::UpdateVpcAssociation { .. }
            | LatticeOp::DeleteVpcAssociation { .. }
            | LatticeOp::CreateService { .. }
            | LatticeOp::UpdateService { .. }
            | LatticeOp::DeleteService { .. }
            | LatticeOp::CreateTargetGroup { .. }
            | LatticeOp::DeleteTargetGroup { .. }
            | LatticeOp::DeleteListener { .. }
            | LatticeOp::DeleteServiceAssociation { .. } => vec![],
        }
    }
}
