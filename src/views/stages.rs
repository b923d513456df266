//! A plan's migrations as text: a header per service that moves between recipes, then its changes stage by stage,
//! the wait between them named, so the plan reads in the order apply runs it.

use std::io::{self, Write};

use crate::plan::{Migration, Plan, Recipe, Stage};

use super::plan::block::write_change;

/// Each migration's changes under a header per stage; a blank line between blocks (`after_changes`: changes
/// outside any migration came first).
pub(super) fn write_migrations(out: &mut dyn Write, plan: &Plan, after_changes: bool) -> io::Result<()> {
    for (index, migration) in plan.migrations.iter().enumerate() {
        if index > 0 || after_changes {
            writeln!(out)?;
        }
        writeln!(out, "  {}, in 4 stages:", migration.describe())?;
        for stage in Stage::ALL {
            writeln!(out, "    stage {} of 4: {}", u8::from(stage), stage.title())?;
            if stage == Stage::AwaitServing {
                writeln!(out, "          {}", serving_text(migration))?;
                continue;
            }
            let mut any = false;
            for change in plan.changes.iter().filter(|change| plan.stage_of(change) == Some((index, stage))) {
                write_change(out, change, "    ")?;
                any = true;
            }
            if !any {
                writeln!(out, "          (already done)")?;
            }
            if let (Stage::MoveName, Some(seconds)) = (stage, migration.drain_seconds) {
                writeln!(out, "          then {seconds} s, the record's TTL, for resolvers' caches to let go of it")?;
            }
        }
    }
    Ok(())
}

/// What the wait checks.
fn serving_text(migration: &Migration) -> String {
    let mut checks = vec![format!(
        "ECS service {}/{}: its deployment COMPLETED",
        migration.serving.cluster, migration.serving.ecs_service
    )];
    if migration.to.contains(&Recipe::LoadBalancer) {
        checks.push("no target of its target group initial or unhealthy".into());
    }
    if migration.to.contains(&Recipe::CloudMap) {
        checks.push("its tasks registered in Cloud Map".into());
    }
    if migration.to.contains(&Recipe::Lattice) {
        checks.push("its tasks registered in its VPC Lattice target group, none initial or unhealthy".into());
    }
    format!("{} (at once if it serves already)", checks.join("; "))
}
