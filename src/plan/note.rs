//! Facts about a plan that change nothing: an adopted zone, a rule satisfied by the user's own, a warning.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteLevel {
    /// Worth knowing: ecsnet uses something it did not create, or leaves something alone.
    Info,
    /// Worth acting on: the plan works, but something about it is likely not what the user wants.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub level: NoteLevel,
    pub text: String,
}

impl Note {
    pub fn info(text: impl Into<String>) -> Note {
        Note { level: NoteLevel::Info, text: text.into() }
    }

    pub fn warning(text: impl Into<String>) -> Note {
        Note { level: NoteLevel::Warning, text: text.into() }
    }
}

/// As the plan's JSON lists it: a warning prefixed `warning: `, a note as it is.
impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.level {
            NoteLevel::Info => write!(f, "{}", self.text),
            NoteLevel::Warning => write!(f, "warning: {}", self.text),
        }
    }
}
