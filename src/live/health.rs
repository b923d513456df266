//! Serving health as plain data: registered targets and their health, registered Cloud Map instances. What
//! `ecsnet doctor` reads beyond live state (the adapter `aws::observe::health` fills it).

use std::collections::BTreeMap;

use super::Reported;
use crate::topology::AwsName;

/// What `doctor` reads beyond what `plan` reads: whether what is wired serves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Health {
    /// Registered targets by target group ARN (DescribeTargetHealth).
    pub targets: BTreeMap<String, Vec<Target>>,
    /// Registered instances by Cloud Map service ID (ListInstances).
    pub instances: BTreeMap<String, usize>,
    /// Registered targets by VPC Lattice target group ID (ListTargets).
    pub lattice_targets: BTreeMap<String, Vec<LatticeTarget>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LatticeTarget {
    pub id: String,
    pub port: Option<i32>,
    pub state: Reported<LatticeTargetState>,
    /// AWS's reason code, such as `HealthCheckFailed`.
    pub reason: Option<String>,
}

/// VPC Lattice's TargetStatus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LatticeTargetState {
    Draining,
    Unavailable,
    Healthy,
    Unhealthy,
    Initial,
    Unused,
}

impl AwsName for LatticeTargetState {
    const NAMES: &'static [(Self, &'static str)] = &[
        (LatticeTargetState::Draining, "DRAINING"),
        (LatticeTargetState::Unavailable, "UNAVAILABLE"),
        (LatticeTargetState::Healthy, "HEALTHY"),
        (LatticeTargetState::Unhealthy, "UNHEALTHY"),
        (LatticeTargetState::Initial, "INITIAL"),
        (LatticeTargetState::Unused, "UNUSED"),
    ];
}

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    pub port: Option<i32>,
    pub state: Reported<TargetState>,
    /// AWS's reason code, such as `Target.ResponseCodeMismatch`.
    pub reason: Option<String>,
    pub description: Option<String>,
}

/// ELBv2's TargetHealthStateEnum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetState {
    Initial,
    Healthy,
    Unhealthy,
    UnhealthyDraining,
    Unused,
    Draining,
    Unavailable,
}

impl AwsName for TargetState {
    const NAMES: &'static [(Self, &'static str)] = &[
        (TargetState::Initial, "initial"),
        (TargetState::Healthy, "healthy"),
        (TargetState::Unhealthy, "unhealthy"),
        (TargetState::UnhealthyDraining, "unhealthy.draining"),
        (TargetState::Unused, "unused"),
        (TargetState::Draining, "draining"),
        (TargetState::Unavailable, "unavailable"),
    ];
}
