//! Listeners and their rules, as Elastic Load Balancing and the executor leave them.

use crate::live::{Listener, ListenerDefault, Rule};
use crate::plan::{Address, DefaultSpec, ListenerSpec, Ref, RuleConditions};

use super::Account;
use crate::live::RedirectPort;
use crate::topology::AwsName as _;

impl Account<'_> {
    pub(super) fn update_listener(&mut self, arn: &str, spec: &ListenerSpec) {
        let default = self.listener_default(spec);
        let listener = self.listener(arn);
        listener.protocol = spec.protocol.as_aws().into();
        listener.certificate_arn = spec.certificate_arn.clone();
        listener.ssl_policy = spec.ssl_policy.clone();
        listener.default = default;
    }

    pub(super) fn delete_listener(&mut self, arn: &str) {
        self.state.load_balancers.iter_mut().for_each(|live| live.listeners.retain(|listener| listener.arn != *arn))
    }

    pub(super) fn create_rule(
        &mut self,
        address: &Address,
        listener: &Ref,
        priority: u32,
        conditions: &RuleConditions,
        target_group: &Ref,
    ) {
        let rule = Rule {
            arn: self.new_id("arn:rule", address),
            priority,
            hosts: conditions.hosts.iter().map(|host| host.to_ascii_lowercase()).collect(),
            paths: conditions.paths.clone(),
            target_group_arn: Some(self.resolve(target_group)),
            tags: self.ownership(address),
        };
        let listener = self.resolve(listener);
        self.listener(&listener).rules.push(rule);
    }

    pub(super) fn update_rule(
        &mut self,
        arn: &str,
        priority: Option<u32>,
        conditions: Option<&RuleConditions>,
        target_group: Option<&Ref>,
    ) {
        let target_group = target_group.map(|group| self.resolve(group));
        let rule = self.rule(arn);
        if let Some(priority) = priority {
            rule.priority = priority;
        }
        if let Some(conditions) = conditions {
            rule.hosts = conditions.hosts.iter().map(|host| host.to_ascii_lowercase()).collect();
            rule.paths = conditions.paths.clone();
        }
        if target_group.is_some() {
            rule.target_group_arn = target_group;
        }
    }

    pub(super) fn delete_rule(&mut self, arn: &str) {
        self.state
            .load_balancers
            .iter_mut()
            .flat_map(|live| live.listeners.iter_mut())
            .for_each(|listener| listener.rules.retain(|rule| rule.arn != *arn))
    }

    pub(super) fn create_listener(&mut self, address: &Address, load_balancer: &Ref, spec: &ListenerSpec) {
        let arn = self.new_id("arn:listener", address);
        let listener = Listener {
            arn: arn.clone(),
            port: spec.port.into(),
            protocol: spec.protocol.as_aws().into(),
            certificate_arn: spec.certificate_arn.clone(),
            ssl_policy: spec.ssl_policy.clone(),
            default: self.listener_default(spec),
            tags: self.ownership(address),
            rules: vec![],
        };
        let load_balancer = self.resolve(load_balancer);
        self.load_balancer(&load_balancer).listeners.push(listener);
        self.created.insert(address.clone(), arn);
    }

    pub(super) fn listener_default(&self, spec: &ListenerSpec) -> ListenerDefault {
        match &spec.default {
            DefaultSpec::Forward(group) => ListenerDefault::Forward(self.resolve(group)),
            DefaultSpec::FixedResponse { status, body, content_type } => ListenerDefault::FixedResponse {
                status: *status,
                body: body.clone(),
                content_type: content_type.clone(),
            },
            DefaultSpec::Redirect { port } => ListenerDefault::Redirect {
                port: RedirectPort(Some(*port)),
                protocol: "HTTPS".into(),
                status: "HTTP_301".into(),
            },
        }
    }

    pub(super) fn listener(&mut self, arn: &str) -> &mut Listener {
        self.state
            .load_balancers
            .iter_mut()
            .flat_map(|live| live.listeners.iter_mut())
            .find(|listener| listener.arn == arn)
            .unwrap_or_else(|| panic!("no listener {arn}"))
    }

    pub(super) fn rule(&mut self, arn: &str) -> &mut Rule {
        self.state
            .load_balancers
            .iter_mut()
            .flat_map(|live| live.listeners.iter_mut())
            .flat_map(|listener| listener.rules.iter_mut())
            .find(|rule| rule.arn == arn)
            .unwrap_or_else(|| panic!("no rule {arn}"))
    }
}
