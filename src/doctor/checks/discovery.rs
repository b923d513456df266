//! Cloud Map: the service's registry has instances.

use crate::topology::Service;

use super::ecs::{Attachment, Into};
use super::{check, fail, ok, Check, Facts, Status, APPLY};

pub(super) fn instances_check(facts: &Facts, service: &Service) -> Check {
    let resource = format!("service.{}.discovery", service.name);
    let namespace =
        facts.observed.namespaces.iter().find(|namespace| Some(&namespace.name) == facts.topology.discovery.as_ref());
    let registry = namespace.and_then(|namespace| {
        facts
            .observed
            .discovery_services
            .iter()
            .find(|known| known.namespace_id == namespace.id && known.name == service.name)
    });
    let Some(registry) = registry else {
        return fail("discovery_has_instances", resource, "missing", APPLY);
    };
    let resource = format!("{resource} {}", registry.id);
    match facts.health.instances.get(&registry.id).copied().unwrap_or(0) {
        0 => check(
            Status::Warn,
            "discovery_has_instances",
            resource,
            match facts.topology.cloud_map_name(service) {
                Some(name) => format!("no instances registered, so {} resolves to nothing", name.dns),
                None => "no instances registered".into(),
            },
            Some(registration(facts, service, &registry.arn).fix_for_no_targets(Into::Registry)),
        ),
        count => {
            let callers =
                facts.topology.cloud_map_name(service).map_or(String::new(), |name| format!("; callers use {name}"));
            ok("discovery_has_instances", resource, format!("{count} instances{callers}"))
        }
    }
}

/// Whether the file's ECS service has the Cloud Map service as its registry.
fn registration(facts: &Facts, service: &Service, registry_arn: &str) -> Attachment {
    let Some(wiring) = &service.ecs else { return Attachment::NotWired };
    let running =
        facts.observed.ecs_services.iter().find(|live| live.cluster == wiring.cluster && live.name == wiring.service);
    match running {
        None => Attachment::Missing,
        Some(running) if running.registries.iter().any(|entry| entry.arn == registry_arn) => Attachment::Attached,
        Some(_) => Attachment::Detached,
    }
}
