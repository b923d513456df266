//! What apply and destroy print when they are done: a line for people, or one JSON document holding the plan and
//! the result (format in docs/reference/commands.md).

use std::io::{self, Write};
use std::time::Duration;

use serde::Serialize;

use super::plural::counted;
use crate::plan::{Plan, Summary};
use crate::topology::names::LATTICE_SIGNING;
use crate::topology::{CallerName, ConnectName, LatticeName};

use super::plan::JsonPlan;

/// Which command finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    Apply,
    Destroy,
}

/// What an apply or destroy did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub steps: usize,
    pub elapsed: Duration,
    /// How long apply waited until the changes served; `None` without a wait.
    pub waited: Option<Duration>,
    /// AWS requests the changes took.
    pub requests: u64,
    pub summary: Summary,
    /// After apply: the names callers use for the services in Cloud Map.
    pub names: Vec<CallerName>,
    /// After apply: the client aliases of the services on Service Connect.
    pub connect_names: Vec<ConnectName>,
    /// After apply: the DNS names (or custom domains) and ports of the services on VPC Lattice.
    pub lattice_names: Vec<LatticeName>,
}

#[derive(Serialize)]
struct JsonOutcome {
    steps: usize,
    elapsed_seconds: f64,
    waited_seconds: Option<f64>,
    requests: u64,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    plan: JsonPlan<'a>,
    /// `null` when the plan was empty and nothing ran.
    result: Option<JsonOutcome>,
}

pub fn write_text(out: &mut dyn Write, finished: Finished, outcome: &Outcome) -> io::Result<()> {
    let Outcome { steps, elapsed, waited, requests, summary, names, connect_names, lattice_names } = outcome;
    let seconds = elapsed.as_secs_f64();
    let (steps, requests) = (counted(*steps as u64, "step"), counted(*requests, "AWS request"));
    match finished {
        Finished::Apply => {
            let serving = waited.map(|waited| format!(" Serving after {:.1} s more.", waited.as_secs_f64()));
            let adopted = if summary.adopt > 0 { format!(", {} adopted", summary.adopt) } else { String::new() };
            writeln!(
                out,
                "Apply complete: {} added, {} changed, {} destroyed{adopted} in {steps}, {seconds:.1} s, {requests}.{}",
                summary.add,
                summary.change,
                summary.destroy,
                serving.unwrap_or_default()
            )?;
            for name in names {
                writeln!(out, "Callers reach {} at {name}.", name.service)?;
            }
            for name in connect_names {
                writeln!(out, "Callers reach {} at {name}.", name.service)?;
            }
            for name in lattice_names {
                match (&name.dns, &name.domain) {
                    (None, None) => writeln!(
                        out,
                        "Callers reach {} on port {} of its VPC Lattice DNS name, which `ecsnet doctor` shows ({LATTICE_SIGNING}).",
                        name.service, name.port
                    )?,
                    _ => writeln!(out, "Callers reach {} at {}.", name.service, name.describe(""))?,
                }
            }
            Ok(())
        }
        Finished::Destroy => {
            writeln!(out, "Destroy complete: {} destroyed in {steps}, {seconds:.1} s, {requests}.", summary.destroy)
        }
    }
}

/// The plan and what came of it; `outcome` is `None` when the plan was empty.
pub fn write_json(out: &mut dyn Write, plan: &Plan, outcome: Option<&Outcome>) -> io::Result<()> {
    let result = outcome.map(|outcome| JsonOutcome {
        steps: outcome.steps,
        elapsed_seconds: outcome.elapsed.as_secs_f64(),
        waited_seconds: outcome.waited.map(|waited| waited.as_secs_f64()),
        requests: outcome.requests,
        summary: outcome.summary,
    });
    serde_json::to_writer_pretty(&mut *out, &JsonDocument { plan: JsonPlan::of(plan), result })?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Action, Address, Change, FieldChange, Operation};

    fn outcome(waited: Option<Duration>) -> Outcome {
        Outcome {
            steps: 7,
            elapsed: Duration::from_millis(4_250),
            waited,
            requests: 31,
            summary: Summary { add: 5, change: 1, destroy: 0, adopt: 0 },
            names: vec![],
            connect_names: vec![],
            lattice_names: vec![],
        }
    }

    fn text(finished: Finished, outcome: &Outcome) -> String {
        let mut out = Vec::new();
        write_text(&mut out, finished, outcome).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn apply_and_destroy_say_what_they_did_in_one_line() {
        insta::assert_snapshot!("apply_waited", text(Finished::Apply, &outcome(Some(Duration::from_millis(1_500)))));
        insta::assert_snapshot!("apply_no_wait", text(Finished::Apply, &outcome(None)));
        insta::assert_snapshot!("destroy", text(Finished::Destroy, &outcome(None)));
    }

    #[test]
    fn one_step_and_one_request_are_singular() {
        let single = Outcome { steps: 1, requests: 1, ..outcome(None) };
        insta::assert_snapshot!("apply_one_step", text(Finished::Apply, &single));
    }

    /// Before: only "Apply complete: …", and `orders.shop.local` was shown by `graph` alone.
    #[test]
    fn apply_names_what_callers_use_in_cloud_map() {
        use crate::topology::RecordType;
        let name = |service: &str, record, port| CallerName {
            service: service.into(),
            dns: format!("{service}.shop.local"),
            record,
            port,
        };
        let names = vec![name("orders", RecordType::A, 3000), name("payments", RecordType::Srv, 8080)];
        insta::assert_snapshot!(text(Finished::Apply, &Outcome { names, ..outcome(None) }));
    }

    #[test]
    fn apply_names_what_callers_use_on_service_connect() {
        let connect_names = vec![ConnectName {
            service: "server".into(),
            aliases: vec![("server.internal".into(), 80), ("server".into(), 8080)],
            tls: true,
        }];
        insta::assert_snapshot!(text(Finished::Apply, &Outcome { connect_names, ..outcome(None) }));
    }

    /// Before: an apply that made a VPC Lattice service did not say its DNS name, its port or that requests must be
    /// signed.
    #[test]
    fn apply_names_what_callers_use_on_vpc_lattice() {
        let name = |service: &str, dns: Option<&str>, domain: Option<&str>, port| LatticeName {
            service: service.into(),
            dns: dns.map(str::to_string),
            domain: domain.map(str::to_string),
            port,
        };
        let lattice_names = vec![
            name("orders", Some("shop-orders-0a1b2c3d4e5f.7d67968.vpc-lattice-svcs.us-east-1.on.aws"), None, 80),
            name(
                "payments",
                Some("shop-payments-0f1e2d3c4b5a.7d67968.vpc-lattice-svcs.us-east-1.on.aws"),
                Some("payments.shop.internal"),
                8080,
            ),
            name("stock", None, None, 80),
        ];
        insta::assert_snapshot!(text(Finished::Apply, &Outcome { lattice_names, ..outcome(None) }));
    }

    #[test]
    fn an_apply_that_adopted_says_how_many() {
        let adopted = Outcome { summary: Summary { add: 1, change: 1, destroy: 0, adopt: 5 }, ..outcome(None) };
        assert_eq!(
            text(Finished::Apply, &adopted),
            "Apply complete: 1 added, 1 changed, 0 destroyed, 5 adopted in 7 steps, 4.2 s, 31 AWS requests.\n"
        );
    }

    #[test]
    fn json_holds_the_plan_and_the_result_or_null() {
        let plan = Plan {
            topology: "demo".into(),
            changes: vec![Change {
                address: Address::TargetGroup("api".into()),
                action: Action::Create,
                name: "demo-api-1234".into(),
                fields: vec![FieldChange::new("port", 8080)],
                reason: None,
                operation: Operation::RemovedWithParent,
            }],
            notes: vec![],
            migrations: vec![],
        };
        let json = |outcome: Option<&Outcome>| {
            let mut out = Vec::new();
            write_json(&mut out, &plan, outcome).unwrap();
            String::from_utf8(out).unwrap()
        };
        insta::assert_snapshot!("apply_json", json(Some(&outcome(Some(Duration::from_secs(2))))));
        let nothing: serde_json::Value = serde_json::from_str(&json(None)).unwrap();
        assert_eq!(nothing["result"], serde_json::Value::Null);
        assert_eq!(nothing["plan"]["summary"], serde_json::json!({"add": 1, "change": 0, "destroy": 0}));
    }
}
