use super::*;
use crate::plan::{Address, Change, FieldChange, Operation, ReplaceReason};

fn plan() -> Plan {
    Plan {
        topology: "demo".into(),
        changes: vec![
            Change {
                address: Address::TargetGroup("api".into()),
                action: Action::Replace,
                name: "demo-api-1234".into(),
                fields: vec![FieldChange::changed("port", 8080, 8081)],
                reason: Some(ReplaceReason::Immutable { fields: vec!["port".into()] }),
                operation: Operation::RemovedWithParent,
            },
            Change {
                address: Address::ListenerRule("old".into(), 80),
                action: Action::Delete,
                name: "priority 3".into(),
                fields: vec![],
                reason: None,
                operation: Operation::RemovedWithParent,
            },
        ],
        notes: vec![Note::info("something to know"), Note::warning("something to act on")],
        migrations: vec![],
    }
}

/// The text as the stream gets it, styles and all.
fn styled(plan: &Plan) -> String {
    let mut out = Vec::new();
    write_text(&mut out, plan).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn text_reads_like_terraform_and_needs_no_color() {
    assert_eq!(
        crate::views::plain(&styled(&plan())),
        "ecsnet will make these changes to topology \"demo\":\n\n\
         -/+ service.api.target_group  demo-api-1234  (port cannot change in place)\n        port: 8080 → 8081\n\
         \x20 - service.old.rule.80  priority 3\n\n\
         note: something to know\n\
         warning: something to act on\n\n\
         Plan: 1 to add, 0 to change, 2 to destroy.\n"
    );
    assert!(styled(&plan()).contains("\x1b[35m-/+ service.api.target_group\x1b[0m"));
    assert!(styled(&plan()).contains("\x1b[33mwarning: something to act on\x1b[0m"));
}

#[test]
fn an_empty_plan_says_so_without_a_summary() {
    let empty = Plan { topology: "demo".into(), changes: vec![], notes: vec![], migrations: vec![] };
    assert_eq!(styled(&empty), "No changes. Live state matches topology \"demo\".\n");
}

#[test]
fn json_has_the_documented_shape() {
    let mut out = Vec::new();
    write_json(&mut out, &plan()).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(value["format_version"], 2);
    assert_eq!(value["changes"][0]["action"], "replace");
    assert_eq!(value["changes"][0]["address"], "service.api.target_group");
    assert_eq!(value["changes"][0]["reason"], "port cannot change in place");
    assert_eq!(value["changes"][0]["fields"][0], serde_json::json!({"field": "port", "old": "8080", "new": "8081"}));
    assert_eq!(
        value["notes"],
        serde_json::json!([
            {"level": "info", "text": "something to know"},
            {"level": "warning", "text": "something to act on"}
        ])
    );
    assert_eq!(value["summary"], serde_json::json!({"add": 1, "change": 0, "destroy": 2}));
}

#[test]
fn snapshots_of_text_and_json() {
    insta::assert_snapshot!("plan_text", crate::views::plain(&styled(&plan())));
    let mut json = Vec::new();
    write_json(&mut json, &plan()).unwrap();
    insta::assert_snapshot!("plan_json", String::from_utf8(json).unwrap());
}

/// A plan that adopts a target group and then changes its health check.
fn adopting() -> Plan {
    let address = Address::TargetGroup("web".into());
    let mark = crate::plan::adopt::Mark::LoadBalancingTags { arn: "arn:tg/legacy".into(), tags: vec![] };
    Plan {
        topology: "demo".into(),
        changes: vec![
            Change {
                address: address.clone(),
                action: Action::Adopt,
                name: "legacy-tg".into(),
                fields: vec![FieldChange::new("id", "arn:tg/legacy")],
                reason: None,
                operation: Operation::Adopt(mark),
            },
            Change {
                address,
                action: Action::Update,
                name: "legacy-tg".into(),
                fields: vec![FieldChange::changed("health_check.interval", 30, 5)],
                reason: None,
                operation: Operation::RemovedWithParent,
            },
        ],
        notes: vec![],
        migrations: vec![],
    }
}

#[test]
fn an_adoption_is_shown_with_an_equals_sign_and_counted_apart() {
    let text = crate::views::plain(&styled(&adopting()));
    insta::assert_snapshot!("plan_adopting_text", text);
    assert!(text.ends_with("Plan: 0 to add, 1 to change, 0 to destroy, 1 to adopt.\n"), "{text}");
    let mut json = Vec::new();
    write_json(&mut json, &adopting()).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(value["changes"][0]["action"], "adopt");
    assert_eq!(value["summary"], serde_json::json!({"add": 0, "change": 1, "destroy": 0, "adopt": 1}));
}

/// A service put on Service Connect with every setting: each part of it on a line of its own.
#[test]
fn service_connect_settings_read_part_by_part() {
    use crate::test_support::{
        ecs_service, http_task_definition, security_group, subnet, ObservedBuilder, TopologyBuilder,
    };
    use crate::topology::file::{ConnectAliasSection, ConnectLogsSection, ConnectTlsSection};
    let topology = TopologyBuilder::new("conn").discovery("my.demo").service("server", |service| {
        service.security_group("server-tasks").ecs("demo").connect("default", Some("server")).connect_settings(
            |connect| {
                connect.aliases = Some(vec![
                    ConnectAliasSection {
                        dns_name: Some("server.internal".into()),
                        port: Some(80),
                        discovery_name: None,
                    },
                    ConnectAliasSection { dns_name: Some("server".into()), port: Some(8080), discovery_name: None },
                ]);
                connect.per_request_timeout = Some(30);
                connect.idle_timeout = Some(300);
                connect.tls = Some(ConnectTlsSection {
                    certificate_authority: "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/ca-1".into(),
                    kms_key: Some("alias/service-connect".into()),
                    role: Some("arn:aws:iam::123456789012:role/service-connect-tls".into()),
                });
                connect.logs = Some(ConnectLogsSection {
                    driver: "awslogs".into(),
                    options: Some([("awslogs-group".to_string(), "/ecs/server".to_string())].into()),
                    access_logs: Some("JSON".into()),
                    include_query_parameters: Some(true),
                });
            },
        )
    });
    let observed = ObservedBuilder::new()
        .vpc("vpc-1")
        .subnet(subnet("subnet-a", None, "us-east-1a"))
        .subnet(subnet("subnet-b", None, "us-east-1b"))
        .security_group(security_group("sg-server", "server-tasks"))
        .ecs_service(ecs_service("demo", "server"))
        .task_definition(http_task_definition("server", 8080))
        .build();
    let plan = crate::test_support::planned(&topology.build(), &observed).unwrap();
    insta::assert_snapshot!("plan_service_connect_text", crate::views::plain(&styled(&plan)));
}
