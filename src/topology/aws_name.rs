//! The topology's enums as AWS spells them: one table per enum, read both ways, so live state is parsed into the
//! same enums the file's values are (`live::Reported`), and no code compares AWS's strings.

/// An enum whose every value AWS writes as one fixed string.
pub trait AwsName: Copy + Eq + Sized + 'static {
    /// Every value with AWS's spelling of it.
    const NAMES: &'static [(Self, &'static str)];

    /// AWS's spelling.
    fn as_aws(self) -> &'static str {
        Self::NAMES.iter().find(|(value, _)| *value == self).map(|(_, name)| *name).expect("every value is named")
    }

    /// The value AWS spells `name`, exactly (AWS's enumerations are case-sensitive); `None` for one ecsnet has no
    /// name for.
    fn from_aws(name: &str) -> Option<Self> {
        Self::NAMES.iter().find(|(_, known)| *known == name).map(|(value, _)| *value)
    }
}

use super::{AccessLogFormat, LogDriver, Protocol, RecordType, Scheme, TargetType};

// ELBv2's ProtocolEnum, for the values an Application Load Balancer's listeners and target groups use.
impl AwsName for Protocol {
    const NAMES: &'static [(Self, &'static str)] = &[(Protocol::Http, "HTTP"), (Protocol::Https, "HTTPS")];
}

// ELBv2's LoadBalancerSchemeEnum.
impl AwsName for Scheme {
    const NAMES: &'static [(Self, &'static str)] =
        &[(Scheme::Internal, "internal"), (Scheme::InternetFacing, "internet-facing")];
}

// Cloud Map's RecordType, for the types ecsnet registers.
impl AwsName for RecordType {
    const NAMES: &'static [(Self, &'static str)] = &[(RecordType::A, "A"), (RecordType::Srv, "SRV")];
}

// ELBv2's TargetTypeEnum, for the types an ECS service registers.
impl AwsName for TargetType {
    const NAMES: &'static [(Self, &'static str)] = &[(TargetType::Ip, "ip"), (TargetType::Instance, "instance")];
}

// ECS's ServiceConnectAccessLoggingFormat.
impl AwsName for AccessLogFormat {
    const NAMES: &'static [(Self, &'static str)] = &[(AccessLogFormat::Text, "TEXT"), (AccessLogFormat::Json, "JSON")];
}

// ECS's LogDriver.
impl AwsName for LogDriver {
    const NAMES: &'static [(Self, &'static str)] = &[
        (LogDriver::JsonFile, "json-file"),
        (LogDriver::Syslog, "syslog"),
        (LogDriver::Journald, "journald"),
        (LogDriver::Gelf, "gelf"),
        (LogDriver::Fluentd, "fluentd"),
        (LogDriver::Awslogs, "awslogs"),
        (LogDriver::Splunk, "splunk"),
        (LogDriver::Awsfirelens, "awsfirelens"),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: AwsName + std::fmt::Debug>() {
        for (value, name) in T::NAMES {
            assert_eq!(T::from_aws(name), Some(*value));
            assert_eq!(value.as_aws(), *name);
        }
        assert_eq!(T::from_aws("SOMETHING-AWS-ADDS-LATER"), None);
    }

    #[test]
    fn every_name_reads_back_as_its_value() {
        round_trips::<Protocol>();
        round_trips::<Scheme>();
        round_trips::<RecordType>();
        round_trips::<TargetType>();
        round_trips::<AccessLogFormat>();
        round_trips::<LogDriver>();
        assert_eq!(Protocol::from_aws("http"), None, "AWS's enumerations are case-sensitive");
    }
}
