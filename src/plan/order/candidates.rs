//! The index `schedule` finds each step's possible dependencies through, so that a plan of thousands of steps is
//! not checked pair by pair.

use std::collections::BTreeMap;

use super::{Facts, Step, Work};
use crate::plan::{Action, Address};

/// Which steps could be a step's dependencies, found through indexes rather than by trying every pair (a plan of
/// a thousand services has thousands of steps); `must_follow` then decides.
pub(super) struct Candidates<'a> {
    /// Steps that create or replace an address.
    creating: BTreeMap<&'a Address, Vec<usize>>,
    /// Steps by the kind of address they change and whether they delete.
    by_kind: BTreeMap<(u8, bool), Vec<usize>>,
    retiring: Vec<usize>,
    /// Steps that adopt an address: what else the plan does there follows them.
    adopting: BTreeMap<&'a Address, Vec<usize>>,
}

/// A number per kind of address, for the index.
pub(super) fn kind(address: &Address) -> u8 {
    match address {
        Address::LoadBalancerSecurityGroup => 0,
        Address::LoadBalancer(_) => 1,
        Address::DefaultTargetGroup(_) => 2,
        Address::Listener(..) => 3,
        Address::HostedZone => 4,
        Address::TargetGroup(_) => 5,
        Address::ListenerRule(..) => 6,
        Address::Ingress(_) => 7,
        Address::DnsRecord(..) => 8,
        Address::Namespace => 9,
        Address::DiscoveryService(_) => 10,
        Address::CallerIngress(..) => 11,
        Address::EcsService(_) | Address::EcsServiceRetire(_) => 12,
        Address::LatticeServiceNetwork => 13,
        Address::LatticeVpcAssociation => 14,
        Address::LatticeService(_) => 15,
        Address::LatticeTargetGroup(_) => 16,
        Address::LatticeListener(_) => 17,
        Address::LatticeAssociation(_) => 18,
        Address::LatticeAuthPolicy(_) => 19,
        Address::LatticeIngress(_) => 20,
    }
}

const KINDS: u8 = 21;

impl<'a> Candidates<'a> {
    pub(super) fn new(facts: &Facts<'a>, steps: &[Step]) -> Self {
        let mut candidates = Candidates {
            creating: BTreeMap::new(),
            by_kind: BTreeMap::new(),
            retiring: Vec::new(),
            adopting: BTreeMap::new(),
        };
        for (index, step) in steps.iter().enumerate() {
            if matches!(step.work, Work::RetireTargetGroup { .. } | Work::RetireLoadBalancer { .. }) {
                candidates.retiring.push(index);
                continue;
            }
            for &change_index in &facts.step_changes[index] {
                let change = &facts.changes[change_index];
                match change.action {
                    Action::Create | Action::Replace => {
                        candidates.creating.entry(&change.address).or_default().push(index)
                    }
                    Action::Adopt => candidates.adopting.entry(&change.address).or_default().push(index),
                    _ => {}
                }
                candidates
                    .by_kind
                    .entry((kind(&change.address), change.action == Action::Delete))
                    .or_default()
                    .push(index);
            }
        }
        candidates
    }

    fn kinds(&self, kind: u8, deleting: bool) -> impl Iterator<Item = usize> + '_ {
        self.by_kind.get(&(kind, deleting)).into_iter().flatten().copied()
    }

    /// Every step `later` might have to wait for (a superset of its dependencies).
    pub(super) fn of(&self, facts: &Facts, later: &Step, later_index: usize) -> Vec<usize> {
        if matches!(later.work, Work::RetireTargetGroup { .. } | Work::RetireLoadBalancer { .. }) {
            return (0..facts.step_changes.len()).collect();
        }
        let mut found: Vec<usize> = self.retiring.clone();
        for &change_index in &facts.step_changes[later_index] {
            let change = &facts.changes[change_index];
            for address in &facts.references[change_index] {
                found.extend(self.creating.get(address).into_iter().flatten());
            }
            found.extend(self.adopting.get(&change.address).into_iter().flatten());
            let rule = kind(&Address::ListenerRule(String::new(), 0));
            let listener = kind(&Address::Listener(0, 0));
            if change.action == Action::Delete {
                for first in 0..KINDS {
                    found.extend(self.kinds(first, true));
                    found.extend(self.kinds(first, false).filter(|_| {
                        first == kind(&Address::EcsService(String::new()))
                            || first == rule
                            || first == listener
                            || first == kind(&Address::LatticeListener(String::new()))
                    }));
                }
            } else {
                found.extend(self.kinds(rule, true).chain(self.kinds(listener, true)));
                if change.address.is_lattice() {
                    found.extend(self.kinds(kind(&change.address), true));
                }
                if matches!(change.address, Address::ListenerRule(..)) || change.address.is_ecs() {
                    found.extend(self.kinds(rule, false).chain(self.kinds(listener, false)));
                }
                if change.address.is_ecs() {
                    found.extend(self.kinds(kind(&Address::Namespace), false));
                }
            }
        }
        found
    }
}
