//! The terminal side of the CLI: color choice, stderr messages and progress, and the confirmation prompt.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Instant;

use crate::aws::execute::Progress;
use crate::cli::ColorChoice;
use crate::plan::render::Style;

#[derive(Clone, Copy)]
pub struct Terminal {
    color: bool,
    started: Instant,
}

#[derive(Debug, thiserror::Error)]
#[error("refusing to change anything without a terminal to confirm on\nhint: review the plan with `ecsnet plan`, then pass --auto-approve")]
pub struct NoTerminal;

impl Terminal {
    pub fn new(choice: ColorChoice) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
            }
        };
        Terminal { color, started: Instant::now() }
    }

    pub fn style(&self) -> Style {
        Style { color: self.color }
    }

    pub fn info(&self, message: &str) {
        eprintln!("{message}");
    }

    /// `confirm` on a thread of its own, so that a stop (a signal) need not wait for the answer. The read of stdin
    /// is left behind then; the process exits without waiting for it.
    pub async fn confirm_off_thread(&self, question: String) -> Result<bool, NoTerminal> {
        let terminal = *self;
        tokio::task::spawn_blocking(move || terminal.confirm(&question)).await.unwrap_or(Ok(false))
    }

    /// Asks on the terminal; only "yes" counts. Without a terminal on stdin it refuses.
    pub fn confirm(&self, question: &str) -> Result<bool, NoTerminal> {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err(NoTerminal);
        }
        eprint!("\n{question}\n  Only 'yes' will be accepted: ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        if stdin.lock().read_line(&mut answer).is_err() {
            return Ok(false);
        }
        Ok(answer.trim() == "yes")
    }
}

impl Progress for Terminal {
    fn report(&self, message: &str) {
        eprintln!("[{:>6.1}s] {message}", self.started.elapsed().as_secs_f64());
    }
}
