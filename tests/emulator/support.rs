//! Test support: the emulator's AWS clients, a fresh network per test, and the real `ecsnet` binary.
//!
//! The emulator must be running (the README's test command starts it). A missing emulator fails every test here,
//! loudly; nothing is skipped.

use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};
use ecsnet::test_support::TopologyBuilder;

mod account;
mod binary;
mod lattice;
mod out_of_band;
mod principal;
mod proxy;
mod reads;
mod runs;
mod seed;

pub use binary::*;
pub use lattice::*;
pub use principal::*;
pub use proxy::*;
pub use seed::*;

pub use runs::{
    apply, apply_and_expect_converged, change_at, change_fields, changes, destroy, expect_converged, pending_plan_json,
    plan_json, plan_text,
};

pub fn endpoint() -> String {
    std::env::var("ECSNET_TEST_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:4566".into())
}

/// Fails the test unless something listens at the emulator's address.
pub fn require_emulator() -> String {
    let endpoint = endpoint();
    let host_port = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let address = host_port.to_socket_addrs().ok().and_then(|mut addresses| addresses.next());
    let reachable = address.is_some_and(|address| TcpStream::connect_timeout(&address, Duration::from_secs(2)).is_ok());
    assert!(
        reachable,
        "\n\nno AWS emulator answers at {endpoint}.\nThe emulator tests need one: run them with `bash localstack/test.sh` (it installs and starts moto), \
         or start it with `bash localstack/start.sh` before `cargo test`.\n"
    );
    endpoint
}

/// The start of most tests: the emulator's account, a fresh topology name, and a fresh network for it.
pub async fn fresh(prefix: &str) -> (Account, String, Network) {
    let account = Account::connect().await;
    let name = unique_name(prefix);
    let network = account.network(&name).await;
    (account, name, network)
}

/// A name no other test of this run or an earlier run against the same emulator uses.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}{:x}{}", (nanos ^ std::process::id()) & 0xfffff, COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// AWS's eventual consistency: a security group, target group or load balancer just created (by the fixture, or
/// by ecsnet in a parallel test) may be unknown to the next call for a moment
/// (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html), and the AWS-rules layer answers
/// so. The fixtures' own calls retry such answers as transient, as a careful client of AWS does.
#[derive(Debug)]
struct NotYetVisible;

impl ClassifyRetry for NotYetVisible {
    fn classify_retry(&self, context: &InterceptorContext) -> RetryAction {
        let Some(response) = context.response() else { return RetryAction::NoActionIndicated };
        let body = String::from_utf8_lossy(response.body().bytes().unwrap_or_default());
        let not_yet_visible = ["InvalidGroup.NotFound", "TargetGroupNotFound", "LoadBalancerNotFound"]
            .iter()
            .any(|code| body.contains(&format!("<Code>{code}</Code>")));
        if not_yet_visible {
            RetryAction::transient_error()
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "NotYetVisible"
    }
}

pub struct Account {
    pub ec2: aws_sdk_ec2::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    /// ELBv2 without the not-yet-visible retry, for account-wide reads: there an ARN not found is one another test
    /// deleted meanwhile, gone for good, and retrying it as not yet visible took minutes.
    pub elb_reads: aws_sdk_elasticloadbalancingv2::Client,
    pub route53: aws_sdk_route53::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub discovery: aws_sdk_servicediscovery::Client,
    pub endpoint: String,
    /// When the test connected: its duration is written to `ECSNET_TEST_TIMES` when the account goes (at the
    /// test's end, passed or failed), for localstack/test.sh's list of the slowest tests.
    started: std::time::Instant,
}

impl Drop for Account {
    fn drop(&mut self) {
        use std::io::Write;
        let Ok(path) = std::env::var("ECSNET_TEST_TIMES") else { return };
        // libtest runs each test on a thread named after it; a crash test's workers run on tokio's threads and
        // are counted in their test's own time.
        let thread = std::thread::current();
        let Some(test) = thread.name().filter(|name| name.contains("::")) else { return };
        let line = format!("{:.1} {test}\n", self.started.elapsed().as_secs_f64());
        if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
            let _ = file.write_all(line.as_bytes());
        }
    }
}

/// A VPC with two subnets in two Availability Zones and a security group for the tasks.
pub struct Network {
    pub vpc_id: String,
    pub subnet_names: [String; 2],
    pub tasks_group_id: String,
    pub tasks_group_name: String,
}

impl Network {
    /// A topology named `name` on this network: its VPC and two subnets, nothing else yet.
    pub fn topology(&self, name: &str) -> TopologyBuilder {
        TopologyBuilder::new(name).vpc(&self.vpc_id).subnets(&self.subnet_names)
    }

    /// The usual small topology: an internal load balancer, the private zone `zone`, and the service "api" on port
    /// 8080 with the security group `group` (the tasks' group's ID or name).
    pub fn one_service(&self, name: &str, zone: &str, group: &str) -> TopologyBuilder {
        self.topology(name).load_balancer().dns(zone).service("api", |service| service.security_group(group))
    }
}

/// A temporary directory holding a topology file.
pub struct TopologyFile {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl TopologyFile {
    pub fn of(topology: &TopologyBuilder) -> TopologyFile {
        TopologyFile::new(&topology.text())
    }

    pub fn new(text: &str) -> TopologyFile {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ecsnet.toml");
        std::fs::write(&path, text).unwrap();
        TopologyFile { _dir: dir, path }
    }

    pub fn rewrite(&self, topology: &TopologyBuilder) {
        std::fs::write(&self.path, topology.text()).unwrap();
    }

    pub fn arg(&self) -> &str {
        self.path.to_str().unwrap()
    }
}

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}
