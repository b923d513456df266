//! A service moving between recipes (`plan::migration`): recognised from live state alone, its first ECS update
//! keeps the old wiring beside the new, and a second one (`Address::EcsServiceRetire`) drops the old wiring once
//! the new path serves. The plan warns which name callers must move to: no move keeps it identical. VPC Lattice is
//! a recipe like the others: its `vpcLatticeConfigurations` entry is kept beside the new wiring, or added beside
//! the old, until the retiring update.

use std::collections::BTreeMap;

use crate::live::EcsService;
use crate::plan::desired::{Desired, DesiredEcs};
use crate::plan::{
    Action, Address, ConnectChange, EcsLoadBalancerSpec, EcsOp, EcsRegistrySpec, FieldChange, LatticeConfigSpec,
    Migration, Note, Operation, Recipe, Ref, ServingCheck,
};

use super::super::lattice::LatticeRefs;
use super::connect::{connect_is_ours, current, describe};
use super::names::name_note;
use super::{list, Ours, Planner};
use crate::live::DeploymentController;

/// What live state has of ecsnet's wiring that the file no longer asks for, while it asks for another recipe:
/// the old path, kept until the new one serves. Nothing when the service does not move.
pub(super) struct Keep {
    pub load_balancer: bool,
    pub cloud_map: bool,
    pub service_connect: bool,
    pub lattice: bool,
    /// The recipes the file asks for.
    to: Vec<Recipe>,
}

impl Keep {
    pub fn of(wanted: &DesiredEcs, live: &EcsService, ours: &Ours, namespace: Option<&str>) -> Keep {
        let has_load_balancer = live
            .load_balancers
            .iter()
            .any(|entry| entry.target_group_arn.as_deref().is_some_and(|arn| ours.groups.contains(arn)));
        let has_registry = live.registries.iter().any(|entry| ours.registries.contains(entry.arn.as_str()));
        let has_lattice =
            live.lattice.iter().any(|entry| ours.lattice.owned_target_groups.contains(&entry.target_group_arn));
        let wants_connect = wanted.connect.is_some() && namespace.is_some();
        let wants_lattice = wanted.lattice.is_some() && ours.lattice.target_groups.contains_key(&wanted.service);
        let to: Vec<Recipe> = [
            (wanted.load_balanced, Recipe::LoadBalancer),
            (wanted.discovery.is_some(), Recipe::CloudMap),
            (wants_connect, Recipe::ServiceConnect),
            (wants_lattice, Recipe::Lattice),
        ]
        .into_iter()
        .filter_map(|(wants, recipe)| wants.then_some(recipe))
        .collect();
        // Without a new path to move to, the old one simply goes, as before.
        let moving = !to.is_empty();
        Keep {
            load_balancer: moving && has_load_balancer && !wanted.load_balanced,
            cloud_map: moving && has_registry && wanted.discovery.is_none(),
            service_connect: moving && connect_is_ours(live) && !wants_connect,
            lattice: moving && has_lattice && !wants_lattice,
            to,
        }
    }

    pub fn any(&self) -> bool {
        self.load_balancer || self.cloud_map || self.service_connect || self.lattice
    }

    fn from(&self) -> Vec<Recipe> {
        [
            (self.load_balancer, Recipe::LoadBalancer),
            (self.cloud_map, Recipe::CloudMap),
            (self.service_connect, Recipe::ServiceConnect),
            (self.lattice, Recipe::Lattice),
        ]
        .into_iter()
        .filter_map(|(kept, recipe)| kept.then_some(recipe))
        .collect()
    }
}

/// What stage 2 waits for: the ECS service's deployment, and the new target group's targets, Cloud Map service or
/// VPC Lattice target group's targets.
pub(super) fn serving_check(
    wanted: &DesiredEcs,
    live: &EcsService,
    target_groups: &BTreeMap<Address, Ref>,
    registries: &BTreeMap<String, Ref>,
    lattice: &LatticeRefs,
) -> ServingCheck {
    ServingCheck {
        cluster: live.cluster.clone(),
        ecs_service: live.name.clone(),
        target_group: target_groups.get(&Address::TargetGroup(wanted.service.clone())).cloned(),
        registry: registries.get(&wanted.service).cloned(),
        lattice_target_group: wanted.lattice.as_ref().and_then(|_| lattice.target_groups.get(&wanted.service)).cloned(),
    }
}

impl Planner<'_> {
    /// Records the migration, plans the ECS update that retires the old wiring, and warns about the name.
    pub(super) fn migrate(
        &mut self,
        wanted: &DesiredEcs,
        live: &EcsService,
        ours: &Ours,
        keep: &Keep,
        serving: ServingCheck,
        desired: &Desired,
    ) {
        // Leaving the load balancer, or a Lattice custom domain whose record stage 3 deletes or repoints, callers
        // may hold the record in their resolvers' caches for its TTL.
        let moves_record = self.changes.iter().any(|change| {
            matches!(&change.address, Address::DnsRecord(service, _) if *service == wanted.service)
                && matches!(change.action, Action::Delete | Action::Update)
        });
        let drain_seconds = desired
            .zone
            .as_ref()
            .filter(|_| keep.load_balancer || (keep.lattice && moves_record))
            .map(|zone| u64::try_from(zone.ttl).unwrap_or(0));
        let migration = Migration {
            service: wanted.service.clone(),
            from: keep.from(),
            to: keep.to.clone(),
            serving,
            drain_seconds,
        };
        self.retire_old_wiring(wanted, live, ours, keep);
        let note = name_note(self, wanted, live, &migration, desired);
        self.notes.push(Note::warning(note));
        self.migrations.push(migration);
    }

    /// The second ECS update: the old path's wiring dropped, everything else as it is.
    fn retire_old_wiring(&mut self, wanted: &DesiredEcs, live: &EcsService, ours: &Ours, keep: &Keep) {
        let mut fields = Vec::new();
        let load_balancers = keep.load_balancer.then(|| {
            let kept: Vec<_> = live
                .load_balancers
                .iter()
                .filter(|entry| !entry.target_group_arn.as_deref().is_some_and(|arn| ours.groups.contains(arn)))
                .cloned()
                .collect();
            let label =
                |entries: &[crate::live::EcsLoadBalancer]| list(entries.iter().map(|entry| self.entry_label(entry)));
            fields.push(FieldChange::changed("load_balancers", label(&live.load_balancers), label(&kept)));
            kept.into_iter().map(EcsLoadBalancerSpec::Kept).collect()
        });
        let registries = keep.cloud_map.then(|| {
            let kept: Vec<_> =
                live.registries.iter().filter(|entry| !ours.registries.contains(entry.arn.as_str())).collect();
            let label = |entries: Vec<&crate::live::EcsRegistry>| {
                list(entries.into_iter().map(|entry| self.registry_label(&Ref::Known(entry.arn.clone()))))
            };
            fields.push(FieldChange::changed(
                "service_registries",
                label(live.registries.iter().collect()),
                label(kept.clone()),
            ));
            kept.into_iter()
                .map(|entry| EcsRegistrySpec {
                    registry: Ref::Known(entry.arn.clone()),
                    port: entry.port,
                    container: entry.container.clone(),
                    container_port: entry.container_port,
                })
                .collect()
        });
        let connect = keep.service_connect.then(|| {
            fields.push(FieldChange::changed("service_connect", describe(current(live).as_ref()), "(off)"));
            ConnectChange::Disable
        });
        let lattice = keep.lattice.then(|| {
            let kept: Vec<_> = live
                .lattice
                .iter()
                .filter(|entry| !ours.lattice.owned_target_groups.contains(&entry.target_group_arn))
                .collect();
            let label = |entries: Vec<&crate::live::EcsLatticeConfig>| {
                list(entries.into_iter().map(|entry| self.lattice_label(&entry.target_group_arn, &entry.port_name)))
            };
            fields.push(FieldChange::changed("vpc_lattice", label(live.lattice.iter().collect()), label(kept.clone())));
            kept.into_iter()
                .map(|entry| LatticeConfigSpec {
                    target_group: Ref::Known(entry.target_group_arn.clone()),
                    port_name: entry.port_name.clone(),
                    role_arn: entry.role_arn.clone(),
                })
                .collect()
        });
        if !live.deployment_controller.is(DeploymentController::Ecs) {
            self.controller_refuses(
                wanted,
                live,
                keep.load_balancer,
                keep.cloud_map,
                keep.service_connect,
                keep.lattice,
            );
            return;
        }
        let mut update = super::update_of(live, load_balancers, registries, connect);
        update.lattice = lattice;
        self.push(
            Address::EcsServiceRetire(wanted.service.clone()),
            Action::Update,
            format!("{}/{}", live.cluster, live.name),
            fields,
            Operation::Ecs(EcsOp::UpdateService(update)),
        );
    }
}
