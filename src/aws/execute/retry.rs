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
