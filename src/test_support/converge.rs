//! The invariant every planner test checks beside its own assertions: after apply, the plan is empty; after
//! destroy, nothing the topology owns is left.

use crate::live::Observed;
use crate::plan::adopt::AdoptPolicy;
use crate::plan::{plan_adopting, plan_apply, plan_destroy, Plan, PlanError};
use crate::topology::Topology;

/// `plan_apply`, checking that once the plan is applied (`simulate`) a new plan is empty.
pub fn planned(topology: &Topology, observed: &Observed) -> Result<Plan, PlanError> {
    let plan = plan_apply(topology, observed)?;
    let after = super::simulate(&plan, observed);
    let again = plan_apply(topology, &after).expect("live state after apply can be planned against");
    assert!(again.is_empty(), "after apply, the plan should be empty; it is:\n{again:#?}");
    Ok(plan)
}

/// `plan_destroy`, checking that once the plan is applied a new destroy plan is empty: nothing owned is left.
pub fn destroyed(topology: &Topology, observed: &Observed) -> Result<Plan, PlanError> {
    let plan = plan_destroy(topology, observed)?;
    let after = super::simulate(&plan, observed);
    let again = plan_destroy(topology, &after).expect("live state after destroy can be planned against");
    assert!(again.is_empty(), "after destroy, nothing owned should be left; a new destroy plan is:\n{again:#?}");
    Ok(plan)
}

/// `plan_adopting`, checking that once the plan is applied a plan without adoption is empty: what was adopted is
/// the topology's, and as the file says.
pub fn adopted(topology: &Topology, observed: &Observed, policy: &AdoptPolicy) -> Result<Plan, PlanError> {
    let plan = plan_adopting(topology, observed, policy)?;
    let after = super::simulate(&plan, observed);
    let again = plan_apply(topology, &after).expect("live state after adoption can be planned against");
    assert!(again.is_empty(), "after adopting apply, the plan should be empty; it is:\n{again:#?}");
    Ok(plan)
}
