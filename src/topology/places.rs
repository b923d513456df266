//! Where each key of a topology file stands, so that an error naming a key (`service[2].port`) also gives its
//! line and column. Keys are written as validation writes them: tables joined by `.`, array entries by `[index]`.

use std::collections::HashMap;

use toml_edit::{ImDocument, Item, TableLike, Value};

/// A 1-based line and column (in characters) of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Place {
    pub line: usize,
    pub column: usize,
}

/// A key of the file as people read it: the service by its name, then the key with its table
/// (`service "payments" [service.ecs] cluster`, `[network] subnets[1]`, `service "a" callers[0]`).
/// `path` is the key's path inside the service named `service`, or inside the file.
pub fn shown_key(service: Option<&str>, path: &str) -> String {
    let (table, key) = match path.rsplit_once('.') {
        Some((table, key)) => (Some(table), key),
        None => (None, path),
    };
    match (service, table) {
        (Some(service), Some(table)) => format!("service \"{service}\" [service.{table}] {key}"),
        (Some(service), None) if key.is_empty() => format!("service \"{service}\""),
        (Some(service), None) => format!("service \"{service}\" {key}"),
        // An entry of an array of tables by its index: `listener[1] port`.
        (None, Some(table)) if table.contains('[') => format!("{table} {key}"),
        (None, Some(table)) => format!("[{table}] {key}"),
        (None, None) => key.to_string(),
    }
}

/// A key path of the file (`service[1].ecs.cluster`) shown as `shown_key` shows it, the service found by its
/// index in `services` (the file's service names, in order); a service without a name of its own keeps its index.
pub(super) fn shown_path(path: &str, services: &[&str]) -> String {
    let Some(rest) = path.strip_prefix("service[") else { return shown_key(None, path) };
    let Some((index, rest)) = rest.split_once(']') else { return shown_key(None, path) };
    let name = index.parse::<usize>().ok().and_then(|index| services.get(index)).copied();
    let unique = |name: &str| !name.is_empty() && services.iter().filter(|other| **other == name).count() == 1;
    match name {
        Some(name) if unique(name) => shown_key(Some(name), rest.strip_prefix('.').unwrap_or(rest)),
        _ => shown_key(None, path),
    }
}

/// The line starts of a text, to turn byte offsets into places.
pub(super) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(index, _)| index + 1)).collect();
        Lines { text, starts }
    }

    pub(super) fn place(&self, offset: usize) -> Place {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|start| *start <= offset);
        let start = self.starts[line - 1];
        let column = self.text.get(start..offset).map_or(offset - start, |before| before.chars().count()) + 1;
        Place { line, column }
    }
}

/// The place of every key of a topology file: of its value, or of its table's header.
pub(super) struct KeyPlaces<'a> {
    offsets: HashMap<String, usize>,
    lines: Lines<'a>,
}

impl<'a> KeyPlaces<'a> {
    /// Reads `text` a second time, for its spans; a text that does not parse has no places (every key is at 1:1).
    pub(super) fn read(text: &'a str) -> Self {
        let mut offsets = KeyOffsets::default();
        if let Ok(document) = ImDocument::parse(text) {
            offsets.record_children("", document.as_table());
        }
        KeyPlaces { offsets: offsets.0, lines: Lines::new(text) }
    }

    /// Where `key` stands; for a key the file leaves out, where the nearest enclosing key stands (a missing
    /// `service[2].host` is placed at that service's `[[service]]` header), and 1:1 when none is written.
    pub(super) fn place_of(&self, key: &str) -> Place {
        let mut key = key;
        loop {
            if let Some(offset) = self.offsets.get(key) {
                return self.lines.place(*offset);
            }
            match key.rfind(['.', '[']) {
                Some(end) => key = &key[..end],
                None => return self.lines.place(0),
            }
        }
    }
}

/// Byte offsets by key path, gathered by walking the parsed document.
#[derive(Default)]
struct KeyOffsets(HashMap<String, usize>);

impl KeyOffsets {
    fn record(&mut self, path: &str, offset: Option<usize>) {
        if let Some(offset) = offset {
            self.0.insert(path.to_string(), offset);
        }
    }

    fn record_children(&mut self, path: &str, table: &dyn TableLike) {
        for (key, item) in table.iter() {
            let child = if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
            let key_offset = table.key(key).and_then(|key| key.span()).map(|span| span.start);
            self.record_item(&child, item, key_offset);
        }
    }

    /// An item's place is its value's or its header's; `key_offset` stands in for items without a span of their
    /// own (tables made implicitly by a dotted key or header).
    fn record_item(&mut self, path: &str, item: &Item, key_offset: Option<usize>) {
        match item {
            Item::None => {}
            Item::Value(value) => self.record_value(path, value, key_offset),
            Item::Table(table) => {
                self.record(path, table.span().map(|span| span.start).or(key_offset));
                self.record_children(path, table);
            }
            Item::ArrayOfTables(tables) => {
                let first_header = tables.iter().next().and_then(|table| table.span()).map(|span| span.start);
                self.record(path, first_header.or(key_offset));
                for (index, table) in tables.iter().enumerate() {
                    let entry = format!("{path}[{index}]");
                    self.record(&entry, table.span().map(|span| span.start));
                    self.record_children(&entry, table);
                }
            }
        }
    }

    fn record_value(&mut self, path: &str, value: &Value, key_offset: Option<usize>) {
        self.record(path, value.span().map(|span| span.start).or(key_offset));
        match value {
            Value::Array(array) => {
                for (index, element) in array.iter().enumerate() {
                    self.record_value(&format!("{path}[{index}]"), element, None);
                }
            }
            Value::InlineTable(table) => self.record_children(path, table),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name = \"demo\"\n\
        [network]\n\
        subnets = [\"a\", \"b\"]\n\
        [[service]]\n\
        name = \"a\"\n\
        [[service]]\n\
        name = \"b\"\n\
        stickiness = { duration = 0 }\n\
        health_check.path = \"x\"\n\
        [service.ecs]\n";

    fn place(key: &str) -> (usize, usize) {
        let place = KeyPlaces::read(TEXT).place_of(key);
        (place.line, place.column)
    }

    #[test]
    fn values_are_placed_at_their_first_character() {
        assert_eq!(place("name"), (1, 8));
        assert_eq!(place("network.subnets"), (3, 11));
        assert_eq!(place("network.subnets[1]"), (3, 17));
        assert_eq!(place("service[1].stickiness.duration"), (8, 27));
        assert_eq!(place("service[1].health_check.path"), (9, 21));
    }

    #[test]
    fn tables_are_placed_at_their_header_or_brace() {
        assert_eq!(place("network"), (2, 1));
        assert_eq!(place("service"), (4, 1));
        assert_eq!(place("service[0]"), (4, 1));
        assert_eq!(place("service[1]"), (6, 1));
        assert_eq!(place("service[1].ecs"), (10, 1));
        assert_eq!(place("service[1].stickiness"), (8, 14));
    }

    #[test]
    fn tables_made_by_a_dotted_key_are_placed_at_the_key() {
        assert_eq!(place("service[1].health_check"), (9, 1));
    }

    #[test]
    fn missing_keys_are_placed_at_the_nearest_enclosing_key() {
        assert_eq!(place("service[0].port"), (4, 1));
        assert_eq!(place("service[1].ecs.service"), (10, 1));
        assert_eq!(place("service[1].stickiness.duration_ms"), (8, 14));
        assert_eq!(place("network.subnets[5]"), (3, 11));
        assert_eq!(place("region"), (1, 1));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "name = \"é\" # é\nregion = \"x\"\n";
        let lines = Lines::new(text);
        assert_eq!(lines.place(text.find("# é").unwrap()), Place { line: 1, column: 12 });
        assert_eq!(lines.place(text.len()), Place { line: 3, column: 1 });
        assert_eq!(KeyPlaces::read(text).place_of("region"), Place { line: 2, column: 10 });
    }

    #[test]
    fn a_text_that_does_not_parse_places_everything_at_the_start() {
        assert_eq!(KeyPlaces::read("name = \n[[").place_of("name"), Place { line: 1, column: 1 });
    }
}
