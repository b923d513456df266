//! Plans for people (Terraform-like text, color optional) and for machines (stable JSON, documented in the
//! README). Both write to any `Write`, so tests render into a `Vec<u8>`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Action, FieldChange, Plan, Summary};

/// The JSON plan format's version; bumped on any incompatible change.
pub const JSON_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

pub fn symbol(action: Action) -> &'static str {
    match action {
        Action::Create => "+",
        Action::Update => "~",
        Action::Replace => "-/+",
        Action::Delete => "-",
    }
}

fn color_code(action: Action) -> &'static str {
    match action {
        Action::Create => "32",
        Action::Update => "33",
        Action::Replace => "35",
        Action::Delete => "31",
    }
}

/// The plan as text: one block per change, notes, and the summary line.
pub fn write_text(out: &mut dyn Write, plan: &Plan, style: Style) -> io::Result<()> {
    if plan.is_empty() {
        writeln!(out, "No changes. Live state matches topology \"{}\".", plan.topology)?;
    } else {
        writeln!(out, "ecsnet will make these changes to topology \"{}\":", plan.topology)?;
        writeln!(out)?;
        for change in &plan.changes {
            let head = format!("{:>3} {}", symbol(change.action), change.address);
            write!(out, "{}  {}", style.paint(color_code(change.action), &head), change.name)?;
            if let Some(reason) = &change.reason {
                write!(out, "  ({reason})")?;
            }
            writeln!(out)?;
            for field in &change.fields {
                writeln!(out, "        {}", describe_field(field))?;
            }
        }
    }
    if !plan.notes.is_empty() {
        writeln!(out)?;
        for note in &plan.notes {
            if note.starts_with("warning: ") {
                writeln!(out, "{}", style.paint("33", note))?;
            } else {
                writeln!(out, "note: {note}")?;
            }
        }
    }
    if plan.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", summary_line(plan.summary()))
}

fn describe_field(field: &FieldChange) -> String {
    match (&field.old, &field.new) {
        (None, Some(new)) => format!("{}: {new}", field.field),
        (Some(old), Some(new)) => format!("{}: {old} → {new}", field.field),
        (Some(old), None) => format!("{}: {old} → (none)", field.field),
        (None, None) => field.field.clone(),
    }
}

pub fn summary_line(summary: Summary) -> String {
    format!("Plan: {} to add, {} to change, {} to destroy.", summary.add, summary.change, summary.destroy)
}

#[derive(Serialize)]
struct JsonPlan<'a> {
    format_version: u32,
    topology: &'a str,
    changes: Vec<JsonChange<'a>>,
    notes: &'a [String],
    summary: Summary,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    address: String,
    action: Action,
    name: &'a str,
    reason: Option<&'a str>,
    fields: &'a [FieldChange],
}

/// The plan as one JSON document (format in the README).
pub fn write_json(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &json_value(plan))?;
    writeln!(out)
}

/// The plan's JSON document as a value, for documents that embed it (`apply --output json`).
pub fn json_value(plan: &Plan) -> serde_json::Value {
    let document = JsonPlan {
        format_version: JSON_FORMAT_VERSION,
        topology: &plan.topology,
        changes: plan
            .changes
            .iter()
            .map(|change| JsonChange {
                address: change.address.to_string(),
                action: change.action,
                name: &change.name,
                reason: change.reason.as_deref(),
                fields: &change.fields,
            })
            .collect(),
        notes: &plan.notes,
        summary: plan.summary(),
    };
    serde_json::to_value(&document).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Address, Change, FieldChange, Operation};

    fn plan() -> Plan {
        Plan {
            topology: "demo".into(),
            changes: vec![
                Change {
                    address: Address::TargetGroup("api".into()),
                    action: Action::Replace,
                    name: "demo-api-1234".into(),
                    fields: vec![FieldChange::changed("port", 8080, 8081)],
                    reason: Some("port cannot change in place".into()),
                    operation: Operation::RemovedWithParent,
                },
                Change {
                    address: Address::ListenerRule("old".into(), 80),
                    action: Action::Delete,
                    name: "priority 3".into(),
                    fields: vec![],
                    reason: None,
                    operation: Operation::RemovedWithParent,
                },
            ],
            notes: vec!["something to know".into()],
        }
    }

    fn text(plan: &Plan, color: bool) -> String {
        let mut out = Vec::new();
        write_text(&mut out, plan, Style { color }).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_reads_like_terraform_and_needs_no_color() {
        assert_eq!(
            text(&plan(), false),
            "ecsnet will make these changes to topology \"demo\":\n\n\
             -/+ service.api.target_group  demo-api-1234  (port cannot change in place)\n        port: 8080 → 8081\n\
             \x20 - service.old.rule.80  priority 3\n\n\
             note: something to know\n\n\
             Plan: 1 to add, 0 to change, 2 to destroy.\n"
        );
        assert!(text(&plan(), true).contains("\x1b[35m-/+ service.api.target_group\x1b[0m"));
    }

    #[test]
    fn an_empty_plan_says_so_without_a_summary() {
        let empty = Plan { topology: "demo".into(), changes: vec![], notes: vec![] };
        assert_eq!(text(&empty, false), "No changes. Live state matches topology \"demo\".\n");
    }

    #[test]
    fn json_has_the_documented_shape() {
        let mut out = Vec::new();
        write_json(&mut out, &plan()).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["format_version"], 1);
        assert_eq!(value["changes"][0]["action"], "replace");
        assert_eq!(value["changes"][0]["address"], "service.api.target_group");
        assert_eq!(value["changes"][0]["reason"], "port cannot change in place");
        assert_eq!(
            value["changes"][0]["fields"][0],
            serde_json::json!({"field": "port", "old": "8080", "new": "8081"})
        );
        assert_eq!(value["summary"], serde_json::json!({"add": 1, "change": 0, "destroy": 2}));
    }
}
