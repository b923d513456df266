//! The file's format, every problem at once: serde stops at the first unknown key or wrong type, so each one is
//! noted, taken out of (or stood in for in) the parsed TOML, and the file read again, until it reads or a problem
//! leaves nothing to go on (a missing required key). An unknown key gets the nearest known key of its table, or
//! the table it belongs in.

use toml::Value;

use super::file::{TopologyFile, TABLES};
use super::places::{shown_path, KeyPlaces};
use super::ValidationError;
use crate::suggest::nearest;

/// At most this many format problems are gathered; a file with more is likely not a topology file.
const MOST: usize = 50;

/// One problem of the file's format, at its key path (`service[0].ecs.callers`).
pub(super) struct FormatProblem {
    key: String,
    problem: String,
    hint: String,
}

impl FormatProblem {
    pub(super) fn placed(self, places: &KeyPlaces, services: &[&str]) -> ValidationError {
        let place = places.place_of(&self.key);
        ValidationError {
            shown: shown_path(&self.key, services),
            key: self.key,
            problem: self.problem,
            hint: self.hint,
            line: place.line,
            column: place.column,
        }
    }
}

/// The file read from parsed TOML, and every problem of its format. The file is `None` when a problem left
/// nothing to go on; else it holds stand-ins where values were refused (validation's word on them is dropped).
pub(super) fn read(mut value: Value) -> (Option<TopologyFile>, Vec<FormatProblem>) {
    let mut problems = Vec::new();
    loop {
        let error = match serde_path_to_error::deserialize::<_, TopologyFile>(value.clone()) {
            Ok(file) => return (Some(file), problems),
            Err(error) => error,
        };
        let key = error.path().to_string();
        let message = error.into_inner().message().trim().to_string();
        let (problem, next) = explain(&key, &message);
        let repaired = match next {
            Next::Remove => remove(&mut value, &key),
            Next::StandIn(stand_in) => replace(&mut value, &key, stand_in),
            Next::Stop => false,
        };
        problems.push(problem);
        if !repaired || problems.len() >= MOST {
            return (None, problems);
        }
    }
}

/// The service names of parsed TOML, in order: how problems name the services.
pub(super) fn service_names(value: &Value) -> Vec<&str> {
    let services = value.get("service").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    services.iter().map(|service| service.get("name").and_then(Value::as_str).unwrap_or_default()).collect()
}

/// What to do with a refused value to read on.
enum Next {
    Remove,
    StandIn(Value),
    Stop,
}

fn explain(key: &str, message: &str) -> (FormatProblem, Next) {
    let problem = |problem: String, hint: String| FormatProblem { key: key.to_string(), problem, hint };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let unknown = rest.split('`').next().unwrap_or_default();
        let known: Vec<&str> = message
            .split_once("expected ")
            .map_or_else(Vec::new, |(_, expected)| expected.split('`').skip(1).step_by(2).collect());
        return (problem(format!("unknown key `{unknown}`"), unknown_key_hint(key, unknown, &known)), Next::Remove);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let missing = rest.split('`').next().unwrap_or_default();
        let table = table_of(key);
        let key = if key.is_empty() || key == "." { missing.to_string() } else { format!("{key}.{missing}") };
        let hint = match TABLES.iter().any(|(name, _)| *name == missing) {
            true if table.is_empty() => format!("add a [{missing}] table"),
            _ => format!("add `{missing} = …` to {}", shown_table(&table)),
        };
        let found = FormatProblem { key, problem: "is missing".into(), hint };
        return (found, Next::Stop);
    }
    let plain = plain_types(message);
    let (hint, stand_in) = if plain.contains("expected an integer") {
        ("write a number without quotes", Some(Value::Integer(1)))
    } else if plain.contains("expected true or false") {
        ("write true or false, without quotes", Some(Value::Boolean(false)))
    } else if plain.contains("expected a string") {
        ("write the value in double quotes", Some(Value::String(String::new())))
    } else if plain.contains("expected a sequence") {
        ("write a list in brackets: [\"a\", \"b\"]", Some(Value::Array(Vec::new())))
    } else {
        ("see docs/reference/topology.md for the key's values", None)
    };
    let next = stand_in.map_or(Next::Remove, Next::StandIn);
    (problem(plain, hint.to_string()), next)
}

/// serde names the Rust types of the file's structs (`expected i64`); a file's reader knows TOML's.
fn plain_types(message: &str) -> String {
    message
        .replace("expected i64", "expected an integer")
        .replace("expected u16", "expected an integer")
        .replace("expected a boolean", "expected true or false")
}

/// An unknown key: the known key it is nearest to, or the table it belongs in, or the table's keys.
fn unknown_key_hint(path: &str, unknown: &str, known: &[&str]) -> String {
    let table = table_of(path.rsplit_once('.').map_or("", |(table, _)| table));
    let elsewhere: Vec<&str> = TABLES
        .iter()
        .filter(|(other, keys)| *other != table && keys.contains(&unknown))
        .map(|(other, _)| *other)
        .collect();
    if let Some(near) = nearest(unknown, known.iter().copied()) {
        return format!("did you mean `{near}`?");
    }
    if !elsewhere.is_empty() {
        let tables: Vec<String> = elsewhere.iter().map(|other| shown_table(other)).collect();
        let hint = format!("`{unknown}` is a key of {}, not of {}", tables.join(" or "), shown_table(&table));
        return match (elsewhere.as_slice(), table.strip_prefix("service.")) {
            (["service"], Some(_)) => format!("{hint}: move it above the {} header", shown_table(&table)),
            _ => hint,
        };
    }
    let keys: Vec<String> = known.iter().map(|key| format!("`{key}`")).collect();
    format!("the keys of {} are {}", shown_table(&table), keys.join(", "))
}

/// A key path's table without indices: `service[1].ecs` → `service.ecs`.
fn table_of(path: &str) -> String {
    let mut table = String::new();
    let mut depth = 0;
    for character in path.chars() {
        match character {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => table.push(character),
            _ => {}
        }
    }
    table.trim_matches('.').to_string()
}

fn shown_table(table: &str) -> String {
    match table {
        "" => "the top level of the file".into(),
        "service" => "the [[service]] table".into(),
        table => format!("[{table}]"),
    }
}

/// The segments of a key path: `service[0].ecs.callers` → `service`, 0, `ecs`, `callers`.
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut found = Vec::new();
    for part in path.split('.').filter(|part| !part.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|key| !key.is_empty()) {
            found.push(Segment::Key(key));
        }
        for index in pieces {
            if let Ok(index) = index.trim_end_matches(']').parse() {
                found.push(Segment::Index(index));
            }
        }
    }
    found
}

/// The value at `path`'s parent, and `path`'s last segment.
fn parent_of<'v, 'p>(value: &'v mut Value, path: &'p str) -> Option<(&'v mut Value, Segment<'p>)> {
    let mut segments = segments(path);
    let last = segments.pop()?;
    let mut at = value;
    for segment in segments {
        at = match segment {
            Segment::Key(key) => at.get_mut(key)?,
            Segment::Index(index) => at.get_mut(index)?,
        };
    }
    Some((at, last))
}

fn remove(value: &mut Value, path: &str) -> bool {
    match parent_of(value, path) {
        Some((Value::Table(table), Segment::Key(key))) => table.remove(key).is_some(),
        Some((Value::Array(array), Segment::Index(index))) if index < array.len() => {
            array.remove(index);
            true
        }
        _ => false,
    }
}

fn replace(value: &mut Value, path: &str, stand_in: Value) -> bool {
    match parent_of(value, path) {
        Some((Value::Table(table), Segment::Key(key))) if table.contains_key(key) => {
            table.insert(key.to_string(), stand_in);
            true
        }
        Some((Value::Array(array), Segment::Index(index))) if index < array.len() => {
            array[index] = stand_in;
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_drop_their_indices() {
        assert_eq!(table_of("service[1].ecs"), "service.ecs");
        assert_eq!(table_of("listener[0].default"), "listener.default");
        assert_eq!(table_of(""), "");
    }
}
