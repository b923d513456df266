//! A service's ECS side: the cluster, service and container the target group is wired to (Service Connect, a
//! setting of the same ECS service, is in `connect.rs`).

use crate::topology::file::{EcsSection, ServiceSection};
use crate::topology::EcsWiring;

use super::Errors;

/// The ECS service and container behind a service: named after it unless the file says otherwise.
pub(super) fn validate_ecs(errors: &mut Errors, index: usize, section: &ServiceSection, ecs: &EcsSection) -> EcsWiring {
    if ecs.cluster.trim().is_empty() {
        errors.push(format!("service[{index}].ecs.cluster"), "is empty", "write the ECS cluster's name or ARN");
    }
    EcsWiring {
        cluster: ecs.cluster.trim().to_string(),
        service: ecs.service.clone().unwrap_or_else(|| section.name.clone()),
        container: ecs.container.clone().unwrap_or_else(|| section.name.clone()),
    }
}
