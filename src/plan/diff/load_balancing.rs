//! The load balancer and its target groups (listeners and rules are in `listeners.rs`).

use std::collections::{BTreeMap, BTreeSet};

use crate::observed::{Listener, LoadBalancer, TargetGroup};
use crate::plan::desired::Desired;
use crate::plan::{Action, Address, FieldChange, LoadBalancerSpec, Operation, Ref, TargetGroupSpec, KNOWN_AFTER_APPLY};
use crate::topology::{bounded_name, HealthCheck, TargetGroupAttributes};

use super::{join, keep_one, Planner, Problem};

pub(super) struct LoadBalancing {
    pub load_balancer: Option<Ref>,
    /// The load balancer's DNS name and canonical hosted zone, when it stays; `None` while it is to be created.
    pub dns_name: Option<(String, String)>,
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
        let (live_load_balancer, duplicates) = self.owned_load_balancer(desired);
        // A target group serves one load balancer: a new load balancer needs new target groups.
        let moving = live_load_balancer.is_some_and(|live| desired.load_balancer.as_ref().is_some_and(|wanted| needs_replace(live, wanted)));
        let addresses: BTreeSet<Address> = wanted_groups.keys().chain(owned_groups.keys()).cloned().collect();
        let mut group_refs = BTreeMap::new();
        for address in addresses {
            let owned = owned_groups.remove(&address).unwrap_or_default();
            if let Some(reference) = self.target_group(address.clone(), wanted_groups.get(&address).copied(), owned, moving) {
                group_refs.insert(address, reference);
            }
        }
        let (load_balancer, kept) = self.load_balancer(desired, security_group, live_load_balancer, duplicates);
        if let Some(load_balancer) = &load_balancer {
            self.listeners(desired, load_balancer, kept, &group_refs);
        }
        let dns_name = kept.map(|kept| (kept.dns_name.clone(), kept.canonical_zone_id.clone()));
        LoadBalancing { load_balancer, dns_name, target_groups: group_refs }
    }

    fn target_group(&mut self, address: Address, wanted: Option<&TargetGroupSpec>, owned: Vec<&TargetGroup>, load_balancer_replaced: bool) -> Option<Ref> {
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
                if !changed.is_empty() || load_balancer_replaced {
                    self.check_target_group_name_free(wanted);
                    let reason = if changed.is_empty() {
                        "the load balancer is replaced, and a target group serves one load balancer".to_string()
                    } else {
                        format!("{} cannot change in place", join(changed.iter().map(|field| field.field.as_str())))
                    };
                    let mut fields = vec![FieldChange::changed("name", &group.name, &wanted.name)];
                    fields.extend(changed);
                    let operation = Operation::ReplaceTargetGroup { old_arn: group.arn.clone(), spec: wanted.clone() };
                    self.push_replace(address.clone(), &wanted.name, fields, reason, operation);
                    return Some(Ref::Of(address));
                }
                let mut fields = health_check_changes(&group.health_check, &wanted.health_check);
                let health_check = (!fields.is_empty()).then(|| wanted.health_check.clone());
                let attribute_fields = attribute_changes(group.attributes.as_ref(), &wanted.attributes);
                let attributes = (!attribute_fields.is_empty()).then(|| wanted.attributes.clone());
                fields.extend(attribute_fields);
                if !fields.is_empty() {
                    let operation = Operation::UpdateTargetGroup { arn: group.arn.clone(), health_check, attributes };
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

    /// The topology's live load balancer (the one with the wanted name, else the first), and any duplicates.
    fn owned_load_balancer(&mut self, desired: &Desired) -> (Option<&'a LoadBalancer>, Vec<&'a LoadBalancer>) {
        let observed = self.observed;
        let mut owned = Vec::new();
        for load_balancer in &observed.load_balancers {
            if self.owned_address(&load_balancer.tags, &format!("load balancer {}", load_balancer.name)) == Some(Address::LoadBalancer) {
                owned.push(load_balancer);
            }
        }
        keep_one(owned, |load_balancer| desired.load_balancer.as_ref().is_some_and(|wanted| names_match(&load_balancer.name, &wanted.name)))
    }

    /// Plans the load balancer; returns how to refer to it and the live one that stays, if any. A replace creates
    /// the new one beside the old (under the other of its two names); the old goes once everything has moved.
    fn load_balancer(&mut self, desired: &Desired, security_group: Option<&Ref>, kept: Option<&'a LoadBalancer>, duplicates: Vec<&'a LoadBalancer>) -> (Option<Ref>, Option<&'a LoadBalancer>) {
        let address = Address::LoadBalancer;
        let wanted = desired.load_balancer.as_ref();
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
            idle_timeout: wanted.idle_timeout,
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
                let mut fields = fields;
                if let Some(timeout) = wanted.idle_timeout {
                    fields.push(FieldChange::new("idle_timeout", timeout));
                }
                self.push(address.clone(), Action::Create, &wanted.name, fields, Operation::CreateLoadBalancer(spec));
                (Some(Ref::Of(address)), None)
            }
            Some(live) if needs_replace(live, wanted) => {
                let new_name = if live.name == wanted.name { alternate_name(&wanted.name, &wanted.scheme) } else { wanted.name.clone() };
                self.check_load_balancer_name_free(&new_name);
                let mut fields = Vec::new();
                let renamed = !names_match(&live.name, &wanted.name);
                fields.push(FieldChange::changed("name", &live.name, &new_name));
                if live.scheme != wanted.scheme {
                    fields.push(FieldChange::changed("scheme", &live.scheme, &wanted.scheme));
                }
                fields.push(FieldChange::changed("dns_name", &live.dns_name, KNOWN_AFTER_APPLY));
                let changed: Vec<&str> = [("name", renamed), ("scheme", live.scheme != wanted.scheme)].into_iter().filter(|(_, changed)| *changed).map(|(field, _)| field).collect();
                let reason = format!("{} cannot change in place; the new one takes over before the old one goes", changed.join(", "));
                let spec = LoadBalancerSpec { name: new_name.clone(), ..spec };
                self.push_replace(address.clone(), &new_name, fields, reason, Operation::ReplaceLoadBalancer { old_arn: live.arn.clone(), spec });
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
                let idle_timeout = wanted.idle_timeout.filter(|timeout| live.idle_timeout != Some(*timeout));
                if let Some(timeout) = idle_timeout {
                    fields.push(FieldChange::changed("idle_timeout", live.idle_timeout.map_or("(unknown)".into(), |old| old.to_string()), timeout));
                }
                if !fields.is_empty() {
                    let operation = Operation::UpdateLoadBalancer { arn: live.arn.clone(), subnet_ids, security_groups, idle_timeout };
                    self.push(address, Action::Update, &live.name, fields, operation);
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

    pub(super) fn rules_removed_with(&mut self, listener: &Listener) {
        for rule in &listener.rules {
            if let Some(address) = self.owned_address(&rule.tags, &format!("listener rule {}", rule.arn)) {
                self.push(address, Action::Delete, format!("priority {}", rule.priority), vec![], Operation::RemovedWithParent);
            }
        }
    }

    /// A target group's name as the plan shows it: the live one's, or the one it will be created with.
    pub(super) fn group_name(&self, address: &Address, desired: &Desired, reference: &Ref) -> String {
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

    pub(super) fn live_group_name(&self, arn: &str) -> String {
        self.observed.target_groups.iter().find(|group| group.arn == arn).map_or_else(|| arn.to_string(), |group| group.name.clone())
    }
}

/// The name a replacement load balancer takes while the old one still holds the wanted name.
pub(crate) fn alternate_name(name: &str, scheme: &str) -> String {
    bounded_name(name, if scheme == "internal" { "int" } else { "ext" })
}

/// A live load balancer has the wanted name, or one of its alternates.
fn names_match(live: &str, wanted: &str) -> bool {
    live == wanted || live == alternate_name(wanted, "internal") || live == alternate_name(wanted, "internet-facing")
}

fn needs_replace(live: &LoadBalancer, wanted: &crate::plan::desired::DesiredLoadBalancer) -> bool {
    !names_match(&live.name, &wanted.name) || live.scheme != wanted.scheme
}

/// Whether a live ARN differs from the wanted reference; a resource still to be created always differs.
pub(super) fn differs(wanted: &Ref, live: Option<&str>) -> bool {
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
    fields.extend(attribute_changes(None, &spec.attributes).into_iter().map(|field| FieldChange { old: None, ..field }));
    fields
}

/// Changes of the attributes the file sets; `live` is `None` when they were not read (a new target group).
fn attribute_changes(live: Option<&TargetGroupAttributes>, wanted: &TargetGroupAttributes) -> Vec<FieldChange> {
    let live = live.cloned().unwrap_or_default();
    let show = |value: Option<i64>| value.map_or("(unknown)".to_string(), |value| value.to_string());
    let stickiness = |value: Option<i64>| value.map_or("(off)".to_string(), |duration| format!("lb_cookie {duration} s"));
    let mut fields = Vec::new();
    if wanted.deregistration_delay.is_some() && live.deregistration_delay != wanted.deregistration_delay {
        fields.push(FieldChange::changed("deregistration_delay", show(live.deregistration_delay), show(wanted.deregistration_delay)));
    }
    if wanted.slow_start.is_some() && live.slow_start != wanted.slow_start {
        fields.push(FieldChange::changed("slow_start", show(live.slow_start), show(wanted.slow_start)));
    }
    if wanted.stickiness.is_some() && live.stickiness != wanted.stickiness {
        fields.push(FieldChange::changed("stickiness", stickiness(live.stickiness), stickiness(wanted.stickiness)));
    }
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
