//! Where each client sends its requests, and where that endpoint came from: `--endpoint-url`, an environment
//! variable, the AWS profile, or AWS's default for the service and Region. The SDK decides which endpoint wins
//! (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html); ecsnet only names where it came
//! from, so that an endpoint nobody answers on is an error that says where to look.

use aws_config::SdkConfig;
use aws_types::service_config::ServiceConfigKey;

/// An endpoint a request was sent to, and where that endpoint came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Scheme and authority, such as `http://127.0.0.1:4566` or `https://ec2.us-east-1.amazonaws.com`.
    pub url: String,
    pub origin: Origin,
}

impl Endpoint {
    /// An emulator's address rather than AWS's: a loopback host (`localhost`, `127.0.0.1`, `::1`).
    pub fn is_local(&self) -> bool {
        let rest = self.url.split_once("://").map_or(self.url.as_str(), |(_, rest)| rest);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        let host = match host_port.strip_prefix('[') {
            Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
            None => host_port.split(':').next().unwrap_or_default(),
        };
        let host = host.to_ascii_lowercase();
        host == "localhost"
            || host.ends_with(".localhost")
            || host.parse::<std::net::IpAddr>().is_ok_and(|address| address.is_loopback() || address.is_unspecified())
    }
}

/// A request that found nobody answering at its endpoint: no attempt can fare better, so it is not retried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Unreachable {
    pub endpoint: Endpoint,
    pub refusal: Refusal,
}

/// Why no connection was made, as the operating system said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing listens on that port (`ECONNREFUSED`): a mistyped URL, an emulator that is not running.
    Refused,
    /// No route to that network or host (`ENETUNREACH`, `EHOSTUNREACH`): no network.
    NoRoute,
}

/// Where an endpoint came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `--endpoint-url`.
    Flag,
    /// An environment variable: `AWS_ENDPOINT_URL`, or `AWS_ENDPOINT_URL_<SERVICE>` for one service.
    Environment(String),
    /// `endpoint_url`, or a `services` section, in this AWS profile.
    Profile(String),
    /// Nothing configured: AWS's regional endpoint for the service.
    Default,
}

/// The SDK's precedence, as each service's `config::Builder::from(&SdkConfig)` and aws-runtime's `EnvConfigValue`
/// apply it: `--endpoint-url` over everything; then the environment over the profile, and within each the
/// service's own setting over the shared one: `AWS_ENDPOINT_URL_EC2`, `AWS_ENDPOINT_URL`, the profile's
/// `services` section, the profile's `endpoint_url`. `configured`: the configuration chain found one of those
/// settings; `set`: whether an environment variable is set.
pub fn origin(flag: bool, configured: bool, set: impl Fn(&str) -> bool, service_id: &str, profile: &str) -> Origin {
    let service = service_variable(service_id);
    match (flag, configured) {
        (true, _) => Origin::Flag,
        (false, false) => Origin::Default,
        _ if set(&service) => Origin::Environment(service),
        _ if set(SHARED) => Origin::Environment(SHARED.into()),
        _ => Origin::Profile(profile.to_string()),
    }
}

const SHARED: &str = "AWS_ENDPOINT_URL";

/// `AWS_ENDPOINT_URL_<SERVICE>`: the service ID in capitals, spaces as underscores (as aws-runtime's env_config
/// spells it: `Elastic Load Balancing v2` → `AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2`).
pub fn service_variable(service_id: &str) -> String {
    format!("{SHARED}_{}", service_id.to_uppercase().replace(' ', "_"))
}

/// Where the loaded configuration took the endpoint of the service `service_id` (as the SDK names it: `EC2`,
/// `Route 53`) from; `flag` says whether `--endpoint-url` was given, `profile` is the `--profile` flag.
pub fn origin_in(config: &SdkConfig, service_id: &str, flag: bool, profile: Option<&str>) -> Origin {
    // The lookup each service's config builder makes (it honours AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).
    let key = ServiceConfigKey::builder().service_id(service_id).env(SHARED).profile("endpoint_url").build();
    let configured = config.service_config().zip(key.ok()).and_then(|(loader, key)| loader.load_config(key)).is_some();
    let set = |variable: &str| std::env::var_os(variable).is_some_and(|value| !value.is_empty());
    let profile = profile.map(str::to_string).or_else(|| std::env::var("AWS_PROFILE").ok()).unwrap_or("default".into());
    origin(flag, configured, set, service_id, &profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins_over_every_setting() {
        assert_eq!(origin(true, true, |_| true, "EC2", "default"), Origin::Flag);
    }

    #[test]
    fn the_environment_wins_over_the_profile_and_a_service_variable_over_the_shared_one() {
        let only = |set: &'static [&'static str]| move |variable: &str| set.contains(&variable);
        let both = only(&["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2"]);
        assert_eq!(
            origin(false, true, both, "Elastic Load Balancing v2", "dev"),
            Origin::Environment("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2".into())
        );
        let shared = only(&["AWS_ENDPOINT_URL"]);
        assert_eq!(origin(false, true, shared, "Route 53", "dev"), Origin::Environment("AWS_ENDPOINT_URL".into()));
        assert_eq!(origin(false, true, only(&[]), "ECS", "dev"), Origin::Profile("dev".into()));
        assert_eq!(origin(false, false, only(&[]), "ECS", "dev"), Origin::Default, "nothing configured");
    }

    #[test]
    fn loopback_hosts_are_local_and_aws_is_not() {
        let local = |url: &str| Endpoint { url: url.into(), origin: Origin::Flag }.is_local();
        for url in
            ["http://127.0.0.1:9", "http://localhost:4566/", "http://[::1]:4566", "http://a.localhost", "0.0.0.0"]
        {
            assert!(local(url), "{url}");
        }
        for url in ["https://ec2.us-east-1.amazonaws.com", "http://10.0.0.5:4566", "http://localhost.example.com"] {
            assert!(!local(url), "{url}");
        }
    }
}
