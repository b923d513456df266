//! `ecsnet route HOST [PATH]`: which rule, target group and service the load balancer picks for a request.

use std::io::Write;

use crate::cli::{GlobalArgs, OutputFormat, RouteArgs};
use crate::route::{load_balancers, route, Answer};

use super::{start, ExitCode, Terminal};

pub async fn run(global: &GlobalArgs, terminal: &Terminal, args: &RouteArgs) -> anyhow::Result<ExitCode> {
    let session = start(global, terminal, &args.file.path).await?;
    let balancers = load_balancers(&session.observed, &session.topology.name);
    if balancers.is_empty() {
        anyhow::bail!(
            "topology \"{}\" has no load balancer in live state\nhint: run `ecsnet apply` first",
            session.topology.name
        );
    }
    // A host's name leads to one load balancer; with several (rules beyond one's limit), each one's answer shows.
    let answers: Vec<(&str, Vec<Answer>)> = balancers
        .iter()
        .map(|live| (live.name.as_str(), route(&session.observed, live, &args.host, &args.request_path, args.port)))
        .collect();
    if answers.iter().all(|(_, answers)| answers.is_empty()) {
        anyhow::bail!(
            "the topology's load balancers have no listener{}",
            args.port.map_or(String::new(), |port| format!(" on port {port}"))
        );
    }
    let mut stdout = std::io::stdout().lock();
    match args.output {
        OutputFormat::Json => {
            let flat: Vec<serde_json::Value> = answers
                .iter()
                .flat_map(|(name, answers)| {
                    answers.iter().map(move |answer| {
                        let mut value = serde_json::to_value(answer).unwrap_or_default();
                        value["load_balancer"] = serde_json::Value::from(*name);
                        value
                    })
                })
                .collect();
            writeln!(stdout, "{}", serde_json::to_string_pretty(&flat)?)?;
        }
        OutputFormat::Text => {
            for (name, answers) in &answers {
                writeln!(
                    stdout,
                    "{} {}{} at load balancer {name}:",
                    args.host,
                    args.request_path,
                    args.port.map_or(String::new(), |port| format!(" (port {port})"))
                )?;
                for answer in answers {
                    let by = match (answer.priority, &answer.rule) {
                        (Some(priority), Some(rule)) => format!("rule priority {priority} ({rule})"),
                        (Some(priority), None) => format!("rule priority {priority} (not ecsnet's)"),
                        _ => "no rule matches; default action".into(),
                    };
                    let service =
                        answer.service.as_ref().map_or(String::new(), |service| format!(" → service {service}"));
                    writeln!(
                        stdout,
                        "  listener {} {}: {by}: {}{service}",
                        answer.port, answer.protocol, answer.action
                    )?;
                }
            }
        }
    }
    Ok(0)
}
