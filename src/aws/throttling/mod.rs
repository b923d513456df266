//! Meeting AWS's throttling without collapse. AWS throttles each API on its own, per account and Region: EC2 by
//! token buckets per action (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html), ELBv2 by
//! an account bucket and one per category
//! (https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html), Route 53 per
//! account (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html), ECS and
//! Cloud Map by their own limits. So ecsnet keeps what one API's throttling costs to that API:
//!
//! - every throttled request is retried after a jittered, exponentially growing delay (the SDK's standard retry
//!   mode, `retry_config`). Not the SDK's adaptive mode: after each throttled request it lowers the send rate of
//!   all of a service's calls and raises it slowly, so a few throttled requests slowed a whole apply twenty-fold;
//! - each service's requests go through a `Pace` of their own: unlimited until AWS refuses more than
//!   `CUT_ABOVE` of them within a second, which is a rate limit and not bad luck; then as fast as AWS accepted
//!   them in that second, growing by a fifth each second that goes well. A throttled Route 53 never slows EC2;
//!   scattered throttling (a few requests in a hundred) never slows anything but the retried request;
//! - the executor runs each service's steps in slots of their own (`Service::max_steps`), so steps waiting on a
//!   throttled service never hold up another's.

mod pace;

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority, RetryReason,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::retry::ErrorKind;
use tokio::time::Instant;

pub use pace::Pace;

/// The retry settings of every client: attempts, throttling included, and full-jitter exponential back-off
/// (a random delay up to 250 ms, 500 ms, 1 s, … capped at 20 s), as AWS advises for throttled requests
/// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(Duration::from_millis(250))
        .with_max_backoff(Duration::from_secs(20))
}

/// The retry quota of each service's client: 5,000 throttled retries at the SDK's price of 5 tokens each.
pub const RETRY_QUOTA: usize = 25_000;

/// Attempts per request: with one request in five throttled, ten in a row are throttled once in ten million.
const MAX_ATTEMPTS: u32 = 10;

/// The AWS services ecsnet calls, each throttled on its own.
pub use crate::plan::AwsService as Service;

impl Service {
    fn index(self) -> usize {
        self as usize
    }

    /// The most steps of this service at once. Route 53's steps are few (one change batch per zone) and its
    /// account-wide rate the lowest, so fewer at once cost nothing.
    pub fn max_steps(self) -> usize {
        match self {
            Service::Route53 => 4,
            _ => 8,
        }
    }
}

/// Each service's pace, shared by its client's HTTP wrapper and its retry classifier.
#[derive(Debug, Clone, Default)]
pub struct Throttling {
    paces: Arc<[Pace; 6]>,
}

impl Throttling {
    /// The retry classifier that tells one service's pace how each attempt fared.
    pub fn watch(&self, service: Service) -> ThrottleWatch {
        ThrottleWatch { service, throttling: self.clone() }
    }

    /// `inner` with every request of `service` sent at that service's pace.
    pub fn paced(&self, service: Service, inner: SharedHttpClient) -> SharedHttpClient {
        Paced { inner, service, throttling: self.clone() }.into_shared()
    }

    fn pace(&self, service: Service) -> &Pace {
        &self.paces[service.index()]
    }
}

/// The HTTP client the SDK's clients use when the configuration names none, for a pace to wrap.
pub fn default_http_client() -> Option<SharedHttpClient> {
    use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
    use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin;
    let plugin =
        aws_smithy_runtime::client::defaults::default_http_client_plugin_v2(aws_config::BehaviorVersion::latest())?;
    plugin.runtime_components(&RuntimeComponentsBuilder::new("ecsnet")).http_client()
}

/// A retry classifier that changes no verdict: it runs after the SDK's own classifiers and tells the service's
/// pace whether each attempt was throttled (the codes of
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html: Throttling, ThrottlingException,
/// RequestLimitExceeded, PriorRequestNotComplete, …).
#[derive(Debug)]
pub struct ThrottleWatch {
    service: Service,
    throttling: Throttling,
}

impl ClassifyRetry for ThrottleWatch {
    fn classify_retry(&self, _: &InterceptorContext) -> RetryAction {
        RetryAction::NoActionIndicated
    }

    fn classify_retry_v2(&self, _: &InterceptorContext, previous: &RetryAction) -> RetryAction {
        let throttled = matches!(
            previous,
            RetryAction::RetryIndicated(RetryReason::RetryableError { kind: ErrorKind::ThrottlingError, .. })
        );
        self.throttling.pace(self.service).outcome(throttled, Instant::now());
        RetryAction::NoActionIndicated
    }

    fn name(&self) -> &'static str {
        "ecsnet::ThrottleWatch"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// An HTTP client that holds each request of one service until that service's pace lets it go.
#[derive(Debug)]
struct Paced {
    inner: SharedHttpClient,
    service: Service,
    throttling: Throttling,
}

impl HttpClient for Paced {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(PacedConnector {
            inner: self.inner.http_connector(settings, components),
            service: self.service,
            throttling: self.throttling.clone(),
        })
    }
}

#[derive(Debug)]
struct PacedConnector {
    inner: SharedHttpConnector,
    service: Service,
    throttling: Throttling,
}

impl HttpConnector for PacedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let slot = self.throttling.pace(self.service).slot(Instant::now());
        HttpConnectorFuture::new(async move {
            tokio::time::sleep_until(slot).await;
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_settings_back_off_from_a_quarter_second_to_twenty_seconds_in_ten_attempts() {
        let config = retry_config();
        assert_eq!(
            (config.max_attempts(), config.initial_backoff(), config.max_backoff()),
            (10, Duration::from_millis(250), Duration::from_secs(20))
        );
        assert_eq!(
            config.mode(),
            aws_config::retry::RetryMode::Standard,
            "not adaptive: its send rate is one for all of a service's calls"
        );
    }
}
