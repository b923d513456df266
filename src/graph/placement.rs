//! Which load balancer (shard) carries each service's rules, as the plan leaves it: the shard whose listener the
//! plan creates the rule on, else the shard the rule is on in live state. The graph draws what the planner
//! decided; it does not decide again.

use std::collections::BTreeMap;

use crate::live::Observed;
use crate::plan::ownership::owned_address;
use crate::plan::{Action, Address, LoadBalancingOp, Operation, Plan, Ref};
use crate::topology::Topology;

pub struct Placement {
    shards: BTreeMap<String, u16>,
    count: u16,
}

impl Placement {
    pub fn of(topology: &Topology, observed: &Observed, plan: &Plan) -> Placement {
        let name = topology.name.as_str();
        let wanted = |service: &str| topology.services.iter().any(|known| known.name == service);
        let mut shards = BTreeMap::new();
        let mut listeners: BTreeMap<&str, u16> = BTreeMap::new();
        for load_balancer in &observed.load_balancers {
            let Some(Address::LoadBalancer(shard)) = owned_address(&load_balancer.tags, name) else { continue };
            for listener in &load_balancer.listeners {
                listeners.insert(&listener.arn, shard);
                for rule in &listener.rules {
                    if let Some(Address::ListenerRule(service, _)) = owned_address(&rule.tags, name) {
                        if wanted(&service) {
                            shards.entry(service).or_insert(shard);
                        }
                    }
                }
            }
        }
        for change in &plan.changes {
            let (
                Address::ListenerRule(service, _),
                Operation::LoadBalancing(LoadBalancingOp::CreateRule { listener, .. }),
            ) = (&change.address, &change.operation)
            else {
                continue;
            };
            let shard = match listener {
                Ref::Of(Address::Listener(shard, _)) => Some(*shard),
                Ref::Known(arn) => listeners.get(arn.as_str()).copied(),
                Ref::Of(_) => None,
            };
            if let Some(shard) = shard {
                shards.insert(service.clone(), shard);
            }
        }
        let planned = plan.changes.iter().filter(|change| change.action != Action::Delete).filter_map(|change| {
            match change.address {
                Address::LoadBalancer(shard) | Address::Listener(shard, _) | Address::DefaultTargetGroup(shard) => {
                    Some(shard)
                }
                _ => None,
            }
        });
        let count = match topology.load_balancer {
            None => 0,
            Some(_) => shards.values().copied().chain(planned).max().map_or(1, |last| last + 1),
        };
        Placement { shards, count }
    }

    /// How many load balancers the topology has once the plan is applied.
    pub fn count(&self) -> u16 {
        self.count
    }

    /// The shard of a service's rules; the first when neither the plan nor live state places it.
    pub fn shard(&self, service: &str) -> u16 {
        self.shards.get(service).copied().unwrap_or(0)
    }
}
