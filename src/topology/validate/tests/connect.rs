//! `[service.connect]`'s aliases, TLS, timeouts and logs.

use std::path::Path;

use crate::topology::{parse, AccessLog, AccessLogFormat, ConnectTimeouts, LogDriver};

use super::{invalid, placed};

const CA: &str = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0a1b2c3d-0000-4000-8000-000000000000";
const ROLE: &str = "arn:aws:iam::123456789012:role/service-connect-tls";

/// A file in us-east-1 with a namespace and service "a" on Service Connect, `connect` under its table (which
/// starts on line 14).
fn with_connect(connect: &str) -> String {
    format!(
        "name = \"demo\"\nregion = \"us-east-1\"\n[network]\nvpc = \"v\"\nsubnets = [\"a\", \"b\"]\n[discovery]\nnamespace = \"my.demo\"\n[[service]]\nname = \"a\"\nsecurity_group = \"sg-1\"\nport = 8080\nload_balanced = false\n[service.ecs]\ncluster = \"main\"\n[service.connect]\nport_name = \"default\"\n{connect}\n"
    )
}

fn problems(connect: &str) -> Vec<(String, String)> {
    invalid(&with_connect(connect)).into_iter().map(|error| (error.key, error.problem)).collect()
}

#[test]
fn several_aliases_each_register_a_discovery_name_of_their_own() {
    let text = with_connect("aliases = [{ dns_name = \"a.internal\", port = 80 }, { dns_name = \"a\", port = 8080 }, { port = 9090, discovery_name = \"a-admin\" }]\nper_request_timeout = 30\nidle_timeout = 0\n[service.connect.tls]\ncertificate_authority = \"CA\"\nrole = \"ROLE\"\n[service.connect.logs]\ndriver = \"awslogs\"\noptions = { awslogs-group = \"/ecs/a\" }\naccess_logs = \"JSON\"\ninclude_query_parameters = true".replace("\"CA\"", &format!("\"{CA}\"")).replace("\"ROLE\"", &format!("\"{ROLE}\"")).as_str());
    let topology = parse(Path::new("t.toml"), &text).unwrap();
    let connect = topology.services[0].connect.as_ref().unwrap();
    let resolved = connect.resolved("my.demo", 8080);
    assert_eq!(
        resolved,
        [
            ("a".to_string(), "a.internal".to_string(), 80),
            ("a-2".to_string(), "a".to_string(), 8080),
            ("a-admin".to_string(), "a-admin.my.demo".to_string(), 9090)
        ]
    );
    assert_eq!(connect.timeouts, ConnectTimeouts { per_request: Some(30), idle: Some(0) });
    assert_eq!(connect.tls.as_ref().map(|tls| tls.role.as_deref()), Some(Some(ROLE)));
    let logs = connect.logs.as_ref().unwrap();
    assert_eq!(logs.driver, LogDriver::Awslogs);
    assert_eq!(logs.access_log, Some(AccessLog { format: AccessLogFormat::Json, query_parameters: Some(true) }));
}

#[test]
fn aliases_and_dns_name_are_exclusive_and_aliases_are_unique() {
    let found = problems(
        "dns_name = \"a.internal\"\naliases = [{ dns_name = \"a.internal\", port = 80 }, { dns_name = \"a.internal\", port = 80, discovery_name = \"b\" }, { dns_name = \"A\", port = 0 }]",
    );
    let expected = [
        ("service[0].connect.aliases", "sets the client aliases, and so do dns_name and port"),
        ("service[0].connect.aliases[2].dns_name", "\"A\" is not a Service Connect client alias"),
        ("service[0].connect.aliases[2].port", "0 is outside 1–65535"),
        ("service[0].connect.aliases[1]", "is the same DNS name and port as aliases[0]"),
    ];
    for (key, problem) in expected {
        assert!(found.contains(&(key.to_string(), problem.to_string())), "{key}: {problem} not in {found:#?}");
    }
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    assert_eq!(problems("aliases = []"), [("service[0].connect.aliases".to_string(), "is empty".to_string())]);
}

#[test]
fn an_alias_discovery_name_taken_twice_is_refused() {
    let found = problems("aliases = [{ port = 80 }, { port = 81, discovery_name = \"a\" }]");
    assert_eq!(
        found,
        [(
            "service[0].connect.aliases[1].discovery_name".to_string(),
            "\"a\" is also the discovery name of another alias of this service".to_string()
        )]
    );
}

#[test]
fn tls_arns_are_checked_and_the_ca_must_be_in_the_topologys_region() {
    let found = problems(
        "[service.connect.tls]\ncertificate_authority = \"arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/x\"\nkms_key = \"my-key\"\nrole = \"arn:aws:iam::123456789012:user/me\"",
    );
    assert_eq!(
        found,
        [
            (
                "service[0].connect.tls.certificate_authority".to_string(),
                "the certificate authority is in eu-west-1, and the topology in us-east-1".to_string()
            ),
            ("service[0].connect.tls.kms_key".to_string(), "\"my-key\" is not a KMS key ID, alias or ARN".to_string()),
            (
                "service[0].connect.tls.role".to_string(),
                "\"arn:aws:iam::123456789012:user/me\" is not an IAM role ARN".to_string()
            ),
        ]
    );
    let found =
        problems("[service.connect.tls]\ncertificate_authority = \"arn:aws:acm:us-east-1:123456789012:certificate/x\"");
    assert_eq!(
        found[0].1,
        "\"arn:aws:acm:us-east-1:123456789012:certificate/x\" is not an AWS Private CA certificate authority ARN"
    );
    for key in [
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "mrk-1234abcd12ab34cd56ef1234567890ab",
        "alias/service-connect",
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:us-east-1:123456789012:alias/service-connect",
    ] {
        let text = with_connect(&format!(
            "[service.connect.tls]\ncertificate_authority = \"{CA}\"\nkms_key = \"{key}\"\nrole = \"{ROLE}\""
        ));
        assert!(parse(Path::new("t.toml"), &text).is_ok(), "{key}");
    }
}

#[test]
fn timeouts_are_aws_durations_and_logs_name_what_ecs_knows() {
    let found = problems(
        "per_request_timeout = -1\nidle_timeout = 2147483648\n[service.connect.logs]\ndriver = \"cloudwatch\"\naccess_logs = \"CSV\"",
    );
    assert_eq!(
        found,
        [
            ("service[0].connect.per_request_timeout".to_string(), "-1 is outside 0–2147483647 seconds".to_string()),
            ("service[0].connect.idle_timeout".to_string(), "2147483648 is outside 0–2147483647 seconds".to_string()),
            ("service[0].connect.logs.driver".to_string(), "\"cloudwatch\" is not a log driver ECS knows".to_string()),
            ("service[0].connect.logs.access_logs".to_string(), "\"CSV\" is not an access log format".to_string()),
        ]
    );
    let found = problems("[service.connect.logs]\ndriver = \"awslogs\"\ninclude_query_parameters = true");
    assert_eq!(found[0].0, "service[0].connect.logs.include_query_parameters");
}

#[test]
fn connect_problems_are_placed_at_their_keys() {
    let errors = invalid(&with_connect("aliases = [{ dns_name = \"ok\", port = 80 }, { dns_name = \"-bad\" }]\n[service.connect.tls]\ncertificate_authority = \"nope\""));
    assert_eq!(
        placed(&errors),
        [("service[0].connect.aliases[1].dns_name", 17, 57), ("service[0].connect.tls.certificate_authority", 19, 25)]
    );
}
