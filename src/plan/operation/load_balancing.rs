//! Load balancers, target groups, listeners and rules: what ELBv2 carries out.

use serde::{Deserialize, Serialize};

use crate::plan::spec::{
    DefaultSpec, ListenerSpec, LoadBalancerSpec, ManagedAttributes, RuleConditions, TargetGroupSpec,
};
use crate::plan::Ref;
use crate::topology::{HealthCheck, TargetGroupAttributes};

/// A change ELBv2 carries out: load balancers, target groups, listeners and rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LoadBalancingOp {
    CreateLoadBalancer(LoadBalancerSpec),
    UpdateLoadBalancer {
        arn: String,
        subnet_ids: Option<Vec<String>>,
        security_groups: Option<Vec<Ref>>,
        idle_timeout: Option<i64>,
        managed: Option<ManagedAttributes>,
    },
    /// Create the new one beside the old; the old one (its listeners and rules with it) is deleted once
    /// everything has moved.
    ReplaceLoadBalancer {
        old_arn: String,
        spec: LoadBalancerSpec,
    },
    DeleteLoadBalancer {
        arn: String,
    },
    CreateTargetGroup(TargetGroupSpec),
    /// `None` parts stay as they are.
    UpdateTargetGroup {
        arn: String,
        health_check: Option<HealthCheck>,
        attributes: Option<TargetGroupAttributes>,
        managed: Option<ManagedAttributes>,
    },
    /// Create the new one; the old one is deleted once nothing refers to it any more.
    ReplaceTargetGroup {
        old_arn: String,
        spec: TargetGroupSpec,
    },
    DeleteTargetGroup {
        arn: String,
    },
    CreateListener {
        load_balancer: Ref,
        spec: ListenerSpec,
    },
    /// `tls` says whether the protocol, certificate or TLS policy changed (only then are they sent).
    UpdateListener {
        arn: String,
        spec: ListenerSpec,
        tls: bool,
    },
    DeleteListener {
        arn: String,
    },
    CreateRule {
        listener: Ref,
        priority: u32,
        conditions: RuleConditions,
        target_group: Ref,
    },
    /// `listener` is the rule's listener, for batching priority changes into one SetRulePriorities.
    UpdateRule {
        arn: String,
        listener: String,
        priority: Option<u32>,
        conditions: Option<RuleConditions>,
        target_group: Option<Ref>,
    },
    DeleteRule {
        arn: String,
    },
}

impl LoadBalancingOp {
    pub(super) fn references(&self) -> Vec<&Ref> {
        match self {
            LoadBalancingOp::CreateLoadBalancer(spec) | LoadBalancingOp::ReplaceLoadBalancer { spec, .. } => {
                vec![&spec.security_group]
            }
            LoadBalancingOp::UpdateLoadBalancer { security_groups, .. } => security_groups.iter().flatten().collect(),
            LoadBalancingOp::CreateListener { load_balancer, spec } => {
                let mut refs = vec![load_balancer];
                if let DefaultSpec::Forward(group) = &spec.default {
                    refs.push(group);
                }
                refs
            }
            LoadBalancingOp::UpdateListener { spec, .. } => match &spec.default {
                DefaultSpec::Forward(group) => vec![group],
                _ => vec![],
            },
            LoadBalancingOp::CreateRule { listener, target_group, .. } => vec![listener, target_group],
            LoadBalancingOp::UpdateRule { target_group, .. } => target_group.iter().collect(),
            LoadBalancingOp::DeleteLoadBalancer { .. }
            | LoadBalancingOp::CreateTargetGroup(_)
            | LoadBalancingOp::UpdateTargetGroup { .. }
            | LoadBalancingOp::ReplaceTargetGroup { .. }
            | LoadBalancingOp::DeleteTargetGroup { .. }
            | LoadBalancingOp::DeleteListener { .. }
            | LoadBalancingOp::DeleteRule { .. } => vec![],
        }
    }
}
