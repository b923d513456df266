//! `[service.ecs]` and `[service.connect]`.

use std::path::Path;

use crate::topology::parse;

use super::{errors_of, service, BASE};

#[test]
fn service_connect_names_follow_aws_rules_and_need_a_namespace_and_an_ecs_service() {
    let errors =
        errors_of(&service("name = \"a\"\n[service.connect]\nport_name = \"Default\"\ndiscovery_name = \"-x\"\n"));
    let keys: Vec<_> = errors.iter().map(|error| error.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "service[0].connect",
            "service[0].connect",
            "service[0].connect.discovery_name",
            "service[0].connect.port_name"
        ]
    );
    assert!(errors[0].problem.contains("no [discovery] table"));
    assert!(errors[1].problem.contains("no [service.ecs] table"));
    assert!(errors[2].problem.contains("starts with a hyphen"));
    assert!(errors[3].problem.contains("other than lowercase letters"));
}

#[test]
fn a_client_alias_follows_aws_rules() {
    let errors = errors_of(&service(
        "name = \"a\"\n[service.ecs]\ncluster = \"main\"\n[service.connect]\nport_name = \"default\"\ndns_name = \"-A.example.com\"\nport = 0\n",
    ));
    let problems: Vec<_> = errors.iter().map(|error| (error.key.as_str(), error.problem.as_str())).collect();
    assert!(
        problems.contains(&("service[0].connect.dns_name", "\"-A.example.com\" is not a Service Connect client alias")),
        "{problems:?}"
    );
    assert!(problems.contains(&("service[0].connect.port", "0 is outside 1–65535")), "{problems:?}");
}

#[test]
fn the_ecs_wiring_defaults_to_the_service_name() {
    let topology =
        parse(Path::new("t.toml"), &format!("{BASE}{}", service("name = \"a\"\n[service.ecs]\ncluster = \"main\"")))
            .unwrap();
    let wiring = topology.services[0].ecs.as_ref().unwrap();
    assert_eq!((wiring.cluster.as_str(), wiring.service.as_str(), wiring.container.as_str()), ("main", "a", "a"));
}
