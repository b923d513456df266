//! `ecsnet graph`: the topology as a Mermaid or dot diagram, marked with what `plan` would change.

use crate::cli::{GlobalArgs, GraphArgs};
use crate::graph::build;
use crate::plan::plan_apply;
use crate::views;

use super::{report_requests, start, ExitCode, Terminal};

pub async fn run(global: &GlobalArgs, terminal: &Terminal, args: &GraphArgs) -> anyhow::Result<ExitCode> {
    let session = start(global, terminal, &args.file.path).await?;
    let plan = plan_apply(&session.topology, &session.observed)?;
    let graph = build(&session.topology, &session.observed, &plan);
    views::graph::write(&mut views::stdout().lock(), &graph, args.format)?;
    report_requests(global, terminal, &session.aws);
    Ok(0)
}
