//! The load balancer surface on the emulator: HTTPS with a redirect from HTTP and a fixed-response default,
//! path routing, target group attributes, alias records, and a load balancer replaced without a gap.

use aws_sdk_elasticloadbalancingv2::types::{ActionTypeEnum, FixedResponseActionConfig};

use ecsnet::test_support::TopologyBuilder;

use crate::support::{ecsnet, fresh, requests_of, Network, TopologyFile};

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

#[tokio::test(flavor = "multi_thread")]
async fn https_redirect_fixed_response_paths_attributes_and_alias_round_trip() {
    let (account, name, network) = fresh("paths").await;
    let users = account.security_group(&network, &format!("{name}-users")).await;
    let messages = account.security_group(&network, &format!("{name}-messages")).await;
    let zone = format!("{name}.example.com");
    let file = TopologyFile::of(&paths_topology(&name, &network, &users, &messages, &zone));
    let endpoint = &account.endpoint;

    let plan = ecsnet(endpoint, &["plan", "-f", file.arg(), "--output", "json"]).expect(0).json();
    assert!(
        plan["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|note| note.as_str().unwrap().starts_with("warning: load_balancer.allowed_cidrs: 0.0.0.0/0")),
        "{plan:#}"
    );
    let priority = |service: &str| {
        let change = plan["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|change| change["address"] == format!("service.{service}.rule.443"))
            .unwrap();
        change["name"].as_str().unwrap().trim_start_matches("priority ").parse::<u32>().unwrap()
    };
    assert!(priority("users") < priority("messages"), "/api/users is more specific than /api/*, so it comes first");
    assert!(
        plan["changes"].as_array().unwrap().iter().all(|change| change["address"] != "service.users.rule.80"),
        "the redirecting listener carries no rules"
    );

    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);

    let owned = account.owned_load_balancing_resources(&name).await;
    let balancer = owned.iter().find(|arn| arn.contains(":loadbalancer/")).unwrap();
    let listeners = account.elb.describe_listeners().load_balancer_arn(balancer).send().await.unwrap();
    let https = listeners.listeners().iter().find(|listener| listener.port() == Some(443)).unwrap();
    let fixed = https.default_actions()[0].fixed_response_config().unwrap();
    assert_eq!((fixed.status_code(), fixed.message_body()), (Some("404"), Some("no route")));
    assert_eq!(
        https.certificates()[0].certificate_arn(),
        Some(format!("arn:aws:iam::123456789012:server-certificate/{name}").as_str())
    );
    assert_eq!(https.ssl_policy(), Some("ELBSecurityPolicy-TLS13-1-2-2021-06"));
    let http = listeners.listeners().iter().find(|listener| listener.port() == Some(80)).unwrap();
    let redirect = http.default_actions()[0].redirect_config().unwrap();
    assert_eq!(
        (redirect.protocol(), redirect.port(), redirect.status_code().map(|status| status.as_str())),
        (Some("HTTPS"), Some("443"), Some("HTTP_301"))
    );
    let users_group = account.elb.describe_target_groups().send().await.unwrap();
    let users_group = users_group
        .target_groups()
        .iter()
        .find(|group| group.target_group_name().unwrap().starts_with(&format!("{name}-users")))
        .unwrap()
        .target_group_arn()
        .unwrap()
        .to_string();
    let attributes =
        account.elb.describe_target_group_attributes().target_group_arn(&users_group).send().await.unwrap();
    let attribute = |key: &str| {
        attributes
            .attributes()
            .iter()
            .find(|attribute| attribute.key() == Some(key))
            .and_then(|attribute| attribute.value())
            .map(str::to_string)
    };
    assert_eq!(attribute("deregistration_delay.timeout_seconds").as_deref(), Some("0"));
    assert_eq!(attribute("stickiness.enabled").as_deref(), Some("true"));
    assert_eq!(attribute("stickiness.lb_cookie.duration_seconds").as_deref(), Some("3600"));
    let zone_id = account.route53.list_hosted_zones_by_name().dns_name(&zone).send().await.unwrap().hosted_zones()[0]
        .id()
        .trim_start_matches("/hostedzone/")
        .to_string();
    let records = account.route53.list_resource_record_sets().hosted_zone_id(&zone_id).send().await.unwrap();
    let alias = records
        .resource_record_sets()
        .iter()
        .find(|set| set.name().trim_end_matches('.') == format!("api.{zone}") && set.alias_target().is_some());
    assert!(alias.is_some(), "api.{zone} is an A alias to the load balancer");

    // Drift: the fixed response changed by hand comes back.
    let changed = aws_sdk_elasticloadbalancingv2::types::Action::builder()
        .r#type(ActionTypeEnum::FixedResponse)
        .fixed_response_config(
            FixedResponseActionConfig::builder().status_code("503").content_type("text/plain").build(),
        )
        .build();
    account
        .elb
        .modify_listener()
        .listener_arn(https.listener_arn().unwrap())
        .default_actions(changed)
        .send()
        .await
        .unwrap();
    let drift = ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(2);
    assert!(
        drift.stdout.contains("default_action: fixed response 503 → fixed response 404 \"no route\""),
        "{}",
        drift.stdout
    );
    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);

    // A service moving between listeners is a planned change: users leaves 443 for a new plain listener.
    let moved = paths_topology(&name, &network, &users, &messages, &zone)
        .listener(|listener| listener.port(8080))
        .service("users", |service| service.listeners([8080]));
    file.rewrite(&moved);
    let moving = ecsnet(endpoint, &["plan", "-f", file.arg()]).expect(0);
    assert!(
        moving.stdout.contains("- service.users.rule.443") && moving.stdout.contains("+ service.users.rule.8080"),
        "{}",
        moving.stdout
    );
    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);

    ecsnet(endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0);
    assert_eq!(account.owned_load_balancing_resources(&name).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scheme_change_replaces_the_load_balancer_with_no_gap_and_leaves_nothing_behind() {
    let (account, name, network) = fresh("swap").await;
    let zone = format!("{name}.example.com");
    let text = network.one_service(&name, &zone, &network.tasks_group_id);
    let file = TopologyFile::of(&text);
    let endpoint = &account.endpoint;
    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    let before = account.owned_load_balancing_resources(&name).await;
    file.rewrite(&text.load_balancer_with(|balancer| balancer.internet_facing(["10.0.0.0/16"])));
    let plan = ecsnet(endpoint, &["plan", "-f", file.arg()]).expect(0);
    assert!(plan.stdout.contains("-/+ load_balancer"), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("(scheme cannot change in place; the new one takes over before the old one goes)"),
        "{}",
        plan.stdout
    );
    let applied = ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    let retire =
        applied.stderr.find("done: delete the replaced load_balancer").unwrap_or_else(|| panic!("{}", applied.stderr));
    let records =
        applied.stderr.find("done: update service.api.dns_record").unwrap_or_else(|| panic!("{}", applied.stderr));
    assert!(records < retire, "the name points at the new load balancer before the old one goes:\n{}", applied.stderr);
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);
    let after = account.owned_load_balancing_resources(&name).await;
    assert_eq!(after.len(), before.len(), "one of each, nothing left behind: {before:?} → {after:?}");
    assert!(after.iter().all(|arn| !before.contains(arn)), "every load balancing resource is new");
    ecsnet(endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0);
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
    let plan = ecsnet(endpoint, &["plan", "-f", file.arg()]).expect(0);
    assert!(plan.stdout.contains(&format!("+ load_balancer.2  {name}-alb-2")), "{}", plan.stdout);
    let applied = ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    // 105 CNAMEs and their markers hold about 34,000 characters of values, an UPSERT counting twice: more than
    // the 32,000 one ChangeResourceRecordSets takes.
    assert_eq!(requests_of(&applied, "Route 53.ChangeResourceRecordSets"), 2, "{:?}", applied.requests());
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);
    let owned = account.owned_load_balancing_resources(&name).await;
    assert_eq!(owned.iter().filter(|arn| arn.contains(":loadbalancer/")).count(), 2, "two load balancers");
    // At most 100 unique target groups per load balancer, its empty default one included: 99 services and 6.
    let route =
        ecsnet(endpoint, &["route", "-f", file.arg(), &format!("s98.{zone}"), "--output", "json"]).expect(0).json();
    assert_eq!(
        route.as_array().unwrap().iter().find(|answer| answer["service"] == "s98").unwrap()["load_balancer"],
        format!("{name}-alb")
    );
    let route =
        ecsnet(endpoint, &["route", "-f", file.arg(), &format!("s99.{zone}"), "--output", "json"]).expect(0).json();
    assert_eq!(
        route.as_array().unwrap().iter().find(|answer| answer["service"] == "s99").unwrap()["load_balancer"],
        format!("{name}-alb-2")
    );
    let route =
        ecsnet(endpoint, &["route", "-f", file.arg(), &format!("s104.{zone}"), "--output", "json"]).expect(0).json();
    let answered: Vec<_> = route.as_array().unwrap().iter().filter(|answer| answer["service"] == "s104").collect();
    assert_eq!(answered.len(), 1, "{route:#}");
    assert_eq!(answered[0]["load_balancer"], format!("{name}-alb-2"));
    // Removing a service on the first load balancer moves nobody else.
    file.rewrite(&services.without_service("s5"));
    let removed = ecsnet(endpoint, &["plan", "-f", file.arg(), "--output", "json"]).expect(0).json();
    let changes: Vec<String> = removed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| format!("{} {}", change["action"].as_str().unwrap(), change["address"].as_str().unwrap()))
        .collect();
    assert!(changes.iter().all(|change| change.starts_with("delete service.s5.")), "{changes:?}");
    ecsnet(endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0);
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
    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    file.rewrite(&specific);
    let plan = ecsnet(endpoint, &["plan", "-f", file.arg()]).expect(0);
    assert!(
        plan.stdout.contains("priority: 1 → 2") && plan.stdout.contains("+ service.users.rule.80  priority 1"),
        "{}",
        plan.stdout
    );
    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);
    let routed = ecsnet(endpoint, &["route", "-f", file.arg(), "api.example.com", "/users/7", "--output", "json"])
        .expect(0)
        .json();
    assert_eq!(routed[0]["service"], "users", "{routed:#}");
    ecsnet(endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0);
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
    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);

    file.rewrite(&unset);
    let plan = ecsnet(endpoint, &["plan", "-f", file.arg(), "--output", "json"]).expect(0).json();
    let fields = |address: &str| -> Vec<String> {
        let change = plan["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|change| change["address"] == address)
            .unwrap_or_else(|| panic!("{plan:#}"));
        change["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|field| {
                format!(
                    "{}: {} → {}",
                    field["field"].as_str().unwrap(),
                    field["old"].as_str().unwrap(),
                    field["new"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(plan["changes"].as_array().unwrap().len(), 2, "{plan:#}");
    assert_eq!(
        fields("load_balancer"),
        ["idle_timeout: 30 → 60 (AWS's default)", "managed_attributes: idle_timeout → (none)"]
    );
    assert_eq!(
        fields("service.api.target_group"),
        [
            "deregistration_delay: 0 → 300 (AWS's default)",
            "slow_start: 30 → 0 (AWS's default)",
            "stickiness: lb_cookie 3600 s → off (AWS's default)",
            "managed_attributes: deregistration_delay, slow_start, stickiness → (none)"
        ]
    );
    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]).expect(0);

    let owned = account.owned_load_balancing_resources(&name).await;
    let group = owned.iter().find(|arn| arn.contains(":targetgroup/") && arn.contains("-api-")).unwrap();
    let attributes = account.elb.describe_target_group_attributes().target_group_arn(group).send().await.unwrap();
    let attribute = |key: &str| {
        attributes
            .attributes()
            .iter()
            .find(|attribute| attribute.key() == Some(key))
            .and_then(|attribute| attribute.value())
            .map(str::to_string)
    };
    assert_eq!(
        [
            attribute("deregistration_delay.timeout_seconds"),
            attribute("slow_start.duration_seconds"),
            attribute("stickiness.enabled")
        ],
        [Some("300".to_string()), Some("0".to_string()), Some("false".to_string())]
    );
    let balancer = owned.iter().find(|arn| arn.contains(":loadbalancer/")).unwrap();
    let balancer_attributes =
        account.elb.describe_load_balancer_attributes().load_balancer_arn(balancer).send().await.unwrap();
    let idle = balancer_attributes
        .attributes()
        .iter()
        .find(|attribute| attribute.key() == Some("idle_timeout.timeout_seconds"))
        .and_then(|attribute| attribute.value());
    assert_eq!(idle, Some("60"));
    let tags = account.elb.describe_tags().resource_arns(group).resource_arns(balancer).send().await.unwrap();
    assert!(
        tags.tag_descriptions()
            .iter()
            .flat_map(|description| description.tags())
            .all(|tag| tag.key() != Some("ecsnet:attributes")),
        "nothing left to reset: {tags:?}"
    );

    ecsnet(endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0);
}
