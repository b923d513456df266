//! `ecsnet doctor`: one line a check of live state, exit 1 when any fails.

use anyhow::Context as _;

use crate::aws::observe::health;
use crate::cli::{DoctorArgs, GlobalArgs};
use crate::doctor::{checks, Status};
use crate::views;

use super::{report_requests, start, ExitCode, Terminal};

pub async fn run(global: &GlobalArgs, terminal: &Terminal, args: &DoctorArgs) -> anyhow::Result<ExitCode> {
    let session = start(global, terminal, &args.file.path).await?;
    let facts = health::read(&session.aws, &session.topology, &session.observed)
        .await
        .context("reading target health, task definitions and Cloud Map instances failed")?;
    let checks = checks(&session.topology, &session.observed, &facts);
    views::doctor::write(&mut views::stdout().lock(), &checks, args.output)?;
    report_requests(global, terminal, &session.aws);
    Ok(if checks.iter().any(|check| check.status == Status::Fail) { 1 } else { 0 })
}
