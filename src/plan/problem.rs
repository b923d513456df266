//! Why a plan cannot be made: problems in live state, each with a hint.

use std::fmt;

use crate::views::plural::counted;

/// Something in live state that keeps the plan from being made: a missing VPC, a name taken by a resource
/// ecsnet does not own, a priority held by someone else's rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub what: String,
    pub hint: String,
}

impl Problem {
    pub fn new(what: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem { what: what.into(), hint: hint.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PlanError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot plan: {} in live state, nothing was changed",
            counted(self.problems.len() as u64, "problem")
        )?;
        for problem in &self.problems {
            write!(f, "\n  - {}\n    hint: {}", problem.what, problem.hint)?;
        }
        Ok(())
    }
}
