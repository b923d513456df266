//! Elastic Load Balancing as live state: load balancers, listeners, rules and target groups.

use serde::{Deserialize, Serialize};

use super::{Reported, Tags};
use crate::topology::{AwsName, HealthCheck, Protocol, Scheme, TargetGroupAttributes, TargetType};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadBalancer {
    pub arn: String,
    pub name: String,
    pub scheme: Reported<Scheme>,
    pub dns_name: String,
    /// The hosted zone an alias record to the load balancer names.
    pub canonical_zone_id: String,
    /// Read only when the topology sets it.
    pub idle_timeout: Option<i64>,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub tags: Tags,
    pub listeners: Vec<Listener>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listener {
    pub arn: String,
    pub port: i32,
    pub protocol: Reported<Protocol>,
    pub certificate_arn: Option<String>,
    pub ssl_policy: Option<String>,
    pub default: ListenerDefault,
    pub tags: Tags,
    /// Every rule but the default one.
    pub rules: Vec<Rule>,
}

/// A listener's default action as AWS reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListenerDefault {
    /// A forward to one target group.
    Forward(String),
    FixedResponse {
        status: u16,
        body: Option<String>,
        content_type: String,
    },
    /// A redirect; a protocol of `#{protocol}` (the request's own) is `Other`.
    Redirect {
        port: RedirectPort,
        protocol: Reported<Protocol>,
        status: Reported<RedirectStatus>,
    },
    /// Anything ecsnet does not set (weighted forwards, authentication).
    Other,
}

/// A redirect's port: a number, or `None` for AWS's default `#{port}`, the request's own. Serialized as AWS writes
/// it ("443", "#{port}"), so saved plans and their fingerprints read as before it was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedirectPort(pub Option<u16>);

impl Serialize for RedirectPort {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for RedirectPort {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(RedirectPort(String::deserialize(deserializer)?.parse().ok()))
    }
}

impl std::fmt::Display for RedirectPort {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(port) => write!(formatter, "{port}"),
            None => formatter.write_str("#{port}"),
        }
    }
}

/// ELBv2's RedirectActionStatusCodeEnum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RedirectStatus {
    Permanent,
    Found,
}

impl AwsName for RedirectStatus {
    const NAMES: &'static [(Self, &'static str)] =
        &[(RedirectStatus::Permanent, "HTTP_301"), (RedirectStatus::Found, "HTTP_302")];
}

impl Reported<RedirectStatus> {
    /// The HTTP status code alone ("301"), or what AWS wrote when ecsnet has no name for it.
    pub fn code(&self) -> &str {
        match self {
            Reported::Known(RedirectStatus::Permanent) => "301",
            Reported::Known(RedirectStatus::Found) => "302",
            Reported::Other(status) => status,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub arn: String,
    pub priority: u32,
    /// Values of the host-header condition, lowercase.
    pub hosts: Vec<String>,
    /// Values of the path-pattern condition.
    pub paths: Vec<String>,
    /// The target group of a forward action.
    pub target_group_arn: Option<String>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetGroup {
    pub arn: String,
    pub name: String,
    pub port: i32,
    pub protocol: Reported<Protocol>,
    pub target_type: Reported<TargetType>,
    pub vpc_id: String,
    pub health_check: HealthCheck,
    /// Read only for target groups whose service sets attributes.
    pub attributes: Option<TargetGroupAttributes>,
    pub tags: Tags,
}

/// A health check as AWS reports it; fields AWS leaves out read as AWS's defaults.
pub struct HealthCheckRead<'a> {
    pub path: Option<&'a str>,
    pub interval: Option<i32>,
    pub timeout: Option<i32>,
    pub healthy_threshold: Option<i32>,
    pub unhealthy_threshold: Option<i32>,
    pub matcher: Option<&'a str>,
}

impl HealthCheck {
    pub fn read(read: HealthCheckRead) -> HealthCheck {
        let defaults = HealthCheck::default();
        HealthCheck {
            path: read.path.map_or(defaults.path, str::to_string),
            interval: read.interval.unwrap_or(defaults.interval),
            timeout: read.timeout.unwrap_or(defaults.timeout),
            healthy_threshold: read.healthy_threshold.unwrap_or(defaults.healthy_threshold),
            unhealthy_threshold: read.unhealthy_threshold.unwrap_or(defaults.unhealthy_threshold),
            matcher: read.matcher.map_or(defaults.matcher, str::to_string),
        }
    }
}
