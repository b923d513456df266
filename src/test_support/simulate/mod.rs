//! What an apply leaves in live state, without a network: `simulate(plan, observed)` carries out a plan's steps
//! on the observed state in the executor's order, as AWS and the executor would (ownership tags on what is
//! created, IDs and ARNs made up, references to what the same apply creates resolved), so that a planner test can
//! check the invariant every emulator test checks against moto: after apply, the plan is empty; after destroy,
//! nothing the topology owns is left.

mod discovery;
mod dns;
mod lattice;
mod listeners;
mod load_balancing;
mod network;

use std::collections::HashMap;

use crate::live::{Observed, Tags};
use crate::plan::ownership::{attributes_tag_value, ADDRESS_TAG, ATTRIBUTES_TAG, TOPOLOGY_TAG};
use crate::plan::{schedule, topological_order, Address, Change, EcsOp, ManagedAttributes, Operation, Plan, Ref, Work};

/// Live state after `plan` is applied to `observed`.
pub fn simulate(plan: &Plan, observed: &Observed) -> Observed {
    let mut account = Account { state: observed.clone(), topology: &plan.topology, created: HashMap::new(), next: 0 };
    let steps = schedule(plan);
    let order = topological_order(&steps).expect("a plan's steps have an order");
    for index in order {
        match &steps[index].work {
            Work::Change(change) => account.apply(&plan.changes[*change]),
            Work::Records(changes) | Work::Rules(changes) => {
                changes.iter().for_each(|change| account.apply(&plan.changes[*change]))
            }
            Work::RetireTargetGroup { arn, .. } => account.state.target_groups.retain(|group| group.arn != *arn),
            Work::RetireLoadBalancer { arn, .. } => account.state.load_balancers.retain(|live| live.arn != *arn),
            // The new path serves at once here: nothing to wait for.
            Work::AwaitServing(_) => {}
        }
    }
    account.state
}

struct Account<'a> {
    state: Observed,
    topology: &'a str,
    /// The ID or ARN of what this apply created, by address, as the executor records it.
    created: HashMap<Address, String>,
    next: usize,
}

impl Account<'_> {
    /// A made-up ID that names what it is and where (`sg-load_balancer.security_group-1`), unique in the run.
    fn new_id(&mut self, prefix: &str, address: &Address) -> String {
        self.next += 1;
        format!("{prefix}-{address}-{}", self.next)
    }

    fn resolve(&self, reference: &Ref) -> String {
        match reference {
            Ref::Known(id) => id.clone(),
            Ref::Of(address) => self.created.get(address).cloned().unwrap_or_else(|| {
                panic!("{address} is referred to before this apply created it: the plan's order is wrong")
            }),
        }
    }

    fn ownership(&self, address: &Address) -> Tags {
        Tags::from([
            (TOPOLOGY_TAG.to_string(), self.topology.to_string()),
            (ADDRESS_TAG.to_string(), address.to_string()),
        ])
    }

    fn apply(&mut self, change: &Change) {
        let address = &change.address;
        match &change.operation {
            Operation::Ec2(operation) => self.network(address, operation),
            Operation::LoadBalancing(operation) => self.load_balancing(address, operation),
            Operation::Route53(operation) => self.dns(address, operation),
            Operation::CloudMap(operation) => self.discovery(address, operation),
            Operation::Ecs(EcsOp::UpdateService(update)) => self.update_ecs_service(update),
            Operation::Lattice(operation) => self.lattice(address, operation),
            Operation::Adopt(mark) => mark.apply_to(&mut self.state),
            Operation::RemovedWithParent => {}
        }
    }
}

/// The attributes tag after an update: the names ecsnet manages from now on.
fn set_managed(tags: &mut Tags, managed: Option<&ManagedAttributes>) {
    let Some(managed) = managed else { return };
    if managed.after.is_empty() {
        tags.remove(ATTRIBUTES_TAG);
    } else {
        tags.insert(ATTRIBUTES_TAG.into(), attributes_tag_value(&managed.after));
    }
}
