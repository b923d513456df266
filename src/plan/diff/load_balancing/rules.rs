//! The services' rules on a listener: one rule per service, its host and path conditions together, at a priority
//! that keeps where it was, avoids rules ecsnet does not own, and puts more specific rules first.

use std::collections::{BTreeMap, BTreeSet};

use crate::live::{Listener, Rule};
use crate::plan::desired::{shard_name, Desired, DesiredService};
use crate::plan::{Action, Address, FieldChange, LoadBalancingOp, Operation, Ref, RuleConditions};

use super::changes::differs;
use super::priorities::{assign, order_by_specificity, PriorityRequest, RuleShape};
use crate::plan::diff::{join, keep_one, Planner, Problem};

/// The listener whose rules are planned.
pub(super) struct RulesOn<'a, 'r> {
    pub shard: u16,
    pub port: u16,
    /// Whether the listener carries the services' rules (a redirect to HTTPS carries none).
    pub carries_rules: bool,
    pub listener: &'r Ref,
    /// The listener as it is, if it exists.
    pub live: Option<&'a Listener>,
}

/// One service's rule: where it goes and what it forwards to.
struct RuleTarget<'r> {
    address: Address,
    priority: u32,
    group: &'r Ref,
    group_name: String,
}

impl<'a> Planner<'a> {
    /// Plans the rules of the services on one listener of a shard, and deletes the owned rules no service wants.
    pub(super) fn rules(
        &mut self,
        desired: &Desired,
        service_shards: &BTreeMap<String, u16>,
        groups: &BTreeMap<Address, Ref>,
        on: RulesOn<'a, '_>,
    ) {
        let (mut owned, foreign) = self.owned_rules(on.live);
        let services: Vec<_> = desired
            .services
            .iter()
            .filter(|service| {
                on.carries_rules
                    && service.listeners.contains(&on.port)
                    && service_shards.get(&service.name) == Some(&on.shard)
            })
            .collect();
        let Some(priorities) = self.priorities(&services, &owned, &foreign, on.port) else { return };
        for (service, priority) in services.iter().zip(priorities) {
            let address = Address::ListenerRule(service.name.clone(), on.port);
            let Some(group) = groups.get(&Address::TargetGroup(service.name.clone())) else { continue };
            let group_name = self.group_name(&Address::TargetGroup(service.name.clone()), desired, group);
            let (kept, duplicates) = keep_one(owned.remove(&address).unwrap_or_default(), |_| true);
            for rule in duplicates {
                self.delete_rule(address.clone(), rule);
            }
            let target = RuleTarget { address, priority, group, group_name };
            match kept {
                None => self.create_rule(desired, service, target, &on),
                Some(rule) => self.update_rule(service, target, rule, &on),
            }
        }
        for (address, rules) in owned {
            for rule in rules {
                self.delete_rule(address.clone(), rule);
            }
        }
    }

    /// The live listener's rules: ecsnet's by address, and the priorities others' hold.
    fn owned_rules(&mut self, live: Option<&'a Listener>) -> (BTreeMap<Address, Vec<&'a Rule>>, BTreeSet<u32>) {
        let mut owned: BTreeMap<Address, Vec<&'a Rule>> = BTreeMap::new();
        let mut foreign = BTreeSet::new();
        for rule in live.map_or(&[][..], |live| &live.rules[..]) {
            match self.owned_address(&rule.tags, &format!("listener rule {}", rule.arn)) {
                Some(address) => owned.entry(address).or_default().push(rule),
                None => {
                    foreign.insert(rule.priority);
                }
            }
        }
        (owned, foreign)
    }

    /// The services' priorities, in order; `None`, with a problem, when one the file sets is held by another's rule.
    fn priorities(
        &mut self,
        services: &[&DesiredService],
        owned: &BTreeMap<Address, Vec<&'a Rule>>,
        foreign: &BTreeSet<u32>,
        port: u16,
    ) -> Option<Vec<u32>> {
        let requests: Vec<PriorityRequest> = services
            .iter()
            .map(|service| PriorityRequest {
                service: &service.name,
                explicit: service.priority,
                existing: owned
                    .get(&Address::ListenerRule(service.name.clone(), port))
                    .and_then(|rules| rules.first())
                    .map(|rule| rule.priority),
            })
            .collect();
        let priorities = match assign(&requests, foreign) {
            Ok(priorities) => priorities,
            Err((service, priority)) => {
                self.problems.push(Problem::at(
                    crate::plan::problem::FileKey::service(&service, "priority"),
                    format!("priority {priority} is held by a rule on listener {port} that ecsnet does not own"),
                    "choose another priority, or leave it out and ecsnet picks a free one",
                ));
                return None;
            }
        };
        let shapes: Vec<RuleShape> = services
            .iter()
            .map(|service| RuleShape {
                hosts: &service.hosts,
                paths: &service.paths,
                explicit: service.priority.is_some(),
            })
            .collect();
        Some(order_by_specificity(&shapes, priorities))
    }

    fn create_rule(&mut self, desired: &Desired, service: &DesiredService, target: RuleTarget, on: &RulesOn) {
        let RuleTarget { address, priority, group, group_name } = target;
        let conditions = RuleConditions { hosts: service.hosts.clone(), paths: service.paths.clone() };
        let mut fields = vec![FieldChange::new("priority", priority)];
        if !conditions.hosts.is_empty() {
            fields.push(FieldChange::new("hosts", join(&conditions.hosts)));
        }
        if !conditions.paths.is_empty() {
            fields.push(FieldChange::new("paths", join(&conditions.paths)));
        }
        fields.push(FieldChange::new("action", format!("forward to {group_name}")));
        if let Some(load_balancer) = &desired.load_balancer {
            fields.push(FieldChange::new("load_balancer", shard_name(&load_balancer.name, on.shard)));
        }
        let operation = Operation::LoadBalancing(LoadBalancingOp::CreateRule {
            listener: on.listener.clone(),
            priority,
            conditions,
            target_group: group.clone(),
        });
        self.push(address, Action::Create, format!("priority {priority}"), fields, operation);
    }

    /// A live rule brought to the service's priority, conditions and target group.
    fn update_rule(&mut self, service: &DesiredService, target: RuleTarget, rule: &Rule, on: &RulesOn) {
        let RuleTarget { address, priority, group, group_name } = target;
        let conditions = RuleConditions { hosts: service.hosts.clone(), paths: service.paths.clone() };
        let mut fields = Vec::new();
        let new_priority = (rule.priority != priority).then(|| {
            fields.push(FieldChange::changed("priority", rule.priority, priority));
            priority
        });
        let new_conditions =
            (!same_values(&rule.hosts, &conditions.hosts) || !same_values(&rule.paths, &conditions.paths)).then(|| {
                if !same_values(&rule.hosts, &conditions.hosts) {
                    fields.push(FieldChange::changed("hosts", join(&rule.hosts), join(&conditions.hosts)));
                }
                if !same_values(&rule.paths, &conditions.paths) {
                    fields.push(FieldChange::changed("paths", join(&rule.paths), join(&conditions.paths)));
                }
                conditions.clone()
            });
        let new_group = differs(group, rule.target_group_arn.as_deref()).then(|| {
            let old =
                rule.target_group_arn.as_deref().map_or("(not a forward)".to_string(), |arn| self.live_group_name(arn));
            fields.push(FieldChange::changed(
                "action",
                format!("forward to {old}"),
                format!("forward to {group_name}"),
            ));
            group.clone()
        });
        if fields.is_empty() {
            return;
        }
        let listener_arn = match on.listener {
            Ref::Known(arn) => arn.clone(),
            Ref::Of(_) => String::new(),
        };
        let operation = Operation::LoadBalancing(LoadBalancingOp::UpdateRule {
            arn: rule.arn.clone(),
            listener: listener_arn,
            priority: new_priority,
            conditions: new_conditions,
            target_group: new_group,
        });
        self.push(address, Action::Update, format!("priority {}", rule.priority), fields, operation);
    }

    fn delete_rule(&mut self, address: Address, rule: &Rule) {
        self.push(
            address,
            Action::Delete,
            format!("priority {}", rule.priority),
            vec![],
            Operation::LoadBalancing(LoadBalancingOp::DeleteRule { arn: rule.arn.clone() }),
        );
    }
}

fn same_values(live: &[String], wanted: &[String]) -> bool {
    let live: BTreeSet<&String> = live.iter().collect();
    let wanted: BTreeSet<&String> = wanted.iter().collect();
    live == wanted
}
