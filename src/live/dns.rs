//! Route 53 as live state: private hosted zones and their records.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostedZone {
    /// The bare ID, without `/hostedzone/`.
    pub id: String,
    /// Without the trailing dot.
    pub name: String,
    pub comment: Option<String>,
    /// Every record but the zone's SOA and NS at the apex.
    pub records: Vec<Record>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Lowercase, without the trailing dot.
    pub name: String,
    pub kind: String,
    pub ttl: Option<i64>,
    pub values: Vec<String>,
    /// An alias record's target DNS name, lowercase, without the trailing dot.
    pub alias: Option<String>,
    /// An alias record's target hosted zone.
    pub alias_zone: Option<String>,
}
