//! ecsnet's ownership markers on live resources, set by one call: tags on EC2 and ELBv2 resources, a description
//! on Cloud Map's, a comment on a zone, a TXT record beside a record.

use crate::live::{
    DiscoveryService, HostedZone, Listener, LoadBalancer, Namespace, Observed, Record, Rule, SecurityGroup,
    SecurityGroupRule, Tags, TargetGroup,
};
use crate::plan::ownership::{
    owner_record_name, owner_record_value, resource_description, zone_comment, ADDRESS_TAG, TOPOLOGY_TAG,
};
use crate::plan::Address;

/// The tags ecsnet puts on what it creates for `address` of `topology`.
pub fn owned_tags(topology: &str, address: &Address) -> Tags {
    Tags::from([(TOPOLOGY_TAG.to_string(), topology.to_string()), (ADDRESS_TAG.to_string(), address.to_string())])
}

/// A live resource marked as ecsnet marks what it creates for `address` of `topology`.
pub trait OwnedBy: Sized {
    fn owned_by(self, topology: &str, address: Address) -> Self;
}

macro_rules! owned_by_tags {
    ($($kind:ty),*) => {$(
        impl OwnedBy for $kind {
            fn owned_by(mut self, topology: &str, address: Address) -> Self {
                self.tags.extend(owned_tags(topology, &address));
                self
            }
        }
    )*};
}

owned_by_tags!(
    SecurityGroup,
    SecurityGroupRule,
    LoadBalancer,
    Listener,
    Rule,
    TargetGroup,
    crate::live::ServiceNetwork,
    crate::live::VpcAssociation,
    crate::live::LatticeService,
    crate::live::LatticeListener,
    crate::live::ServiceAssociation,
    crate::live::LatticeTargetGroup
);

impl OwnedBy for Namespace {
    fn owned_by(mut self, topology: &str, address: Address) -> Self {
        self.description = Some(resource_description(topology, &address));
        self
    }
}

impl OwnedBy for DiscoveryService {
    fn owned_by(mut self, topology: &str, address: Address) -> Self {
        self.description = Some(resource_description(topology, &address));
        self
    }
}

/// A zone's owner is in its comment; the address is always `dns.zone`.
impl OwnedBy for HostedZone {
    fn owned_by(mut self, topology: &str, _: Address) -> Self {
        self.comment = Some(zone_comment(topology));
        self
    }
}

/// `record` and the TXT record beside it that says `address` of `topology` owns it.
pub fn owned_records(topology: &str, address: Address, record: Record) -> [Record; 2] {
    let marker = Record {
        name: owner_record_name(&record.name),
        kind: "TXT".into(),
        ttl: record.ttl,
        values: vec![owner_record_value(topology, &address)],
        alias: None,
        alias_zone: None,
    };
    [record, marker]
}

/// `observed` as a script that built the same resources by hand would leave it: every mark of ecsnet's gone (tags,
/// TXT records, zone comments, Cloud Map descriptions), everything else as it is.
pub fn without_marks(observed: &Observed) -> Observed {
    let mut bare = observed.clone();
    let unmark = |tags: &mut Tags| tags.retain(|key, _| !key.starts_with("ecsnet:"));
    for group in &mut bare.security_groups {
        unmark(&mut group.tags);
        group.rules.iter_mut().for_each(|rule| unmark(&mut rule.tags));
    }
    for balancer in &mut bare.load_balancers {
        unmark(&mut balancer.tags);
        for listener in &mut balancer.listeners {
            unmark(&mut listener.tags);
            listener.rules.iter_mut().for_each(|rule| unmark(&mut rule.tags));
        }
    }
    bare.target_groups.iter_mut().for_each(|group| unmark(&mut group.tags));
    for zone in &mut bare.zones {
        zone.comment = None;
        zone.records.retain(|record| !record.name.starts_with("_ecsnet."));
    }
    bare.namespaces.iter_mut().for_each(|namespace| namespace.description = None);
    bare.discovery_services.iter_mut().for_each(|service| service.description = None);
    let lattice = &mut bare.lattice;
    lattice.service_networks.iter_mut().for_each(|network| unmark(&mut network.tags));
    lattice.vpc_associations.iter_mut().for_each(|association| unmark(&mut association.tags));
    lattice.target_groups.iter_mut().for_each(|group| unmark(&mut group.tags));
    for service in &mut lattice.services {
        unmark(&mut service.tags);
        service.listeners.iter_mut().for_each(|listener| unmark(&mut listener.tags));
        service.associations.iter_mut().for_each(|association| unmark(&mut association.tags));
    }
    bare
}
