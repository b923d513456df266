//! The Cloud Map private DNS namespace (created, or adopted when one of that name exists) and a Cloud Map
//! service per service that asks for one. Ownership is marked in their descriptions, set in the create call.

use std::collections::BTreeMap;

use crate::observed::{DiscoveryService, Namespace};
use crate::plan::desired::Desired;
use crate::plan::ownership::{parse_resource_description, resource_description};
use crate::plan::{Action, Address, FieldChange, Note, Operation, Ref};

use super::{keep_one, Planner, Problem};

impl<'a> Planner<'a> {
    /// Plans the namespace and discovery services; returns how to refer to each service's registry (its ARN).
    pub(super) fn discovery(&mut self, desired: &Desired) -> BTreeMap<String, Ref> {
        let observed = self.observed;
        let topology = self.topology;
        let owned_namespaces: Vec<&Namespace> = observed
            .namespaces
            .iter()
            .filter(|namespace| {
                parse_resource_description(namespace.description.as_deref(), topology) == Some(Address::Namespace)
            })
            .collect();
        let chosen = desired.namespace.as_ref().map(|wanted| {
            let same_name = |namespace: &&Namespace| namespace.name == *wanted;
            owned_namespaces.iter().copied().find(same_name).or_else(|| observed.namespaces.iter().find(same_name))
        });
        let namespace_ref = match (&desired.namespace, chosen) {
            (Some(wanted), Some(None)) => {
                let fields = vec![
                    FieldChange::new("name", wanted),
                    FieldChange::new("type", "DNS_PRIVATE"),
                    FieldChange::new("vpc", &desired.vpc_id),
                ];
                let operation = Operation::CreateNamespace {
                    name: wanted.clone(),
                    vpc_id: desired.vpc_id.clone(),
                    description: resource_description(topology, &Address::Namespace),
                };
                self.push(Address::Namespace, Action::Create, wanted, fields, operation);
                Some(Ref::Of(Address::Namespace))
            }
            (Some(_), Some(Some(namespace))) => {
                if !owned_namespaces.iter().any(|owned| owned.id == namespace.id) {
                    self.notes.push(Note::info(format!("discovery.namespace: using the existing Cloud Map namespace {} ({}); ecsnet did not create it and will never delete it", namespace.name, namespace.id)));
                }
                Some(Ref::Known(namespace.id.clone()))
            }
            _ => None,
        };
        let live_namespace = chosen.flatten();
        let mut owned: BTreeMap<Address, Vec<&DiscoveryService>> = BTreeMap::new();
        for service in &observed.discovery_services {
            if let Some(address @ Address::DiscoveryService(_)) =
                parse_resource_description(service.description.as_deref(), topology)
            {
                owned.entry(address).or_default().push(service);
            }
        }
        let mut registries = BTreeMap::new();
        for wanted in desired.discovery_services.iter().filter(|_| namespace_ref.is_some()) {
            let address = Address::DiscoveryService(wanted.service.clone());
            let in_namespace = |service: &DiscoveryService| {
                live_namespace.is_some_and(|namespace| namespace.id == service.namespace_id)
            };
            let (kept, duplicates) = keep_one(
                owned
                    .remove(&address)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|service| in_namespace(service))
                    .collect(),
                |_| true,
            );
            for service in duplicates {
                self.push(
                    address.clone(),
                    Action::Delete,
                    &service.name,
                    vec![],
                    Operation::DeleteDiscoveryService { id: service.id.clone() },
                );
            }
            let record_type = wanted.record_type.as_aws();
            match kept {
                None => {
                    if let Some(taken) = observed
                        .discovery_services
                        .iter()
                        .find(|service| in_namespace(service) && service.name == wanted.service)
                    {
                        self.problems.push(Problem::new(
                            format!("the Cloud Map namespace already has a service named \"{}\" ({}) that ecsnet topology {topology} does not own", taken.name, taken.id),
                            "delete that Cloud Map service, or remove [service.discovery] from this service",
                        ));
                        continue;
                    }
                    let fields = vec![
                        FieldChange::new("name", &wanted.service),
                        FieldChange::new("record", record_type),
                        FieldChange::new("ttl", wanted.ttl),
                        FieldChange::new("routing_policy", "MULTIVALUE"),
                    ];
                    let operation = Operation::CreateDiscoveryService {
                        name: wanted.service.clone(),
                        namespace: namespace_ref.clone().unwrap_or(Ref::Of(Address::Namespace)),
                        record_type: wanted.record_type,
                        ttl: wanted.ttl,
                        description: resource_description(topology, &address),
                    };
                    self.push(address.clone(), Action::Create, &wanted.service, fields, operation);
                    registries.insert(wanted.service.clone(), Ref::Of(address));
                }
                Some(service) => {
                    if service.record_type != record_type {
                        self.problems.push(Problem::new(
                            format!("{address}: the Cloud Map service {} has {} records, and Cloud Map cannot change a service's record type", service.id, service.record_type),
                            "remove [service.discovery], apply, then add it back with the new record type",
                        ));
                    } else if service.ttl != wanted.ttl {
                        let operation = Operation::UpdateDiscoveryTtl {
                            id: service.id.clone(),
                            record_type: wanted.record_type,
                            ttl: wanted.ttl,
                        };
                        self.push(
                            address,
                            Action::Update,
                            &service.name,
                            vec![FieldChange::changed("ttl", service.ttl, wanted.ttl)],
                            operation,
                        );
                    }
                    registries.insert(wanted.service.clone(), Ref::Known(service.arn.clone()));
                }
            }
        }
        let mut deleted_services = Vec::new();
        for (address, services) in owned {
            for service in services {
                deleted_services.push(service.id.clone());
                self.push(
                    address.clone(),
                    Action::Delete,
                    &service.name,
                    vec![],
                    Operation::DeleteDiscoveryService { id: service.id.clone() },
                );
            }
        }
        for namespace in owned_namespaces {
            if desired.namespace.is_some() && live_namespace.is_some_and(|chosen| chosen.id == namespace.id) {
                continue;
            }
            let foreign: Vec<&DiscoveryService> = observed
                .discovery_services
                .iter()
                .filter(|service| {
                    service.namespace_id == namespace.id
                        && !deleted_services.contains(&service.id)
                        && !registries.values().any(|reference| *reference == Ref::Known(service.arn.clone()))
                })
                .collect();
            if foreign.is_empty() {
                self.push(
                    Address::Namespace,
                    Action::Delete,
                    &namespace.name,
                    vec![],
                    Operation::DeleteNamespace { id: namespace.id.clone() },
                );
            } else {
                self.notes.push(Note::info(format!(
                    "discovery.namespace: namespace {} ({}) was created by ecsnet but holds Cloud Map services ecsnet does not own ({}); it is left in place",
                    namespace.name,
                    namespace.id,
                    foreign.iter().map(|service| service.name.as_str()).collect::<Vec<_>>().join(", ")
                )));
            }
        }
        registries
    }
}
