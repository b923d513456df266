//! Serving health as plain data: registered targets and their health, registered Cloud Map instances. What
//! `ecsnet doctor` reads beyond live state (the adapter `aws::observe::health` fills it).

use std::collections::BTreeMap;

/// What `doctor` reads beyond what `plan` reads: whether what is wired serves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Health {
    /// Registered targets by target group ARN (DescribeTargetHealth).
    pub targets: BTreeMap<String, Vec<Target>>,
    /// Registered instances by Cloud Map service ID (ListInstances).
    pub instances: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    pub port: Option<i32>,
    /// AWS's state: "healthy", "unhealthy", "initial", "draining", "unused", "unavailable".
    pub state: String,
    /// AWS's reason code, such as `Target.ResponseCodeMismatch`.
    pub reason: Option<String>,
    pub description: Option<String>,
}
