//! A connection refused fails the request at once, naming the endpoint and where it came from.
//!
//! The SDK's transient-error classifier retries every I/O error of the connector, a refused connection included
//! (`ConnectorError::is_io`), so a mistyped `AWS_ENDPOINT_URL` or an emulator that is not running cost all ten
//! attempts and their back-off (16–22 s) before the error came, and the error named neither the endpoint nor its
//! source. A refused connection (or no route to the host) is the operating system's answer, not bad luck: the next
//! attempt gets the same one. So:
//!
//! - `RefusedConnection`, a retry classifier run after the SDK's own, forbids the retry;
//! - `NameEndpoint`, an interceptor, replaces that connector error with an `Unreachable` that names the endpoint the
//!   request went to and where it came from, which `AwsError::from_sdk` finds in the error's source chain.
//!
//! Throttling, 5xx answers, timeouts and connections reset mid-request keep their retries.

use std::error::Error;
use std::io;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextMut, InterceptorContext,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::OrchestratorError;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction, RetryClassifierPriority};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

use super::endpoint::{Endpoint, Origin, Refusal, Unreachable};

/// The refused or unroutable connection in an error's source chain, if any.
pub fn refusal(error: &(dyn Error + 'static)) -> Option<Refusal> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(unreachable) = error.downcast_ref::<Unreachable>() {
            return Some(unreachable.refusal);
        }
        if let Some(io) = error.downcast_ref::<io::Error>() {
            match io.kind() {
                io::ErrorKind::ConnectionRefused => return Some(Refusal::Refused),
                io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable => return Some(Refusal::NoRoute),
                _ => {}
            }
        }
        current = error.source();
    }
    None
}

/// The refusal of an attempt that failed to connect: a connector I/O error with a refusal in its chain.
fn refused_attempt<E>(error: &OrchestratorError<E>) -> Option<Refusal> {
    error.as_connector_error().filter(|error| error.is_io()).and_then(|error| refusal(error))
}

/// Forbids retrying a refused connection; every other verdict stands.
#[derive(Debug, Default)]
pub struct RefusedConnection;

impl ClassifyRetry for RefusedConnection {
    fn classify_retry(&self, context: &InterceptorContext) -> RetryAction {
        match context.output_or_error() {
            Some(Err(error)) if refused_attempt(error).is_some() => RetryAction::RetryForbidden,
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "ecsnet::RefusedConnection"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// Names the endpoint in the error of a refused connection: the URL the request went to, and the origin the
/// client's configuration gave it.
#[derive(Debug)]
pub struct NameEndpoint {
    origin: Origin,
}

impl NameEndpoint {
    pub fn new(origin: Origin) -> Self {
        NameEndpoint { origin }
    }
}

/// The scheme and authority the attempt under way was sent to.
#[derive(Debug, Clone)]
struct SentTo(String);

impl Storable for SentTo {
    type Storer = StoreReplace<Self>;
}

impl Intercept for NameEndpoint {
    fn name(&self) -> &'static str {
        "ecsnet::NameEndpoint"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().store_put(SentTo(base(context.request().uri())));
        Ok(())
    }

    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(Err(error)) = context.output_or_error_mut() else { return Ok(()) };
        let Some(refusal) = refused_attempt(error) else { return Ok(()) };
        let url = cfg.load::<SentTo>().map_or_else(|| "(unknown)".to_string(), |sent| sent.0.clone());
        let endpoint = Endpoint { url, origin: self.origin.clone() };
        *error = OrchestratorError::connector(ConnectorError::io(Box::new(Unreachable { endpoint, refusal })));
        Ok(())
    }
}

/// `https://ec2.us-east-1.amazonaws.com/?Action=…` → `https://ec2.us-east-1.amazonaws.com`.
fn base(uri: &str) -> String {
    let (scheme, rest) = uri.split_once("://").unwrap_or(("", uri));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if scheme.is_empty() {
        authority.to_string()
    } else {
        format!("{scheme}://{authority}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime::client::retries::classifiers::{run_classifiers_on_ctx, TransientErrorClassifier};
    use aws_smithy_runtime_api::client::interceptors::context::{Error as OperationError, Input};
    use aws_smithy_runtime_api::client::retries::classifiers::SharedRetryClassifier;

    fn failed_with(error: OrchestratorError<OperationError>) -> InterceptorContext {
        let mut context = InterceptorContext::new(Input::doesnt_matter());
        context.set_output_or_error(Err(error));
        context
    }

    fn connector_io(kind: io::ErrorKind) -> OrchestratorError<OperationError> {
        // As the HTTP client wraps it: hyper-util's connect error around the operating system's.
        #[derive(Debug, thiserror::Error)]
        #[error("tcp connect error")]
        struct ConnectError(#[source] io::Error);
        OrchestratorError::connector(ConnectorError::io(Box::new(ConnectError(io::Error::from(kind)))))
    }

    fn verdict(error: OrchestratorError<OperationError>) -> RetryAction {
        RefusedConnection.classify_retry(&failed_with(error))
    }

    /// The verdict of the SDK's transient-error classifier followed by ours, as the orchestrator runs them.
    fn with_the_sdks(error: OrchestratorError<OperationError>) -> RetryAction {
        let classifiers = [
            SharedRetryClassifier::new(TransientErrorClassifier::<OperationError>::new()),
            SharedRetryClassifier::new(RefusedConnection),
        ];
        run_classifiers_on_ctx(classifiers.into_iter(), &failed_with(error))
    }

    #[test]
    fn a_refused_or_unroutable_connection_is_never_retried() {
        for kind in
            [io::ErrorKind::ConnectionRefused, io::ErrorKind::NetworkUnreachable, io::ErrorKind::HostUnreachable]
        {
            assert_eq!(verdict(connector_io(kind)), RetryAction::RetryForbidden, "{kind:?}");
            assert_eq!(with_the_sdks(connector_io(kind)), RetryAction::RetryForbidden, "{kind:?}");
        }
        let named = Unreachable {
            endpoint: Endpoint { url: "http://127.0.0.1:9".into(), origin: Origin::Flag },
            refusal: Refusal::Refused,
        };
        let named = OrchestratorError::connector(ConnectorError::io(Box::new(named)));
        assert_eq!(verdict(named), RetryAction::RetryForbidden, "after NameEndpoint replaced the error");
    }

    #[test]
    fn other_connection_failures_keep_the_sdks_retries() {
        for kind in [io::ErrorKind::ConnectionReset, io::ErrorKind::TimedOut, io::ErrorKind::BrokenPipe] {
            assert_eq!(verdict(connector_io(kind)), RetryAction::NoActionIndicated, "{kind:?}");
            assert_eq!(with_the_sdks(connector_io(kind)), RetryAction::transient_error(), "{kind:?}");
        }
        let timeout = || OrchestratorError::connector(ConnectorError::timeout("connect timed out".into()));
        assert_eq!(verdict(timeout()), RetryAction::NoActionIndicated);
        assert_eq!(with_the_sdks(timeout()), RetryAction::transient_error());
        // A refusal inside a connector error that is not an I/O error is no refused connection.
        let other = ConnectorError::other(Box::new(io::Error::from(io::ErrorKind::ConnectionRefused)), None);
        assert_eq!(verdict(OrchestratorError::connector(other)), RetryAction::NoActionIndicated);
        assert_eq!(
            RefusedConnection.classify_retry(&InterceptorContext::new(Input::doesnt_matter())),
            RetryAction::NoActionIndicated
        );
    }

    #[test]
    fn the_endpoint_is_the_scheme_and_authority_of_the_request() {
        assert_eq!(
            base("https://ec2.us-east-1.amazonaws.com/?Action=DescribeVpcs"),
            "https://ec2.us-east-1.amazonaws.com"
        );
        assert_eq!(base("http://127.0.0.1:9"), "http://127.0.0.1:9");
        assert_eq!(base("http://[::1]:4566/path"), "http://[::1]:4566");
    }
}
