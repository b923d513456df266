//! The order of a migration's stages (`migration.rs`), added to the dependencies `order/` finds: the wait
//! follows every change of stage 1; the changes of stages 3 and 4 follow the wait; stage 4 follows stage 3, and in
//! stage 4 the old path's resources follow the ECS update that lets go of them.

use super::{Address, Plan, Stage, Step, Work};

fn is_retire_update(plan: &Plan, index: usize) -> bool {
    matches!(plan.changes[index].address, Address::EcsServiceRetire(_))
}

/// Adds the stages' dependencies to `steps`, the steps of `plan`.
pub(super) fn add_stage_edges(plan: &Plan, steps: &mut [Step]) {
    if plan.migrations.is_empty() {
        return;
    }
    // The (migration, stage) pairs of each step's changes: every migration's, for a change can belong to several
    // (the VPC's Lattice association, retired after each service leaving Lattice lets go of it).
    let staged: Vec<Vec<(usize, Stage)>> = steps
        .iter()
        .map(|step| {
            step.changes()
                .iter()
                .flat_map(|&index| {
                    plan.migrations.iter().enumerate().filter_map(move |(migration, staged)| {
                        staged.stage_of(&plan.changes[index]).map(|stage| (migration, stage))
                    })
                })
                .collect()
        })
        .collect();
    let count = steps.len();
    let in_stage = |migration: usize, stage: Stage| -> Vec<usize> {
        (0..count).filter(|&step| staged[step].contains(&(migration, stage))).collect()
    };
    for migration in 0..plan.migrations.len() {
        let Some(wait) = steps.iter().position(|step| step.work == Work::AwaitServing(migration)) else { continue };
        let wired = in_stage(migration, Stage::WireNewPath);
        let moved = in_stage(migration, Stage::MoveName);
        steps[wait].after.extend(wired);
        for step in moved.iter().chain(&in_stage(migration, Stage::RetireOldPath)) {
            steps[*step].after.push(wait);
        }
        let retiring = in_stage(migration, Stage::RetireOldPath);
        // The old path's resources go once the ECS service has let go of them.
        let let_go: Vec<usize> = retiring
            .iter()
            .copied()
            .filter(|&step| steps[step].changes().iter().any(|&index| is_retire_update(plan, index)))
            .collect();
        for &step in &retiring {
            steps[step].after.extend(&moved);
            if !let_go.contains(&step) {
                steps[step].after.extend(&let_go);
            }
        }
    }
    for step in steps.iter_mut() {
        step.after.sort_unstable();
        step.after.dedup();
    }
}
