//! The Cloud Map private DNS namespace (created, or adopted when one of that name exists) and a Cloud Map
//! service per service that asks for one. Ownership is marked in their descriptions, set in the create call.

use std::collections::BTreeMap;

use crate::live::{DiscoveryService, Namespace};
use crate::plan::desired::{Desired, DesiredDiscovery};
use crate::plan::ownership::{parse_resource_description, resource_description};
use crate::plan::{Action, Address, CloudMapOp, FieldChange, Note, Operation, Ref};

use super::{keep_one, Planner, Problem};
use crate::topology::AwsName as _;

/// The namespace the discovery services go in.
struct InNamespace<'a, 'r> {
    reference: &'r Ref,
    /// The namespace as it is, if it exists.
    live: Option<&'a Namespace>,
}

impl<'a> InNamespace<'a, '_> {
    fn holds(&self, service: &DiscoveryService) -> bool {
        self.live.is_some_and(|namespace| namespace.id == service.namespace_id)
    }
}

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
        let namespace_ref = self.namespace(desired, chosen, &owned_namespaces);
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
        if let Some(reference) = &namespace_ref {
            let namespace = InNamespace { reference, live: live_namespace };
            for wanted in &desired.discovery_services {
                if let Some(registry) = self.discovery_service(wanted, &mut owned, &namespace) {
                    registries.insert(wanted.service.clone(), registry);
                }
            }
        }
        let mut deleted_services = Vec::new();
        for (address, services) in owned {
            for service in services {
                deleted_services.push(service.id.clone());
                self.delete_discovery_service(&address, service);
            }
        }
        for namespace in owned_namespaces {
            if desired.namespace.is_some() && live_namespace.is_some_and(|chosen| chosen.id == namespace.id) {
                continue;
            }
            self.delete_namespace(namespace, &deleted_services, &registries);
        }
        registries
    }

    /// The namespace the file names: created when there is none of that name, else adopted (`chosen` is `None`
    /// when the file names no namespace, `Some(None)` when none of that name exists).
    fn namespace(
        &mut self,
        desired: &Desired,
        chosen: Option<Option<&Namespace>>,
        owned_namespaces: &[&Namespace],
    ) -> Option<Ref> {
        match (&desired.namespace, chosen) {
            (Some(wanted), Some(None)) => {
                let fields = vec![
                    FieldChange::new("name", wanted),
                    FieldChange::new("type", "DNS_PRIVATE"),
                    FieldChange::new("vpc", &desired.vpc_id),
                ];
                let operation = Operation::CloudMap(CloudMapOp::CreateNamespace {
                    name: wanted.clone(),
                    vpc_id: desired.vpc_id.clone(),
                    description: resource_description(self.topology, &Address::Namespace),
                });
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
        }
    }

    /// One service's Cloud Map service, taken out of `owned`; returns how to refer to it, unless it cannot be made.
    fn discovery_service(
        &mut self,
        wanted: &DesiredDiscovery,
        owned: &mut BTreeMap<Address, Vec<&'a DiscoveryService>>,
        namespace: &InNamespace<'a, '_>,
    ) -> Option<Ref> {
        let address = Address::DiscoveryService(wanted.service.clone());
        let (kept, duplicates) = keep_one(
            owned.remove(&address).unwrap_or_default().into_iter().filter(|service| namespace.holds(service)).collect(),
            |_| true,
        );
        for service in duplicates {
            self.delete_discovery_service(&address, service);
        }
        match kept {
            None => self.create_discovery_service(wanted, address, namespace),
            Some(service) => {
                self.update_discovery_service(wanted, address, service);
                Some(Ref::Known(service.arn.clone()))
            }
        }
    }

    fn delete_discovery_service(&mut self, address: &Address, service: &DiscoveryService) {
        let operation = Operation::CloudMap(CloudMapOp::DeleteDiscoveryService { id: service.id.clone() });
        self.push(address.clone(), Action::Delete, &service.name, vec![], operation);
    }

    fn create_discovery_service(
        &mut self,
        wanted: &DesiredDiscovery,
        address: Address,
        namespace: &InNamespace,
    ) -> Option<Ref> {
        if let Some(taken) = self
            .observed
            .discovery_services
            .iter()
            .find(|service| namespace.holds(service) && service.name == wanted.service)
        {
            self.problems.push(Problem::at(
                crate::plan::problem::FileKey::service(&wanted.service, "discovery"),
                format!("the Cloud Map namespace already has a service named \"{}\" ({}) that ecsnet topology {} does not own", taken.name, taken.id, self.topology),
                "delete that Cloud Map service, or remove [service.discovery] from this service",
            ));
            return None;
        }
        let mut fields = vec![
            FieldChange::new("name", &wanted.service),
            FieldChange::new("record", wanted.record_type.as_aws()),
            FieldChange::new("ttl", wanted.ttl),
            FieldChange::new("routing_policy", "MULTIVALUE"),
        ];
        fields.extend(wanted.callers_use.as_ref().map(|name| FieldChange::new("callers_use", name.to_string())));
        let operation = Operation::CloudMap(CloudMapOp::CreateDiscoveryService {
            name: wanted.service.clone(),
            namespace: namespace.reference.clone(),
            record_type: wanted.record_type,
            ttl: wanted.ttl,
            description: resource_description(self.topology, &address),
        });
        self.push(address.clone(), Action::Create, &wanted.service, fields, operation);
        Some(Ref::Of(address))
    }

    /// A live discovery service's TTL brought to the file's; its record type cannot change.
    fn update_discovery_service(&mut self, wanted: &DesiredDiscovery, address: Address, service: &DiscoveryService) {
        if !service.record_type.is(wanted.record_type) {
            self.problems.push(Problem::at(
                crate::plan::problem::FileKey::service(&wanted.service, "discovery.record"),
                format!("{address}: the Cloud Map service {} has {} records, and Cloud Map cannot change a service's record type", service.id, service.record_type),
                "remove [service.discovery], apply, then add it back with the new record type",
            ));
        } else if service.ttl != wanted.ttl {
            let operation = Operation::CloudMap(CloudMapOp::UpdateDiscoveryTtl {
                id: service.id.clone(),
                record_type: wanted.record_type,
                ttl: wanted.ttl,
            });
            self.push(
                address,
                Action::Update,
                &service.name,
                vec![FieldChange::changed("ttl", service.ttl, wanted.ttl)],
                operation,
            );
        }
    }

    /// Deletes a namespace ecsnet created that the file no longer names, unless it holds services ecsnet does not own.
    fn delete_namespace(
        &mut self,
        namespace: &Namespace,
        deleted_services: &[String],
        registries: &BTreeMap<String, Ref>,
    ) {
        let foreign: Vec<&DiscoveryService> = self
            .observed
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
                Operation::CloudMap(CloudMapOp::DeleteNamespace { id: namespace.id.clone() }),
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
}
