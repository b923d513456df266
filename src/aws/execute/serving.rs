//! Stage 2 of a migration (`plan::migration`): wait until the new path serves before the name moves and the old
//! path goes. The new path serves when the ECS deployment its first update started is COMPLETED with its tasks
//! running ("When the service reaches a steady state, the deployment transitions to a COMPLETED state", of
//! `rolloutState`, which AWS reports for rolling-update services not behind a Classic Load Balancer:
//! https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html), when no target of a new target
//! group is `initial` or `unhealthy`
//! (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html), and when a new
//! Cloud Map service has instances (ECS registers each task as it starts:
//! https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html), and when a new VPC Lattice
//! target group has targets registered (ECS registers the tasks in the target groups of the service's
//! `vpcLatticeConfigurations`: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-vpc-lattice.html)
//! and none `INITIAL` or `UNHEALTHY` (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_TargetSummary.html).
//! The checks are
//! `settle.rs`'s; on a migration already serving (a re-run), the first round returns at once.

use std::time::Duration;

use tokio::time::Instant;

use crate::aws::observe::serving;
use crate::aws::settle::{deployment, unhealthy_targets, SettleError};
use crate::aws::wait::{self, Poll, WaitError};
use crate::aws::AwsError;
use crate::events::{Event, Pending, Wait, WaitFor};
use crate::plan::{Migration, Stage};
use crate::views::events::pending_list;

use super::Run;

/// Polls until the migration's new path serves, within the run's bound; stops when the run is asked to stop.
pub async fn await_serving(run: &Run<'_>, migration: &Migration) -> Result<(), AwsError> {
    let announce = |stage| Event::Stage { service: migration.service.clone(), stage };
    run.progress.event(announce(Stage::AwaitServing));
    let patience = wait::until_serving(run.serving_bound);
    let service = &migration.service;
    let served = wait::poll_until(patience, run.progress, Some(run.stop), || async {
        let pending = still_waiting(run, migration).await?;
        Ok::<_, AwsError>(match pending.is_empty() {
            true => Poll::Ready(()),
            false => Poll::Pending(WaitFor::NewPath { service: service.clone(), pending }),
        })
    })
    .await;
    let pending = |what: &WaitFor| match what {
        WaitFor::NewPath { pending, .. } => pending_list(pending),
        _ => String::new(),
    };
    match served {
        Ok(()) => {
            run.progress.event(announce(Stage::MoveName));
            Ok(())
        }
        Err(WaitError::Failed(error)) => Err(error),
        Err(WaitError::TimedOut { after, pending: what }) => Err(not_serving(format!(
            "after {} s the new path of service {service} does not serve yet: {}; the old path is left in place\nhint: `ecsnet apply` again continues the migration; `--wait-timeout S` waits longer",
            after.as_secs(),
            pending(&what)
        ))),
        Err(WaitError::Stopped { reason, .. }) => Err(not_serving(format!(
            "{reason} while waiting until service {service}'s new path serves; the old path is left in place"
        ))),
    }
}

/// Between stages 3 and 4: the deleted record's TTL passes, so that callers whose resolvers cached it still reach
/// the load balancer, which still forwards to the service. Stops when the run is asked to stop.
pub async fn drain(run: &Run<'_>, migration: &Migration) -> Result<(), AwsError> {
    let Some(seconds) = migration.drain_seconds.filter(|seconds| *seconds > 0) else { return Ok(()) };
    let begun = Instant::now();
    let until = begun + Duration::from_secs(seconds);
    while Instant::now() < until {
        run.progress.event(Event::Waiting(Wait {
            what: WaitFor::Drain { service: migration.service.clone(), seconds },
            detail: None,
            since: begun.elapsed(),
            next_try: None,
        }));
        let step = (until - Instant::now()).min(Duration::from_secs(5));
        tokio::select! {
            reason = run.stop.requested() => {
                return Err(not_serving(format!("{reason} before service {}'s old path was retired", migration.service)));
            }
            () = tokio::time::sleep(step) => {}
        }
    }
    Ok(())
}

fn not_serving(message: String) -> AwsError {
    AwsError::unfinished("await serving", message)
}

/// What of the new path does not serve yet.
async fn still_waiting(run: &Run<'_>, migration: &Migration) -> Result<Vec<Pending>, AwsError> {
    let check = &migration.serving;
    let service = &check.ecs_service;
    let as_aws = |error: SettleError| match error {
        SettleError::Aws(error) => error,
        other => not_serving(other.to_string()),
    };
    if let Some(pending) = deployment(run.aws, &check.cluster, service).await.map_err(as_aws)? {
        return Ok(vec![pending]);
    }
    let mut waiting = Vec::new();
    if let Some(group) = &check.target_group {
        let arn = run.outputs.id(group)?;
        waiting.extend(unhealthy_targets(run.aws, service, &[arn]).await.map_err(as_aws)?);
    }
    if let Some(group) = &check.lattice_target_group {
        let id = run.outputs.id(group)?;
        let targets = serving::lattice_targets(run.aws, &id).await?;
        if targets.not_ready > 0 {
            waiting.push(Pending::UnhealthyTargets { service: service.clone(), count: targets.not_ready });
        } else if targets.serving == 0 {
            waiting.push(Pending::NotInLattice { service: service.clone() });
        }
    }
    if let Some(registry) = &check.registry {
        let arn = run.outputs.id(registry)?;
        let id = arn.rsplit('/').next().unwrap_or(&arn);
        if serving::registered_instances(run.aws, id).await? == 0 {
            waiting.push(Pending::NotRegistered { service: service.clone() });
        }
    }
    Ok(waiting)
}
