//! Carries out a plan: steps in dependency order, independent ones at once (bounded per AWS service), each
//! resource tagged in its create call. On the first failure, or when the run is asked to stop (a signal, a lost
//! lock), no new step starts; the ones under way finish (within `IN_FLIGHT_BOUND` after a stop); the report says
//! what was done, what failed and what never started. Live state stays the truth, so a re-run continues from there.

mod adopt;
mod board;
mod discovery;
mod dns;
mod ecs;
mod lattice;
mod load_balancing;
mod record_batches;
mod report;
mod security_groups;
mod serving;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use tokio::time::Instant;

use crate::plan::ownership::{ADDRESS_TAG, TOPOLOGY_TAG};
use crate::plan::{
    schedule, Address, Change, LoadBalancingOp, Operation, Plan, RecordTarget, Ref, Route53Op, Stage, Step, Work,
};
use crate::stop::Stop;

use super::settle::StartedLog;
use super::throttling::Service;
use super::{Aws, AwsError};
use board::Board;
pub use report::{ExecutionFailure, ExecutionReport};

/// How long the steps under way may go on after a stop is asked for; then they are abandoned, and the report
/// names them (each may or may not have taken effect; the next run reads what did).
pub const IN_FLIGHT_BOUND: Duration = Duration::from_secs(30);

use crate::events::Progress;
use crate::events::{Event, Notice, StepChanges};

/// IDs, ARNs and DNS names of what this apply created, by address.
#[derive(Default)]
pub(crate) struct Outputs(Mutex<HashMap<Address, Created>>);

#[derive(Clone, Debug)]
pub(crate) struct Created {
    pub id: String,
    /// A load balancer's DNS name and canonical hosted zone.
    pub dns_name: Option<(String, String)>,
}

impl Outputs {
    fn record(&self, address: &Address, created: Created) {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(address.clone(), created);
    }

    fn get(&self, address: &Address) -> Result<Created, AwsError> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(address).cloned().ok_or_else(|| AwsError {
            operation: "apply",
            code: None,
            message: format!("{address} was to be created earlier in this apply and was not"),
            unreachable: None,
        })
    }

    /// The DNS names of the VPC Lattice services this run created, which callers use (the apply's summary names
    /// them).
    fn lattice_dns_names(&self) -> std::collections::BTreeMap<Address, String> {
        let outputs = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        outputs
            .iter()
            .filter(|(address, _)| matches!(address, Address::LatticeService(_)))
            .filter_map(|(address, created)| Some((address.clone(), created.dns_name.as_ref()?.0.clone())))
            .collect()
    }

    /// The ID or ARN a reference stands for.
    pub fn id(&self, reference: &Ref) -> Result<String, AwsError> {
        match reference {
            Ref::Known(id) => Ok(id.clone()),
            Ref::Of(address) => Ok(self.get(address)?.id),
        }
    }

    /// The DNS name and canonical hosted zone a record target stands for.
    pub fn dns_name(&self, target: &RecordTarget) -> Result<(String, String), AwsError> {
        match target {
            RecordTarget::Known { dns_name, zone_id } => Ok((dns_name.clone(), zone_id.clone())),
            RecordTarget::Of(address) => {
                self.get(address)?.dns_name.ok_or_else(|| AwsError::missing("CreateLoadBalancer", "DNSName"))
            }
        }
    }
}

/// What every step of one run shares: the clients, the outputs of earlier steps, progress, the stop signal.
pub(crate) struct Run<'a> {
    pub aws: &'a Aws,
    pub topology: &'a str,
    pub outputs: &'a Outputs,
    pub progress: &'a dyn Progress,
    /// What the steps started that AWS finishes later, for `apply --wait`.
    pub started: &'a StartedLog,
    /// The run's stop request, which a migration's wait until its new path serves heeds.
    pub stop: &'a Stop,
    /// How long a migration's wait until its new path serves may take (`--wait-timeout`).
    pub serving_bound: Duration,
}

impl Run<'_> {
    /// The ownership tags of a resource at `address`, as key/value pairs.
    pub fn tags(&self, address: &Address) -> [(&'static str, String); 2] {
        [(TOPOLOGY_TAG, self.topology.to_string()), (ADDRESS_TAG, address.to_string())]
    }
}

/// A step under way: its index and its outcome.
type StepFuture<'a> = Pin<Box<dyn Future<Output = (usize, Result<(), AwsError>)> + Send + 'a>>;

/// How long a migration waits for its new path to serve when the caller sets no bound.
pub const DEFAULT_SERVING_BOUND: Duration = Duration::from_secs(900);

/// Runs every step of `plan`, until a step fails or `stop` is asked for.
pub async fn execute(
    aws: &Aws,
    plan: &Plan,
    progress: &dyn Progress,
    stop: &Stop,
) -> Result<ExecutionReport, ExecutionFailure> {
    execute_within(aws, plan, progress, stop, DEFAULT_SERVING_BOUND).await
}

/// `execute`, with a migration's wait until its new path serves bounded by `serving_bound`.
pub async fn execute_within(
    aws: &Aws,
    plan: &Plan,
    progress: &dyn Progress,
    stop: &Stop,
    serving_bound: Duration,
) -> Result<ExecutionReport, ExecutionFailure> {
    let started = Instant::now();
    let steps = schedule(plan);
    let outputs = Outputs::default();
    let started_log = StartedLog::default();
    let run =
        Run { aws, topology: &plan.topology, outputs: &outputs, progress, started: &started_log, stop, serving_bound };
    let mut board = Board::new(plan, &steps);
    let mut deadline = None;
    let mut running: FuturesUnordered<StepFuture<'_>> = FuturesUnordered::new();
    loop {
        let stopping = stop.reason();
        if board.failed.is_empty() && stopping.is_none() {
            for index in board.start_ready() {
                let step = &steps[index];
                let run = &run;
                running.push(Box::pin(async move { (index, run_step(run, plan, step).await) }));
            }
        }
        if let (Some(reason), None) = (&stopping, deadline) {
            deadline = Some(in_flight_deadline(progress, reason, running.len()));
        }
        let next = match deadline {
            None => tokio::select! {
                next = running.next() => next,
                _ = stop.requested() => continue,
            },
            Some(deadline) => tokio::select! {
                next = running.next() => next,
                () = tokio::time::sleep_until(deadline) => break,
            },
        };
        let Some((index, result)) = next else { break };
        board.finish(index, result, progress);
    }
    drop(running);
    // A stop asked for after the last step finished stops nothing here (the caller's wait, if any, heeds it).
    let stopped = stop.reason().filter(|_| !board.all_done());
    if board.failed.is_empty() && stopped.is_none() {
        return Ok(ExecutionReport {
            steps: steps.len(),
            elapsed: started.elapsed(),
            started: started_log.take(),
            dns_names: outputs.lattice_dns_names(),
        });
    }
    Err(board.failure(stopped))
}

/// When a stopping run stops waiting for the steps under way (`under_way` of them, said when there are any).
fn in_flight_deadline(progress: &dyn Progress, reason: &impl std::fmt::Display, under_way: usize) -> Instant {
    if under_way > 0 {
        progress.event(Event::Notice(Notice::Stopping {
            reason: reason.to_string(),
            under_way,
            bound: IN_FLIGHT_BOUND,
        }));
    }
    Instant::now() + IN_FLIGHT_BOUND
}

/// The AWS service a step calls, whose pace it follows; none for a step that calls nothing.
fn service_of(plan: &Plan, step: &Step) -> Option<Service> {
    match &step.work {
        Work::Change(index) => plan.changes[*index].operation.service(),
        Work::RetireTargetGroup { .. } | Work::RetireLoadBalancer { .. } | Work::Rules(_) => {
            Some(Service::LoadBalancing)
        }
        Work::Records(_) => Some(Service::Route53),
        // A wait holds no slot: it calls little, and long.
        Work::AwaitServing(_) => None,
    }
}

/// The changes a step carries out, as progress names them.
fn step_changes(plan: &Plan, step: &Step) -> StepChanges {
    let of = |index: &usize| (plan.changes[*index].action, plan.changes[*index].address.clone());
    match &step.work {
        Work::Change(index) => StepChanges { changes: vec![of(index)], retires: false, awaits: None },
        Work::RetireTargetGroup { change: index, .. } | Work::RetireLoadBalancer { change: index, .. } => {
            StepChanges { changes: vec![of(index)], retires: true, awaits: None }
        }
        Work::Records(indices) | Work::Rules(indices) => {
            StepChanges { changes: indices.iter().map(of).collect(), retires: false, awaits: None }
        }
        Work::AwaitServing(migration) => {
            StepChanges { changes: vec![], retires: false, awaits: Some(plan.migrations[*migration].service.clone()) }
        }
    }
}

async fn run_step(run: &Run<'_>, plan: &Plan, step: &Step) -> Result<(), AwsError> {
    let started = Instant::now();
    run.progress.event(Event::Started(step_changes(plan, step)));
    match &step.work {
        Work::Change(index) => {
            // A migration's retiring update waits until resolvers let go of the record stage 3 deleted.
            if let Some((migration, Stage::RetireOldPath)) = plan.stage_of(&plan.changes[*index]) {
                if plan.changes[*index].address.is_ecs() {
                    serving::drain(run, &plan.migrations[migration]).await?;
                }
            }
            run_change(run, &plan.changes[*index]).await?
        }
        Work::RetireTargetGroup { arn, .. } => load_balancing::delete_target_group(run, arn).await?,
        Work::RetireLoadBalancer { arn, .. } => load_balancing::delete_load_balancer(run, arn).await?,
        Work::Records(indices) => dns::change_records(run, operations(plan, indices, route53_of)).await?,
        Work::Rules(indices) => load_balancing::update_rules(run, operations(plan, indices, load_balancing_of)).await?,
        Work::AwaitServing(migration) => serving::await_serving(run, &plan.migrations[*migration]).await?,
    }
    tracing::debug!(step = %step_changes(plan, step), elapsed_ms = started.elapsed().as_millis() as u64, "step finished");
    Ok(())
}

/// Carries out one change, in the adapter of the AWS service it calls.
async fn run_change(run: &Run<'_>, change: &Change) -> Result<(), AwsError> {
    let address = &change.address;
    match &change.operation {
        Operation::Ec2(operation) => security_groups::run(run, address, operation).await,
        Operation::LoadBalancing(operation) => load_balancing::run(run, address, operation).await,
        Operation::Route53(operation) => dns::run(run, address, operation).await,
        Operation::CloudMap(operation) => discovery::run(run, address, operation).await,
        Operation::Ecs(operation) => ecs::run(run, operation).await,
        Operation::Lattice(operation) => lattice::run(run, address, operation).await,
        Operation::Adopt(mark) => adopt::run(run, address, mark).await,
        Operation::RemovedWithParent => Ok(()),
    }
}

/// The operations of one service among the changes a batched step carries out (`Work::Records`, `Work::Rules`:
/// `schedule` batches only that service's changes in them).
fn operations<'a, T>(plan: &'a Plan, indices: &[usize], of: fn(&'a Operation) -> Option<&'a T>) -> Vec<&'a T> {
    indices.iter().filter_map(|&index| of(&plan.changes[index].operation)).collect()
}

fn route53_of(operation: &Operation) -> Option<&Route53Op> {
    match operation {
        Operation::Route53(operation) => Some(operation),
        _ => None,
    }
}

fn load_balancing_of(operation: &Operation) -> Option<&LoadBalancingOp> {
    match operation {
        Operation::LoadBalancing(operation) => Some(operation),
        _ => None,
    }
}
