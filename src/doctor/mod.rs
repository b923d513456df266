//! `ecsnet doctor`'s checks: live state against the usual reasons a service behind the load balancer or in
//! Cloud Map cannot be reached (seed 002's troubleshooting list). Pure: a function of (topology, observed state,
//! serving health) → checks; the AWS adapter `aws::observe::health` reads the health.

mod checks;

use std::collections::BTreeMap;

use serde::Serialize;

pub use checks::checks;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub status: Status,
    /// What is checked, such as `rule_forwards_to_target_group`.
    pub check: &'static str,
    /// The resource's address, and its AWS name when known.
    pub resource: String,
    pub message: String,
    /// How to fix it; `None` when nothing is to fix.
    pub fix: Option<String>,
}

/// One line a check: status, resource, what was found, and the fix.
pub fn render_text(checks: &[Check]) -> String {
    let mut out = String::new();
    for check in checks {
        let status = match check.status {
            Status::Ok => "ok  ",
            Status::Warn => "warn",
            Status::Fail => "fail",
        };
        out.push_str(&format!("{status}  {}  {}: {}", check.check, check.resource, check.message));
        if let Some(fix) = &check.fix {
            out.push_str(&format!("  (fix: {fix})"));
        }
        out.push('\n');
    }
    let count = |status: Status| checks.iter().filter(|check| check.status == status).count();
    out.push_str(&format!("\n{} ok, {} warn, {} fail.\n", count(Status::Ok), count(Status::Warn), count(Status::Fail)));
    out
}

#[derive(Serialize)]
struct Report<'a> {
    checks: &'a [Check],
    summary: BTreeMap<&'static str, usize>,
}

pub fn render_json(checks: &[Check]) -> serde_json::Result<String> {
    let count = |status: Status| checks.iter().filter(|check| check.status == status).count();
    let summary =
        BTreeMap::from([("ok", count(Status::Ok)), ("warn", count(Status::Warn)), ("fail", count(Status::Fail))]);
    serde_json::to_string_pretty(&Report { checks, summary })
}

#[cfg(test)]
mod tests;
