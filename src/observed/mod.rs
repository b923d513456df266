//! Live AWS state as plain data: what the AWS adapters read and the planner compares against. No SDK types.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::topology::{HealthCheck, TargetGroupAttributes};

pub mod cluster;
pub mod health;

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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Namespace {
    pub id: String,
    pub arn: String,
    pub name: String,
    /// Carries ecsnet's ownership marker, as a hosted zone's comment does.
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscoveryService {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub namespace_id: String,
    pub description: Option<String>,
    /// "A" or "SRV" (the first DNS record of the service's DnsConfig).
    pub record_type: String,
    pub ttl: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EcsService {
    /// The cluster as the topology names it.
    pub cluster: String,
    pub name: String,
    pub arn: String,
    /// "ECS" (rolling update), "CODE_DEPLOY" or "EXTERNAL".
    pub deployment_controller: String,
    /// The task definition revision as the service names it; `None` when AWS reports none (task sets).
    #[serde(default)]
    pub task_definition: Option<String>,
    pub load_balancers: Vec<EcsLoadBalancer>,
    pub registries: Vec<EcsRegistry>,
    /// Service Connect as the primary deployment reports it; `None` when it reports none.
    pub connect: Option<ServiceConnect>,
    pub tags: Tags,
}

/// One entry of an ECS service's `loadBalancers`, every field as AWS reports it: ecsnet sends the entries it does
/// not own back exactly as read.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EcsLoadBalancer {
    /// An Application or Network Load Balancer's target group; `None` for a Classic Load Balancer.
    pub target_group_arn: Option<String>,
    /// A Classic Load Balancer's name.
    pub load_balancer_name: Option<String>,
    pub container: Option<String>,
    pub port: Option<i32>,
    /// ECS blue/green deployment settings (`advancedConfiguration`).
    pub advanced: Option<EcsAdvancedConfiguration>,
}

impl EcsLoadBalancer {
    /// An entry for a target group, as ecsnet writes its own.
    pub fn target_group(arn: &str, container: &str, port: i32) -> Self {
        EcsLoadBalancer {
            target_group_arn: Some(arn.into()),
            container: Some(container.into()),
            port: Some(port),
            ..EcsLoadBalancer::default()
        }
    }

    /// `container:port`, with `?` for what AWS left out.
    pub fn container_port(&self) -> String {
        format!(
            "{}:{}",
            self.container.as_deref().unwrap_or("?"),
            self.port.map_or_else(|| "?".to_string(), |port| port.to_string())
        )
    }
}

/// A load balancer entry's blue/green settings, as AWS reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EcsAdvancedConfiguration {
    pub alternate_target_group_arn: Option<String>,
    pub production_listener_rule: Option<String>,
    pub test_listener_rule: Option<String>,
    pub role_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EcsRegistry {
    pub arn: String,
    pub port: Option<i32>,
    pub container: Option<String>,
    pub container_port: Option<i32>,
}

/// A task definition revision, as far as wiring its service needs it (DescribeTaskDefinition).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskDefinition {
    /// As the ECS service names it.
    pub arn: String,
    /// "awsvpc", "bridge", "host" or "none"; `None` when the task definition sets none.
    pub network_mode: Option<String>,
    pub containers: Vec<Container>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Container {
    pub name: String,
    pub port_mappings: Vec<PortMapping>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PortMapping {
    pub container_port: i32,
    /// The name Service Connect refers to the port by.
    pub name: Option<String>,
}

impl TaskDefinition {
    /// The first container with a port mapping, and that mapping: what a load balancer or registry would target.
    pub fn first_port(&self) -> Option<(&Container, &PortMapping)> {
        self.containers.iter().find_map(|container| container.port_mappings.first().map(|mapping| (container, mapping)))
    }

    pub fn container(&self, name: &str) -> Option<&Container> {
        self.containers.iter().find(|container| container.name == name)
    }

    /// The network mode ECS runs the tasks with: when the task definition sets none, ECS's default, bridge
    /// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html, networkMode).
    pub fn network_mode(&self) -> &str {
        self.network_mode.as_deref().unwrap_or("bridge")
    }

    /// `family:revision`, shorter than the ARN.
    pub fn short_name(&self) -> &str {
        self.arn.rsplit_once(":task-definition/").map_or(self.arn.as_str(), |(_, name)| name)
    }
}

impl Container {
    pub fn maps_port(&self, port: i32) -> bool {
        self.port_mappings.iter().any(|mapping| mapping.container_port == port)
    }
}

/// An ECS service's Service Connect settings, reduced to what ecsnet sets.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ServiceConnect {
    pub enabled: bool,
    pub namespace: String,
    /// One per client alias of each Service Connect service.
    pub services: Vec<ConnectAlias>,
}

/// A Service Connect service's client alias: the port name it serves, the name it registers in Cloud Map, and the
/// port and DNS name its callers use.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ConnectAlias {
    pub port_name: String,
    pub discovery_name: String,
    pub port: i32,
    pub dns_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub cidrs: Vec<String>,
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
    /// "tcp", "udp", "icmp" or "-1" (all).
    pub protocol: String,
    pub from_port: i32,
    pub to_port: i32,
    pub peer: Peer,
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadBalancer {
    pub arn: String,
    pub name: String,
    pub scheme: String,
    pub dns_name: String,
    /// The hosted zone an alias record to the load balancer names.
    pub canonical_zone_id: String,
    /// Read only when the topology sets it.
    pub idle_timeout: Option<i64>,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub tags: Tags,
    pub listeners: Vec<Listener>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listener {
    pub arn: String,
    pub port: i32,
    pub protocol: String,
    pub certificate_arn: Option<String>,
    pub ssl_policy: Option<String>,
    pub default: ListenerDefault,
    pub tags: Tags,
    /// Every rule but the default one.
    pub rules: Vec<Rule>,
}

/// A listener's default action as AWS reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListenerDefault {
    /// A forward to one target group.
    Forward(String),
    FixedResponse {
        status: u16,
        body: Option<String>,
        content_type: String,
    },
    /// A redirect: port, protocol and status code as AWS writes them ("443", "HTTPS", "HTTP_301").
    Redirect {
        port: String,
        protocol: String,
        status: String,
    },
    /// Anything ecsnet does not set (weighted forwards, authentication).
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub arn: String,
    pub priority: u32,
    /// Values of the host-header condition, lowercase.
    pub hosts: Vec<String>,
    /// Values of the path-pattern condition.
    pub paths: Vec<String>,
    /// The target group of a forward action.
    pub target_group_arn: Option<String>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetGroup {
    pub arn: String,
    pub name: String,
    pub port: i32,
    pub protocol: String,
    pub target_type: String,
    pub vpc_id: String,
    pub health_check: HealthCheck,
    /// Read only for target groups whose service sets attributes.
    pub attributes: Option<TargetGroupAttributes>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostedZone {
    /// The bare ID, without `/hostedzone/`.
    pub id: String,
    /// Without the trailing dot.
    pub name: String,
    pub comment: Option<String>,
    /// Every record but the zone's SOA and NS at the apex.
    pub records: Vec<Record>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Lowercase, without the trailing dot.
    pub name: String,
    pub kind: String,
    pub ttl: Option<i64>,
    pub values: Vec<String>,
    /// An alias record's target DNS name, lowercase, without the trailing dot.
    pub alias: Option<String>,
    /// An alias record's target hosted zone.
    pub alias_zone: Option<String>,
}

/// A health check as AWS reports it; fields AWS leaves out read as AWS's defaults.
pub struct HealthCheckRead<'a> {
    pub path: Option<&'a str>,
    pub interval: Option<i32>,
    pub timeout: Option<i32>,
    pub healthy_threshold: Option<i32>,
    pub unhealthy_threshold: Option<i32>,
    pub matcher: Option<&'a str>,
}

impl HealthCheck {
    pub fn read(read: HealthCheckRead) -> HealthCheck {
        let defaults = HealthCheck::default();
        HealthCheck {
            path: read.path.map_or(defaults.path, str::to_string),
            interval: read.interval.unwrap_or(defaults.interval),
            timeout: read.timeout.unwrap_or(defaults.timeout),
            healthy_threshold: read.healthy_threshold.unwrap_or(defaults.healthy_threshold),
            unhealthy_threshold: read.unhealthy_threshold.unwrap_or(defaults.unhealthy_threshold),
            matcher: read.matcher.map_or(defaults.matcher, str::to_string),
        }
    }
}
