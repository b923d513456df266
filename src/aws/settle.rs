//! Waiting until what an apply made serves. AWS finishes some of it on its own time after the call that asked
//! for it: a new load balancer is `provisioning` before `active`
//! (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerState.html), a Route 53
//! change is PENDING until every Route 53 server has it, then INSYNC
//! (https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetChange.html), and an ECS service updated with
//! a new load balancer, registry or Service Connect starts a deployment whose tasks must run and pass their
//! health checks (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html, `rolloutState`;
//! https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html). Cloud Map
//! operations are waited for by the steps themselves. `apply` waits for all of it by default, naming what it
//! still waits for, within a bound; `--no-wait` returns at once.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::observe::serving::{self, Deployment, LoadBalancerState};
use super::wait::{poll_until, until_serving, Poll, WaitError};
use super::{Aws, AwsError};
use crate::events::{Failure, Pending, Progress, WaitFor};
use crate::stop::Stop;
use crate::views::events::{failure, pending_list};

/// What an apply started that AWS finishes later; the steps record it as they go.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Started {
    /// Load balancers created: ARN → name.
    pub load_balancers: BTreeMap<String, String>,
    /// Route 53 change IDs.
    pub record_changes: Vec<String>,
    /// ECS services updated: (cluster, service) → the target groups they were given.
    pub ecs_services: BTreeMap<(String, String), Vec<String>>,
}

impl Started {
    pub fn is_empty(&self) -> bool {
        self.load_balancers.is_empty() && self.record_changes.is_empty() && self.ecs_services.is_empty()
    }
}

/// The steps' shared record of what they started.
#[derive(Debug, Default)]
pub struct StartedLog(Mutex<Started>);

impl StartedLog {
    pub fn record(&self, add: impl FnOnce(&mut Started)) {
        add(&mut self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
    }

    pub fn take(self) -> Started {
        self.0.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettleError {
    #[error("the changes are made, but after {seconds} s this does not serve yet: {}\nhint: `ecsnet doctor` looks for the usual causes; `apply --wait-timeout S` waits longer, `--no-wait` not at all", pending_list(.waiting))]
    Timeout { seconds: u64, waiting: Vec<Pending> },
    #[error("the changes are made, but {}\nhint: `ecsnet doctor` looks for the usual causes", failure(.0))]
    Failed(Failure),
    #[error("the changes are made; {reason} while waiting until they serve: {}", pending_list(.waiting))]
    Stopped { reason: crate::stop::StopReason, waiting: Vec<Pending> },
    #[error(transparent)]
    Aws(#[from] AwsError),
}

impl SettleError {
    pub fn exit_code(&self) -> u8 {
        match self {
            SettleError::Stopped { reason, .. } => reason.exit_code(),
            _ => 1,
        }
    }
}

/// Polls until everything in `started` serves, or `bound` passes, or `stop` is asked for; reports what it still
/// waits for on every round. Returns how long it waited.
pub async fn wait_until_serving(
    aws: &Aws,
    started: &Started,
    bound: Duration,
    progress: &dyn Progress,
    stop: &Stop,
) -> Result<Duration, SettleError> {
    let begun = Instant::now();
    let patience = until_serving(bound);
    // What serves is asked about no more.
    let pending = Mutex::new(started.clone());
    let polled = poll_until(patience, progress, Some(stop), || async {
        // Taken out for the round (a round's reads are awaited, and the lock is not held across them), then put back.
        let mut current = std::mem::take(&mut *pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        let waiting = still_waiting(aws, &mut current).await;
        *pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = current;
        let waiting = waiting?;
        Ok::<_, SettleError>(if waiting.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending(WaitFor::Serving(waiting))
        })
    })
    .await;
    let waiting = |pending: WaitFor| match pending {
        WaitFor::Serving(waiting) => waiting,
        _ => Vec::new(),
    };
    match polled {
        Ok(()) => Ok(begun.elapsed()),
        Err(WaitError::Failed(error)) => Err(error),
        Err(WaitError::TimedOut { after, pending }) => {
            Err(SettleError::Timeout { seconds: after.as_secs(), waiting: waiting(pending) })
        }
        Err(WaitError::Stopped { reason, pending }) => Err(SettleError::Stopped { reason, waiting: waiting(pending) }),
    }
}

/// What does not serve yet; an error for what failed for good. Drops from `pending` what serves now.
async fn still_waiting(aws: &Aws, pending: &mut Started) -> Result<Vec<Pending>, SettleError> {
    let mut waiting = Vec::new();
    if !pending.load_balancers.is_empty() {
        let arns: Vec<String> = pending.load_balancers.keys().cloned().collect();
        for (arn, name, state) in serving::load_balancer_states(aws, arns).await? {
            match state {
                LoadBalancerState::Active => {
                    pending.load_balancers.remove(&arn);
                }
                LoadBalancerState::Failed { reason } => {
                    return Err(SettleError::Failed(Failure::LoadBalancer { name, reason }));
                }
                LoadBalancerState::Other(state) => waiting.push(Pending::LoadBalancer { name, state }),
            }
        }
    }
    let mut in_sync = Vec::new();
    for change in &pending.record_changes {
        if serving::change_in_sync(aws, change).await? {
            in_sync.push(change.clone());
        }
    }
    pending.record_changes.retain(|change| !in_sync.contains(change));
    if !pending.record_changes.is_empty() {
        waiting.push(Pending::RecordChanges(pending.record_changes.len()));
    }
    let mut steady = Vec::new();
    for ((cluster, service), target_groups) in &pending.ecs_services {
        let unsettled = match deployment(aws, cluster, service).await? {
            Some(pending) => vec![pending],
            None => unhealthy_targets(aws, service, target_groups).await?,
        };
        if unsettled.is_empty() {
            steady.push((cluster.clone(), service.clone()));
        }
        waiting.extend(unsettled);
    }
    for key in steady {
        pending.ecs_services.remove(&key);
    }
    Ok(waiting)
}

/// `None` once the service's deployment is done (one deployment, COMPLETED, as many tasks running as desired).
pub(crate) async fn deployment(aws: &Aws, cluster: &str, service: &str) -> Result<Option<Pending>, SettleError> {
    match serving::deployment(aws, cluster, service).await? {
        Deployment::Done => Ok(None),
        Deployment::Pending(pending) => Ok(Some(pending)),
        Deployment::Failed { reason } => {
            Err(SettleError::Failed(Failure::Deployment { service: service.to_string(), reason }))
        }
        Deployment::Gone => Err(SettleError::Failed(Failure::ServiceGone {
            service: service.to_string(),
            cluster: cluster.to_string(),
        })),
    }
}

/// The targets of `target_groups` that do not pass their health checks yet: registering (`initial`) or failing.
pub(crate) async fn unhealthy_targets(
    aws: &Aws,
    service: &str,
    target_groups: &[String],
) -> Result<Vec<Pending>, SettleError> {
    let mut waiting = Vec::new();
    for arn in target_groups {
        let count = serving::unhealthy_targets(aws, arn).await?;
        if count > 0 {
            waiting.push(Pending::UnhealthyTargets { service: service.to_string(), count });
        }
    }
    Ok(waiting)
}
