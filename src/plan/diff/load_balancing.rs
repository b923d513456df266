//! The load balancer and its target groups (listeners and rules are in `listeners.rs`).

use std::collections::{BTreeMap, BTreeSet};

use crate::observed::{Listener, LoadBalancer, TargetGroup};
use crate::plan::desired::{shard_name, Desired};
use crate::plan::ownership::{managed_attributes, tagged_address};
use crate::plan::FieldValue as _;
use crate::plan::{
    Action, Address, FieldChange, LoadBalancerSpec, ManagedAttributes, Operation, Ref, ReplaceReason, TargetGroupSpec,
    KNOWN_AFTER_APPLY,
};
use crate::topology::{
    aws_defaults, bounded_name, DefaultAction, HealthCheck, Scheme, Stickiness, TargetGroupAttributes,
};

use super::shards::{assign_shards, Capacity, ShardRequest};
use super::{join, keep_one, Planner, Problem};

pub(super) struct LoadBalancing {
    /// Per shard: how to refer to its load balancer, and its DNS name and canonical hosted zone when it stays.
    pub shards: Vec<(Ref, Option<(String, String)>)>,
    /// The shard each load-balanced service's rules are on.
    pub service_shards: BTreeMap<String, u16>,
    /// How to refer to each wanted target group.
    pub target_groups: BTreeMap<Address, Ref>,
}

impl LoadBalancing {
    /// The load balancer (reference and DNS name) that carries a service's rules.
    pub fn of_service(&self, service: &str) -> Option<&(Ref, Option<(String, String)>)> {
        self.shards.get(usize::from(*self.service_shards.get(service)?))
    }
}

/// Rules an Application Load Balancer holds, the default rule not counted.
pub const RULES_PER_LOAD_BALANCER: usize = 100;
/// Unique target groups an Application Load Balancer forwards to, its listeners' defaults included; not adjustable
/// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html).
pub const TARGET_GROUPS_PER_LOAD_BALANCER: usize = 100;

impl<'a> Planner<'a> {
    pub(super) fn load_balancing(&mut self, desired: &Desired, security_group: Option<&Ref>) -> LoadBalancing {
        let observed = self.observed;
        let mut owned_balancers: BTreeMap<u16, Vec<&'a LoadBalancer>> = BTreeMap::new();
        let mut existing: BTreeMap<String, u16> = BTreeMap::new();
        for load_balancer in &observed.load_balancers {
            let Some(Address::LoadBalancer(shard)) =
                self.owned_address(&load_balancer.tags, &format!("load balancer {}", load_balancer.name))
            else {
                continue;
            };
            owned_balancers.entry(shard).or_default().push(load_balancer);
            for rule in load_balancer.listeners.iter().flat_map(|listener| &listener.rules) {
                if let Some(Address::ListenerRule(service, _)) =
                    self.owned_address(&rule.tags, &format!("listener rule {}", rule.arn))
                {
                    existing.entry(service).or_insert(shard);
                }
            }
        }
        // Every shard's listeners carry the same defaults: the empty target group, and the groups of services a
        // listener forwards to by default; those count on every shard, and add nothing where their service is.
        let forwarded: BTreeSet<&str> = desired
            .load_balancer
            .iter()
            .flat_map(|load_balancer| &load_balancer.listeners)
            .filter_map(|listener| match &listener.default {
                DefaultAction::Forward(service) => Some(service.as_str()),
                _ => None,
            })
            .collect();
        let shared = usize::from(desired.default_target_group.is_some()) + forwarded.len();
        let capacity = Capacity {
            rules: RULES_PER_LOAD_BALANCER,
            target_groups: TARGET_GROUPS_PER_LOAD_BALANCER.saturating_sub(shared),
        };
        let requests: Vec<ShardRequest> = desired
            .services
            .iter()
            .map(|service| ShardRequest {
                rules: service.listeners.len(),
                target_groups: usize::from(!forwarded.contains(service.name.as_str())),
                existing: existing.get(&service.name).copied(),
            })
            .collect();
        let assigned = assign_shards(&requests, capacity);
        let service_shards: BTreeMap<String, u16> =
            desired.services.iter().zip(&assigned).map(|(service, shard)| (service.name.clone(), *shard)).collect();
        let shard_count =
            if desired.load_balancer.is_some() { assigned.iter().max().map_or(1, |max| max + 1) } else { 0 };

        // A target group serves one load balancer: a new load balancer needs new target groups.
        let mut kept_balancers = Vec::new();
        let mut moving = Vec::new();
        for shard in 0..shard_count {
            let (kept, duplicates) =
                self.owned_load_balancer(desired, shard, owned_balancers.remove(&shard).unwrap_or_default());
            moving.push(kept.is_some_and(|live| {
                desired
                    .load_balancer
                    .as_ref()
                    .is_some_and(|wanted| needs_replace(live, &shard_name(&wanted.name, shard), wanted.scheme))
            }));
            kept_balancers.push((kept, duplicates));
        }
        let mut wanted_groups: BTreeMap<Address, (TargetGroupSpec, bool)> = BTreeMap::new();
        for shard in 0..shard_count {
            if let Some(spec) = desired.default_target_group(shard) {
                wanted_groups.insert(Address::DefaultTargetGroup(shard), (spec, moving[usize::from(shard)]));
            }
        }
        for service in &desired.services {
            let shard = service_shards[&service.name];
            wanted_groups.insert(
                Address::TargetGroup(service.name.clone()),
                (service.target_group.clone(), moving.get(usize::from(shard)).copied().unwrap_or(false)),
            );
        }
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
            let wanted = wanted_groups.get(&address);
            if let Some(reference) = self.target_group(
                address.clone(),
                wanted.map(|(spec, _)| spec),
                owned,
                wanted.is_some_and(|(_, moving)| *moving),
            ) {
                group_refs.insert(address, reference);
            }
        }
        // Load balancers of shards no longer needed go, with their listeners and rules.
        for load_balancer in owned_balancers.into_values().flatten() {
            self.delete_load_balancer(load_balancer);
        }
        let mut shards = Vec::new();
        for (shard, (kept, duplicates)) in (0..shard_count).zip(kept_balancers) {
            let (reference, live) = self.load_balancer(desired, shard, security_group, kept, duplicates);
            let Some(reference) = reference else { continue };
            self.listeners(desired, shard, &service_shards, &reference, live, &group_refs);
            shards.push((reference, live.map(|live| (live.dns_name.clone(), live.canonical_zone_id.clone()))));
        }
        LoadBalancing { shards, service_shards, target_groups: group_refs }
    }

    fn target_group(
        &mut self,
        address: Address,
        wanted: Option<&TargetGroupSpec>,
        owned: Vec<&TargetGroup>,
        load_balancer_replaced: bool,
    ) -> Option<Ref> {
        let (kept, duplicates) = keep_one(owned, |group| wanted.is_some_and(|wanted| group.name == wanted.name));
        for group in duplicates {
            self.push(
                address.clone(),
                Action::Delete,
                &group.name,
                vec![],
                Operation::DeleteTargetGroup { arn: group.arn.clone() },
            );
        }
        match (wanted, kept) {
            (Some(wanted), None) => {
                self.check_target_group_name_free(wanted);
                self.push(
                    address.clone(),
                    Action::Create,
                    &wanted.name,
                    target_group_fields(wanted),
                    Operation::CreateTargetGroup(wanted.clone()),
                );
                Some(Ref::Of(address))
            }
            (Some(wanted), Some(group)) => {
                let immutable = [
                    ("port", group.port.to_string(), wanted.port.to_string()),
                    ("protocol", group.protocol.clone(), wanted.protocol.field_text()),
                    ("target_type", group.target_type.clone(), wanted.target_type.field_text()),
                    ("vpc", group.vpc_id.clone(), wanted.vpc_id.clone()),
                ];
                let changed: Vec<FieldChange> = immutable
                    .iter()
                    .filter(|(_, old, new)| old != new)
                    .map(|(field, old, new)| FieldChange::changed(field, old, new))
                    .collect();
                if !changed.is_empty() || load_balancer_replaced {
                    self.check_target_group_name_free(wanted);
                    let reason = if changed.is_empty() {
                        ReplaceReason::LoadBalancerReplaced
                    } else {
                        ReplaceReason::Immutable { fields: changed.iter().map(|field| field.field.clone()).collect() }
                    };
                    let mut fields = vec![FieldChange::changed("name", &group.name, &wanted.name)];
                    fields.extend(changed);
                    let operation = Operation::ReplaceTargetGroup { old_arn: group.arn.clone(), spec: wanted.clone() };
                    self.push_replace(address.clone(), &wanted.name, fields, reason, operation);
                    return Some(Ref::Of(address));
                }
                let mut fields = health_check_changes(&group.health_check, &wanted.health_check);
                let health_check = (!fields.is_empty()).then(|| wanted.health_check.clone());
                // An attribute ecsnet set that left the file goes back to AWS's default.
                let previously_set = managed_attributes(&group.tags);
                let target = wanted.attributes.with_defaults_for(&previously_set);
                let attribute_fields = attribute_changes(group.attributes.as_ref(), &target, &wanted.attributes);
                let attributes = (!attribute_fields.is_empty()).then(|| target.clone());
                fields.extend(attribute_fields);
                let managed = managed_change(previously_set, &wanted.attributes.names(), &mut fields);
                if !fields.is_empty() {
                    let operation =
                        Operation::UpdateTargetGroup { arn: group.arn.clone(), health_check, attributes, managed };
                    self.push(address, Action::Update, &group.name, fields, operation);
                }
                Some(Ref::Known(group.arn.clone()))
            }
            (None, Some(group)) => {
                self.push(
                    address,
                    Action::Delete,
                    &group.name,
                    vec![],
                    Operation::DeleteTargetGroup { arn: group.arn.clone() },
                );
                None
            }
            (None, None) => None,
        }
    }

    fn check_target_group_name_free(&mut self, wanted: &TargetGroupSpec) {
        let topology = self.topology;
        if let Some(taken) = self
            .observed
            .target_groups
            .iter()
            .find(|group| group.name == wanted.name && !crate::plan::ownership::owned_by(&group.tags, topology))
        {
            self.problems.push(Problem::new(
                format!(
                    "target group name \"{}\" is taken by {}, which ecsnet topology {topology} does not own",
                    wanted.name, taken.arn
                ),
                "delete or rename that target group, or rename the service or topology",
            ));
        }
    }

    /// A shard's live load balancer (the one with the wanted name, else the first), and any duplicates.
    fn owned_load_balancer(
        &mut self,
        desired: &Desired,
        shard: u16,
        owned: Vec<&'a LoadBalancer>,
    ) -> (Option<&'a LoadBalancer>, Vec<&'a LoadBalancer>) {
        keep_one(owned, |load_balancer| {
            desired
                .load_balancer
                .as_ref()
                .is_some_and(|wanted| names_match(&load_balancer.name, &shard_name(&wanted.name, shard)))
        })
    }

    /// Plans the load balancer; returns how to refer to it and the live one that stays, if any. A replace creates
    /// the new one beside the old (under the other of its two names); the old goes once everything has moved.
    fn load_balancer(
        &mut self,
        desired: &Desired,
        shard: u16,
        security_group: Option<&Ref>,
        kept: Option<&'a LoadBalancer>,
        duplicates: Vec<&'a LoadBalancer>,
    ) -> (Option<Ref>, Option<&'a LoadBalancer>) {
        let address = Address::LoadBalancer(shard);
        let wanted = desired.load_balancer.as_ref().map(|wanted| crate::plan::desired::DesiredLoadBalancer {
            name: shard_name(&wanted.name, shard),
            ..wanted.clone()
        });
        let wanted = wanted.as_ref();
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
            scheme: wanted.scheme,
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
                    FieldChange::new("scheme", wanted.scheme),
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
            Some(live) if needs_replace(live, &wanted.name, wanted.scheme) => {
                let new_name = if live.name == wanted.name {
                    alternate_name(&wanted.name, wanted.scheme)
                } else {
                    wanted.name.clone()
                };
                self.check_load_balancer_name_free(&new_name);
                let mut fields = Vec::new();
                let renamed = !names_match(&live.name, &wanted.name);
                fields.push(FieldChange::changed("name", &live.name, &new_name));
                if live.scheme != wanted.scheme.as_aws() {
                    fields.push(FieldChange::changed("scheme", &live.scheme, wanted.scheme));
                }
                fields.push(FieldChange::changed("dns_name", &live.dns_name, KNOWN_AFTER_APPLY));
                let changed: Vec<&str> = [("name", renamed), ("scheme", live.scheme != wanted.scheme.as_aws())]
                    .into_iter()
                    .filter(|(_, changed)| *changed)
                    .map(|(field, _)| field)
                    .collect();
                let reason = ReplaceReason::LoadBalancerImmutable {
                    fields: changed.iter().map(|field| field.to_string()).collect(),
                };
                let spec = LoadBalancerSpec { name: new_name.clone(), ..spec };
                self.push_replace(
                    address.clone(),
                    &new_name,
                    fields,
                    reason,
                    Operation::ReplaceLoadBalancer { old_arn: live.arn.clone(), spec },
                );
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
                // An idle timeout ecsnet set that left the file goes back to AWS's default.
                let previously_set = managed_attributes(&live.tags);
                let dropped = previously_set.iter().any(|name| name == IDLE_TIMEOUT);
                let target = wanted.idle_timeout.or(dropped.then_some(aws_defaults::IDLE_TIMEOUT));
                let idle_timeout = target.filter(|timeout| live.idle_timeout != Some(*timeout));
                if let Some(timeout) = idle_timeout {
                    let new = if wanted.idle_timeout.is_some() {
                        timeout.to_string()
                    } else {
                        format!("{timeout} (AWS's default)")
                    };
                    fields.push(FieldChange::changed(
                        "idle_timeout",
                        live.idle_timeout.map_or("(unknown)".into(), |old| old.to_string()),
                        new,
                    ));
                }
                let managed = managed_change(
                    previously_set,
                    &wanted.idle_timeout.map(|_| IDLE_TIMEOUT).into_iter().collect::<Vec<_>>(),
                    &mut fields,
                );
                if !fields.is_empty() {
                    let operation = Operation::UpdateLoadBalancer {
                        arn: live.arn.clone(),
                        subnet_ids,
                        security_groups,
                        idle_timeout,
                        managed,
                    };
                    self.push(address, Action::Update, &live.name, fields, operation);
                }
                (Some(Ref::Known(live.arn.clone())), Some(live))
            }
        }
    }

    fn check_load_balancer_name_free(&mut self, name: &str) {
        let topology = self.topology;
        if let Some(taken) = self.observed.load_balancers.iter().find(|load_balancer| {
            load_balancer.name == name && !crate::plan::ownership::owned_by(&load_balancer.tags, topology)
        }) {
            self.problems.push(Problem::new(
                format!(
                    "load balancer name \"{name}\" is taken by {}, which ecsnet topology {topology} does not own",
                    taken.arn
                ),
                "set load_balancer.name to a free name",
            ));
        }
    }

    /// Deletes a load balancer; its listeners and rules go with it, and the plan shows them going.
    fn delete_load_balancer(&mut self, load_balancer: &LoadBalancer) {
        let address = match tagged_address(&load_balancer.tags) {
            Some(address @ Address::LoadBalancer(_)) => address,
            _ => Address::LoadBalancer(0),
        };
        self.push(
            address,
            Action::Delete,
            &load_balancer.name,
            vec![],
            Operation::DeleteLoadBalancer { arn: load_balancer.arn.clone() },
        );
        for listener in &load_balancer.listeners {
            if let Some(address) = self.owned_address(&listener.tags, &format!("listener {}", listener.arn)) {
                self.push(
                    address,
                    Action::Delete,
                    format!("port {}", listener.port),
                    vec![],
                    Operation::RemovedWithParent,
                );
            }
            self.rules_removed_with(listener);
        }
    }

    pub(super) fn rules_removed_with(&mut self, listener: &Listener) {
        for rule in &listener.rules {
            if let Some(address) = self.owned_address(&rule.tags, &format!("listener rule {}", rule.arn)) {
                self.push(
                    address,
                    Action::Delete,
                    format!("priority {}", rule.priority),
                    vec![],
                    Operation::RemovedWithParent,
                );
            }
        }
    }

    /// A target group's name as the plan shows it: the live one's, or the one it will be created with.
    pub(super) fn group_name(&self, address: &Address, desired: &Desired, reference: &Ref) -> String {
        match reference {
            Ref::Known(arn) => self.live_group_name(arn),
            Ref::Of(_) => match address {
                Address::DefaultTargetGroup(shard) => desired.default_target_group(*shard).map(|spec| spec.name),
                Address::TargetGroup(service) => desired
                    .services
                    .iter()
                    .find(|wanted| wanted.name == *service)
                    .map(|wanted| wanted.target_group.name.clone()),
                _ => None,
            }
            .unwrap_or_else(|| address.to_string()),
        }
    }

    pub(super) fn live_group_name(&self, arn: &str) -> String {
        self.observed
            .target_groups
            .iter()
            .find(|group| group.arn == arn)
            .map_or_else(|| arn.to_string(), |group| group.name.clone())
    }
}

/// The name a replacement load balancer takes while the old one still holds the wanted name.
pub(crate) fn alternate_name(name: &str, scheme: Scheme) -> String {
    let suffix = match scheme {
        Scheme::Internal => "int",
        Scheme::InternetFacing => "ext",
    };
    bounded_name(name, suffix)
}

/// A live load balancer has the wanted name, or one of its alternates.
fn names_match(live: &str, wanted: &str) -> bool {
    live == wanted
        || [Scheme::Internal, Scheme::InternetFacing].iter().any(|scheme| live == alternate_name(wanted, *scheme))
}

fn needs_replace(live: &LoadBalancer, name: &str, scheme: Scheme) -> bool {
    !names_match(&live.name, name) || live.scheme != scheme.as_aws()
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
        FieldChange::new("protocol", spec.protocol),
        FieldChange::new("target_type", spec.target_type),
    ];
    fields.extend(
        health_check_changes(
            &HealthCheck {
                path: String::new(),
                interval: 0,
                timeout: 0,
                healthy_threshold: 0,
                unhealthy_threshold: 0,
                matcher: String::new(),
            },
            &spec.health_check,
        )
        .into_iter()
        .map(|field| FieldChange { old: None, ..field }),
    );
    fields.extend(
        attribute_changes(None, &spec.attributes, &spec.attributes)
            .into_iter()
            .map(|field| FieldChange { old: None, ..field }),
    );
    fields
}

/// Changes of the attributes `wanted` sets: those `file` sets, and AWS's defaults for those that left it. `live`
/// is `None` when they were not read (a new target group).
fn attribute_changes(
    live: Option<&TargetGroupAttributes>,
    wanted: &TargetGroupAttributes,
    file: &TargetGroupAttributes,
) -> Vec<FieldChange> {
    let live = live.cloned().unwrap_or_default();
    let show = |value: Option<String>, from_file: bool| match value {
        None => "(unknown)".to_string(),
        Some(value) if from_file => value,
        Some(value) => format!("{value} (AWS's default)"),
    };
    let number = |value: Option<i64>| value.map(|value| value.to_string());
    let mut fields = Vec::new();
    if wanted.deregistration_delay.is_some() && live.deregistration_delay != wanted.deregistration_delay {
        fields.push(FieldChange::changed(
            "deregistration_delay",
            show(number(live.deregistration_delay), true),
            show(number(wanted.deregistration_delay), file.deregistration_delay.is_some()),
        ));
    }
    if wanted.slow_start.is_some() && live.slow_start != wanted.slow_start {
        fields.push(FieldChange::changed(
            "slow_start",
            show(number(live.slow_start), true),
            show(number(wanted.slow_start), file.slow_start.is_some()),
        ));
    }
    if wanted.stickiness.is_some() && live.stickiness != wanted.stickiness {
        let text = |value: Option<&Stickiness>| value.map(Stickiness::to_string);
        fields.push(FieldChange::changed(
            "stickiness",
            show(text(live.stickiness.as_ref()), true),
            show(text(wanted.stickiness.as_ref()), file.stickiness.is_some()),
        ));
    }
    fields
}

/// The name of the load balancer attribute ecsnet manages, as the file and the attributes tag write it.
const IDLE_TIMEOUT: &str = "idle_timeout";

/// The change of a resource's attributes tag, when the attributes the file sets differ from those the tag lists;
/// shown as a field, since it decides what a later plan resets.
fn managed_change(before: Vec<String>, file_sets: &[&str], fields: &mut Vec<FieldChange>) -> Option<ManagedAttributes> {
    let mut after: Vec<String> = file_sets.iter().map(|name| name.to_string()).collect();
    after.sort();
    if after == before {
        return None;
    }
    let show = |names: &[String]| if names.is_empty() { "(none)".to_string() } else { names.join(", ") };
    fields.push(FieldChange::changed("managed_attributes", show(&before), show(&after)));
    Some(ManagedAttributes { before, after })
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
    pairs
        .into_iter()
        .filter(|(_, old, new)| old != new)
        .map(|(field, old, new)| FieldChange::changed(field, old, new))
        .collect()
}
