//! A service's routing: its hosts in the zone, its rule's conditions, its target group's attributes.

use std::path::Path;

use crate::topology::parse;

use super::{errors_of, service, BASE};

#[test]
fn a_cname_at_the_zone_apex_is_refused() {
    let errors = errors_of(&service("name = \"a\"\nhost = \"in.example.com\""));
    assert!(errors[0].problem.contains("zone apex"), "{errors:?}");
}

#[test]
fn bad_host_syntax_is_refused_and_hosts_outside_the_zone_are_allowed() {
    let errors = errors_of(&format!(
        "{}{}",
        service("name = \"a\"\nhost = \"a.other.com\""),
        service("name = \"b\"\nhost = \"b_x.in.example.com\"")
    ));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].key, "service[1].host");
    assert!(errors[0].problem.contains("not a valid host name"));
}

#[test]
fn a_rule_holds_at_most_five_condition_values_and_valid_paths() {
    let errors = errors_of(&service(
        "name = \"a\"\nhosts = [\"a.in.example.com\", \"b.in.example.com\"]\npaths = [\"/1\", \"/2\", \"/3\", \"4\"]",
    ));
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "service \"a\" paths: \"4\" does not begin with \"/\"\n    hint: write a path pattern such as \"/api/users\" or \"/api/users/*\"",
            "service \"a\" paths: 2 hosts and 4 paths make 6 condition values; AWS allows 5 in one rule\n    hint: split the service's routes, or use wildcards (\"/api/*\", \"*.example.com\")"
        ]
    );
    // Five values are the most a rule takes: here one host and four paths.
    assert!(parse(
        Path::new("t.toml"),
        &format!(
            "{BASE}{}",
            service("name = \"a\"\nhosts = [\"a.in.example.com\"]\npaths = [\"/1\", \"/2\", \"/3\", \"/4\"]")
        )
    )
    .is_ok());
}

#[test]
fn a_rule_holds_at_most_five_wildcards() {
    let errors = errors_of(&service("name = \"a\"\npaths = [\"/a/*/b/*\", \"/c/*?\", \"/d/*/e/*\"]"));
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["service \"a\" paths: the hosts and paths hold 6 wildcards (* and ?); AWS allows 5 in one rule\n    hint: use fewer wildcards, or split the service's routes"]);
}

#[test]
fn target_group_attributes_are_in_aws_ranges() {
    let errors = errors_of(&service(
        "name = \"a\"\nderegistration_delay = 4000\nslow_start = 10\nstickiness = { duration = 0 }",
    ));
    let keys: Vec<_> = errors.iter().map(|error| error.key.as_str()).collect();
    assert_eq!(keys, ["service[0].deregistration_delay", "service[0].slow_start", "service[0].stickiness.duration"]);
    let topology = parse(Path::new("t.toml"), &format!("{BASE}{}", service("name = \"a\"\nstickiness = {}"))).unwrap();
    assert_eq!(
        topology.services[0].routing.as_ref().unwrap().attributes.stickiness,
        Some(crate::topology::Stickiness::LbCookie(86_400))
    );
}

#[test]
fn an_alias_may_stand_at_the_zone_apex() {
    let text = format!(
        "{}{}",
        BASE.replace("zone = \"in.example.com\"", "zone = \"in.example.com\"\nrecord = \"alias\""),
        service("name = \"a\"\nhost = \"in.example.com\"")
    );
    assert!(parse(Path::new("t.toml"), &text).is_ok());
}
