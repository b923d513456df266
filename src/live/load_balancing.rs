//! Elastic Load Balancing as live state: load balancers, listeners, rules and target groups.

use serde::{Deserialize, Serialize};

use super::Tags;
use crate::topology::{HealthCheck, TargetGroupAttributes};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadBalancer {
    pub arn: String,
    pub name: String,
    pub scheme: String,
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
    pub protocol: String,
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
    /// A redirect: port, protocol and status code as AWS writes them ("443", "HTTPS", "HTTP_301").
    Redirect {
        port: String,
        protocol: String,
        status: String,
    },
    /// Anything ecsnet does not set (weighted forwards, authentication).
    Other,
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
    pub protocol: String,
    pub target_type: String,
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
