//! Resources someone else made: seed 002's recipe built by `localstack/seed_002.py` (boto3, through the AWS-rules
//! layer), for adoption to take over.

use super::*;

/// What seed_002.py made, by the names of its JSON output (`load_balancer_arn`, `target_group_arn`, …).
pub struct Seeded(pub serde_json::Value);

impl Seeded {
    pub fn id(&self, key: &str) -> String {
        self.0[key].as_str().unwrap_or_else(|| panic!("seed_002.py made no {key}: {}", self.0)).to_string()
    }
}

/// The emulator's Python, which has boto3 (moto depends on it).
fn python() -> PathBuf {
    let dir = std::env::var("ECSNET_EMULATOR_DIR").map(PathBuf::from).unwrap_or_else(|_| repo_path(".emulator"));
    dir.join("venv/bin/python")
}

impl Account {
    /// Runs seed 002's recipe in `network`: names start with `prefix`; `extra` are more of seed_002.py's options.
    pub async fn seed_002(&self, network: &Network, prefix: &str, extra: &[&str]) -> Seeded {
        let subnets = self.subnet_ids(network).await.join(",");
        let mut command = Command::new(python());
        command.arg(repo_path("localstack/seed_002.py")).args(["--endpoint", &self.endpoint]);
        command.args([
            "--vpc-id",
            &network.vpc_id,
            "--subnet-ids",
            &subnets,
            "--tasks-group-id",
            &network.tasks_group_id,
        ]);
        command.args(["--prefix", prefix]).args(extra);
        if let Ok(backend) = std::env::var("ECSNET_RULES_TEST_UPSTREAM") {
            command.args(["--backend-endpoint", &backend]);
        }
        let output = tokio::task::block_in_place(|| command.output()).expect("seed_002.py runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "seed_002.py failed:\n{stderr}");
        Seeded(serde_json::from_slice(&output.stdout).unwrap_or_else(|error| panic!("seed_002.py's output: {error}")))
    }

    pub async fn subnet_ids(&self, network: &Network) -> Vec<String> {
        let subnets = self
            .ec2
            .describe_subnets()
            .filters(Filter::builder().name("vpc-id").values(&network.vpc_id).build())
            .send()
            .await
            .unwrap();
        subnets.subnets().iter().map(|subnet| subnet.subnet_id().unwrap().to_string()).collect()
    }

    /// The IDs of the network's VPC's security groups.
    pub async fn security_groups_of(&self, network: &Network) -> Vec<String> {
        let vpc = Filter::builder().name("vpc-id").values(&network.vpc_id).build();
        let groups = self.ec2.describe_security_groups().filters(vpc).send().await.unwrap();
        groups.security_groups().iter().map(|group| group.group_id().unwrap().to_string()).collect()
    }

    /// The tags of an ELBv2 resource.
    pub async fn elb_tags(&self, arn: &str) -> std::collections::BTreeMap<String, String> {
        let tags = self.elb.describe_tags().resource_arns(arn).send().await.unwrap();
        let description = tags.tag_descriptions().first().expect("the resource exists");
        description
            .tags()
            .iter()
            .map(|tag| (tag.key().unwrap().to_string(), tag.value().unwrap_or_default().to_string()))
            .collect()
    }

    /// Whether the load balancer, and the target group, stand. (Listed, not asked for by ARN: the test client
    /// retries a "not found" for a while, taking it for AWS's eventual consistency.)
    pub async fn load_balancer_and_group_exist(&self, load_balancer: &str, group: &str) -> (bool, bool) {
        let balancers = self.elb.describe_load_balancers().send().await.unwrap();
        let groups = self.elb.describe_target_groups().send().await.unwrap();
        (
            balancers.load_balancers().iter().any(|found| found.load_balancer_arn() == Some(load_balancer)),
            groups.target_groups().iter().any(|found| found.target_group_arn() == Some(group)),
        )
    }
}
