//! The runs every scenario is made of (apply, plan, destroy of one topology file), and what a plan in JSON says.

use serde_json::Value;

use super::{ecsnet, Run, TopologyFile};

/// `ecsnet apply --auto-approve`, which must succeed.
pub fn apply(endpoint: &str, file: &TopologyFile) -> Run {
    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0)
}

/// `ecsnet plan --detailed-exitcode` finds nothing to change.
pub fn expect_converged(endpoint: &str, file: &TopologyFile) {
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);
}

/// Apply, then the plan after it is empty; the apply's run.
pub fn apply_and_expect_converged(endpoint: &str, file: &TopologyFile) -> Run {
    let applied = apply(endpoint, file);
    expect_converged(endpoint, file);
    applied
}

/// `ecsnet destroy --auto-approve`, which must succeed.
pub fn destroy(endpoint: &str, file: &TopologyFile) -> Run {
    ecsnet(endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0)
}

/// `ecsnet plan` in text, which must succeed.
pub fn plan_text(endpoint: &str, file: &TopologyFile) -> Run {
    ecsnet(endpoint, &["plan", "-f", file.arg()]).expect(0)
}

/// `ecsnet plan --output json`, which must succeed.
pub fn plan_json(endpoint: &str, file: &TopologyFile) -> Value {
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--output", "json"]).expect(0).json()
}

/// `ecsnet plan --output json --detailed-exitcode`, which must exit 2: changes are pending.
pub fn pending_plan_json(endpoint: &str, file: &TopologyFile) -> Value {
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--output", "json", "--detailed-exitcode"]).expect(2).json()
}

/// A JSON plan's changes as "action address", in the plan's order.
pub fn changes(plan: &Value) -> Vec<String> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| format!("{} {}", change["action"].as_str().unwrap(), change["address"].as_str().unwrap()))
        .collect()
}

/// The change of a JSON plan at `address`; fails the test when there is none.
#[track_caller]
pub fn change_at<'plan>(plan: &'plan Value, address: &str) -> &'plan Value {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|change| change["address"] == address)
        .unwrap_or_else(|| panic!("no change at {address}: {plan:#}"))
}

/// The fields of the change at `address` as "field: old → new".
#[track_caller]
pub fn change_fields(plan: &Value, address: &str) -> Vec<String> {
    change_at(plan, address)["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| {
            format!(
                "{}: {} → {}",
                field["field"].as_str().unwrap(),
                field["old"].as_str().unwrap(),
                field["new"].as_str().unwrap()
            )
        })
        .collect()
}
