//! `ecsnet doctor`: one line a check of live state, exit 1 when any fails.

use std::io::Write;

use anyhow::Context as _;

use crate::aws::observe::health;
use crate::cli::{DoctorArgs, GlobalArgs, OutputFormat};
use crate::doctor::{checks, render_json, render_text, Status};

use super::{report_requests, start, ExitCode, Terminal};

pub async fn run(global: &GlobalArgs, terminal: &Terminal, args: &DoctorArgs) -> anyhow::Result<ExitCode> {
    let session = start(global, terminal, &args.file.path).await?;
    let facts = health::read(&session.aws, &session.topology, &session.observed)
        .await
        .context("reading target health, task definitions and Cloud Map instances failed")?;
    let checks = checks(&session.topology, &session.observed, &facts);
    let text = match args.output {
        OutputFormat::Text => render_text(&checks),
        OutputFormat::Json => render_json(&checks)? + "\n",
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    report_requests(global, terminal, &session.aws);
    Ok(if checks.iter().any(|check| check.status == Status::Fail) { 1 } else { 0 })
}
