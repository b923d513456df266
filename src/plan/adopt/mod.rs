//! Adoption (`plan --adopt`): resources no topology owns, matched to the topology's addresses, so that ecsnet takes
//! them over in place instead of refusing their names. Adopting writes only ownership marks (`Mark`); the plan
//! then diffs the topology against live state as it is once marked, so it also shows what apply changes on them.
//! Never adopted: what another ecsnet topology owns, and what a CloudFormation stack owns unless the user names
//! the stack as being retired (the stack would otherwise put its resources back, or delete them with itself).

mod discovery;
mod dns;
mod lattice;
mod load_balancing;
mod mark;
mod network;

use std::collections::BTreeSet;

pub use load_balancing::load_balancer_names;
pub use mark::Mark;

use crate::live::{Observed, Tags};
use crate::plan::desired::Desired;
use crate::plan::ownership::{ADDRESS_TAG, TOPOLOGY_TAG};
use crate::plan::problem::Problem;
use crate::plan::{Action, Address, Change, FieldChange, Note, Operation};

/// What adoption may take beyond unowned resources.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AdoptPolicy {
    /// CloudFormation stacks being retired, whose resources may be adopted.
    pub retiring_stacks: Vec<String>,
}

/// The tag CloudFormation puts on every resource of a stack that takes tags
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-resource-tags.html).
pub const STACK_NAME_TAG: &str = "aws:cloudformation:stack-name";

/// The adoptions found, and why others were not made.
#[derive(Debug, Default)]
pub struct Adoption {
    pub changes: Vec<Change>,
    pub notes: Vec<Note>,
    pub problems: Vec<Problem>,
}

impl Adoption {
    /// Live state as it is once every adoption is written.
    pub fn marked(&self, observed: &Observed) -> Observed {
        let mut marked = observed.clone();
        for change in &self.changes {
            if let Operation::Adopt(mark) = &change.operation {
                mark.apply_to(&mut marked);
            }
        }
        marked
    }
}

/// The resources of `observed` that `desired` can take over, each at the address it would have had.
pub fn adopt(topology: &str, desired: &Desired, observed: &Observed, policy: &AdoptPolicy) -> Adoption {
    let mut adopter = Adopter { topology, observed, policy, adoption: Adoption::default(), taken: BTreeSet::new() };
    let balancers = adopter.load_balancers(desired);
    adopter.listeners_and_rules(desired, &balancers);
    adopter.target_groups(desired, &balancers);
    adopter.security(desired, &balancers);
    adopter.dns(desired);
    adopter.discovery(desired);
    adopter.lattice(desired);
    adopter.adoption
}

struct Adopter<'a> {
    topology: &'a str,
    observed: &'a Observed,
    policy: &'a AdoptPolicy,
    adoption: Adoption,
    /// IDs and ARNs adopted so far: one resource is adopted at one address.
    taken: BTreeSet<String>,
}

/// Whether a resource may be adopted, by its tags.
enum Eligibility {
    Free,
    /// This topology's already: nothing to adopt.
    Ours,
    /// Another topology's, or a stack's not being retired.
    Refused,
}

impl Adopter<'_> {
    /// Whether tags let `what` be adopted; a refusal is noted (another topology) or a problem (a live stack).
    fn eligible(&mut self, tags: &Tags, what: &str) -> Eligibility {
        if let Some(owner) = tags.get(TOPOLOGY_TAG) {
            if owner == self.topology {
                return Eligibility::Ours;
            }
            self.adoption.notes.push(Note::info(format!(
                "{what} belongs to ecsnet topology {owner}; it is never adopted by another topology"
            )));
            return Eligibility::Refused;
        }
        self.eligible_by_stack(tags, what)
    }

    fn eligible_by_stack(&mut self, tags: &Tags, what: &str) -> Eligibility {
        let Some(stack) = tags.get(STACK_NAME_TAG) else { return Eligibility::Free };
        if self.policy.retiring_stacks.contains(stack) {
            let warning = format!("CloudFormation stack {stack} is being retired: before deleting it, set DeletionPolicy: Retain on the resources ecsnet adopts from it (or delete the stack with --retain-resources), or deleting it deletes them");
            if !self.adoption.notes.iter().any(|note| note.text == warning) {
                self.adoption.notes.push(Note::warning(warning));
            }
            return Eligibility::Free;
        }
        self.adoption.problems.push(Problem::new(
            format!("{what} belongs to CloudFormation stack {stack}: adopting it would give it two owners, and the stack would undo ecsnet's changes"),
            format!("retire the stack first and pass --retiring-stack {stack} with --adopt, or rename what the topology asks for"),
        ));
        Eligibility::Refused
    }

    /// Records the adoption of the resource `id` at `address`, unless it is taken already.
    fn claim(&mut self, address: Address, name: &str, id: &str, mark: Mark) -> bool {
        if !self.taken.insert(id.to_string()) {
            return false;
        }
        let fields = vec![FieldChange::new("id", id)];
        let operation = Operation::Adopt(mark);
        self.adoption.changes.push(Change {
            address,
            action: Action::Adopt,
            name: name.into(),
            fields,
            reason: None,
            operation,
        });
        true
    }

    /// ecsnet's tags for `address`.
    fn tags(&self, address: &Address) -> Vec<(String, String)> {
        vec![(TOPOLOGY_TAG.to_string(), self.topology.to_string()), (ADDRESS_TAG.to_string(), address.to_string())]
    }
}

#[cfg(test)]
mod tests;
