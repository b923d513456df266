//! The command line's contract: exit codes, refusals, errors that name the file, line and key.

use crate::support::{ecsnet, fresh, repo_path, TopologyFile};

#[test]
fn an_unknown_key_names_the_file_line_and_key_and_exits_1() {
    let file = TopologyFile::new("name = \"x\"\n[network]\nvpc = \"v\"\nsubnets = [\"a\", \"b\"]\nsubnet = 1\n");
    let run = ecsnet("http://127.0.0.1:9", &["plan", "-f", file.arg()]).expect(1);
    assert!(
        run.stderr.contains(&format!(
            "{}:5:10: [network] subnet: unknown key `subnet`\n    hint: did you mean `subnets`?",
            file.arg()
        )),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn validation_lists_every_problem_with_a_hint() {
    let file = TopologyFile::new(
        "name = \"x\"\n[network]\nvpc = \"v\"\nsubnets = [\"a\"]\n[load_balancer]\n[dns]\nzone = \"in.example.com\"\n[[service]]\nname = \"a\"\nport = 0\nsecurity_group = \"sg\"\nhost = \"in.example.com\"\n",
    );
    let run = ecsnet("http://127.0.0.1:9", &["plan", "-f", file.arg()]).expect(1);
    for expected in [
        "[network] subnets: lists 1 subnet;",
        "service \"a\" port: 0 is outside 1–65535",
        "zone apex",
        "hint:",
        "nothing was changed",
    ] {
        assert!(run.stderr.contains(expected), "missing {expected:?} in:\n{}", run.stderr);
    }
}

#[test]
fn a_missing_file_is_named() {
    let run = ecsnet("http://127.0.0.1:9", &["plan", "-f", "/nonexistent/ecsnet.toml"]).expect(1);
    assert!(run.stderr.contains("no topology file /nonexistent/ecsnet.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("-f FILE") && run.stderr.contains("ecsnet init"), "{}", run.stderr);
    assert_eq!(run.stderr.matches("No such file").count(), 0, "{}", run.stderr);
}

#[test]
fn every_bundled_plan_is_valid() {
    for entry in std::fs::read_dir(repo_path("plans")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        ecsnet::topology::parse(&path, &text).unwrap_or_else(|error| panic!("{error}"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_without_a_terminal_refuses_unless_auto_approved() {
    let (account, name, network) = fresh("tty").await;
    let file = TopologyFile::of(&network.topology(&name).load_balancer());
    let refused = ecsnet(&account.endpoint, &["apply", "-f", file.arg()]).expect(1);
    assert!(refused.stderr.contains("refusing to change anything without a terminal"), "{}", refused.stderr);
    assert!(refused.stdout.contains("Plan: 4 to add"), "the plan is still shown: {}", refused.stdout);
    assert_eq!(account.owned_security_resources(&name).await, Vec::<String>::new(), "nothing was created");
    let refused = ecsnet(&account.endpoint, &["destroy", "-f", file.arg()]).expect(0);
    assert!(refused.stdout.starts_with("No changes."), "{}", refused.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_and_destroy_print_one_json_document_with_output_json() {
    let (account, name, network) = fresh("json").await;
    let file = TopologyFile::of(&network.topology(&name).load_balancer());
    let applied =
        ecsnet(&account.endpoint, &["apply", "-f", file.arg(), "--auto-approve", "--output", "json"]).expect(0).json();
    assert_eq!(applied["plan"]["summary"]["add"], 4, "{applied:#}");
    assert_eq!(applied["result"]["summary"]["add"], 4);
    assert!(applied["result"]["requests"].as_u64().unwrap() >= 4);
    let again =
        ecsnet(&account.endpoint, &["apply", "-f", file.arg(), "--auto-approve", "--output", "json"]).expect(0).json();
    assert_eq!((again["plan"]["changes"].as_array().unwrap().len(), &again["result"]), (0, &serde_json::Value::Null));
    let destroyed = ecsnet(&account.endpoint, &["destroy", "-f", file.arg(), "--auto-approve", "--output", "json"])
        .expect(0)
        .json();
    assert_eq!(destroyed["result"]["summary"]["destroy"], 4);
}
