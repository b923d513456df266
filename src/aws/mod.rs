//! The AWS adapters: the only code that imports `aws_sdk_*`. They read live state into plain structs
//! (`observe`) and carry out plan steps (`execute`).

mod codes;
pub mod endpoint;
mod error;
pub mod execute;
pub mod lock;
pub mod observe;
mod refused;
mod request_counter;
pub mod settle;
pub mod throttling;
pub mod wait;

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;

pub use codes::Code;
pub use error::AwsError;
pub use request_counter::RequestCounter;
use throttling::{Service, Throttling};

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
    pub lattice: aws_sdk_vpclattice::Client,
    pub region: String,
    pub requests: RequestCounter,
}

#[derive(Debug, thiserror::Error)]
#[error("no AWS region is set\nhint: pass --region, set `region` in the topology file, or set AWS_REGION")]
pub struct NoRegion;

impl Aws {
    /// Loads the AWS configuration chain; `--region` wins over the file's `region`, which wins over the chain.
    pub async fn connect(options: &ConnectOptions, file_region: Option<&str>) -> Result<Aws, NoRegion> {
        let mut loader =
            aws_config::defaults(BehaviorVersion::latest()).retry_config(throttling::retry_config()).timeout_config(
                // The connect timeout of AWS's `standard` defaults mode (3.1 s): AWS's endpoints accept in milliseconds,
                // and an endpoint that never answers costs each attempt this long.
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_millis(3_100))
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
        let throttling = Throttling::default();
        // Each service's requests at its own pace, through the HTTP client the configuration chain chose.
        let http = config.http_client().or_else(throttling::default_http_client);
        let paced = |service| http.clone().map(|http| throttling.paced(service, http));
        let flag = options.endpoint_url.is_some();
        let profile = options.profile.as_deref();
        // One client per service: counted, watched for throttling, paced; a refused connection not retried and
        // named by its endpoint (`refused`), whose origin is the SDK's service ID's (`EC2`, `Route 53`).
        macro_rules! client {
            ($sdk:ident, $service:expr, $service_id:literal) => {{
                let origin = endpoint::origin_in(&config, $service_id, flag, profile);
                let mut builder = $sdk::config::Builder::from(&config)
                    .interceptor(requests.clone())
                    .interceptor(refused::NameEndpoint::new(origin))
                    .retry_classifier(throttling.watch($service))
                    .retry_classifier(refused::RefusedConnection);
                builder.set_http_client(paced($service));
                // The SDK's retry quota (500 tokens, 5 a throttled retry, a retry after a retry never paid back)
                // would fail requests at once after about a hundred throttled retries, and a 100-service apply
                // at ELBv2's 3 mutations a second meets that many. ecsnet bounds retries per request (10
                // attempts) and paces each service instead; the quota stays as a last guard only.
                builder.set_retry_partition(Some(
                    $sdk::config::retry::RetryPartition::custom(concat!("ecsnet-", stringify!($sdk)))
                        .token_bucket(
                            $sdk::config::retry::TokenBucket::builder().capacity(throttling::RETRY_QUOTA).build(),
                        )
                        .build(),
                ));
                $sdk::Client::from_conf(builder.build())
            }};
        }
        Ok(Aws {
            ec2: client!(aws_sdk_ec2, Service::Ec2, "EC2"),
            elb: client!(aws_sdk_elasticloadbalancingv2, Service::LoadBalancing, "Elastic Load Balancing v2"),
            route53: client!(aws_sdk_route53, Service::Route53, "Route 53"),
            discovery: client!(aws_sdk_servicediscovery, Service::CloudMap, "ServiceDiscovery"),
            ecs: client!(aws_sdk_ecs, Service::Ecs, "ECS"),
            lattice: client!(aws_sdk_vpclattice, Service::Lattice, "VPC Lattice"),
            region,
            requests,
        })
    }
}
