//! The small outputs of the operator commands: `unlock`'s lock, `show`'s header, `iam-policy`'s policy and its
//! scope, `--requests-json`'s counts.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

/// `unlock`: the topology holds no lock.
pub fn write_not_locked(out: &mut dyn Write, topology: &str) -> io::Result<()> {
    writeln!(out, "Topology \"{topology}\" is not locked.")
}

/// `unlock`: who holds the lock, and until when.
pub fn write_lock(out: &mut dyn Write, topology: &str, holder: &str, group_id: &str, expiry: &str) -> io::Result<()> {
    writeln!(
        out,
        "Topology \"{topology}\" is locked by {holder} (security group {group_id}); the lock holds until {expiry} unless its heartbeat renews it."
    )
}

/// `unlock`: the lock is gone.
pub fn write_lock_removed(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "Lock removed.")
}

/// `show`: the line above a saved plan.
pub fn write_saved_header(out: &mut dyn Write, topology_path: &str, fingerprint: &str) -> io::Result<()> {
    writeln!(out, "Saved plan of {topology_path} (live state fingerprint {fingerprint}):")
}

/// `iam-policy`: the policy document, as IAM takes it.
pub fn write_policy(out: &mut dyn Write, document: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, document)?;
    writeln!(out)
}

/// `--requests-json`: every AWS request the run sent, by operation.
#[derive(Debug, Default, Serialize)]
pub struct RequestCounts {
    pub total: u64,
    pub by_operation: BTreeMap<String, u64>,
}

pub fn request_counts_json(counts: &RequestCounts) -> String {
    serde_json::to_string_pretty(counts).expect("counts serialize") + "\n"
}
