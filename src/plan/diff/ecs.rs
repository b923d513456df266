//! Wiring running ECS services: their target group (load balancers), their Cloud Map registry (service
//! registries) and Service Connect. ecsnet never creates or deletes ECS services; it updates them, keeping every
//! load balancer and registry that is not its own, and on destroy takes back only what it added.

use std::collections::{BTreeMap, BTreeSet};

use crate::observed::{owned_by, EcsLoadBalancer, EcsRegistry, EcsService, ServiceConnect};
use crate::plan::desired::{Desired, DesiredEcs};
use crate::plan::ownership::{parse_resource_description, SERVICE_CONNECT_TAG};
use crate::plan::{Action, Address, ConnectChange, EcsLoadBalancerSpec, EcsRegistrySpec, EcsUpdate, FieldChange, Operation, Ref, KNOWN_AFTER_APPLY};
use crate::topology::{RecordType, TargetType};

use super::{Planner, Problem};

impl Planner<'_> {
    pub(super) fn ecs(&mut self, desired: &Desired, target_groups: &BTreeMap<Address, Ref>, registries: &BTreeMap<String, Ref>) {
        let observed = self.observed;
        let topology = self.topology;
        let our_groups: BTreeSet<&str> = observed.target_groups.iter().filter(|group| owned_by(&group.tags, topology)).map(|group| group.arn.as_str()).collect();
        let our_registries: BTreeSet<&str> = observed
            .discovery_services
            .iter()
            .filter(|service| parse_resource_description(service.description.as_deref(), topology).is_some())
            .map(|service| service.arn.as_str())
            .collect();
        for wanted in &desired.ecs_services {
            let address = Address::EcsService(wanted.service.clone());
            let Some(live) = observed.ecs_services.iter().find(|live| live.cluster == wanted.wiring.cluster && live.name == wanted.wiring.service) else {
                self.problems.push(Problem::new(
                    format!("{address}: no ECS service \"{}\" in cluster \"{}\"", wanted.wiring.service, wanted.wiring.cluster),
                    "ecsnet wires existing ECS services and never creates them: check [service.ecs] cluster and service, and the region",
                ));
                continue;
            };
            let mut fields = Vec::new();
            let load_balancers = self.load_balancers(wanted, live, &our_groups, target_groups, &mut fields);
            if load_balancers.is_some() && live.deployment_controller != "ECS" {
                self.problems.push(Problem::new(
                    format!("{address}: ECS service {} uses the {} deployment controller, which cannot change its load balancers", live.name, live.deployment_controller),
                    "attach the target group through that controller (for CODE_DEPLOY, its deployment group), or remove this service's [service.ecs] table",
                ));
                continue;
            }
            let registries = self.registries(wanted, live, &our_registries, registries, &mut fields);
            let connect = connect_change(wanted, live, desired.namespace.as_deref(), &mut fields);
            if fields.is_empty() {
                continue;
            }
            let update = EcsUpdate { cluster: live.cluster.clone(), service: live.name.clone(), arn: live.arn.clone(), load_balancers, registries, connect };
            self.push(address, Action::Update, format!("{}/{}", live.cluster, live.name), fields, Operation::UpdateEcsService(update));
        }
    }

    fn load_balancers(&self, wanted: &DesiredEcs, live: &EcsService, ours: &BTreeSet<&str>, target_groups: &BTreeMap<Address, Ref>, fields: &mut Vec<FieldChange>) -> Option<Vec<EcsLoadBalancerSpec>> {
        let mut specs: Vec<EcsLoadBalancerSpec> = live
            .load_balancers
            .iter()
            .filter(|entry| !ours.contains(entry.target_group_arn.as_str()))
            .map(|entry| EcsLoadBalancerSpec { target_group: Ref::Known(entry.target_group_arn.clone()), container: entry.container.clone(), port: entry.port })
            .collect();
        if wanted.load_balanced {
            let group = target_groups.get(&Address::TargetGroup(wanted.service.clone()))?;
            specs.push(EcsLoadBalancerSpec { target_group: group.clone(), container: wanted.wiring.container.clone(), port: wanted.port.into() });
        }
        let wanted_set: Option<BTreeSet<EcsLoadBalancer>> = specs
            .iter()
            .map(|spec| match &spec.target_group {
                Ref::Known(arn) => Some(EcsLoadBalancer { target_group_arn: arn.clone(), container: spec.container.clone(), port: spec.port }),
                Ref::Of(_) => None,
            })
            .collect();
        let live_set: BTreeSet<EcsLoadBalancer> = live.load_balancers.iter().cloned().collect();
        if wanted_set.as_ref() == Some(&live_set) && live_set.len() == live.load_balancers.len() {
            return None;
        }
        let describe = |spec: &EcsLoadBalancerSpec| format!("{} → {}:{}", self.group_label(&spec.target_group), spec.container, spec.port);
        let old = live.load_balancers.iter().map(|entry| format!("{} → {}:{}", self.group_label(&Ref::Known(entry.target_group_arn.clone())), entry.container, entry.port));
        fields.push(FieldChange::changed("load_balancers", list(old), list(specs.iter().map(describe))));
        Some(specs)
    }

    fn registries(&self, wanted: &DesiredEcs, live: &EcsService, ours: &BTreeSet<&str>, registries: &BTreeMap<String, Ref>, fields: &mut Vec<FieldChange>) -> Option<Vec<EcsRegistrySpec>> {
        let mut specs: Vec<EcsRegistrySpec> = live
            .registries
            .iter()
            .filter(|entry| !ours.contains(entry.arn.as_str()))
            .map(|entry| EcsRegistrySpec { registry: Ref::Known(entry.arn.clone()), port: entry.port, container: entry.container.clone(), container_port: entry.container_port })
            .collect();
        if let (Some(record), Some(registry)) = (wanted.discovery, registries.get(&wanted.service)) {
            let port = i32::from(wanted.port);
            let (port, container, container_port) = match (record, wanted.target_type) {
                (RecordType::A, _) => (None, None, None),
                (RecordType::Srv, TargetType::Ip) => (Some(port), None, None),
                (RecordType::Srv, TargetType::Instance) => (None, Some(wanted.wiring.container.clone()), Some(port)),
            };
            specs.push(EcsRegistrySpec { registry: registry.clone(), port, container, container_port });
        }
        let wanted_set: Option<BTreeSet<EcsRegistry>> = specs
            .iter()
            .map(|spec| match &spec.registry {
                Ref::Known(arn) => Some(EcsRegistry { arn: arn.clone(), port: spec.port, container: spec.container.clone(), container_port: spec.container_port }),
                Ref::Of(_) => None,
            })
            .collect();
        let live_set: BTreeSet<EcsRegistry> = live.registries.iter().cloned().collect();
        if wanted_set.as_ref() == Some(&live_set) && live_set.len() == live.registries.len() {
            return None;
        }
        let describe = |reference: &Ref| match reference {
            Ref::Known(arn) => self.observed.discovery_services.iter().find(|service| service.arn == *arn).map_or_else(|| arn.clone(), |service| service.name.clone()),
            Ref::Of(address) => format!("{address} {KNOWN_AFTER_APPLY}"),
        };
        let old = live.registries.iter().map(|entry| describe(&Ref::Known(entry.arn.clone())));
        fields.push(FieldChange::changed("service_registries", list(old), list(specs.iter().map(|spec| describe(&spec.registry)))));
        Some(specs)
    }

    fn group_label(&self, reference: &Ref) -> String {
        match reference {
            Ref::Known(arn) => self.observed.target_groups.iter().find(|group| group.arn == *arn).map_or_else(|| arn.clone(), |group| group.name.clone()),
            Ref::Of(address) => format!("{address} {KNOWN_AFTER_APPLY}"),
        }
    }
}

/// What to do about Service Connect. AWS reports it on the primary deployment; when the answer carries none
/// (an emulator, or a service that never had it), the tag ecsnet writes when it turns it on stands in.
fn connect_change(wanted: &DesiredEcs, live: &EcsService, namespace: Option<&str>, fields: &mut Vec<FieldChange>) -> Option<ConnectChange> {
    let marker = live.tags.get(SERVICE_CONNECT_TAG);
    let current = match &live.connect {
        Some(connect) if connect.enabled => Some(connect.clone()),
        Some(_) => None,
        None => marker.and_then(|marker| parse_marker(marker)),
    };
    let describe = |connect: Option<&ServiceConnect>| match connect {
        None => "(off)".to_string(),
        Some(connect) => connect.services.iter().map(|(port_name, discovery_name, port, dns_name)| format!("{port_name} as {discovery_name} ({dns_name}:{port}) in {}", connect.namespace)).collect::<Vec<_>>().join(", "),
    };
    match (&wanted.connect, namespace) {
        (Some(connect), Some(namespace)) => {
            let dns_name = format!("{}.{namespace}", connect.discovery_name);
            let port = i32::from(wanted.port);
            let target = ServiceConnect { enabled: true, namespace: namespace.to_string(), services: vec![(connect.port_name.clone(), connect.discovery_name.clone(), port, dns_name.clone())] };
            let marker_text = marker_of(&target);
            if current.as_ref() == Some(&target) && marker.map(String::as_str) == Some(marker_text.as_str()) {
                return None;
            }
            fields.push(FieldChange::changed("service_connect", describe(current.as_ref()), describe(Some(&target))));
            Some(ConnectChange::Enable {
                namespace: namespace.to_string(),
                port_name: connect.port_name.clone(),
                discovery_name: connect.discovery_name.clone(),
                port,
                dns_name,
                marker: marker_text,
            })
        }
        _ => {
            marker?;
            fields.push(FieldChange::changed("service_connect", describe(current.as_ref()), "(off)"));
            Some(ConnectChange::Disable)
        }
    }
}

/// The tag value recording the Service Connect settings ecsnet set.
fn marker_of(connect: &ServiceConnect) -> String {
    let (port_name, discovery_name, port, dns_name) = &connect.services[0];
    format!("namespace={};port_name={port_name};discovery_name={discovery_name};port={port};dns_name={dns_name}", connect.namespace)
}

fn parse_marker(marker: &str) -> Option<ServiceConnect> {
    let field = |key: &str| marker.split(';').find_map(|part| part.strip_prefix(&format!("{key}="))).map(str::to_string);
    Some(ServiceConnect {
        enabled: true,
        namespace: field("namespace")?,
        services: vec![(field("port_name")?, field("discovery_name")?, field("port")?.parse().ok()?, field("dns_name")?)],
    })
}

fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "(none)".into()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_round_trips() {
        let connect = ServiceConnect { enabled: true, namespace: "my.demo".into(), services: vec![("default".into(), "server".into(), 8080, "server.my.demo".into())] };
        assert_eq!(parse_marker(&marker_of(&connect)), Some(connect));
        assert_eq!(parse_marker("garbage"), None);
    }
}
