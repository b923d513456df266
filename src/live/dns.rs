//! Route 53 as live state: private hosted zones and their records.

use serde::{Deserialize, Serialize};

use super::Reported;
use crate::topology::AwsName;

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
    pub kind: Reported<RecordSetType>,
    pub ttl: Option<i64>,
    pub values: Vec<String>,
    /// An alias record's target DNS name, lowercase, without the trailing dot.
    pub alias: Option<String>,
    /// An alias record's target hosted zone.
    pub alias_zone: Option<String>,
}

/// Route 53's RRType, for the types ecsnet writes or reads back (the rest are `Other`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordSetType {
    A,
    Aaaa,
    Cname,
    Txt,
    Srv,
}

impl AwsName for RecordSetType {
    const NAMES: &'static [(Self, &'static str)] = &[
        (RecordSetType::A, "A"),
        (RecordSetType::Aaaa, "AAAA"),
        (RecordSetType::Cname, "CNAME"),
        (RecordSetType::Txt, "TXT"),
        (RecordSetType::Srv, "SRV"),
    ];
}
