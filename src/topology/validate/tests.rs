use std::path::Path;

use super::health_check::is_http_code_matcher;
use super::*;
use crate::topology::{parse, DefaultAction, HealthCheck, Protocol, Scheme, TargetType, TopologyError};

const BASE: &str = r#"
name = "demo"
[network]
vpc = "demo-vpc"
subnets = ["a", "b"]
[load_balancer]
[dns]
zone = "in.example.com"
"#;

fn errors_of(extra: &str) -> Vec<ValidationError> {
    match parse(Path::new("t.toml"), &format!("{BASE}{extra}")) {
        Err(TopologyError::Invalid { errors, .. }) => errors,
        other => panic!("expected validation errors, got {other:?}"),
    }
}

fn service(fields: &str) -> String {
    format!("[[service]]\nsecurity_group = \"sg-1\"\nport = 8080\n{fields}\n")
}

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
fn names_longer_than_32_characters_are_refused() {
    let errors = errors_of(&service("name = \"a-service-name-that-is-far-too-long-for-aws\""));
    assert_eq!(errors[0].key, "service[0].name");
    assert!(errors[0].problem.contains("AWS allows 1 to 32"));
}

#[test]
fn one_subnet_is_not_enough() {
    let errors = match parse(Path::new("t.toml"), &BASE.replace("[\"a\", \"b\"]", "[\"a\"]")) {
        Err(TopologyError::Invalid { errors, .. }) => errors,
        other => panic!("{other:?}"),
    };
    assert_eq!(errors[0].key, "network.subnets");
    assert!(errors[0].problem.contains("at least two Availability Zones"));
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
    assert!(errors[1].problem.contains("also the priority of service[1]"));
}

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
fn health_check_limits_are_aws_limits() {
    let errors = errors_of(&service(
        "name = \"a\"\n[service.health_check]\ninterval = 5\ntimeout = 5\nhealthy_threshold = 11\npath = \"health\"\nmatcher = \"600\"",
    ));
    let keys: Vec<_> = errors.iter().map(|error| error.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "service[0].health_check.healthy_threshold",
            "service[0].health_check.timeout",
            "service[0].health_check.path",
            "service[0].health_check.matcher"
        ]
    );
}

#[test]
fn internet_facing_needs_explicit_cidrs() {
    let text = format!("{}{}", BASE.replace("[load_balancer]", "[load_balancer]\nscheme = \"internet-facing\""), "");
    let errors = match parse(Path::new("t.toml"), &text) {
        Err(TopologyError::Invalid { errors, .. }) => errors,
        other => panic!("{other:?}"),
    };
    assert_eq!(errors[0].key, "load_balancer.allowed_cidrs");
}

#[test]
fn more_inbound_rules_than_a_security_group_holds_are_refused() {
    let cidrs = |count: usize| (0..count).map(|index| format!("\"10.{index}.0.0/16\"")).collect::<Vec<_>>().join(", ");
    let with =
        |count: usize| BASE.replace("[load_balancer]", &format!("[load_balancer]\nallowed_cidrs = [{}]", cidrs(count)));
    // 30 blocks on ports 80 and 443: 60 rules, AWS's quota exactly.
    assert!(parse(Path::new("t.toml"), &with(30)).is_ok());
    let errors = match parse(Path::new("t.toml"), &with(31)) {
        Err(TopologyError::Invalid { errors, .. }) => errors,
        other => panic!("{other:?}"),
    };
    assert_eq!(errors[0].key, "load_balancer.allowed_cidrs");
    assert_eq!(
        errors[0].problem,
        "31 blocks on 2 ports make 62 inbound rules on the load balancer's security group; AWS allows 60"
    );
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
fn matchers_accept_aws_forms() {
    assert!(is_http_code_matcher("200"));
    assert!(is_http_code_matcher("200,202"));
    assert!(is_http_code_matcher("200-299"));
    assert!(!is_http_code_matcher("2xx"));
    assert!(!is_http_code_matcher("299-200"));
}

#[test]
fn callers_must_be_services_of_the_topology() {
    let errors = errors_of(&service("name = \"a\"\ncallers = [\"a\", \"ghost\"]"));
    assert_eq!(errors[0].key, "service[0].callers[1]");
    assert!(errors[0].problem.contains("\"ghost\" is not a service of this topology"));
}

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
fn routing_keys_on_a_service_that_is_not_load_balanced_are_refused() {
    let errors = errors_of(&service("name = \"a\"\nload_balanced = false\nhost = \"a.in.example.com\""));
    assert_eq!(errors[0].key, "service[0].host");
    assert!(errors[0].problem.contains("load_balanced = false"));
}

#[test]
fn the_ecs_wiring_defaults_to_the_service_name() {
    let topology =
        parse(Path::new("t.toml"), &format!("{BASE}{}", service("name = \"a\"\n[service.ecs]\ncluster = \"main\"")))
            .unwrap();
    let wiring = topology.services[0].ecs.as_ref().unwrap();
    assert_eq!((wiring.cluster.as_str(), wiring.service.as_str(), wiring.container.as_str()), ("main", "a", "a"));
}

fn invalid(text: &str) -> Vec<ValidationError> {
    match parse(Path::new("t.toml"), text) {
        Err(TopologyError::Invalid { errors, .. }) => errors,
        other => panic!("expected validation errors, got {other:?}"),
    }
}

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
fn a_rule_holds_at_most_five_condition_values_and_valid_paths() {
    let errors = errors_of(&service(
        "name = \"a\"\nhosts = [\"a.in.example.com\", \"b.in.example.com\"]\npaths = [\"/1\", \"/2\", \"/3\", \"4\"]",
    ));
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "service[0].paths: \"4\" does not begin with \"/\"\n    hint: write a path pattern such as \"/api/users\" or \"/api/users/*\"",
            "service[0].paths: 2 hosts and 4 paths make 6 condition values; AWS allows 5 in one rule\n    hint: split the service's routes, or use wildcards (\"/api/*\", \"*.example.com\")"
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
    assert_eq!(shown, ["service[0].paths: the hosts and paths hold 6 wildcards (* and ?); AWS allows 5 in one rule\n    hint: use fewer wildcards, or split the service's routes"]);
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

/// Each error's key with its line and column; BASE ends on line 8, so what follows it starts on line 9.
fn placed(errors: &[ValidationError]) -> Vec<(&str, usize, usize)> {
    errors.iter().map(|error| (error.key.as_str(), error.line, error.column)).collect()
}

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
