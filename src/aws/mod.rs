//! The AWS adapters: the only code that imports `aws_sdk_*`. They read live state into plain structs
//! (`observe`) and carry out plan steps (`execute`).

pub mod cluster;
pub mod diagnose;
mod error;
pub mod execute;
pub mod lock;
pub mod observe;
mod request_counter;

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;

pub use error::AwsError;
pub use request_counter::RequestCounter;

/// How to reach AWS: the CLI's global flags.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
}

/// One client per AWS service, sharing a request counter.
#[derive(Clone, Debug)]
pub struct Aws {
    pub ec2: aws_sdk_ec2::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    pub route53: aws_sdk_route53::Client,
    pub discovery: aws_sdk_servicediscovery::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub region: String,
    pub requests: RequestCounter,
}

#[derive(Debug, thiserror::Error)]
#[error("no AWS region is set\nhint: pass --region, set `region` in the topology file, or set AWS_REGION")]
pub struct NoRegion;

/// Attempts per request, throttling included; the adaptive mode also slows down when AWS throttles.
const MAX_ATTEMPTS: u32 = 8;

impl Aws {
    /// Loads the AWS configuration chain; `--region` wins over the file's `region`, which wins over the chain.
    pub async fn connect(options: &ConnectOptions, file_region: Option<&str>) -> Result<Aws, NoRegion> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::adaptive().with_max_attempts(MAX_ATTEMPTS))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_attempt_timeout(Duration::from_secs(30))
                    .operation_timeout(Duration::from_secs(180))
                    .build(),
            );
        if let Some(region) = options.region.as_deref().or(file_region) {
            loader = loader.region(aws_config::Region::new(region.to_string()));
        }
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(url) = &options.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let config = loader.load().await;
        let region = config.region().ok_or(NoRegion)?.to_string();
        let requests = RequestCounter::default();
        let ec2 = aws_sdk_ec2::config::Builder::from(&config).interceptor(requests.clone()).build();
        let elb = aws_sdk_elasticloadbalancingv2::config::Builder::from(&config).interceptor(requests.clone()).build();
        let route53 = aws_sdk_route53::config::Builder::from(&config).interceptor(requests.clone()).build();
        let discovery = aws_sdk_servicediscovery::config::Builder::from(&config).interceptor(requests.clone()).build();
        let ecs = aws_sdk_ecs::config::Builder::from(&config).interceptor(requests.clone()).build();
        Ok(Aws {
            ec2: aws_sdk_ec2::Client::from_conf(ec2),
            elb: aws_sdk_elasticloadbalancingv2::Client::from_conf(elb),
            route53: aws_sdk_route53::Client::from_conf(route53),
            discovery: aws_sdk_servicediscovery::Client::from_conf(discovery),
            ecs: aws_sdk_ecs::Client::from_conf(ecs),
            region,
            requests,
        })
    }
}
