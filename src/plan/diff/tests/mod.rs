//! Planner tests: no network, live state built with the observed-state builder. The fixtures here, the tests by
//! topic: apply, ownership, the network, destroy, the load balancer, shards and attributes.

mod apply;
mod attributes;
mod destroy;
mod load_balancer;
mod network;
mod ownership;
mod shards;
pub(in crate::plan) mod wiring;

use crate::live::*;
use crate::plan::{Action, Address, Plan};
use crate::test_support::{ingress, security_group, subnet, ObservedBuilder, TopologyBuilder};

use crate::test_support::{planned, simulate};

/// One service behind an internal load balancer, its name in a private zone.
pub(in crate::plan) fn seed() -> TopologyBuilder {
    TopologyBuilder::new("demo")
        .vpc("demo-vpc")
        .subnets(["private-a", "private-b"])
        .load_balancer()
        .dns("in.example.com")
        .service("service-a", |service| {
            service
                .health_check(|check| check.path("/application-status/health").interval(5).timeout(4).thresholds(2, 10))
        })
}

/// The tasks' group of service-a, with a rule of the user's own.
fn tasks_group() -> SecurityGroup {
    SecurityGroup {
        rules: vec![ingress("sgr-user", "tcp", 22, Peer::Cidr("10.9.0.0/16".into()))],
        ..security_group("sg-tasks", "service-a-tasks")
    }
}

/// A VPC with two subnets in two zones and the tasks' group, before ecsnet ran.
fn account() -> ObservedBuilder {
    ObservedBuilder::new().vpc("vpc-1").subnet(subnet("subnet-b", Some("private-b"), "us-east-1b")).subnet(subnet(
        "subnet-a",
        Some("private-a"),
        "us-east-1a",
    ))
}

pub(in crate::plan) fn empty_account() -> Observed {
    account().security_group(tasks_group()).build()
}

/// The account as AWS leaves it after `apply` of `seed()`.
fn converged_account() -> Observed {
    let plan = planned(&seed().build(), &empty_account()).unwrap();
    simulate(&plan, &empty_account())
}

fn addresses(plan: &Plan, action: Action) -> Vec<String> {
    plan.changes.iter().filter(|change| change.action == action).map(|change| change.address.to_string()).collect()
}

fn change_of<'p>(plan: &'p Plan, address: &Address) -> &'p crate::plan::Change {
    plan.changes.iter().find(|change| change.address == *address).unwrap_or_else(|| panic!("no change for {address}"))
}
