//! What a long run reports as it goes: typed events that the views draw (`views::events`), a live spinner on a
//! terminal and timestamped lines elsewhere. The executor, the lock, retries and the wait until it serves emit
//! them; none of them formats text for people.

use std::fmt;
use std::time::Duration;

use crate::plan::{Action, Address, Stage};

/// Where a run reports what it starts, finishes and waits for.
pub trait Progress: Sync {
    fn event(&self, event: Event);
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A step begins.
    Started(StepChanges),
    Done(StepChanges),
    Failed(StepChanges, String),
    /// Something that repeats until it holds: a resource to be visible, a lock to be free, the changes to serve.
    Waiting(Wait),
    /// Something worth knowing that is no wait: a lock taken over, a stop asked for.
    Notice(Notice),
    /// A service moving between recipes reaches a stage (`plan::migration`).
    Stage {
        service: String,
        stage: Stage,
    },
}

/// What a step does: its changes (one, or a batch of records or of rules), or the deletion of what a replace
/// left behind.
#[derive(Debug, Clone, PartialEq)]
pub struct StepChanges {
    pub changes: Vec<(Action, Address)>,
    /// The step deletes the resource the first change replaced.
    pub retires: bool,
    /// The step waits until this service's new path serves (a migration's stage 2), and changes nothing.
    pub awaits: Option<String>,
}

impl StepChanges {
    /// The action of the step's first change, which the step is marked with (a replace's, for its retirement).
    pub fn action(&self) -> Action {
        self.changes.first().map_or(Action::Update, |(action, _)| *action)
    }
}

/// "create service.a.rule", "create service.a.dns_record.x, update service.b.dns_record.y",
/// "delete the replaced service.a.target_group": how progress, errors and reports name a step.
impl fmt::Display for StepChanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(service) = &self.awaits {
            return write!(f, "wait until service {service}'s new path serves");
        }
        if self.retires {
            let address = self.changes.first().map(|(_, address)| address.to_string()).unwrap_or_default();
            return write!(f, "delete the replaced {address}");
        }
        let changes: Vec<String> =
            self.changes.iter().map(|(action, address)| format!("{} {address}", verb(*action))).collect();
        write!(f, "{}", changes.join(", "))
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Replace => "replace",
        Action::Delete => "delete",
        Action::Adopt => "adopt",
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Wait {
    pub what: WaitFor,
    /// Who or what is waited on, when it is not in `what`: the holder of a lock.
    pub detail: Option<String>,
    pub since: Duration,
    /// When the next try is, for waits that try again.
    pub next_try: Option<Duration>,
}

/// Something a run says as it goes; `views::events` words it.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Another run's lock is taken over: its process ended on this host, or it expired.
    TakingOver { topology: String, holder: String, expired: bool },
    /// The lock was released while this run read it; the run tries again.
    LockReleasedWhileRead { topology: String },
    /// The lock group this run holds is gone (`ecsnet unlock`): the run stops.
    LockGone { group_id: String },
    /// Renewing the lock failed; it is tried again.
    LockNotRenewed { error: String, retry_in: Duration },
    /// A stop was asked for while steps were under way: how long they are given.
    Stopping { reason: String, under_way: usize, bound: Duration },
}

/// What a wait waits for; `views::events` words it.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitFor {
    /// A call AWS answered with `code`, a "not yet", tried again.
    Retry { subject: Subject, code: String },
    /// A Cloud Map operation (`operation`: what it does) still at `status`.
    CloudMap { operation: String, status: String },
    /// A deleted load balancer, until AWS no longer lists it.
    Deleted { load_balancer: String },
    /// What an apply made, until it serves.
    Serving(Vec<Pending>),
    /// A migration's new path, until it serves.
    NewPath { service: String, pending: Vec<Pending> },
    /// The TTL of a migrating service's deleted record, before its old path is retired.
    Drain { service: String, seconds: u64 },
    /// Another run holding the topology's lock.
    Lock { topology: String },
}

/// What a retried call waits for.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    /// AWS to see a resource this run just created: "security group sg-1".
    Visible(String),
    /// A call on this resource to see what this run just created (what it names).
    Sees(String),
    /// A resource to be free of what still uses it.
    Free(String),
    /// A hosted zone to finish its previous change.
    ZoneChange(String),
    /// A Cloud Map resource to have no services or instances left.
    Empty { resource: String, of: Contents },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contents {
    Services,
    Instances,
}

/// What failed for good while an apply waited until it serves; `views::events::failure` words it.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    LoadBalancer {
        name: String,
        reason: String,
    },
    /// The ECS service left its cluster.
    ServiceGone {
        service: String,
        cluster: String,
    },
    Deployment {
        service: String,
        reason: String,
    },
}

/// Something that does not serve yet.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    /// A load balancer not `active` yet: its state as AWS reports it, if any.
    LoadBalancer {
        name: String,
        state: Option<String>,
    },
    /// Route 53 changes not INSYNC yet.
    RecordChanges(usize),
    /// An ECS service's deployment still rolling out.
    Deploying {
        service: String,
        running: i32,
        desired: i32,
    },
    NoPrimaryDeployment {
        service: String,
    },
    /// Targets of an ECS service's target group registering or failing their health checks.
    UnhealthyTargets {
        service: String,
        count: usize,
    },
    /// No task of the ECS service registered in its Cloud Map service yet.
    NotRegistered {
        service: String,
    },
    /// No task of the ECS service registered in its VPC Lattice target group yet.
    NotInLattice {
        service: String,
    },
}

/// Reports nothing: for reads, whose waits are seconds at most.
pub struct Quiet;

impl Progress for Quiet {
    fn event(&self, _event: Event) {}
}
