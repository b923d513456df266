//! Wiring running ECS services: their target group (load balancers), their Cloud Map registry (service
//! registries) and Service Connect. ecsnet never creates or deletes ECS services; it updates them, keeping every
//! load balancer and registry that is not its own, and on destroy takes back only what it added.

use std::collections::{BTreeMap, BTreeSet};

use crate::observed::{ConnectAlias, EcsLoadBalancer, EcsRegistry, EcsService, ServiceConnect};
use crate::plan::desired::{Desired, DesiredEcs};
use crate::plan::ownership::owned_by;
use crate::plan::ownership::{parse_resource_description, SERVICE_CONNECT_TAG};
use crate::plan::task_definition::{mismatches, Wiring};
use crate::plan::{
    Action, Address, ConnectChange, EcsLoadBalancerSpec, EcsRegistrySpec, EcsUpdate, FieldChange, Operation, Ref,
    KNOWN_AFTER_APPLY,
};
use crate::topology::{RecordType, TargetType};

use super::{Planner, Problem};

impl Planner<'_> {
    pub(super) fn ecs(
        &mut self,
        desired: &Desired,
        target_groups: &BTreeMap<Address, Ref>,
        registries: &BTreeMap<String, Ref>,
    ) {
        let observed = self.observed;
        let topology = self.topology;
        let our_groups: BTreeSet<&str> = observed
            .target_groups
            .iter()
            .filter(|group| owned_by(&group.tags, topology))
            .map(|group| group.arn.as_str())
            .collect();
        let our_registries: BTreeSet<&str> = observed
            .discovery_services
            .iter()
            .filter(|service| parse_resource_description(service.description.as_deref(), topology).is_some())
            .map(|service| service.arn.as_str())
            .collect();
        for wanted in &desired.ecs_services {
            let address = Address::EcsService(wanted.service.clone());
            let Some(live) = observed
                .ecs_services
                .iter()
                .find(|live| live.cluster == wanted.wiring.cluster && live.name == wanted.wiring.service)
            else {
                self.problems.push(Problem::new(
                    format!("{address}: no ECS service \"{}\" in cluster \"{}\"", wanted.wiring.service, wanted.wiring.cluster),
                    "ecsnet wires existing ECS services and never creates them: check [service.ecs] cluster and service, and the region",
                ));
                continue;
            };
            let problems_before = self.problems.len();
            self.one_registry(wanted, live, &our_registries);
            self.task_definition_fits(wanted, live);
            let mut fields = Vec::new();
            let load_balancers = self.load_balancers(wanted, live, &our_groups, target_groups, &mut fields);
            let registries = self.registries(wanted, live, &our_registries, registries, &mut fields);
            let connect = connect_change(wanted, live, desired.namespace.as_deref(), &mut fields);
            if fields.is_empty() {
                continue;
            }
            if live.deployment_controller != "ECS" {
                self.controller_refuses(
                    wanted,
                    live,
                    load_balancers.is_some(),
                    registries.is_some(),
                    connect.is_some(),
                );
            }
            if self.problems.len() > problems_before {
                continue;
            }
            let update = EcsUpdate {
                cluster: live.cluster.clone(),
                service: live.name.clone(),
                arn: live.arn.clone(),
                load_balancers,
                registries,
                connect,
            };
            self.push(
                address,
                Action::Update,
                format!("{}/{}", live.cluster, live.name),
                fields,
                Operation::UpdateEcsService(update),
            );
        }
    }

    /// "Each service may be associated with one service registry. Multiple service registries for each service are
    /// not supported" (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRegistry.html): a
    /// service with a registry of its own cannot take ecsnet's beside it.
    fn one_registry(&mut self, wanted: &DesiredEcs, live: &EcsService, ours: &BTreeSet<&str>) {
        if wanted.discovery.is_none() {
            return;
        }
        let Some(foreign) = live.registries.iter().find(|entry| !ours.contains(entry.arn.as_str())) else { return };
        let known = self.observed.discovery_services.iter().find(|service| service.arn == foreign.arn);
        let registry = known.map_or_else(
            || foreign.arn.clone(),
            |service| format!("Cloud Map service \"{}\", {}", service.name, foreign.arn),
        );
        self.problems.push(Problem::new(
            format!("{}: it already has a service registry ecsnet does not own ({registry}), and ECS allows one registry per service", at(wanted, "discovery", live)),
            "leave [service.discovery] out of this service and keep its own registry, or take that registry off the ECS service first (UpdateService with an empty serviceRegistries list)",
        ));
    }

    /// What ECS would refuse of the wiring, given the task definition the service runs.
    fn task_definition_fits(&mut self, wanted: &DesiredEcs, live: &EcsService) {
        let Some(definition) = live
            .task_definition
            .as_ref()
            .and_then(|arn| self.observed.task_definitions.iter().find(|definition| definition.arn == *arn))
        else {
            return;
        };
        let wiring = Wiring {
            container: &wanted.wiring.container,
            port: wanted.port,
            target_type: wanted.target_type,
            load_balanced: wanted.load_balanced,
            record: wanted.discovery,
            port_name: wanted.connect.as_ref().map(|connect| connect.port_name.as_str()),
        };
        for mismatch in mismatches(&wiring, definition) {
            self.problems
                .push(Problem::new(format!("{}: {mismatch}", at(wanted, mismatch.key(), live)), mismatch.hint()));
        }
    }

    /// UpdateService changes load balancers, service registries and Service Connect only on the ECS (rolling update)
    /// deployment controller: "For services using the blue/green (CODE_DEPLOY) deployment controller, only the
    /// desired count, deployment configuration, health check grace period, task placement constraints and
    /// strategies, enable ECS managed tags option, and propagate tags can be updated using this API", and for the
    /// EXTERNAL controller "only the desired count, task placement constraints and strategies, health check grace
    /// period, enable ECS managed tags option, and propagate tags option"
    /// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html).
    fn controller_refuses(
        &mut self,
        wanted: &DesiredEcs,
        live: &EcsService,
        load_balancers: bool,
        registries: bool,
        connect: bool,
    ) {
        let changes: Vec<&str> =
            [(load_balancers, "load balancers"), (registries, "service registries"), (connect, "Service Connect")]
                .into_iter()
                .filter(|(changes, _)| *changes)
                .map(|(_, what)| what)
                .collect();
        let changes = match changes.as_slice() {
            [one] => one.to_string(),
            [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
            [] => return,
        };
        let hint = match live.deployment_controller.as_str() {
            "CODE_DEPLOY" => "on CODE_DEPLOY, load balancers change through a CodeDeploy deployment, and service registries and Service Connect only when the service is created; move the service to the ECS (rolling update) controller, or remove this service's [service.ecs] table",
            "EXTERNAL" => "on EXTERNAL, load balancers and service registries belong to task sets (CreateTaskSet), and Service Connect needs the ECS controller; move the service to the ECS (rolling update) controller, or remove this service's [service.ecs] table",
            _ => "move the service to the ECS (rolling update) controller, or remove this service's [service.ecs] table",
        };
        self.problems.push(Problem::new(
            format!(
                "{}: it uses the {} deployment controller, on which UpdateService cannot change {changes}",
                at(wanted, "ecs", live),
                live.deployment_controller
            ),
            hint,
        ));
    }

    fn load_balancers(
        &self,
        wanted: &DesiredEcs,
        live: &EcsService,
        ours: &BTreeSet<&str>,
        target_groups: &BTreeMap<Address, Ref>,
        fields: &mut Vec<FieldChange>,
    ) -> Option<Vec<EcsLoadBalancerSpec>> {
        let is_ours = |entry: &EcsLoadBalancer| entry.target_group_arn.as_deref().is_some_and(|arn| ours.contains(arn));
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
        fields: &mut Vec<FieldChange>,
    ) -> Option<Vec<EcsRegistrySpec>> {
        let mut specs: Vec<EcsRegistrySpec> = live
            .registries
            .iter()
            .filter(|entry| !ours.contains(entry.arn.as_str()))
            .map(|entry| EcsRegistrySpec {
                registry: Ref::Known(entry.arn.clone()),
                port: entry.port,
                container: entry.container.clone(),
                container_port: entry.container_port,
            })
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
        let describe = |reference: &Ref| match reference {
            Ref::Known(arn) => self
                .observed
                .discovery_services
                .iter()
                .find(|service| service.arn == *arn)
                .map_or_else(|| arn.clone(), |service| service.name.clone()),
            Ref::Of(address) => format!("{address} {KNOWN_AFTER_APPLY}"),
        };
        let old = live.registries.iter().map(|entry| describe(&Ref::Known(entry.arn.clone())));
        fields.push(FieldChange::changed(
            "service_registries",
            list(old),
            list(specs.iter().map(|spec| describe(&spec.registry))),
        ));
        Some(specs)
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

/// A key of the service's entry in the file, and the ECS service it wires, as problems name them:
/// `service[1].discovery (ECS service main/name)`.
fn at(wanted: &DesiredEcs, key: &str, live: &EcsService) -> String {
    format!("service[{}].{key} (ECS service {}/{})", wanted.index, live.cluster, live.name)
}

/// What to do about Service Connect. AWS reports it on the primary deployment; when the answer carries none
/// (an emulator, or a service that never had it), the tag ecsnet writes when it turns it on stands in.
fn connect_change(
    wanted: &DesiredEcs,
    live: &EcsService,
    namespace: Option<&str>,
    fields: &mut Vec<FieldChange>,
) -> Option<ConnectChange> {
    let marker = live.tags.get(SERVICE_CONNECT_TAG);
    let current = match &live.connect {
        Some(connect) if connect.enabled => Some(connect.clone()),
        Some(_) => None,
        None => marker.and_then(|marker| parse_marker(marker)),
    };
    let describe = |connect: Option<&ServiceConnect>| match connect {
        None => "(off)".to_string(),
        Some(connect) => connect
            .services
            .iter()
            .map(|ConnectAlias { port_name, discovery_name, port, dns_name }| {
                format!("{port_name} as {discovery_name} ({dns_name}:{port}) in {}", connect.namespace)
            })
            .collect::<Vec<_>>()
            .join(", "),
    };
    match (&wanted.connect, namespace) {
        (Some(connect), Some(namespace)) => {
            let dns_name = format!("{}.{namespace}", connect.discovery_name);
            let port = i32::from(wanted.port);
            let target = ServiceConnect {
                enabled: true,
                namespace: namespace.to_string(),
                services: vec![ConnectAlias {
                    port_name: connect.port_name.clone(),
                    discovery_name: connect.discovery_name.clone(),
                    port,
                    dns_name: dns_name.clone(),
                }],
            };
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

/// The tag value recording the Service Connect settings ecsnet set. An ECS tag value may hold only letters, digits,
/// spaces and `_ . : / = + - @`, at most 256 of them (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html):
/// fields are separated by spaces, and the DNS name, always `<discovery name>.<namespace>`, is not repeated.
fn marker_of(connect: &ServiceConnect) -> String {
    let ConnectAlias { port_name, discovery_name, port, .. } = &connect.services[0];
    format!("namespace={} port_name={port_name} discovery_name={discovery_name} port={port}", connect.namespace)
}

/// Reads a marker; also the `;`-separated form with a `dns_name` that earlier builds wrote (accepted by
/// emulators, refused by ECS).
fn parse_marker(marker: &str) -> Option<ServiceConnect> {
    let field =
        |key: &str| marker.split([' ', ';']).find_map(|part| part.strip_prefix(&format!("{key}="))).map(str::to_string);
    let namespace = field("namespace")?;
    let discovery_name = field("discovery_name")?;
    let dns_name = field("dns_name").unwrap_or_else(|| format!("{discovery_name}.{namespace}"));
    Some(ServiceConnect {
        enabled: true,
        namespace,
        services: vec![ConnectAlias {
            port_name: field("port_name")?,
            discovery_name,
            port: field("port")?.parse().ok()?,
            dns_name,
        }],
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
        let connect = ServiceConnect {
            enabled: true,
            namespace: "my.demo".into(),
            services: vec![ConnectAlias {
                port_name: "default".into(),
                discovery_name: "server".into(),
                port: 8080,
                dns_name: "server.my.demo".into(),
            }],
        };
        assert_eq!(parse_marker(&marker_of(&connect)), Some(connect));
        assert_eq!(parse_marker("garbage"), None);
    }

    #[test]
    fn the_marker_is_a_valid_ecs_tag_value_and_the_old_form_still_reads() {
        let connect = ServiceConnect {
            enabled: true,
            namespace: "my.demo".into(),
            services: vec![ConnectAlias {
                port_name: "default".into(),
                discovery_name: "server".into(),
                port: 8080,
                dns_name: "server.my.demo".into(),
            }],
        };
        let marker = marker_of(&connect);
        assert_eq!(marker, "namespace=my.demo port_name=default discovery_name=server port=8080");
        assert!(marker.chars().all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)), "{marker}");
        let old = "namespace=my.demo;port_name=default;discovery_name=server;port=8080;dns_name=server.my.demo";
        assert_eq!(parse_marker(old), Some(connect));
    }
}
