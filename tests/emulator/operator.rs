//! The operator commands: completions, iam-policy, init, graph and doctor, run as the real binary.

use crate::support::{apply, destroy, ecsnet, expect_converged, fresh, repo_path, Run, TopologyFile};

#[test]
fn completions_cover_every_command_for_each_shell() {
    let bash = ecsnet("http://127.0.0.1:9", &["completions", "bash"]).expect(0);
    assert!(bash.stdout.contains("complete -F _ecsnet"), "{}", bash.stdout);
    for command in ["plan", "apply", "destroy", "iam-policy", "graph", "init", "doctor", "completions"] {
        assert!(bash.stdout.contains(command), "bash completions lack {command}");
    }
    let zsh = ecsnet("http://127.0.0.1:9", &["completions", "zsh"]).expect(0);
    assert!(zsh.stdout.starts_with("#compdef ecsnet"), "{}", zsh.stdout);
    let fish = ecsnet("http://127.0.0.1:9", &["completions", "fish"]).expect(0);
    assert!(fish.stdout.contains("complete -c ecsnet") && fish.stdout.contains("iam-policy"), "{}", fish.stdout);
}

#[test]
fn iam_policy_is_scoped_to_the_file() {
    let file = repo_path("plans/service-discovery.toml");
    let run = ecsnet("http://127.0.0.1:9", &["iam-policy", "-f", file.to_str().unwrap(), "--for", "apply"]).expect(0);
    let policy = run.json();
    assert_eq!(policy["Version"], "2012-10-17");
    let statements = policy["Statement"].as_array().unwrap();
    let ecs = statements
        .iter()
        .find(|statement| statement["Sid"] == "WiredEcsServices")
        .expect("a statement for the ECS services");
    let resources: Vec<&str> =
        ecs["Resource"].as_array().unwrap().iter().map(|resource| resource.as_str().unwrap()).collect();
    assert!(
        resources.iter().all(|resource| resource.starts_with("arn:aws:ecs:") && resource.contains(":service/main/")),
        "{resources:?}"
    );
    assert!(resources.iter().any(|resource| resource.ends_with("/main/hello")), "{resources:?}");
    let plan = ecsnet("http://127.0.0.1:9", &["iam-policy", "--for", "plan"]).expect(0).json();
    assert_eq!(plan["Statement"].as_array().unwrap().len(), 1);
    assert!(!plan.to_string().contains("Delete"), "{plan}");
}

#[tokio::test(flavor = "multi_thread")]
async fn init_writes_a_file_plan_accepts_from_a_running_cluster() {
    let (account, name, network) = fresh("init").await;
    let api_group = account.security_group(&network, &format!("{name}-api")).await;
    let cluster = format!("{name}-main");
    account
        .ecs_services(&cluster, &network, &[("web", 8080, &network.tasks_group_id), ("api", 3000, &api_group)])
        .await;
    let endpoint = &account.endpoint;

    let run = ecsnet(endpoint, &["init", "--cluster", &cluster]).expect(0);
    let text = &run.stdout;
    for expected in [
        format!("name = \"{cluster}\""),
        format!("vpc = \"{}\"", network.vpc_id),
        format!("security_group = \"{}\"", network.tasks_group_id),
        format!("security_group = \"{api_group}\""),
        "port = 8080                          # container \"web\", port mapping \"default\"".to_string(),
        "port = 3000                          # container \"api\", port mapping \"default\"".to_string(),
        format!("[service.ecs]\ncluster = \"{cluster}\""),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
    }
    let parsed = ecsnet::topology::parse(std::path::Path::new("init.toml"), text)
        .unwrap_or_else(|error| panic!("{error}\n{text}"));
    let names: Vec<&str> = parsed.services.iter().map(|service| service.name.as_str()).collect();
    assert_eq!(names, ["api", "web"]);
    assert_eq!(parsed.network.subnets.len(), 2);
    let file = TopologyFile::new(text);
    let plan = ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]);
    assert!(plan.code == 0 || plan.code == 2, "plan of the written file: {}\n{}", plan.stdout, plan.stderr);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zoned.toml");
    let path = path.to_str().unwrap();
    let written =
        ecsnet(endpoint, &["init", "--cluster", &cluster, "--zone", &format!("{name}.example.com"), "-o", path])
            .expect(0);
    assert!(written.stdout.is_empty() && written.stderr.contains("next: ecsnet plan -f"), "{}", written.stderr);
    let again = ecsnet(endpoint, &["init", "--cluster", &cluster, "-o", path]).expect(1);
    assert!(again.stderr.contains("never overwrites"), "{}", again.stderr);
    let plan = ecsnet(endpoint, &["plan", "-f", path, "--detailed-exitcode"]).expect(2);
    assert!(
        plan.stdout.contains(&format!("+ service.web.dns_record.web.{name}.example.com  web.{name}.example.com")),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("~ service.api.ecs"), "{}", plan.stdout);

    let missing = ecsnet(endpoint, &["init", "--cluster", &format!("{name}-none")]).expect(1);
    assert!(missing.stderr.contains("error:"), "{}", missing.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn graph_marks_what_is_missing_then_nothing_after_apply() {
    let (account, name, network) = fresh("graph").await;
    let file = TopologyFile::of(&network.one_service(&name, &format!("{name}.example.com"), &network.tasks_group_name));
    let endpoint = &account.endpoint;
    let before = ecsnet(endpoint, &["graph", "-f", file.arg()]).expect(0);
    assert!(before.stdout.starts_with("graph TD\n"), "{}", before.stdout);
    assert!(
        before
            .stdout
            .contains(&format!("lb[\"load balancer {name}-alb<br/>internal, own security group<br/>(missing)\"]")),
        "{}",
        before.stdout
    );
    assert!(
        before.stdout.contains(&format!("[\"api.{name}.example.com<br/>CNAME<br/>(missing)\"]")),
        "{}",
        before.stdout
    );
    assert!(before.stdout.contains("lb -.->|\"ingress tcp/8080 (missing)\"| svc_api"), "{}", before.stdout);
    apply(endpoint, &file);
    let after = ecsnet(endpoint, &["graph", "-f", file.arg(), "--format", "dot"]).expect(0);
    assert!(after.stdout.starts_with("digraph ecsnet {"), "{}", after.stdout);
    assert!(
        after.stdout.contains("tg_api [label=\"target group of api\\nHTTP :8080 ip, health /\"];"),
        "{}",
        after.stdout
    );
    assert!(!after.stdout.contains("(missing)") && !after.stdout.contains("(drifted)"), "{}", after.stdout);
    destroy(endpoint, &file);
}

/// What doctor says of the applied topology: every check passes, or warns of what an emulator cannot have
/// (registered targets, discovered instances).
fn expect_doctor_passes(doctor: &Run, name: &str, cluster: &str, (hello_group, name_group): (&str, &str)) {
    for expected in [
        "ok    rule_forwards_to_target_group  service.hello.target_group ",
        "warn  targets_healthy  service.hello.target_group ",
        ": no targets registered  (fix: ",
        "ok    service_admits_load_balancer  service.hello.ingress ",
        &format!("ok    record_points_at_load_balancer  service.hello.dns_record hello.{name}.example.com: CNAME "),
        &format!("ok    ecs_attached_to_target_group  service.hello.ecs {cluster}/hello: hello:3000 → "),
        &format!("ok    task_definition_matches  service.hello.ecs {cluster}/hello: container hello maps port 3000"),
        "warn  discovery_has_instances  service.name.discovery ",
        &format!("ok    caller_can_reach_callee  service.name.caller.hello: tcp/3000 on {name_group} from {hello_group} (hello)"),
        "ok    load_balancer_egress  ",
    ] {
        assert!(doctor.stdout.contains(expected), "missing {expected:?} in:\n{}", doctor.stdout);
    }
    assert!(!doctor.stdout.contains("fail  "), "{}", doctor.stdout);
}

/// The names of the checks a doctor report in JSON failed.
fn failed_checks(report: &serde_json::Value) -> Vec<&str> {
    let checks = report["checks"].as_array().unwrap();
    checks.iter().filter(|check| check["status"] == "fail").map(|check| check["check"].as_str().unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_passes_after_apply_and_fails_on_a_revoked_caller_rule() {
    let (account, name, network) = fresh("doc").await;
    let (cluster, groups) =
        account.services_with_own_groups(&network, &name, "main", &[("hello", 3000), ("name", 3000)]).await;
    let (hello_group, name_group) = (groups[0].as_str(), groups[1].as_str());
    let file = TopologyFile::of(
        &network
            .topology(&name)
            .load_balancer()
            .dns(&format!("{name}.example.com"))
            .discovery(&format!("{name}.internal"))
            .service("hello", |service| service.port(3000).security_group(hello_group).ecs(&cluster))
            .service("name", |service| {
                service
                    .port(3000)
                    .security_group(name_group)
                    .load_balanced(false)
                    .callers(["hello"])
                    .ecs(&cluster)
                    .discovered()
            }),
    );
    let endpoint = &account.endpoint;
    let before = ecsnet(endpoint, &["doctor", "-f", file.arg()]).expect(1);
    assert!(
        before.stdout.contains(&format!(
            "fail  load_balancer_exists  load_balancer {name}-alb: missing  (fix: run `ecsnet apply`)"
        )),
        "{}",
        before.stdout
    );

    apply(endpoint, &file);
    let after = ecsnet(endpoint, &["doctor", "-f", file.arg()]).expect(0);
    expect_doctor_passes(&after, &name, &cluster, (hello_group, name_group));

    let rule_ids = account.rule_ids_at("service.name.caller.hello", name_group).await;
    assert_eq!(rule_ids.len(), 1);
    account.revoke_ingress(name_group, rule_ids).await;
    let broken = ecsnet(endpoint, &["doctor", "-f", file.arg(), "--output", "json"]).expect(1);
    let report = broken.json();
    assert_eq!(failed_checks(&report), ["caller_can_reach_callee"], "{}", broken.stdout);
    assert_eq!(report["summary"]["fail"], 1);
    destroy(endpoint, &file);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_is_applied_exactly_and_refused_when_live_state_moved() {
    let (account, name, network) = fresh("saved").await;
    let text = network.one_service(&name, &format!("{name}.example.com"), &network.tasks_group_name);
    let file = TopologyFile::of(&text);
    let endpoint = &account.endpoint;
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--out", saved]).expect(0);
    let shown = ecsnet(endpoint, &["show", saved]).expect(0);
    assert!(shown.stdout.contains("+ load_balancer  ") && shown.stdout.contains("Plan: 9 to add"), "{}", shown.stdout);
    let applied = ecsnet(endpoint, &["apply", saved]).expect(0);
    assert!(applied.stdout.contains("Apply complete: 9 added"), "a saved plan needs no prompt: {}", applied.stdout);
    expect_converged(endpoint, &file);

    file.rewrite(&text.service("api", |service| service.health_check(|check| check.path("/health"))));
    let second = dir.path().join("second.json");
    let second = second.to_str().unwrap();
    ecsnet(endpoint, &["plan", "-f", file.arg(), "--out", second]).expect(0);
    let api = account.target_group_arn_starting_with(&format!("{name}-api")).await;
    account.elb.modify_target_group().target_group_arn(&api).healthy_threshold_count(7).send().await.unwrap();
    let refused = ecsnet(endpoint, &["apply", second]).expect(1);
    assert!(refused.stderr.contains("live state changed since the plan was saved"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("+ now also: ~ service.api.target_group")
            && refused.stderr.contains("health_check.healthy_threshold: 7 → 5"),
        "{}",
        refused.stderr
    );
    let still = account.elb.describe_target_groups().target_group_arns(&api).send().await.unwrap();
    assert_eq!(still.target_groups()[0].health_check_path(), Some("/"), "nothing was changed");
    destroy(endpoint, &file);
}

#[tokio::test(flavor = "multi_thread")]
async fn route_names_the_rule_target_group_and_service_or_the_default() {
    let (account, name, network) = fresh("route").await;
    let zone = format!("{name}.example.com");
    let (host, group) = (format!("api.{zone}"), &network.tasks_group_name);
    let text = network
        .topology(&name)
        .load_balancer()
        .listener(|listener| listener.fixed_response(404, "no route"))
        .dns(&zone)
        .service("users", |service| service.host(&host).paths(["/api/users/*"]).security_group(group))
        .service("web", |service| service.host(&host).paths(["/*"]).security_group(group));
    let file = TopologyFile::of(&text);
    let endpoint = &account.endpoint;
    apply(endpoint, &file);
    let users = ecsnet(endpoint, &["route", "-f", file.arg(), &format!("api.{zone}"), "/api/users/42"]).expect(0);
    assert!(
        users.stdout.contains("(service.users.rule.80)") && users.stdout.contains("→ service users"),
        "{}",
        users.stdout
    );
    let web = ecsnet(endpoint, &["route", "-f", file.arg(), &format!("api.{zone}"), "/index.html", "--output", "json"])
        .expect(0)
        .json();
    assert_eq!(web[0]["service"], "web");
    let nobody = ecsnet(endpoint, &["route", "-f", file.arg(), "elsewhere.example.com"]).expect(0);
    assert!(
        nobody.stdout.contains("no rule matches; default action: fixed response 404 \"no route\""),
        "{}",
        nobody.stdout
    );
    destroy(endpoint, &file);
}
