//! What ecsnet left in the emulator's account, read back through the AWS SDK: owned resources, records, zones, the
//! lock group.

use super::*;

impl Account {
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
        self.owned_load_balancing(None, topology).await
    }

    /// The same, of the load balancers and target groups in one VPC only: a test's own, which no other test
    /// deletes while it is read (an account-wide read races the other tests' deletes, and an ARN gone between the
    /// listing and DescribeTags fails the whole batch, retried as not yet visible for minutes).
    pub async fn owned_load_balancing_in(&self, vpc_id: &str, topology: &str) -> Vec<String> {
        self.owned_load_balancing(Some(vpc_id), topology).await
    }

    async fn owned_load_balancing(&self, vpc_id: Option<&str>, topology: &str) -> Vec<String> {
        let in_vpc = |vpc: Option<&str>| vpc_id.is_none_or(|wanted| vpc == Some(wanted));
        let elb = &self.elb_reads;
        let mut arns: Vec<String> = Vec::new();
        let balancers = elb.describe_load_balancers().send().await.unwrap();
        for balancer in balancers.load_balancers().iter().filter(|balancer| in_vpc(balancer.vpc_id())) {
            let arn = balancer.load_balancer_arn().unwrap().to_string();
            // Other tests delete their load balancers meanwhile: what is gone is skipped.
            let Ok(listeners) = elb.describe_listeners().load_balancer_arn(&arn).send().await else { continue };
            for listener in listeners.listeners() {
                let Ok(rules) = elb.describe_rules().listener_arn(listener.listener_arn().unwrap()).send().await else {
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
        let groups = elb.describe_target_groups().send().await.unwrap();
        arns.extend(
            groups
                .target_groups()
                .iter()
                .filter(|group| in_vpc(group.vpc_id()))
                .map(|group| group.target_group_arn().unwrap().to_string()),
        );
        let mut owned = Vec::new();
        for chunk in arns.chunks(20) {
            owned.extend(self.tagged_for(chunk, topology).await);
        }
        owned
    }

    /// Which of `arns` carry the topology's tag. A batch naming a resource deleted since the listing fails whole:
    /// its ARNs are then asked one by one, and the gone ones skipped.
    async fn tagged_for(&self, arns: &[String], topology: &str) -> Vec<String> {
        let tagged = |tags: aws_sdk_elasticloadbalancingv2::operation::describe_tags::DescribeTagsOutput| {
            tags.tag_descriptions()
                .iter()
                .filter(|description| {
                    description
                        .tags()
                        .iter()
                        .any(|tag| tag.key() == Some("ecsnet:topology") && tag.value() == Some(topology))
                })
                .map(|description| description.resource_arn().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        if let Ok(tags) = self.elb_reads.describe_tags().set_resource_arns(Some(arns.to_vec())).send().await {
            return tagged(tags);
        }
        let mut owned = Vec::new();
        for arn in arns {
            match self.elb_reads.describe_tags().resource_arns(arn).send().await {
                Ok(tags) => owned.extend(tagged(tags)),
                Err(error) if is_gone(&error) => {}
                Err(error) => panic!("DescribeTags of {arn}: {error:?}"),
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

/// ELBv2's answers for a resource that does not exist (any more).
fn is_gone(error: &impl aws_smithy_types::error::metadata::ProvideErrorMetadata) -> bool {
    let gone = ["LoadBalancerNotFound", "TargetGroupNotFound", "ListenerNotFound", "RuleNotFound"];
    error.code().is_some_and(|code| gone.contains(&code))
}
