//! What the executor does for each change: plain data, with references (`Ref::Of`) to resources still to be
//! created in the same apply. Nested per AWS service, so that each service's runner matches its own enum
//! exhaustively: a new operation does not compile until its service carries it out.

mod cloud_map;
mod ec2;
mod ecs;
mod lattice;
mod load_balancing;
mod route53;

use serde::{Deserialize, Serialize};

use super::adopt::Mark;
use super::{Address, Ref};

pub use cloud_map::CloudMapOp;
pub use ec2::Ec2Op;
pub use ecs::EcsOp;
pub use lattice::LatticeOp;
pub use load_balancing::LoadBalancingOp;
pub use route53::Route53Op;

/// What the executor does for a change: plain data, with references to resources still to be created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Operation {
    Ec2(Ec2Op),
    LoadBalancing(LoadBalancingOp),
    Route53(Route53Op),
    CloudMap(CloudMapOp),
    Ecs(EcsOp),
    Lattice(LatticeOp),
    /// Write ecsnet's ownership marks on a resource no topology owns, and nothing else.
    Adopt(Mark),
    /// Nothing to call: the resource goes away with the load balancer or listener it belongs to.
    RemovedWithParent,
}

impl From<Ec2Op> for Operation {
    fn from(operation: Ec2Op) -> Operation {
        Operation::Ec2(operation)
    }
}

impl From<LoadBalancingOp> for Operation {
    fn from(operation: LoadBalancingOp) -> Operation {
        Operation::LoadBalancing(operation)
    }
}

impl From<Route53Op> for Operation {
    fn from(operation: Route53Op) -> Operation {
        Operation::Route53(operation)
    }
}

impl From<CloudMapOp> for Operation {
    fn from(operation: CloudMapOp) -> Operation {
        Operation::CloudMap(operation)
    }
}

impl From<EcsOp> for Operation {
    fn from(operation: EcsOp) -> Operation {
        Operation::Ecs(operation)
    }
}

impl From<LatticeOp> for Operation {
    fn from(operation: LatticeOp) -> Operation {
        Operation::Lattice(operation)
    }
}

/// The AWS services ecsnet calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AwsService {
    Ec2,
    LoadBalancing,
    Route53,
    CloudMap,
    Ecs,
    Lattice,
}

impl Operation {
    /// The AWS service that carries the operation out; none for one that calls nothing.
    pub fn service(&self) -> Option<AwsService> {
        Some(match self {
            Operation::Ec2(_) => AwsService::Ec2,
            Operation::LoadBalancing(_) => AwsService::LoadBalancing,
            Operation::Route53(_) => AwsService::Route53,
            Operation::CloudMap(_) => AwsService::CloudMap,
            Operation::Ecs(_) => AwsService::Ecs,
            Operation::Lattice(_) => AwsService::Lattice,
            Operation::Adopt(mark) => mark.service(),
            Operation::RemovedWithParent => return None,
        })
    }

    /// Addresses whose IDs this operation needs from creates earlier in the same apply.
    pub fn references(&self) -> Vec<&Address> {
        let (refs, record_target): (Vec<&Ref>, Option<&Address>) = match self {
            Operation::Ec2(operation) => (operation.references(), None),
            Operation::LoadBalancing(operation) => (operation.references(), None),
            Operation::Route53(operation) => (operation.references(), operation.record_target()),
            Operation::CloudMap(CloudMapOp::CreateDiscoveryService { namespace, .. }) => (vec![namespace], None),
            Operation::Ecs(EcsOp::UpdateService(update)) => (ecs::ecs_references(update), None),
            Operation::Lattice(operation) => (operation.references(), None),
            Operation::CloudMap(_) | Operation::Adopt(_) | Operation::RemovedWithParent => (vec![], None),
        };
        let mut addresses: Vec<&Address> = refs
            .into_iter()
            .filter_map(|reference| match reference {
                Ref::Of(address) => Some(address),
                Ref::Known(_) => None,
            })
            .collect();
        addresses.extend(record_target);
        addresses
    }
}
