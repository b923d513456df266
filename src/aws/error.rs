//! AWS failures as one error type that names the operation and AWS's error code.

use std::fmt;

use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::codes::Code;
use super::endpoint::Unreachable;
use crate::topology::AwsName as _;

#[derive(Debug, Clone, thiserror::Error)]
pub struct AwsError {
    /// The AWS operation, such as `CreateTargetGroup`.
    pub operation: &'static str,
    /// AWS's error code, such as `DuplicateTargetGroupName`; `None` when no answer came back.
    pub code: Option<String>,
    pub message: String,
    /// No connection: the endpoint refused it or has no route (src/aws/refused.rs); the views render it.
    pub unreachable: Option<Box<Unreachable>>,
}

impl AwsError {
    pub fn from_sdk<E, R>(operation: &'static str, error: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: fmt::Debug + Send + Sync + 'static,
    {
        if !matches!(error, SdkError::ServiceError(_)) {
            return Self::without_answer(operation, &error);
        }
        let code = error.code().map(str::to_string);
        let message = match (error.message(), &code) {
            (Some(message), _) => message.to_string(),
            (None, Some(_)) => String::new(),
            (None, None) => DisplayErrorContext(&error).to_string(),
        };
        AwsError { operation, code, message, unreachable: None }
    }

    /// The request got no answer from AWS: no credentials, no connection, a timeout.
    fn without_answer(operation: &'static str, error: &(dyn std::error::Error + 'static)) -> Self {
        let mut chain = Vec::new();
        let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(error) = current {
            if let Some(unreachable) = error.downcast_ref::<Unreachable>() {
                let unreachable = Some(Box::new(unreachable.clone()));
                return AwsError { operation, code: None, message: String::new(), unreachable };
            }
            if error.downcast_ref::<CredentialsError>().is_some() {
                return AwsError {
                    operation,
                    code: None,
                    message: "no AWS credentials could be loaded\nhint: set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an IAM role is available".into(),
                    unreachable: None,
                };
            }
            let text: String = error.to_string().chars().take(160).collect();
            if !chain.iter().any(|known: &String| known.contains(&text)) {
                chain.push(text);
            }
            current = error.source();
        }
        AwsError { operation, code: None, message: chain.join(": "), unreachable: None }
    }

    /// Whether AWS answered with one of these codes.
    pub fn has_code(&self, codes: &[Code]) -> bool {
        self.code.as_deref().and_then(Code::from_aws).is_some_and(|code| codes.contains(&code))
    }

    /// A request the SDK's builders refused to build (a required field missing); nothing was sent.
    pub fn invalid_request(operation: &'static str, error: impl fmt::Display) -> Self {
        AwsError { operation, code: None, message: format!("could not build the request: {error}"), unreachable: None }
    }

    /// What AWS was asked to do did not finish within ecsnet's bound (or before a stop): no AWS error, no code.
    pub fn unfinished(operation: &'static str, message: String) -> Self {
        AwsError { operation, code: None, message, unreachable: None }
    }

    /// A failure that is not AWS's answer: the answer it needed was missing.
    pub fn missing(operation: &'static str, what: &str) -> Self {
        AwsError { operation, code: None, message: format!("the response has no {what}"), unreachable: None }
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(unreachable) = &self.unreachable {
            return write!(f, "{} failed: {unreachable}", self.operation);
        }
        match &self.code {
            Some(code) => write!(f, "{} failed: {code}: {}", self.operation, self.message),
            None => write!(f, "{} failed: {}", self.operation, self.message),
        }
    }
}

/// For deletes: AWS answering that the thing is already gone is what the step wanted.
pub trait AlreadyGone {
    fn or_gone(self, codes: &[Code]) -> Result<(), AwsError>;
}

impl<T> AlreadyGone for Result<T, AwsError> {
    fn or_gone(self, codes: &[Code]) -> Result<(), AwsError> {
        match self {
            Ok(_) => Ok(()),
            Err(error) if error.has_code(codes) => Ok(()),
            Err(error) => Err(error),
        }
    }
}

/// `result.map_err(|error| AwsError::from_sdk(operation, error))`, shorter at every call site.
pub trait ForOperation<T> {
    fn for_operation(self, operation: &'static str) -> Result<T, AwsError>;
}

impl<T, E, R> ForOperation<T> for Result<T, SdkError<E, R>>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: fmt::Debug + Send + Sync + 'static,
{
    fn for_operation(self, operation: &'static str) -> Result<T, AwsError> {
        self.map_err(|error| AwsError::from_sdk(operation, error))
    }
}

#[cfg(test)]
mod tests {
    use aws_smithy_runtime_api::client::result::ConnectorError;

    use super::*;
    use crate::aws::endpoint::{Endpoint, Origin, Refusal};

    #[test]
    fn a_refused_connection_names_the_operation_and_the_endpoint() {
        let endpoint =
            Endpoint { url: "http://127.0.0.1:9".into(), origin: Origin::Environment("AWS_ENDPOINT_URL".into()) };
        let unreachable = Unreachable { endpoint, refusal: Refusal::Refused };
        let error: SdkError<aws_sdk_ec2::Error, ()> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(unreachable.clone())));
        let error = AwsError::from_sdk("DescribeVpcs", error);
        assert_eq!((error.code.as_deref(), error.unreachable.as_deref()), (None, Some(&unreachable)));
        assert_eq!(
            error.to_string(),
            "DescribeVpcs failed: connection refused by http://127.0.0.1:9 (from the environment variable AWS_ENDPOINT_URL)\nhint: is the emulator running? `bash localstack/start.sh`"
        );
    }
}
