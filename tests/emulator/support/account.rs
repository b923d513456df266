//! The emulator's account through the AWS SDK: its clients, and what each test sets up in it (a network, security
//! groups, ECS services).

use super::*;

/// The test's fixtures sign as an administrator of an account of their own: AWS's request rates are per account,
/// and the fixtures' account-wide reads (every load balancer's rules and tags) of thirty tests at once in one
/// account would throttle each other as no single user's account ever is. With the rules off, moto's `test`.
fn fixture_credentials() -> aws_sdk_ec2::config::Credentials {
    let keys = administrator(&unique_name("fixtures-"));
    aws_sdk_ec2::config::Credentials::new(keys.access_key, keys.secret_key, None, None, "ecsnet-tests")
}

impl Account {
    pub async fn connect() -> Account {
        let endpoint = require_emulator();
        let config = aws_config::defaults(BehaviorVersion::latest())
            .endpoint_url(&endpoint)
            .region(aws_config::Region::new("us-east-1"))
            // Enough attempts for the AWS-rules layer's throttling and not-yet-visible answers (jittered back-off). The
            // layer's rates are account-wide, as AWS's are: with four tests at once, eight attempts once ran out on
            // a DescribeTags throttled while other tests' runs made their requests.
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(20))
            .credentials_provider(fixture_credentials())
            .load()
            .await;
        // The SDK's retry quota is one token bucket per service shared by every client of the process (500 tokens,
        // 5 a throttled retry): the tests' many clients, throttled by the layer's account-wide rates, once emptied
        // ELBv2's and a DescribeTags failed at its first throttle. The tests' own reads are not what is under test:
        // their quota is unlimited, and each client's attempts stay bounded by `max_attempts`.
        macro_rules! client {
            ($sdk:ident $(, $classifier:expr)?) => {{
                let builder = $sdk::config::Builder::from(&config)$(.retry_classifier($classifier))?.retry_partition(
                    $sdk::config::retry::RetryPartition::custom(concat!("ecsnet-tests-", stringify!($sdk)))
                        .token_bucket($sdk::config::retry::TokenBucket::unlimited())
                        .build(),
                );
                $sdk::Client::from_conf(builder.build())
            }};
        }
        Account {
            ec2: client!(aws_sdk_ec2, NotYetVisible),
            elb: client!(aws_sdk_elasticloadbalancingv2, NotYetVisible),
            elb_reads: client!(aws_sdk_elasticloadbalancingv2),
            route53: client!(aws_sdk_route53),
            ecs: client!(aws_sdk_ecs),
            discovery: client!(aws_sdk_servicediscovery),
            endpoint,
            started: std::time::Instant::now(),
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
        let subnet_ids = self.subnet_ids(network).await;
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
}
