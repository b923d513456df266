//! `ecsnet route HOST [PATH]`: which rule, target group and service the load balancer picks for a request.

use crate::cli::{GlobalArgs, OutputFormat, RouteArgs};
use crate::route::{load_balancers, route, Answer};
use crate::views::{self, route::Request};

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
    let mut stdout = views::stdout().lock();
    let request = Request { host: &args.host, path: &args.request_path, port: args.port };
    match args.output {
        OutputFormat::Json => views::route::write_json(&mut stdout, &answers)?,
        OutputFormat::Text => views::route::write_text(&mut stdout, &request, &answers)?,
    }
    Ok(0)
}
