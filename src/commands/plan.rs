//! `ecsnet plan`: the difference between the file and live state, changing nothing.

use anyhow::Context as _;

use crate::cli::{GlobalArgs, OutputFormat, PlanArgs};
use crate::plan::plan_apply_or_adopt;
use crate::plan::saved::SavedPlan;
use crate::views;

use super::{report_requests, start, ExitCode, Terminal};

/// Exit code of `--detailed-exitcode` when changes are pending (Terraform's contract).
pub const CHANGES_PENDING: ExitCode = 2;

pub async fn run(global: &GlobalArgs, terminal: &Terminal, args: &PlanArgs) -> anyhow::Result<ExitCode> {
    let session = start(global, terminal, &args.file.path).await?;
    let adopt = args.adopt.policy();
    let plan = plan_apply_or_adopt(&session.topology, &session.observed, adopt.as_ref())?;
    let mut stdout = views::stdout().lock();
    match args.output {
        OutputFormat::Text => views::plan::write_text(&mut stdout, &plan)?,
        OutputFormat::Json => views::plan::write_json(&mut stdout, &plan)?,
    }
    if let Some(out) = &args.out {
        let path = args.file.path.display().to_string();
        let saved = SavedPlan::new(&path, &session.text, adopt.as_ref(), &session.observed, plan.clone());
        std::fs::write(out, serde_json::to_string_pretty(&saved)?)
            .with_context(|| format!("cannot write the plan to {}", out.display()))?;
        terminal.info(&format!(
            "Saved the plan to {}; `ecsnet apply {}` carries out exactly this plan.",
            out.display(),
            out.display()
        ));
    }
    report_requests(global, terminal, &session.aws);
    Ok(if args.detailed_exitcode && !plan.is_empty() { CHANGES_PENDING } else { 0 })
}
