//! `ecsnet doctor`'s checks: live state against the usual reasons a service behind the load balancer or in
//! Cloud Map cannot be reached (seed 002's troubleshooting list). Pure: a function of (topology, observed state,
//! serving health) → checks; the AWS adapter `aws::observe::health` reads the health, and `views::doctor` writes
//! the checks as text or JSON.

mod checks;

pub use checks::checks;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
