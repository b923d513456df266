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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::checks;
    use crate::doctor::fixtures::*;

    #[test]
    fn text_is_one_line_a_check_and_a_summary() {
        let checks = checks(&topology(), &observed(), &health());
        let text = text(&checks);
        assert!(text.starts_with("ok    load_balancer_egress  load_balancer.security_group sg-lb: egress reaches the VPC (10.0.0.0/16) on every service port\n"), "{text}");
        assert!(text.contains("\nwarn  discovery_has_instances  service.worker.discovery srv-1: no instances registered, so worker.internal resolves to nothing  (fix: add a [service.ecs] table"), "{text}");
        assert!(text.ends_with("\n7 ok, 1 warn, 2 fail.\n"), "{text}");
        let json: serde_json::Value = serde_json::from_str(&json(&checks)).unwrap();
        assert_eq!(json["summary"]["fail"], 2);
        assert_eq!(json["checks"][3]["status"], "fail");
    }

    /// ARNs, should any reach a message, and AWS's IDs.
    fn filters() -> Vec<(&'static str, &'static str)> {
        vec![(r"arn:[A-Za-z0-9:/._-]+", "[arn]"), (r"\b(sg|sgr|srv|ns|vpc)-[0-9a-f]{8,17}\b", "[$1-id]")]
    }

    #[test]
    fn two_load_balancers_as_text_and_json() {
        let checks = checks(&two_shard_topology(), &two_shard_observed(), &two_shard_health());
        insta::with_settings!({filters => filters()}, {
            insta::assert_snapshot!("doctor_two_shards_text", text(&checks));
            let mut out = Vec::new();
            write(&mut out, &checks, OutputFormat::Json).unwrap();
            insta::assert_snapshot!("doctor_two_shards_json", String::from_utf8(out).unwrap());
        });
    }

    /// Before: no snapshot showed what doctor says of a VPC Lattice service.
    #[test]
    fn lattice_as_text() {
        let observed = lattice_observed();
        let checks = checks(&lattice_topology(), &observed, &lattice_health(&observed));
        insta::with_settings!({filters => filters()}, {
            insta::assert_snapshot!("doctor_lattice_text", text(&checks));
        });
    }
}
