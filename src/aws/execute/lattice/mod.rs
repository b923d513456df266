//! VPC Lattice: service networks, VPC and service associations, services, listeners, target groups, auth policies.

use crate::aws::AwsError;
use crate::plan::{Address, LatticeOp};

use super::Run;

/// Carries out a change VPC Lattice makes.
pub async fn run(_run: &Run<'_>, _address: &Address, _operation: &LatticeOp) -> Result<(), AwsError> {
    Err(AwsError::invalid_request("VPC Lattice", "not yet"))
}
