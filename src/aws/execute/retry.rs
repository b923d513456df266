//! Waiting out AWS's eventual consistency: retry while AWS answers with a code that means "not yet"
//! (DependencyViolation while a load balancer's interfaces drain, ResourceInUse while a listener lets go),
//! with back-off, progress on every wait, and a bound.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::aws::AwsError;

use super::Progress;

/// How long a dependency may take to clear before the step fails.
pub const DEPENDENCY_TIMEOUT: Duration = Duration::from_secs(600);
const FIRST_DELAY: Duration = Duration::from_secs(1);
const MAX_DELAY: Duration = Duration::from_secs(20);

/// Calls `attempt` until it succeeds, fails with a code not in `retry_on`, or `DEPENDENCY_TIMEOUT` passes.
pub async fn while_code<T, F, Fut>(progress: &dyn Progress, what: &str, retry_on: &[&str], mut attempt: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let started = Instant::now();
    let mut delay = FIRST_DELAY;
    loop {
        match attempt().await {
            Err(error) if error.has_code(retry_on) && started.elapsed() + delay < DEPENDENCY_TIMEOUT => {
                progress.report(&format!(
                    "waiting for {what}: {} ({} s so far, next try in {} s)",
                    error.code.as_deref().unwrap_or_default(),
                    started.elapsed().as_secs(),
                    delay.as_secs()
                ));
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(MAX_DELAY);
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
        assert!(reports[0].starts_with("waiting for sg-1 to be free: DependencyViolation (0 s so far, next try in 1 s)"), "{reports:?}");
    }

    #[tokio::test]
    async fn any_other_error_stops_at_once() {
        let progress = Recorded(Mutex::new(Vec::new()));
        let result = while_code(&progress, "sg-1 to be free", &["DependencyViolation"], || async { answer(Some("UnauthorizedOperation")) }).await;
        assert_eq!(result.unwrap_err().code.as_deref(), Some("UnauthorizedOperation"));
        assert!(progress.0.lock().unwrap().is_empty());
    }
}
