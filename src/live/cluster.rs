//! A running ECS cluster as plain data, as `ecsnet init` writes a topology from it. The AWS adapter
//! `aws::observe::cluster` fills it; no SDK types here.

use crate::live::{EcsLoadBalancer, EcsRegistry, LoadBalancer, Permission, TargetGroup, TaskDefinition};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cluster {
    /// As the user named it (a name or an ARN).
    pub name: String,
    pub region: String,
    /// The VPC of the services' subnets; `None` when no service has awsvpc networking.
    pub vpc_id: Option<String>,
    pub services: Vec<RunningService>,
    /// What the services' target groups belong to; empty when no service is attached to a target group.
    pub load_balancing: AttachedLoadBalancing,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunningService {
    pub name: String,
    /// `None` when AWS reports no task definition, or when it could not be read.
    pub task_definition: Option<TaskDefinition>,
    /// From the awsvpc configuration; empty for bridge or host networking.
    pub security_groups: Vec<String>,
    pub subnets: Vec<String>,
    pub load_balancers: Vec<EcsLoadBalancer>,
    pub registries: Vec<EcsRegistry>,
}

/// The load balancing the services are attached to: the target groups of their load balancer entries, the load
/// balancers those groups belong to, and of each Application Load Balancer its listeners (with their rules) and
/// the inbound rules of its security groups.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttachedLoadBalancing {
    pub target_groups: Vec<AttachedTargetGroup>,
    pub load_balancers: Vec<AttachedLoadBalancer>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttachedTargetGroup {
    /// Without tags or attributes (init reads neither).
    pub group: TargetGroup,
    /// The load balancers that forward to the group.
    pub load_balancer_arns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttachedLoadBalancer {
    pub kind: LoadBalancerKind,
    /// Without tags or idle timeout; listeners and their rules for an Application Load Balancer only.
    pub load_balancer: LoadBalancer,
    /// The inbound rules of its security groups (an Application Load Balancer's only).
    pub inbound: Vec<Permission>,
}

/// The type of an Elastic Load Balancing v2 load balancer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadBalancerKind {
    Application,
    Network,
    Gateway,
    /// A type this version of ecsnet does not know, as AWS writes it.
    Other(String),
}
