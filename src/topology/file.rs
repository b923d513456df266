//! The topology file as written by users: serde structs that mirror the TOML keys one to one.
//!
//! These key names are the contract with users' files; unknown keys are rejected.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TopologyFile {
    pub name: String,
    pub region: Option<String>,
    pub network: NetworkSection,
    pub load_balancer: Option<LoadBalancerSection>,
    /// One `[listener]` table, or an array of `[[listener]]` tables.
    pub listener: Option<Listeners>,
    pub dns: Option<DnsSection>,
    pub discovery: Option<DiscoverySection>,
    pub lattice: Option<LatticeSection>,
    #[serde(default, rename = "service")]
    pub services: Vec<ServiceSection>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NetworkSection {
    pub vpc: String,
    pub subnets: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerSection {
    pub name: Option<String>,
    pub scheme: Option<String>,
    pub allowed_cidrs: Option<Vec<String>>,
    pub idle_timeout: Option<i64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Listeners {
    One(ListenerSection),
    Many(Vec<ListenerSection>),
}

impl Listeners {
    pub fn as_slice(&self) -> &[ListenerSection] {
        match self {
            Listeners::One(listener) => std::slice::from_ref(listener),
            Listeners::Many(listeners) => listeners,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ListenerSection {
    pub port: Option<i64>,
    pub protocol: Option<String>,
    pub certificate_arn: Option<String>,
    pub ssl_policy: Option<String>,
    pub default: Option<DefaultActionSection>,
    pub redirect_to: Option<i64>,
}

/// `"empty-target-group"`, `{ fixed_response = 404, body = "…" }` or `{ forward = "service" }`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum DefaultActionSection {
    Named(String),
    Table(DefaultActionTable),
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DefaultActionTable {
    pub fixed_response: Option<i64>,
    pub body: Option<String>,
    pub content_type: Option<String>,
    pub forward: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DnsSection {
    pub zone: String,
    pub ttl: Option<i64>,
    pub record: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServiceSection {
    pub name: String,
    pub port: i64,
    pub host: Option<String>,
    pub hosts: Option<Vec<String>>,
    pub paths: Option<Vec<String>>,
    pub listeners: Option<Vec<i64>>,
    pub deregistration_delay: Option<i64>,
    pub slow_start: Option<i64>,
    pub stickiness: Option<StickinessSection>,
    pub security_group: String,
    pub target_type: Option<String>,
    pub priority: Option<i64>,
    pub health_check: Option<HealthCheckSection>,
    pub load_balanced: Option<bool>,
    pub callers: Option<Vec<String>>,
    pub ecs: Option<EcsSection>,
    pub discovery: Option<ServiceDiscoverySection>,
    pub connect: Option<ConnectSection>,
    pub lattice: Option<ServiceLatticeSection>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StickinessSection {
    pub duration: Option<i64>,
}

/// A Cloud Map private DNS namespace on the VPC.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DiscoverySection {
    pub namespace: String,
}

/// The running ECS service to wire up.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EcsSection {
    pub cluster: String,
    pub service: Option<String>,
    pub container: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServiceDiscoverySection {
    pub record: Option<String>,
    pub ttl: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConnectSection {
    pub port_name: String,
    pub discovery_name: Option<String>,
    /// The client alias's DNS name; default `<discovery_name>.<namespace>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_name: Option<String>,
    /// The client alias's port; default the service's port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    /// Several client aliases, instead of `dns_name` and `port`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<ConnectAliasSection>>,
    /// Seconds; 0 turns the timeout off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_request_timeout: Option<i64>,
    /// Seconds; 0 turns the timeout off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<ConnectTlsSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<ConnectLogsSection>,
}

/// One client alias of `aliases = [{ dns_name = "…", port = 80 }, …]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConnectAliasSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    /// The alias's own discovery name; default the service's for the first alias, `<discovery_name>-<n>` for the
    /// n-th.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discovery_name: Option<String>,
}

/// `[service.connect.tls]`: Service Connect TLS with an AWS Private CA.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConnectTlsSection {
    pub certificate_authority: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// `[service.connect.logs]`: the Service Connect proxy's log configuration, and its access logs.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConnectLogsSection {
    pub driver: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<std::collections::BTreeMap<String, String>>,
    /// `"TEXT"` or `"JSON"`; leave it out for no access logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_logs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_query_parameters: Option<bool>,
}

/// The VPC Lattice service network the topology's `[service.lattice]` services join, and what ECS needs to
/// register their tasks.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LatticeSection {
    /// A name (created when no service network has it) or the ARN of an existing one, perhaps shared from another
    /// account (used, never deleted).
    pub service_network: String,
    /// The VPC association's security groups: IDs or names; none when left out.
    pub security_groups: Option<Vec<String>>,
    /// The ECS infrastructure role ECS registers tasks in the target groups with (ecsnet creates no IAM roles).
    pub infrastructure_role: String,
}

/// A service reached through VPC Lattice.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServiceLatticeSection {
    /// The name of the task definition's port mapping ECS registers in the target group.
    pub port_name: String,
    /// The listener's port; default 80.
    pub port: Option<i64>,
    /// A custom domain name for the service, with a record in the `[dns]` zone.
    pub domain: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HealthCheckSection {
    pub path: Option<String>,
    pub interval: Option<i64>,
    pub timeout: Option<i64>,
    pub healthy_threshold: Option<i64>,
    pub unhealthy_threshold: Option<i64>,
    pub matcher: Option<String>,
}

/// The keys of each table of the file, as `deny_unknown_fields` knows them (a test keeps the two equal): an unknown
/// key that is a key of another table is said to belong there. Tables are named by their path without indices.
pub(crate) const TABLES: &[(&str, &[&str])] = &[
    ("", &["name", "region", "network", "load_balancer", "listener", "dns", "discovery", "lattice", "service"]),
    ("network", &["vpc", "subnets"]),
    ("load_balancer", &["name", "scheme", "allowed_cidrs", "idle_timeout"]),
    ("listener", &["port", "protocol", "certificate_arn", "ssl_policy", "default", "redirect_to"]),
    ("listener.default", &["fixed_response", "body", "content_type", "forward"]),
    ("dns", &["zone", "ttl", "record"]),
    ("discovery", &["namespace"]),
    ("lattice", &["service_network", "security_groups", "infrastructure_role"]),
    (
        "service",
        &[
            "name",
            "port",
            "host",
            "hosts",
            "paths",
            "listeners",
            "deregistration_delay",
            "slow_start",
            "stickiness",
            "security_group",
            "target_type",
            "priority",
            "health_check",
            "load_balanced",
            "callers",
            "ecs",
            "discovery",
            "connect",
            "lattice",
        ],
    ),
    ("service.stickiness", &["duration"]),
    ("service.health_check", &["path", "interval", "timeout", "healthy_threshold", "unhealthy_threshold", "matcher"]),
    ("service.ecs", &["cluster", "service", "container"]),
    ("service.discovery", &["record", "ttl"]),
    (
        "service.connect",
        &[
            "port_name",
            "discovery_name",
            "dns_name",
            "port",
            "aliases",
            "per_request_timeout",
            "idle_timeout",
            "tls",
            "logs",
        ],
    ),
    ("service.connect.aliases", &["dns_name", "port", "discovery_name"]),
    ("service.connect.tls", &["certificate_authority", "kms_key", "role"]),
    ("service.connect.logs", &["driver", "options", "access_logs", "include_query_parameters"]),
    ("service.lattice", &["port_name", "port", "domain"]),
];

// A table or an array of tables, and a string or a table: told apart by shape, so errors inside either keep
// their key and line (serde's untagged enums would lose them).

impl<'de> Deserialize<'de> for Listeners {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListenersVisitor;
        impl<'de> serde::de::Visitor<'de> for ListenersVisitor {
            type Value = Listeners;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a [listener] table or [[listener]] tables")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Listeners, A::Error> {
                ListenerSection::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Listeners::One)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Listeners, A::Error> {
                Vec::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(Listeners::Many)
            }
        }
        deserializer.deserialize_any(ListenersVisitor)
    }
}

impl<'de> Deserialize<'de> for DefaultActionSection {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DefaultVisitor;
        impl<'de> serde::de::Visitor<'de> for DefaultVisitor {
            type Value = DefaultActionSection;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str(
                    "\"empty-target-group\", { fixed_response = 404, body = \"…\" } or { forward = \"service\" }",
                )
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<DefaultActionSection, E> {
                Ok(DefaultActionSection::Named(value.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<DefaultActionSection, A::Error> {
                DefaultActionTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(DefaultActionSection::Table)
            }
        }
        deserializer.deserialize_any(DefaultVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys serde names for a struct of the file, from its error on an unknown key.
    fn serde_keys<T: serde::de::DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
        let message = toml::from_str::<T>("no_such_key = 1").unwrap_err().message().to_string();
        let (_, expected) = message.split_once("expected ").expect(&message);
        expected.split('`').skip(1).step_by(2).map(str::to_string).collect()
    }

    #[test]
    fn the_tables_keys_are_serdes() {
        let from_serde: Vec<(&str, Vec<String>)> = vec![
            ("", serde_keys::<TopologyFile>()),
            ("network", serde_keys::<NetworkSection>()),
            ("load_balancer", serde_keys::<LoadBalancerSection>()),
            ("listener", serde_keys::<ListenerSection>()),
            ("listener.default", serde_keys::<DefaultActionTable>()),
            ("dns", serde_keys::<DnsSection>()),
            ("discovery", serde_keys::<DiscoverySection>()),
            ("lattice", serde_keys::<LatticeSection>()),
            ("service", serde_keys::<ServiceSection>()),
            ("service.stickiness", serde_keys::<StickinessSection>()),
            ("service.health_check", serde_keys::<HealthCheckSection>()),
            ("service.ecs", serde_keys::<EcsSection>()),
            ("service.discovery", serde_keys::<ServiceDiscoverySection>()),
            ("service.connect", serde_keys::<ConnectSection>()),
            ("service.connect.aliases", serde_keys::<ConnectAliasSection>()),
            ("service.connect.tls", serde_keys::<ConnectTlsSection>()),
            ("service.connect.logs", serde_keys::<ConnectLogsSection>()),
            ("service.lattice", serde_keys::<ServiceLatticeSection>()),
        ];
        let listed: Vec<(&str, Vec<String>)> =
            TABLES.iter().map(|(table, keys)| (*table, keys.iter().map(|key| key.to_string()).collect())).collect();
        assert_eq!(listed, from_serde);
    }
}
