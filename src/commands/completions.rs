//! `ecsnet completions SHELL`: the shell's completion script on stdout, generated from the clap definition.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};

use super::ExitCode;

pub fn run(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    clap_complete::generate(args.shell, &mut Cli::command(), "ecsnet", &mut std::io::stdout().lock());
    Ok(0)
}
