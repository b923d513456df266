//! The load balancer surface on the emulator: HTTPS with a redirect from HTTP and a fixed-response default,
//! path routing, target group attributes, alias records, and a load balancer replaced without a gap.

use aws_sdk_elasticloadbalancingv2::types::{ActionTypeEnum, FixedResponseActionConfig};

use ecsnet::test_support::TopologyBuilder;

use crate::support::{
    apply, apply_and_expect_converged, change_at, change_fields, changes, destroy, ecsnet, expect_converged, fresh,
    plan_json, plan_text, requests_of, Account, Network, TopologyFile,
};

/// HTTPS with a fixed-response default and a redirect from HTTP, an alias record, two services on one host by path.
fn paths_topology(
    name: &str,
    network: &Network,
    users_group: &str,
    messages_group: &str,
    zone: &str,
) -> TopologyBuilder {
    let host = format!("api.{zone}");
    network
        .topology(name)
        .load_balancer_with(|balancer| balancer.internet_facing(["0.0.0.0/0"]).idle_timeout(30))
        .listener(|listener| {
            listener
                .port(443)
                .https(&format!("arn:aws:iam::123456789012:server-certificate/{name}"))
                .fixed_response(404, "no route")
        })
        .listener(|listener| listener.port(80).redirect_to(443))
        .dns_with(zone, |dns| dns.record("alias"))
        .service("users", |service| {
            service
                .hosts([&host])
                .paths(["/api/users", "/api/users/*"])
                .security_group(users_group)
                .deregistration_delay(0)
                .stickiness(3600)
        })
        .service("messages", |service| {
            service.hosts([&host]).paths(["/api/*"]).security_group(messages_group).slow_start(30)
        })
}

/// The plan from nothing: a warning for the open load balancer, /api/users before /api/*, no rule on port 80.
fn expect_planned_paths(plan: &serde_json::Value) {
    assert!(
        plan["notes"].as_array().unwrap().iter().any(|note| note["level"] == "warning"
            && note["text"].as_str().unwrap().starts_with("load_balancer.allowed_cidrs: 0.0.0.0/0")),
        "{plan:#}"
    );
    let priority = |service: &str| {
        let change = change_at(plan, &format!("service.{service}.rule.443"));
        change["name"].as_str().unwrap().trim_start_matches("priority ").parse::<u32>().unwrap()
    };
    assert!(priority("users") < priority("messages"), "/api/users is more specific than /api/*, so it comes first");
    assert!(
        plan["changes"].as_array().unwrap().iter().all(|change| change["address"] != "service.users.rule.80"),
        "the redirecting listener carries no rules"
    );
}

/// HTTPS on 443 with the certificate, a TLS 1.3 policy and the fixed 404; a permanent redirect on 80. The HTTPS
/// listener's ARN.
async fn expect_listeners_as_written(account: &Account, name: &str) -> String {
    let owned = account.owned_load_balancing_resources(name).await;
    let balancer = owned.iter().find(|arn| arn.contains(":loadbalancer/")).unwrap();
    let https = account.listener_on(balancer, 443).await;
    let fixed = https.default_actions()[0].fixed_response_config().unwrap();
    assert_eq!((fixed.status_code(), fixed.message_body()), (Some("404"), Some("no route")));
    assert_eq!(
        https.certificates()[0].certificate_arn(),
        Some(format!("arn:aws:iam::123456789012:server-certificate/{name}").as_str())
    );
    assert_eq!(https.ssl_policy(), Some("ELBSecurityPolicy-TLS13-1-2-2021-06"));
    let http = account.listener_on(balancer, 80).await;
    let redirect = http.default_actions()[0].redirect_config().unwrap();
    assert_eq!(
        (redirect.protocol(), redirect.port(), redirect.status_code().map(|status| status.as_str())),
        (Some("HTTPS"), Some("443"), Some("HTTP_301"))
    );
    https.listener_arn().unwrap().to_string()
}

/// The users' target group carries its attributes, and api.{zone} is an alias record.
async fn expect_attributes_and_alias(account: &Account, name: &str, zone: &str) {
    let users_group = account.target_group_arn_starting_with(&format!("{name}-users")).await;
    let attributes = account.target_group_attributes(&users_group).await;
    let attribute = |key: &str| attributes.get(key).map(String::as_str);
    assert_eq!(attribute("deregistration_delay.timeout_seconds"), Some("0"));
    assert_eq!(attribute("stickiness.enabled"), Some("true"));
    assert_eq!(attribute("stickiness.lb_cookie.duration_seconds"), Some("3600"));
    let aliases = account.alias_names(&account.zone_id_named(zone).await).await;
    assert!(aliases.contains(&format!("api.{zone}")), "api.{zone} is an A alias to the load balancer");
}

/// Drift by hand: the HTTPS listener's default action becomes a fixed 503.
async fn change_the_fixed_response_by_hand(account: &Account, https_arn: &str) {
    let changed = aws_sdk_elasticloadbalancingv2::types::Action::builder()
        .r#type(ActionTypeEnum::FixedResponse)
        .fixed_response_config(
            FixedResponseActionConfig::builder().status_code("503").content_type("text/plain").build(),
        )
        .build();
    account.elb.modify_listener().listener_arn(https_arn).default_actions(changed).send().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn https_redirect_fixed_response_paths_attributes_and_alias_round_trip() {
    let (account, name, network) = fresh("paths").await;
    let users = account.security_group(&network, &format!("{name}-users")).await;
    let messages = account.security_group(&network, &format!("{name}-messages")).await;
    let zone = format!("{name}.example.com");
    let file = TopologyFile::of(&paths_topology(&name, &network, &users, &messages, &zone));
    let endpoint = &account.endpoint;

    expect_planned_paths(&plan_json(endpoint, &file));
    apply_and_expect_converged(endpoint, &file);
    let https_arn = expect_listeners_as_written(&account, &name).await;
    expect_attributes_and_alias(&account, &name, &zone).await;

    // Drift: the fixed response changed by hand comes back.
    change_the_fixed_response_by_hand(&account, &https_arn).await;
    let drift = ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(2);
    assert!(
        drift.stdout.contains("default_action: fixed response 503 → fixed response 404 \"no route\""),
        "{}",
        drift.stdout
    );
    apply_and_expect_converged(endpoint, &file);

    // A service moving between listeners is a planned change: users leaves 443 for a new plain listener.
    let moved = paths_topology(&name, &network, &users, &messages, &zone)
        .listener(|listener| listener.port(8080))
        .service("users", |service| service.listeners([8080]));
    file.rewrite(&moved);
    let moving = plan_text(endpoint, &file);
    assert!(
        moving.stdout.contains("- service.users.rule.443") && moving.stdout.contains("+ service.users.rule.8080"),
        "{}",
        moving.stdout
    );
    apply_and_expect_converged(endpoint, &file);

    destroy(endpoint, &file);
    account.expect_no_load_balancing(&name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scheme_change_replaces_the_load_balancer_with_no_gap_and_leaves_nothing_behind() {
    let (account, name, network) = fresh("swap").await;
    let zone = format!("{name}.example.com");
    let text = network.one_service(&name, &zone, &network.tasks_group_id);
    let file = TopologyFile::of(&text);
    let endpoint = &account.endpoint;
    apply(endpoint, &file);
    let before = account.owned_load_balancing_resources(&name).await;
    file.rewrite(&text.load_balancer_with(|balancer| balancer.internet_facing(["10.0.0.0/16"])));
    let plan = plan_text(endpoint, &file);
    assert!(plan.stdout.contains("-/+ load_balancer"), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("(scheme cannot change in place; the new one takes over before the old one goes)"),
        "{}",
        plan.stdout
    );
    let applied = apply(endpoint, &file);
    let retire =
        applied.stderr.find("done: delete the replaced load_balancer").unwrap_or_else(|| panic!("{}", applied.stderr));
    let records =
        applied.stderr.find("done: update service.api.dns_record").unwrap_or_else(|| panic!("{}", applied.stderr));
    assert!(records < retire, "the name points at the new load balancer before the old one goes:\n{}", applied.stderr);
    expect_converged(endpoint, &file);
    let after = account.owned_load_balancing_resources(&name).await;
    assert_eq!(after.len(), before.len(), "one of each, nothing left behind: {before:?} → {after:?}");
    assert!(after.iter().all(|arn| !before.contains(arn)), "every load balancing resource is new");
    destroy(endpoint, &file);
    assert_eq!(account.owned_load_balancing_resources(&name).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn more_than_100_rules_spread_over_a_second_load_balancer_and_stay_put() {
    let (account, name, network) = fresh("many").await;
    let zone = format!("{name}.example.com");
    let head = network.topology(&name).load_balancer().dns(&zone);
    let services = (0..105).fold(head, |text, index| {
        text.service(format!("s{index}"), |service| service.security_group(&network.tasks_group_id))
    });
    let file = TopologyFile::of(&services);
    let endpoint = &account.endpoint;
    let plan = plan_text(endpoint, &file);
    assert!(plan.stdout.contains(&format!("+ load_balancer.2  {name}-alb-2")), "{}", plan.stdout);
    let applied = apply(endpoint, &file);
    // 105 CNAMEs and their markers hold about 34,000 characters of values, an UPSERT counting twice: more than
    // the 32,000 one ChangeResourceRecordSets takes.
    assert_eq!(requests_of(&applied, "Route 53.ChangeResourceRecordSets"), 2, "{:?}", applied.requests());
    expect_converged(endpoint, &file);
    let owned = account.owned_load_balancing_resources(&name).await;
    assert_eq!(owned.iter().filter(|arn| arn.contains(":loadbalancer/")).count(), 2, "two load balancers");
    // At most 100 unique target groups per load balancer, its empty default one included: 99 services and 6.
    assert_eq!(load_balancers_routing(endpoint, &file, &zone, "s98")[0], format!("{name}-alb"));
    assert_eq!(load_balancers_routing(endpoint, &file, &zone, "s99")[0], format!("{name}-alb-2"));
    assert_eq!(load_balancers_routing(endpoint, &file, &zone, "s104"), [format!("{name}-alb-2")]);
    // Removing a service on the first load balancer moves nobody else.
    file.rewrite(&services.without_service("s5"));
    let changes = changes(&plan_json(endpoint, &file));
    assert!(changes.iter().all(|change| change.starts_with("delete service.s5.")), "{changes:?}");
    destroy(endpoint, &file);
    assert_eq!(account.owned_load_balancing_resources(&name).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_more_specific_path_added_later_takes_the_general_rules_priority_without_a_race() {
    let (account, name, network) = fresh("order").await;
    let group = &network.tasks_group_id;
    let general = network
        .topology(&name)
        .load_balancer()
        .service("web", |service| service.host("api.example.com").paths(["/*"]).security_group(group));
    let specific = general.clone().service("users", |service| {
        service.port(8081).host("api.example.com").paths(["/users/*"]).security_group(group)
    });
    let file = TopologyFile::of(&general);
    let endpoint = &account.endpoint;
    apply(endpoint, &file);
    file.rewrite(&specific);
    let plan = plan_text(endpoint, &file);
    assert!(
        plan.stdout.contains("priority: 1 → 2") && plan.stdout.contains("+ service.users.rule.80  priority 1"),
        "{}",
        plan.stdout
    );
    apply_and_expect_converged(endpoint, &file);
    let routed = ecsnet(endpoint, &["route", "-f", file.arg(), "api.example.com", "/users/7", "--output", "json"])
        .expect(0)
        .json();
    assert_eq!(routed[0]["service"], "users", "{routed:#}");
    destroy(endpoint, &file);
}

#[tokio::test(flavor = "multi_thread")]
async fn attributes_removed_from_the_file_go_back_to_aws_defaults() {
    let (account, name, network) = fresh("attrs").await;
    let unset = network
        .topology(&name)
        .load_balancer()
        .service("api", |service| service.host("api.example.com").security_group(&network.tasks_group_id));
    let set = unset
        .clone()
        .load_balancer_with(|balancer| balancer.idle_timeout(30))
        .service("api", |service| service.deregistration_delay(0).slow_start(30).stickiness(3600));
    let file = TopologyFile::of(&set);
    let endpoint = &account.endpoint;
    apply_and_expect_converged(endpoint, &file);

    file.rewrite(&unset);
    let plan = plan_json(endpoint, &file);
    assert_eq!(plan["changes"].as_array().unwrap().len(), 2, "{plan:#}");
    assert_eq!(
        change_fields(&plan, "load_balancer"),
        ["idle_timeout: 30 → 60 (AWS's default)", "managed_attributes: idle_timeout → (none)"]
    );
    assert_eq!(
        change_fields(&plan, "service.api.target_group"),
        [
            "deregistration_delay: 0 → 300 (AWS's default)",
            "slow_start: 30 → 0 (AWS's default)",
            "stickiness: lb_cookie 3600 s → off (AWS's default)",
            "managed_attributes: deregistration_delay, slow_start, stickiness → (none)"
        ]
    );
    apply_and_expect_converged(endpoint, &file);
    expect_aws_defaults_and_no_reset_left(&account, &name).await;

    destroy(endpoint, &file);
}

/// The answers of `ecsnet route` for `{service}.{zone}` that name `service`: the load balancers they go through,
/// in the answers' order.
fn load_balancers_routing(endpoint: &str, file: &TopologyFile, zone: &str, service: &str) -> Vec<String> {
    let host = format!("{service}.{zone}");
    let route = ecsnet(endpoint, &["route", "-f", file.arg(), &host, "--output", "json"]).expect(0).json();
    let answers = route.as_array().unwrap_or_else(|| panic!("{route:#}"));
    let answered = answers.iter().filter(|answer| answer["service"] == service);
    answered.map(|answer| answer["load_balancer"].as_str().unwrap().to_string()).collect()
}

/// The api's target group and the load balancer are back at AWS's defaults, and carry no attributes left to reset.
async fn expect_aws_defaults_and_no_reset_left(account: &Account, name: &str) {
    let owned = account.owned_load_balancing_resources(name).await;
    let group = owned.iter().find(|arn| arn.contains(":targetgroup/") && arn.contains("-api-")).unwrap();
    let attributes = account.target_group_attributes(group).await;
    let attribute = |key: &str| attributes.get(key).cloned();
    assert_eq!(
        [
            attribute("deregistration_delay.timeout_seconds"),
            attribute("slow_start.duration_seconds"),
            attribute("stickiness.enabled")
        ],
        [Some("300".to_string()), Some("0".to_string()), Some("false".to_string())]
    );
    let balancer = owned.iter().find(|arn| arn.contains(":loadbalancer/")).unwrap();
    let idle = account.load_balancer_attributes(balancer).await.get("idle_timeout.timeout_seconds").cloned();
    assert_eq!(idle.as_deref(), Some("60"));
    let tags = account.elb.describe_tags().resource_arns(group).resource_arns(balancer).send().await.unwrap();
    assert!(
        tags.tag_descriptions()
            .iter()
            .flat_map(|description| description.tags())
            .all(|tag| tag.key() != Some("ecsnet:attributes")),
        "nothing left to reset: {tags:?}"
    );
}
