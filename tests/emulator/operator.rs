//! The operator commands: completions, iam-policy, init, graph and doctor, run as the real binary.

use crate::support::{ecsnet, repo_path, unique_name, Account, TopologyFile};

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
    let ecs = statements.iter().find(|statement| statement["Sid"] == "WiredEcsServices").expect("a statement for the ECS services");
    let resources: Vec<&str> = ecs["Resource"].as_array().unwrap().iter().map(|resource| resource.as_str().unwrap()).collect();
    assert!(resources.iter().all(|resource| resource.starts_with("arn:aws:ecs:") && resource.contains(":service/main/")), "{resources:?}");
    assert!(resources.iter().any(|resource| resource.ends_with("/main/hello")), "{resources:?}");
    let plan = ecsnet("http://127.0.0.1:9", &["iam-policy", "--for", "plan"]).expect(0).json();
    assert_eq!(plan["Statement"].as_array().unwrap().len(), 1);
    assert!(!plan.to_string().contains("Delete"), "{plan}");
}

#[tokio::test(flavor = "multi_thread")]
async fn init_writes_a_file_plan_accepts_from_a_running_cluster() {
    let account = Account::connect().await;
    let name = unique_name("init");
    let network = account.network(&name).await;
    let api_group = account.security_group(&network, &format!("{name}-api")).await;
    let cluster = format!("{name}-main");
    account.ecs_services(&cluster, &network, &[("web", 8080, &network.tasks_group_id), ("api", 3000, &api_group)]).await;
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
    let parsed = ecsnet::topology::parse(std::path::Path::new("init.toml"), text).unwrap_or_else(|error| panic!("{error}\n{text}"));
    let names: Vec<&str> = parsed.services.iter().map(|service| service.name.as_str()).collect();
    assert_eq!(names, ["api", "web"]);
    assert_eq!(parsed.network.subnets.len(), 2);
    let file = TopologyFile::new(text);
    let plan = ecsnet(endpoint, &["plan", "-f", file.arg(), "--detailed-exitcode"]);
    assert!(plan.code == 0 || plan.code == 2, "plan of the written file: {}\n{}", plan.stdout, plan.stderr);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zoned.toml");
    let path = path.to_str().unwrap();
    let written = ecsnet(endpoint, &["init", "--cluster", &cluster, "--zone", &format!("{name}.example.com"), "-o", path]).expect(0);
    assert!(written.stdout.is_empty() && written.stderr.contains("next: ecsnet plan -f"), "{}", written.stderr);
    let again = ecsnet(endpoint, &["init", "--cluster", &cluster, "-o", path]).expect(1);
    assert!(again.stderr.contains("never overwrites"), "{}", again.stderr);
    let plan = ecsnet(endpoint, &["plan", "-f", path, "--detailed-exitcode"]).expect(2);
    assert!(plan.stdout.contains(&format!("+ service.web.dns_record  web.{name}.example.com")), "{}", plan.stdout);
    assert!(plan.stdout.contains("~ service.api.ecs"), "{}", plan.stdout);

    let missing = ecsnet(endpoint, &["init", "--cluster", &format!("{name}-none")]).expect(1);
    assert!(missing.stderr.contains("error:"), "{}", missing.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn graph_marks_what_is_missing_then_nothing_after_apply() {
    let account = Account::connect().await;
    let name = unique_name("graph");
    let network = account.network(&name).await;
    let file = TopologyFile::new(&format!(
        "name = \"{name}\"\n[network]\nvpc = \"{}\"\nsubnets = [\"{}\", \"{}\"]\n[load_balancer]\n[dns]\nzone = \"{name}.example.com\"\n[[service]]\nname = \"api\"\nport = 8080\nsecurity_group = \"{}\"\n",
        network.vpc_id, network.subnet_names[0], network.subnet_names[1], network.tasks_group_name
    ));
    let endpoint = &account.endpoint;
    let before = ecsnet(endpoint, &["graph", "-f", file.arg()]).expect(0);
    assert!(before.stdout.starts_with("graph TD\n"), "{}", before.stdout);
    assert!(before.stdout.contains(&format!("lb[\"load balancer {name}-alb<br/>internal, own security group<br/>(missing)\"]")), "{}", before.stdout);
    assert!(before.stdout.contains(&format!("dns_api[\"api.{name}.example.com<br/>CNAME<br/>(missing)\"]")), "{}", before.stdout);
    assert!(before.stdout.contains("lb -.->|\"ingress tcp/8080 (missing)\"| svc_api"), "{}", before.stdout);
    ecsnet(endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(0);
    let after = ecsnet(endpoint, &["graph", "-f", file.arg(), "--format", "dot"]).expect(0);
    assert!(after.stdout.starts_with("digraph ecsnet {"), "{}", after.stdout);
    assert!(after.stdout.contains("tg_api [label=\"target group of api\\nHTTP :8080 ip, health /\"];"), "{}", after.stdout);
    assert!(!after.stdout.contains("(missing)") && !after.stdout.contains("(drifted)"), "{}", after.stdout);
    ecsnet(endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]).expect(0);
}
