//! Reading a topology file: TOML syntax and types first, then AWS's limits; errors of both name the file, line,
//! column and key.

use std::path::{Path, PathBuf};

use super::format;
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

/// Parses and validates topology text; `path` is only used in error messages. Every problem is reported at once:
/// the file's format (unknown keys, wrong types) and AWS's limits alike.
pub fn parse(path: &Path, text: &str) -> Result<Topology, TopologyError> {
    let table = text.parse::<toml::Table>().map_err(|error| {
        let Place { line, column } = Lines::new(text).place(error.span().map_or(0, |span| span.start));
        let message = error.message().trim().to_string();
        TopologyError::Syntax { path: path.to_path_buf(), line, column, key: "(top level)".into(), message }
    })?;
    let places = KeyPlaces::read(text);
    let value = toml::Value::Table(table);
    let services = format::service_names(&value);
    let (file, found) = format::read(value.clone());
    let mut problems: Vec<ValidationError> = found.into_iter().map(|found| found.placed(&places, &services)).collect();
    if let Some(file) = &file {
        match validate(file) {
            Ok(topology) if problems.is_empty() => return Ok(topology),
            Ok(_) => {}
            Err(found) => {
                // A value the format refused was read as a stand-in: what validation says of it is left out.
                let refused: Vec<String> = problems.iter().map(|problem| problem.key.clone()).collect();
                let found = found.placed(&places, &services);
                problems.extend(
                    found
                        .into_iter()
                        .filter(|problem| !refused.iter().any(|key| problem.key.starts_with(key.as_str()))),
                );
            }
        }
    }
    Err(TopologyError::Invalid { path: path.to_path_buf(), errors: problems })
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
        assert!(
            message.contains(
                "\n  - ecsnet.toml:6:9: [load_balancer] schem: unknown key `schem`\n    hint: did you mean `scheme`?"
            ),
            "{message}"
        );
    }

    #[test]
    fn wrong_types_name_the_file_line_and_key() {
        let message =
            syntax_error(&format!("{MINIMAL}[[service]]\nname = \"a\"\nport = \"8080\"\nsecurity_group = \"sg-1\"\n"));
        assert_eq!(
            message,
            "ecsnet.toml: 1 problem found, nothing was changed:\n  - ecsnet.toml:7:8: service \"a\" port: invalid type: \
             string \"8080\", expected an integer\n    hint: write a number without quotes"
        );
    }

    #[test]
    fn errors_inside_listener_tables_keep_their_key_and_line() {
        let message = syntax_error(&format!("{MINIMAL}[load_balancer]\n[[listener]]\nport = 443\nprot = \"HTTPS\"\n"));
        assert!(message.contains("ecsnet.toml:8:8: listener[0] prot: unknown key `prot`"), "{message}");
        let message = syntax_error(&format!("{MINIMAL}[load_balancer]\n[listener]\ndefault = {{ fixed = 404 }}\n"));
        assert!(message.contains("[listener.default] fixed: unknown key `fixed`"), "{message}");
    }

    #[test]
    fn missing_required_keys_are_named() {
        let message = syntax_error("name = \"demo\"\n");
        assert!(message.contains("ecsnet.toml:1:1: network: is missing\n    hint: add a [network] table"), "{message}");
    }

    #[test]
    fn validation_errors_name_the_file_line_and_column_as_syntax_errors_do() {
        let message =
            syntax_error(&format!("{MINIMAL}[[service]]\nname = \"a\"\nport = 0\nsecurity_group = \"sg-1\"\n"));
        assert_eq!(
            message,
            "ecsnet.toml: 1 problem found, nothing was changed:\n  - ecsnet.toml:7:8: service \"a\" port: 0 is outside \
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

    /// Before: only the first typo, `ecsnet.toml:6:1: load_balancer.schem: unknown field `schem`, expected one of
    /// …`, and no word on the second or on the validation problem after it.
    #[test]
    fn every_problem_of_format_and_validation_is_reported_at_once_with_did_you_mean() {
        let text = format!(
            "{MINIMAL}[load_balancer]\nschem = \"internal\"\n[[service]]\nname = \"orders\"\nport = 3000\n\
             security_grup = \"orders-tasks\"\nsecurity_group = \"orders-tasks\"\n[[service]]\nname = \"payments\"\n\
             port = 0\nsecurity_group = \"payments-tasks\"\nhost = \"payments.example.com\"\ncallers = [\"order\"]\n"
        );
        insta::assert_snapshot!(syntax_error(&text));
    }

    /// Before: `service[0].ecs.callers: unknown field `callers`, expected one of `cluster`, `service`, `container``.
    #[test]
    fn a_key_in_the_wrong_table_names_the_table_it_belongs_in() {
        let text = format!(
            "{MINIMAL}[[service]]\nname = \"orders\"\nport = 3000\nsecurity_group = \"sg-1\"\nload_balanced = false\n\
             [service.ecs]\ncluster = \"main\"\ncallers = [\"payments\"]\n"
        );
        insta::assert_snapshot!(syntax_error(&text));
    }

    #[test]
    fn a_wrong_type_and_an_unknown_key_are_both_reported_and_the_type_is_not_validated_again() {
        let text = format!(
            "{MINIMAL}[[service]]\nname = \"orders\"\nport = \"9000\"\nsecurity_group = \"sg-1\"\nload_balanced = false\n\
             prot = 1\n"
        );
        let message = syntax_error(&text);
        assert!(message.starts_with("ecsnet.toml: 2 problems found"), "{message}");
        assert!(message.contains("service \"orders\" port: invalid type"), "{message}");
        assert!(
            message.contains("service \"orders\" prot: unknown key `prot`\n    hint: did you mean `port`?"),
            "{message}"
        );
    }

    #[test]
    fn a_minimal_file_parses() {
        let topology = parse(Path::new("ecsnet.toml"), MINIMAL).unwrap();
        assert_eq!(topology.name, "demo");
        assert!(topology.load_balancer.is_none());
    }
}
