//! What a run reports: how many steps it took and what AWS still finishes, or what failed, what was done and what
//! never started.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::aws::settle::Started;
use crate::aws::AwsError;
use crate::plan::Address;
use crate::stop::StopReason;
use crate::views::plural::counted;

use super::IN_FLIGHT_BOUND;

#[derive(Debug)]
pub struct ExecutionReport {
    pub steps: usize,
    pub elapsed: Duration,
    /// What AWS still finishes on its own time.
    pub started: Started,
    /// The DNS names AWS gave what this run created (a VPC Lattice service's), by address.
    pub dns_names: BTreeMap<Address, String>,
}

#[derive(Debug, thiserror::Error)]
pub struct ExecutionFailure {
    pub failed: Vec<(String, AwsError)>,
    pub done: Vec<String>,
    pub not_started: Vec<String>,
    /// Why the run stopped early, when it was asked to.
    pub stopped: Option<StopReason>,
    /// Steps still under way when `IN_FLIGHT_BOUND` passed after the stop.
    pub abandoned: Vec<String>,
}

impl ExecutionFailure {
    pub fn exit_code(&self) -> u8 {
        self.stopped.as_ref().map_or(1, StopReason::exit_code)
    }
}

impl fmt::Display for ExecutionFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.stopped {
            Some(reason) => write!(
                f,
                "{reason} after {} succeeded; {} failed",
                counted(self.done.len() as u64, "step"),
                self.failed.len()
            )?,
            None => write!(
                f,
                "stopped after {} succeeded; {} failed",
                counted(self.done.len() as u64, "step"),
                self.failed.len()
            )?,
        }
        for (step, error) in &self.failed {
            write!(f, "\n  - {step}: {error}")?;
        }
        if self.stopped.is_some() && !self.done.is_empty() {
            write!(f, "\ndone: {}", self.done.join(", "))?;
        }
        if !self.abandoned.is_empty() {
            write!(
                f,
                "\nstill under way {} s after the stop, abandoned (each may or may not have taken effect): {}",
                IN_FLIGHT_BOUND.as_secs(),
                self.abandoned.join(", ")
            )?;
        }
        if !self.not_started.is_empty() {
            write!(f, "\nnot started: {}", self.not_started.join(", "))?;
        }
        write!(f, "\nhint: nothing is left half-made that a re-run cannot see; run `ecsnet plan` to see what remains and `ecsnet apply` to continue")
    }
}
