//! A running ECS cluster as plain data, as `ecsnet init` writes a topology from it. The AWS adapter
//! `aws::observe::cluster` fills it; no SDK types here.

use crate::observed::{EcsLoadBalancer, EcsRegistry, TaskDefinition};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cluster {
    /// As the user named it (a name or an ARN).
    pub name: String,
    pub region: String,
    /// The VPC of the services' subnets; `None` when no service has awsvpc networking.
    pub vpc_id: Option<String>,
    pub services: Vec<RunningService>,
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
