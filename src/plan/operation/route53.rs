//! Private hosted zones and their records: what Route 53 carries out.

use serde::{Deserialize, Serialize};

use crate::live::Record;
use crate::plan::spec::{RecordSpec, RecordTarget};
use crate::plan::{Address, Ref};

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

impl Route53Op {
    pub(super) fn references(&self) -> Vec<&Ref> {
        match self {
            Route53Op::ChangeRecords { zone, .. } => vec![zone],
            Route53Op::CreateHostedZone { .. } | Route53Op::DeleteHostedZone { .. } => vec![],
        }
    }

    /// The load balancer a record points at, when this apply creates it.
    pub(super) fn record_target(&self) -> Option<&Address> {
        match self {
            Route53Op::ChangeRecords { upsert: Some(RecordSpec { target: RecordTarget::Of(address), .. }), .. } => {
                Some(address)
            }
            _ => None,
        }
    }
}
