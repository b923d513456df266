//! An endpoint that refuses connections fails at once, naming the endpoint and where it came from. Runs the real
//! binary against `http://127.0.0.1:9` (discard: nothing listens there), so it needs no emulator.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Well under the ~16–22 s that ten attempts and their back-off took when a refused connection was retried.
const AT_ONCE: Duration = Duration::from_secs(3);

/// `ecsnet plan` of a bundled topology file, with `configure` adding the endpoint; AWS's configuration chain
/// emptied of the caller's settings so that only the test's count.
fn plan(configure: impl FnOnce(&mut Command) -> &mut Command) -> (Output, Duration) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/service-discovery.toml");
    let mut command = Command::new(env!("CARGO_BIN_EXE_ecsnet"));
    for (variable, _) in std::env::vars_os() {
        if variable.to_str().is_some_and(|name| name.starts_with("AWS_") || name.starts_with("ECSNET_")) {
            command.env_remove(variable);
        }
    }
    command
        .args(["plan", "-f"])
        .arg(file)
        .env("AWS_CONFIG_FILE", "/nonexistent/ecsnet-test/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/ecsnet-test/credentials")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1");
    configure(&mut command);
    let started = Instant::now();
    let output = command.output().expect("run ecsnet");
    (output, started.elapsed())
}

#[track_caller]
fn expect_refused(output: &Output, took: Duration, origin: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(took < AT_ONCE, "took {took:?}, not at once:\n{stderr}");
    assert!(
        stderr.contains(&format!("connection refused by http://127.0.0.1:9 ({origin})")),
        "the endpoint and where it came from are named:\n{stderr}"
    );
    assert!(stderr.contains("\nhint: is the emulator running? `bash localstack/start.sh`"), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing on stdout");
}

#[test]
fn a_refused_endpoint_from_aws_endpoint_url_fails_at_once_and_is_named() {
    let (output, took) = plan(|command| command.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9"));
    expect_refused(&output, took, "from the environment variable AWS_ENDPOINT_URL");
    eprintln!("refused via AWS_ENDPOINT_URL: exit 1 after {took:?}");
}

#[test]
fn a_refused_endpoint_from_the_flag_fails_at_once_and_is_named() {
    let (output, took) = plan(|command| command.args(["--endpoint-url", "http://127.0.0.1:9"]));
    expect_refused(&output, took, "from --endpoint-url");
}

/// No credentials anywhere in the chain: said once, with where credentials come from, before any request is sent.
#[test]
fn missing_credentials_are_named_with_where_they_come_from() {
    let (output, took) = plan(|command| {
        command
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .env("HOME", "/nonexistent/ecsnet-test")
    });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no AWS credentials could be loaded"), "{stderr}");
    assert!(stderr.contains("hint: set AWS_PROFILE (or --profile)"), "{stderr}");
    assert!(!stderr.contains("connection refused"), "credentials fail before any connection:\n{stderr}");
    assert!(took < AT_ONCE, "took {took:?}");
}
