//! `ecsnet init` on a cluster whose service already sits behind a load balancer (seed 002's recipe, built by
//! localstack/seed_002.py): the file describes that load balancer, and `plan --adopt` from it takes it over in place.

use crate::support::{ecsnet, fresh};

#[tokio::test(flavor = "multi_thread")]
async fn init_describes_seed_002s_load_balancer_for_adoption() {
    let (account, name, network) = fresh("initadopt").await;
    let service = ["--cluster", &name, "--service", "web", "--container", "web", "--create-service"];
    account.seed_002(&network, &name, &service).await;
    let endpoint = &account.endpoint;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("adopt.toml");
    let file = path.to_str().unwrap();

    let init = ecsnet(endpoint, &["init", "-v", "--cluster", &name, "-o", file]).expect(0);
    let hint = format!(
        "the services already sit behind load balancer {name}-alb: review the file, then run `ecsnet plan --adopt -f {file}` to take its resources over in place (nothing is recreated)"
    );
    assert!(init.stderr.contains(&hint), "{}", init.stderr);
    eprintln!("{}", init.stderr.lines().find(|line| line.contains("AWS requests in all")).unwrap_or_default());
    let text = std::fs::read_to_string(&path).unwrap();
    for expected in [
        format!("name = \"{name}-alb\""),
        "scheme = \"internet-facing\"".to_string(),
        "allowed_cidrs = [\"0.0.0.0/0\"]".to_string(),
        "default = { forward = \"web\" }".to_string(),
        "host = \"web.invalid\"".to_string(),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
    }

    let plan = ecsnet(endpoint, &["plan", "--adopt", "-f", file]).expect(0);
    for adopted in ["load_balancer", "listener.80", "service.web.target_group", "load_balancer.security_group"] {
        assert!(plan.stdout.contains(&format!("= {adopted} ")), "{adopted} adopted:\n{}\n{text}", plan.stdout);
    }
    assert!(!plan.stdout.contains("-/+ "), "nothing is replaced:\n{}", plan.stdout);
    ecsnet(endpoint, &["apply", "--adopt", "--auto-approve", "--no-wait", "-f", file]).expect(0);
    let again = ecsnet(endpoint, &["plan", "-f", file]).expect(0);
    assert!(again.stdout.starts_with("No changes."), "after apply --adopt:\n{}", again.stdout);
    ecsnet(endpoint, &["destroy", "--auto-approve", "-f", file]).expect(0);
    account.expect_nothing_owned(&name).await;
}
