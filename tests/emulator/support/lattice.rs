//! VPC Lattice as an administrator of the account sees it: its own client, ECS services whose tasks run as task
//! roles, and read-backs of what ecsnet made (service networks, associations, services, listeners, target groups,
//! auth policies), by name, by VPC and by the topology's tag.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_vpclattice::types::RuleAction;

use super::*;

/// The region's VPC Lattice managed prefix list: the source of Lattice's traffic to targets
/// (https://docs.aws.amazon.com/vpc-lattice/latest/ug/security-groups.html).
pub const LATTICE_PREFIX_LIST: &str = "com.amazonaws.us-east-1.vpc-lattice";

/// An administrator's VPC Lattice client, signed as an account of its own (as the fixtures' other clients are),
/// with as many attempts as theirs.
pub struct Lattice {
    pub client: aws_sdk_vpclattice::Client,
}

/// One ECS service a Lattice test runs: its name, container port, tasks' group and task role (`None`: none).
pub struct TaskService<'a> {
    pub name: &'a str,
    pub port: i32,
    pub group: &'a str,
    pub task_role: Option<String>,
}

/// The ARN of the task role `name` in the emulator's account.
pub fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::123456789012:role/{name}")
}

/// Polls `read` until it returns `wanted`, for at most 15 seconds; the last value read. VPC Lattice deletes through
/// DELETE_IN_PROGRESS, so what a destroy deleted is still listed a moment.
pub async fn settles<T, F, Fut>(wanted: T, mut read: F) -> T
where
    T: PartialEq,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let value = read().await;
        if value == wanted || std::time::Instant::now() > deadline {
            return value;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

impl Lattice {
    /// The VPC is associated with no service network any more, and the one named `service_network` is gone.
    pub async fn expect_network_left(&self, vpc_id: &str, service_network: &str) {
        assert_eq!(
            settles(Vec::new(), || self.vpc_associations(vpc_id)).await,
            Vec::<(String, String)>::new(),
            "the VPC is no longer associated"
        );
        assert_eq!(
            settles(None, || self.service_network_named(service_network)).await,
            None,
            "the service network ecsnet made is gone"
        );
    }

    pub async fn connect(account: &Account) -> Lattice {
        let keys = administrator(&unique_name("fixtures-"));
        let credentials =
            aws_sdk_vpclattice::config::Credentials::new(keys.access_key, keys.secret_key, None, None, "ecsnet-tests");
        let config = aws_config::defaults(BehaviorVersion::latest())
            .endpoint_url(&account.endpoint)
            .region(aws_config::Region::new("us-east-1"))
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(20))
            .credentials_provider(credentials)
            .load()
            .await;
        let builder = aws_sdk_vpclattice::config::Builder::from(&config).retry_partition(
            aws_sdk_vpclattice::config::retry::RetryPartition::custom("ecsnet-tests-vpclattice")
                .token_bucket(aws_sdk_vpclattice::config::retry::TokenBucket::unlimited())
                .build(),
        );
        Lattice { client: aws_sdk_vpclattice::Client::from_conf(builder.build()) }
    }

    /// The service network named `name`, if one stands: (id, ARN).
    pub async fn service_network_named(&self, name: &str) -> Option<(String, String)> {
        let networks = self.client.list_service_networks().into_paginator().items().send();
        let networks: Vec<_> = networks.collect::<Result<Vec<_>, _>>().await.unwrap();
        networks
            .iter()
            .find(|network| network.name() == Some(name))
            .map(|network| (network.id().unwrap().to_string(), network.arn().unwrap().to_string()))
    }

    /// The VPC's associations with service networks as (association id, service network id).
    pub async fn vpc_associations(&self, vpc_id: &str) -> Vec<(String, String)> {
        let associations =
            self.client.list_service_network_vpc_associations().vpc_identifier(vpc_id).into_paginator().items().send();
        let associations: Vec<_> = associations.collect::<Result<Vec<_>, _>>().await.unwrap();
        associations
            .iter()
            .map(|association| {
                (association.id().unwrap().to_string(), association.service_network_id().unwrap().to_string())
            })
            .collect()
    }

    /// Every Lattice service whose name starts with `prefix`, as (name, id).
    pub async fn services_starting_with(&self, prefix: &str) -> Vec<(String, String)> {
        let services = self.client.list_services().into_paginator().items().send();
        let services: Vec<_> = services.collect::<Result<Vec<_>, _>>().await.unwrap();
        services
            .iter()
            .filter(|service| service.name().is_some_and(|name| name.starts_with(prefix)))
            .map(|service| (service.name().unwrap().to_string(), service.id().unwrap().to_string()))
            .collect()
    }

    /// The Lattice service named `name`: fails the test when there is none.
    pub async fn service_named(&self, name: &str) -> LatticeServiceState {
        let found = self.services_starting_with(name).await;
        let (_, id) = found
            .iter()
            .find(|(found, _)| found == name)
            .unwrap_or_else(|| panic!("no VPC Lattice service named {name} (found {found:?})"));
        self.service(id).await
    }

    /// A Lattice service read whole: auth type, auth policy, listeners with their default actions, associations.
    pub async fn service(&self, id: &str) -> LatticeServiceState {
        let service = self.client.get_service().service_identifier(id).send().await.unwrap();
        let policy = self.client.get_auth_policy().resource_identifier(id).send().await.ok();
        let listeners = self.client.list_listeners().service_identifier(id).into_paginator().items().send();
        let listeners: Vec<_> = listeners.collect::<Result<Vec<_>, _>>().await.unwrap();
        let mut read = Vec::new();
        for listener in &listeners {
            let listener_id = listener.id().unwrap();
            let full = self
                .client
                .get_listener()
                .service_identifier(id)
                .listener_identifier(listener_id)
                .send()
                .await
                .unwrap();
            let action = match full.default_action() {
                Some(RuleAction::Forward(forward)) => ListenerAction::Forward(
                    forward
                        .target_groups()
                        .iter()
                        .map(|group| (group.target_group_identifier().to_string(), group.weight().unwrap_or(1)))
                        .collect(),
                ),
                Some(RuleAction::FixedResponse(fixed)) => ListenerAction::FixedResponse(fixed.status_code()),
                other => panic!("listener {listener_id}'s default action: {other:?}"),
            };
            read.push(ListenerState {
                id: listener_id.to_string(),
                protocol: full.protocol().map(|protocol| protocol.as_str().to_string()).unwrap_or_default(),
                port: full.port().unwrap_or_default(),
                action,
            });
        }
        let associations =
            self.client.list_service_network_service_associations().service_identifier(id).into_paginator().items();
        let associations: Vec<_> = associations.send().collect::<Result<Vec<_>, _>>().await.unwrap();
        LatticeServiceState {
            id: id.to_string(),
            arn: service.arn().unwrap().to_string(),
            auth_type: service.auth_type().map(|auth| auth.as_str().to_string()).unwrap_or_default(),
            custom_domain: service.custom_domain_name().map(str::to_string),
            auth_policy: policy.and_then(|policy| policy.policy().map(str::to_string)),
            listeners: read,
            service_networks: associations
                .iter()
                .map(|association| association.service_network_id().unwrap().to_string())
                .collect(),
        }
    }

    /// A target group by ID or ARN: its ARN, type, protocol, port and VPC.
    pub async fn target_group(&self, id: &str) -> TargetGroupState {
        let group = self.client.get_target_group().target_group_identifier(id).send().await.unwrap();
        let config = group.config().expect("an IP target group has a config");
        TargetGroupState {
            arn: group.arn().unwrap().to_string(),
            kind: group.r#type().map(|kind| kind.as_str().to_string()).unwrap_or_default(),
            protocol: config.protocol().map(|protocol| protocol.as_str().to_string()).unwrap_or_default(),
            port: config.port().unwrap_or_default(),
            vpc_id: config.vpc_identifier().unwrap_or_default().to_string(),
        }
    }

    /// The ARNs of the Lattice target groups in the VPC.
    pub async fn target_groups_in(&self, vpc_id: &str) -> Vec<String> {
        let groups = self.client.list_target_groups().vpc_identifier(vpc_id).into_paginator().items().send();
        let groups: Vec<_> = groups.collect::<Result<Vec<_>, _>>().await.unwrap();
        groups.iter().map(|group| group.arn().unwrap().to_string()).collect()
    }

    /// A Lattice resource's tags.
    pub async fn tags(&self, arn: &str) -> BTreeMap<String, String> {
        let tags = self.client.list_tags_for_resource().resource_arn(arn).send().await.unwrap();
        tags.tags().map(|tags| tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
    }

    /// A service network made by hand (auth type NONE), as a user or another team would: (id, ARN).
    pub async fn create_service_network(&self, name: &str) -> (String, String) {
        let created = self
            .client
            .create_service_network()
            .name(name)
            .auth_type(aws_sdk_vpclattice::types::AuthType::None)
            .send()
            .await
            .unwrap();
        (created.id().unwrap().to_string(), created.arn().unwrap().to_string())
    }

    /// An IP target group made by hand (HTTP, `port`) in the VPC: its ARN.
    pub async fn create_target_group(&self, name: &str, vpc_id: &str, port: i32) -> String {
        use aws_sdk_vpclattice::types::{TargetGroupConfig, TargetGroupProtocol, TargetGroupType};
        let config =
            TargetGroupConfig::builder().port(port).protocol(TargetGroupProtocol::Http).vpc_identifier(vpc_id).build();
        let created = self
            .client
            .create_target_group()
            .name(name)
            .r#type(TargetGroupType::Ip)
            .config(config)
            .send()
            .await
            .unwrap();
        created.arn().unwrap().to_string()
    }
}

/// A Lattice service as read back.
#[derive(Debug)]
pub struct LatticeServiceState {
    pub id: String,
    pub arn: String,
    pub auth_type: String,
    pub custom_domain: Option<String>,
    /// The auth policy's JSON text; `None` when the service has none.
    pub auth_policy: Option<String>,
    pub listeners: Vec<ListenerState>,
    /// The IDs of the service networks it is associated with.
    pub service_networks: Vec<String>,
}

impl LatticeServiceState {
    /// Who the auth policy lets invoke the service (`admitted`); empty without a policy.
    pub fn admitted(&self) -> BTreeSet<String> {
        self.auth_policy.as_deref().map(admitted).unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct ListenerState {
    pub id: String,
    pub protocol: String,
    pub port: i32,
    pub action: ListenerAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ListenerAction {
    /// Target groups (ID or ARN, as AWS reports them) with their weights.
    Forward(Vec<(String, i32)>),
    FixedResponse(i32),
}

#[derive(Debug, Clone)]
pub struct TargetGroupState {
    pub arn: String,
    pub kind: String,
    pub protocol: String,
    pub port: i32,
    pub vpc_id: String,
}

/// The principals an auth policy allows `vpc-lattice-svcs:Invoke` to: each `Principal.AWS` ARN of an Allow
/// statement; a statement for any principal (`*`) counts by its conditions on `aws:PrincipalArn` (their values) or
/// `aws:PrincipalAccount` (`account:ID`), and as `*` when it has neither. A Deny statement is not subtracted: the
/// policies ecsnet writes have none, and one would show here as a principal left over.
/// (https://docs.aws.amazon.com/vpc-lattice/latest/ug/auth-policies.html)
pub fn admitted(policy: &str) -> BTreeSet<String> {
    let policy: serde_json::Value =
        serde_json::from_str(policy).unwrap_or_else(|error| panic!("the auth policy is not JSON ({error}): {policy}"));
    let list = |value: &serde_json::Value| -> Vec<String> {
        match value {
            serde_json::Value::String(one) => vec![one.clone()],
            serde_json::Value::Array(many) => many.iter().filter_map(|one| one.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        }
    };
    let statements = match &policy["Statement"] {
        serde_json::Value::Array(statements) => statements.clone(),
        one => vec![one.clone()],
    };
    let mut admitted = BTreeSet::new();
    for statement in statements.iter().filter(|statement| statement["Effect"] == "Allow") {
        let actions = list(&statement["Action"]);
        if !actions
            .iter()
            .any(|action| ["vpc-lattice-svcs:Invoke", "vpc-lattice-svcs:*", "*"].contains(&action.as_str()))
        {
            continue;
        }
        let principal = &statement["Principal"];
        let arns = if principal.is_string() { list(principal) } else { list(&principal["AWS"]) };
        for arn in arns {
            if arn != "*" {
                admitted.insert(arn);
                continue;
            }
            let mut conditioned = false;
            if let Some(operators) = statement["Condition"].as_object() {
                for keys in operators.values() {
                    for (key, values) in keys.as_object().into_iter().flatten() {
                        match key.to_ascii_lowercase().as_str() {
                            "aws:principalarn" => {
                                admitted.extend(list(values));
                                conditioned = true;
                            }
                            "aws:principalaccount" => {
                                admitted.extend(list(values).into_iter().map(|account| format!("account:{account}")));
                                conditioned = true;
                            }
                            _ => {}
                        }
                    }
                }
            }
            if !conditioned {
                admitted.insert("*".to_string());
            }
        }
    }
    admitted
}

impl Account {
    /// The ECS cluster `cluster` with one awsvpc service per entry, each with a one-container task definition whose
    /// port mapping is named "http" and, when the entry has one, a task role.
    pub async fn ecs_services_with_roles(&self, cluster: &str, network: &Network, services: &[TaskService<'_>]) {
        use aws_sdk_ecs::types::{
            AwsVpcConfiguration, ContainerDefinition, NetworkConfiguration, NetworkMode, PortMapping,
        };
        self.ecs.create_cluster().cluster_name(cluster).send().await.unwrap();
        let subnet_ids = self.subnet_ids(network).await;
        for service in services {
            let container = ContainerDefinition::builder()
                .name(service.name)
                .image("public.ecr.aws/ecs-sample-image/hello-server:node")
                .memory(512)
                .port_mappings(PortMapping::builder().container_port(service.port).name("http").build())
                .build();
            let family = format!("{cluster}-{}", service.name);
            self.ecs
                .register_task_definition()
                .family(&family)
                .network_mode(NetworkMode::Awsvpc)
                .container_definitions(container)
                .set_task_role_arn(service.task_role.clone())
                .send()
                .await
                .unwrap();
            let vpc = AwsVpcConfiguration::builder()
                .set_subnets(Some(subnet_ids.clone()))
                .security_groups(service.group)
                .build()
                .unwrap();
            self.ecs
                .create_service()
                .cluster(cluster)
                .service_name(service.name)
                .task_definition(&family)
                .desired_count(1)
                .network_configuration(NetworkConfiguration::builder().awsvpc_configuration(vpc).build())
                .send()
                .await
                .unwrap();
        }
    }

    /// The ECS service's ARN.
    pub async fn ecs_service_arn(&self, cluster: &str, service: &str) -> String {
        let output = self.ecs.describe_services().cluster(cluster).services(service).send().await.unwrap();
        output.services()[0].service_arn().unwrap().to_string()
    }

    /// The `vpcLatticeConfigurations` of the ECS service's primary deployment, where AWS reports them
    /// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html), as (target group ARN, port
    /// name, role ARN), sorted.
    pub async fn ecs_lattice(&self, cluster: &str, service: &str) -> Vec<(String, String, String)> {
        let output = self.ecs.describe_services().cluster(cluster).services(service).send().await.unwrap();
        let service = &output.services()[0];
        let primary = service
            .deployments()
            .iter()
            .find(|deployment| deployment.status() == Some("PRIMARY"))
            .unwrap_or_else(|| panic!("{:?} has no PRIMARY deployment", service.service_name()));
        let mut configurations: Vec<_> = primary
            .vpc_lattice_configurations()
            .iter()
            .map(|entry| {
                (entry.target_group_arn().to_string(), entry.port_name().to_string(), entry.role_arn().to_string())
            })
            .collect();
        configurations.sort();
        configurations
    }

    /// Sets the ECS service's `vpcLatticeConfigurations` by hand.
    pub async fn set_ecs_lattice(&self, cluster: &str, service: &str, entries: &[(String, String, String)]) {
        let entries = entries
            .iter()
            .map(|(target_group, port_name, role)| {
                aws_sdk_ecs::types::VpcLatticeConfiguration::builder()
                    .target_group_arn(target_group)
                    .port_name(port_name)
                    .role_arn(role)
                    .build()
                    .unwrap()
            })
            .collect();
        self.update_ecs_service(cluster, service, |update| update.set_vpc_lattice_configurations(Some(entries))).await;
    }

    /// The ID of the region's VPC Lattice managed prefix list.
    pub async fn lattice_prefix_list(&self) -> String {
        let filter = Filter::builder().name("prefix-list-name").values(LATTICE_PREFIX_LIST).build();
        let lists = self.ec2.describe_managed_prefix_lists().filters(filter).send().await.unwrap();
        let list =
            lists.prefix_lists().first().unwrap_or_else(|| panic!("no managed prefix list {LATTICE_PREFIX_LIST}"));
        list.prefix_list_id().unwrap().to_string()
    }

    /// The group's ingress rules from the prefix list, as (rule id, protocol, from port, to port).
    pub async fn prefix_list_ingress(&self, group_id: &str, prefix_list: &str) -> Vec<(String, String, i32, i32)> {
        let rules = self.rules_of_group(group_id).await;
        rules
            .iter()
            .filter(|rule| rule.is_egress() == Some(false) && rule.prefix_list_id() == Some(prefix_list))
            .map(|rule| {
                (
                    rule.security_group_rule_id().unwrap().to_string(),
                    rule.ip_protocol().unwrap_or_default().to_string(),
                    rule.from_port().unwrap_or_default(),
                    rule.to_port().unwrap_or_default(),
                )
            })
            .collect()
    }

    /// The group's ingress rules whose source is another security group: those groups' IDs.
    pub async fn group_sources(&self, group_id: &str) -> Vec<String> {
        let rules = self.rules_of_group(group_id).await;
        rules
            .iter()
            .filter(|rule| rule.is_egress() == Some(false))
            .filter_map(|rule| rule.referenced_group_info()?.group_id().map(str::to_string))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::admitted;

    #[test]
    fn admitted_reads_principals_arns_conditions_and_anyone() {
        let roles = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:role/a","arn:aws:iam::2:role/b"]},"Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]}"#;
        assert_eq!(admitted(roles), ["arn:aws:iam::1:role/a", "arn:aws:iam::2:role/b"].map(String::from).into());
        let account = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":["vpc-lattice-svcs:Invoke"],"Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"123456789012"}}}}"#;
        assert_eq!(admitted(account), ["account:123456789012".to_string()].into());
        let anyone = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]}"#;
        assert_eq!(admitted(anyone), ["*".to_string()].into());
        let other_action =
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#;
        assert!(admitted(other_action).is_empty());
    }
}
