//! `ecsnet apply` and `ecsnet destroy`: show the plan, ask, execute, report.

use std::io::Write;

use std::time::Duration;

use anyhow::Context as _;

use crate::aws::execute::execute;
use crate::aws::observe::find_vpc;
use crate::aws::{lock, Aws};
use crate::cli::{ChangeArgs, GlobalArgs};
use crate::plan::{plan_apply, plan_destroy, render};
use crate::topology::{self, Topology};

use super::{connect, observe_session, report_requests, ExitCode, Terminal};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Apply,
    Destroy,
}

pub async fn run(global: &GlobalArgs, terminal: &Terminal, args: &ChangeArgs, kind: Kind) -> anyhow::Result<ExitCode> {
    let topology = topology::load(&args.file.path)?;
    let aws = connect(global, topology.region.as_deref()).await?;
    // Two runs must not change one topology at once: take its lock (in the VPC) before reading live state.
    let lock = match find_vpc(&aws, &topology).await.context("reading live state failed; nothing was changed")? {
        Some(vpc) => Some(lock::acquire(&aws, &topology.name, &vpc.id, lock_ttl(), Duration::from_secs(args.lock_timeout), terminal).await?),
        None => None,
    };
    let result = locked(global, terminal, args, kind, topology, &aws).await;
    if let Some(lock) = lock {
        if let Err(error) = lock.release(&aws).await {
            terminal.info(&format!("warning: could not release the lock: {error}; it expires by itself"));
        }
    }
    result
}

/// The lock's lifetime: `ECSNET_LOCK_TTL_SECONDS`, else 30 minutes.
fn lock_ttl() -> Duration {
    std::env::var("ECSNET_LOCK_TTL_SECONDS").ok().and_then(|seconds| seconds.parse().ok()).map_or(lock::DEFAULT_TTL, Duration::from_secs)
}

async fn locked(global: &GlobalArgs, terminal: &Terminal, args: &ChangeArgs, kind: Kind, topology: Topology, aws: &Aws) -> anyhow::Result<ExitCode> {
    let session = observe_session(global, terminal, topology, aws.clone()).await?;
    let plan = match kind {
        Kind::Apply => plan_apply(&session.topology, &session.observed)?,
        Kind::Destroy => plan_destroy(&session.topology, &session.observed)?,
    };
    {
        let mut stdout = std::io::stdout().lock();
        render::write_text(&mut stdout, &plan, terminal.style())?;
        stdout.flush()?;
    }
    if plan.is_empty() {
        report_requests(global, terminal, &session.aws);
        return Ok(0);
    }
    if !args.auto_approve {
        let question = match kind {
            Kind::Apply => format!("Apply these changes to topology \"{}\"?", plan.topology),
            Kind::Destroy => format!("Destroy everything topology \"{}\" owns?", plan.topology),
        };
        if !terminal.confirm(&question)? {
            terminal.info("Nothing was changed.");
            return Ok(1);
        }
    }
    let requests_before = session.aws.requests.total();
    let report = execute(&session.aws, &plan, terminal).await?;
    let summary = plan.summary();
    let sent = session.aws.requests.total() - requests_before;
    let mut stdout = std::io::stdout().lock();
    match kind {
        Kind::Apply => writeln!(
            stdout,
            "Apply complete: {} added, {} changed, {} destroyed in {} steps, {:.1} s, {sent} AWS requests.",
            summary.add, summary.change, summary.destroy, report.steps, report.elapsed.as_secs_f64()
        )?,
        Kind::Destroy => writeln!(stdout, "Destroy complete: {} destroyed in {} steps, {:.1} s, {sent} AWS requests.", summary.destroy, report.steps, report.elapsed.as_secs_f64())?,
    }
    report_requests(global, terminal, &session.aws);
    Ok(0)
}
