//! What ecsnet shows, in one place: the text and JSON of every command, and the progress of long runs.
//!
//! Views write to the stream they are given. Text is styled with `anstyle`; whether the styles reach the reader
//! is decided per stream by `anstream` (a terminal, `NO_COLOR`, `CLICOLOR_FORCE`, and `--color`), so a plan shown
//! on stderr is colored by stderr's terminal, not stdout's. Tests write into a `Vec<u8>` and read the text with
//! the styles stripped, or kept where the styles are what is tested.

pub mod change;
pub mod doctor;
pub mod events;
pub mod graph;
pub mod operator;
pub mod plan;
pub mod plural;
pub mod route;
mod stages;
pub mod style;
mod unreachable;

use crate::cli::ColorChoice;

/// Sets `--color` for every stream opened after it; `auto` lets each stream decide.
pub fn choose_color(choice: ColorChoice) {
    anstream::ColorChoice::write_global(match choice {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    });
}

/// Standard output, styled when it is a terminal (or as `--color` says).
pub fn stdout() -> anstream::Stdout {
    anstream::stdout()
}

/// Standard error, styled when it is a terminal (or as `--color` says).
pub fn stderr() -> anstream::Stderr {
    anstream::stderr()
}

/// What ended the command, on stderr: `error: ` and its causes, each after `: `.
pub fn write_error(error: &dyn std::fmt::Display) {
    use std::io::Write as _;
    let _ = writeln!(stderr().lock(), "error: {error}");
}

/// `text` without its styles: what a reader sees on a stream that is not a terminal (for the views' tests).
#[cfg(test)]
pub fn plain(text: &str) -> String {
    anstream::adapter::strip_str(text).to_string()
}
