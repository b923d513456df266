//! Service Connect: a setting of the ECS service, in the Cloud Map namespace, under discovery names no other
//! service of the topology takes; its client aliases, TLS, timeouts and logs as ECS's UpdateService takes them
//! (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectConfiguration.html).

use std::collections::HashMap;

use crate::topology::file::{ConnectAliasSection, ConnectLogsSection, ConnectSection, ServiceSection, TopologyFile};
use crate::topology::{
    AccessLog, AccessLogFormat, AwsName, Connect, ConnectAlias, ConnectLogs, ConnectTimeouts, ConnectTls, LogDriver,
};

use super::syntax::check_port;
use super::Errors;

/// ECS's Duration: 0 (the timeout off) to 2147483647 seconds
/// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TimeoutConfiguration.html).
const MAX_TIMEOUT: i64 = 2_147_483_647;

/// Service Connect on a service; `taken` holds the discovery names earlier services took.
pub(super) fn validate_connect(
    errors: &mut Errors,
    taken: &mut HashMap<String, usize>,
    index: usize,
    section: &ServiceSection,
    file: &TopologyFile,
    has_ecs: bool,
    connect: &ConnectSection,
) -> Connect {
    let at = |key: &str| format!("service[{index}].{key}");
    if file.discovery.is_none() {
        errors.push(
            at("connect"),
            "Service Connect needs a Cloud Map namespace, and there is no [discovery] table",
            "add [discovery] namespace = \"…\"",
        );
    }
    if !has_ecs {
        errors.push(
            at("connect"),
            "Service Connect is a setting of the ECS service, and there is no [service.ecs] table",
            "add [service.ecs] cluster = \"…\"",
        );
    }
    let discovery_name = connect.discovery_name.clone().unwrap_or_else(|| section.name.clone());
    let aliases = validate_aliases(errors, index, connect, &discovery_name);
    for (position, alias) in aliases.iter().enumerate() {
        let own = connect.aliases.as_ref().and_then(|sections| sections.get(position));
        let key = match own {
            Some(section) if section.discovery_name.is_some() => {
                at(&format!("connect.aliases[{position}].discovery_name"))
            }
            Some(_) if position > 0 => at(&format!("connect.aliases[{position}]")),
            _ => at("connect.discovery_name"),
        };
        check_name(errors, &key, &alias.discovery_name);
        if let Some(first) = taken.insert(alias.discovery_name.clone(), index) {
            let whose =
                if first == index { "another alias of this service".to_string() } else { format!("service[{first}]") };
            errors.push(
                key,
                format!("\"{}\" is also the discovery name of {whose}", alias.discovery_name),
                "discovery names must be unique in the namespace",
            );
        }
    }
    check_name(errors, &at("connect.port_name"), &connect.port_name);
    let discovery_name = aliases.first().map_or(discovery_name, |alias| alias.discovery_name.clone());
    // In the order the keys are documented, so the problems read in the file's order.
    let timeouts = ConnectTimeouts {
        per_request: timeout(errors, &at("connect.per_request_timeout"), connect.per_request_timeout),
        idle: timeout(errors, &at("connect.idle_timeout"), connect.idle_timeout),
    };
    let tls = connect.tls.as_ref().map(|tls| validate_tls(errors, index, file.region.as_deref(), tls));
    let logs = connect.logs.as_ref().map(|logs| validate_logs(errors, index, logs));
    Connect { port_name: connect.port_name.clone(), discovery_name, aliases, tls, timeouts, logs }
}

/// The client aliases: `dns_name` and `port`, or `aliases`, not both; one alias with neither.
fn validate_aliases(errors: &mut Errors, index: usize, connect: &ConnectSection, discovery_name: &str) -> Vec<Alias> {
    let at = |key: &str| format!("service[{index}].connect.{key}");
    let Some(sections) = &connect.aliases else {
        let single =
            ConnectAliasSection { dns_name: connect.dns_name.clone(), port: connect.port, discovery_name: None };
        return vec![alias(errors, &at(""), &single, discovery_name.to_string())];
    };
    if connect.dns_name.is_some() || connect.port.is_some() {
        errors.push(
            at("aliases"),
            "sets the client aliases, and so do dns_name and port",
            "write the aliases either as dns_name and port (one alias) or as aliases = [{ dns_name = \"…\", port = … }, …], not both",
        );
    }
    if sections.is_empty() {
        errors.push(at("aliases"), "is empty", "list at least one alias, or leave the key out for the default one");
    }
    let aliases: Vec<Alias> = sections
        .iter()
        .enumerate()
        .map(|(position, section)| {
            let name = section.discovery_name.clone().unwrap_or_else(|| match position {
                0 => discovery_name.to_string(),
                _ => format!("{discovery_name}-{}", position + 1),
            });
            alias(errors, &at(&format!("aliases[{position}].")), section, name)
        })
        .collect();
    for (position, alias) in aliases.iter().enumerate() {
        let same =
            |other: &Alias| other.dns_name.is_some() && other.dns_name == alias.dns_name && other.port == alias.port;
        if let Some(first) = aliases[..position].iter().position(same) {
            errors.push(
                at(&format!("aliases[{position}]")),
                format!("is the same DNS name and port as aliases[{first}]"),
                "each name and port must be unique in the namespace: remove one, or change its name or port",
            );
        }
    }
    aliases
}

type Alias = ConnectAlias;

/// One alias; `prefix` is the key path its keys follow (`service[0].connect.` or `…aliases[1].`).
fn alias(errors: &mut Errors, prefix: &str, section: &ConnectAliasSection, discovery_name: String) -> Alias {
    if let Some(name) = &section.dns_name {
        check_dns_alias(errors, &format!("{prefix}dns_name"), name);
    }
    let port = section.port.map(|port| check_port(errors, &format!("{prefix}port"), port));
    ConnectAlias { discovery_name, dns_name: section.dns_name.clone(), port }
}

/// "The name can include up to 127 characters. The name can include lowercase letters, numbers, underscores (_),
/// hyphens (-), and periods (.). The name can't start with a hyphen."
/// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectClientAlias.html)
fn check_dns_alias(errors: &mut Errors, key: &str, name: &str) {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c);
    if name.is_empty() || name.len() > 127 || !name.chars().all(allowed) || name.starts_with('-') {
        errors.push(
            key,
            format!("\"{name}\" is not a Service Connect client alias"),
            "use up to 127 lowercase letters, digits, underscores, hyphens and periods, not starting with a hyphen",
        );
    }
}

fn check_name(errors: &mut Errors, key: &str, value: &str) {
    if let Err(problem) = check_service_connect_name(value) {
        errors.push(
            key,
            format!("\"{value}\" {problem}"),
            "use up to 64 lowercase letters, digits, underscores and hyphens, not starting with a hyphen",
        );
    }
}

/// Service Connect's port and discovery names: up to 64 lowercase letters, digits, underscores and hyphens, not
/// starting with a hyphen.
fn check_service_connect_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 64 {
        return Err("must have 1 to 64 characters");
    }
    if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-') {
        return Err("has characters other than lowercase letters, digits, underscores and hyphens");
    }
    if name.starts_with('-') {
        return Err("starts with a hyphen");
    }
    Ok(())
}

fn timeout(errors: &mut Errors, key: &str, seconds: Option<i64>) -> Option<i32> {
    let seconds = seconds?;
    if !(0..=MAX_TIMEOUT).contains(&seconds) {
        errors.push(
            key,
            format!("{seconds} is outside 0–{MAX_TIMEOUT} seconds"),
            "write seconds; 0 turns the timeout off, and leaving the key out keeps AWS's default",
        );
        return None;
    }
    i32::try_from(seconds).ok()
}

/// `[service.connect.tls]`: the CA an AWS Private CA ARN (in the file's region, when it names one), the KMS key a
/// key ID, alias or ARN, the role an IAM role ARN.
fn validate_tls(
    errors: &mut Errors,
    index: usize,
    region: Option<&str>,
    tls: &crate::topology::file::ConnectTlsSection,
) -> ConnectTls {
    let at = |key: &str| format!("service[{index}].connect.tls.{key}");
    match Arn::parse(&tls.certificate_authority) {
        Some(arn)
            if arn.service == "acm-pca" && arn.resource.starts_with("certificate-authority/") && arn.has_account() =>
        {
            if let Some(region) = region.filter(|region| *region != arn.region) {
                errors.push(
                    at("certificate_authority"),
                    format!("the certificate authority is in {}, and the topology in {region}", arn.region),
                    "Service Connect TLS takes an AWS Private CA of the service's region: name one there",
                );
            }
        }
        _ => errors.push(
            at("certificate_authority"),
            format!("\"{}\" is not an AWS Private CA certificate authority ARN", tls.certificate_authority),
            "write arn:aws:acm-pca:<region>:<account>:certificate-authority/<id>",
        ),
    }
    if let Some(key) = &tls.kms_key {
        if !is_kms_key(key) {
            errors.push(
                at("kms_key"),
                format!("\"{key}\" is not a KMS key ID, alias or ARN"),
                "write a key ID (1234abcd-…), alias/<name>, or the key's or alias's ARN",
            );
        }
    }
    if let Some(role) = &tls.role {
        if !is_role_arn(role) {
            errors.push(
                at("role"),
                format!("\"{role}\" is not an IAM role ARN"),
                "write arn:aws:iam::<account>:role/<name>",
            );
        }
    }
    ConnectTls {
        certificate_authority: tls.certificate_authority.clone(),
        kms_key: tls.kms_key.clone(),
        role: tls.role.clone(),
    }
}

/// `[service.connect.logs]`: a log driver ECS knows, and the access logs' format.
fn validate_logs(errors: &mut Errors, index: usize, logs: &ConnectLogsSection) -> ConnectLogs {
    let at = |key: &str| format!("service[{index}].connect.logs.{key}");
    let driver = LogDriver::from_aws(&logs.driver).unwrap_or_else(|| {
        let known: Vec<&str> = LogDriver::NAMES.iter().map(|(_, name)| *name).collect();
        errors.push(
            at("driver"),
            format!("\"{}\" is not a log driver ECS knows", logs.driver),
            format!("write one of {}", known.join(", ")),
        );
        LogDriver::Awslogs
    });
    let access_log = match &logs.access_logs {
        Some(format) => {
            let format = AccessLogFormat::from_aws(format).unwrap_or_else(|| {
                errors.push(
                    at("access_logs"),
                    format!("\"{format}\" is not an access log format"),
                    "write \"TEXT\" or \"JSON\"",
                );
                AccessLogFormat::Text
            });
            Some(AccessLog { format, query_parameters: logs.include_query_parameters })
        }
        None => {
            if logs.include_query_parameters.is_some() {
                errors.push(
                    at("include_query_parameters"),
                    "applies to access logs, and there is no access_logs",
                    "add access_logs = \"TEXT\" or \"JSON\", or leave include_query_parameters out",
                );
            }
            None
        }
    };
    ConnectLogs { driver, options: logs.options.clone().unwrap_or_default(), access_log }
}

/// An ARN's parts: `arn:partition:service:region:account:resource`.
struct Arn<'a> {
    service: &'a str,
    region: &'a str,
    account: &'a str,
    resource: &'a str,
}

impl<'a> Arn<'a> {
    fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.splitn(6, ':');
        let (arn, partition) = (parts.next()?, parts.next()?);
        if arn != "arn" || !["aws", "aws-cn", "aws-us-gov"].contains(&partition) {
            return None;
        }
        let (service, region, account, resource) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        Some(Arn { service, region, account, resource })
    }

    fn has_account(&self) -> bool {
        self.account.len() == 12 && self.account.chars().all(|c| c.is_ascii_digit()) && !self.region.is_empty()
    }
}

/// The account of an ARN, when it is one.
pub(crate) fn arn_account(text: &str) -> Option<&str> {
    Arn::parse(text).map(|arn| arn.account).filter(|account| !account.is_empty())
}

/// The region of an ARN, when it is one and names a region.
pub(crate) fn arn_region(text: &str) -> Option<&str> {
    Arn::parse(text).map(|arn| arn.region).filter(|region| !region.is_empty())
}

/// A KMS key as ECS takes it: a key ID, `alias/<name>`, or a key's or alias's ARN
/// (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id).
fn is_kms_key(key: &str) -> bool {
    let key_id = |id: &str| {
        let id = id.strip_prefix("mrk-").unwrap_or(id);
        !id.is_empty() && id.len() <= 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
    };
    let alias = |name: &str| {
        name.strip_prefix("alias/").is_some_and(|name| {
            !name.is_empty()
                && name.len() <= 250
                && name.chars().all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c))
        })
    };
    match Arn::parse(key) {
        Some(arn) if arn.service == "kms" && arn.has_account() => {
            arn.resource.strip_prefix("key/").is_some_and(key_id) || alias(arn.resource)
        }
        Some(_) => false,
        None => key_id(key) || alias(key),
    }
}

/// `arn:aws:iam::<account>:role/<path/><name>`: IAM takes names of up to 64 letters, digits and `+=,.@_-`
/// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html).
fn is_role_arn(role: &str) -> bool {
    let Some(arn) = Arn::parse(role) else { return false };
    let name = arn.resource.strip_prefix("role/").and_then(|path| path.rsplit('/').next());
    arn.service == "iam"
        && arn.region.is_empty()
        && arn.account.len() == 12
        && arn.account.chars().all(|c| c.is_ascii_digit())
        && name.is_some_and(|name| {
            !name.is_empty()
                && name.len() <= 64
                && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
        })
}
