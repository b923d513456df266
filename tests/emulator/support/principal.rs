//! Who each run of `ecsnet` is: an IAM user of the AWS-rules layer holding only what `ecsnet iam-policy -f FILE
//! --for COMMAND` prints for the command it runs, as a careful team would attach it. The layer authenticates every
//! request (SigV4) and authorizes it by IAM's evaluation logic (localstack/aws_rules/iam/), so a policy that lacks
//! an action or scopes it wrongly fails the test with AccessDenied naming the action.
//!
//! The fixtures' own clients sign as administrators of accounts of their own (`administrator`). With
//! `ECSNET_AWS_RULES=off` (the bare emulator, which has no users) everything signs as moto's `test`.

use super::*;

/// Access key and secret key of a principal for the run `args`.
pub struct Keys {
    pub access_key: String,
    pub secret_key: String,
}

/// The policy command a run needs, as `iam-policy --for` names it; None for a command that calls no AWS API
/// (its principal then holds a policy that denies everything, so a call it made would fail).
fn policy_command(args: &[&str]) -> Option<&'static str> {
    match args.first().copied()? {
        "plan" | "graph" | "route" => Some("plan"),
        "apply" => Some("apply"),
        "destroy" => Some("destroy"),
        "doctor" => Some("doctor"),
        "init" => Some("init"),
        "unlock" => Some("unlock"),
        _ => None,
    }
}

/// The topology file a run reads: `-f FILE`, or for `apply SAVED` the file the saved plan was made from.
fn topology_file(args: &[&str]) -> Option<String> {
    if let Some(index) = args.iter().position(|arg| *arg == "-f") {
        return args.get(index + 1).map(|file| file.to_string());
    }
    let saved = args.iter().skip(1).find(|arg| !arg.starts_with('-') && arg.ends_with(".json"))?;
    let text = std::fs::read_to_string(saved).ok()?;
    let document: serde_json::Value = serde_json::from_str(&text).ok()?;
    document.get("topology_path")?.as_str().map(str::to_string)
}

/// `ecsnet iam-policy` for the run, as a user would print it (no AWS call). A file `iam-policy` cannot read (a test
/// of a missing or invalid file) is one the run cannot read either: it gets the policy that denies everything.
pub fn policy_for(args: &[&str]) -> serde_json::Value {
    let deny_all = || {
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{ "Sid": "NoAwsCall", "Effect": "Deny", "Action": "*", "Resource": "*" }]
        })
    };
    let Some(command) = policy_command(args) else { return deny_all() };
    let mut iam = vec!["iam-policy", "--for", command, "--region", "us-east-1"];
    let file = topology_file(args);
    if let Some(file) = &file {
        iam.extend(["-f", file.as_str()]);
    }
    if args.contains(&"--adopt") {
        iam.push("--adopt");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_ecsnet"))
        .args(&iam)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the ecsnet binary runs");
    if !output.status.success() {
        return deny_all();
    }
    serde_json::from_slice(&output.stdout).expect("iam-policy prints JSON")
}

/// A user of the layer holding only the run's policy, standing for the account `account` (the layer's request
/// rates are per account). With the rules off, moto's `test`.
pub fn principal(args: &[&str], account: &str) -> Keys {
    if rules_off() {
        return Keys::moto();
    }
    let command = policy_command(args).unwrap_or("none");
    principal_holding(&format!("ecsnet-{command}"), policy_for(args), account)
}

/// A user of the layer holding only `policy` (named `policy_name`), for the account `account`.
pub fn principal_holding(policy_name: &str, policy: serde_json::Value, account: &str) -> Keys {
    let name = format!("{policy_name}-{}", unique_name(""));
    create_user(serde_json::json!({ "name": name, "policies": { policy_name: policy }, "account": account }))
}

/// An administrator of the layer standing for the account `account` (authenticated, not judged); with the rules
/// off, moto's `test`.
pub fn administrator(account: &str) -> Keys {
    if rules_off() {
        return Keys::moto();
    }
    create_user(serde_json::json!({ "name": account, "admin": true, "account": account }))
}

impl Keys {
    /// The keys of the bare emulator, which takes any.
    fn moto() -> Keys {
        Keys { access_key: "test".into(), secret_key: "test".into() }
    }
}

/// `ECSNET_AWS_RULES=off`: the bare emulator, with no layer and so no users.
fn rules_off() -> bool {
    std::env::var("ECSNET_AWS_RULES").as_deref() == Ok("off")
}

/// `POST /__proxy/iam/users` to the layer: the new user's keys.
fn create_user(request: serde_json::Value) -> Keys {
    let (head, body) = control_request(&endpoint(), "POST", "/__proxy/iam/users", &request.to_string());
    assert!(
        head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"),
        "the layer made no user: {head}\n{body}"
    );
    let answer: serde_json::Value =
        serde_json::from_str(&body).unwrap_or_else(|error| panic!("the layer answered no JSON ({error}): {body}"));
    let key = |field: &str| {
        answer[field].as_str().unwrap_or_else(|| panic!("no {field} for {request}: {answer}")).to_string()
    };
    Keys { access_key: key("access_key"), secret_key: key("secret_key") }
}
