//! The real `ecsnet` binary: run, spawned, signalled, and what its runs sent to AWS.

use super::*;

/// How many requests of `operation` (as `-v` names it, such as `Route 53.ChangeResourceRecordSets`) a run made,
/// from the file `--requests-json` wrote.
pub fn requests_of(run: &Run, operation: &str) -> u64 {
    run.requests().by_operation.get(operation).copied().unwrap_or(0)
}

/// What `--requests-json` writes: the AWS requests of one run, retries included.
#[derive(Debug, serde::Deserialize)]
pub struct Requests {
    pub total: u64,
    pub by_operation: std::collections::BTreeMap<String, u64>,
}

/// The result of one run of the real binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// The requests it sent, when it talked to AWS and was run by `ecsnet`.
    requests: Option<Requests>,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            requests: None,
        }
    }

    /// The AWS requests the run sent; fails the test when it wrote none.
    #[track_caller]
    pub fn requests(&self) -> &Requests {
        self.requests
            .as_ref()
            .unwrap_or_else(|| panic!("no request counts from --requests-json\n--- stderr\n{}", self.stderr))
    }

    #[track_caller]
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(self.code, code, "exit code\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("stdout is not JSON ({error}):\n{}", self.stdout))
    }
}

/// The account a test's runs stand for. AWS throttles per account, and each test stands for one user's account:
/// the AWS-rules layer keys its request-rate buckets by the principal's account, so the runs of one topology file
/// share theirs, and thirty tests in parallel do not throttle each other as one account would never be loaded.
/// (The emulator keeps one account's state for every principal.)
pub fn account_key(args: &[&str]) -> String {
    use std::hash::{Hash, Hasher};
    let file =
        args.iter().position(|arg| *arg == "-f").and_then(|index| args.get(index + 1)).copied().unwrap_or("none");
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    file.hash(&mut hasher);
    format!("ECSNETTEST{:016X}", hasher.finish())
}

/// Runs `ecsnet` against the emulator with `args`, no terminal on stdin, its request counts written by
/// `--requests-json` into a file of its own, as a principal holding only `ecsnet iam-policy` for its command.
pub fn ecsnet(endpoint: &str, args: &[&str]) -> Run {
    ecsnet_as(endpoint, args, &principal(args, &account_key(args)))
}

/// `ecsnet` run as the principal whose keys are `keys`.
pub fn ecsnet_as(endpoint: &str, args: &[&str], keys: &Keys) -> Run {
    let counts = tempfile::tempdir().unwrap();
    let counts_path = counts.path().join("requests.json");
    let output = Command::new(env!("CARGO_BIN_EXE_ecsnet"))
        .args(args)
        .arg("--requests-json")
        .arg(&counts_path)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", &keys.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &keys.secret_key)
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the ecsnet binary runs");
    let requests = std::fs::read_to_string(&counts_path).ok().map(|text| {
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("--requests-json wrote no counts ({error}): {text}"))
    });
    Run { requests, ..Run::from(output) }
}

/// Starts `ecsnet` against `endpoint` in the background, with extra environment.
pub fn spawn_ecsnet(endpoint: &str, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
    let keys = principal(args, &account_key(args));
    let mut command = Command::new(env!("CARGO_BIN_EXE_ecsnet"));
    command
        .args(args)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", &keys.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &keys.secret_key)
        .env("AWS_REGION", "us-east-1")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    command.spawn().expect("the ecsnet binary runs")
}

/// Waits for a background run and collects it.
pub fn finish(child: std::process::Child) -> Run {
    Run::from(child.wait_with_output().unwrap())
}

/// Sends `signal` ("INT", "TERM") to a background run.
pub fn send_signal(child: &std::process::Child, signal: &str) {
    let status =
        Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().expect("kill runs");
    assert!(status.success(), "kill -{signal} {}", child.id());
}

/// Runs `ecsnet` against `endpoint` and sends it `signal` ("INT", "TERM") as soon as a line of its stderr contains
/// `needle`; the run, its stderr as it was read.
pub fn signal_on_line(endpoint: &str, args: &[&str], needle: &str, signal: &str) -> Run {
    use std::io::{BufRead, BufReader};
    let mut child = spawn_ecsnet(endpoint, args, &[]);
    let stderr = child.stderr.take().expect("stderr is piped");
    let mut seen = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if line.contains(needle) {
            send_signal(&child, signal);
        }
        seen.push_str(&line);
        seen.push('\n');
    }
    Run { stderr: seen, ..finish(child) }
}
