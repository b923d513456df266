//! A shard's Application Load Balancer. Its name and scheme cannot change: a change of either builds a new one
//! beside the old (under the other of its two names), and the old goes once everything has moved to the new.

use crate::live::{Listener, LoadBalancer};
use crate::plan::desired::{shard_name, Desired, DesiredLoadBalancer};
use crate::plan::ownership::{managed_attributes, tagged_address};
use crate::plan::{
    Action, Address, FieldChange, LoadBalancerSpec, LoadBalancingOp, Operation, Ref, ReplaceReason, KNOWN_AFTER_APPLY,
};
use crate::topology::{aws_defaults, bounded_name, Scheme};

use super::changes::managed_change;
use crate::plan::diff::{join, keep_one, Planner, Problem};

/// The name of the load balancer attribute ecsnet manages, as the file and the attributes tag write it.
const IDLE_TIMEOUT: &str = "idle_timeout";

impl<'a> Planner<'a> {
    /// A shard's live load balancer (the one with the wanted name, else the first), and any duplicates.
    pub(super) fn owned_load_balancer(
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
    pub(super) fn load_balancer(
        &mut self,
        desired: &Desired,
        shard: u16,
        security_group: Option<&Ref>,
        kept: Option<&'a LoadBalancer>,
        duplicates: Vec<&'a LoadBalancer>,
    ) -> (Option<Ref>, Option<&'a LoadBalancer>) {
        let address = Address::LoadBalancer(shard);
        let wanted = desired
            .load_balancer
            .as_ref()
            .map(|wanted| DesiredLoadBalancer { name: shard_name(&wanted.name, shard), ..wanted.clone() });
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
        match kept {
            None => {
                self.create_load_balancer(address.clone(), wanted, spec);
                (Some(Ref::Of(address)), None)
            }
            Some(live) if needs_replace(live, &wanted.name, wanted.scheme) => {
                self.replace_load_balancer(address.clone(), wanted, spec, live);
                (Some(Ref::Of(address)), None)
            }
            Some(live) => {
                self.update_load_balancer(address, wanted, security_group, live);
                (Some(Ref::Known(live.arn.clone())), Some(live))
            }
        }
    }

    fn create_load_balancer(&mut self, address: Address, wanted: &DesiredLoadBalancer, spec: LoadBalancerSpec) {
        self.check_load_balancer_name_free(&wanted.name);
        let mut fields = vec![
            FieldChange::new("name", &wanted.name),
            FieldChange::new("scheme", wanted.scheme),
            FieldChange::new("subnets", join(&wanted.subnet_ids)),
            FieldChange::new("security_groups", group_text(&spec.security_group)),
            FieldChange::new("dns_name", KNOWN_AFTER_APPLY),
        ];
        if let Some(timeout) = wanted.idle_timeout {
            fields.push(FieldChange::new("idle_timeout", timeout));
        }
        self.push(
            address,
            Action::Create,
            &wanted.name,
            fields,
            Operation::LoadBalancing(LoadBalancingOp::CreateLoadBalancer(spec)),
        );
    }

    /// A new load balancer beside the live one, under whichever of its two names the live one does not hold.
    fn replace_load_balancer(
        &mut self,
        address: Address,
        wanted: &DesiredLoadBalancer,
        spec: LoadBalancerSpec,
        live: &LoadBalancer,
    ) {
        let new_name =
            if live.name == wanted.name { alternate_name(&wanted.name, wanted.scheme) } else { wanted.name.clone() };
        self.check_load_balancer_name_free(&new_name);
        let mut fields = Vec::new();
        let renamed = !names_match(&live.name, &wanted.name);
        fields.push(FieldChange::changed("name", &live.name, &new_name));
        if !live.scheme.is(wanted.scheme) {
            fields.push(FieldChange::changed("scheme", &live.scheme, wanted.scheme));
        }
        fields.push(FieldChange::changed("dns_name", &live.dns_name, KNOWN_AFTER_APPLY));
        let changed: Vec<&str> = [("name", renamed), ("scheme", !live.scheme.is(wanted.scheme))]
            .into_iter()
            .filter(|(_, changed)| *changed)
            .map(|(field, _)| field)
            .collect();
        let reason =
            ReplaceReason::LoadBalancerImmutable { fields: changed.iter().map(|field| field.to_string()).collect() };
        let spec = LoadBalancerSpec { name: new_name.clone(), ..spec };
        self.push_replace(
            address,
            &new_name,
            fields,
            reason,
            Operation::LoadBalancing(LoadBalancingOp::ReplaceLoadBalancer { old_arn: live.arn.clone(), spec }),
        );
    }

    /// The live load balancer brought to the file's subnets, security group and idle timeout.
    fn update_load_balancer(
        &mut self,
        address: Address,
        wanted: &DesiredLoadBalancer,
        security_group: &Ref,
        live: &LoadBalancer,
    ) {
        let mut live_subnets = live.subnet_ids.clone();
        live_subnets.sort();
        let mut fields = Vec::new();
        let subnet_ids = (live_subnets != wanted.subnet_ids).then(|| {
            fields.push(FieldChange::changed("subnets", join(&live_subnets), join(&wanted.subnet_ids)));
            wanted.subnet_ids.clone()
        });
        let groups_match = matches!(security_group, Ref::Known(id) if live.security_group_ids == [id.clone()]);
        let security_groups = (!groups_match).then(|| {
            fields.push(FieldChange::changed(
                "security_groups",
                join(&live.security_group_ids),
                group_text(security_group),
            ));
            vec![security_group.clone()]
        });
        // An idle timeout ecsnet set that left the file goes back to AWS's default.
        let previously_set = managed_attributes(&live.tags);
        let dropped = previously_set.iter().any(|name| name == IDLE_TIMEOUT);
        let idle_timeout = idle_timeout_change(wanted.idle_timeout, dropped, live.idle_timeout, &mut fields);
        let managed = managed_change(
            previously_set,
            &wanted.idle_timeout.map(|_| IDLE_TIMEOUT).into_iter().collect::<Vec<_>>(),
            &mut fields,
        );
        if !fields.is_empty() {
            let operation = Operation::LoadBalancing(LoadBalancingOp::UpdateLoadBalancer {
                arn: live.arn.clone(),
                subnet_ids,
                security_groups,
                idle_timeout,
                managed,
            });
            self.push(address, Action::Update, &live.name, fields, operation);
        }
    }

    fn check_load_balancer_name_free(&mut self, name: &str) {
        let topology = self.topology;
        if let Some(taken) = self.observed.load_balancers.iter().find(|load_balancer| {
            load_balancer.name == name && !crate::plan::ownership::owned_by(&load_balancer.tags, topology)
        }) {
            self.problems.push(Problem::at(
                crate::plan::problem::FileKey::top("load_balancer.name"),
                format!(
                    "load balancer name \"{name}\" is taken by {}, which ecsnet topology {topology} does not own",
                    taken.arn
                ),
                "set load_balancer.name to a free name",
            ));
        }
    }

    /// Deletes a load balancer; its listeners and rules go with it, and the plan shows them going.
    pub(super) fn delete_load_balancer(&mut self, load_balancer: &LoadBalancer) {
        let address = match tagged_address(&load_balancer.tags) {
            Some(address @ Address::LoadBalancer(_)) => address,
            _ => Address::LoadBalancer(0),
        };
        self.push(
            address,
            Action::Delete,
            &load_balancer.name,
            vec![],
            Operation::LoadBalancing(LoadBalancingOp::DeleteLoadBalancer { arn: load_balancer.arn.clone() }),
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
}

/// The security group as a load balancer's fields show it: its ID, or its address until it exists.
fn group_text(security_group: &Ref) -> String {
    match security_group {
        Ref::Known(id) => id.clone(),
        Ref::Of(address) => address.to_string(),
    }
}

/// The idle timeout to set, if it differs from the live one: the file's, or AWS's default when ecsnet set one that
/// has left the file (`dropped`); its change goes in `fields`.
fn idle_timeout_change(
    wanted: Option<i64>,
    dropped: bool,
    live: Option<i64>,
    fields: &mut Vec<FieldChange>,
) -> Option<i64> {
    let target = wanted.or(dropped.then_some(aws_defaults::IDLE_TIMEOUT));
    let idle_timeout = target.filter(|timeout| live != Some(*timeout));
    if let Some(timeout) = idle_timeout {
        let new = if wanted.is_some() { timeout.to_string() } else { format!("{timeout} (AWS's default)") };
        fields.push(FieldChange::changed("idle_timeout", live.map_or("(unknown)".into(), |old| old.to_string()), new));
    }
    idle_timeout
}

/// The name a replacement load balancer takes while the old one still holds the wanted name.
fn alternate_name(name: &str, scheme: Scheme) -> String {
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

pub(super) fn needs_replace(live: &LoadBalancer, name: &str, scheme: Scheme) -> bool {
    !names_match(&live.name, name) || !live.scheme.is(scheme)
}
