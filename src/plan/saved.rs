//! Saved plans: `plan --out` writes the plan with the topology file text it was planned from, its adoption
//! policy, and a fingerprint of the live state it was computed against; `apply PLAN` carries out exactly that
//! plan, and refuses when live state has changed since. Pure: the commands read and write the files.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::live::Observed;
use crate::plan::ownership::ADDRESS_TAG;

use super::adopt::AdoptPolicy;
use super::ownership::LOCK_ADDRESS;
use super::{plan_apply_or_adopt, FieldChange, Plan};
use crate::topology::Topology;

const FORMAT: &str = "ecsnet-saved-plan";
/// 2: ECS updates keep foreign load balancer entries whole, and target group and load balancer updates carry
/// the attributes ecsnet manages. 3: typed values in the plan (schemes, protocols, target and record types, notes
/// with a level, replace reasons). 4: migrations between recipes (`Plan::migrations`, the retiring ECS update) and
/// adoption (the `adopt` action and operation). 5: operations nested per AWS service (`{"Ec2": {"SetIngress":
/// ..}}`, `{"Ecs": {"UpdateService": ..}}` for the former `UpdateEcsService`).
pub const SAVED_FORMAT_VERSION: u32 = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    pub format: String,
    pub format_version: u32,
    /// The topology file as it was planned from (the text read once, before planning), so the saved plan stands
    /// alone.
    pub topology_path: String,
    pub topology_text: String,
    /// `plan --adopt`'s policy: the staleness check plans again as this plan was planned. Absent without
    /// `--adopt` (and in plans saved before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopt: Option<AdoptPolicy>,
    /// Of the live state the plan was computed from.
    pub fingerprint: String,
    pub plan: Plan,
}

#[derive(Debug, thiserror::Error)]
pub enum SavedPlanError {
    #[error("{0} is not a saved ecsnet plan: {1}")]
    NotJson(String, String),
    #[error("{0} is not a saved ecsnet plan (format {1:?})")]
    NotAPlan(String, String),
    #[error("{0} is a saved plan of format version {1}; this ecsnet reads version {SAVED_FORMAT_VERSION}")]
    Version(String, u32),
}

impl SavedPlan {
    pub fn new(
        topology_path: &str,
        topology_text: &str,
        adopt: Option<&AdoptPolicy>,
        observed: &Observed,
        plan: Plan,
    ) -> SavedPlan {
        SavedPlan {
            format: FORMAT.into(),
            format_version: SAVED_FORMAT_VERSION,
            topology_path: topology_path.into(),
            topology_text: topology_text.into(),
            adopt: adopt.cloned(),
            fingerprint: fingerprint(observed),
            plan,
        }
    }

    /// A saved plan from its text (`origin` names it in errors): its version first, as a plan saved by another
    /// build may not parse as this build's plan; then the plan; then its format.
    pub fn parse(origin: &str, text: &str) -> Result<SavedPlan, SavedPlanError> {
        #[derive(serde::Deserialize)]
        struct Version {
            format_version: u32,
        }
        let not_json = |error: serde_json::Error| SavedPlanError::NotJson(origin.into(), error.to_string());
        let version: Version = serde_json::from_str(text).map_err(not_json)?;
        if version.format_version != SAVED_FORMAT_VERSION {
            return Err(SavedPlanError::Version(origin.into(), version.format_version));
        }
        let saved: SavedPlan = serde_json::from_str(text).map_err(not_json)?;
        if saved.format != FORMAT {
            return Err(SavedPlanError::NotAPlan(origin.into(), saved.format));
        }
        Ok(saved)
    }

    /// The saved plan, when live state is as it was when the plan was saved; else what a new plan would change
    /// differently.
    pub fn into_current(self, topology: &Topology, observed: &Observed) -> Result<Plan, StalePlan> {
        let now = fingerprint(observed);
        if now == self.fingerprint {
            return Ok(self.plan);
        }
        let differences = match plan_apply_or_adopt(topology, observed, self.adopt.as_ref()) {
            Ok(current) => differences(&self.plan, &current),
            Err(error) => vec![error.to_string()],
        };
        Err(StalePlan { saved: self.fingerprint, now, differences })
    }
}

/// Live state changed since the plan was saved.
#[derive(Debug, thiserror::Error)]
pub struct StalePlan {
    pub saved: String,
    pub now: String,
    /// As plan lines, `-` no longer and `+` now also.
    pub differences: Vec<String>,
}

impl fmt::Display for StalePlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "live state changed since the plan was saved (fingerprint {} → {}); nothing was changed",
            self.saved, self.now
        )?;
        match self.differences.is_empty() {
            true => writeln!(
                f,
                "(the changes a new plan would make are the same; live state changed elsewhere in what ecsnet reads)"
            )?,
            false => writeln!(f, "{}", self.differences.join("\n"))?,
        }
        write!(f, "hint: run `ecsnet plan --out` again, review it, and apply the new plan")
    }
}

/// A stable digest of live state: its JSON with every list sorted, hashed (FNV-1a, 64 bits). The topology's
/// lock is left out: it comes and goes with every apply.
pub fn fingerprint(observed: &Observed) -> String {
    let mut observed = observed.clone();
    observed.security_groups.retain(|group| group.tags.get(ADDRESS_TAG).map(String::as_str) != Some(LOCK_ADDRESS));
    let value = canonical(serde_json::to_value(&observed).unwrap_or_default());
    let text = value.to_string();
    let hash =
        text.bytes().fold(0xcbf29ce484222325u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x100000001b3));
    format!("{hash:016x}")
}

fn canonical(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Array(items) => {
            let mut items: Vec<serde_json::Value> = items.into_iter().map(canonical).collect();
            items.sort_by_key(|item| item.to_string());
            serde_json::Value::Array(items)
        }
        serde_json::Value::Object(map) => {
            serde_json::Value::Object(map.into_iter().map(|(key, value)| (key, canonical(value))).collect())
        }
        other => other,
    }
}

/// The changes one plan has and the other has not, as plan lines: `+` only in the current plan, `-` only in
/// the saved one.
pub fn differences(saved: &Plan, current: &Plan) -> Vec<String> {
    let lines = |plan: &Plan| -> BTreeSet<String> {
        plan.changes
            .iter()
            .map(|change| {
                let fields: Vec<String> = change.fields.iter().map(FieldChange::to_string).collect();
                format!("{} {} {} [{}]", change.action.symbol(), change.address, change.name, fields.join("; "))
            })
            .collect()
    };
    let (saved, current) = (lines(saved), lines(current));
    let gone = saved.difference(&current).map(|line| format!("- no longer: {line}"));
    let new = current.difference(&saved).map(|line| format!("+ now also: {line}"));
    gone.chain(new).collect()
}

#[cfg(test)]
mod tests;
