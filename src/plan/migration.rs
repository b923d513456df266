//! Moving a service between recipes (the load balancer, Cloud Map DNS discovery, ECS Service Connect, VPC Lattice)
//! with its name answering throughout. A plan that moves a service does it in four stages:
//!
//! 1. **wire the new path**: its resources are created, and the ECS service is updated to carry the new wiring
//!    *beside* the old. UpdateService takes `loadBalancers`, `serviceRegistries` and `serviceConnectConfiguration`
//!    in one request ("For services using the rolling update (ECS) you can update [...] load balancers, service
//!    registries [...] When you update any of these parameters, Amazon ECS starts new tasks with the new
//!    configuration"; of `loadBalancers`: "Amazon ECS starts new tasks with the updated Elastic Load Balancing
//!    configuration, and then stops the old tasks when the new tasks are running",
//!    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html), so the old tasks serve
//!    the old path until the new ones run; a move to or from VPC Lattice wires its service, listener, target group,
//!    association and auth policy beside the old path, and `vpcLatticeConfigurations` beside the old entries in
//!    the same update (API_UpdateService takes it with the others; it names "the target group(s) Amazon ECS tasks
//!    will be registered to", https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_VpcLatticeConfiguration.html);
//! 2. **wait until the new path serves**: the ECS deployment that update started is COMPLETED, no target of the
//!    new target group is `initial` or `unhealthy`, the Cloud Map service has instances, the VPC Lattice target
//!    group has the tasks registered and none `INITIAL` or `UNHEALTHY` (`Work::AwaitServing`);
//! 3. **move the name**: the Route 53 record goes (when leaving the load balancer, or a Lattice custom domain) or
//!    comes (when moving to either, only once the new path serves), or is pointed at the new path when its host
//!    stays;
//! 4. **retire the old path**: when stage 3 deleted or moved a record, first its TTL passes (resolvers may have
//!    cached it); then a second ECS update drops the old wiring, then the old rule, target group, ingress, Cloud
//!    Map service and Lattice service (with its listener, target group, association, policy and ingress) are
//!    deleted; leaving Lattice with its last service, the VPC's association with the service network too.
//!
//! There is no state file, so a migration is recognised from live state alone: the ECS service carries ecsnet's
//! wiring of a recipe the file no longer asks for, and the file asks for another. A half-done migration (the
//! service carries both) plans only what remains: the wait (at once if the new path serves), the move, the retire.
//!
//! **The name callers use** (`diff/ecs/names.rs`): the load balancer's is each host's record in the private zone
//! on its listener's port, resolved by every caller in the VPC; Cloud Map's is `<service>.<namespace>` on the
//! service's port, resolved by every caller in the VPC; Service Connect's is its client alias (`[service.connect]`
//! `dns_name` and `port`, default `<discovery_name>.<namespace>` on the service's port), resolved only in tasks of
//! ECS services with Service Connect in the namespace that started after the server's deployment; VPC Lattice's is
//! its custom domain (a CNAME in the private zone) or else the DNS name Lattice gives the service, on its listener
//! port, answered in VPCs associated with the service network to callers its auth policy admits. A move keeps the
//! name only between the load balancer and a Service Connect alias set to its host and listener port (and then
//! only for Service Connect clients) or a Lattice custom domain equal to its host on the listener's port; every
//! other move changes it. The plan says which, in a warning note. What the
//! stages keep is that the old name answers until the new path serves.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Action, Address, Change, Plan, Ref};

/// A way a service is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipe {
    LoadBalancer,
    CloudMap,
    ServiceConnect,
    Lattice,
}

impl fmt::Display for Recipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Recipe::LoadBalancer => "the load balancer",
            Recipe::CloudMap => "Cloud Map DNS",
            Recipe::ServiceConnect => "Service Connect",
            Recipe::Lattice => "VPC Lattice",
        })
    }
}

/// The stages of a migration, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum Stage {
    WireNewPath = 1,
    AwaitServing = 2,
    MoveName = 3,
    RetireOldPath = 4,
}

impl From<Stage> for u8 {
    fn from(stage: Stage) -> u8 {
        stage as u8
    }
}

impl TryFrom<u8> for Stage {
    type Error = String;

    fn try_from(number: u8) -> Result<Self, Self::Error> {
        Stage::ALL.into_iter().find(|stage| *stage as u8 == number).ok_or_else(|| format!("no stage {number}"))
    }
}

impl Stage {
    pub const ALL: [Stage; 4] = [Stage::WireNewPath, Stage::AwaitServing, Stage::MoveName, Stage::RetireOldPath];

    /// What the stage does, as the plan's headers say it.
    pub fn title(self) -> &'static str {
        match self {
            Stage::WireNewPath => "wire the new path beside the old",
            Stage::AwaitServing => "wait until the new path serves",
            Stage::MoveName => "move the name",
            Stage::RetireOldPath => "retire the old path",
        }
    }
}

/// One service moving from one recipe to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Migration {
    pub service: String,
    /// The recipes live state has and the file no longer asks for.
    pub from: Vec<Recipe>,
    /// The recipes the file asks for.
    pub to: Vec<Recipe>,
    /// What stage 2 waits for.
    pub serving: ServingCheck,
    /// Seconds to wait between stages 3 and 4 when the name moved away from a Route 53 record: the record's TTL,
    /// for resolvers that cached it to let go before the load balancer stops forwarding to the service.
    #[serde(default)]
    pub drain_seconds: Option<u64>,
}

/// What "the new path serves" means for one ECS service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServingCheck {
    pub cluster: String,
    /// The ECS service's name.
    pub ecs_service: String,
    /// The new target group, whose targets must pass their health checks.
    pub target_group: Option<Ref>,
    /// The new Cloud Map service (its ARN), which must have instances.
    pub registry: Option<Ref>,
    /// The new VPC Lattice target group, in which ECS must have registered the tasks, none `INITIAL` or
    /// `UNHEALTHY`. Absent from plans saved before Lattice moves were staged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lattice_target_group: Option<Ref>,
}

impl Migration {
    /// The stage a change of this plan belongs to in this migration, if it is one of its changes.
    pub fn stage_of(&self, change: &Change) -> Option<Stage> {
        if change.address.service() != Some(self.service.as_str()) {
            // Leaving VPC Lattice with the topology's last Lattice service, the VPC's association with the
            // service network (and the network ecsnet made) go too: callers reach the old path through the
            // association, so it goes with the old path, not before the new one serves.
            let shared_lattice = self.from.contains(&Recipe::Lattice)
                && change.action == Action::Delete
                && matches!(change.address, Address::LatticeVpcAssociation | Address::LatticeServiceNetwork);
            return shared_lattice.then_some(Stage::RetireOldPath);
        }
        Some(match (&change.address, change.action) {
            // Marks only, at once; what follows on the same resource waits for them (`order`).
            (_, Action::Adopt) => return None,
            (Address::EcsServiceRetire(_), _) => Stage::RetireOldPath,
            (Address::DnsRecord(..), _) => Stage::MoveName,
            (_, Action::Delete) => Stage::RetireOldPath,
            _ => Stage::WireNewPath,
        })
    }

    pub fn describe(&self) -> String {
        let names = |recipes: &[Recipe]| recipes.iter().map(ToString::to_string).collect::<Vec<_>>().join(" and ");
        format!("service {}: from {} to {}", self.service, names(&self.from), names(&self.to))
    }
}

impl Plan {
    /// The migration a change belongs to (its index) and its stage there.
    pub fn stage_of(&self, change: &Change) -> Option<(usize, Stage)> {
        self.migrations
            .iter()
            .enumerate()
            .find_map(|(index, migration)| migration.stage_of(change).map(|stage| (index, stage)))
    }

    /// The plan cut after stage 1 of every migration: what `apply --no-wait` carries out, for the later stages
    /// need the wait.
    pub fn through_first_stage(&self) -> Plan {
        let changes = self
            .changes
            .iter()
            .filter(|change| self.stage_of(change).is_none_or(|(_, stage)| stage == Stage::WireNewPath))
            .cloned()
            .collect();
        let mut notes = self.notes.clone();
        notes.push(super::Note::warning(format!(
            "--no-wait: only stage 1 of {} is carried out (the new path wired beside the old); the later stages need the wait until the new path serves, so the old path stays: run `ecsnet apply` without --no-wait to finish",
            self.migrations.iter().map(Migration::describe).collect::<Vec<_>>().join("; ")
        )));
        Plan { topology: self.topology.clone(), changes, notes, migrations: Vec::new() }
    }

    /// Whether some change waits for a migration's new path to serve.
    pub fn has_later_stages(&self) -> bool {
        self.changes.iter().any(|change| self.stage_of(change).is_some_and(|(_, stage)| stage > Stage::AwaitServing))
    }
}
