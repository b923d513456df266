//! VPC Lattice, matched by what the topology would make: each service's Lattice service by name, its listener on
//! the listener port, its associations with the service network, its target group by name, the VPC's association
//! with the service network and the prefix-list ingress on the service's group. Lattice resources take tags, so the
//! marks are the topology's tags (TagResource). The service network itself is never adopted: one that exists is
//! used as it is, and a network other teams' services join is not one destroy should delete.

use crate::live::{LatticeProtocol, LatticeStatus, Peer};
use crate::plan::desired::lattice::{DesiredLatticeService, NetworkChoice};
use crate::plan::desired::Desired;
use crate::plan::Address;

use super::{Adopter, Eligibility, Mark};

impl Adopter<'_> {
    pub(super) fn lattice(&mut self, desired: &Desired) {
        let Some(wanted) = &desired.lattice else { return };
        let network = match &wanted.network {
            NetworkChoice::Existing(network) => Some(network),
            NetworkChoice::Create { .. } => None,
        };
        if let Some(network) = network {
            let observed = self.observed;
            let association = observed.lattice.vpc_associations.iter().find(|association| {
                association.service_network_id == network.id && association.vpc_id == desired.vpc_id
            });
            if let Some(association) = association {
                let what = format!("VPC Lattice VPC association {}", association.id);
                self.lattice_mark(Address::LatticeVpcAssociation, &association.id, &association.arn, &what);
            }
        }
        for service in &wanted.services {
            self.lattice_service(service, network.map(|network| network.id.as_str()));
            if let Some(prefix_list) = &wanted.prefix_list_id {
                // The rule admitting exactly the container port from Lattice's prefix list.
                let peer = Peer::PrefixList(prefix_list.clone());
                let address = Address::LatticeIngress(service.service.clone());
                self.ingress_rule(&service.group_id, service.container_port, &peer, address);
            }
        }
    }

    fn lattice_service(&mut self, wanted: &DesiredLatticeService, network_id: Option<&str>) {
        let observed = self.observed;
        let group = observed.lattice.target_groups.iter().find(|group| group.name == wanted.target_group_name);
        if let Some(group) = group {
            let what = format!("VPC Lattice target group {}", group.name);
            self.lattice_mark(Address::LatticeTargetGroup(wanted.service.clone()), &group.name, &group.arn, &what);
        }
        let Some(service) = observed.lattice.services.iter().find(|service| service.name == wanted.name) else {
            return;
        };
        let address = Address::LatticeService(wanted.service.clone());
        let what = format!("VPC Lattice service {}", service.name);
        if !self.lattice_mark(address, &service.name, &service.arn, &what) {
            return;
        }
        let listener = service.listeners.iter().find(|listener| {
            listener.port == i32::from(wanted.listener_port) && listener.protocol.is(LatticeProtocol::Http)
        });
        if let Some(listener) = listener {
            let what = format!("VPC Lattice listener {}", listener.id);
            self.lattice_mark(Address::LatticeListener(wanted.service.clone()), &listener.name, &listener.arn, &what);
        }
        let association = service.associations.iter().find(|association| {
            Some(association.service_network_id.as_str()) == network_id
                && !association.status.is(LatticeStatus::DeleteInProgress)
        });
        if let Some(association) = association {
            let what = format!("VPC Lattice service association {}", association.id);
            let address = Address::LatticeAssociation(wanted.service.clone());
            self.lattice_mark(address, &association.id, &association.arn, &what);
        }
    }

    /// Marks the Lattice resource `arn` as the topology's at `address` when no topology owns it; whether the
    /// resource is the topology's afterwards (adopted now, or already).
    fn lattice_mark(&mut self, address: Address, name: &str, arn: &str, what: &str) -> bool {
        let tags = self.lattice_tags(arn);
        match self.eligible(&tags, what) {
            Eligibility::Ours => true,
            Eligibility::Refused => false,
            Eligibility::Free => {
                let mark = Mark::LatticeTags { arn: arn.to_string(), tags: self.tags(&address) };
                self.claim(address, name, arn, mark)
            }
        }
    }

    fn lattice_tags(&self, arn: &str) -> crate::live::Tags {
        let lattice = &self.observed.lattice;
        let services = lattice.services.iter();
        let found = lattice
            .vpc_associations
            .iter()
            .find(|association| association.arn == arn)
            .map(|association| &association.tags)
            .or_else(|| lattice.target_groups.iter().find(|group| group.arn == arn).map(|group| &group.tags))
            .or_else(|| services.clone().find(|service| service.arn == arn).map(|service| &service.tags))
            .or_else(|| {
                services
                    .clone()
                    .flat_map(|service| &service.listeners)
                    .find(|listener| listener.arn == arn)
                    .map(|listener| &listener.tags)
            })
            .or_else(|| {
                services
                    .flat_map(|service| &service.associations)
                    .find(|association| association.arn == arn)
                    .map(|association| &association.tags)
            });
        found.cloned().unwrap_or_default()
    }
}
