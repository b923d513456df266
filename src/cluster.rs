//! A running ECS cluster as plain data, as `ecsnet init` writes a topology from it and `ecsnet doctor` compares
//! the topology with its task definitions. The AWS adapter `aws::cluster` fills it; no SDK types here.

use crate::observed::{EcsLoadBalancer, EcsRegistry};

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

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TaskDefinition {
    pub arn: String,
    pub containers: Vec<Container>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Container {
    pub name: String,
    pub port_mappings: Vec<PortMapping>,
}

#[derive(Debug, Clone, PartialEq, Default)]
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
}

impl Container {
    pub fn maps_port(&self, port: i32) -> bool {
        self.port_mappings.iter().any(|mapping| mapping.container_port == port)
    }
}
