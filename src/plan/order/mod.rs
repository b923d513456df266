//! Dependency order: which changes must finish before which. Creates follow what they refer to; deletes go in
//! the reverse order AWS enforces (a target group cannot go while a rule uses it, a security group while a load
//! balancer or another group's rule does); a replaced target group is retired only after every rule has moved.

use std::collections::BTreeMap;

mod candidates;

use super::{Action, Address, Change, EcsOp, LoadBalancingOp, Operation, Plan, Ref, Route53Op};
use candidates::Candidates;

/// What one step of an apply does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Work {
    /// One change, by its index in the plan.
    Change(usize),
    /// Every record change of one zone, sent as one change batch.
    Records(Vec<usize>),
    /// Every rule update of one listener that moves a priority: priorities move together (SetRulePriorities),
    /// so rules can trade places.
    Rules(Vec<usize>),
    /// Delete the target group a replace (the change at `change`) left behind, once nothing refers to it.
    RetireTargetGroup { change: usize, arn: String },
    /// Delete the load balancer a replace (the change at `change`) left behind, once everything else has moved
    /// to the new one.
    RetireLoadBalancer { change: usize, arn: String },
    /// Wait until a migration's new path serves (by its index in `Plan::migrations`): stage 2 of a migration.
    AwaitServing(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub work: Work,
    /// Indices of the steps that must finish first.
    pub after: Vec<usize>,
}

impl Step {
    pub fn changes(&self) -> Vec<usize> {
        match &self.work {
            Work::Change(index)
            | Work::RetireTargetGroup { change: index, .. }
            | Work::RetireLoadBalancer { change: index, .. } => vec![*index],
            Work::Records(indices) | Work::Rules(indices) => indices.clone(),
            Work::AwaitServing(_) => vec![],
        }
    }
}

/// The steps of a plan with their dependencies. Changes with nothing to call are left out.
pub fn schedule(plan: &Plan) -> Vec<Step> {
    let mut works = Vec::new();
    let mut batches: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut reorders: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, change) in plan.changes.iter().enumerate() {
        match &change.operation {
            Operation::RemovedWithParent => {}
            // A migration's record changes go in a batch of their own: they wait until its new path serves.
            Operation::Route53(Route53Op::ChangeRecords { zone, .. }) => {
                let stage = plan.stage_of(change).map(|(migration, _)| format!(" migration {migration}"));
                batches.entry(zone_key(zone) + &stage.unwrap_or_default()).or_default().push(index)
            }
            Operation::LoadBalancing(LoadBalancingOp::UpdateRule { listener, priority: Some(_), .. }) => {
                reorders.entry(listener.as_str()).or_default().push(index)
            }
            Operation::LoadBalancing(LoadBalancingOp::ReplaceTargetGroup { old_arn, .. }) => {
                works.push(Work::Change(index));
                works.push(Work::RetireTargetGroup { change: index, arn: old_arn.clone() });
            }
            Operation::LoadBalancing(LoadBalancingOp::ReplaceLoadBalancer { old_arn, .. }) => {
                works.push(Work::Change(index));
                works.push(Work::RetireLoadBalancer { change: index, arn: old_arn.clone() });
            }
            _ => works.push(Work::Change(index)),
        }
    }
    works.extend(batches.into_values().map(Work::Records));
    works.extend(reorders.into_values().map(Work::Rules));
    works.extend((0..plan.migrations.len()).map(Work::AwaitServing));
    let mut steps: Vec<Step> = works.into_iter().map(|work| Step { work, after: Vec::new() }).collect();
    // Computed once: a step's changes and a change's references (the pairwise checks below are many).
    let facts = Facts {
        changes: &plan.changes,
        references: plan.changes.iter().map(|change| change.operation.references()).collect(),
        step_changes: steps.iter().map(Step::changes).collect(),
    };
    let candidates = Candidates::new(&facts, &steps);
    let after: Vec<Vec<usize>> = (0..steps.len())
        .map(|later| {
            let mut after: Vec<usize> = candidates
                .of(&facts, &steps[later], later)
                .into_iter()
                .filter(|&earlier| {
                    earlier != later && must_follow(&facts, &steps[later], later, &steps[earlier], earlier)
                })
                .collect();
            after.sort_unstable();
            after.dedup();
            after
        })
        .collect();
    for (step, after) in steps.iter_mut().zip(after) {
        step.after = after;
    }
    super::staging::add_stage_edges(plan, &mut steps);
    steps
}

struct Facts<'a> {
    changes: &'a [Change],
    references: Vec<Vec<&'a Address>>,
    step_changes: Vec<Vec<usize>>,
}

fn zone_key(zone: &Ref) -> String {
    match zone {
        Ref::Known(id) => id.clone(),
        Ref::Of(address) => address.to_string(),
    }
}

/// Whether `later` must wait for `earlier`.
fn must_follow(facts: &Facts, later: &Step, later_index: usize, earlier: &Step, earlier_index: usize) -> bool {
    let changes = facts.changes;
    if matches!(later.work, Work::RetireLoadBalancer { .. }) {
        // The old load balancer goes last: after the new one, its listeners and rules, the records and ECS.
        return !matches!(earlier.work, Work::RetireTargetGroup { .. } | Work::RetireLoadBalancer { .. });
    }
    if let Work::RetireTargetGroup { change: retired, .. } = &later.work {
        if matches!(earlier.work, Work::RetireLoadBalancer { .. }) {
            return true;
        }
        let (retired, address) = (*retired, &changes[*retired].address);
        return facts.step_changes[earlier_index].iter().any(|&index| {
            let change = &changes[index];
            index == retired
                || facts.references[index].contains(&address)
                || is_routing(&change.address)
                || change.address.is_ecs()
        });
    }
    if matches!(earlier.work, Work::RetireTargetGroup { .. } | Work::RetireLoadBalancer { .. }) {
        return false;
    }
    facts.step_changes[later_index].iter().any(|&a| {
        facts.step_changes[earlier_index]
            .iter()
            .any(|&b| change_must_follow(&changes[a], &facts.references[a], &changes[b]))
    })
}

/// Whether change `later` (which refers to `later_references`) must wait for change `earlier`.
fn change_must_follow(later: &Change, later_references: &[&Address], earlier: &Change) -> bool {
    let creates = |change: &Change| matches!(change.action, Action::Create | Action::Replace);
    // What the plan does to an adopted resource was planned against it marked: the marks go first (a record's
    // change deletes the ownership TXT record adoption writes).
    if earlier.action == Action::Adopt {
        return later.action != Action::Adopt && later.address == earlier.address;
    }
    let is_ecs = |change: &Change| change.address.is_ecs();
    // Service Connect names its namespace, which must exist first.
    if is_ecs(later) && earlier.address == Address::Namespace && creates(earlier) && enables_connect(later) {
        return true;
    }
    // AWS rejects an ECS service whose target group is not yet on a load balancer.
    if is_ecs(later)
        && later.action != Action::Delete
        && earlier.action != Action::Delete
        && is_routing(&earlier.address)
    {
        return true;
    }
    match (later.action, earlier.action) {
        (Action::Delete, Action::Delete) => deleted_before(&earlier.address, &later.address),
        // What an ECS service lets go of (a target group, a rule, a Cloud Map service) goes only after it has. A
        // VPC Lattice target group in an ECS service's vpcLatticeConfigurations cannot be deleted ("You can't
        // delete a target group if it is used in a listener rule or if the target group creation is in
        // progress", https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_DeleteTargetGroup.html; ECS
        // keeps targets registered in it while the configuration names it).
        (Action::Delete, _) if is_ecs(earlier) => matches!(
            later.address,
            Address::DefaultTargetGroup(_)
                | Address::TargetGroup(_)
                | Address::ListenerRule(..)
                | Address::DiscoveryService(_)
                | Address::Namespace
                | Address::LatticeTargetGroup(_)
        ),
        // A Lattice target group goes once its listener forwards elsewhere (same source).
        (Action::Delete, _) if matches!(later.address, Address::LatticeTargetGroup(_)) => {
            matches!(earlier.address, Address::LatticeListener(_))
        }
        (Action::Delete, _) => is_target_group(&later.address) && is_routing(&earlier.address),
        (Action::Create, Action::Update) => {
            matches!(later.address, Address::ListenerRule(..)) && matches!(earlier.address, Address::ListenerRule(..))
        }
        (_, Action::Delete) => {
            // A freed rule priority, listener port or name may be what the later change needs; a VPC Lattice
            // resource made anew at the address of one deleted needs its name (unique in the account, a
            // listener's in its service) or its place (a VPC has one service network association). Not a target
            // group: its name changes with what it replaces for (`desired/lattice.rs`), and the old one goes only
            // once the new one has taken over.
            matches!(later.address, Address::ListenerRule(..)) && matches!(earlier.address, Address::ListenerRule(..))
                || matches!(later.address, Address::Listener(..)) && matches!(earlier.address, Address::Listener(..))
                || later.address.is_lattice()
                    && !matches!(later.address, Address::LatticeTargetGroup(_))
                    && later.address == earlier.address
        }
        _ => creates(earlier) && later_references.contains(&&earlier.address),
    }
}

/// Whether AWS wants `first` gone before `then` can be deleted.
fn deleted_before(first: &Address, then: &Address) -> bool {
    use Address::*;
    match then {
        HostedZone => matches!(first, DnsRecord(..)),
        Listener(..) => matches!(first, ListenerRule(..)),
        LoadBalancer(_) => matches!(first, Listener(..) | ListenerRule(..)),
        DefaultTargetGroup(_) | TargetGroup(_) => matches!(first, ListenerRule(..) | Listener(..) | LoadBalancer(_)),
        LoadBalancerSecurityGroup => matches!(first, LoadBalancer(_) | Ingress(_)),
        Namespace => matches!(first, DiscoveryService(_)),
        // "You can't delete a target group if it is used in a listener rule"
        // (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_DeleteTargetGroup.html); deleting the
        // service deletes its listeners.
        LatticeTargetGroup(_) => matches!(first, LatticeListener(_) | LatticeService(_)),
        // "A service can't be deleted if it's associated with a service network"
        // (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_DeleteService.html); its listener goes
        // first too, so that its target group's delete need not wait for the service.
        LatticeService(_) => matches!(first, LatticeAssociation(_) | LatticeListener(_)),
        // "You can only delete the service network if there is no service or VPC associated with it"
        // (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_DeleteServiceNetwork.html).
        LatticeServiceNetwork => matches!(first, LatticeAssociation(_) | LatticeVpcAssociation),
        _ => false,
    }
}

fn enables_connect(change: &Change) -> bool {
    matches!(&change.operation, Operation::Ecs(EcsOp::UpdateService(update)) if matches!(update.connect, Some(super::ConnectChange::Enable { .. })))
}

fn is_routing(address: &Address) -> bool {
    matches!(address, Address::Listener(..) | Address::ListenerRule(..))
}

fn is_target_group(address: &Address) -> bool {
    matches!(address, Address::DefaultTargetGroup(_) | Address::TargetGroup(_))
}

/// The steps in an order that respects every dependency; `None` if the dependencies form a cycle.
pub fn topological_order(steps: &[Step]) -> Option<Vec<usize>> {
    let mut done = vec![false; steps.len()];
    let mut order = Vec::new();
    while order.len() < steps.len() {
        let ready =
            (0..steps.len()).find(|&index| !done[index] && steps[index].after.iter().all(|&before| done[before]))?;
        done[ready] = true;
        order.push(ready);
    }
    Some(order)
}
