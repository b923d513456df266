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

use aws_sdk_ecs::types::DeploymentRolloutState;
use aws_sdk_elasticloadbalancingv2::types::{LoadBalancerStateEnum, TargetHealthStateEnum};
use aws_sdk_route53::types::ChangeStatus;
use tokio::time::Instant;

use super::error::ForOperation as _;
use super::{Aws, AwsError};
use crate::events::{Event, Progress, Wait};
use crate::stop::Stop;
use crate::views::plural::counted;

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
    #[error("the changes are made, but after {seconds} s this does not serve yet: {waiting}\nhint: `ecsnet doctor` looks for the usual causes; `apply --wait-timeout S` waits longer, `--no-wait` not at all")]
    Timeout { seconds: u64, waiting: String },
    #[error("the changes are made, but {what} failed: {detail}\nhint: `ecsnet doctor` looks for the usual causes")]
    Failed { what: String, detail: String },
    #[error("the changes are made; {reason} while waiting until they serve: {waiting}")]
    Stopped { reason: crate::stop::StopReason, waiting: String },
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
    let mut delay = Duration::from_millis(500);
    // What serves is asked about no more.
    let mut pending = started.clone();
    loop {
        let waiting = still_waiting(aws, &mut pending).await?;
        if waiting.is_empty() {
            return Ok(begun.elapsed());
        }
        let summary = waiting.join("; ");
        if begun.elapsed() + delay > bound {
            return Err(SettleError::Timeout { seconds: begun.elapsed().as_secs(), waiting: summary });
        }
        progress.event(Event::Waiting(Wait {
            what: format!("until it serves: {summary}"),
            detail: None,
            since: begun.elapsed(),
            next_try: None,
        }));
        tokio::select! {
            reason = stop.requested() => return Err(SettleError::Stopped { reason, waiting: summary }),
            () = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// What does not serve yet, one phrase each; an error for what failed for good. Drops from `pending` what
/// serves now.
async fn still_waiting(aws: &Aws, pending: &mut Started) -> Result<Vec<String>, SettleError> {
    let mut waiting = Vec::new();
    if !pending.load_balancers.is_empty() {
        let arns: Vec<String> = pending.load_balancers.keys().cloned().collect();
        let output = aws
            .elb
            .describe_load_balancers()
            .set_load_balancer_arns(Some(arns))
            .send()
            .await
            .for_operation("DescribeLoadBalancers")?;
        for load_balancer in output.load_balancers() {
            let name = load_balancer.load_balancer_name().unwrap_or_default();
            match load_balancer.state().and_then(|state| state.code()) {
                Some(LoadBalancerStateEnum::Active) => {
                    pending.load_balancers.remove(load_balancer.load_balancer_arn().unwrap_or_default());
                }
                Some(LoadBalancerStateEnum::Failed) => {
                    let reason = load_balancer.state().and_then(|state| state.reason()).unwrap_or("no reason given");
                    return Err(SettleError::Failed {
                        what: format!("load balancer {name}"),
                        detail: reason.to_string(),
                    });
                }
                other => waiting
                    .push(format!("load balancer {name} {}", other.map_or("without a state", |code| code.as_str()))),
            }
        }
    }
    let mut in_sync = Vec::new();
    for change in &pending.record_changes {
        let output = aws.route53.get_change().id(change).send().await.for_operation("GetChange")?;
        if output.change_info().map(|info| info.status()) == Some(&ChangeStatus::Insync) {
            in_sync.push(change.clone());
        }
    }
    pending.record_changes.retain(|change| !in_sync.contains(change));
    if !pending.record_changes.is_empty() {
        waiting.push(format!("{} PENDING", counted(pending.record_changes.len() as u64, "Route 53 change")));
    }
    let mut steady = Vec::new();
    for ((cluster, service), target_groups) in &pending.ecs_services {
        let unsettled = match deployment(aws, cluster, service).await? {
            Some(phrase) => vec![phrase],
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
pub(crate) async fn deployment(aws: &Aws, cluster: &str, service: &str) -> Result<Option<String>, SettleError> {
    let output = aws
        .ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .for_operation("DescribeServices")?;
    let Some(found) = output.services().first() else {
        return Err(SettleError::Failed {
            what: format!("ECS service {service}"),
            detail: format!("it is no longer in cluster {cluster}"),
        });
    };
    let deployments = found.deployments();
    let primary = deployments.iter().find(|deployment| deployment.status() == Some("PRIMARY"));
    if let Some(primary) = primary {
        if primary.rollout_state() == Some(&DeploymentRolloutState::Failed) {
            return Err(SettleError::Failed {
                what: format!("the deployment of ECS service {service}"),
                detail: primary.rollout_state_reason().unwrap_or("no reason given").to_string(),
            });
        }
        let completed = primary.rollout_state().is_none_or(|state| *state == DeploymentRolloutState::Completed);
        if completed && deployments.len() == 1 && primary.running_count() >= primary.desired_count() {
            return Ok(None);
        }
        return Ok(Some(format!(
            "ECS service {service} deploying ({} of {} tasks running)",
            primary.running_count(),
            primary.desired_count()
        )));
    }
    Ok(Some(format!("ECS service {service} without a primary deployment")))
}

/// The targets of `target_groups` that do not pass their health checks yet: registering (`initial`) or failing.
pub(crate) async fn unhealthy_targets(
    aws: &Aws,
    service: &str,
    target_groups: &[String],
) -> Result<Vec<String>, SettleError> {
    let mut waiting = Vec::new();
    for arn in target_groups {
        let output = aws
            .elb
            .describe_target_health()
            .target_group_arn(arn)
            .send()
            .await
            .for_operation("DescribeTargetHealth")?;
        let failing = output
            .target_health_descriptions()
            .iter()
            .filter(|description| {
                matches!(
                    description.target_health().and_then(|health| health.state()),
                    Some(TargetHealthStateEnum::Initial | TargetHealthStateEnum::Unhealthy)
                )
            })
            .count();
        if failing > 0 {
            waiting.push(format!("{} of ECS service {service} not healthy yet", counted(failing as u64, "target")));
        }
    }
    Ok(waiting)
}
