//! `[[service]]`s: defaults, names, ports, priorities, callers, and the keys of a load-balanced service.

use std::path::Path;

use crate::topology::{parse, HealthCheck, Scheme, TargetType, TopologyError};

use super::{errors_of, service, BASE};

#[test]
fn defaults_are_filled_in() {
    let topology = parse(Path::new("t.toml"), &format!("{BASE}{}", service("name = \"service-a\""))).unwrap();
    let load_balancer = topology.load_balancer.unwrap();
    assert_eq!(load_balancer.name, "demo-alb");
    assert_eq!(load_balancer.scheme, Scheme::Internal);
    assert_eq!(load_balancer.listeners[0].port, 80);
    assert_eq!(topology.dns.unwrap().ttl, 60);
    let service = &topology.services[0];
    let routing = service.routing.as_ref().unwrap();
    assert_eq!(routing.hosts, ["service-a.in.example.com"]);
    assert_eq!(service.target_type, TargetType::Ip);
    assert_eq!(routing.health_check, HealthCheck::default());
}

#[test]
fn priorities_must_be_in_range_and_unique() {
    let errors = errors_of(&format!(
        "{}{}{}",
        service("name = \"a\"\npriority = 0"),
        service("name = \"b\"\npriority = 7"),
        service("name = \"c\"\npriority = 7")
    ));
    let keys: Vec<_> = errors.iter().map(|error| error.key.as_str()).collect();
    assert_eq!(keys, ["service[0].priority", "service[2].priority"]);
    assert!(errors[0].problem.contains("outside 1–50000"));
    assert!(errors[1].problem.contains("also the priority of service \"b\""));
}

#[test]
fn duplicate_names_and_hosts_are_refused() {
    let errors = errors_of(&format!("{}{}", service("name = \"a\""), service("name = \"a\"")));
    let keys: Vec<_> = errors.iter().map(|error| error.key.as_str()).collect();
    assert_eq!(keys, ["service[1].name", "service[1].host"]);
}

#[test]
fn ports_must_be_in_range() {
    let errors = errors_of("[[service]]\nname = \"a\"\nsecurity_group = \"sg\"\nport = 70000\n");
    assert_eq!(errors[0].key, "service[0].port");
}

#[test]
fn more_than_100_rules_are_accepted_and_spread_by_the_planner() {
    let services: String = (0..101).map(|index| service(&format!("name = \"s{index}\""))).collect();
    assert!(parse(Path::new("t.toml"), &format!("{BASE}{services}")).is_ok());
}

#[test]
fn a_load_balanced_service_needs_a_load_balancer() {
    let text = format!("{}{}", BASE.replace("[load_balancer]\n", ""), service("name = \"a\"\nload_balanced = true"));
    let errors = match parse(Path::new("t.toml"), &text) {
        Err(TopologyError::Invalid { errors, .. }) => errors,
        other => panic!("{other:?}"),
    };
    assert_eq!(errors[0].key, "service[0].load_balanced");
}

#[test]
fn callers_must_be_services_of_the_topology() {
    let errors = errors_of(&service("name = \"a\"\ncallers = [\"a\", \"ghost\"]"));
    assert_eq!(errors[0].key, "service[0].callers[1]");
    assert!(errors[0].problem.contains("\"ghost\" is not a service of this topology"));
}

#[test]
fn routing_keys_on_a_service_that_is_not_load_balanced_are_refused() {
    let errors = errors_of(&service("name = \"a\"\nload_balanced = false\nhost = \"a.in.example.com\""));
    assert_eq!(errors[0].key, "service[0].host");
    assert!(errors[0].problem.contains("load_balanced = false"));
}
