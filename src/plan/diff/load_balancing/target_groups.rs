//! Target groups: one per load-balanced service and an empty one per shard whose listeners use it. Port,
//! protocol, target type and VPC cannot change: a change of those, or a new load balancer, replaces the group.

use std::collections::{BTreeMap, BTreeSet};

use crate::live::TargetGroup;
use crate::plan::ownership::managed_attributes;
use crate::plan::FieldValue as _;
use crate::plan::{Action, Address, FieldChange, LoadBalancingOp, Operation, Ref, ReplaceReason, TargetGroupSpec};
use crate::topology::{HealthCheck, Stickiness, TargetGroupAttributes};

use super::changes::managed_change;
use crate::plan::diff::{keep_one, Planner, Problem};

impl<'a> Planner<'a> {
    /// Plans the wanted target groups (each with whether its load balancer is replaced) and deletes the owned ones
    /// no longer wanted; returns how to refer to each wanted one.
    pub(super) fn target_groups(
        &mut self,
        mut wanted_groups: BTreeMap<Address, (TargetGroupSpec, bool)>,
    ) -> BTreeMap<Address, Ref> {
        let mut owned_groups: BTreeMap<Address, Vec<&TargetGroup>> = BTreeMap::new();
        for group in &self.observed.target_groups {
            if let Some(address) = self.owned_address(&group.tags, &format!("target group {}", group.name)) {
                owned_groups.entry(address).or_default().push(group);
            }
        }
        let addresses: BTreeSet<Address> = wanted_groups.keys().chain(owned_groups.keys()).cloned().collect();
        let mut group_refs = BTreeMap::new();
        for address in addresses {
            let owned = owned_groups.remove(&address).unwrap_or_default();
            let wanted = wanted_groups.remove(&address);
            if let Some(reference) = self.target_group(
                address.clone(),
                wanted.as_ref().map(|(spec, _)| spec),
                owned,
                wanted.as_ref().is_some_and(|(_, moving)| *moving),
            ) {
                group_refs.insert(address, reference);
            }
        }
        group_refs
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
            self.delete_target_group(address.clone(), group);
        }
        match (wanted, kept) {
            (Some(wanted), None) => {
                self.check_target_group_name_free(&address, wanted);
                self.push(
                    address.clone(),
                    Action::Create,
                    &wanted.name,
                    target_group_fields(wanted),
                    Operation::LoadBalancing(LoadBalancingOp::CreateTargetGroup(wanted.clone())),
                );
                Some(Ref::Of(address))
            }
            (Some(wanted), Some(group)) => Some(self.keep_target_group(address, wanted, group, load_balancer_replaced)),
            (None, Some(group)) => {
                self.delete_target_group(address, group);
                None
            }
            (None, None) => None,
        }
    }

    /// A live target group replaced when a field it cannot change differs or its load balancer is replaced, else
    /// brought to the file's health check and attributes.
    fn keep_target_group(
        &mut self,
        address: Address,
        wanted: &TargetGroupSpec,
        group: &TargetGroup,
        load_balancer_replaced: bool,
    ) -> Ref {
        let immutable = [
            ("port", group.port != i32::from(wanted.port), group.port.to_string(), wanted.port.field_text()),
            ("protocol", !group.protocol.is(wanted.protocol), group.protocol.to_string(), wanted.protocol.field_text()),
            (
                "target_type",
                !group.target_type.is(wanted.target_type),
                group.target_type.to_string(),
                wanted.target_type.field_text(),
            ),
            ("vpc", group.vpc_id != wanted.vpc_id, group.vpc_id.clone(), wanted.vpc_id.clone()),
        ];
        let changed: Vec<FieldChange> = immutable
            .into_iter()
            .filter(|(_, differs, _, _)| *differs)
            .map(|(field, _, old, new)| FieldChange::changed(field, old, new))
            .collect();
        if !changed.is_empty() || load_balancer_replaced {
            self.check_target_group_name_free(&address, wanted);
            let reason = if changed.is_empty() {
                ReplaceReason::LoadBalancerReplaced
            } else {
                ReplaceReason::Immutable { fields: changed.iter().map(|field| field.field.clone()).collect() }
            };
            let mut fields = vec![FieldChange::changed("name", &group.name, &wanted.name)];
            fields.extend(changed);
            let operation = Operation::LoadBalancing(LoadBalancingOp::ReplaceTargetGroup {
                old_arn: group.arn.clone(),
                spec: wanted.clone(),
            });
            self.push_replace(address.clone(), &wanted.name, fields, reason, operation);
            return Ref::Of(address);
        }
        self.update_target_group(address, wanted, group);
        Ref::Known(group.arn.clone())
    }

    fn update_target_group(&mut self, address: Address, wanted: &TargetGroupSpec, group: &TargetGroup) {
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
            let operation = Operation::LoadBalancing(LoadBalancingOp::UpdateTargetGroup {
                arn: group.arn.clone(),
                health_check,
                attributes,
                managed,
            });
            self.push(address, Action::Update, &group.name, fields, operation);
        }
    }

    fn delete_target_group(&mut self, address: Address, group: &TargetGroup) {
        self.push(
            address,
            Action::Delete,
            &group.name,
            vec![],
            Operation::LoadBalancing(LoadBalancingOp::DeleteTargetGroup { arn: group.arn.clone() }),
        );
    }

    fn check_target_group_name_free(&mut self, address: &Address, wanted: &TargetGroupSpec) {
        let topology = self.topology;
        if let Some(taken) = self
            .observed
            .target_groups
            .iter()
            .find(|group| group.name == wanted.name && !crate::plan::ownership::owned_by(&group.tags, topology))
        {
            // A service's target group is named from the service; the default one from the load balancer's name.
            let key = match address {
                Address::TargetGroup(service) => crate::plan::problem::FileKey::service(service, "name"),
                _ => crate::plan::problem::FileKey::top("load_balancer.name"),
            };
            self.problems.push(Problem::at(
                key,
                format!(
                    "target group name \"{}\" is taken by {}, which ecsnet topology {topology} does not own",
                    wanted.name, taken.arn
                ),
                "delete or rename that target group, or rename the service or topology",
            ));
        }
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
