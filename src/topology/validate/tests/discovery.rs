//! `[discovery]` and a service's `[service.discovery]`.

use super::{errors_of, service};

#[test]
fn a_namespace_named_like_the_zone_is_refused() {
    let errors = errors_of("[discovery]\nnamespace = \"in.example.com\"\n");
    assert_eq!(errors[0].key, "discovery.namespace");
    assert!(errors[0].problem.contains("a VPC cannot hold two private zones of one name"));
}

#[test]
fn a_records_need_awsvpc_and_discovery_needs_a_namespace() {
    let errors = errors_of(&service("name = \"a\"\ntarget_type = \"instance\"\n[service.discovery]\nrecord = \"A\"\n"));
    let keys: Vec<_> = errors.iter().map(|error| error.key.as_str()).collect();
    assert_eq!(keys, ["service[0].discovery", "service[0].discovery.record"]);
    assert!(errors[1].problem.contains("A records need awsvpc networking"));
}
