//! Cloud Map as live state: namespaces and their services.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Namespace {
    pub id: String,
    pub arn: String,
    pub name: String,
    /// Carries ecsnet's ownership marker, as a hosted zone's comment does.
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscoveryService {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub namespace_id: String,
    pub description: Option<String>,
    /// "A" or "SRV" (the first DNS record of the service's DnsConfig).
    pub record_type: String,
    pub ttl: i64,
}
