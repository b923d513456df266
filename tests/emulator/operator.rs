//! The operator commands: completions, iam-policy, init, graph and doctor, run as the real binary.

use crate::support::{ecsnet, repo_path};

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
