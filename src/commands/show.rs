//! `ecsnet show PLAN`: a saved plan, rendered as `plan` renders it.

use std::io::Write;

use crate::cli::{OutputFormat, ShowArgs};
use crate::views;

use super::ExitCode;

pub fn run(args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let saved = super::read_saved_plan(&args.plan)?;
    let mut stdout = views::stdout().lock();
    match args.output {
        OutputFormat::Text => {
            writeln!(stdout, "Saved plan of {} (live state fingerprint {}):", saved.topology_path, saved.fingerprint)?;
            views::plan::write_text(&mut stdout, &saved.plan)?;
        }
        OutputFormat::Json => views::plan::write_json(&mut stdout, &saved.plan)?,
    }
    Ok(0)
}
