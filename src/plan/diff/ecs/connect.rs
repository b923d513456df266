//! Service Connect on an ECS service: turned on with the service's port name and discovery name in the
//! topology's namespace, and off again only when ecsnet's tag says ecsnet turned it on.

use crate::live::{ConnectAlias, EcsService, ServiceConnect};
use crate::plan::desired::DesiredEcs;
use crate::plan::ownership::SERVICE_CONNECT_TAG;
use crate::plan::{ConnectChange, FieldChange};

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
            let dns_name =
                connect.dns_name.clone().unwrap_or_else(|| format!("{}.{namespace}", connect.discovery_name));
            let port = i32::from(connect.port.unwrap_or(wanted.port));
            let target = ServiceConnect {
                enabled: true,
                namespace: namespace.to_string(),
                services: vec![ConnectAlias {
                    port_name: connect.port_name.clone(),
                    discovery_name: connect.discovery_name.clone(),
                    port,
                    dns_name: dns_name.clone(),
                }],
            };
            let marker_text = marker_of(&target);
            if current.as_ref() == Some(&target) && marker.map(String::as_str) == Some(marker_text.as_str()) {
                return None;
            }
            fields.push(FieldChange::changed("service_connect", describe(current.as_ref()), describe(Some(&target))));
            Some(ConnectChange::Enable {
                namespace: namespace.to_string(),
                port_name: connect.port_name.clone(),
                discovery_name: connect.discovery_name.clone(),
                port,
                dns_name,
                marker: marker_text,
            })
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

/// Whether the service runs the Service Connect ecsnet turned on (its tag), as far as AWS reports it.
pub(super) fn connect_is_ours(live: &EcsService) -> bool {
    live.tags.contains_key(SERVICE_CONNECT_TAG) && live.connect.as_ref().is_none_or(|connect| connect.enabled)
}

/// Service Connect as the plan describes it.
pub(super) fn describe(connect: Option<&ServiceConnect>) -> String {
    match connect {
        None => "(off)".to_string(),
        Some(connect) => connect
            .services
            .iter()
            .map(|ConnectAlias { port_name, discovery_name, port, dns_name }| {
                format!("{port_name} as {discovery_name} ({dns_name}:{port}) in {}", connect.namespace)
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
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
/// `<discovery name>.<namespace>`.
fn marker_of(connect: &ServiceConnect) -> String {
    let ConnectAlias { port_name, discovery_name, port, dns_name } = &connect.services[0];
    let mut marker =
        format!("namespace={} port_name={port_name} discovery_name={discovery_name} port={port}", connect.namespace);
    if *dns_name != format!("{discovery_name}.{}", connect.namespace) {
        marker.push_str(&format!(" dns_name={dns_name}"));
    }
    marker
}

/// Reads a marker; also the `;`-separated form with a `dns_name` that earlier builds wrote (accepted by
/// emulators, refused by ECS).
fn parse_marker(marker: &str) -> Option<ServiceConnect> {
    let field =
        |key: &str| marker.split([' ', ';']).find_map(|part| part.strip_prefix(&format!("{key}="))).map(str::to_string);
    let namespace = field("namespace")?;
    let discovery_name = field("discovery_name")?;
    let dns_name = field("dns_name").unwrap_or_else(|| format!("{discovery_name}.{namespace}"));
    Some(ServiceConnect {
        enabled: true,
        namespace,
        services: vec![ConnectAlias {
            port_name: field("port_name")?,
            discovery_name,
            port: field("port")?.parse().ok()?,
            dns_name,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Service Connect as ecsnet turns it on for `server` in namespace `my.demo`.
    fn server_in_my_demo() -> ServiceConnect {
        ServiceConnect {
            enabled: true,
            namespace: "my.demo".into(),
            services: vec![ConnectAlias {
                port_name: "default".into(),
                discovery_name: "server".into(),
                port: 8080,
                dns_name: "server.my.demo".into(),
            }],
        }
    }

    #[test]
    fn the_marker_round_trips() {
        let connect = server_in_my_demo();
        assert_eq!(parse_marker(&marker_of(&connect)), Some(connect));
        assert_eq!(parse_marker("garbage"), None);
    }

    #[test]
    fn the_marker_is_a_valid_ecs_tag_value_and_the_old_form_still_reads() {
        let connect = server_in_my_demo();
        let marker = marker_of(&connect);
        assert_eq!(marker, "namespace=my.demo port_name=default discovery_name=server port=8080");
        assert!(marker.chars().all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)), "{marker}");
        let old = "namespace=my.demo;port_name=default;discovery_name=server;port=8080;dns_name=server.my.demo";
        assert_eq!(parse_marker(old), Some(connect));
    }
}
