//! Comparisons the load balancing planners share: a reference against a live ARN, the attributes tag.

use crate::plan::{FieldChange, ManagedAttributes, Ref};

/// Whether a live ARN differs from the wanted reference; a resource still to be created always differs.
pub(super) fn differs(wanted: &Ref, live: Option<&str>) -> bool {
    match wanted {
        Ref::Known(arn) => Some(arn.as_str()) != live,
        Ref::Of(_) => true,
    }
}

/// The change of a resource's attributes tag, when the attributes the file sets differ from those the tag lists;
/// shown as a field, since it decides what a later plan resets.
pub(super) fn managed_change(
    before: Vec<String>,
    file_sets: &[&str],
    fields: &mut Vec<FieldChange>,
) -> Option<ManagedAttributes> {
    let mut after: Vec<String> = file_sets.iter().map(|name| name.to_string()).collect();
    after.sort();
    if after == before {
        return None;
    }
    let show = |names: &[String]| if names.is_empty() { "(none)".to_string() } else { names.join(", ") };
    fields.push(FieldChange::changed("managed_attributes", show(&before), show(&after)));
    Some(ManagedAttributes { before, after })
}
