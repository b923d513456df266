//! Reading a topology file: TOML syntax and types first, then AWS's limits; errors of both name the file, line,
//! column and key.

use std::path::{Path, PathBuf};

use super::file::TopologyFile;
use super::places::{KeyPlaces, Lines, Place};
use super::validate::{validate, ValidationError};
use super::Topology;
use crate::views::plural::counted;

#[derive(Debug, thiserror::Error)]
pub enum TopologyError {
    /// The cause is said in the message and not chained as a source, so `{:#}` prints it once.
    #[error("{}", read_message(.path, .error))]
    Read { path: PathBuf, error: std::io::Error },
    #[error("{path}:{line}:{column}: {key}: {message}")]
    Syntax { path: PathBuf, line: usize, column: usize, key: String, message: String },
    #[error("{path}: {count} found, nothing was changed:\n{list}", count = counted(.errors.len() as u64, "problem"), list = render_list(.path, .errors))]
    Invalid { path: PathBuf, errors: Vec<ValidationError> },
}

/// A missing file says how to get one: `-f` for a file elsewhere, `ecsnet init` for a first one.
fn read_message(path: &Path, error: &std::io::Error) -> String {
    let shown = path.display();
    if error.kind() == std::io::ErrorKind::NotFound {
        format!(
            "no topology file {shown}\n  hint: name another with -f FILE, or write a first one from a running \
             ECS cluster with `ecsnet init --cluster CLUSTER -o {shown}`"
        )
    } else {
        format!("cannot read topology file {shown}: {error}")
    }
}

/// One problem a line, placed as syntax errors are: `path:line:column: key: problem`, then its hint.
fn render_list(path: &Path, errors: &[ValidationError]) -> String {
    let path = path.display();
    errors
        .iter()
        .map(|error| format!("  - {path}:{}:{}: {error}", error.line, error.column))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `line:column` of a key in topology text: `path` inside the `[[service]]` named `service`, or inside the file
/// (for problems found in live state, which name the service by its name).
pub fn locate(text: &str, service: Option<&str>, path: &str) -> (usize, usize) {
    let places = KeyPlaces::read(text);
    let key = match service {
        Some(service) => {
            let index = toml_edit::ImDocument::parse(text).ok().and_then(|document| {
                document
                    .get("service")?
                    .as_array_of_tables()?
                    .iter()
                    .position(|table| table.get("name").and_then(|name| name.as_str()) == Some(service))
            });
            match index {
                Some(index) => format!("service[{index}].{path}"),
                None => "service".to_string(),
            }
        }
        None => path.to_string(),
    };
    let Place { line, column } = places.place_of(&key);
    (line, column)
}

/// Reads, parses and validates the topology file at `path`.
pub fn load(path: &Path) -> Result<Topology, TopologyError> {
    parse(path, &read(path)?)
}

/// The topology file's text, read once: what is planned from is what a saved plan keeps.
pub fn read(path: &Path) -> Result<String, TopologyError> {
    std::fs::read_to_string(path).map_err(|error| TopologyError::Read { path: path.to_path_buf(), error })
}

/// Parses and validates topology text; `path` is only used in error messages.
pub fn parse(path: &Path, text: &str) -> Result<Topology, TopologyError> {
    let file = parse_file(path, text)?;
    validate(&file).map_err(|errors| TopologyError::Invalid {
        path: path.to_path_buf(),
        errors: errors.placed(&KeyPlaces::read(text)),
    })
}

/// serde names the Rust types of the file's structs (`expected i64`); a file's reader knows TOML's.
fn plain_types(message: &str) -> String {
    message.replace("expected i64", "expected an integer").replace("expected a boolean", "expected true or false")
}

fn parse_file(path: &Path, text: &str) -> Result<TopologyFile, TopologyError> {
    let deserializer = toml::Deserializer::new(text);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let key = error.path().to_string();
        let inner = error.into_inner();
        let Place { line, column } = Lines::new(text).place(inner.span().map_or(0, |span| span.start));
        TopologyError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            key: if key == "." { "(top level)".into() } else { key },
            message: plain_types(inner.message().trim()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax_error(text: &str) -> String {
        parse(Path::new("ecsnet.toml"), text).unwrap_err().to_string()
    }

    const MINIMAL: &str = "name = \"demo\"\n[network]\nvpc = \"vpc-1\"\nsubnets = [\"a\", \"b\"]\n";

    #[test]
    fn unknown_keys_name_the_file_line_and_key() {
        let message = syntax_error(&format!("{MINIMAL}[load_balancer]\nschem = \"internal\"\n"));
        assert!(message.starts_with("ecsnet.toml:6:1: load_balancer.schem: unknown field `schem`"), "{message}");
    }

    #[test]
    fn wrong_types_name_the_file_line_and_key() {
        let message =
            syntax_error(&format!("{MINIMAL}[[service]]\nname = \"a\"\nport = \"8080\"\nsecurity_group = \"sg-1\"\n"));
        assert_eq!(message, "ecsnet.toml:7:8: service[0].port: invalid type: string \"8080\", expected an integer");
    }

    #[test]
    fn errors_inside_listener_tables_keep_their_key_and_line() {
        let message = syntax_error(&format!("{MINIMAL}[load_balancer]\n[[listener]]\nport = 443\nprot = \"HTTPS\"\n"));
        assert!(message.starts_with("ecsnet.toml:8:1: listener[0].prot: unknown field `prot`"), "{message}");
        let message = syntax_error(&format!("{MINIMAL}[load_balancer]\n[listener]\ndefault = {{ fixed = 404 }}\n"));
        assert!(message.contains("listener.default.fixed: unknown field `fixed`"), "{message}");
    }

    #[test]
    fn missing_required_keys_are_named() {
        let message = syntax_error("name = \"demo\"\n");
        assert!(message.contains("missing field `network`"), "{message}");
    }

    #[test]
    fn validation_errors_name_the_file_line_and_column_as_syntax_errors_do() {
        let message =
            syntax_error(&format!("{MINIMAL}[[service]]\nname = \"a\"\nport = 0\nsecurity_group = \"sg-1\"\n"));
        assert_eq!(
            message,
            "ecsnet.toml: 1 problem found, nothing was changed:\n  - ecsnet.toml:7:8: service[0].port: 0 is outside \
             1–65535\n    hint: write a TCP port number"
        );
    }

    #[test]
    fn a_missing_file_names_the_way_to_one_and_its_cause_once() {
        let directory = tempfile::tempdir().unwrap();
        let error = anyhow::Error::from(load(&directory.path().join("ecsnet.toml")).unwrap_err());
        let message = format!("{error:#}").replace(&directory.path().display().to_string(), "DIR");
        insta::assert_snapshot!("missing_file", message);
    }

    #[test]
    fn a_file_that_cannot_be_read_says_why_once() {
        let directory = tempfile::tempdir().unwrap();
        let error = anyhow::Error::from(load(directory.path()).unwrap_err());
        let message = format!("{error:#}").replace(&directory.path().display().to_string(), "DIR");
        assert_eq!(message.matches("os error").count(), 1, "{message}");
        assert!(message.starts_with("cannot read topology file DIR: "), "{message}");
    }

    #[test]
    fn keys_of_a_service_are_located_by_its_name() {
        let text =
            format!("{MINIMAL}[[service]]\nname = \"a\"\n[[service]]\nname = \"b\"\n[service.ecs]\ncluster = \"x\"\n");
        assert_eq!(locate(&text, Some("b"), "ecs.cluster"), (10, 11));
        assert_eq!(locate(&text, Some("b"), "ecs.service"), (9, 1));
        assert_eq!(locate(&text, None, "network.subnets[1]"), (4, 17));
    }

    #[test]
    fn a_minimal_file_parses() {
        let topology = parse(Path::new("ecsnet.toml"), MINIMAL).unwrap();
        assert_eq!(topology.name, "demo");
        assert!(topology.load_balancer.is_none());
    }
}
