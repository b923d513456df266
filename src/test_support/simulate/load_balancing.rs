//! Load balancers and target groups, as Elastic Load Balancing and the executor leave them.

use crate::live::{LoadBalancer, TargetGroup};
use crate::plan::ownership::{attributes_tag_value, ATTRIBUTES_TAG};
use crate::plan::{Address, LoadBalancerSpec, LoadBalancingOp, ManagedAttributes, Ref, TargetGroupSpec};

use super::set_managed;

use super::Account;
use crate::topology::AwsName as _;

impl Account<'_> {
    /// A load balancer, target group, listener or rule operation.
    pub(super) fn load_balancing(&mut self, address: &Address, operation: &LoadBalancingOp) {
        match operation {
            LoadBalancingOp::CreateLoadBalancer(spec) | LoadBalancingOp::ReplaceLoadBalancer { spec, .. } => {
                self.create_load_balancer(address, spec)
            }
            LoadBalancingOp::UpdateLoadBalancer { arn, subnet_ids, security_groups, idle_timeout, managed } => {
                self.update_load_balancer(arn, subnet_ids, security_groups, *idle_timeout, managed.as_ref())
            }
            LoadBalancingOp::DeleteLoadBalancer { arn } => self.state.load_balancers.retain(|live| live.arn != *arn),
            LoadBalancingOp::CreateTargetGroup(spec) | LoadBalancingOp::ReplaceTargetGroup { spec, .. } => {
                self.create_target_group(address, spec)
            }
            LoadBalancingOp::UpdateTargetGroup { arn, health_check, attributes, managed } => {
                let group = self.target_group(arn);
                if let Some(health_check) = health_check {
                    group.health_check = health_check.clone();
                }
                if let Some(attributes) = attributes {
                    group.attributes = Some(attributes.clone());
                }
                set_managed(&mut group.tags, managed.as_ref());
            }
            LoadBalancingOp::DeleteTargetGroup { arn } => self.state.target_groups.retain(|group| group.arn != *arn),
            LoadBalancingOp::CreateListener { load_balancer, spec } => {
                self.create_listener(address, load_balancer, spec)
            }
            LoadBalancingOp::UpdateListener { arn, spec, .. } => self.update_listener(arn, spec),
            LoadBalancingOp::DeleteListener { arn } => self.delete_listener(arn),
            LoadBalancingOp::CreateRule { listener, priority, conditions, target_group } => {
                self.create_rule(address, listener, *priority, conditions, target_group)
            }
            LoadBalancingOp::UpdateRule { arn, priority, conditions, target_group, .. } => {
                self.update_rule(arn, *priority, conditions.as_ref(), target_group.as_ref())
            }
            LoadBalancingOp::DeleteRule { arn } => self.delete_rule(arn),
        }
    }

    fn update_load_balancer(
        &mut self,
        arn: &str,
        subnet_ids: &Option<Vec<String>>,
        security_groups: &Option<Vec<Ref>>,
        idle_timeout: Option<i64>,
        managed: Option<&ManagedAttributes>,
    ) {
        let security_groups =
            security_groups.as_ref().map(|groups| groups.iter().map(|group| self.resolve(group)).collect());
        let load_balancer = self.load_balancer(arn);
        if let Some(subnet_ids) = subnet_ids {
            load_balancer.subnet_ids = subnet_ids.clone();
        }
        if let Some(security_groups) = security_groups {
            load_balancer.security_group_ids = security_groups;
        }
        if idle_timeout.is_some() {
            load_balancer.idle_timeout = idle_timeout;
        }
        set_managed(&mut load_balancer.tags, managed);
    }

    pub(super) fn create_load_balancer(&mut self, address: &Address, spec: &LoadBalancerSpec) {
        let arn = self.new_id("arn:loadbalancer", address);
        let mut tags = self.ownership(address);
        if spec.idle_timeout.is_some() {
            tags.insert(ATTRIBUTES_TAG.into(), "idle_timeout".into());
        }
        let security_group = self.resolve(&spec.security_group);
        self.state.load_balancers.push(LoadBalancer {
            arn: arn.clone(),
            name: spec.name.clone(),
            scheme: spec.scheme.as_aws().into(),
            dns_name: format!("{}.sim.elb.amazonaws.com", spec.name),
            canonical_zone_id: "ZSIMELB".into(),
            idle_timeout: spec.idle_timeout,
            subnet_ids: spec.subnet_ids.clone(),
            security_group_ids: vec![security_group],
            tags,
            listeners: vec![],
        });
        self.created.insert(address.clone(), arn);
    }

    pub(super) fn create_target_group(&mut self, address: &Address, spec: &TargetGroupSpec) {
        let arn = self.new_id("arn:targetgroup", address);
        let mut tags = self.ownership(address);
        let names: Vec<String> = spec.attributes.names().into_iter().map(str::to_string).collect();
        if !names.is_empty() {
            tags.insert(ATTRIBUTES_TAG.into(), attributes_tag_value(&names));
        }
        self.state.target_groups.push(TargetGroup {
            arn: arn.clone(),
            name: spec.name.clone(),
            port: spec.port.into(),
            protocol: spec.protocol.as_aws().into(),
            target_type: spec.target_type.as_aws().into(),
            vpc_id: spec.vpc_id.clone(),
            health_check: spec.health_check.clone(),
            attributes: (!spec.attributes.is_empty()).then(|| spec.attributes.clone()),
            tags,
        });
        self.created.insert(address.clone(), arn);
    }

    pub(super) fn load_balancer(&mut self, arn: &str) -> &mut LoadBalancer {
        self.state
            .load_balancers
            .iter_mut()
            .find(|live| live.arn == arn)
            .unwrap_or_else(|| panic!("no load balancer {arn}"))
    }

    pub(super) fn target_group(&mut self, arn: &str) -> &mut TargetGroup {
        self.state
            .target_groups
            .iter_mut()
            .find(|group| group.arn == arn)
            .unwrap_or_else(|| panic!("no target group {arn}"))
    }
}
