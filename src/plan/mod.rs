//! The plan: what must change so live state matches the topology. Built by a pure function of
//! (topology, observed state); rendered for people and machines; executed by the AWS adapters.

mod address;
pub mod adopt;
mod desired;
pub(crate) mod diff;
mod field;
pub mod lattice_policy;
mod migration;
mod note;
mod operation;
mod order;
pub mod ownership;
mod problem;
pub mod saved;
mod spec;
mod staging;
pub mod task_definition;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use address::Address;
pub use desired::shard_name;
pub use field::{FieldChange, FieldValue};
pub use migration::{Migration, Recipe, ServingCheck, Stage};
pub use note::{Note, NoteLevel};
pub use operation::{AwsService, CloudMapOp, Ec2Op, EcsOp, LatticeOp, LoadBalancingOp, Operation, Route53Op};
pub use order::{schedule, topological_order, Step, Work};
pub use problem::{FileKey, PlanError, Problem};
pub use spec::ConnectAliasSpec;
pub use spec::{
    ConnectChange, DefaultSpec, EcsLoadBalancerSpec, EcsRegistrySpec, EcsUpdate, IngressSpec, LatticeConfigSpec,
    ListenerSpec, LoadBalancerSpec, ManagedAttributes, PrefixListIngressSpec, RecordSpec, RecordTarget, RuleConditions,
    TargetGroupSpec,
};

use crate::live::Observed;
use crate::topology::Topology;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub topology: String,
    pub changes: Vec<Change>,
    /// Facts worth knowing that change nothing: an adopted zone, a rule satisfied by the user's own.
    pub notes: Vec<Note>,
    /// Services moving between recipes, whose changes run in stages (`migration.rs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub migrations: Vec<Migration>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn summary(&self) -> Summary {
        let count = |wanted: &[Action]| self.changes.iter().filter(|change| wanted.contains(&change.action)).count();
        // A VPC Lattice replace is planned as the new resource's create (the replace) and the old one's delete,
        // at the same address: counted once, as one replace.
        let replaced_apart = self
            .changes
            .iter()
            .filter(|change| change.action == Action::Replace && change.address.is_lattice())
            .filter(|replace| {
                self.changes.iter().any(|change| change.action == Action::Delete && change.address == replace.address)
            })
            .count();
        Summary {
            add: count(&[Action::Create, Action::Replace]),
            change: count(&[Action::Update]),
            destroy: count(&[Action::Delete, Action::Replace]) - replaced_apart,
            adopt: count(&[Action::Adopt]),
        }
    }
}

/// Counted as Terraform counts: a replace is one add and one destroy. An adoption is counted apart: it only
/// marks a resource as the topology's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
    /// Left out of JSON when zero, so that plans without adoption keep their documented shape.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub adopt: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Replace,
    Delete,
    /// Take over a resource no topology owns: only ecsnet's ownership marks are written.
    Adopt,
}

impl Action {
    /// Terraform's marks, which plan lines start with.
    pub fn symbol(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Update => "~",
            Action::Replace => "-/+",
            Action::Delete => "-",
            Action::Adopt => "=",
        }
    }
}

/// Why a resource is replaced rather than changed in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplaceReason {
    /// AWS cannot change these fields of it.
    Immutable { fields: Vec<String> },
    /// A load balancer's name or scheme cannot change; the new one takes over before the old one goes.
    LoadBalancerImmutable { fields: Vec<String> },
    /// A target group serves one load balancer, and its load balancer is replaced.
    LoadBalancerReplaced,
}

impl fmt::Display for ReplaceReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplaceReason::Immutable { fields } => write!(f, "{} cannot change in place", fields.join(", ")),
            ReplaceReason::LoadBalancerImmutable { fields } => write!(
                f,
                "{} cannot change in place; the new one takes over before the old one goes",
                fields.join(", ")
            ),
            ReplaceReason::LoadBalancerReplaced => {
                write!(f, "the load balancer is replaced, and a target group serves one load balancer")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub address: Address,
    pub action: Action,
    /// The AWS name (or ID) people know the resource by.
    pub name: String,
    /// For a create, every field's new value; for an update or replace, each changed field.
    pub fields: Vec<FieldChange>,
    /// Why a replace cannot be done in place.
    pub reason: Option<ReplaceReason>,
    pub operation: Operation,
}

/// Text shown for a value AWS assigns during apply, such as a new load balancer's DNS name.
pub const KNOWN_AFTER_APPLY: &str = "(known after apply)";

/// An ID or ARN: known now, or assigned when the resource at an address is created during this apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ref {
    Known(String),
    Of(Address),
}

/// The changes that make live state match `topology`: what it wants (`desired`), against what is there (`diff`).
pub fn plan_apply(topology: &Topology, observed: &Observed) -> Result<Plan, PlanError> {
    let desired = desired::desired(topology, observed).map_err(|problems| PlanError { problems })?;
    diff::diff(&topology.name, &desired, observed)
}

/// As `plan_apply`, taking over first what no topology owns at the topology's addresses (`adopt`): the plan
/// starts with the adoptions, then what apply changes, the adopted resources included.
pub fn plan_adopting(topology: &Topology, observed: &Observed, policy: &adopt::AdoptPolicy) -> Result<Plan, PlanError> {
    let desired = desired::desired(topology, observed).map_err(|problems| PlanError { problems })?;
    let adoption = adopt::adopt(&topology.name, &desired, observed, policy);
    if !adoption.problems.is_empty() {
        return Err(PlanError { problems: adoption.problems });
    }
    let mut plan = diff::diff(&topology.name, &desired, &adoption.marked(observed))?;
    plan.changes.splice(0..0, adoption.changes);
    plan.notes.extend(adoption.notes);
    Ok(plan)
}

/// `plan_apply`, or `plan_adopting` when adoption is asked for.
pub fn plan_apply_or_adopt(
    topology: &Topology,
    observed: &Observed,
    adopt: Option<&adopt::AdoptPolicy>,
) -> Result<Plan, PlanError> {
    match adopt {
        Some(policy) => plan_adopting(topology, observed, policy),
        None => plan_apply(topology, observed),
    }
}

/// The changes that remove everything `topology` owns, and nothing else.
pub fn plan_destroy(topology: &Topology, observed: &Observed) -> Result<Plan, PlanError> {
    diff::diff(&topology.name, &desired::nothing(topology, observed), observed)
}
