//! A change's fields as the plan shows them, and how every kind of value reads there: the one place values
//! become text. AWS's enums read in AWS's own spelling (`internal`, `HTTP`, `ip`, `SRV`), so that a plan reads
//! like the console and the API reference.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::live::Reported;
use crate::topology::AwsName;
use crate::topology::{Protocol, RecordKind, RecordType, Scheme, TargetType};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl FieldChange {
    pub fn new(field: &str, value: impl FieldValue) -> Self {
        FieldChange { field: field.into(), old: None, new: Some(value.field_text()) }
    }

    pub fn changed(field: &str, old: impl FieldValue, new: impl FieldValue) -> Self {
        FieldChange { field: field.into(), old: Some(old.field_text()), new: Some(new.field_text()) }
    }
}

/// `field: old → new`, `field: new` for a value set, `field: old → (none)` for one removed.
impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.old, &self.new) {
            (None, Some(new)) => write!(f, "{}: {new}", self.field),
            (Some(old), Some(new)) => write!(f, "{}: {old} → {new}", self.field),
            (Some(old), None) => write!(f, "{}: {old} → (none)", self.field),
            (None, None) => write!(f, "{}", self.field),
        }
    }
}

/// A value as a plan field shows it.
pub trait FieldValue {
    fn field_text(&self) -> String;
}

impl<T: FieldValue + ?Sized> FieldValue for &T {
    fn field_text(&self) -> String {
        (**self).field_text()
    }
}

impl FieldValue for str {
    fn field_text(&self) -> String {
        self.to_string()
    }
}

impl FieldValue for String {
    fn field_text(&self) -> String {
        self.clone()
    }
}

macro_rules! numbers_read_as_written {
    ($($number:ty),*) => {$(
        impl FieldValue for $number {
            fn field_text(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
numbers_read_as_written!(u16, u32, i32, i64, usize, bool);

macro_rules! aws_enums_read_as_aws_spells_them {
    ($($enum:ty),*) => {$(
        impl FieldValue for $enum {
            fn field_text(&self) -> String {
                self.as_aws().to_string()
            }
        }
    )*};
}
aws_enums_read_as_aws_spells_them!(Scheme, Protocol, TargetType, RecordType);

impl<T: AwsName> FieldValue for Reported<T> {
    fn field_text(&self) -> String {
        self.as_aws().to_string()
    }
}

/// A record ecsnet writes for a service: a CNAME, or an alias A record (which Route 53 reads as type A).
impl FieldValue for RecordKind {
    fn field_text(&self) -> String {
        match self {
            RecordKind::Cname => "CNAME",
            RecordKind::Alias => "A (alias)",
        }
        .to_string()
    }
}
