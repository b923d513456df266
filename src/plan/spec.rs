//! The settings a change carries to the executor: what to create or set, resource by resource.

use serde::{Deserialize, Serialize};

use crate::live::{ConnectAlias, EcsLoadBalancer, ReportedLogs, ServiceConnect};
use crate::topology::{
    ConnectLogs, ConnectTimeouts, ConnectTls, HealthCheck, Protocol, RecordKind, Scheme, TargetGroupAttributes,
    TargetType,
};

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

// A plan holds at most one per ECS service: boxing the settings would change no JSON and only clutter the matches.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ConnectChange {
    /// Turn Service Connect on with these settings: the first client alias (`discovery_name`, `dns_name`, `port`),
    /// then the others, each a Service Connect service of its own on the same port name, each with the TLS and
    /// timeouts; `marker` is the tag value that records what ecsnet set. The fields after `marker` are left out
    /// when unset, so plans saved before they existed read as before.
    Enable {
        namespace: String,
        port_name: String,
        discovery_name: String,
        port: i32,
        dns_name: String,
        marker: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        more_aliases: Vec<ConnectAliasSpec>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tls: Option<ConnectTls>,
        #[serde(default, skip_serializing_if = "ConnectTimeouts::is_empty")]
        timeouts: ConnectTimeouts,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        logs: Option<ConnectLogs>,
    },
    /// Turn off the Service Connect ecsnet turned on, and remove its tag.
    Disable,
}

/// A client alias beyond the first, with the Cloud Map name its Service Connect service registers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectAliasSpec {
    pub discovery_name: String,
    pub dns_name: String,
    pub port: i32,
}

impl ConnectChange {
    /// Every client alias an Enable sets, first to last: (discovery name, DNS name, port).
    pub fn aliases(&self) -> Vec<(&str, &str, i32)> {
        match self {
            ConnectChange::Enable { discovery_name, dns_name, port, more_aliases, .. } => {
                std::iter::once((discovery_name.as_str(), dns_name.as_str(), *port))
                    .chain(
                        more_aliases
                            .iter()
                            .map(|alias| (alias.discovery_name.as_str(), alias.dns_name.as_str(), alias.port)),
                    )
                    .collect()
            }
            ConnectChange::Disable => vec![],
        }
    }

    /// Service Connect as ECS holds it once an Enable is carried out (what the file leaves unset, unset).
    pub fn target(&self) -> Option<ServiceConnect> {
        let ConnectChange::Enable { namespace, port_name, tls, timeouts, logs, .. } = self else { return None };
        let services = self
            .aliases()
            .into_iter()
            .map(|(discovery_name, dns_name, port)| ConnectAlias {
                tls: tls.clone(),
                timeouts: *timeouts,
                ..ConnectAlias::plain(port_name, discovery_name, port, dns_name)
            })
            .collect();
        Some(ServiceConnect {
            enabled: true,
            namespace: namespace.clone(),
            services,
            logs: logs.as_ref().map(ReportedLogs::from),
        })
    }
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
