//! `ecsnet show PLAN`: a saved plan, rendered as `plan` renders it.

use crate::cli::{OutputFormat, ShowArgs};
use crate::views;

use super::ExitCode;

pub fn run(args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let saved = super::read_saved_plan(&args.plan)?;
    let mut stdout = views::stdout().lock();
    match args.output {
        OutputFormat::Text => {
            views::operator::write_saved_header(&mut stdout, &saved.topology_path, &saved.fingerprint)?;
            views::plan::write_text(&mut stdout, &saved.plan)?;
        }
        OutputFormat::Json => views::plan::write_json(&mut stdout, &saved.plan)?,
    }
    Ok(0)
}
