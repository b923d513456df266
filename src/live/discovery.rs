//! Cloud Map as live state: namespaces and their services.

use serde::{Deserialize, Serialize};

use super::Reported;
use crate::topology::RecordType;

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
    /// The first DNS record of the service's DnsConfig.
    pub record_type: Reported<RecordType>,
    pub ttl: i64,
}
