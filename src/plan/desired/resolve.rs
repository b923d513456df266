//! Names in the file resolved against the observed VPC: subnets and the services' security groups.

use std::collections::{BTreeMap, HashSet};

use crate::live::{Observed, SecurityGroup};
use crate::topology::Topology;

use super::Problem;

pub(super) fn resolve_subnets(topology: &Topology, observed: &Observed, problems: &mut Vec<Problem>) -> Vec<String> {
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

/// Each service's security group ID, by the service's name; a group that does not resolve is a problem.
pub(super) fn resolve_groups<'a>(
    topology: &'a Topology,
    observed: &Observed,
    problems: &mut Vec<Problem>,
) -> BTreeMap<&'a str, String> {
    let mut groups = BTreeMap::new();
    for (index, service) in topology.services.iter().enumerate() {
        if let Some(group) = resolve_group(&service.security_group, &observed.security_groups, index, problems) {
            groups.insert(service.name.as_str(), group.id.clone());
        }
    }
    groups
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
