//! Plans for people (Terraform-like text) and for machines (stable JSON, documented in docs/reference/plan-json.md).

use std::io::{self, Write};

use serde::Serialize;

use crate::plan::{Action, Change, FieldChange, Note, NoteLevel, Plan, Recipe, Summary};

use super::style;

pub(super) mod block;

use block::write_change;

/// The JSON plan format's version; bumped on any incompatible change. 2: notes are `{"level", "text"}`, not
/// strings with a `warning: ` prefix.
pub const JSON_FORMAT_VERSION: u32 = 2;

/// The plan as text: one block per change, notes, and the summary line.
pub fn write_text(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    if plan.is_empty() {
        writeln!(out, "No changes. Live state matches topology \"{}\".", plan.topology)?;
    } else {
        writeln!(out, "ecsnet will make these changes to topology \"{}\":", plan.topology)?;
        writeln!(out)?;
        let unstaged: Vec<&Change> = plan.changes.iter().filter(|change| plan.stage_of(change).is_none()).collect();
        for change in &unstaged {
            write_change(out, change, "")?;
        }
        super::stages::write_migrations(out, plan, !unstaged.is_empty())?;
    }
    write_notes(out, &plan.notes)?;
    if plan.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", summary_line(plan.summary()))
}

fn write_notes(out: &mut dyn Write, notes: &[Note]) -> io::Result<()> {
    if notes.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    for note in notes {
        match note.level {
            NoteLevel::Warning => {
                let warning = style::WARNING;
                writeln!(out, "{warning}{note}{warning:#}")?
            }
            NoteLevel::Info => writeln!(out, "note: {}", note.text)?,
        }
    }
    Ok(())
}

pub fn summary_line(summary: Summary) -> String {
    let adopt = if summary.adopt > 0 { format!(", {} to adopt", summary.adopt) } else { String::new() };
    format!("Plan: {} to add, {} to change, {} to destroy{adopt}.", summary.add, summary.change, summary.destroy)
}

/// The plan's JSON document (format in docs/reference/plan-json.md).
#[derive(Serialize)]
pub struct JsonPlan<'a> {
    format_version: u32,
    topology: &'a str,
    changes: Vec<JsonChange<'a>>,
    notes: &'a [Note],
    summary: Summary,
    /// Services moving between recipes; their changes carry a `stage`.
    migrations: Vec<JsonMigration<'a>>,
}

#[derive(Serialize)]
struct JsonMigration<'a> {
    service: &'a str,
    from: &'a [Recipe],
    to: &'a [Recipe],
}

#[derive(Serialize)]
struct JsonChange<'a> {
    address: String,
    action: Action,
    name: &'a str,
    reason: Option<String>,
    fields: &'a [FieldChange],
    /// The stage (1–4) of a migration the change belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<u8>,
}

impl<'a> JsonPlan<'a> {
    pub fn of(plan: &'a Plan) -> JsonPlan<'a> {
        JsonPlan {
            format_version: JSON_FORMAT_VERSION,
            topology: &plan.topology,
            changes: plan
                .changes
                .iter()
                .map(|change| JsonChange {
                    address: change.address.to_string(),
                    action: change.action,
                    name: &change.name,
                    reason: change.reason.as_ref().map(ToString::to_string),
                    fields: &change.fields,
                    stage: plan.stage_of(change).map(|(_, stage)| stage.into()),
                })
                .collect(),
            notes: &plan.notes,
            summary: plan.summary(),
            migrations: plan
                .migrations
                .iter()
                .map(|migration| JsonMigration {
                    service: &migration.service,
                    from: &migration.from,
                    to: &migration.to,
                })
                .collect(),
        }
    }
}

/// The plan as one JSON document.
pub fn write_json(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &JsonPlan::of(plan))?;
    writeln!(out)
}

#[cfg(test)]
mod tests;
