//! `ecsnet show PLAN`: a saved plan, rendered as `plan` renders it.

use std::io::Write;

use crate::cli::{OutputFormat, ShowArgs};
use crate::plan::render;

use super::{ExitCode, Terminal};
use crate::plan::saved::SavedPlan;

pub fn run(terminal: &Terminal, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let saved = SavedPlan::read(&args.plan)?;
    let mut stdout = std::io::stdout().lock();
    match args.output {
        OutputFormat::Text => {
            writeln!(stdout, "Saved plan of {} (live state fingerprint {}):", saved.topology_path, saved.fingerprint)?;
            render::write_text(&mut stdout, &saved.plan, terminal.style())?;
        }
        OutputFormat::Json => render::write_json(&mut stdout, &saved.plan)?,
    }
    Ok(0)
}
