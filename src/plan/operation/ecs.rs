//! Updates of running ECS services: what ECS carries out.

use serde::{Deserialize, Serialize};

use crate::plan::spec::{EcsLoadBalancerSpec, EcsUpdate};
use crate::plan::Ref;

/// A change ECS carries out: an update of a running service (ecsnet never creates or deletes one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EcsOp {
    /// `None` fields are left as they are.
    UpdateService(EcsUpdate),
}

/// The target groups and registries an ECS update names.
pub(super) fn ecs_references(update: &EcsUpdate) -> Vec<&Ref> {
    let mut refs: Vec<&Ref> = update
        .load_balancers
        .iter()
        .flatten()
        .filter_map(|spec| match spec {
            EcsLoadBalancerSpec::Own { target_group, .. } => Some(target_group),
            EcsLoadBalancerSpec::Kept(_) => None,
        })
        .collect();
    refs.extend(update.registries.iter().flatten().map(|spec| &spec.registry));
    refs.extend(update.lattice.iter().flatten().map(|spec| &spec.target_group));
    refs
}
