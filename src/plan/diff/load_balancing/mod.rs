//! The load balancers, one per shard, and their target groups: the services are spread over as many load
//! balancers as their rules and target groups need (the load balancer in `load_balancer.rs`, target groups in
//! `target_groups.rs`, listeners and rules in `listeners.rs` and `rules.rs`, rule priorities in `priorities.rs`, the
//! spread in `shards.rs`, the comparisons they share in `changes.rs`).

mod changes;
mod listeners;
mod load_balancer;
mod priorities;
mod rules;
mod shards;
mod target_groups;

use std::collections::{BTreeMap, BTreeSet};

use crate::live::LoadBalancer;
use crate::plan::desired::{shard_name, Desired};
use crate::plan::diff::Planner;
use crate::plan::{Address, Ref, TargetGroupSpec};
use crate::topology::DefaultAction;

use load_balancer::needs_replace;
use shards::{assign_shards, Capacity, ShardRequest};

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
        let (mut owned_balancers, existing) = self.owned_load_balancers();
        let assigned = assign_services(desired, &existing);
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
        let group_refs = self.target_groups(wanted_target_groups(desired, &service_shards, &moving, shard_count));
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

    /// The live load balancers ecsnet owns, by shard, and the shard each service's owned rules are on now.
    fn owned_load_balancers(&mut self) -> (BTreeMap<u16, Vec<&'a LoadBalancer>>, BTreeMap<String, u16>) {
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
        (owned_balancers, existing)
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

/// The shard each load-balanced service goes on, in the order of `desired.services`; a service stays where its
/// rules are (`existing`) while that shard has room.
fn assign_services(desired: &Desired, existing: &BTreeMap<String, u16>) -> Vec<u16> {
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
    assign_shards(&requests, capacity)
}

/// Every wanted target group, by address, with whether the load balancer it serves is being replaced (`moving`,
/// per shard).
fn wanted_target_groups(
    desired: &Desired,
    service_shards: &BTreeMap<String, u16>,
    moving: &[bool],
    shard_count: u16,
) -> BTreeMap<Address, (TargetGroupSpec, bool)> {
    let mut wanted_groups = BTreeMap::new();
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
    wanted_groups
}
