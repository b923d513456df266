//! ECS: the service exists, is attached to its target group, and runs a task definition that fits the file.

use crate::live::{EcsService, TargetGroup};
use crate::plan::diff::ecs::missing::explain;
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
        let missing = explain(&facts.observed.ecs_catalog, &wiring.cluster, &wiring.service);
        return vec![fail("ecs_service_exists", resource, missing.message, missing.hint)];
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
    match attached_entry(running, group) {
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

/// The ECS service's entry for the target group, if it is attached to it.
fn attached_entry<'a>(running: &'a EcsService, group: &TargetGroup) -> Option<&'a crate::live::EcsLoadBalancer> {
    running.load_balancers.iter().find(|entry| entry.target_group_arn.as_deref() == Some(group.arn.as_str()))
}

/// Whether the file's ECS service is attached to the target group as the file says: what targets_healthy's fix
/// depends on, so doctor never tells to attach a service it has just found attached.
pub(super) fn attachment(facts: &Facts, service: &Service, group: &TargetGroup) -> Attachment {
    let Some(wiring) = &service.ecs else { return Attachment::NotWired };
    let running =
        facts.observed.ecs_services.iter().find(|live| live.cluster == wiring.cluster && live.name == wiring.service);
    let Some(running) = running else { return Attachment::Missing };
    match attached_entry(running, group) {
        Some(entry)
            if entry.container.as_deref() == Some(wiring.container.as_str())
                && entry.port == Some(i32::from(service.port)) =>
        {
            Attachment::Attached
        }
        _ => Attachment::Detached,
    }
}

/// How a service's ECS service stands to its target group (or Cloud Map registry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Attachment {
    /// The file has no `[service.ecs]`: nothing registers targets but the user.
    NotWired,
    /// The ECS service the file names does not exist.
    Missing,
    /// Not attached, or attached otherwise than the file says: `ecsnet apply` attaches it.
    Detached,
    Attached,
}

impl Attachment {
    /// The fix when nothing is registered in `into`, said so as not to contradict the attachment check beside it.
    pub(super) fn fix_for_no_targets(self, into: Into) -> String {
        let (attach, attached, targets) = match into {
            Into::TargetGroup => ("attach it to the target group", "attached to the target group", "targets"),
            Into::Registry => {
                ("register it in the Cloud Map service", "registered in the Cloud Map service", "instances")
            }
        };
        match self {
            Attachment::NotWired => format!(
                "add a [service.ecs] table naming the ECS service, so that `ecsnet apply` can {attach}; or register {targets} yourself"
            ),
            Attachment::Missing => "fix [service.ecs] cluster and service: the ECS service does not exist".into(),
            Attachment::Detached => format!("{APPLY} to {attach}"),
            Attachment::Attached => format!(
                "the ECS service is {attached}; check that its tasks run (`aws ecs describe-services`: runningCount, and the service's events for tasks that stopped)"
            ),
        }
    }
}

/// Where targets are registered: a target group, or a Cloud Map service.
#[derive(Debug, Clone, Copy)]
pub(super) enum Into {
    TargetGroup,
    Registry,
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
