//! `ecsnet route HOST [PATH]`: which rule, target group and service the load balancer picks for a request.

use std::io::Write;

use crate::cli::{GlobalArgs, OutputFormat, RouteArgs};
use crate::route::{load_balancer, route};

use super::{start, ExitCode, Terminal};

pub async fn run(global: &GlobalArgs, terminal: &Terminal, args: &RouteArgs) -> anyhow::Result<ExitCode> {
    let session = start(global, terminal, &args.file.path).await?;
    let Some(live) = load_balancer(&session.observed, &session.topology.name) else {
        anyhow::bail!("topology \"{}\" has no load balancer in live state\nhint: run `ecsnet apply` first", session.topology.name);
    };
    let answers = route(&session.observed, live, &args.host, &args.request_path, args.port);
    if answers.is_empty() {
        anyhow::bail!("the load balancer {} has no listener{}", live.name, args.port.map_or(String::new(), |port| format!(" on port {port}")));
    }
    let mut stdout = std::io::stdout().lock();
    match args.output {
        OutputFormat::Json => writeln!(stdout, "{}", serde_json::to_string_pretty(&answers)?)?,
        OutputFormat::Text => {
            writeln!(stdout, "{} {}{} at load balancer {}:", args.host, args.request_path, args.port.map_or(String::new(), |port| format!(" (port {port})")), live.name)?;
            for answer in &answers {
                let by = match (answer.priority, &answer.rule) {
                    (Some(priority), Some(rule)) => format!("rule priority {priority} ({rule})"),
                    (Some(priority), None) => format!("rule priority {priority} (not ecsnet's)"),
                    _ => "no rule matches; default action".into(),
                };
                let service = answer.service.as_ref().map_or(String::new(), |service| format!(" → service {service}"));
                writeln!(stdout, "  listener {} {}: {by}: {}{service}", answer.port, answer.protocol, answer.action)?;
            }
        }
    }
    Ok(0)
}
