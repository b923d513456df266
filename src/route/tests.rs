use super::*;
use crate::live::RedirectPort;
use crate::live::{Rule, TargetGroup};
use crate::plan::Address;
use crate::test_support::{listener, load_balancer, rule, target_group, ObservedBuilder, OwnedBy};

/// A rule of listener 443 forwarding to `service`'s target group, as ecsnet makes it.
fn service_rule(priority: u32, paths: &[&str], service: &str) -> Rule {
    rule(&format!("arn:rule/{priority}"), priority, &["api.example.com"], paths, Some(&format!("arn:tg/{service}")))
        .owned_by("demo", Address::ListenerRule(service.into(), 443))
}

fn service_group(service: &str) -> TargetGroup {
    target_group(&format!("arn:tg/{service}"), &format!("demo-{service}"), 8080)
        .owned_by("demo", Address::TargetGroup(service.into()))
}

fn observed() -> Observed {
    let not_found = ListenerDefault::FixedResponse {
        status: 404,
        body: Some("no route".into()),
        content_type: "text/plain".into(),
    };
    let https = Listener {
        rules: vec![
            service_rule(2, &["/api/*"], "messages"),
            service_rule(1, &["/api/users", "/api/users/*"], "users"),
        ],
        ..listener("arn:listener/443", 443, "HTTPS", not_found)
    };
    let to_https = ListenerDefault::Redirect {
        port: RedirectPort(Some(443)),
        protocol: "HTTPS".into(),
        status: "HTTP_301".into(),
    };
    let http = listener("arn:listener/80", 80, "HTTP", to_https);
    let balancer =
        LoadBalancer { listeners: vec![https, http], ..load_balancer("arn:lb", "demo-alb", "internet-facing") }
            .owned_by("demo", Address::LoadBalancer(0));
    ObservedBuilder::new()
        .load_balancer(balancer)
        .target_group(service_group("users"))
        .target_group(service_group("messages"))
        .build()
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
                &RouteAction::Redirect {
                    protocol: "HTTPS".into(),
                    port: RedirectPort(Some(443)),
                    status: "HTTP_301".into()
                }
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
