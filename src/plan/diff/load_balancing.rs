//! The load balancer, its target groups, its listener and one host-header rule per service.

use std::collections::{BTreeMap, BTreeSet};

use crate::observed::{Listener, LoadBalancer, TargetGroup};
use crate::plan::desired::Desired;
use crate::plan::{Action, Address, FieldChange, LoadBalancerSpec, Operation, Ref, TargetGroupSpec, KNOWN_AFTER_APPLY};
use crate::topology::HealthCheck;

use super::priorities::{assign, PriorityRequest};
use super::{join, keep_one, Planner, Problem};

pub(super) struct LoadBalancing {
    pub load_balancer: Option<Ref>,
    /// The load balancer's DNS name, when it stays; `None` while it is still to be created.
    pub dns_name: Option<String>,
    /// How to refer to each wanted target group.
    pub target_groups: BTreeMap<Address, Ref>,
}

impl<'a> Planner<'a> {
    pub(super) fn load_balancing(&mut self, desired: &Desired, security_group: Option<&Ref>) -> LoadBalancing {
        let mut wanted_groups: BTreeMap<Address, &TargetGroupSpec> = BTreeMap::new();
        if let Some(spec) = &desired.default_target_group {
            wanted_groups.insert(Address::DefaultTargetGroup, spec);
        }
        for service in &desired.services {
            wanted_groups.insert(Address::TargetGroup(service.name.clone()), &service.target_group);
        }
        let observed = self.observed;
        let mut owned_groups: BTreeMap<Address, Vec<&TargetGroup>> = BTreeMap::new();
        for group in &observed.target_groups {
            if let Some(address) = self.owned_address(&group.tags, &format!("target group {}", group.name)) {
                owned_groups.entry(address).or_default().push(group);
            }
        }
        let addresses: BTreeSet<Address> = wanted_groups.keys().chain(owned_groups.keys()).cloned().collect();
        let mut group_refs = BTreeMap::new();
        for address in addresses {
            let owned = owned_groups.remove(&address).unwrap_or_default();
            if let Some(reference) = self.target_group(address.clone(), wanted_groups.get(&address).copied(), owned) {
                group_refs.insert(address, reference);
            }
        }
        let (load_balancer, kept) = self.load_balancer(desired, security_group);
        if let Some(load_balancer) = &load_balancer {
            self.listener_and_rules(desired, load_balancer, kept, &group_refs);
        }
        LoadBalancing { load_balancer, dns_name: kept.map(|kept| kept.dns_name.clone()), target_groups: group_refs }
    }

    fn target_group(&mut self, address: Address, wanted: Option<&TargetGroupSpec>, owned: Vec<&TargetGroup>) -> Option<Ref> {
        let (kept, duplicates) = keep_one(owned, |group| wanted.is_some_and(|wanted| group.name == wanted.name));
        for group in duplicates {
            self.push(address.clone(), Action::Delete, &group.name, vec![], Operation::DeleteTargetGroup { arn: group.arn.clone() });
        }
        match (wanted, kept) {
            (Some(wanted), None) => {
                self.check_target_group_name_free(wanted);
                self.push(address.clone(), Action::Create, &wanted.name, target_group_fields(wanted), Operation::CreateTargetGroup(wanted.clone()));
                Some(Ref::Of(address))
            }
            (Some(wanted), Some(group)) => {
                let immutable = [
                    ("port", group.port.to_string(), wanted.port.to_string()),
                    ("protocol", group.protocol.clone(), wanted.protocol.clone()),
                    ("target_type", group.target_type.clone(), wanted.target_type.clone()),
                    ("vpc", group.vpc_id.clone(), wanted.vpc_id.clone()),
                ];
                let changed: Vec<FieldChange> = immutable.iter().filter(|(_, old, new)| old != new).map(|(field, old, new)| FieldChange::changed(field, old, new)).collect();
                if !changed.is_empty() {
                    self.check_target_group_name_free(wanted);
                    let reason = format!("{} cannot change in place", join(changed.iter().map(|field| field.field.as_str())));
                    let mut fields = vec![FieldChange::changed("name", &group.name, &wanted.name)];
                    fields.extend(changed);
                    let operation = Operation::ReplaceTargetGroup { old_arn: group.arn.clone(), spec: wanted.clone() };
                    self.push_replace(address.clone(), &wanted.name, fields, reason, operation);
                    return Some(Ref::Of(address));
                }
                let fields = health_check_changes(&group.health_check, &wanted.health_check);
                if !fields.is_empty() {
                    let operation = Operation::UpdateHealthCheck { arn: group.arn.clone(), health_check: wanted.health_check.clone() };
                    self.push(address, Action::Update, &group.name, fields, operation);
                }
                Some(Ref::Known(group.arn.clone()))
            }
            (None, Some(group)) => {
                self.push(address, Action::Delete, &group.name, vec![], Operation::DeleteTargetGroup { arn: group.arn.clone() });
                None
            }
            (None, None) => None,
        }
    }

    fn check_target_group_name_free(&mut self, wanted: &TargetGroupSpec) {
        let topology = self.topology;
        if let Some(taken) = self.observed.target_groups.iter().find(|group| group.name == wanted.name && !crate::observed::owned_by(&group.tags, topology)) {
            self.problems.push(Problem::new(
                format!("target group name \"{}\" is taken by {}, which ecsnet topology {topology} does not own", wanted.name, taken.arn),
                "delete or rename that target group, or rename the service or topology",
            ));
        }
    }

    /// Plans the load balancer; returns how to refer to it and the live one that stays, if any.
    fn load_balancer(&mut self, desired: &Desired, security_group: Option<&Ref>) -> (Option<Ref>, Option<&'a LoadBalancer>) {
        let address = Address::LoadBalancer;
        let observed = self.observed;
        let mut owned = Vec::new();
        for load_balancer in &observed.load_balancers {
            if self.owned_address(&load_balancer.tags, &format!("load balancer {}", load_balancer.name)) == Some(address.clone()) {
                owned.push(load_balancer);
            }
        }
        let wanted = desired.load_balancer.as_ref();
        let (kept, duplicates) = keep_one(owned, |load_balancer| wanted.is_some_and(|wanted| load_balancer.name == wanted.name));
        for load_balancer in duplicates {
            self.delete_load_balancer(load_balancer);
        }
        let (Some(wanted), Some(security_group)) = (wanted, security_group) else {
            if let Some(load_balancer) = kept {
                self.delete_load_balancer(load_balancer);
            }
            return (None, None);
        };
        let spec = LoadBalancerSpec {
            name: wanted.name.clone(),
            scheme: wanted.scheme.clone(),
            subnet_ids: wanted.subnet_ids.clone(),
            security_group: security_group.clone(),
        };
        let group_text = match security_group {
            Ref::Known(id) => id.clone(),
            Ref::Of(address) => address.to_string(),
        };
        match kept {
            None => {
                self.check_load_balancer_name_free(&wanted.name);
                let fields = vec![
                    FieldChange::new("name", &wanted.name),
                    FieldChange::new("scheme", &wanted.scheme),
                    FieldChange::new("subnets", join(&wanted.subnet_ids)),
                    FieldChange::new("security_groups", group_text),
                    FieldChange::new("dns_name", KNOWN_AFTER_APPLY),
                ];
                self.push(address.clone(), Action::Create, &wanted.name, fields, Operation::CreateLoadBalancer(spec));
                (Some(Ref::Of(address)), None)
            }
            Some(live) if live.name != wanted.name || live.scheme != wanted.scheme => {
                let mut fields = Vec::new();
                if live.name != wanted.name {
                    self.check_load_balancer_name_free(&wanted.name);
                    fields.push(FieldChange::changed("name", &live.name, &wanted.name));
                }
                if live.scheme != wanted.scheme {
                    fields.push(FieldChange::changed("scheme", &live.scheme, &wanted.scheme));
                }
                fields.push(FieldChange::changed("dns_name", &live.dns_name, KNOWN_AFTER_APPLY));
                let reason = format!("{} cannot change in place", join(fields.iter().filter(|field| field.field != "dns_name").map(|field| field.field.as_str())));
                self.push_replace(address.clone(), &wanted.name, fields, reason, Operation::ReplaceLoadBalancer { old_arn: live.arn.clone(), spec });
                (Some(Ref::Of(address)), None)
            }
            Some(live) => {
                let mut live_subnets = live.subnet_ids.clone();
                live_subnets.sort();
                let mut fields = Vec::new();
                let subnet_ids = (live_subnets != wanted.subnet_ids).then(|| {
                    fields.push(FieldChange::changed("subnets", join(&live_subnets), join(&wanted.subnet_ids)));
                    wanted.subnet_ids.clone()
                });
                let groups_match = matches!(security_group, Ref::Known(id) if live.security_group_ids == [id.clone()]);
                let security_groups = (!groups_match).then(|| {
                    fields.push(FieldChange::changed("security_groups", join(&live.security_group_ids), &group_text));
                    vec![security_group.clone()]
                });
                if !fields.is_empty() {
                    self.push(address, Action::Update, &live.name, fields, Operation::UpdateLoadBalancer { arn: live.arn.clone(), subnet_ids, security_groups });
                }
                (Some(Ref::Known(live.arn.clone())), Some(live))
            }
        }
    }

    fn check_load_balancer_name_free(&mut self, name: &str) {
        let topology = self.topology;
        if let Some(taken) = self.observed.load_balancers.iter().find(|load_balancer| load_balancer.name == name && !crate::observed::owned_by(&load_balancer.tags, topology)) {
            self.problems.push(Problem::new(
                format!("load balancer name \"{name}\" is taken by {}, which ecsnet topology {topology} does not own", taken.arn),
                "set load_balancer.name to a free name",
            ));
        }
    }

    /// Deletes a load balancer; its listeners and rules go with it, and the plan shows them going.
    fn delete_load_balancer(&mut self, load_balancer: &LoadBalancer) {
        self.push(Address::LoadBalancer, Action::Delete, &load_balancer.name, vec![], Operation::DeleteLoadBalancer { arn: load_balancer.arn.clone() });
        for listener in &load_balancer.listeners {
            if let Some(address) = self.owned_address(&listener.tags, &format!("listener {}", listener.arn)) {
                self.push(address, Action::Delete, format!("port {}", listener.port), vec![], Operation::RemovedWithParent);
            }
            self.rules_removed_with(listener);
        }
    }

    fn rules_removed_with(&mut self, listener: &Listener) {
        for rule in &listener.rules {
            if let Some(address) = self.owned_address(&rule.tags, &format!("listener rule {}", rule.arn)) {
                self.push(address, Action::Delete, format!("priority {}", rule.priority), vec![], Operation::RemovedWithParent);
            }
        }
    }

    fn listener_and_rules(&mut self, desired: &Desired, load_balancer: &Ref, live: Option<&'a LoadBalancer>, groups: &BTreeMap<Address, Ref>) {
        let Some(wanted) = &desired.load_balancer else { return };
        let Some(default_group) = groups.get(&Address::DefaultTargetGroup) else { return };
        let address = Address::Listener(wanted.listener_port);
        let mut owned = Vec::new();
        for listener in live.map_or(&[][..], |live| &live.listeners[..]) {
            match self.owned_address(&listener.tags, &format!("listener {}", listener.arn)) {
                Some(owned_address) if owned_address == address => owned.push(listener),
                Some(other) => {
                    self.push(other, Action::Delete, format!("port {}", listener.port), vec![], Operation::DeleteListener { arn: listener.arn.clone() });
                    self.rules_removed_with(listener);
                }
                None if listener.port == i32::from(wanted.listener_port) => self.problems.push(Problem::new(
                    format!("the load balancer already has a listener on port {} that ecsnet does not own ({})", listener.port, listener.arn),
                    "delete that listener, or set [listener] port to another port",
                )),
                None => {}
            }
        }
        let (kept, duplicates) = keep_one(owned, |_| true);
        for listener in duplicates {
            self.push(address.clone(), Action::Delete, format!("port {}", listener.port), vec![], Operation::DeleteListener { arn: listener.arn.clone() });
            self.rules_removed_with(listener);
        }
        let default_name = self.group_name(&Address::DefaultTargetGroup, desired, default_group);
        let listener_ref = match kept {
            None => {
                let fields = vec![
                    FieldChange::new("port", wanted.listener_port),
                    FieldChange::new("protocol", "HTTP"),
                    FieldChange::new("default_action", format!("forward to {default_name}")),
                ];
                let operation = Operation::CreateListener { load_balancer: load_balancer.clone(), port: wanted.listener_port, default_target_group: default_group.clone() };
                self.push(address.clone(), Action::Create, format!("port {}", wanted.listener_port), fields, operation);
                Ref::Of(address)
            }
            Some(listener) => {
                if differs(default_group, listener.default_target_group_arn.as_deref()) {
                    let old = listener.default_target_group_arn.as_deref().map_or("(not a forward)".to_string(), |arn| self.live_group_name(arn));
                    let fields = vec![FieldChange::changed("default_action", format!("forward to {old}"), format!("forward to {default_name}"))];
                    let operation = Operation::UpdateListenerDefault { arn: listener.arn.clone(), default_target_group: default_group.clone() };
                    self.push(address, Action::Update, format!("port {}", listener.port), fields, operation);
                }
                Ref::Known(listener.arn.clone())
            }
        };
        self.rules(desired, &listener_ref, kept, groups);
    }

    fn rules(&mut self, desired: &Desired, listener_ref: &Ref, live: Option<&'a Listener>, groups: &BTreeMap<Address, Ref>) {
        let mut owned: BTreeMap<Address, Vec<&crate::observed::Rule>> = BTreeMap::new();
        let mut foreign = BTreeSet::new();
        for rule in live.map_or(&[][..], |live| &live.rules[..]) {
            match self.owned_address(&rule.tags, &format!("listener rule {}", rule.arn)) {
                Some(address) => owned.entry(address).or_default().push(rule),
                None => {
                    foreign.insert(rule.priority);
                }
            }
        }
        let requests: Vec<PriorityRequest> = desired
            .services
            .iter()
            .map(|service| PriorityRequest {
                service: &service.name,
                explicit: service.priority,
                existing: owned.get(&Address::ListenerRule(service.name.clone())).and_then(|rules| rules.first()).map(|rule| rule.priority),
            })
            .collect();
        let priorities = match assign(&requests, &foreign) {
            Ok(priorities) => priorities,
            Err((service, priority)) => {
                self.problems.push(Problem::new(
                    format!("priority {priority} of service \"{service}\" is held by a listener rule ecsnet does not own"),
                    "choose another priority, or leave it out and ecsnet picks a free one",
                ));
                return;
            }
        };
        for (service, priority) in desired.services.iter().zip(priorities) {
            let address = Address::ListenerRule(service.name.clone());
            let Some(group) = groups.get(&Address::TargetGroup(service.name.clone())) else { continue };
            let group_name = self.group_name(&Address::TargetGroup(service.name.clone()), desired, group);
            let (kept, duplicates) = keep_one(owned.remove(&address).unwrap_or_default(), |_| true);
            for rule in duplicates {
                self.push(address.clone(), Action::Delete, format!("priority {}", rule.priority), vec![], Operation::DeleteRule { arn: rule.arn.clone() });
            }
            let hosts = vec![service.host.clone()];
            match kept {
                None => {
                    let fields = vec![
                        FieldChange::new("priority", priority),
                        FieldChange::new("host", &service.host),
                        FieldChange::new("action", format!("forward to {group_name}")),
                    ];
                    let operation = Operation::CreateRule { listener: listener_ref.clone(), priority, hosts, target_group: group.clone() };
                    self.push(address, Action::Create, format!("priority {priority}"), fields, operation);
                }
                Some(rule) => {
                    let mut fields = Vec::new();
                    let new_priority = (rule.priority != priority).then(|| {
                        fields.push(FieldChange::changed("priority", rule.priority, priority));
                        priority
                    });
                    let new_hosts = (rule.hosts != hosts).then(|| {
                        fields.push(FieldChange::changed("host", join(&rule.hosts), &service.host));
                        hosts
                    });
                    let new_group = differs(group, rule.target_group_arn.as_deref()).then(|| {
                        let old = rule.target_group_arn.as_deref().map_or("(not a forward)".to_string(), |arn| self.live_group_name(arn));
                        fields.push(FieldChange::changed("action", format!("forward to {old}"), format!("forward to {group_name}")));
                        group.clone()
                    });
                    if !fields.is_empty() {
                        let operation = Operation::UpdateRule { arn: rule.arn.clone(), priority: new_priority, hosts: new_hosts, target_group: new_group };
                        self.push(address, Action::Update, format!("priority {}", rule.priority), fields, operation);
                    }
                }
            }
        }
        for (address, rules) in owned {
            for rule in rules {
                self.push(address.clone(), Action::Delete, format!("priority {}", rule.priority), vec![], Operation::DeleteRule { arn: rule.arn.clone() });
            }
        }
    }

    /// A target group's name as the plan shows it: the live one's, or the one it will be created with.
    fn group_name(&self, address: &Address, desired: &Desired, reference: &Ref) -> String {
        match reference {
            Ref::Known(arn) => self.live_group_name(arn),
            Ref::Of(_) => match address {
                Address::DefaultTargetGroup => desired.default_target_group.as_ref().map(|spec| spec.name.clone()),
                Address::TargetGroup(service) => desired.services.iter().find(|wanted| wanted.name == *service).map(|wanted| wanted.target_group.name.clone()),
                _ => None,
            }
            .unwrap_or_else(|| address.to_string()),
        }
    }

    fn live_group_name(&self, arn: &str) -> String {
        self.observed.target_groups.iter().find(|group| group.arn == arn).map_or_else(|| arn.to_string(), |group| group.name.clone())
    }
}

/// Whether a live ARN differs from the wanted reference; a resource still to be created always differs.
fn differs(wanted: &Ref, live: Option<&str>) -> bool {
    match wanted {
        Ref::Known(arn) => Some(arn.as_str()) != live,
        Ref::Of(_) => true,
    }
}

fn target_group_fields(spec: &TargetGroupSpec) -> Vec<FieldChange> {
    let mut fields = vec![
        FieldChange::new("name", &spec.name),
        FieldChange::new("port", spec.port),
        FieldChange::new("protocol", &spec.protocol),
        FieldChange::new("target_type", &spec.target_type),
    ];
    fields.extend(health_check_changes(&HealthCheck { path: String::new(), interval: 0, timeout: 0, healthy_threshold: 0, unhealthy_threshold: 0, matcher: String::new() }, &spec.health_check).into_iter().map(|field| FieldChange { old: None, ..field }));
    fields
}

fn health_check_changes(old: &HealthCheck, new: &HealthCheck) -> Vec<FieldChange> {
    let pairs = [
        ("health_check.path", old.path.clone(), new.path.clone()),
        ("health_check.interval", old.interval.to_string(), new.interval.to_string()),
        ("health_check.timeout", old.timeout.to_string(), new.timeout.to_string()),
        ("health_check.healthy_threshold", old.healthy_threshold.to_string(), new.healthy_threshold.to_string()),
        ("health_check.unhealthy_threshold", old.unhealthy_threshold.to_string(), new.unhealthy_threshold.to_string()),
        ("health_check.matcher", old.matcher.clone(), new.matcher.clone()),
    ];
    pairs.into_iter().filter(|(_, old, new)| old != new).map(|(field, old, new)| FieldChange::changed(field, old, new)).collect()
}
