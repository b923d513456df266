//! Where an error is placed in the file: its line and column.

use super::{errors_of, invalid, placed, service, BASE};

#[test]
fn a_bad_value_is_placed_at_the_value() {
    let errors = errors_of(&service("name = \"a\"\npriority = 0"));
    assert_eq!(placed(&errors), [("service[0].priority", 13, 12)]);
    let errors = invalid(&BASE.replace("[load_balancer]", "[load_balancer]\nscheme = \"public\""));
    assert_eq!(placed(&errors), [("load_balancer.scheme", 7, 10)]);
}

#[test]
fn an_array_element_is_placed_at_the_element() {
    let errors = errors_of(&service("name = \"a\"\ncallers = [\"a\", \"ghost\"]"));
    assert_eq!(placed(&errors), [("service[0].callers[1]", 13, 17)]);
}

#[test]
fn keys_of_the_third_service_are_placed_in_the_third_service() {
    let third = "[[service]]\nname = \"a\"\nsecurity_group = \"sg-3\"\nport = 70000\n";
    let errors = errors_of(&format!("{}{}{third}", service("name = \"a\""), service("name = \"b\"")));
    assert_eq!(
        placed(&errors),
        [("service[2].name", 18, 8), ("service[2].port", 20, 8), ("service[2].host", 17, 1)],
        "a missing host is placed at its service's header"
    );
}

#[test]
fn a_missing_key_is_placed_at_its_table_header() {
    let errors = errors_of(&service("name = \"a\"\n[service.health_check]\ninterval = 5"));
    assert_eq!(placed(&errors), [("service[0].health_check.timeout", 13, 1)]);
}

#[test]
fn listener_keys_are_placed_in_their_listener_table() {
    let errors = invalid(&format!(
        "{BASE}[[listener]]\nport = 8443\nprotocol = \"HTTPS\"\n[[listener]]\nport = 80\nredirect_to = 9000\n[[listener]]\nprotocol = \"TCP\"\n"
    ));
    assert_eq!(
        placed(&errors),
        [
            ("listener[0].certificate_arn", 9, 1),
            ("listener[2].protocol", 16, 12),
            ("listener[2].port", 15, 1),
            ("listener[1].redirect_to", 14, 15)
        ],
        "the third listener takes port 80 by default: its missing port is placed at its header"
    );
    let errors = invalid(&format!("{BASE}[listener]\ndefault = {{ forward = \"ghost\" }}\n"));
    assert_eq!(placed(&errors), [("listener 80", 10, 11)], "placed at the listener's default action");
}
