//! ECS: the service exists, is attached to its target group, and runs a task definition that fits the file.

use crate::live::{EcsService, TargetGroup};
use crate::plan::task_definition::{container_port, mismatches, Wiring};
use crate::topology::{EcsWiring, Service};

use super::{check, fail, ok, target_group, Check, Facts, Status, APPLY};

/// A wired service: the ECS service exists, is attached to the target group, and runs a task definition that fits.
pub(super) fn ecs_checks(facts: &Facts, service: &Service) -> Vec<Check> {
    let Some(wiring) = &service.ecs else { return Vec::new() };
    let resource = format!("service.{}.ecs {}/{}", service.name, wiring.cluster, wiring.service);
    let Some(running) =
        facts.observed.ecs_services.iter().find(|live| live.cluster == wiring.cluster && live.name == wiring.service)
    else {
        return vec![fail(
            "ecs_service_exists",
            resource,
            "no such ECS service",
            "check [service.ecs] cluster and service in the file, and the region",
        )];
    };
    let mut checks = Vec::new();
    if let Some(group) = target_group(facts, service).filter(|_| service.routing.is_some()) {
        checks.push(attachment_check(&resource, service, wiring, running, group));
    }
    checks.extend(task_definition_checks(facts, &resource, service, running));
    checks
}

fn attachment_check(
    resource: &str,
    service: &Service,
    wiring: &EcsWiring,
    running: &EcsService,
    group: &TargetGroup,
) -> Check {
    let name = "ecs_attached_to_target_group";
    let attached =
        running.load_balancers.iter().find(|entry| entry.target_group_arn.as_deref() == Some(group.arn.as_str()));
    match attached {
        Some(entry)
            if entry.container.as_deref() == Some(wiring.container.as_str())
                && entry.port == Some(i32::from(service.port)) =>
        {
            ok(name, resource, format!("{} → {}", entry.container_port(), group.name))
        }
        Some(entry) => fail(
            name,
            resource,
            format!("attached as {}, the file says {}:{}", entry.container_port(), wiring.container, service.port),
            APPLY,
        ),
        None => fail(name, resource, format!("not attached to {}", group.name), APPLY),
    }
}

/// What plan refuses (src/plan/task_definition.rs), checked again: the service may run another task definition
/// since it was wired.
fn task_definition_checks(facts: &Facts, resource: &str, service: &Service, running: &EcsService) -> Vec<Check> {
    let name = "task_definition_matches";
    let Some(definition) = running
        .task_definition
        .as_ref()
        .and_then(|arn| facts.observed.task_definitions.iter().find(|definition| definition.arn == *arn))
    else {
        return vec![check(Status::Warn, name, resource, "the task definition could not be read", None)];
    };
    let (Some(asked), Some(wiring)) = (Wiring::of(service), &service.ecs) else { return Vec::new() };
    let mut found = mismatches(&asked, definition);
    // The file's port is the container port even where ECS is not told it (Service Connect, A records).
    let container = container_port(definition, &wiring.container, service.port);
    if !asked.names_container_port() {
        found.splice(0..0, container.clone().err());
    }
    match container {
        Ok(container) if found.is_empty() => {
            vec![ok(name, resource, format!("container {} maps port {}", container.name, service.port))]
        }
        _ => found.into_iter().map(|mismatch| fail(name, resource, mismatch.to_string(), mismatch.hint())).collect(),
    }
}
