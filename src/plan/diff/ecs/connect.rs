//! Service Connect on an ECS service: turned on with the service's port name, its client aliases in the topology's
//! namespace, and the TLS, timeouts and logs the file sets; off again only when ecsnet's tag says ecsnet turned it
//! on.
//!
//! Drift is read from the primary deployment and compared on what the file sets only: whether AWS reports defaults
//! it was not sent (a timeout, the access logs' query parameters) is not documented, so a value the file leaves out
//! is never drift. What the file stops setting still changes the tag (its digest), and the update that follows
//! sends the whole configuration without it.

use crate::live::{ConnectAlias, EcsService, ReportedLogs, ServiceConnect};
use crate::plan::desired::DesiredEcs;
use crate::plan::ownership::SERVICE_CONNECT_TAG;
use crate::plan::{ConnectAliasSpec, ConnectChange, FieldChange};
use crate::topology::names::digest;
use crate::topology::{Connect, ConnectTimeouts, ConnectTls};

/// An ECS tag value holds at most 256 characters (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html).
const TAG_VALUE_LIMIT: usize = 256;

/// What to do about Service Connect. AWS reports it on the primary deployment; when the answer carries none
/// (an emulator, or a service that never had it), the tag ecsnet writes when it turns it on stands in.
pub(super) fn connect_change(
    wanted: &DesiredEcs,
    live: &EcsService,
    namespace: Option<&str>,
    keep_own: bool,
    fields: &mut Vec<FieldChange>,
) -> Option<ConnectChange> {
    let marker = live.tags.get(SERVICE_CONNECT_TAG);
    let current = current(live);
    match (&wanted.connect, namespace) {
        (Some(connect), Some(namespace)) => {
            let change = enable(connect, namespace, wanted.port);
            let target = change.target()?;
            let reported = match &live.connect {
                Some(reported) => reported.enabled && holds(reported, &target),
                None => true,
            };
            if reported && marker == Some(marker_of_change(&change)) {
                return None;
            }
            field_changes(current.as_ref(), &target, fields);
            Some(change)
        }
        // A migration keeps the Service Connect ecsnet turned on until the new path serves.
        _ if keep_own => None,
        _ => {
            marker?;
            fields.push(FieldChange::changed("service_connect", describe(current.as_ref()), "(off)"));
            Some(ConnectChange::Disable)
        }
    }
}

/// The Enable that sets what the file asks for.
fn enable(connect: &Connect, namespace: &str, service_port: u16) -> ConnectChange {
    let mut aliases = connect
        .resolved(namespace, service_port)
        .into_iter()
        .map(|(discovery_name, dns_name, port)| ConnectAliasSpec { discovery_name, dns_name, port: i32::from(port) });
    let first = aliases.next().expect("validation leaves at least one alias");
    let mut change = ConnectChange::Enable {
        namespace: namespace.to_string(),
        port_name: connect.port_name.clone(),
        discovery_name: first.discovery_name,
        port: first.port,
        dns_name: first.dns_name,
        marker: String::new(),
        more_aliases: aliases.collect(),
        tls: connect.tls.clone(),
        timeouts: connect.timeouts,
        logs: connect.logs.clone(),
    };
    let text = marker_of(&change);
    if let ConnectChange::Enable { marker, .. } = &mut change {
        *marker = text;
    }
    change
}

fn marker_of_change(change: &ConnectChange) -> &String {
    match change {
        ConnectChange::Enable { marker, .. } => marker,
        ConnectChange::Disable => unreachable!("only an Enable has a marker"),
    }
}

/// Whether AWS's answer holds what the file sets.
fn holds(reported: &ServiceConnect, target: &ServiceConnect) -> bool {
    parts_not_held(reported, target).is_empty()
}

/// Service Connect as ECS holds it once the file's settings are applied in `namespace` (what the file leaves unset,
/// unset); `service_port` stands in for aliases without a port.
pub(crate) fn wanted(connect: &Connect, namespace: &str, service_port: u16) -> Option<ServiceConnect> {
    enable(connect, namespace, service_port).target()
}

/// The parts of what the file sets that AWS's answer does not hold: the namespace, exactly the aliases, and of TLS,
/// timeouts and logs each value the file sets.
pub(crate) fn parts_not_held(reported: &ServiceConnect, target: &ServiceConnect) -> Vec<&'static str> {
    let same_alias = |alias: &ConnectAlias, wanted: &ConnectAlias| {
        (&alias.port_name, &alias.discovery_name, alias.port, &alias.dns_name)
            == (&wanted.port_name, &wanted.discovery_name, wanted.port, &wanted.dns_name)
    };
    let matching = |wanted: &ConnectAlias| reported.services.iter().find(|alias| same_alias(alias, wanted));
    let aliases_held = reported.services.len() == target.services.len()
        && target.services.iter().all(|wanted| matching(wanted).is_some());
    // An alias AWS does not hold is the aliases' fault alone, not its TLS's or timeouts'.
    let tls_held = target.services.iter().all(|wanted| {
        matching(wanted).is_none_or(|alias| wanted.tls.as_ref().is_none_or(|tls| alias.tls.as_ref() == Some(tls)))
    });
    let timeouts_held = target
        .services
        .iter()
        .all(|wanted| matching(wanted).is_none_or(|alias| timeouts_hold(alias.timeouts, wanted.timeouts)));
    let logs_held = target
        .logs
        .as_ref()
        .is_none_or(|logs| reported.logs.as_ref().is_some_and(|reported| logs_hold(reported, logs)));
    [
        (reported.namespace == target.namespace, "namespace"),
        (aliases_held, "client aliases"),
        (tls_held, "TLS"),
        (timeouts_held, "timeouts"),
        (logs_held, "logs"),
    ]
    .into_iter()
    .filter(|(held, _)| !held)
    .map(|(_, part)| part)
    .collect()
}

fn timeouts_hold(reported: ConnectTimeouts, wanted: ConnectTimeouts) -> bool {
    wanted.per_request.is_none_or(|seconds| reported.per_request == Some(seconds))
        && wanted.idle.is_none_or(|seconds| reported.idle == Some(seconds))
}

/// AWS's default for the access logs' query parameters is DISABLED
/// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectAccessLogConfiguration.html).
fn logs_hold(reported: &ReportedLogs, wanted: &ReportedLogs) -> bool {
    let access_holds = match (&reported.access_log, &wanted.access_log) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(reported), Some(wanted)) => {
            reported.format == wanted.format
                && wanted.query_parameters.is_none_or(|query| reported.query_parameters.unwrap_or(false) == query)
        }
    };
    reported.driver == wanted.driver && reported.options == wanted.options && access_holds
}

/// The plan's fields: each part of Service Connect whose text changes; the aliases when none does (the tag alone
/// changes).
fn field_changes(current: Option<&ServiceConnect>, target: &ServiceConnect, fields: &mut Vec<FieldChange>) {
    let before = fields.len();
    let parts: [(&str, Describe); 4] = [
        ("service_connect", describe),
        ("service_connect.tls", describe_tls),
        ("service_connect.timeouts", describe_timeouts),
        ("service_connect.logs", describe_logs),
    ];
    for (field, text) in parts {
        let (old, new) = (text(current), text(Some(target)));
        if old != new {
            fields.push(FieldChange::changed(field, old, new));
        }
    }
    if fields.len() == before {
        fields.push(FieldChange::changed("service_connect", describe(current), describe(Some(target))));
    }
}

/// A part of Service Connect as the plan's text shows it.
type Describe = fn(Option<&ServiceConnect>) -> String;

/// Whether the service runs the Service Connect ecsnet turned on (its tag), as far as AWS reports it.
pub(super) fn connect_is_ours(live: &EcsService) -> bool {
    live.tags.contains_key(SERVICE_CONNECT_TAG) && live.connect.as_ref().is_none_or(|connect| connect.enabled)
}

/// Service Connect's aliases as the plan describes them.
pub(super) fn describe(connect: Option<&ServiceConnect>) -> String {
    match connect {
        None => "(off)".to_string(),
        Some(connect) => connect
            .services
            .iter()
            .map(|ConnectAlias { port_name, discovery_name, port, dns_name, .. }| {
                format!("{port_name} as {discovery_name} ({dns_name}:{port}) in {}", connect.namespace)
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The TLS of the first alias (ecsnet sets the same on every one).
fn describe_tls(connect: Option<&ServiceConnect>) -> String {
    let tls = connect.and_then(|connect| connect.services.iter().find_map(|alias| alias.tls.as_ref()));
    match tls {
        None => "(none)".to_string(),
        Some(ConnectTls { certificate_authority, kms_key, role }) => {
            let mut text = format!("issuer {certificate_authority}");
            if let Some(key) = kms_key {
                text.push_str(&format!(", KMS key {key}"));
            }
            if let Some(role) = role {
                text.push_str(&format!(", role {role}"));
            }
            text
        }
    }
}

fn describe_timeouts(connect: Option<&ServiceConnect>) -> String {
    let timeouts = connect.and_then(|connect| connect.services.first()).map(|alias| alias.timeouts).unwrap_or_default();
    let seconds =
        |value: Option<i32>| value.map_or_else(|| "AWS's default".to_string(), |seconds| format!("{seconds} s"));
    if timeouts.is_empty() {
        return "(AWS's defaults)".to_string();
    }
    format!("per request {}, idle {}", seconds(timeouts.per_request), seconds(timeouts.idle))
}

fn describe_logs(connect: Option<&ServiceConnect>) -> String {
    let Some(logs) = connect.and_then(|connect| connect.logs.as_ref()) else { return "(none)".to_string() };
    let mut text = logs.driver.to_string();
    if !logs.options.is_empty() {
        let options: Vec<String> = logs.options.iter().map(|(key, value)| format!("{key}={value}")).collect();
        text.push_str(&format!(" ({})", options.join(" ")));
    }
    if let Some(access) = &logs.access_log {
        text.push_str(&format!(", access logs {}", access.format));
        if access.query_parameters == Some(true) {
            text.push_str(" with query parameters");
        }
    }
    text
}

/// The Service Connect a service runs: AWS's answer, or, when it reports none, ecsnet's tag.
pub(super) fn current(live: &EcsService) -> Option<ServiceConnect> {
    match &live.connect {
        Some(connect) if connect.enabled => Some(connect.clone()),
        Some(_) => None,
        None => live.tags.get(SERVICE_CONNECT_TAG).and_then(|marker| parse_marker(marker)),
    }
}

/// The tag value recording the Service Connect settings ecsnet set. An ECS tag value may hold only letters, digits,
/// spaces and `_ . : / = + - @`, at most 256 of them (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html):
/// fields are separated by spaces, and the DNS name is written only when it is not the default
/// `<discovery name>.<namespace>`. The first alias is written out, as earlier builds wrote it (their tags still
/// match a file that sets nothing more); what does not fit (more aliases, TLS ARNs, timeouts, logs) is recorded by
/// a digest, `settings=<16 hex digits>`; and when even the first alias does not fit, the tag is the digest of
/// everything alone.
fn marker_of(change: &ConnectChange) -> String {
    let ConnectChange::Enable {
        namespace,
        port_name,
        discovery_name,
        port,
        dns_name,
        more_aliases,
        tls,
        timeouts,
        logs,
        ..
    } = change
    else {
        return String::new();
    };
    let mut marker = format!("namespace={namespace} port_name={port_name} discovery_name={discovery_name} port={port}");
    if *dns_name != format!("{discovery_name}.{namespace}") {
        marker.push_str(&format!(" dns_name={dns_name}"));
    }
    if !more_aliases.is_empty() || tls.is_some() || !timeouts.is_empty() || logs.is_some() {
        let settings = serde_json::json!([more_aliases, tls, timeouts, logs]).to_string();
        marker.push_str(&format!(" settings={}", digest(&settings)));
    }
    if marker.chars().count() > TAG_VALUE_LIMIT {
        let everything = serde_json::to_string(&change.target()).unwrap_or_default();
        return format!("settings={}", digest(&everything));
    }
    marker
}

/// Reads a marker's first alias (the settings digest is not readable back); also the `;`-separated form with a
/// `dns_name` that earlier builds wrote (accepted by emulators, refused by ECS). A digest alone reads as nothing.
fn parse_marker(marker: &str) -> Option<ServiceConnect> {
    let field =
        |key: &str| marker.split([' ', ';']).find_map(|part| part.strip_prefix(&format!("{key}="))).map(str::to_string);
    let namespace = field("namespace")?;
    let discovery_name = field("discovery_name")?;
    let dns_name = field("dns_name").unwrap_or_else(|| format!("{discovery_name}.{namespace}"));
    let port: i32 = field("port")?.parse().ok()?;
    Some(ServiceConnect {
        enabled: true,
        namespace,
        services: vec![ConnectAlias::plain(&field("port_name")?, &discovery_name, port, &dns_name)],
        logs: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::{ConnectAlias as FileAlias, ConnectTls};

    /// `[service.connect] port_name = "default"` for `server` on port 8080.
    fn server() -> Connect {
        Connect {
            port_name: "default".into(),
            discovery_name: "server".into(),
            aliases: vec![FileAlias { discovery_name: "server".into(), dns_name: None, port: None }],
            tls: None,
            timeouts: ConnectTimeouts::default(),
            logs: None,
        }
    }

    fn with_tls() -> Connect {
        Connect {
            tls: Some(ConnectTls {
                certificate_authority:
                    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0a1b2c3d-0000-4000-8000-000000000000"
                        .into(),
                kms_key: Some("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab".into()),
                role: Some("arn:aws:iam::123456789012:role/service-connect-tls".into()),
            }),
            timeouts: ConnectTimeouts { per_request: Some(30), idle: Some(300) },
            ..server()
        }
    }

    fn is_tag_value(marker: &str) -> bool {
        marker.chars().count() <= TAG_VALUE_LIMIT
            && marker.chars().all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c))
    }

    #[test]
    fn the_marker_round_trips() {
        let change = enable(&server(), "my.demo", 8080);
        assert_eq!(parse_marker(marker_of_change(&change)), change.target());
        assert_eq!(parse_marker("garbage"), None);
    }

    #[test]
    fn the_marker_is_a_valid_ecs_tag_value_and_the_old_form_still_reads() {
        let change = enable(&server(), "my.demo", 8080);
        let marker = marker_of_change(&change);
        assert_eq!(
            marker, "namespace=my.demo port_name=default discovery_name=server port=8080",
            "as earlier builds wrote it"
        );
        assert!(is_tag_value(marker), "{marker}");
        let old = "namespace=my.demo;port_name=default;discovery_name=server;port=8080;dns_name=server.my.demo";
        assert_eq!(parse_marker(old), change.target());
    }

    #[test]
    fn settings_that_do_not_fit_a_tag_are_recorded_by_a_digest_that_changes_with_them() {
        let change = enable(&with_tls(), "my.demo", 8080);
        let marker = marker_of_change(&change).clone();
        let (readable, digest) = marker.split_once(" settings=").expect(&marker);
        assert_eq!(readable, "namespace=my.demo port_name=default discovery_name=server port=8080");
        assert_eq!(digest.len(), 16);
        assert!(is_tag_value(&marker), "{marker}");
        let shorter = Connect { timeouts: ConnectTimeouts { per_request: Some(31), idle: Some(300) }, ..with_tls() };
        assert_ne!(marker_of_change(&enable(&shorter, "my.demo", 8080)), &marker);
        assert_eq!(
            parse_marker(&marker).map(|connect| connect.services[0].discovery_name.clone()),
            Some("server".into())
        );
    }

    #[test]
    fn a_first_alias_too_long_for_a_tag_leaves_the_digest_alone() {
        let long = format!("{}.{}", "a".repeat(60), "b".repeat(60));
        let connect = Connect {
            aliases: vec![FileAlias { discovery_name: "server".into(), dns_name: Some(long), port: Some(80) }],
            ..server()
        };
        let change = enable(&connect, &format!("{}.internal", "n".repeat(100)), 8080);
        let marker = marker_of_change(&change);
        assert!(marker.starts_with("settings=") && is_tag_value(marker), "{marker}");
        assert_eq!(parse_marker(marker), None);
    }
}

#[cfg(test)]
mod saved {
    use crate::plan::ConnectChange;

    /// An Enable as plans saved before aliases, TLS, timeouts and logs wrote it reads as the same change, and one
    /// that sets none of them is written exactly as before.
    #[test]
    fn an_enable_saved_by_an_earlier_build_reads_and_writes_as_before() {
        let saved = r#"{"Enable":{"namespace":"my.demo","port_name":"default","discovery_name":"server","port":8080,"dns_name":"server.my.demo","marker":"namespace=my.demo port_name=default discovery_name=server port=8080"}}"#;
        let change: ConnectChange = serde_json::from_str(saved).unwrap();
        assert_eq!(change.aliases(), [("server", "server.my.demo", 8080)]);
        assert_eq!(serde_json::to_string(&change).unwrap(), saved);
    }

    /// Live Service Connect without TLS, timeouts or logs serializes as before, so fingerprints of saved plans
    /// taken by an earlier build still match.
    #[test]
    fn live_service_connect_without_the_new_settings_fingerprints_as_before() {
        let live = crate::live::ServiceConnect {
            enabled: true,
            namespace: "my.demo".into(),
            services: vec![crate::live::ConnectAlias::plain("default", "server", 8080, "server.my.demo")],
            logs: None,
        };
        assert_eq!(
            serde_json::to_string(&live).unwrap(),
            r#"{"enabled":true,"namespace":"my.demo","services":[{"port_name":"default","discovery_name":"server","port":8080,"dns_name":"server.my.demo"}]}"#
        );
    }
}
