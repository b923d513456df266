//! Names in the file resolved against the observed VPC: subnets and the services' security groups.

use std::collections::{BTreeMap, HashSet};

use crate::live::{Observed, SecurityGroup, Subnet, VpcName};
use crate::topology::Topology;

use super::Problem;
use crate::plan::problem::FileKey;
use crate::suggest::{nearest, LISTED};

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
            [] => problems.push(Problem::at(
                FileKey::top(&format!("network.subnets[{index}]")),
                format!("no subnet of the VPC {} has the ID or Name tag \"{wanted}\"", vpc_id(observed)),
                subnets_instead(wanted, &observed.subnets),
            )),
            several => problems.push(Problem::at(
                FileKey::top(&format!("network.subnets[{index}]")),
                format!(
                    "{} subnets have the Name tag \"{wanted}\": {}",
                    several.len(),
                    several.iter().map(|subnet| subnet.id.as_str()).collect::<Vec<_>>().join(", ")
                ),
                "write one of their IDs instead",
            )),
        }
    }
    if ids.len() == topology.network.subnets.len() && zones.len() < 2 {
        problems.push(Problem::at(
            FileKey::top("network.subnets"),
            format!(
                "all subnets are in one Availability Zone ({})",
                zones.into_iter().collect::<Vec<_>>().join(", ")
            ),
            "an Application Load Balancer needs subnets in at least two Availability Zones: add a subnet of another zone",
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
    for service in &topology.services {
        let key = FileKey::service(&service.name, "security_group");
        if let Some(group) = resolve_group(&service.security_group, observed, key, problems) {
            groups.insert(service.name.as_str(), group.id.clone());
        }
    }
    groups
}

/// The VPC association's security groups (`[lattice] security_groups`), as IDs, sorted.
pub(super) fn resolve_association_groups(
    wanted: &[String],
    observed: &Observed,
    problems: &mut Vec<Problem>,
) -> Vec<String> {
    let mut ids: Vec<String> = wanted
        .iter()
        .enumerate()
        .filter_map(|(index, group)| {
            let key = FileKey::top(&format!("lattice.security_groups[{index}]"));
            resolve_group(group, observed, key, problems).map(|group| group.id.clone())
        })
        .collect();
    ids.sort();
    ids
}

fn resolve_group<'a>(
    wanted: &str,
    observed: &'a Observed,
    key: FileKey,
    problems: &mut Vec<Problem>,
) -> Option<&'a SecurityGroup> {
    let groups = &observed.security_groups;
    let by_id: Vec<_> = groups.iter().filter(|group| group.id == wanted).collect();
    let matches = if by_id.is_empty() {
        groups.iter().filter(|group| group.group_name == wanted || group.name_tag() == Some(wanted)).collect()
    } else {
        by_id
    };
    match matches.as_slice() {
        [group] => Some(group),
        [] => {
            problems.push(Problem::at(
                key,
                format!(
                    "no security group of the VPC {} has the ID, group name or Name tag \"{wanted}\"",
                    vpc_id(observed)
                ),
                groups_instead(wanted, groups),
            ));
            None
        }
        several => {
            problems.push(Problem::at(
                key,
                format!(
                    "{} security groups match \"{wanted}\": {}",
                    several.len(),
                    several.iter().map(|group| group.id.as_str()).collect::<Vec<_>>().join(", ")
                ),
                "write the group's ID instead",
            ));
            None
        }
    }
}

fn vpc_id(observed: &Observed) -> &str {
    observed.vpc.as_ref().map_or("", |vpc| vpc.id.as_str())
}

/// What exists instead of a subnet the file names: the nearest name, and every subnet when there are few.
fn subnets_instead(wanted: &str, subnets: &[Subnet]) -> String {
    let names: Vec<&str> =
        subnets.iter().flat_map(|subnet| std::iter::once(subnet.id.as_str()).chain(subnet.name.as_deref())).collect();
    let shown: Vec<String> = subnets
        .iter()
        .map(|subnet| match &subnet.name {
            Some(name) => format!("\"{name}\" ({}, {})", subnet.id, subnet.availability_zone),
            None => format!("\"{}\" ({})", subnet.id, subnet.availability_zone),
        })
        .collect();
    let all = (shown.len() <= LISTED).then(|| shown.join(", "));
    instead(
        nearest(wanted, names),
        all,
        subnets.is_empty(),
        "subnets",
        "aws ec2 describe-subnets --filters Name=vpc-id,Values=VPC",
    ) + "; write the subnet's ID or Name tag"
}

/// What exists instead of a security group the file names: the nearest name, and every group when there are few.
fn groups_instead(wanted: &str, groups: &[SecurityGroup]) -> String {
    let names: Vec<&str> = groups
        .iter()
        .flat_map(|group| [group.id.as_str(), group.group_name.as_str()].into_iter().chain(group.name_tag()))
        .collect();
    let shown: Vec<String> = groups.iter().map(|group| format!("\"{}\" ({})", group.group_name, group.id)).collect();
    let all = (shown.len() <= LISTED).then(|| shown.join(", "));
    instead(
        nearest(wanted, names),
        all,
        groups.is_empty(),
        "security groups",
        "aws ec2 describe-security-groups --filters Name=vpc-id,Values=VPC",
    ) + "; name the group the service's tasks run with"
}

/// "did you mean …? The VPC's …: …", as much of it as is known.
fn instead(near: Option<&str>, all: Option<String>, none: bool, what: &str, command: &str) -> String {
    match (near, all) {
        _ if none => format!("the VPC has no {what}"),
        (Some(near), Some(all)) => format!("did you mean \"{near}\"? The VPC's {what}: {all}"),
        (None, Some(all)) => format!("the VPC's {what}: {all}"),
        (Some(near), None) => format!("did you mean \"{near}\"? (`{command}` lists the rest)"),
        (None, None) => format!("`{command}` lists them"),
    }
}

/// What exists instead of the VPC the file names: the nearest name, and every VPC of the region when there are few.
pub(super) fn vpcs_instead(wanted: &str, vpcs: &[VpcName]) -> String {
    let names: Vec<&str> =
        vpcs.iter().flat_map(|vpc| std::iter::once(vpc.id.as_str()).chain(vpc.name.as_deref())).collect();
    let shown: Vec<String> = vpcs
        .iter()
        .map(|vpc| match &vpc.name {
            Some(name) => format!("\"{name}\" ({})", vpc.id),
            None => format!("\"{}\"", vpc.id),
        })
        .collect();
    let all = (shown.len() <= LISTED).then(|| shown.join(", "));
    let region = "check the region (--region, the file's `region`, AWS_REGION)";
    match (nearest(wanted, names), all) {
        _ if vpcs.is_empty() => format!("the region has no VPCs: {region}"),
        (Some(near), Some(all)) => format!("did you mean \"{near}\"? The region's VPCs: {all}"),
        (None, Some(all)) => format!("the region's VPCs: {all}; or {region}"),
        (Some(near), None) => format!("did you mean \"{near}\"? (`aws ec2 describe-vpcs` lists the rest)"),
        (None, None) => format!("`aws ec2 describe-vpcs` lists the region's VPCs; or {region}"),
    }
}
