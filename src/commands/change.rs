//! `ecsnet apply` and `ecsnet destroy`: show the plan, ask, execute, report.

use std::io::Write;

use crate::aws::execute::execute;
use crate::cli::{ChangeArgs, GlobalArgs};
use crate::plan::{plan_apply, plan_destroy, render};

use super::{report_requests, start, ExitCode, Terminal};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Apply,
    Destroy,
}

pub async fn run(global: &GlobalArgs, terminal: &Terminal, args: &ChangeArgs, kind: Kind) -> anyhow::Result<ExitCode> {
    let session = start(global, terminal, &args.file.path).await?;
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
