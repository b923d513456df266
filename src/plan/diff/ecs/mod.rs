//! Wiring running ECS services: their target group (load balancers), their Cloud Map registry (service
//! registries) and Service Connect. ecsnet never creates or deletes ECS services; it updates them, keeping every
//! load balancer and registry that is not its own, and on destroy takes back only what it added.

pub(crate) mod connect;
mod migration;
pub(crate) mod missing;
mod names;
mod refusals;

use std::collections::{BTreeMap, BTreeSet};

use crate::live::{EcsLatticeConfig, EcsLoadBalancer, EcsRegistry, EcsService};
use crate::plan::desired::{Desired, DesiredEcs};
use crate::plan::ownership::owned_by;
use crate::plan::ownership::parse_resource_description;
use crate::plan::{
    Action, Address, ConnectChange, EcsLoadBalancerSpec, EcsOp, EcsRegistrySpec, EcsUpdate, FieldChange,
    LatticeConfigSpec, Operation, Ref, KNOWN_AFTER_APPLY,
};
use crate::topology::{RecordType, TargetType};

use super::lattice::LatticeRefs;
use super::Planner;
use crate::live::DeploymentController;
use connect::connect_change;
use migration::Keep;

/// The ARNs of the target groups and Cloud Map services this topology owns: entries of theirs on an ECS service
/// are ecsnet's, every other entry goes back as read.
struct Ours<'a> {
    groups: BTreeSet<&'a str>,
    registries: BTreeSet<&'a str>,
    /// The Lattice target groups, the topology's and the ones this plan makes.
    lattice: &'a LatticeRefs,
}

impl<'a> Planner<'a> {
    pub(super) fn ecs(
        &mut self,
        desired: &Desired,
        target_groups: &BTreeMap<Address, Ref>,
        registries: &BTreeMap<String, Ref>,
        lattice: &LatticeRefs,
    ) {
        let observed = self.observed;
        let topology = self.topology;
        let ours = Ours {
            groups: observed
                .target_groups
                .iter()
                .filter(|group| owned_by(&group.tags, topology))
                .map(|group| group.arn.as_str())
                .collect(),
            registries: observed
                .discovery_services
                .iter()
                .filter(|service| parse_resource_description(service.description.as_deref(), topology).is_some())
                .map(|service| service.arn.as_str())
                .collect(),
            lattice,
        };
        for wanted in &desired.ecs_services {
            let Some(live) = self.live_ecs_service(wanted) else { continue };
            self.ecs_service(wanted, live, &ours, target_groups, registries, desired);
        }
    }

    /// The ECS service the file names; a problem when there is none, for ecsnet never creates one.
    fn live_ecs_service(&mut self, wanted: &DesiredEcs) -> Option<&'a EcsService> {
        let live = self
            .observed
            .ecs_services
            .iter()
            .find(|live| live.cluster == wanted.wiring.cluster && live.name == wanted.wiring.service);
        if live.is_none() {
            self.problems.push(missing::missing(wanted, &self.observed.ecs_catalog));
        }
        live
    }

    /// One ECS service's update: its load balancers, registries and Service Connect, unless ECS would refuse it.
    /// When the service moves between recipes, this update keeps the old wiring beside the new, and a second one
    /// (`migration.rs`) drops it once the new path serves.
    fn ecs_service(
        &mut self,
        wanted: &DesiredEcs,
        live: &EcsService,
        ours: &Ours,
        target_groups: &BTreeMap<Address, Ref>,
        registries: &BTreeMap<String, Ref>,
        desired: &Desired,
    ) {
        let namespace = desired.namespace.as_deref();
        let problems_before = self.problems.len();
        self.one_registry(wanted, live, &ours.registries);
        self.task_definition_fits(wanted, live);
        let keep = Keep::of(wanted, live, ours, namespace);
        let mut fields = Vec::new();
        let load_balancers =
            self.load_balancers(wanted, live, &ours.groups, target_groups, keep.load_balancer, &mut fields);
        let registries_change =
            self.registries(wanted, live, &ours.registries, registries, keep.cloud_map, &mut fields);
        let connect = connect_change(wanted, live, namespace, keep.service_connect, &mut fields);
        let lattice_configs = self.lattice_configs(wanted, live, ours.lattice, keep.lattice, &mut fields);
        if !fields.is_empty() && !live.deployment_controller.is(DeploymentController::Ecs) {
            self.controller_refuses(
                wanted,
                live,
                load_balancers.is_some(),
                registries_change.is_some(),
                connect.is_some(),
                lattice_configs.is_some(),
            );
        }
        if self.problems.len() > problems_before {
            return;
        }
        if keep.any() {
            let serving = migration::serving_check(wanted, live, target_groups, registries, ours.lattice);
            self.migrate(wanted, live, ours, &keep, serving, desired);
        }
        if fields.is_empty() {
            return;
        }
        let registries = registries_change;
        let mut update = update_of(live, load_balancers, registries, connect);
        update.lattice = lattice_configs;
        let address = Address::EcsService(wanted.service.clone());
        self.push(
            address,
            Action::Update,
            format!("{}/{}", live.cluster, live.name),
            fields,
            Operation::Ecs(EcsOp::UpdateService(update)),
        );
    }

    fn load_balancers(
        &self,
        wanted: &DesiredEcs,
        live: &EcsService,
        ours: &BTreeSet<&str>,
        target_groups: &BTreeMap<Address, Ref>,
        keep_own: bool,
        fields: &mut Vec<FieldChange>,
    ) -> Option<Vec<EcsLoadBalancerSpec>> {
        // A migration keeps ecsnet's own entry until its new path serves.
        let is_ours = |entry: &EcsLoadBalancer| {
            !keep_own && entry.target_group_arn.as_deref().is_some_and(|arn| ours.contains(arn))
        };
        // Every entry ecsnet does not own goes back exactly as read: other target groups, Classic Load Balancers,
        // blue/green settings (advancedConfiguration).
        let mut specs: Vec<EcsLoadBalancerSpec> = live
            .load_balancers
            .iter()
            .filter(|entry| !is_ours(entry))
            .cloned()
            .map(EcsLoadBalancerSpec::Kept)
            .collect();
        if wanted.load_balanced {
            let group = target_groups.get(&Address::TargetGroup(wanted.service.clone()))?;
            specs.push(EcsLoadBalancerSpec::Own {
                target_group: group.clone(),
                container: wanted.wiring.container.clone(),
                port: wanted.port.into(),
            });
        }
        let wanted_set: Option<BTreeSet<EcsLoadBalancer>> = specs
            .iter()
            .map(|spec| match spec {
                EcsLoadBalancerSpec::Own { target_group: Ref::Known(arn), container, port } => {
                    Some(EcsLoadBalancer::target_group(arn, container, *port))
                }
                EcsLoadBalancerSpec::Own { .. } => None,
                EcsLoadBalancerSpec::Kept(entry) => Some(entry.clone()),
            })
            .collect();
        let live_set: BTreeSet<EcsLoadBalancer> = live.load_balancers.iter().cloned().collect();
        if wanted_set.as_ref() == Some(&live_set) && live_set.len() == live.load_balancers.len() {
            return None;
        }
        let describe = |spec: &EcsLoadBalancerSpec| match spec {
            EcsLoadBalancerSpec::Own { target_group, container, port } => {
                format!("{} → {container}:{port}", self.group_label(target_group))
            }
            EcsLoadBalancerSpec::Kept(entry) => self.entry_label(entry),
        };
        let old = live.load_balancers.iter().map(|entry| self.entry_label(entry));
        fields.push(FieldChange::changed("load_balancers", list(old), list(specs.iter().map(describe))));
        Some(specs)
    }

    fn registries(
        &self,
        wanted: &DesiredEcs,
        live: &EcsService,
        ours: &BTreeSet<&str>,
        registries: &BTreeMap<String, Ref>,
        keep_own: bool,
        fields: &mut Vec<FieldChange>,
    ) -> Option<Vec<EcsRegistrySpec>> {
        let mut specs: Vec<EcsRegistrySpec> = live
            .registries
            .iter()
            .filter(|entry| keep_own || !ours.contains(entry.arn.as_str()))
            .map(|entry| EcsRegistrySpec {
                registry: Ref::Known(entry.arn.clone()),
                port: entry.port,
                container: entry.container.clone(),
                container_port: entry.container_port,
            })
            .collect();
        if let (Some(record), Some(registry)) = (wanted.discovery, registries.get(&wanted.service)) {
            specs.push(own_registry(wanted, record, registry));
        }
        let wanted_set: Option<BTreeSet<EcsRegistry>> = specs
            .iter()
            .map(|spec| match &spec.registry {
                Ref::Known(arn) => Some(EcsRegistry {
                    arn: arn.clone(),
                    port: spec.port,
                    container: spec.container.clone(),
                    container_port: spec.container_port,
                }),
                Ref::Of(_) => None,
            })
            .collect();
        let live_set: BTreeSet<EcsRegistry> = live.registries.iter().cloned().collect();
        if wanted_set.as_ref() == Some(&live_set) && live_set.len() == live.registries.len() {
            return None;
        }
        let old = live.registries.iter().map(|entry| self.registry_label(&Ref::Known(entry.arn.clone())));
        fields.push(FieldChange::changed(
            "service_registries",
            list(old),
            list(specs.iter().map(|spec| self.registry_label(&spec.registry))),
        ));
        Some(specs)
    }

    /// The ECS service's `vpcLatticeConfigurations`: every entry ecsnet does not own as read, and, for a Lattice
    /// service, ecsnet's: its target group, the task definition's port name, the infrastructure role. `None` when
    /// they are as wanted. A migration away from Lattice keeps ecsnet's own entry until its new path serves.
    fn lattice_configs(
        &self,
        wanted: &DesiredEcs,
        live: &EcsService,
        lattice: &LatticeRefs,
        keep_own: bool,
        fields: &mut Vec<FieldChange>,
    ) -> Option<Vec<LatticeConfigSpec>> {
        let mut specs: Vec<LatticeConfigSpec> = live
            .lattice
            .iter()
            .filter(|entry| keep_own || !lattice.owned_target_groups.contains(&entry.target_group_arn))
            .map(|entry| LatticeConfigSpec {
                target_group: Ref::Known(entry.target_group_arn.clone()),
                port_name: entry.port_name.clone(),
                role_arn: entry.role_arn.clone(),
            })
            .collect();
        if let (Some(own), Some(group)) = (&wanted.lattice, lattice.target_groups.get(&wanted.service)) {
            specs.push(LatticeConfigSpec {
                target_group: group.clone(),
                port_name: own.port_name.clone(),
                role_arn: own.role_arn.clone(),
            });
        }
        let wanted_set: Option<BTreeSet<EcsLatticeConfig>> = specs
            .iter()
            .map(|spec| match &spec.target_group {
                Ref::Known(arn) => Some(EcsLatticeConfig {
                    role_arn: spec.role_arn.clone(),
                    target_group_arn: arn.clone(),
                    port_name: spec.port_name.clone(),
                }),
                Ref::Of(_) => None,
            })
            .collect();
        let live_set: BTreeSet<EcsLatticeConfig> = live.lattice.iter().cloned().collect();
        if wanted_set.as_ref() == Some(&live_set) && live_set.len() == live.lattice.len() {
            return None;
        }
        let label = |target_group: &Ref, port_name: &str| match target_group {
            Ref::Known(arn) => self.lattice_label(arn, port_name),
            Ref::Of(address) => format!("{address} {KNOWN_AFTER_APPLY} ← port {port_name}"),
        };
        let old = live.lattice.iter().map(|entry| self.lattice_label(&entry.target_group_arn, &entry.port_name));
        let new = specs.iter().map(|spec| label(&spec.target_group, &spec.port_name));
        fields.push(FieldChange::changed("vpc_lattice", list(old), list(new)));
        Some(specs)
    }

    /// A `vpcLatticeConfigurations` entry as the plan shows it: the target group's name (or ARN) and the port name.
    fn lattice_label(&self, target_group_arn: &str, port_name: &str) -> String {
        let group = self
            .observed
            .lattice
            .target_groups
            .iter()
            .find(|group| group.arn == target_group_arn)
            .map_or(target_group_arn, |group| group.name.as_str());
        format!("{group} ← port {port_name}")
    }

    /// A registry as the plan shows it: the Cloud Map service's name, its ARN, or its address until it exists.
    fn registry_label(&self, reference: &Ref) -> String {
        match reference {
            Ref::Known(arn) => self
                .observed
                .discovery_services
                .iter()
                .find(|service| service.arn == *arn)
                .map_or_else(|| arn.clone(), |service| service.name.clone()),
            Ref::Of(address) => format!("{address} {KNOWN_AFTER_APPLY}"),
        }
    }

    /// A load balancer entry as read: its target group (or Classic Load Balancer), container and port.
    fn entry_label(&self, entry: &EcsLoadBalancer) -> String {
        let target = match (&entry.target_group_arn, &entry.load_balancer_name) {
            (Some(arn), _) => self.group_label(&Ref::Known(arn.clone())),
            (None, Some(name)) => format!("classic {name}"),
            (None, None) => "(no load balancer)".into(),
        };
        let blue_green = if entry.advanced.is_some() { " (blue/green)" } else { "" };
        format!("{target} → {}{blue_green}", entry.container_port())
    }

    fn group_label(&self, reference: &Ref) -> String {
        match reference {
            Ref::Known(arn) => self
                .observed
                .target_groups
                .iter()
                .find(|group| group.arn == *arn)
                .map_or_else(|| arn.clone(), |group| group.name.clone()),
            Ref::Of(address) => format!("{address} {KNOWN_AFTER_APPLY}"),
        }
    }
}

/// ecsnet's registry entry: SRV records name a port (the task's, or, for instance targets, the container's).
/// The update of `live` that sets these parts (`None`: left as they are).
fn update_of(
    live: &EcsService,
    load_balancers: Option<Vec<EcsLoadBalancerSpec>>,
    registries: Option<Vec<EcsRegistrySpec>>,
    connect: Option<ConnectChange>,
) -> EcsUpdate {
    EcsUpdate {
        lattice: None,
        cluster: live.cluster.clone(),
        service: live.name.clone(),
        arn: live.arn.clone(),
        load_balancers,
        registries,
        connect,
    }
}

fn own_registry(wanted: &DesiredEcs, record: RecordType, registry: &Ref) -> EcsRegistrySpec {
    let port = i32::from(wanted.port);
    let (port, container, container_port) = match (record, wanted.target_type) {
        (RecordType::A, _) => (None, None, None),
        (RecordType::Srv, TargetType::Ip) => (Some(port), None, None),
        (RecordType::Srv, TargetType::Instance) => (None, Some(wanted.wiring.container.clone()), Some(port)),
    };
    EcsRegistrySpec { registry: registry.clone(), port, container, container_port }
}

fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "(none)".into()
    } else {
        items.join(", ")
    }
}
