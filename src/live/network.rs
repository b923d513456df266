//! The network as live state: the VPC and its DNS attributes, subnets, security groups and their rules.

use serde::{Deserialize, Serialize};

use super::{Reported, Tags};
use crate::topology::AwsName;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub cidrs: Vec<String>,
}

/// A VPC of the region by its ID and Name tag: what exists when the file's `network.vpc` names none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcName {
    pub id: String,
    pub name: Option<String>,
}

/// Whether the VPC resolves names with the Amazon DNS server (`enableDnsSupport`) and gives its instances DNS
/// hostnames (`enableDnsHostnames`). A private hosted zone, and so a Cloud Map namespace, resolves in the VPC
/// only with both on (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html#vpc-dns-support).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcDns {
    pub support: bool,
    pub hostnames: bool,
}

impl VpcDns {
    /// The attributes that are off, as AWS names them.
    pub fn off(self) -> Vec<&'static str> {
        [("enableDnsSupport", self.support), ("enableDnsHostnames", self.hostnames)]
            .into_iter()
            .filter(|(_, on)| !on)
            .map(|(name, _)| name)
            .collect()
    }

    /// The commands that turn `off` on: one call per attribute (AWS takes one a request), support first.
    pub fn fix(vpc_id: &str, off: &[&str]) -> String {
        off.iter()
            .map(|attribute| {
                format!(
                    "aws ec2 modify-vpc-attribute --vpc-id {vpc_id} --{}",
                    if *attribute == "enableDnsSupport" { "enable-dns-support" } else { "enable-dns-hostnames" }
                )
            })
            .collect::<Vec<_>>()
            .join(" && ")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub name: Option<String>,
    pub availability_zone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub group_name: String,
    pub tags: Tags,
    /// The group's rules, read for the groups the topology names or owns.
    pub rules: Vec<SecurityGroupRule>,
    /// Groups this group's rules refer to (from DescribeSecurityGroups, for every group of the VPC).
    #[serde(default)]
    pub references: Vec<String>,
}

impl SecurityGroup {
    pub fn name_tag(&self) -> Option<&str> {
        self.tags.get("Name").map(String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SecurityGroupRule {
    pub id: String,
    pub permission: Permission,
    pub tags: Tags,
}

/// One security group rule's match, comparable between desired and observed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Permission {
    pub direction: Direction,
    pub protocol: Reported<IpProtocol>,
    pub from_port: i32,
    pub to_port: i32,
    pub peer: Peer,
}

impl Permission {
    /// TCP on one port, to or from `peer`: every rule ecsnet writes.
    pub fn tcp(direction: Direction, port: u16, peer: Peer) -> Permission {
        Permission { direction, protocol: IpProtocol::Tcp.into(), from_port: port.into(), to_port: port.into(), peer }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Direction {
    Ingress,
    Egress,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Peer {
    Cidr(String),
    /// A security group, by ID.
    Group(String),
    /// A managed prefix list, by ID (VPC Lattice's, for the traffic it sends to targets).
    PrefixList(String),
}

/// An IP permission's protocol as EC2 reports it (protocol numbers EC2 has no name for are `Other`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IpProtocol {
    /// `-1`: every protocol and port.
    All,
    Tcp,
    Udp,
    Icmp,
}

impl AwsName for IpProtocol {
    const NAMES: &'static [(Self, &'static str)] =
        &[(IpProtocol::All, "-1"), (IpProtocol::Tcp, "tcp"), (IpProtocol::Udp, "udp"), (IpProtocol::Icmp, "icmp")];
}
