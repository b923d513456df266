//! The styles of ecsnet's text, one name for each thing styled.

use anstyle::{AnsiColor, Style};

use crate::plan::Action;

/// The head of a change in a plan (`+ service.api.target_group`), colored by what happens to it, as Terraform does.
pub fn action(action: Action) -> Style {
    let color = match action {
        Action::Create => AnsiColor::Green,
        Action::Update => AnsiColor::Yellow,
        Action::Replace => AnsiColor::Magenta,
        Action::Delete => AnsiColor::Red,
        Action::Adopt => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(color.into()))
}

/// A warning in a plan, as Terraform shows its own.
pub const WARNING: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
