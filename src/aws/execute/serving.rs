//! Stage 2 of a migration (`plan::migration`): wait until the new path serves before the name moves and the old
//! path goes. The new path serves when the ECS deployment its first update started is COMPLETED with its tasks
//! running ("When the service reaches a steady state, the deployment transitions to a COMPLETED state", of
//! `rolloutState`, which AWS reports for rolling-update services not behind a Classic Load Balancer:
//! https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html), when no target of a new target
//! group is `initial` or `unhealthy`
//! (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html), and when a new
//! Cloud Map service has instances (ECS registers each task as it starts:
//! https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html). The checks are
//! `settle.rs`'s; on a migration already serving (a re-run), the first round returns at once.

use std::time::Duration;

use tokio::time::Instant;

use crate::aws::error::ForOperation as _;
use crate::aws::settle::{deployment, unhealthy_targets, SettleError};
use crate::aws::AwsError;
use crate::events::{Event, Wait};
use crate::plan::{Migration, Stage};

use super::Run;

/// Polls until the migration's new path serves, within the run's bound; stops when the run is asked to stop.
pub async fn await_serving(run: &Run<'_>, migration: &Migration) -> Result<(), AwsError> {
    let begun = Instant::now();
    let mut delay = Duration::from_millis(500);
    let announce = |stage| Event::Stage { service: migration.service.clone(), stage };
    run.progress.event(announce(Stage::AwaitServing));
    loop {
        let waiting = still_waiting(run, migration).await?;
        if waiting.is_empty() {
            run.progress.event(announce(Stage::MoveName));
            return Ok(());
        }
        let summary = waiting.join("; ");
        if begun.elapsed() + delay > run.serving_bound {
            return Err(not_serving(format!(
                "after {} s the new path of service {} does not serve yet: {summary}; the old path is left in place\nhint: `ecsnet apply` again continues the migration; `--wait-timeout S` waits longer",
                begun.elapsed().as_secs(),
                migration.service
            )));
        }
        run.progress.event(Event::Waiting(Wait {
            what: format!("until service {}'s new path serves: {summary}", migration.service),
            detail: None,
            since: begun.elapsed(),
            next_try: None,
        }));
        tokio::select! {
            reason = run.stop.requested() => {
                return Err(not_serving(format!("{reason} while waiting until service {}'s new path serves; the old path is left in place", migration.service)));
            }
            () = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(Duration::from_secs(5));
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
            what: format!(
                "{seconds} s, the TTL of service {}'s deleted record, before its old path is retired",
                migration.service
            ),
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
    AwsError { operation: "await serving", code: None, message, unreachable: None }
}

/// What of the new path does not serve yet, one phrase each.
async fn still_waiting(run: &Run<'_>, migration: &Migration) -> Result<Vec<String>, AwsError> {
    let check = &migration.serving;
    let service = &check.ecs_service;
    let as_aws = |error: SettleError| match error {
        SettleError::Aws(error) => error,
        other => not_serving(other.to_string()),
    };
    if let Some(phrase) = deployment(run.aws, &check.cluster, service).await.map_err(as_aws)? {
        return Ok(vec![phrase]);
    }
    let mut waiting = Vec::new();
    if let Some(group) = &check.target_group {
        let arn = run.outputs.id(group)?;
        waiting.extend(unhealthy_targets(run.aws, service, &[arn]).await.map_err(as_aws)?);
    }
    if let Some(registry) = &check.registry {
        let arn = run.outputs.id(registry)?;
        let id = arn.rsplit('/').next().unwrap_or(&arn);
        let output = run.aws.discovery.list_instances().service_id(id).send().await.for_operation("ListInstances")?;
        if output.instances().is_empty() {
            waiting.push(format!("no task of ECS service {service} registered in Cloud Map yet"));
        }
    }
    Ok(waiting)
}
