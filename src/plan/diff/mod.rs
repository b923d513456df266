//! The planner: a pure function of (desired topology, observed live state) → plan.

mod discovery;
mod dns;
pub(crate) mod ecs;
mod lattice;
mod load_balancing;
mod security;

use std::fmt;

use crate::live::{Observed, Tags};
use crate::plan::ownership::LOCK_ADDRESS;
use crate::plan::ownership::{ADDRESS_TAG, TOPOLOGY_TAG};

use super::desired::Desired;
use super::problem::{PlanError, Problem};
use super::{Action, Address, Change, FieldChange, Migration, Note, Operation, Plan, ReplaceReason};

/// The changes that make live state as `desired` says, for the resources `topology` owns.
pub(super) fn diff(topology: &str, desired: &Desired, observed: &Observed) -> Result<Plan, PlanError> {
    let notes = desired.warnings.iter().cloned().map(Note::warning).collect();
    let mut planner =
        Planner { topology, observed, changes: Vec::new(), notes, problems: Vec::new(), migrations: Vec::new() };
    let security_group = planner.load_balancer_security_group(desired);
    let load_balancing = planner.load_balancing(desired, security_group.as_ref());
    planner.ingress(desired, security_group.as_ref());
    let lattice = planner.lattice(desired);
    planner.dns(desired, &load_balancing, &lattice);
    let registries = planner.discovery(desired);
    planner.ecs(desired, &load_balancing.target_groups, &registries, &lattice);
    if !planner.problems.is_empty() {
        return Err(PlanError { problems: planner.problems });
    }
    let mut changes = planner.changes;
    // Creates and updates in the order they run; deletes after them, in the reverse order.
    let order = |change: &Change| match change.action {
        Action::Delete => (1, u8::MAX - change.address.kind_rank(), change.address.clone()),
        _ => (0, change.address.kind_rank(), change.address.clone()),
    };
    changes.sort_by_key(order);
    Ok(Plan { topology: topology.to_string(), changes, notes: planner.notes, migrations: planner.migrations })
}

struct Planner<'a> {
    topology: &'a str,
    observed: &'a Observed,
    changes: Vec<Change>,
    notes: Vec<Note>,
    problems: Vec<Problem>,
    migrations: Vec<Migration>,
}

impl Planner<'_> {
    /// The address of a resource this topology owns, from its tags.
    fn owned_address(&mut self, tags: &Tags, what: &str) -> Option<Address> {
        if tags.get(TOPOLOGY_TAG).map(String::as_str) != Some(self.topology) {
            return None;
        }
        match tags.get(ADDRESS_TAG).map(|text| text.parse::<Address>()) {
            Some(Ok(address)) => Some(address),
            // The topology's lock (src/aws/lock/): not a resource of the plan.
            Some(Err(_)) if tags.get(ADDRESS_TAG).is_some_and(|text| text == LOCK_ADDRESS) => None,
            Some(Err(_)) | None => {
                self.notes.push(Note::info(format!(
                    "{what} is tagged for topology {} without an address ecsnet knows; it is left alone",
                    self.topology
                )));
                None
            }
        }
    }

    fn push(
        &mut self,
        address: Address,
        action: Action,
        name: impl Into<String>,
        fields: Vec<FieldChange>,
        operation: Operation,
    ) {
        self.changes.push(Change { address, action, name: name.into(), fields, reason: None, operation });
    }

    fn push_replace(
        &mut self,
        address: Address,
        name: impl Into<String>,
        fields: Vec<FieldChange>,
        reason: ReplaceReason,
        operation: Operation,
    ) {
        self.changes.push(Change {
            address,
            action: Action::Replace,
            name: name.into(),
            fields,
            reason: Some(reason),
            operation,
        });
    }
}

/// Splits owned resources that share an address into the one to keep (the one with the wanted name, else the
/// first) and the duplicates, which a crashed run may have left and which are deleted.
fn keep_one<T>(candidates: Vec<&T>, has_wanted_name: impl Fn(&T) -> bool) -> (Option<&T>, Vec<&T>) {
    let position = candidates.iter().position(|candidate| has_wanted_name(candidate)).unwrap_or(0);
    let mut rest = candidates;
    if rest.is_empty() {
        return (None, rest);
    }
    let kept = rest.remove(position);
    (Some(kept), rest)
}

fn join<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    items.into_iter().map(|item| item.to_string()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
pub(in crate::plan) mod tests;
