//! Namespaces and discovery services: what Cloud Map carries out.

use serde::{Deserialize, Serialize};

use crate::plan::Ref;
use crate::topology::RecordType;

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
