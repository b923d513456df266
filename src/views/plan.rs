//! Plans for people (Terraform-like text) and for machines (stable JSON, documented in the README).

use std::io::{self, Write};

use serde::Serialize;

use crate::plan::{Action, FieldChange, Note, NoteLevel, Plan, Summary};

use super::style;

/// The JSON plan format's version; bumped on any incompatible change.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// The plan as text: one block per change, notes, and the summary line.
pub fn write_text(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    if plan.is_empty() {
        writeln!(out, "No changes. Live state matches topology \"{}\".", plan.topology)?;
    } else {
        writeln!(out, "ecsnet will make these changes to topology \"{}\":", plan.topology)?;
        writeln!(out)?;
        for change in &plan.changes {
            let head = style::action(change.action);
            write!(out, "{head}{:>3} {}{head:#}  {}", change.action.symbol(), change.address, change.name)?;
            if let Some(reason) = &change.reason {
                write!(out, "  ({reason})")?;
            }
            writeln!(out)?;
            for field in &change.fields {
                writeln!(out, "        {field}")?;
            }
        }
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

/// The plan's JSON document (format in the README).
#[derive(Serialize)]
pub struct JsonPlan<'a> {
    format_version: u32,
    topology: &'a str,
    changes: Vec<JsonChange<'a>>,
    /// Warnings start `warning: `.
    notes: Vec<String>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    address: String,
    action: Action,
    name: &'a str,
    reason: Option<String>,
    fields: &'a [FieldChange],
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
                })
                .collect(),
            notes: plan.notes.iter().map(ToString::to_string).collect(),
            summary: plan.summary(),
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
