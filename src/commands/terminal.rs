//! The terminal side of the CLI: color choice, stderr messages and progress, and the confirmation prompt.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Instant;

use std::sync::Arc;

use crate::cli::ColorChoice;
use crate::events::{Event, Progress};
use crate::views::events::StderrProgress;

#[derive(Clone)]
pub struct Terminal {
    progress: Arc<StderrProgress>,
}

#[derive(Debug, thiserror::Error)]
#[error("refusing to change anything without a terminal to confirm on\nhint: review the plan with `ecsnet plan`, then pass --auto-approve")]
pub struct NoTerminal;

impl Terminal {
    pub fn new(choice: ColorChoice) -> Self {
        crate::views::choose_color(choice);
        Terminal { progress: Arc::new(StderrProgress::new(Instant::now())) }
    }

    /// A message on stderr, above a spinner that turns.
    pub fn info(&self, message: &str) {
        self.progress.say(message);
    }

    /// `confirm` on a thread of its own, so that a stop (a signal) need not wait for the answer. The read of stdin
    /// is left behind then; the process exits without waiting for it.
    pub async fn confirm_off_thread(&self, question: String) -> Result<bool, NoTerminal> {
        let terminal = self.clone();
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
    fn event(&self, event: Event) {
        self.progress.event(event);
    }
}
