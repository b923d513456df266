//! A record's fields as the plan shows them, and how a live record differs from the wanted one.

use crate::live::Record;
use crate::live::{RecordSetType, Reported};
use crate::plan::desired::DesiredZone;
use crate::plan::{FieldChange, FieldValue as _};
use crate::topology::RecordKind;

/// The fields of a record to create.
pub(super) fn new_record_fields(host: &str, wanted: &DesiredZone, value: &str) -> Vec<FieldChange> {
    let mut fields = vec![FieldChange::new("name", host)];
    match wanted.record {
        RecordKind::Cname => {
            fields.extend([FieldChange::new("type", RecordKind::Cname), FieldChange::new("ttl", wanted.ttl)])
        }
        RecordKind::Alias => fields.push(FieldChange::new("type", RecordKind::Alias)),
    }
    fields.push(FieldChange::new("value", value));
    fields
}

fn normalize(value: &str) -> String {
    value.trim_end_matches('.').to_ascii_lowercase()
}

pub(super) fn record_kind_differs(live: &Record, wanted: RecordKind) -> bool {
    kind_of(live) != Some(wanted)
}

/// The kind of record ecsnet writes that a live record is, if it is one (an alias, or a plain CNAME).
fn kind_of(live: &Record) -> Option<RecordKind> {
    match (&live.alias, &live.kind) {
        (Some(_), _) => Some(RecordKind::Alias),
        (None, Reported::Known(RecordSetType::Cname)) => Some(RecordKind::Cname),
        _ => None,
    }
}

/// What differs between a live record and the wanted one.
pub(super) fn record_changes(live: &Record, kind: RecordKind, ttl: i64, value: &str) -> Vec<FieldChange> {
    let live_value =
        live.alias.clone().or_else(|| live.values.first().map(|value| normalize(value))).unwrap_or_default();
    let mut fields = Vec::new();
    if record_kind_differs(live, kind) {
        let live_type = kind_of(live).map_or_else(|| live.kind.field_text(), |live_kind| live_kind.field_text());
        fields.push(FieldChange::changed("type", live_type, kind));
    }
    if kind == RecordKind::Cname && live.ttl != Some(ttl) {
        fields.push(FieldChange::changed("ttl", live.ttl.map_or("(none)".into(), |ttl| ttl.to_string()), ttl));
    }
    if live_value != normalize(value) || (live.alias.is_none() && live.values.len() != 1) {
        fields.push(FieldChange::changed(
            "value",
            if live.alias.is_some() { live_value } else { live.values.join(" ") },
            value,
        ));
    }
    fields
}
