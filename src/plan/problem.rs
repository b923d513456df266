//! Why a plan cannot be made: problems in live state, each with a hint, and the key of the file that named what
//! is missing, so that it reads like a format error: `ecsnet.toml:12:11: service "payments" [service.ecs] cluster`.

use std::fmt;

use crate::views::plural::counted;

/// Something in live state that keeps the plan from being made: a missing VPC, a name taken by a resource
/// ecsnet does not own, a priority held by someone else's rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub what: String,
    pub hint: String,
    /// The key of the file whose value this is about, when one is.
    pub key: Option<FileKey>,
    /// `file:line:column` of `key`, set where the file's text is at hand (`commands`).
    pub place: Option<String>,
}

/// A key of the topology file, named as people read the file: the service by its name, then the key with its
/// table (`service "payments" [service.ecs] cluster`, `[network] subnets[1]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileKey {
    /// The `[[service]]` table by its `name`; `None` for keys outside the services.
    pub service: Option<String>,
    /// The key's path inside the service (`ecs.cluster`) or the file (`network.subnets[1]`).
    pub path: String,
}

impl FileKey {
    pub fn service(service: &str, path: &str) -> Self {
        FileKey { service: Some(service.to_string()), path: path.to_string() }
    }

    pub fn top(path: &str) -> Self {
        FileKey { service: None, path: path.to_string() }
    }
}

impl fmt::Display for FileKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::topology::shown_key(self.service.as_deref(), &self.path))
    }
}

impl Problem {
    pub fn new(what: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem { what: what.into(), hint: hint.into(), key: None, place: None }
    }

    /// A problem with a value of the file, shown after its key.
    pub fn at(key: FileKey, what: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem { key: Some(key), ..Problem::new(what, hint) }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(place) = &self.place {
            write!(f, "{place}: ")?;
        }
        if let Some(key) = &self.key {
            write!(f, "{key}: ")?;
        }
        write!(f, "{}\n    hint: {}", self.what, self.hint)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PlanError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot plan: {} in live state, nothing was changed",
            counted(self.problems.len() as u64, "problem")
        )?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}
