//! What the tests do and read in the account without ecsnet, through the SDK: a user's own resources made and
//! changed by hand, and read-backs of what ecsnet made.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{Filter, SecurityGroupRule};
use aws_sdk_ecs::operation::update_service::builders::UpdateServiceFluentBuilder;
use aws_sdk_elasticloadbalancingv2::types::{Listener, ProtocolEnum};

use super::{Account, Network};

impl Account {
    /// The ECS cluster `{name}-{cluster}` with one service per (service, port), each with a security group of its
    /// own named `{name}-{service}`; the cluster's name and the groups' IDs, in the services' order.
    pub async fn services_with_own_groups(
        &self,
        network: &Network,
        name: &str,
        cluster: &str,
        services: &[(&str, i32)],
    ) -> (String, Vec<String>) {
        let mut groups = Vec::new();
        for (service, _) in services {
            groups.push(self.security_group(network, &format!("{name}-{service}")).await);
        }
        let cluster = format!("{name}-{cluster}");
        let with_groups: Vec<(&str, i32, &str)> =
            services.iter().zip(&groups).map(|((service, port), group)| (*service, *port, group.as_str())).collect();
        self.ecs_services(&cluster, network, &with_groups).await;
        (cluster, groups)
    }

    /// Changes an ECS service by hand, as `change` sets its update.
    pub async fn update_ecs_service(
        &self,
        cluster: &str,
        service: &str,
        change: impl FnOnce(UpdateServiceFluentBuilder) -> UpdateServiceFluentBuilder,
    ) {
        change(self.ecs.update_service().cluster(cluster).service(service)).send().await.unwrap();
    }

    /// `ecs_wiring` of each of the services, in order.
    pub async fn ecs_wirings(&self, cluster: &str, services: &[&str]) -> Vec<String> {
        let mut wirings = Vec::new();
        for service in services {
            wirings.push(self.ecs_wiring(cluster, service).await);
        }
        wirings
    }

    /// A target group made by hand (HTTP, port 80) in the VPC; its ARN.
    pub async fn target_group(&self, name: &str, vpc_id: &str) -> String {
        let created = self
            .elb
            .create_target_group()
            .name(name)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .vpc_id(vpc_id)
            .send()
            .await
            .unwrap();
        created.target_groups()[0].target_group_arn().unwrap().to_string()
    }

    pub async fn delete_target_group(&self, arn: &str) {
        self.elb.delete_target_group().target_group_arn(arn).send().await.unwrap();
    }

    /// The ARN of the first target group whose name starts with `prefix` (ecsnet's are `{topology}-{service}-…`).
    pub async fn target_group_arn_starting_with(&self, prefix: &str) -> String {
        let groups = self.elb.describe_target_groups().send().await.unwrap();
        let group = groups
            .target_groups()
            .iter()
            .find(|group| group.target_group_name().unwrap().starts_with(prefix))
            .unwrap_or_else(|| panic!("no target group named {prefix}…"));
        group.target_group_arn().unwrap().to_string()
    }

    /// A target group's attributes, key → value.
    pub async fn target_group_attributes(&self, arn: &str) -> BTreeMap<String, String> {
        let output = self.elb.describe_target_group_attributes().target_group_arn(arn).send().await.unwrap();
        key_values(output.attributes().iter().map(|attribute| (attribute.key(), attribute.value())))
    }

    /// A load balancer's attributes, key → value.
    pub async fn load_balancer_attributes(&self, arn: &str) -> BTreeMap<String, String> {
        let output = self.elb.describe_load_balancer_attributes().load_balancer_arn(arn).send().await.unwrap();
        key_values(output.attributes().iter().map(|attribute| (attribute.key(), attribute.value())))
    }

    /// The listener of the load balancer on `port`.
    pub async fn listener_on(&self, balancer_arn: &str, port: i32) -> Listener {
        let listeners = self.elb.describe_listeners().load_balancer_arn(balancer_arn).send().await.unwrap();
        let listener = listeners.listeners().iter().find(|listener| listener.port() == Some(port));
        listener.unwrap_or_else(|| panic!("no listener on {port}")).clone()
    }

    /// The security group rules of one group.
    pub async fn rules_of_group(&self, group_id: &str) -> Vec<SecurityGroupRule> {
        let filter = Filter::builder().name("group-id").values(group_id).build();
        let rules = self.ec2.describe_security_group_rules().filters(filter).send().await.unwrap();
        rules.security_group_rules().to_vec()
    }

    /// IDs of the rules of `group_id` that ecsnet tagged with `address`.
    pub async fn rule_ids_at(&self, address: &str, group_id: &str) -> Vec<String> {
        let filter = Filter::builder().name("tag:ecsnet:address").values(address).build();
        let rules = self.ec2.describe_security_group_rules().filters(filter).send().await.unwrap();
        rules
            .security_group_rules()
            .iter()
            .filter(|rule| rule.group_id() == Some(group_id))
            .map(|rule| rule.security_group_rule_id().unwrap().to_string())
            .collect()
    }

    /// Revokes ingress rules by hand.
    pub async fn revoke_ingress(&self, group_id: &str, rule_ids: Vec<String>) {
        let revoke = self.ec2.revoke_security_group_ingress().group_id(group_id);
        revoke.set_security_group_rule_ids(Some(rule_ids)).send().await.unwrap();
    }

    /// The ID of the hosted zone named `zone`.
    pub async fn zone_id_named(&self, zone: &str) -> String {
        let zones = self.route53.list_hosted_zones_by_name().dns_name(zone).send().await.unwrap();
        zones.hosted_zones()[0].id().trim_start_matches("/hostedzone/").to_string()
    }

    /// Names of the zone's alias records.
    pub async fn alias_names(&self, zone_id: &str) -> Vec<String> {
        let records = self.route53.list_resource_record_sets().hosted_zone_id(zone_id).send().await.unwrap();
        records
            .resource_record_sets()
            .iter()
            .filter(|set| set.alias_target().is_some())
            .map(|set| set.name().trim_end_matches('.').to_string())
            .collect()
    }

    /// No load balancing resource tagged for `topology` stands.
    pub async fn expect_no_load_balancing(&self, topology: &str) {
        assert_eq!(self.owned_load_balancing_resources(topology).await, Vec::<String>::new());
    }

    /// Nothing tagged for `topology` stands: no load balancing resource, security group or rule.
    pub async fn expect_nothing_owned(&self, topology: &str) {
        self.expect_no_load_balancing(topology).await;
        assert_eq!(self.owned_security_resources(topology).await, Vec::<String>::new());
    }
}

/// Attributes as key → value, those without either left out.
fn key_values<'a>(attributes: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>) -> BTreeMap<String, String> {
    attributes.filter_map(|(key, value)| Some((key?.to_string(), value?.to_string()))).collect()
}
