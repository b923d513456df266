//! The settings a change carries to the executor: what to create or set, resource by resource.

use serde::{Deserialize, Serialize};

use crate::live::EcsLoadBalancer;
use crate::topology::{HealthCheck, Protocol, RecordKind, Scheme, TargetGroupAttributes, TargetType};

use super::{Address, Ref};

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
pub struct PrefixListIngressSpec {
    pub group_id: String,
    pub port: u16,
    pub prefix_list_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngressSpec {
    pub group_id: String,
    pub port: u16,
    pub source_group: Ref,
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
    /// The whole `vpcLatticeConfigurations` list to set (an empty list clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lattice: Option<Vec<LatticeConfigSpec>>,
}

/// One of an ECS service's `vpcLatticeConfigurations`: ECS registers the tasks' `port_name` port in the target
/// group, acting as the infrastructure role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatticeConfigSpec {
    pub target_group: Ref,
    pub port_name: String,
    pub role_arn: String,
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
