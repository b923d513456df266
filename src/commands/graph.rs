//! `ecsnet graph`: the topology as a Mermaid or dot diagram, marked with what `plan` would change.

use std::io::Write;

use crate::cli::{GlobalArgs, GraphArgs, GraphFormat};
use crate::graph::{build, dot, mermaid};
use crate::plan::plan_apply;

use super::{report_requests, start, ExitCode, Terminal};

pub async fn run(global: &GlobalArgs, terminal: &Terminal, args: &GraphArgs) -> anyhow::Result<ExitCode> {
    let session = start(global, terminal, &args.file.path).await?;
    let plan = plan_apply(&session.topology, &session.observed)?;
    let graph = build(&session.topology, &plan);
    let text = match args.format {
        GraphFormat::Mermaid => mermaid(&graph),
        GraphFormat::Dot => dot(&graph),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    report_requests(global, terminal, &session.aws);
    Ok(0)
}
