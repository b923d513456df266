//! Carries out a plan: steps in dependency order, independent ones at once (bounded), each resource tagged in
//! its create call. On the first failure no new step starts; the ones under way finish; the report says what
//! was done, what failed and what never started. Live state stays the truth, so a re-run continues from there.

mod discovery;
mod dns;
mod ecs;
mod load_balancing;
mod record_batches;
pub(crate) mod retry;
mod security_groups;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::stream::{FuturesUnordered, StreamExt};

use crate::observed::{ADDRESS_TAG, TOPOLOGY_TAG};
use crate::plan::{render, schedule, Action, Address, Change, Operation, Plan, RecordTarget, Ref, Step, Work};

use super::{Aws, AwsError};

/// Steps under way at once. ELBv2 and Route 53 throttle mutations per second; the SDK's adaptive retry slows
/// down further when they do.
const MAX_CONCURRENT_STEPS: usize = 8;

/// Where the executor reports what it starts, finishes and waits for. The CLI prints it on stderr.
pub trait Progress: Sync {
    fn report(&self, message: &str);
}

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
        })
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
            RecordTarget::Of(address) => self.get(address)?.dns_name.ok_or_else(|| AwsError::missing("CreateLoadBalancer", "DNSName")),
        }
    }
}

/// Context every step gets.
pub(crate) struct Context<'a> {
    pub aws: &'a Aws,
    pub topology: &'a str,
    pub outputs: &'a Outputs,
    pub progress: &'a dyn Progress,
}

impl Context<'_> {
    /// The ownership tags of a resource at `address`, as key/value pairs.
    pub fn tags(&self, address: &Address) -> [(&'static str, String); 2] {
        [(TOPOLOGY_TAG, self.topology.to_string()), (ADDRESS_TAG, address.to_string())]
    }
}

#[derive(Debug)]
pub struct ExecutionReport {
    pub steps: usize,
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
pub struct ExecutionFailure {
    pub failed: Vec<(String, AwsError)>,
    pub done: usize,
    pub not_started: Vec<String>,
}

impl fmt::Display for ExecutionFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stopped after {} step(s) succeeded; {} failed", self.done, self.failed.len())?;
        for (step, error) in &self.failed {
            write!(f, "\n  - {step}: {error}")?;
        }
        if !self.not_started.is_empty() {
            write!(f, "\nnot started: {}", self.not_started.join(", "))?;
        }
        write!(f, "\nhint: nothing is left half-made that a re-run cannot see; run `ecsnet plan` to see what remains and `ecsnet apply` to continue")
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    Done,
    Failed,
}

/// Runs every step of `plan`.
pub async fn execute(aws: &Aws, plan: &Plan, progress: &dyn Progress) -> Result<ExecutionReport, ExecutionFailure> {
    let started = Instant::now();
    let steps = schedule(plan);
    let outputs = Outputs::default();
    let context = Context { aws, topology: &plan.topology, outputs: &outputs, progress };
    let mut states = vec![State::Pending; steps.len()];
    let mut failed = Vec::new();
    let mut running: FuturesUnordered<Pin<Box<dyn Future<Output = (usize, Result<(), AwsError>)> + Send + '_>>> = FuturesUnordered::new();
    loop {
        if failed.is_empty() {
            for index in 0..steps.len() {
                if running.len() >= MAX_CONCURRENT_STEPS {
                    break;
                }
                if states[index] == State::Pending && steps[index].after.iter().all(|&before| states[before] == State::Done) {
                    states[index] = State::Running;
                    let step = &steps[index];
                    let context = &context;
                    running.push(Box::pin(async move { (index, run_step(context, plan, step).await) }));
                }
            }
        }
        let Some((index, result)) = running.next().await else { break };
        let label = label(plan, &steps[index]);
        match result {
            Ok(()) => {
                states[index] = State::Done;
                progress.report(&format!("done: {label}"));
            }
            Err(error) => {
                states[index] = State::Failed;
                progress.report(&format!("failed: {label}: {error}"));
                failed.push((label, error));
            }
        }
    }
    let done = states.iter().filter(|state| **state == State::Done).count();
    if failed.is_empty() {
        return Ok(ExecutionReport { steps: done, elapsed: started.elapsed() });
    }
    let not_started = (0..steps.len()).filter(|&index| states[index] == State::Pending).map(|index| label(plan, &steps[index])).collect();
    Err(ExecutionFailure { failed, done, not_started })
}

/// "create service.a.rule", "records in in.example.com (2)".
fn label(plan: &Plan, step: &Step) -> String {
    let describe = |change: &Change| format!("{} {}", verb(change.action), change.address);
    match &step.work {
        Work::Change(index) => describe(&plan.changes[*index]),
        Work::RetireTargetGroup(index) | Work::RetireLoadBalancer(index) => format!("delete the replaced {}", plan.changes[*index].address),
        Work::Records(indices) | Work::Rules(indices) => indices.iter().map(|&index| describe(&plan.changes[index])).collect::<Vec<_>>().join(", "),
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Replace => "replace",
        Action::Delete => "delete",
    }
}

async fn run_step(context: &Context<'_>, plan: &Plan, step: &Step) -> Result<(), AwsError> {
    let started = Instant::now();
    let label = label(plan, step);
    context.progress.report(&format!("{} {label}", render::symbol(first_action(plan, step))));
    match &step.work {
        Work::Change(index) => run_change(context, &plan.changes[*index]).await?,
        Work::RetireTargetGroup(index) => match &plan.changes[*index].operation {
            Operation::ReplaceTargetGroup { old_arn, .. } => load_balancing::delete_target_group(context, old_arn).await?,
            other => unreachable!("a retire step follows a target group replace, not {other:?}"),
        },
        Work::RetireLoadBalancer(index) => match &plan.changes[*index].operation {
            Operation::ReplaceLoadBalancer { old_arn, .. } => load_balancing::delete_load_balancer(context, old_arn).await?,
            other => unreachable!("a retire step follows a load balancer replace, not {other:?}"),
        },
        Work::Records(indices) => dns::change_records(context, indices.iter().map(|&index| &plan.changes[index]).collect()).await?,
        Work::Rules(indices) => load_balancing::update_rules(context, indices.iter().map(|&index| &plan.changes[index].operation).collect()).await?,
    }
    tracing::debug!(step = %label, elapsed_ms = started.elapsed().as_millis() as u64, "step finished");
    Ok(())
}

fn first_action(plan: &Plan, step: &Step) -> Action {
    plan.changes[step.changes()[0]].action
}

async fn run_change(context: &Context<'_>, change: &Change) -> Result<(), AwsError> {
    let address = &change.address;
    match &change.operation {
        Operation::CreateSecurityGroup { name, description, vpc_id, rules } => {
            let id = security_groups::create(context, address, name, description, vpc_id, rules).await?;
            context.outputs.record(address, Created { id, dns_name: None });
        }
        Operation::UpdateSecurityGroupRules { group_id, authorize, revoke } => security_groups::update_rules(context, address, group_id, authorize, revoke).await?,
        Operation::DeleteSecurityGroup { group_id } => security_groups::delete(context, group_id).await?,
        Operation::SetIngress { revoke, authorize } => security_groups::set_ingress(context, address, revoke, authorize.as_ref()).await?,
        Operation::CreateLoadBalancer(spec) => {
            let created = load_balancing::create_load_balancer(context, address, spec).await?;
            context.outputs.record(address, created);
        }
        Operation::ReplaceLoadBalancer { spec, .. } => {
            let created = load_balancing::create_load_balancer(context, address, spec).await?;
            context.outputs.record(address, created);
        }
        Operation::UpdateLoadBalancer { arn, subnet_ids, security_groups, idle_timeout, managed } => {
            load_balancing::update_load_balancer(context, arn, subnet_ids.as_deref(), security_groups.as_deref(), *idle_timeout, managed.as_ref()).await?
        }
        Operation::DeleteLoadBalancer { arn } => load_balancing::delete_load_balancer(context, arn).await?,
        Operation::CreateTargetGroup(spec) | Operation::ReplaceTargetGroup { spec, .. } => {
            let id = load_balancing::create_target_group(context, address, spec).await?;
            context.outputs.record(address, Created { id, dns_name: None });
        }
        Operation::UpdateTargetGroup { arn, health_check, attributes, managed } => {
            load_balancing::update_target_group(context, arn, health_check.as_ref(), attributes.as_ref(), managed.as_ref()).await?
        }
        Operation::DeleteTargetGroup { arn } => load_balancing::delete_target_group(context, arn).await?,
        Operation::CreateListener { load_balancer, spec } => {
            let id = load_balancing::create_listener(context, address, load_balancer, spec).await?;
            context.outputs.record(address, Created { id, dns_name: None });
        }
        Operation::UpdateListener { arn, spec, tls } => load_balancing::update_listener(context, arn, spec, *tls).await?,
        Operation::DeleteListener { arn } => load_balancing::delete_listener(context, arn).await?,
        Operation::CreateRule { listener, priority, conditions, target_group } => {
            load_balancing::create_rule(context, address, listener, *priority, conditions, target_group).await?;
        }
        Operation::UpdateRule { .. } => load_balancing::update_rules(context, vec![&change.operation]).await?,
        Operation::DeleteRule { arn } => load_balancing::delete_rule(context, arn).await?,
        Operation::CreateHostedZone { name, vpc_id, comment } => {
            let id = dns::create_zone(context, address, name, vpc_id, comment).await?;
            context.outputs.record(address, Created { id, dns_name: None });
        }
        Operation::DeleteHostedZone { zone_id } => dns::delete_zone(context, zone_id).await?,
        Operation::ChangeRecords { .. } => dns::change_records(context, vec![change]).await?,
        Operation::CreateNamespace { name, vpc_id, description } => {
            let id = discovery::create_namespace(context, address, name, vpc_id, description).await?;
            context.outputs.record(address, Created { id, dns_name: None });
        }
        Operation::DeleteNamespace { id } => discovery::delete_namespace(context, id).await?,
        Operation::CreateDiscoveryService { name, namespace, record_type, ttl, description } => {
            let arn = discovery::create_service(context, address, name, namespace, record_type, *ttl, description).await?;
            context.outputs.record(address, Created { id: arn, dns_name: None });
        }
        Operation::UpdateDiscoveryTtl { id, record_type, ttl } => discovery::update_ttl(context, id, record_type, *ttl).await?,
        Operation::DeleteDiscoveryService { id } => discovery::delete_service(context, id).await?,
        Operation::UpdateEcsService(update) => ecs::update(context, update).await?,
        Operation::RemovedWithParent => {}
    }
    Ok(())
}
