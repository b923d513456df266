//! The Cloud Map namespace by name, and in it each service's Cloud Map service by name: their description
//! becomes ecsnet's marker (Cloud Map descriptions are how ecsnet marks its own there).

use crate::live::{DiscoveryService, Namespace};
use crate::plan::desired::Desired;
use crate::plan::ownership::{marked_owner, resource_description};
use crate::plan::{Address, Note};
use crate::topology::RecordType;

use super::{Adopter, Mark};

impl<'a> Adopter<'a> {
    pub(super) fn discovery(&mut self, desired: &Desired) {
        let Some(wanted) = &desired.namespace else { return };
        let observed = self.observed;
        let Some(namespace) = observed.namespaces.iter().find(|namespace| namespace.name == *wanted) else { return };
        match self.free(namespace.description.as_deref(), &format!("Cloud Map namespace {}", namespace.name)) {
            Some(false) => return,
            Some(true) => self.namespace(namespace),
            None => {}
        }
        for wanted in &desired.discovery_services {
            let found = observed
                .discovery_services
                .iter()
                .find(|service| service.namespace_id == namespace.id && service.name == wanted.service);
            if let Some(service) = found {
                let what = format!("Cloud Map service {} ({})", service.name, service.id);
                if self.free(service.description.as_deref(), &what) == Some(true) {
                    self.service(service, Address::DiscoveryService(wanted.service.clone()));
                }
            }
        }
    }

    /// `Some(true)` for a resource no topology marks, `Some(false)` for another topology's (noted when `what`
    /// names it), `None` for this topology's own.
    fn free(&mut self, description: Option<&str>, what: &str) -> Option<bool> {
        match marked_owner(description) {
            None => Some(true),
            Some(owner) if owner == self.topology => None,
            Some(owner) => {
                if !what.is_empty() {
                    let note =
                        format!("{what} belongs to ecsnet topology {owner}; it is never adopted by another topology");
                    self.adoption.notes.push(Note::info(note));
                }
                Some(false)
            }
        }
    }

    fn namespace(&mut self, namespace: &Namespace) {
        let description = resource_description(self.topology, &Address::Namespace);
        let (arn, tags) = (namespace.arn.clone(), self.tags(&Address::Namespace));
        let mark = Mark::NamespaceDescription { id: namespace.id.clone(), description, arn, tags };
        self.claim(Address::Namespace, &namespace.name, &namespace.id, mark);
    }

    fn service(&mut self, service: &DiscoveryService, address: Address) {
        let record_type = if service.record_type.is(RecordType::Srv) { RecordType::Srv } else { RecordType::A };
        let description = resource_description(self.topology, &address);
        let (arn, tags) = (service.arn.clone(), self.tags(&address));
        let mark = Mark::DiscoveryDescription {
            id: service.id.clone(),
            description,
            record_type,
            ttl: service.ttl,
            arn,
            tags,
        };
        self.claim(address, &service.name, &service.id, mark);
    }
}
