//! The load balancer's listeners: ports, protocols, certificates and TLS policies, default actions and redirects.

use std::collections::HashMap;

use crate::topology::file::{DefaultActionSection, DefaultActionTable, ListenerSection, Listeners, TopologyFile};
use crate::topology::{DefaultAction, Listener, Protocol, Service};

use super::syntax::check_port;
use super::Errors;

/// A modern TLS policy: TLS 1.3 and 1.2 with forward secrecy.
pub const DEFAULT_SSL_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/// Content types AWS accepts in a fixed response.
const CONTENT_TYPES: [&str; 5] = ["text/plain", "text/css", "text/html", "application/javascript", "application/json"];

pub(super) fn validate_listeners(errors: &mut Errors, file: &TopologyFile) -> Vec<Listener> {
    let sections: &[ListenerSection] = file.listener.as_ref().map_or(&[], |listeners| listeners.as_slice());
    if sections.is_empty() {
        return vec![Listener {
            port: 80,
            protocol: Protocol::Http,
            certificate_arn: None,
            ssl_policy: None,
            default: DefaultAction::EmptyTargetGroup,
        }];
    }
    let mut seen_ports: HashMap<u16, usize> = HashMap::new();
    let listeners: Vec<Listener> = sections
        .iter()
        .enumerate()
        .map(|(index, section)| validate_listener(errors, &mut seen_ports, file, index, section))
        .collect();
    check_redirects(errors, file, &listeners);
    listeners
}

/// One listener; `seen_ports` holds the ports earlier listeners took.
fn validate_listener(
    errors: &mut Errors,
    seen_ports: &mut HashMap<u16, usize>,
    file: &TopologyFile,
    index: usize,
    section: &ListenerSection,
) -> Listener {
    let at = |key: &str| listener_key(file, index, key);
    let protocol = protocol(errors, &at("protocol"), section);
    let default_port = if protocol == Protocol::Https { 443 } else { 80 };
    let port = section.port.map_or(default_port, |port| check_port(errors, &at("port"), port));
    if let Some(first) = seen_ports.insert(port, index) {
        errors.push(
            at("port"),
            format!("port {port} is also the port of listener[{first}]"),
            "give every listener its own port",
        );
    }
    check_tls(errors, at, protocol, section);
    let ssl_policy = (protocol == Protocol::Https)
        .then(|| section.ssl_policy.clone().unwrap_or_else(|| DEFAULT_SSL_POLICY.to_string()));
    let default = match (&section.redirect_to, &section.default) {
        (Some(_), Some(_)) => {
            errors.push(
                at("redirect_to"),
                "a listener either redirects or has a default action, not both",
                "remove redirect_to or default",
            );
            DefaultAction::EmptyTargetGroup
        }
        (Some(target), None) => DefaultAction::Redirect { port: check_port(errors, &at("redirect_to"), *target) },
        (None, None) => DefaultAction::EmptyTargetGroup,
        (None, Some(action)) => default_action(errors, &at("default"), action),
    };
    Listener { port, protocol, certificate_arn: section.certificate_arn.clone(), ssl_policy, default }
}

/// The protocol: HTTPS when a certificate is given and no protocol is, HTTP otherwise.
fn protocol(errors: &mut Errors, key: &str, section: &ListenerSection) -> Protocol {
    match section.protocol.as_deref() {
        None if section.certificate_arn.is_some() => Protocol::Https,
        None | Some("HTTP") => Protocol::Http,
        Some("HTTPS") => Protocol::Https,
        Some(other) => {
            errors.push(
                key,
                format!("\"{other}\" is not a protocol of an Application Load Balancer"),
                "write \"HTTP\" or \"HTTPS\"",
            );
            Protocol::Http
        }
    }
}

/// An HTTPS listener has a certificate, given by its ARN; an HTTP listener has neither certificate nor TLS policy.
fn check_tls(errors: &mut Errors, at: impl Fn(&str) -> String, protocol: Protocol, section: &ListenerSection) {
    match (protocol, &section.certificate_arn) {
        (Protocol::Https, None) => errors.push(
            at("certificate_arn"),
            "an HTTPS listener needs a certificate",
            "set certificate_arn to an ACM (or IAM server) certificate's ARN",
        ),
        (Protocol::Http, Some(_)) => errors.push(
            at("certificate_arn"),
            "an HTTP listener takes no certificate",
            "remove certificate_arn, or set protocol = \"HTTPS\"",
        ),
        (_, Some(arn)) if !arn.starts_with("arn:") => errors.push(
            at("certificate_arn"),
            format!("\"{arn}\" is not an ARN"),
            "write the certificate's ARN, arn:aws:acm:…",
        ),
        _ => {}
    }
    if protocol == Protocol::Http && section.ssl_policy.is_some() {
        errors.push(
            at("ssl_policy"),
            "an HTTP listener takes no TLS policy",
            "remove ssl_policy, or set protocol = \"HTTPS\"",
        );
    }
}

/// A listener that redirects redirects to an HTTPS listener of the load balancer.
fn check_redirects(errors: &mut Errors, file: &TopologyFile, listeners: &[Listener]) {
    for (index, listener) in listeners.iter().enumerate() {
        if let DefaultAction::Redirect { port } = listener.default {
            let key = listener_key(file, index, "redirect_to");
            match listeners.iter().find(|other| other.port == port) {
                Some(target) if target.protocol == Protocol::Https => {}
                Some(_) => errors.push(
                    key,
                    format!("listener {port} is not HTTPS; a redirect goes to an HTTPS listener"),
                    "redirect to the HTTPS listener's port",
                ),
                None => errors.push(
                    key,
                    format!("there is no listener on port {port}"),
                    "add the HTTPS listener, or redirect to its port",
                ),
            }
        }
    }
}

fn default_action(errors: &mut Errors, key: &str, action: &DefaultActionSection) -> DefaultAction {
    let table = match action {
        DefaultActionSection::Named(name) if name == "empty-target-group" => return DefaultAction::EmptyTargetGroup,
        DefaultActionSection::Named(other) => {
            errors.push(
                key,
                format!("\"{other}\" is not a default action"),
                "write \"empty-target-group\", { fixed_response = 404, body = \"…\" } or { forward = \"service\" }",
            );
            return DefaultAction::EmptyTargetGroup;
        }
        DefaultActionSection::Table(table) => table,
    };
    match (table.fixed_response, &table.forward) {
        (Some(status), None) => fixed_response(errors, key, status, table),
        (None, Some(service)) => {
            if table.body.is_some() || table.content_type.is_some() {
                errors.push(key, "body and content_type go with fixed_response, not forward", "remove them");
            }
            DefaultAction::Forward(service.clone())
        }
        _ => {
            errors.push(
                key,
                "a default action has exactly one of fixed_response or forward",
                "write { fixed_response = 404 } or { forward = \"service\" }",
            );
            DefaultAction::EmptyTargetGroup
        }
    }
}

/// A fixed response: a 2XX, 4XX or 5XX status, a body of at most 1024 characters, a content type AWS accepts.
fn fixed_response(errors: &mut Errors, key: &str, status: i64, table: &DefaultActionTable) -> DefaultAction {
    if !(200..=299).contains(&status) && !(400..=599).contains(&status) {
        errors.push(
            key,
            format!("fixed_response {status} is not a 2XX, 4XX or 5XX status"),
            "use a status such as 404 or 503",
        );
    }
    if table.body.as_ref().is_some_and(|body| body.len() > 1024) {
        errors.push(key, "the fixed response body is longer than 1024 characters", "shorten the body");
    }
    let content_type = table.content_type.clone().unwrap_or_else(|| "text/plain".into());
    if !CONTENT_TYPES.contains(&content_type.as_str()) {
        errors.push(
            key,
            format!("content_type \"{content_type}\" is not one AWS accepts"),
            format!("use one of {}", CONTENT_TYPES.join(", ")),
        );
    }
    DefaultAction::FixedResponse { status: status.clamp(200, 599) as u16, body: table.body.clone(), content_type }
}

/// A listener that forwards by default forwards to a load-balanced service of the topology.
pub fn check_forward_defaults(errors: &mut Errors, file: &TopologyFile, listeners: &[Listener], services: &[Service]) {
    for (index, listener) in listeners.iter().enumerate() {
        if let DefaultAction::Forward(name) = &listener.default {
            if !services.iter().any(|service| service.name == *name && service.routing.is_some()) {
                let balanced =
                    services.iter().filter(|service| service.routing.is_some()).map(|service| service.name.as_str());
                let hint = match crate::suggest::nearest(name, balanced) {
                    Some(near) => format!("did you mean \"{near}\"?"),
                    None => "name a [[service]] that is load balanced".into(),
                };
                errors.push_labelled(format!("listener {}", listener.port), listener_key(file, index, "default"), format!("its default action forwards to \"{name}\", which is not a load-balanced service of this topology"), hint);
            }
        }
    }
}

/// The key of a listener's `field`: `listener.port` in a single `[listener]` table, `listener[1].port` in
/// `[[listener]]` tables.
fn listener_key(file: &TopologyFile, index: usize, field: &str) -> String {
    match file.listener {
        Some(Listeners::One(_)) => format!("listener.{field}"),
        _ => format!("listener[{index}].{field}"),
    }
}
