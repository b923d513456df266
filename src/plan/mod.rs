//! The plan: what must change so live state matches the topology. Built by a pure function of
//! (topology, observed state); rendered for people and machines; executed by the AWS adapters.

mod address;
mod desired;
mod diff;
mod field;
mod note;
mod order;
pub mod ownership;
mod problem;
pub mod saved;
pub mod task_definition;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use address::Address;
pub use field::{FieldChange, FieldValue};
pub use note::{Note, NoteLevel};
pub use order::{schedule, topological_order, Step, Work};
pub use problem::{PlanError, Problem};

use crate::observed::{EcsLoadBalancer, Observed, Permission, Record, SecurityGroupRule};
use crate::topology::{
    HealthCheck, Protocol, RecordKind, RecordType, Scheme, TargetGroupAttributes, TargetType, Topology,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub topology: String,
    pub changes: Vec<Change>,
    /// Facts worth knowing that change nothing: an adopted zone, a rule satisfied by the user's own.
    pub notes: Vec<Note>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn summary(&self) -> Summary {
        let count = |wanted: &[Action]| self.changes.iter().filter(|change| wanted.contains(&change.action)).count();
        Summary {
            add: count(&[Action::Create, Action::Replace]),
            change: count(&[Action::Update]),
            destroy: count(&[Action::Delete, Action::Replace]),
        }
    }
}

/// Counted as Terraform counts: a replace is one add and one destroy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Replace,
    Delete,
}

impl Action {
    /// Terraform's marks, which plan lines start with.
    pub fn symbol(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Update => "~",
            Action::Replace => "-/+",
            Action::Delete => "-",
        }
    }
}

/// Why a resource is replaced rather than changed in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplaceReason {
    /// AWS cannot change these fields of it.
    Immutable { fields: Vec<String> },
    /// A load balancer's name or scheme cannot change; the new one takes over before the old one goes.
    LoadBalancerImmutable { fields: Vec<String> },
    /// A target group serves one load balancer, and its load balancer is replaced.
    LoadBalancerReplaced,
}

impl fmt::Display for ReplaceReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplaceReason::Immutable { fields } => write!(f, "{} cannot change in place", fields.join(", ")),
            ReplaceReason::LoadBalancerImmutable { fields } => write!(
                f,
                "{} cannot change in place; the new one takes over before the old one goes",
                fields.join(", ")
            ),
            ReplaceReason::LoadBalancerReplaced => {
                write!(f, "the load balancer is replaced, and a target group serves one load balancer")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub address: Address,
    pub action: Action,
    /// The AWS name (or ID) people know the resource by.
    pub name: String,
    /// For a create, every field's new value; for an update or replace, each changed field.
    pub fields: Vec<FieldChange>,
    /// Why a replace cannot be done in place.
    pub reason: Option<ReplaceReason>,
    pub operation: Operation,
}

/// Text shown for a value AWS assigns during apply, such as a new load balancer's DNS name.
pub const KNOWN_AFTER_APPLY: &str = "(known after apply)";

/// An ID or ARN: known now, or assigned when the resource at an address is created during this apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ref {
    Known(String),
    Of(Address),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetGroupSpec {
    pub name: String,
    pub port: u16,
    pub protocol: Protocol,
    pub target_type: TargetType,
    pub vpc_id: String,
    pub health_check: HealthCheck,
    pub attributes: TargetGroupAttributes,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadBalancerSpec {
    pub name: String,
    pub scheme: Scheme,
    pub subnet_ids: Vec<String>,
    pub security_group: Ref,
    pub idle_timeout: Option<i64>,
}

/// A change of the tag that lists the attributes ecsnet set on a target group or load balancer
/// (`ownership::ATTRIBUTES_TAG`), sorted names before and after. A name joins the tag before its attribute is
/// set, and leaves it only once the attribute is back at AWS's default, so a crash in between never loses track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedAttributes {
    pub before: Vec<String>,
    pub after: Vec<String>,
}

impl ManagedAttributes {
    /// The tag while the attributes change: every name of before and after.
    pub fn during(&self) -> Vec<String> {
        let mut names: Vec<String> = self.before.iter().chain(&self.after).cloned().collect();
        names.sort();
        names.dedup();
        names
    }
}

/// A listener's settings; the same for a create and a modify.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListenerSpec {
    pub port: u16,
    pub protocol: Protocol,
    pub certificate_arn: Option<String>,
    pub ssl_policy: Option<String>,
    pub default: DefaultSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DefaultSpec {
    Forward(Ref),
    FixedResponse {
        status: u16,
        body: Option<String>,
        content_type: String,
    },
    /// 301 to HTTPS on this port.
    Redirect {
        port: u16,
    },
}

/// Ingress on a service's security group from the load balancer's group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngressSpec {
    pub group_id: String,
    pub port: u16,
    pub source_group: Ref,
}

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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EcsUpdate {
    pub cluster: String,
    pub service: String,
    pub arn: String,
    /// The whole list to set (an empty list clears it).
    pub load_balancers: Option<Vec<EcsLoadBalancerSpec>>,
    pub registries: Option<Vec<EcsRegistrySpec>>,
    pub connect: Option<ConnectChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EcsLoadBalancerSpec {
    /// ecsnet's own entry: its target group, the container and its port.
    Own { target_group: Ref, container: String, port: i32 },
    /// An entry ecsnet does not own (another target group, a Classic Load Balancer, blue/green settings), sent
    /// back exactly as read.
    Kept(EcsLoadBalancer),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EcsRegistrySpec {
    /// The Cloud Map service's ARN.
    pub registry: Ref,
    pub port: Option<i32>,
    pub container: Option<String>,
    pub container_port: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ConnectChange {
    /// Turn Service Connect on with these settings; `marker` is the tag value that records what ecsnet set.
    Enable { namespace: String, port_name: String, discovery_name: String, port: i32, dns_name: String, marker: String },
    /// Turn off the Service Connect ecsnet turned on, and remove its tag.
    Disable,
}

/// What a rule matches: host-header values and path-pattern values, combined in one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleConditions {
    pub hosts: Vec<String>,
    pub paths: Vec<String>,
}

/// A service's CNAME to the load balancer, with its ownership TXT record beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordSpec {
    pub host: String,
    /// The ownership TXT record's name and quoted value.
    pub owner_name: String,
    pub owner_value: String,
    pub ttl: i64,
    pub kind: RecordKind,
    pub target: RecordTarget,
}

/// Where a record points: the load balancer's DNS name (and, for an alias, its canonical hosted zone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RecordTarget {
    Known { dns_name: String, zone_id: String },
    Of(Address),
}

impl Operation {
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

/// The changes that make live state match `topology`: what it wants (`desired`), against what is there (`diff`).
pub fn plan_apply(topology: &Topology, observed: &Observed) -> Result<Plan, PlanError> {
    let desired = desired::desired(topology, observed).map_err(|problems| PlanError { problems })?;
    diff::diff(&topology.name, &desired, observed)
}

/// The changes that remove everything `topology` owns, and nothing else.
pub fn plan_destroy(topology: &Topology, observed: &Observed) -> Result<Plan, PlanError> {
    diff::diff(&topology.name, &desired::nothing(topology, observed), observed)
}
