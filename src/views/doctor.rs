//! `ecsnet doctor`'s output: one line a check and a summary, or the same as JSON.

use std::io::{self, Write};

use serde::Serialize;

use crate::cli::OutputFormat;
use crate::doctor::{Check, Status};

/// The checks in `format`, written to `out`.
pub fn write(out: &mut impl Write, checks: &[Check], format: OutputFormat) -> io::Result<()> {
    match format {
        OutputFormat::Text => out.write_all(text(checks).as_bytes()),
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &Report::of(checks))?;
            out.write_all(b"\n")
        }
    }
}

/// One line a check: status, check, resource, what was found, and the fix; then the count of each status.
pub fn text(checks: &[Check]) -> String {
    let mut out = String::new();
    for check in checks {
        let status = match check.status {
            Status::Ok => "ok  ",
            Status::Warn => "warn",
            Status::Fail => "fail",
        };
        out.push_str(&format!("{status}  {}  {}: {}", check.check, check.resource, check.message));
        if let Some(fix) = &check.fix {
            out.push_str(&format!("  (fix: {fix})"));
        }
        out.push('\n');
    }
    let summary = Summary::of(checks);
    out.push_str(&format!("\n{} ok, {} warn, {} fail.\n", summary.ok, summary.warn, summary.fail));
    out
}

/// `{"checks": [...], "summary": {"fail", "ok", "warn"}}`, pretty-printed, without a final newline.
pub fn json(checks: &[Check]) -> String {
    serde_json::to_string_pretty(&Report::of(checks)).expect("plain strings and numbers serialize")
}

#[derive(Serialize)]
struct Report<'a> {
    checks: Vec<CheckJson<'a>>,
    summary: Summary,
}

impl<'a> Report<'a> {
    fn of(checks: &'a [Check]) -> Self {
        Report { checks: checks.iter().map(CheckJson::of).collect(), summary: Summary::of(checks) }
    }
}

#[derive(Serialize)]
struct CheckJson<'a> {
    status: StatusJson,
    check: &'a str,
    resource: &'a str,
    message: &'a str,
    /// `null` when nothing is to fix.
    fix: Option<&'a str>,
}

impl<'a> CheckJson<'a> {
    fn of(check: &'a Check) -> Self {
        CheckJson {
            status: match check.status {
                Status::Ok => StatusJson::Ok,
                Status::Warn => StatusJson::Warn,
                Status::Fail => StatusJson::Fail,
            },
            check: check.check,
            resource: &check.resource,
            message: &check.message,
            fix: check.fix.as_deref(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum StatusJson {
    Ok,
    Warn,
    Fail,
}

/// How many checks have each status; the fields in the order the JSON has always listed them.
#[derive(Serialize)]
struct Summary {
    fail: usize,
    ok: usize,
    warn: usize,
}

impl Summary {
    fn of(checks: &[Check]) -> Self {
        let count = |status: Status| checks.iter().filter(|check| check.status == status).count();
        Summary { fail: count(Status::Fail), ok: count(Status::Ok), warn: count(Status::Warn) }
    }
}
