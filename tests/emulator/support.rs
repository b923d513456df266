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

mod out_of_band;
mod runs;

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
    pub route53: aws_sdk_route53::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub discovery: aws_sdk_servicediscovery::Client,
    pub endpoint: String,
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

impl Account {
    pub async fn connect() -> Account {
        let endpoint = require_emulator();
        let config = aws_config::defaults(BehaviorVersion::latest())
            .endpoint_url(&endpoint)
            .region(aws_config::Region::new("us-east-1"))
            // Enough attempts for the AWS-rules layer's throttling and not-yet-visible answers (jittered back-off).
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(8))
            .credentials_provider(aws_sdk_ec2::config::Credentials::new("test", "test", None, None, "ecsnet-tests"))
            .load()
            .await;
        Account {
            ec2: aws_sdk_ec2::Client::from_conf(
                aws_sdk_ec2::config::Builder::from(&config).retry_classifier(NotYetVisible).build(),
            ),
            elb: aws_sdk_elasticloadbalancingv2::Client::from_conf(
                aws_sdk_elasticloadbalancingv2::config::Builder::from(&config).retry_classifier(NotYetVisible).build(),
            ),
            route53: aws_sdk_route53::Client::new(&config),
            ecs: aws_sdk_ecs::Client::new(&config),
            discovery: aws_sdk_servicediscovery::Client::new(&config),
            endpoint,
        }
    }

    pub async fn network(&self, name: &str) -> Network {
        let name_tag = |kind: ResourceType, value: &str| {
            TagSpecification::builder()
                .resource_type(kind)
                .tags(Tag::builder().key("Name").value(value).build())
                .build()
        };
        let vpc = self
            .ec2
            .create_vpc()
            .cidr_block("10.0.0.0/16")
            .tag_specifications(name_tag(ResourceType::Vpc, &format!("{name}-vpc")))
            .send()
            .await
            .unwrap();
        let vpc_id = vpc.vpc().unwrap().vpc_id().unwrap().to_string();
        // As AWS's, the emulator's new VPCs have DNS hostnames off, and a private zone needs them on.
        self.set_dns_hostnames(&vpc_id, true).await;
        let subnet_names = [format!("{name}-a"), format!("{name}-b")];
        for (index, (subnet, zone)) in subnet_names.iter().zip(["us-east-1a", "us-east-1b"]).enumerate() {
            self.ec2
                .create_subnet()
                .vpc_id(&vpc_id)
                .cidr_block(format!("10.0.{}.0/24", index + 1))
                .availability_zone(zone)
                .tag_specifications(name_tag(ResourceType::Subnet, subnet))
                .send()
                .await
                .unwrap();
        }
        let tasks_group_name = format!("{name}-tasks");
        let group = self
            .ec2
            .create_security_group()
            .group_name(&tasks_group_name)
            .description("tasks")
            .vpc_id(&vpc_id)
            .send()
            .await
            .unwrap();
        let tasks_group_id = group.group_id().unwrap().to_string();
        self.until_visible(&tasks_group_id).await;
        Network { vpc_id, subnet_names, tasks_group_id, tasks_group_name }
    }

    /// Waits until EC2 knows a group just created, as a user's group would be known long before ecsnet runs.
    async fn until_visible(&self, group_id: &str) {
        self.ec2.describe_security_groups().group_ids(group_id).send().await.unwrap();
    }

    /// Turns the VPC's enableDnsHostnames attribute on or off.
    pub async fn set_dns_hostnames(&self, vpc_id: &str, on: bool) {
        let value = aws_sdk_ec2::types::AttributeBooleanValue::builder().value(on).build();
        self.ec2.modify_vpc_attribute().vpc_id(vpc_id).enable_dns_hostnames(value).send().await.unwrap();
    }

    /// A security group of the network for another service's tasks.
    pub async fn security_group(&self, network: &Network, name: &str) -> String {
        let group = self
            .ec2
            .create_security_group()
            .group_name(name)
            .description(name)
            .vpc_id(&network.vpc_id)
            .send()
            .await
            .unwrap();
        let group_id = group.group_id().unwrap().to_string();
        self.until_visible(&group_id).await;
        group_id
    }

    /// An ECS cluster with one awsvpc service per (name, port, security group), each with a one-container task
    /// definition whose port mapping is named "default".
    pub async fn ecs_services(&self, cluster: &str, network: &Network, services: &[(&str, i32, &str)]) {
        use aws_sdk_ecs::types::{
            AwsVpcConfiguration, ContainerDefinition, NetworkConfiguration, NetworkMode, PortMapping,
        };
        self.ecs.create_cluster().cluster_name(cluster).send().await.unwrap();
        let subnets = self
            .ec2
            .describe_subnets()
            .filters(Filter::builder().name("vpc-id").values(&network.vpc_id).build())
            .send()
            .await
            .unwrap();
        let subnet_ids: Vec<String> =
            subnets.subnets().iter().map(|subnet| subnet.subnet_id().unwrap().to_string()).collect();
        for (name, port, group) in services {
            let container = ContainerDefinition::builder()
                .name(*name)
                .image("public.ecr.aws/ecs-sample-image/hello-server:node")
                .memory(512)
                .port_mappings(PortMapping::builder().container_port(*port).name("default").build())
                .build();
            let family = format!("{cluster}-{name}");
            self.ecs
                .register_task_definition()
                .family(&family)
                .network_mode(NetworkMode::Awsvpc)
                .container_definitions(container)
                .send()
                .await
                .unwrap();
            let vpc = AwsVpcConfiguration::builder()
                .set_subnets(Some(subnet_ids.clone()))
                .security_groups(*group)
                .build()
                .unwrap();
            self.ecs
                .create_service()
                .cluster(cluster)
                .service_name(*name)
                .task_definition(&family)
                .desired_count(1)
                .network_configuration(NetworkConfiguration::builder().awsvpc_configuration(vpc).build())
                .send()
                .await
                .unwrap();
        }
    }

    /// An ECS service as "load balancers | registries | tags", sorted, for before/after comparisons: a load balancer
    /// entry as "target group:container:port", with its Classic Load Balancer and blue/green settings when it has
    /// them; a registry with its ports and container when it has them.
    pub async fn ecs_wiring(&self, cluster: &str, service: &str) -> String {
        let output = self
            .ecs
            .describe_services()
            .cluster(cluster)
            .services(service)
            .include(aws_sdk_ecs::types::ServiceField::Tags)
            .send()
            .await
            .unwrap();
        let service = &output.services()[0];
        let mut balancers: Vec<String> = service.load_balancers().iter().map(balancer_entry).collect();
        let mut registries: Vec<String> = service.service_registries().iter().map(registry_entry).collect();
        let mut tags: Vec<String> = service
            .tags()
            .iter()
            .map(|tag| format!("{}={}", tag.key().unwrap_or_default(), tag.value().unwrap_or_default()))
            .collect();
        balancers.sort();
        registries.sort();
        tags.sort();
        format!("{} | {} | {}", balancers.join(","), registries.join(","), tags.join(","))
    }

    /// Cloud Map namespaces with this name.
    pub async fn namespaces_named(&self, name: &str) -> Vec<String> {
        let output = self.discovery.list_namespaces().send().await.unwrap();
        output
            .namespaces()
            .iter()
            .filter(|namespace| namespace.name() == Some(name))
            .map(|namespace| namespace.id().unwrap().to_string())
            .collect()
    }

    /// Rules tagged for `topology` in any security group, and groups tagged for it.
    pub async fn owned_security_resources(&self, topology: &str) -> Vec<String> {
        let filter = Filter::builder().name("tag:ecsnet:topology").values(topology).build();
        let rules = self.ec2.describe_security_group_rules().filters(filter.clone()).send().await.unwrap();
        let groups = self.ec2.describe_security_groups().filters(filter).send().await.unwrap();
        rules
            .security_group_rules()
            .iter()
            .map(|rule| format!("rule {}", rule.security_group_rule_id().unwrap()))
            .chain(groups.security_groups().iter().map(|group| format!("group {}", group.group_id().unwrap())))
            .collect()
    }

    /// Load balancers, target groups, listeners and rules tagged for `topology`.
    pub async fn owned_load_balancing_resources(&self, topology: &str) -> Vec<String> {
        let mut arns: Vec<String> = Vec::new();
        let balancers = self.elb.describe_load_balancers().send().await.unwrap();
        for balancer in balancers.load_balancers() {
            let arn = balancer.load_balancer_arn().unwrap().to_string();
            // Other tests delete their load balancers meanwhile: what is gone is skipped.
            let Ok(listeners) = self.elb.describe_listeners().load_balancer_arn(&arn).send().await else { continue };
            for listener in listeners.listeners() {
                let Ok(rules) = self.elb.describe_rules().listener_arn(listener.listener_arn().unwrap()).send().await
                else {
                    continue;
                };
                arns.extend(
                    rules
                        .rules()
                        .iter()
                        .filter(|rule| rule.is_default() != Some(true))
                        .map(|rule| rule.rule_arn().unwrap().to_string()),
                );
                arns.push(listener.listener_arn().unwrap().to_string());
            }
            arns.push(arn);
        }
        let groups = self.elb.describe_target_groups().send().await.unwrap();
        arns.extend(groups.target_groups().iter().map(|group| group.target_group_arn().unwrap().to_string()));
        let mut owned = Vec::new();
        for chunk in arns.chunks(20) {
            let tags = self.elb.describe_tags().set_resource_arns(Some(chunk.to_vec())).send().await.unwrap();
            for description in tags.tag_descriptions() {
                if description
                    .tags()
                    .iter()
                    .any(|tag| tag.key() == Some("ecsnet:topology") && tag.value() == Some(topology))
                {
                    owned.push(description.resource_arn().unwrap().to_string());
                }
            }
        }
        owned
    }

    pub async fn target_group_arn(&self, name: &str) -> Option<String> {
        let groups = self.elb.describe_target_groups().send().await.unwrap();
        groups
            .target_groups()
            .iter()
            .find(|group| group.target_group_name() == Some(name))
            .map(|group| group.target_group_arn().unwrap().to_string())
    }

    /// Every record of the zone as "TYPE name".
    pub async fn records(&self, zone_id: &str) -> Vec<String> {
        let output = self.route53.list_resource_record_sets().hosted_zone_id(zone_id).send().await.unwrap();
        output
            .resource_record_sets()
            .iter()
            .map(|set| format!("{} {}", set.r#type().as_str(), set.name().trim_end_matches('.')))
            .collect()
    }

    /// IDs of the private zones associated with the VPC.
    pub async fn zones_on_vpc(&self, vpc_id: &str) -> Vec<(String, String)> {
        let output = self
            .route53
            .list_hosted_zones_by_vpc()
            .vpc_id(vpc_id)
            .vpc_region(aws_sdk_route53::types::VpcRegion::UsEast1)
            .send()
            .await
            .unwrap();
        output
            .hosted_zone_summaries()
            .iter()
            .map(|zone| {
                (
                    zone.hosted_zone_id().trim_start_matches("/hostedzone/").to_string(),
                    zone.name().trim_end_matches('.').to_string(),
                )
            })
            .collect()
    }
}

/// An ECS service's load balancer entry as `ecs_wiring` shows it.
fn balancer_entry(entry: &aws_sdk_ecs::types::LoadBalancer) -> String {
    let mut text = format!(
        "{}:{}:{}",
        entry.target_group_arn().unwrap_or_default(),
        entry.container_name().unwrap_or_default(),
        entry.container_port().unwrap_or_default()
    );
    if let Some(name) = entry.load_balancer_name() {
        text.push_str(&format!(" classic={name}"));
    }
    if let Some(advanced) = entry.advanced_configuration() {
        let fields = [
            ("alternate", advanced.alternate_target_group_arn()),
            ("production_rule", advanced.production_listener_rule()),
            ("test_rule", advanced.test_listener_rule()),
            ("role", advanced.role_arn()),
        ];
        for (key, value) in fields {
            if let Some(value) = value {
                text.push_str(&format!(" {key}={value}"));
            }
        }
    }
    text
}

/// An ECS service's registry entry as `ecs_wiring` shows it.
fn registry_entry(entry: &aws_sdk_ecs::types::ServiceRegistry) -> String {
    let mut text = entry.registry_arn().unwrap_or_default().to_string();
    for (key, value) in [("port", entry.port()), ("container_port", entry.container_port())] {
        if let Some(value) = value {
            text.push_str(&format!(" {key}={value}"));
        }
    }
    if let Some(container) = entry.container_name() {
        text.push_str(&format!(" container={container}"));
    }
    text
}

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

/// The access key a test's runs sign with. AWS throttles per account, and each test stands for one user's account:
/// the AWS-rules layer keys its request-rate buckets by access key, so the runs of one topology file share theirs,
/// and thirty tests in parallel do not throttle each other as one account would never be loaded. (The emulator
/// keeps one account's state for every key.)
fn account_key(args: &[&str]) -> String {
    use std::hash::{Hash, Hasher};
    let file =
        args.iter().position(|arg| *arg == "-f").and_then(|index| args.get(index + 1)).copied().unwrap_or("none");
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    file.hash(&mut hasher);
    format!("ECSNETTEST{:016X}", hasher.finish())
}

/// Runs `ecsnet` against the emulator with `args`, no terminal on stdin, its request counts written by
/// `--requests-json` into a file of its own.
pub fn ecsnet(endpoint: &str, args: &[&str]) -> Run {
    let counts = tempfile::tempdir().unwrap();
    let counts_path = counts.path().join("requests.json");
    let output = Command::new(env!("CARGO_BIN_EXE_ecsnet"))
        .args(args)
        .arg("--requests-json")
        .arg(&counts_path)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", account_key(args))
        .env("AWS_SECRET_ACCESS_KEY", "test")
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

/// localstack/proxy.py between ecsnet and the emulator: latency, faults, a hold after the K-th mutation, stats.
pub struct Proxy {
    child: std::process::Child,
    pub endpoint: String,
}

impl Proxy {
    pub fn start(upstream: &str, delay_ms: u32) -> Proxy {
        use std::io::BufRead;
        let mut child = Command::new("python3")
            .arg(repo_path("localstack/proxy.py"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--upstream",
                upstream,
                "--delay-ms",
                &delay_ms.to_string(),
                "--seed",
                "7",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs localstack/proxy.py");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line).unwrap();
        let endpoint = line
            .trim()
            .strip_prefix("proxy listening on ")
            .unwrap_or_else(|| panic!("the proxy did not start: {line:?}"))
            .to_string();
        Proxy { child, endpoint }
    }

    /// One HTTP request to the proxy's control API; the response body.
    fn control(&self, method: &str, path: &str, body: &str) -> String {
        use std::io::{Read, Write};
        let address = self.endpoint.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(stream, "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response.split_once("\r\n\r\n").map(|(_, body)| body.to_string()).unwrap_or_default()
    }

    pub fn configure(&self, config: serde_json::Value) {
        self.control("POST", "/__proxy/config", &config.to_string());
    }

    pub fn stats(&self) -> serde_json::Value {
        serde_json::from_str(&self.control("GET", "/__proxy/stats", "")).unwrap()
    }

    pub fn held(&self) -> bool {
        let held: serde_json::Value = serde_json::from_str(&self.control("GET", "/__proxy/held", "")).unwrap();
        held["held"] == true
    }

    /// Holds the request after a run's `k`-th mutation; `None` lets a held request go.
    pub fn hold_after_mutations(&self, k: Option<u64>) {
        self.configure(serde_json::json!({ "hold_after_mutations": k }));
    }

    /// Waits until a request is held, failing the test with "`what` was never reached" after `limit`.
    pub async fn until_held(&self, limit: Duration, what: &str) {
        let started = std::time::Instant::now();
        while !self.held() {
            assert!(started.elapsed() < limit, "{what} was never reached");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `ecsnet` against `endpoint` in the background, with extra environment.
pub fn spawn_ecsnet(endpoint: &str, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ecsnet"));
    command
        .args(args)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", account_key(args))
        .env("AWS_SECRET_ACCESS_KEY", "test")
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

impl Account {
    /// The lock group of `topology` in the VPC, if one stands: its ID and tags.
    pub async fn lock_group(&self, vpc_id: &str, topology: &str) -> Option<(String, Vec<(String, String)>)> {
        let output = self
            .ec2
            .describe_security_groups()
            .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
            .filters(Filter::builder().name("group-name").values(format!("ecsnet-lock-{topology}")).build())
            .send()
            .await
            .unwrap();
        output.security_groups().first().map(|group| {
            let tags = group
                .tags()
                .iter()
                .map(|tag| (tag.key().unwrap_or_default().to_string(), tag.value().unwrap_or_default().to_string()))
                .collect();
            (group.group_id().unwrap().to_string(), tags)
        })
    }
}
