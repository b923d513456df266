//! `ecsnet completions SHELL`: the shell's completion script on stdout, generated from the clap definition.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};

use super::ExitCode;

pub fn run(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    // clap_complete panics when its writer fails: it writes into memory, and a closed stdout is an error here.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "ecsnet", &mut script);
    std::io::stdout().lock().write_all(&script)?;
    Ok(0)
}
