//! What the executor does for each change: plain data, with references (`Ref::Of`) to resources still to be
//! created in the same apply. Nested per AWS service, so that each service's runner matches its own enum
//! exhaustively: a new operation does not compile until its service carries it out.

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
    Ec2(Ec2Op),
    LoadBalancing(LoadBalancingOp),
    Route53(Route53Op),
    CloudMap(CloudMapOp),
    Ecs(EcsOp),
    /// Write ecsnet's ownership marks on a resource no topology owns, and nothing else.
    Adopt(Mark),
    /// Nothing to call: the resource goes away with the load balancer or listener it belongs to.
    RemovedWithParent,
}

/// A change EC2 carries out: security groups and their rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Ec2Op {
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
    /// Revoke ecsnet's old rules (any group), then authorize the wanted one.
    SetIngress {
        revoke: Vec<(String, Vec<String>)>,
        authorize: Option<IngressSpec>,
    },
}

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

/// A change Route 53 carries out: private hosted zones and their records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Route53Op {
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
}

/// A change Cloud Map carries out: namespaces and discovery services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CloudMapOp {
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
}

/// A change ECS carries out: an update of a running service (ecsnet never creates or deletes one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EcsOp {
    /// `None` fields are left as they are.
    UpdateService(EcsUpdate),
}

impl From<Ec2Op> for Operation {
    fn from(operation: Ec2Op) -> Operation {
        Operation::Ec2(operation)
    }
}

impl From<LoadBalancingOp> for Operation {
    fn from(operation: LoadBalancingOp) -> Operation {
        Operation::LoadBalancing(operation)
    }
}

impl From<Route53Op> for Operation {
    fn from(operation: Route53Op) -> Operation {
        Operation::Route53(operation)
    }
}

impl From<CloudMapOp> for Operation {
    fn from(operation: CloudMapOp) -> Operation {
        Operation::CloudMap(operation)
    }
}

impl From<EcsOp> for Operation {
    fn from(operation: EcsOp) -> Operation {
        Operation::Ecs(operation)
    }
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
            Operation::Ec2(_) => AwsService::Ec2,
            Operation::LoadBalancing(_) => AwsService::LoadBalancing,
            Operation::Route53(_) => AwsService::Route53,
            Operation::CloudMap(_) => AwsService::CloudMap,
            Operation::Ecs(_) => AwsService::Ecs,
            Operation::Adopt(mark) => mark.service(),
            Operation::RemovedWithParent => return None,
        })
    }

    /// Addresses whose IDs this operation needs from creates earlier in the same apply.
    pub fn references(&self) -> Vec<&Address> {
        let (refs, record_target): (Vec<&Ref>, Option<&Address>) = match self {
            Operation::Ec2(operation) => (operation.references(), None),
            Operation::LoadBalancing(operation) => (operation.references(), None),
            Operation::Route53(operation) => (operation.references(), operation.record_target()),
            Operation::CloudMap(CloudMapOp::CreateDiscoveryService { namespace, .. }) => (vec![namespace], None),
            Operation::Ecs(EcsOp::UpdateService(update)) => (ecs_references(update), None),
            Operation::CloudMap(_) | Operation::Adopt(_) | Operation::RemovedWithParent => (vec![], None),
        };
        let mut addresses: Vec<&Address> = refs
            .into_iter()
            .filter_map(|reference| match reference {
                Ref::Of(address) => Some(address),
                Ref::Known(_) => None,
            })
            .collect();
        addresses.extend(record_target);
        addresses
    }
}

impl Ec2Op {
    fn references(&self) -> Vec<&Ref> {
        match self {
            Ec2Op::SetIngress { authorize, .. } => authorize.iter().map(|spec| &spec.source_group).collect(),
            Ec2Op::CreateSecurityGroup { .. }
            | Ec2Op::UpdateSecurityGroupRules { .. }
            | Ec2Op::DeleteSecurityGroup { .. } => vec![],
        }
    }
}

impl LoadBalancingOp {
    fn references(&self) -> Vec<&Ref> {
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

impl Route53Op {
    fn references(&self) -> Vec<&Ref> {
        match self {
            Route53Op::ChangeRecords { zone, .. } => vec![zone],
            Route53Op::CreateHostedZone { .. } | Route53Op::DeleteHostedZone { .. } => vec![],
        }
    }

    /// The load balancer a record points at, when this apply creates it.
    fn record_target(&self) -> Option<&Address> {
        match self {
            Route53Op::ChangeRecords { upsert: Some(RecordSpec { target: RecordTarget::Of(address), .. }), .. } => {
                Some(address)
            }
            _ => None,
        }
    }
}

/// The target groups and registries an ECS update names.
fn ecs_references(update: &EcsUpdate) -> Vec<&Ref> {
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
