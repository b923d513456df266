//! What the executor does for each change: plain data, with references (`Ref::Of`) to resources still to be
//! created in the same apply.

use serde::{Deserialize, Serialize};

use crate::observed::{Permission, Record, SecurityGroupRule};
use crate::topology::{HealthCheck, RecordType, TargetGroupAttributes};

use super::adopt::Mark;
use super::spec::{
    DefaultSpec, EcsLoadBalancerSpec, EcsUpdate, IngressSpec, ListenerSpec, LoadBalancerSpec, ManagedAttributes,
    RecordSpec, RecordTarget, RuleConditions, TargetGroupSpec,
};
use super::{Address, Ref};

/// What the executor does for a change: plain data, with references to resources still to be created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Operation {
    CreateSecurityGroup {
        name: String,
        description: String,
        vpc_id: String,
        rules: Vec<Permission>,
    },
    UpdateSecurityGroupRules {
        group_id: String,
        authorize: Vec<Permission>,
        revoke: Vec<SecurityGroupRule>,
    },
    DeleteSecurityGroup {
        group_id: String,
    },
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
    /// Revoke ecsnet's old rules (any group), then authorize the wanted one.
    SetIngress {
        revoke: Vec<(String, Vec<String>)>,
        authorize: Option<IngressSpec>,
    },
    /// `comment` carries the ownership marker: CreateHostedZone takes no tags.
    CreateHostedZone {
        name: String,
        vpc_id: String,
        comment: String,
    },
    DeleteHostedZone {
        zone_id: String,
    },
    /// One zone's record changes: `delete` holds records exactly as they are (Route 53's DELETE wants that).
    ChangeRecords {
        zone: Ref,
        upsert: Option<RecordSpec>,
        delete: Vec<Record>,
    },
    /// Creates the namespace (an asynchronous Cloud Map operation, waited for); `description` carries the
    /// ownership marker.
    CreateNamespace {
        name: String,
        vpc_id: String,
        description: String,
    },
    DeleteNamespace {
        id: String,
    },
    CreateDiscoveryService {
        name: String,
        namespace: Ref,
        record_type: RecordType,
        ttl: i64,
        description: String,
    },
    UpdateDiscoveryTtl {
        id: String,
        record_type: RecordType,
        ttl: i64,
    },
    /// Deregisters any instances left, then deletes the service.
    DeleteDiscoveryService {
        id: String,
    },
    /// An update of a running ECS service; `None` fields are left as they are.
    UpdateEcsService(EcsUpdate),
    /// Nothing to call: the resource goes away with the load balancer or listener it belongs to.
    RemovedWithParent,
    /// Write ecsnet's ownership marks on a resource no topology owns, and nothing else.
    Adopt(Mark),
}

/// The AWS services ecsnet calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AwsService {
    Ec2,
    LoadBalancing,
    Route53,
    CloudMap,
    Ecs,
}

impl Operation {
    /// The AWS service that carries the operation out; none for one that calls nothing.
    pub fn service(&self) -> Option<AwsService> {
        Some(match self {
            Operation::CreateSecurityGroup { .. }
            | Operation::UpdateSecurityGroupRules { .. }
            | Operation::DeleteSecurityGroup { .. }
            | Operation::SetIngress { .. } => AwsService::Ec2,
            Operation::CreateLoadBalancer(_)
            | Operation::ReplaceLoadBalancer { .. }
            | Operation::UpdateLoadBalancer { .. }
            | Operation::DeleteLoadBalancer { .. }
            | Operation::CreateTargetGroup(_)
            | Operation::ReplaceTargetGroup { .. }
            | Operation::UpdateTargetGroup { .. }
            | Operation::DeleteTargetGroup { .. }
            | Operation::CreateListener { .. }
            | Operation::UpdateListener { .. }
            | Operation::DeleteListener { .. }
            | Operation::CreateRule { .. }
            | Operation::UpdateRule { .. }
            | Operation::DeleteRule { .. } => AwsService::LoadBalancing,
            Operation::CreateHostedZone { .. }
            | Operation::DeleteHostedZone { .. }
            | Operation::ChangeRecords { .. } => AwsService::Route53,
            Operation::CreateNamespace { .. }
            | Operation::DeleteNamespace { .. }
            | Operation::CreateDiscoveryService { .. }
            | Operation::UpdateDiscoveryTtl { .. }
            | Operation::DeleteDiscoveryService { .. } => AwsService::CloudMap,
            Operation::UpdateEcsService(_) => AwsService::Ecs,
            Operation::Adopt(mark) => mark.service(),
            Operation::RemovedWithParent => return None,
        })
    }

    /// Addresses whose IDs this operation needs from creates earlier in the same apply.
    pub fn references(&self) -> Vec<&Address> {
        let refs: Vec<&Ref> = match self {
            Operation::CreateLoadBalancer(spec) | Operation::ReplaceLoadBalancer { spec, .. } => {
                vec![&spec.security_group]
            }
            Operation::UpdateLoadBalancer { security_groups, .. } => security_groups.iter().flatten().collect(),
            Operation::CreateListener { load_balancer, spec } => {
                let mut refs = vec![load_balancer];
                if let DefaultSpec::Forward(group) = &spec.default {
                    refs.push(group);
                }
                refs
            }
            Operation::UpdateListener { spec, .. } => match &spec.default {
                DefaultSpec::Forward(group) => vec![group],
                _ => vec![],
            },
            Operation::CreateRule { listener, target_group, .. } => vec![listener, target_group],
            Operation::UpdateRule { target_group, .. } => target_group.iter().collect(),
            Operation::SetIngress { authorize, .. } => authorize.iter().map(|spec| &spec.source_group).collect(),
            Operation::CreateDiscoveryService { namespace, .. } => vec![namespace],
            Operation::UpdateEcsService(update) => {
                let mut refs: Vec<&Ref> = update
                    .load_balancers
                    .iter()
                    .flatten()
                    .filter_map(|spec| match spec {
                        EcsLoadBalancerSpec::Own { target_group, .. } => Some(target_group),
                        EcsLoadBalancerSpec::Kept(_) => None,
                    })
                    .collect();
                refs.extend(update.registries.iter().flatten().map(|spec| &spec.registry));
                refs
            }
            Operation::ChangeRecords { zone, .. } => vec![zone],
            _ => vec![],
        };
        let mut addresses: Vec<&Address> = refs
            .into_iter()
            .filter_map(|reference| match reference {
                Ref::Of(address) => Some(address),
                Ref::Known(_) => None,
            })
            .collect();
        if let Operation::ChangeRecords { upsert: Some(RecordSpec { target: RecordTarget::Of(address), .. }), .. } =
            self
        {
            addresses.push(address);
        }
        addresses
    }
}
