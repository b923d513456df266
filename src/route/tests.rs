use std::collections::BTreeMap;

use super::*;
use crate::observed::{Rule, Tags, TargetGroup};
use crate::plan::ownership::ADDRESS_TAG;
use crate::plan::ownership::TOPOLOGY_TAG;
use crate::topology::HealthCheck;

fn tags(address: &str) -> Tags {
    BTreeMap::from([(TOPOLOGY_TAG.to_string(), "demo".to_string()), (ADDRESS_TAG.to_string(), address.to_string())])
}

fn rule(priority: u32, hosts: &[&str], paths: &[&str], group: &str, address: &str) -> Rule {
    Rule {
        arn: format!("arn:rule/{priority}"),
        priority,
        hosts: hosts.iter().map(|host| host.to_string()).collect(),
        paths: paths.iter().map(|path| path.to_string()).collect(),
        target_group_arn: Some(group.into()),
        tags: tags(address),
    }
}

fn group(arn: &str, name: &str, address: &str) -> TargetGroup {
    TargetGroup {
        arn: arn.into(),
        name: name.into(),
        port: 8080,
        protocol: "HTTP".into(),
        target_type: "ip".into(),
        vpc_id: "vpc-1".into(),
        health_check: HealthCheck::default(),
        attributes: None,
        tags: tags(address),
    }
}

fn observed() -> Observed {
    let https = Listener {
        arn: "arn:listener/443".into(),
        port: 443,
        protocol: "HTTPS".into(),
        certificate_arn: None,
        ssl_policy: None,
        default: ListenerDefault::FixedResponse {
            status: 404,
            body: Some("no route".into()),
            content_type: "text/plain".into(),
        },
        tags: Tags::new(),
        rules: vec![
            rule(2, &["api.example.com"], &["/api/*"], "arn:tg/messages", "service.messages.rule.443"),
            rule(1, &["api.example.com"], &["/api/users", "/api/users/*"], "arn:tg/users", "service.users.rule.443"),
        ],
    };
    let http = Listener {
        arn: "arn:listener/80".into(),
        port: 80,
        protocol: "HTTP".into(),
        certificate_arn: None,
        ssl_policy: None,
        default: ListenerDefault::Redirect { port: "443".into(), protocol: "HTTPS".into(), status: "HTTP_301".into() },
        tags: Tags::new(),
        rules: vec![],
    };
    Observed {
        load_balancers: vec![LoadBalancer {
            arn: "arn:lb".into(),
            name: "demo-alb".into(),
            scheme: "internet-facing".into(),
            dns_name: "demo.elb.amazonaws.com".into(),
            canonical_zone_id: "Z1".into(),
            idle_timeout: None,
            subnet_ids: vec![],
            security_group_ids: vec![],
            tags: tags("load_balancer"),
            listeners: vec![https, http],
        }],
        target_groups: vec![
            group("arn:tg/users", "demo-users", "service.users.target_group"),
            group("arn:tg/messages", "demo-messages", "service.messages.target_group"),
        ],
        ..Observed::default()
    }
}

#[test]
fn the_lowest_priority_rule_that_matches_wins() {
    let observed = observed();
    let load_balancer = load_balancers(&observed, "demo")[0];
    let answers = route(&observed, load_balancer, "API.example.com:443", "/api/users/7?x=1", Some(443));
    assert_eq!(answers.len(), 1);
    assert_eq!(
        (&answers[0].by, answers[0].service.as_deref()),
        (&MatchedBy::Rule { priority: 1, address: Some(Address::ListenerRule("users".into(), 443)) }, Some("users"))
    );
    let answers = route(&observed, load_balancer, "api.example.com", "/api/messages", Some(443));
    assert_eq!(answers[0].service.as_deref(), Some("messages"));
}

#[test]
fn without_a_match_the_default_action_answers() {
    let observed = observed();
    let load_balancer = load_balancers(&observed, "demo")[0];
    let answers = route(&observed, load_balancer, "other.example.com", "/", None);
    assert_eq!(
        answers.iter().map(|answer| (answer.port, &answer.by, &answer.action)).collect::<Vec<_>>(),
        [
            (
                80,
                &MatchedBy::Default,
                &RouteAction::Redirect { protocol: "HTTPS".into(), port: "443".into(), status: "HTTP_301".into() }
            ),
            (443, &MatchedBy::Default, &RouteAction::FixedResponse { status: 404, body: Some("no route".into()) })
        ]
    );
    let answers = route(&observed, load_balancer, "api.example.com", "/API/users", Some(443));
    assert_eq!(answers[0].by, MatchedBy::Default, "paths are case-sensitive");
}

#[test]
fn wildcards_follow_aws() {
    assert!(wildcard("*.example.com", "a.example.com"));
    assert!(!wildcard("*.example.com", "example.com"));
    assert!(wildcard("/api/?sers", "/api/users"));
    assert!(wildcard("/api/*", "/api/"));
    assert!(!wildcard("/api/users", "/api/users/1"));
}

#[test]
fn text_and_json_snapshots() {
    let observed = observed();
    let load_balancer = load_balancers(&observed, "demo")[0];
    let answers =
        [(load_balancer.name.as_str(), route(&observed, load_balancer, "api.example.com", "/api/users", None))];
    let request = crate::views::route::Request { host: "api.example.com", path: "/api/users", port: None };
    let mut text = Vec::new();
    crate::views::route::write_text(&mut text, &request, &answers).unwrap();
    insta::assert_snapshot!("route_text", String::from_utf8(text).unwrap());
    let mut json = Vec::new();
    crate::views::route::write_json(&mut json, &answers).unwrap();
    insta::assert_snapshot!("route_json", String::from_utf8(json).unwrap());
}
