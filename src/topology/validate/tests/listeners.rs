//! `[listener]`s: their defaults, certificates, redirects and default actions, and the listeners a service names.

use std::path::Path;

use crate::topology::validate::listeners;
use crate::topology::{parse, DefaultAction, Protocol};

use super::{invalid, service, BASE};

#[test]
fn listeners_are_a_table_or_an_array_with_defaults_per_protocol() {
    let text = format!(
        "{}\n[[listener]]\ncertificate_arn = \"arn:aws:acm:us-east-1:1:certificate/x\"\ndefault = {{ fixed_response = 404, body = \"no route\" }}\n[[listener]]\nredirect_to = 443\n",
        BASE.trim_end()
    );
    let text = text.replace("[dns]\nzone = \"in.example.com\"\n", "");
    let topology = parse(Path::new("t.toml"), &format!("{text}[dns]\nzone = \"in.example.com\"\n")).unwrap();
    let listeners = &topology.load_balancer.unwrap().listeners;
    assert_eq!(
        (listeners[0].port, listeners[0].protocol, listeners[0].ssl_policy.as_deref()),
        (443, Protocol::Https, Some(listeners::DEFAULT_SSL_POLICY))
    );
    assert_eq!(
        listeners[0].default,
        DefaultAction::FixedResponse { status: 404, body: Some("no route".into()), content_type: "text/plain".into() }
    );
    assert_eq!((listeners[1].port, &listeners[1].default), (80, &DefaultAction::Redirect { port: 443 }));
}

#[test]
fn https_needs_a_certificate_and_a_redirect_needs_an_https_target() {
    let errors = invalid(&format!(
        "{BASE}[[listener]]\nport = 8443\nprotocol = \"HTTPS\"\n[[listener]]\nport = 80\nredirect_to = 9000\n"
    ));
    let keys: Vec<_> = errors.iter().map(|error| error.key.as_str()).collect();
    assert_eq!(keys, ["listener[0].certificate_arn", "listener[1].redirect_to"]);
    assert!(errors[1].problem.contains("there is no listener on port 9000"));
}

#[test]
fn default_actions_are_checked() {
    let errors = invalid(&format!("{BASE}[listener]\ndefault = {{ fixed_response = 302 }}\n"));
    assert!(errors[0].problem.contains("not a 2XX, 4XX or 5XX status"), "{errors:?}");
    let errors = invalid(&format!("{BASE}[listener]\ndefault = {{ forward = \"ghost\" }}\n"));
    assert!(errors[0].problem.contains("\"ghost\", which is not a load-balanced service"), "{errors:?}");
    let errors = invalid(&format!("{BASE}[listener]\ndefault = \"drop\"\n"));
    assert!(errors[0].problem.contains("\"drop\" is not a default action"), "{errors:?}");
}

#[test]
fn services_name_listeners_that_exist_and_carry_rules() {
    let text = format!("{}[[listener]]\nport = 80\nredirect_to = 443\n[[listener]]\nport = 443\ncertificate_arn = \"arn:aws:acm:x\"\n{}", BASE, service("name = \"a\"\nlisteners = [80, 81]"));
    let errors = invalid(&text);
    let problems: Vec<_> = errors.iter().map(|error| (error.key.as_str(), error.problem.as_str())).collect();
    assert_eq!(problems[0].0, "service[0].listeners[0]");
    assert!(problems[0].1.contains("redirects every request"));
    assert!(problems[1].1.contains("there is no listener on port 81"));
    let topology = parse(Path::new("t.toml"), &text.replace("listeners = [80, 81]", "")).unwrap();
    assert_eq!(
        topology.services[0].routing.as_ref().unwrap().listeners,
        [443],
        "by default every listener that does not redirect"
    );
}
