//! AWS's limits, checked before any API call so nothing fails half-way. Every error says what is wrong, where
//! (the key, and its line and column in the file), and how to fix it.

use std::fmt;

mod connect;
mod discovery;
mod dns;
mod ecs;
mod health_check;
mod lattice;
mod listeners;
mod load_balancer;
mod network;
mod routing;
mod services;
mod syntax;

use super::file::TopologyFile;
use super::places::{shown_path, KeyPlaces};
use super::Topology;
pub(crate) use connect::{arn_account, arn_region};
use discovery::validate_namespace;
use dns::validate_dns;
use load_balancer::validate_load_balancer;
use network::validate_network;
use services::validate_services;
use syntax::check_resource_name;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The key, as a path: `service[1].priority`.
    pub key: String,
    /// The key as the message shows it: `service "payments" priority`.
    pub shown: String,
    pub problem: String,
    pub hint: String,
    /// 1-based line and column of the key's value in the file, or of the header of the table that lacks the key.
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}\n    hint: {}", self.shown, self.problem, self.hint)
    }
}

/// The problems validation finds, each with the key that places it in the file; they are placed only when
/// there are any, so a valid file is read once.
#[derive(Default)]
pub(super) struct Errors(Vec<Found>);

struct Found {
    label: String,
    key: String,
    problem: String,
    hint: String,
}

impl Errors {
    /// A problem shown under `key` and placed where `key` stands.
    pub(super) fn push(&mut self, key: impl Into<String>, problem: impl Into<String>, hint: impl Into<String>) {
        let key = key.into();
        self.push_labelled(key.clone(), key, problem, hint);
    }

    /// A problem shown under `label` and placed where `key` stands: for problems named otherwise than by a key.
    pub(super) fn push_labelled(
        &mut self,
        label: impl Into<String>,
        key: impl Into<String>,
        problem: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.0.push(Found { label: label.into(), key: key.into(), problem: problem.into(), hint: hint.into() });
    }

    /// Each problem with the line and column of its key in the file; `services` are the file's service names, in
    /// order, by which the problems name the services.
    pub(super) fn placed(self, places: &KeyPlaces, services: &[&str]) -> Vec<ValidationError> {
        self.0
            .into_iter()
            .map(|found| {
                let place = places.place_of(&found.key);
                ValidationError {
                    shown: if found.label == found.key {
                        shown_path(&found.key, services)
                    } else {
                        found.label.clone()
                    },
                    key: found.label,
                    problem: found.problem,
                    hint: found.hint,
                    line: place.line,
                    column: place.column,
                }
            })
            .collect()
    }
}

/// Validates the file and resolves every default; all problems are reported at once.
pub fn validate(file: &TopologyFile) -> Result<Topology, Errors> {
    let mut errors = Errors::default();
    check_resource_name(&mut errors, "name", &file.name, "the topology name");
    if let Some(region) = &file.region {
        if region.trim().is_empty() {
            errors.push("region", "is empty", "write a region such as \"us-east-1\", or leave the key out");
        }
    }
    let network = validate_network(&mut errors, file);
    let dns = file.dns.as_ref().map(|dns| validate_dns(&mut errors, &dns.zone, dns.ttl, dns.record.as_deref()));
    let load_balancer = validate_load_balancer(&mut errors, file);
    if file.listener.is_some() && file.load_balancer.is_none() {
        errors.push("listener", "a listener needs a load balancer", "add a [load_balancer] table");
    }
    let listeners = load_balancer.as_ref().map_or(&[][..], |load_balancer| &load_balancer.listeners[..]);
    let discovery =
        file.discovery.as_ref().map(|discovery| validate_namespace(&mut errors, &discovery.namespace, dns.as_ref()));
    let lattice = file.lattice.as_ref().map(|section| lattice::validate_lattice(&mut errors, section));
    let services = validate_services(&mut errors, file, dns.as_ref(), listeners);
    listeners::check_forward_defaults(&mut errors, file, listeners, &services);
    // More rules than one load balancer holds are spread over several (plan/diff/shards.rs); a service's own
    // rules, one per listener, always fit in one.
    if !errors.0.is_empty() {
        return Err(errors);
    }
    Ok(Topology {
        name: file.name.clone(),
        region: file.region.clone(),
        network,
        load_balancer,
        dns,
        discovery,
        lattice,
        services,
    })
}

#[cfg(test)]
mod tests;
