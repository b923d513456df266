//! The VPC, its subnets and security groups, and the security group rules the topology can touch.

use std::collections::HashMap;

use aws_sdk_ec2::types::{Filter, VpcAttributeName};

use crate::aws::error::ForOperation;
use crate::aws::{Aws, AwsError};
use crate::live::{
    Direction, Peer, Permission, Reported, SecurityGroup, SecurityGroupRule, Subnet, Tags, Vpc, VpcDns, VpcName,
};
use crate::plan::ownership::TOPOLOGY_TAG;
use crate::topology::Topology;

pub struct Network {
    pub subnets: Vec<Subnet>,
    pub security_groups: Vec<SecurityGroup>,
    /// Read only when the topology has a private zone or a Cloud Map namespace.
    pub dns: Option<VpcDns>,
}

fn filter(name: &str, values: impl IntoIterator<Item = impl Into<String>>) -> Filter {
    Filter::builder().name(name).set_values(Some(values.into_iter().map(Into::into).collect())).build()
}

fn tags(tags: &[aws_sdk_ec2::types::Tag]) -> Tags {
    tags.iter().filter_map(|tag| Some((tag.key()?.to_string(), tag.value().unwrap_or_default().to_string()))).collect()
}

/// The VPC named by ID or Name tag; `None` if there is none.
pub async fn vpc(aws: &Aws, wanted: &str) -> Result<Option<Vpc>, AwsError> {
    let by = if wanted.starts_with("vpc-") { "vpc-id" } else { "tag:Name" };
    let output = aws.ec2.describe_vpcs().filters(filter(by, [wanted])).send().await.for_operation("DescribeVpcs")?;
    Ok(output.vpcs().first().map(|vpc| Vpc {
        id: vpc.vpc_id().unwrap_or_default().to_string(),
        cidrs: vpc
            .cidr_block_association_set()
            .iter()
            .filter(|association| {
                association
                    .cidr_block_state()
                    .and_then(|state| state.state())
                    .is_none_or(|state| state.as_str() == "associated")
            })
            .filter_map(|association| association.cidr_block().map(str::to_string))
            .collect::<Vec<_>>()
            .into_iter()
            .chain(vpc.cidr_block().map(str::to_string))
            .fold(Vec::new(), |mut cidrs, cidr| {
                if !cidrs.contains(&cidr) {
                    cidrs.push(cidr);
                }
                cidrs
            }),
    }))
}

/// Every VPC of the region, by ID and Name tag: read only when the file's VPC matches none, to say what exists.
pub async fn vpcs(aws: &Aws) -> Result<Vec<VpcName>, AwsError> {
    let pages = aws.ec2.describe_vpcs().into_paginator().items().send();
    let vpcs: Vec<_> = pages.collect::<Result<Vec<_>, _>>().await.for_operation("DescribeVpcs")?;
    Ok(vpcs
        .iter()
        .map(|vpc| VpcName { id: vpc.vpc_id().unwrap_or_default().to_string(), name: tags(vpc.tags()).remove("Name") })
        .collect())
}

/// The VPC's DNS attributes: two DescribeVpcAttribute calls at once (it reads one attribute a call).
async fn dns(aws: &Aws, vpc_id: &str, wanted: bool) -> Result<Option<VpcDns>, AwsError> {
    if !wanted {
        return Ok(None);
    }
    let attribute = |name: VpcAttributeName| async move {
        aws.ec2
            .describe_vpc_attribute()
            .vpc_id(vpc_id)
            .attribute(name)
            .send()
            .await
            .for_operation("DescribeVpcAttribute")
    };
    let (support, hostnames) = tokio::try_join!(
        attribute(VpcAttributeName::EnableDnsSupport),
        attribute(VpcAttributeName::EnableDnsHostnames)
    )?;
    Ok(Some(VpcDns {
        support: support.enable_dns_support().and_then(|value| value.value()).unwrap_or(false),
        hostnames: hostnames.enable_dns_hostnames().and_then(|value| value.value()).unwrap_or(false),
    }))
}

/// Subnets and security groups of the VPC; rules of the groups the topology names or owns, and every rule tagged
/// for the topology; the VPC's DNS attributes when names must resolve in it.
/// `also`: groups whose rules are read beside those the topology names or owns (a load balancer's it may adopt).
pub async fn read(aws: &Aws, topology: &Topology, vpc_id: &str, also: &[String]) -> Result<Network, AwsError> {
    let names_resolve_in_vpc = topology.dns.is_some() || topology.discovery.is_some();
    let (subnets, mut security_groups, dns) =
        tokio::try_join!(subnets(aws, vpc_id), security_groups(aws, vpc_id), dns(aws, vpc_id, names_resolve_in_vpc))?;
    let mut relevant = relevant_groups(topology, &security_groups);
    relevant.extend(also.iter().filter(|id| !relevant.contains(id)).cloned().collect::<Vec<_>>());
    let (of_groups, tagged) = tokio::try_join!(
        rules(aws, filter("group-id", relevant.clone()), !relevant.is_empty()),
        rules(aws, filter(&format!("tag:{TOPOLOGY_TAG}"), [topology.name.as_str()]), true)
    )?;
    for (group_id, rule) in of_groups.into_iter().chain(tagged) {
        if let Some(group) = security_groups.iter_mut().find(|group| group.id == group_id) {
            if !group.rules.iter().any(|known| known.id == rule.id) {
                group.rules.push(rule);
            }
        }
    }
    Ok(Network { subnets, security_groups, dns })
}

async fn subnets(aws: &Aws, vpc_id: &str) -> Result<Vec<Subnet>, AwsError> {
    let pages = aws.ec2.describe_subnets().filters(filter("vpc-id", [vpc_id])).into_paginator().items().send();
    let subnets: Vec<_> = pages.collect::<Result<Vec<_>, _>>().await.for_operation("DescribeSubnets")?;
    Ok(subnets
        .iter()
        .map(|subnet| Subnet {
            id: subnet.subnet_id().unwrap_or_default().to_string(),
            name: tags(subnet.tags()).remove("Name"),
            availability_zone: subnet.availability_zone().unwrap_or_default().to_string(),
        })
        .collect())
}

/// The VPC's security groups, without their rules; each with the groups its rules reference.
async fn security_groups(aws: &Aws, vpc_id: &str) -> Result<Vec<SecurityGroup>, AwsError> {
    let pages = aws.ec2.describe_security_groups().filters(filter("vpc-id", [vpc_id])).into_paginator().items().send();
    let groups: Vec<_> = pages.collect::<Result<Vec<_>, _>>().await.for_operation("DescribeSecurityGroups")?;
    Ok(groups
        .iter()
        .map(|group| SecurityGroup {
            id: group.group_id().unwrap_or_default().to_string(),
            group_name: group.group_name().unwrap_or_default().to_string(),
            tags: tags(group.tags()),
            rules: Vec::new(),
            references: group
                .ip_permissions()
                .iter()
                .chain(group.ip_permissions_egress())
                .flat_map(|permission| permission.user_id_group_pairs())
                .filter_map(|pair| pair.group_id().map(str::to_string))
                .collect(),
        })
        .collect())
}

/// The IDs of the groups whose rules the topology can touch: its own, and those its services name.
fn relevant_groups(topology: &Topology, groups: &[SecurityGroup]) -> Vec<String> {
    groups
        .iter()
        .filter(|group| {
            group.tags.get(TOPOLOGY_TAG) == Some(&topology.name)
                || topology.services.iter().any(|service| {
                    [group.id.as_str(), group.group_name.as_str()].contains(&service.security_group.as_str())
                        || group.name_tag() == Some(&service.security_group)
                })
        })
        .map(|group| group.id.clone())
        .collect()
}

/// The inbound rules of these security groups, by group ID, in one paged request (no request for no group): the
/// `group-id` filter takes several IDs
/// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroupRules.html).
pub async fn inbound_rules_of(aws: &Aws, groups: &[String]) -> Result<HashMap<String, Vec<Permission>>, AwsError> {
    let mut inbound: HashMap<String, Vec<Permission>> = HashMap::new();
    for (group, rule) in rules(aws, filter("group-id", groups), !groups.is_empty()).await? {
        if rule.permission.direction == Direction::Ingress {
            inbound.entry(group).or_default().push(rule.permission);
        }
    }
    Ok(inbound)
}

async fn rules(aws: &Aws, filter: Filter, wanted: bool) -> Result<Vec<(String, SecurityGroupRule)>, AwsError> {
    if !wanted {
        return Ok(Vec::new());
    }
    let pages = aws.ec2.describe_security_group_rules().filters(filter).into_paginator().items().send();
    let rules: Vec<_> = pages.collect::<Result<Vec<_>, _>>().await.for_operation("DescribeSecurityGroupRules")?;
    Ok(rules
        .iter()
        .filter_map(|rule| {
            let group = rule.referenced_group_info().and_then(|group| group.group_id());
            let peer = match (rule.cidr_ipv4(), group, rule.prefix_list_id()) {
                (Some(cidr), _, _) => Peer::Cidr(cidr.to_string()),
                (None, Some(group), _) => Peer::Group(group.to_string()),
                // VPC Lattice's managed prefix list, the source ecsnet opens Lattice services' groups to.
                (None, None, Some(prefix_list)) => Peer::PrefixList(prefix_list.to_string()),
                // IPv6 rules: never ecsnet's, and never touched.
                (None, None, None) => return None,
            };
            let permission = Permission {
                direction: if rule.is_egress() == Some(true) { Direction::Egress } else { Direction::Ingress },
                protocol: Reported::parse(rule.ip_protocol().unwrap_or("-1")),
                from_port: rule.from_port().unwrap_or(-1),
                to_port: rule.to_port().unwrap_or(-1),
                peer,
            };
            let id = rule.security_group_rule_id()?.to_string();
            Some((rule.group_id()?.to_string(), SecurityGroupRule { id, permission, tags: tags(rule.tags()) }))
        })
        .collect())
}
