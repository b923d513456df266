//! Waiting out AWS's eventual consistency: retry while AWS answers with a code that means "not yet"
//! (DependencyViolation while a load balancer's interfaces drain, ResourceInUse while a listener lets go),
//! with back-off, progress on every wait, and a bound.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::aws::AwsError;

use super::Progress;

/// How to wait for AWS: the first pause, the longest, and when to give up.
#[derive(Debug, Clone, Copy)]
pub struct Patience {
    pub first: Duration,
    pub max: Duration,
    pub timeout: Duration,
}

/// A dependency clearing: a deleted load balancer's network interfaces take minutes to let go of its group.
pub const DEPENDENCY: Patience = Patience { first: Duration::from_secs(1), max: Duration::from_secs(20), timeout: Duration::from_secs(600) };

/// A resource created a moment ago, not yet visible to the next call: AWS documents this eventual consistency for
/// EC2 (InvalidGroup.NotFound right after CreateSecurityGroup,
/// https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html) and ELBv2 shows it the same way
/// (TargetGroupNotFound, LoadBalancerNotFound right after their creates). It takes seconds, not minutes.
pub const NEW_RESOURCE: Patience = Patience { first: Duration::from_millis(500), max: Duration::from_secs(5), timeout: Duration::from_secs(120) };

/// The codes AWS answers when a call names a resource it cannot see yet.
pub const NOT_YET_VISIBLE: &[&str] = &["InvalidGroup.NotFound", "TargetGroupNotFound", "LoadBalancerNotFound", "ListenerNotFound"];

/// Calls `attempt` until it succeeds, fails with a code not in `retry_on`, or `DEPENDENCY`'s timeout passes.
pub async fn while_code<T, F, Fut>(progress: &dyn Progress, what: &str, retry_on: &[&str], attempt: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    while_code_with(DEPENDENCY, progress, what, retry_on, attempt).await
}

/// A call that names resources this run may have created a moment ago: retried while AWS cannot see them yet.
pub async fn while_not_visible<T, F, Fut>(progress: &dyn Progress, operation: &str, attempt: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    while_code_with(NEW_RESOURCE, progress, &format!("{operation} to see a new resource"), NOT_YET_VISIBLE, attempt).await
}

/// Calls `attempt` until it succeeds, fails with a code not in `retry_on`, or `patience` runs out.
pub async fn while_code_with<T, F, Fut>(patience: Patience, progress: &dyn Progress, what: &str, retry_on: &[&str], mut attempt: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let started = Instant::now();
    let mut delay = patience.first;
    loop {
        match attempt().await {
            Err(error) if error.has_code(retry_on) && started.elapsed() + delay < patience.timeout => {
                progress.report(&format!(
                    "waiting for {what}: {} ({} s so far, next try in {:.1} s)",
                    error.code.as_deref().unwrap_or_default(),
                    started.elapsed().as_secs(),
                    delay.as_secs_f64()
                ));
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(patience.max);
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    struct Recorded(Mutex<Vec<String>>);

    impl Progress for Recorded {
        fn report(&self, message: &str) {
            self.0.lock().unwrap().push(message.to_string());
        }
    }

    fn answer(code: Option<&str>) -> Result<(), AwsError> {
        match code {
            None => Ok(()),
            Some(code) => Err(AwsError { operation: "DeleteSecurityGroup", code: Some(code.into()), message: "in use".into() }),
        }
    }

    #[tokio::test]
    async fn a_dependency_that_clears_is_waited_for_with_progress() {
        let progress = Recorded(Mutex::new(Vec::new()));
        let answers = Mutex::new(vec![None, Some("DependencyViolation")]);
        let result = while_code(&progress, "sg-1 to be free", &["DependencyViolation"], || {
            let next = answers.lock().unwrap().pop().flatten();
            async move { answer(next.as_deref()) }
        })
        .await;
        assert!(result.is_ok());
        let reports = progress.0.lock().unwrap();
        assert_eq!(reports.len(), 1);
        assert!(reports[0].starts_with("waiting for sg-1 to be free: DependencyViolation (0 s so far, next try in 1.0 s)"), "{reports:?}");
    }

    #[tokio::test]
    async fn a_new_resource_is_waited_for_until_patience_runs_out_then_the_error_stands() {
        let progress = Recorded(Mutex::new(Vec::new()));
        let patience = Patience { first: Duration::from_millis(1), max: Duration::from_millis(2), timeout: Duration::from_millis(30) };
        let attempts = Mutex::new(0);
        let result = while_code_with(patience, &progress, "CreateListener to see a new resource", NOT_YET_VISIBLE, || {
            *attempts.lock().unwrap() += 1;
            async { Err::<(), _>(AwsError { operation: "CreateListener", code: Some("LoadBalancerNotFound".into()), message: "not found".into() }) }
        })
        .await;
        assert_eq!(result.unwrap_err().code.as_deref(), Some("LoadBalancerNotFound"));
        let attempts = *attempts.lock().unwrap();
        assert!((2..=30).contains(&attempts), "{attempts} attempts");
        assert_eq!(progress.0.lock().unwrap().len(), attempts - 1);
    }

    #[tokio::test]
    async fn any_other_error_stops_at_once() {
        let progress = Recorded(Mutex::new(Vec::new()));
        let result = while_code(&progress, "sg-1 to be free", &["DependencyViolation"], || async { answer(Some("UnauthorizedOperation")) }).await;
        assert_eq!(result.unwrap_err().code.as_deref(), Some("UnauthorizedOperation"));
        assert!(progress.0.lock().unwrap().is_empty());
    }
}
