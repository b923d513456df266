//! ECS as live state: the services a topology wires, their load balancer entries, registries and Service
//! Connect, and the task definitions they run.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::{Reported, Tags};
use crate::topology::{AccessLogFormat, AwsName, ConnectLogs, ConnectTimeouts, ConnectTls, LogDriver};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EcsService {
    /// The cluster as the topology names it.
    pub cluster: String,
    pub name: String,
    pub arn: String,
    pub deployment_controller: Reported<DeploymentController>,
    /// The task definition revision as the service names it; `None` when AWS reports none (task sets).
    #[serde(default)]
    pub task_definition: Option<String>,
    pub load_balancers: Vec<EcsLoadBalancer>,
    pub registries: Vec<EcsRegistry>,
    /// Service Connect as the primary deployment reports it; `None` when it reports none.
    pub connect: Option<ServiceConnect>,
    /// The VPC Lattice target groups the primary deployment registers tasks in (`vpcLatticeConfigurations`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lattice: Vec<EcsLatticeConfig>,
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

/// One of an ECS service's `vpcLatticeConfigurations`, as AWS reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EcsLatticeConfig {
    pub role_arn: String,
    pub target_group_arn: String,
    pub port_name: String,
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
    /// `None` when the task definition sets none.
    pub network_mode: Option<Reported<NetworkMode>>,
    pub containers: Vec<Container>,
    /// The IAM role the tasks run as, the identity VPC Lattice's auth policies admit callers by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_role_arn: Option<String>,
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
    /// Service Connect's application protocol; `None` when the task definition sets none, which ECS takes as TCP.
    /// Left out of saved plans and fingerprints when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<Reported<AppProtocol>>,
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
    pub fn network_mode(&self) -> Reported<NetworkMode> {
        self.network_mode.clone().unwrap_or(Reported::Known(NetworkMode::Bridge))
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
    /// The proxy's log configuration and access logs; left out of saved plans and fingerprints when AWS reports
    /// none, so they read as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<ReportedLogs>,
}

/// A Service Connect service's client alias: the port name it serves, the name it registers in Cloud Map, and the
/// port and DNS name its callers use; with its service's TLS and timeouts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ConnectAlias {
    pub port_name: String,
    pub discovery_name: String,
    pub port: i32,
    pub dns_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<ConnectTls>,
    #[serde(default, skip_serializing_if = "ConnectTimeouts::is_empty")]
    pub timeouts: ConnectTimeouts,
}

impl ConnectAlias {
    /// An alias without TLS or timeouts.
    pub fn plain(port_name: &str, discovery_name: &str, port: i32, dns_name: &str) -> Self {
        ConnectAlias {
            port_name: port_name.into(),
            discovery_name: discovery_name.into(),
            port,
            dns_name: dns_name.into(),
            tls: None,
            timeouts: ConnectTimeouts::default(),
        }
    }
}

/// Service Connect's `logConfiguration` and `accessLogConfiguration` as AWS reports them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ReportedLogs {
    pub driver: Reported<LogDriver>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_log: Option<ReportedAccessLog>,
}

impl From<&ConnectLogs> for ReportedLogs {
    /// What AWS reports once it holds the settings the file asks for.
    fn from(logs: &ConnectLogs) -> Self {
        ReportedLogs {
            driver: logs.driver.into(),
            options: logs.options.clone(),
            access_log: logs.access_log.map(|access| ReportedAccessLog {
                format: access.format.into(),
                query_parameters: access.query_parameters,
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ReportedAccessLog {
    pub format: Reported<AccessLogFormat>,
    /// `None` when AWS reports none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_parameters: Option<bool>,
}

/// What ECS holds beyond the services the file names, read only when a name in the file matches nothing: to say
/// what exists instead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcsCatalog {
    /// Clusters the file names that ECS does not have (DescribeServices: ClusterNotFoundException).
    pub missing_clusters: Vec<String>,
    /// The region's clusters by name; read when `missing_clusters` is not empty.
    pub clusters: Vec<String>,
    /// Service names by cluster, for each existing cluster in which the file names a service that is not there.
    pub services: std::collections::BTreeMap<String, Vec<String>>,
}

impl EcsCatalog {
    pub fn is_empty(&self) -> bool {
        self.missing_clusters.is_empty() && self.clusters.is_empty() && self.services.is_empty()
    }
}

/// ECS's DeploymentControllerType.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeploymentController {
    /// A rolling update, the one ecsnet updates a service's wiring with.
    Ecs,
    CodeDeploy,
    External,
}

impl AwsName for DeploymentController {
    const NAMES: &'static [(Self, &'static str)] = &[
        (DeploymentController::Ecs, "ECS"),
        (DeploymentController::CodeDeploy, "CODE_DEPLOY"),
        (DeploymentController::External, "EXTERNAL"),
    ];
}

/// ECS's ApplicationProtocol (a port mapping's `appProtocol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AppProtocol {
    Http,
    Http2,
    Grpc,
}

impl AwsName for AppProtocol {
    const NAMES: &'static [(Self, &'static str)] =
        &[(AppProtocol::Http, "http"), (AppProtocol::Http2, "http2"), (AppProtocol::Grpc, "grpc")];
}

/// ECS's NetworkMode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NetworkMode {
    Awsvpc,
    Bridge,
    Host,
    None,
}

impl AwsName for NetworkMode {
    const NAMES: &'static [(Self, &'static str)] = &[
        (NetworkMode::Awsvpc, "awsvpc"),
        (NetworkMode::Bridge, "bridge"),
        (NetworkMode::Host, "host"),
        (NetworkMode::None, "none"),
    ];
}
