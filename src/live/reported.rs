//! A value AWS reports as one of a fixed set of strings, parsed once, where it is read (`aws::observe`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::topology::AwsName;

/// What AWS reported: a value ecsnet knows, or one it has no name for (a value AWS added later, a protocol ecsnet
/// never sets), kept as AWS wrote it so it can be shown and never equals a known value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reported<T> {
    Known(T),
    Other(String),
}

impl<T: AwsName> Reported<T> {
    pub fn parse(text: &str) -> Self {
        T::from_aws(text).map_or_else(|| Reported::Other(text.to_string()), Reported::Known)
    }

    /// Whether AWS reported exactly `value`.
    pub fn is(&self, value: T) -> bool {
        matches!(self, Reported::Known(known) if *known == value)
    }

    pub fn known(&self) -> Option<T> {
        match self {
            Reported::Known(value) => Some(*value),
            Reported::Other(_) => None,
        }
    }

    /// As AWS wrote it.
    pub fn as_aws(&self) -> &str {
        match self {
            Reported::Known(value) => value.as_aws(),
            Reported::Other(text) => text,
        }
    }
}

impl<T: AwsName> From<T> for Reported<T> {
    fn from(value: T) -> Self {
        Reported::Known(value)
    }
}

impl<T: AwsName> fmt::Display for Reported<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_aws())
    }
}

/// Live state written by hand in tests: `"HTTPS".into()`.
#[cfg(any(test, feature = "test-support"))]
impl<T: AwsName> From<&str> for Reported<T> {
    fn from(text: &str) -> Self {
        Reported::parse(text)
    }
}

/// As AWS's string, so saved plans and their fingerprints read as before.
impl<T: AwsName> Serialize for Reported<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_aws())
    }
}

impl<'de, T: AwsName> Deserialize<'de> for Reported<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Reported::parse(&String::deserialize(deserializer)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::Protocol;

    #[test]
    fn a_value_ecsnet_has_no_name_for_is_kept_and_equals_no_known_one() {
        let tcp = Reported::<Protocol>::parse("TCP");
        assert_eq!(tcp, Reported::Other("TCP".to_string()));
        assert!(!tcp.is(Protocol::Http) && !tcp.is(Protocol::Https));
        assert_eq!(tcp.to_string(), "TCP");
        assert!(Reported::<Protocol>::parse("HTTPS").is(Protocol::Https));
    }

    #[test]
    fn a_redirect_port_serializes_as_aws_writes_it() {
        use crate::live::RedirectPort;
        assert_eq!(serde_json::to_string(&RedirectPort(Some(443))).unwrap(), "\"443\"");
        assert_eq!(serde_json::to_string(&RedirectPort(None)).unwrap(), "\"#{port}\"");
        assert_eq!(serde_json::from_str::<RedirectPort>("\"#{port}\"").unwrap(), RedirectPort(None));
        assert_eq!(serde_json::from_str::<RedirectPort>("\"8443\"").unwrap(), RedirectPort(Some(8443)));
    }

    #[test]
    fn serializes_as_aws_wrote_it() {
        let json = serde_json::to_string(&Reported::<Protocol>::parse("HTTP")).unwrap();
        assert_eq!(json, "\"HTTP\"");
        let back: Reported<Protocol> = serde_json::from_str("\"GENEVE\"").unwrap();
        assert_eq!(back, Reported::Other("GENEVE".to_string()));
    }
}
