//! Every wait of ecsnet, one loop (`poll_until`): ask AWS, and while what it answers is "not yet", report what is
//! waited for as progress, pause with back-off, and ask again, within a bound, heeding the run's stop signal. The
//! reads the waits make are in `aws::observe::serving`; what they wait for is typed (`events::WaitFor`) and worded
//! in `views::events`.
//!
//! Its users: retries while AWS answers a code that means "not yet" (DependencyViolation while a load balancer's
//! interfaces drain, ResourceInUse while a listener lets go, a NotFound for an ID this apply just created), Cloud
//! Map operations, a deleted load balancer leaving AWS's listings, and the waits until what apply made serves
//! (`aws::settle`, a migration's stage 2 in `aws::execute::serving`).

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::aws::{AwsError, Code};
use crate::events::{Event, Progress, Subject, Wait, WaitFor};
use crate::plan::Ref;
use crate::stop::{Stop, StopReason};

/// How long one kind of wait may last, how soon to ask again, and how long it stays unreported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Patience {
    pub bound: Duration,
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// Rounds before this much time has passed are not reported (a Cloud Map operation usually takes a second).
    pub quiet: Duration,
}

/// A dependency clearing: a deleted load balancer's network interfaces linger for minutes.
pub const DEPENDENCY: Patience = Patience {
    bound: Duration::from_secs(600),
    first_delay: Duration::from_secs(1),
    max_delay: Duration::from_secs(20),
    quiet: Duration::ZERO,
};

/// A resource this apply just created becoming visible to the next call. EC2 documents it
/// (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html: InvalidGroup.NotFound right after
/// CreateSecurityGroup) and advises backing off from a couple of seconds up to a few minutes; ELBv2 answers
/// LoadBalancerNotFound, TargetGroupNotFound or ListenerNotFound the same way. Usually seconds.
pub const NEW_RESOURCE: Patience = Patience {
    bound: Duration::from_secs(300),
    first_delay: Duration::from_secs(1),
    max_delay: Duration::from_secs(15),
    quiet: Duration::ZERO,
};

/// Polling what an apply made until it serves (the whole apply's, or a migration's new path), within `bound`:
/// every half second at first, then every 5 s.
pub fn until_serving(bound: Duration) -> Patience {
    Patience {
        bound,
        first_delay: Duration::from_millis(500),
        max_delay: Duration::from_secs(5),
        quiet: Duration::ZERO,
    }
}

/// What one round found: done, with its result, or still waiting for something.
pub enum Poll<T> {
    Ready(T),
    Pending(WaitFor),
}

/// Why a wait ended without its result.
#[derive(Debug)]
pub enum WaitError<E = AwsError> {
    /// A round failed: a read, or what is waited for failed for good.
    Failed(E),
    /// The bound passed; what the last round still waited for.
    TimedOut { after: Duration, pending: WaitFor },
    /// The run was asked to stop.
    Stopped { reason: StopReason, pending: WaitFor },
}

/// Calls `round` until it is ready, reporting each pending round (after `patience.quiet`) and pausing with
/// back-off in between; gives up when the next pause would pass `patience.bound`, or when `stop` is asked for.
pub async fn poll_until<T, E, F, Fut>(
    patience: Patience,
    progress: &dyn Progress,
    stop: Option<&Stop>,
    mut round: F,
) -> Result<T, WaitError<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>, E>>,
{
    let started = Instant::now();
    let mut delay = patience.first_delay;
    loop {
        let pending = match round().await.map_err(WaitError::Failed)? {
            Poll::Ready(result) => return Ok(result),
            Poll::Pending(pending) => pending,
        };
        if started.elapsed() + delay > patience.bound {
            return Err(WaitError::TimedOut { after: started.elapsed(), pending });
        }
        if started.elapsed() >= patience.quiet {
            let wait = Wait { what: pending.clone(), detail: None, since: started.elapsed(), next_try: Some(delay) };
            progress.event(Event::Waiting(wait));
        }
        match stop {
            Some(stop) => tokio::select! {
                reason = stop.requested() => return Err(WaitError::Stopped { reason, pending }),
                () = tokio::time::sleep(delay) => {}
            },
            None => tokio::time::sleep(delay).await,
        }
        delay = (delay * 2).min(patience.max_delay);
    }
}

/// Calls `attempt` until it succeeds, fails with a code not in `retry_on`, or `DEPENDENCY`'s bound passes.
pub async fn while_code<T, F, Fut>(
    progress: &dyn Progress,
    subject: Subject,
    retry_on: &[Code],
    attempt: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    with_patience(DEPENDENCY, progress, subject, retry_on, attempt).await
}

/// Calls `attempt` until what this apply just created is visible to it: while it fails with a code in
/// `retry_on` (a NotFound for a new ID), within `NEW_RESOURCE`'s bound. An empty `retry_on` calls it once.
pub async fn until_visible<T, F, Fut>(
    progress: &dyn Progress,
    subject: Subject,
    retry_on: &[Code],
    attempt: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    with_patience(NEW_RESOURCE, progress, subject, retry_on, attempt).await
}

/// The NotFound codes worth waiting out for a call that uses these references: only those of resources created
/// earlier in this apply (`Ref::Of`). A known ID that is not found is gone, and waiting would not bring it back.
pub fn codes_for_new(references: &[(&Ref, Code)]) -> Vec<Code> {
    let mut codes: Vec<Code> =
        references.iter().filter(|(reference, _)| matches!(reference, Ref::Of(_))).map(|(_, code)| *code).collect();
    codes.dedup();
    codes
}

/// Calls `attempt` until it succeeds, fails with a code not in `retry_on`, or `patience`'s bound passes; then the
/// last answer is the result.
pub async fn with_patience<T, F, Fut>(
    patience: Patience,
    progress: &dyn Progress,
    subject: Subject,
    retry_on: &[Code],
    mut attempt: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let last = std::sync::Mutex::new(None);
    let (subject, last_answer) = (&subject, &last);
    let polled = poll_until(patience, progress, None, || {
        let answer = attempt();
        async move {
            match answer.await {
                Err(error) if error.has_code(retry_on) => {
                    let code = error.code.clone().unwrap_or_default();
                    *last_answer.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(error);
                    Ok(Poll::Pending(WaitFor::Retry { subject: subject.clone(), code }))
                }
                other => other.map(Poll::Ready),
            }
        }
    })
    .await;
    match polled {
        Ok(result) => Ok(result),
        Err(WaitError::Failed(error)) => Err(error),
        // Without a stop signal, only the bound ends a wait: the last answer, a code in `retry_on`, is the result.
        Err(WaitError::TimedOut { .. } | WaitError::Stopped { .. }) => Err(last
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .expect("a pending round kept its answer")),
    }
}

#[cfg(test)]
mod tests;
