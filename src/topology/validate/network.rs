//! The VPC and its subnets.

use crate::topology::file::TopologyFile;
use crate::topology::Network;

use super::Errors;

pub(super) fn validate_network(errors: &mut Errors, file: &TopologyFile) -> Network {
    let network = &file.network;
    if network.vpc.trim().is_empty() {
        errors.push("network.vpc", "is empty", "write the VPC's ID (vpc-…) or the value of its Name tag");
    }
    if network.subnets.len() < 2 {
        errors.push(
            "network.subnets",
            format!(
                "lists {} subnet{}; a load balancer needs subnets in at least two Availability Zones",
                network.subnets.len(),
                if network.subnets.len() == 1 { "" } else { "s" }
            ),
            "list two or more subnets, each in a different Availability Zone",
        );
    }
    for (index, subnet) in network.subnets.iter().enumerate() {
        if network.subnets[..index].contains(subnet) {
            errors.push(
                format!("network.subnets[{index}]"),
                format!("\"{subnet}\" is listed twice"),
                "list each subnet once",
            );
        }
    }
    Network { vpc: network.vpc.trim().to_string(), subnets: network.subnets.clone() }
}
