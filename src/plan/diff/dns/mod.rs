//! The private hosted zone (created, or adopted when one of that name is already on the VPC) and a CNAME per
//! service, each marked as ecsnet's by a TXT record beside it. Unmarked records are never touched.

use crate::live::{HostedZone, Record};
use crate::plan::desired::{Desired, DesiredZone};
use crate::plan::ownership::{owner_record_name, owner_record_value, parse_owner_record, zone_comment, zone_owned_by};
use crate::plan::{
    Action, Address, FieldChange, Note, Operation, RecordSpec, RecordTarget, Ref, Route53Op, KNOWN_AFTER_APPLY,
};

mod fields;

use super::lattice::LatticeRefs;
use super::load_balancing::LoadBalancing;
use super::{Planner, Problem};
use crate::live::RecordSetType;
use fields::{new_record_fields, record_changes, record_kind_differs};

/// A record ecsnet made earlier, found through its ownership TXT record.
struct OwnedRecord<'a> {
    zone: &'a HostedZone,
    address: Address,
    host: String,
    owner: &'a Record,
    /// The CNAME or alias A record at the host.
    record: Option<&'a Record>,
}

/// The zone the services' records go in.
struct Zone<'a, 'd> {
    wanted: &'d DesiredZone,
    reference: &'d Ref,
    /// The zone as it is, if it exists.
    live: Option<&'a HostedZone>,
}

/// Where a service's records point: the load balancer that carries its rules.
struct Target {
    record: RecordTarget,
    /// The load balancer's DNS name, or a placeholder until it exists.
    value: String,
}

impl<'a> Planner<'a> {
    pub(super) fn dns(&mut self, desired: &Desired, load_balancing: &LoadBalancing, lattice: &LatticeRefs) {
        let observed = self.observed;
        let topology = self.topology;
        let owned_zones: Vec<&HostedZone> =
            observed.zones.iter().filter(|zone| zone_owned_by(zone.comment.as_deref(), topology)).collect();
        let chosen = desired.zone.as_ref().map(|wanted| {
            let same_name = |zone: &&HostedZone| zone.name == wanted.name;
            owned_zones.iter().copied().find(same_name).or_else(|| observed.zones.iter().find(same_name))
        });
        let zone_ref = self.zone(desired, chosen);
        let owned_records = owned_records(observed, topology);
        let mut kept: Vec<&OwnedRecord> = Vec::new();
        if let (Some(wanted), Some(reference)) = (&desired.zone, &zone_ref) {
            let zone = Zone { wanted, reference, live: chosen.flatten() };
            self.service_records(desired, load_balancing, &zone, &owned_records, &mut kept);
            self.lattice_records(desired, lattice, &zone, &owned_records, &mut kept);
        }
        for record in owned_records.iter().filter(|record| !kept.iter().any(|kept| std::ptr::eq(*kept, *record))) {
            let mut delete = vec![record.owner.clone()];
            delete.extend(record.record.cloned());
            let operation = Operation::Route53(Route53Op::ChangeRecords {
                zone: Ref::Known(record.zone.id.clone()),
                upsert: None,
                delete,
            });
            self.push(record.address.clone(), Action::Delete, &record.host, vec![], operation);
        }
        for zone in owned_zones {
            if chosen.flatten().is_some_and(|chosen| chosen.id == zone.id) && desired.zone.is_some() {
                continue;
            }
            self.delete_zone(zone, &owned_records);
        }
    }

    /// The zone the file names: created when there is none of that name, else adopted (`chosen` is `None` when
    /// the file names no zone, `Some(None)` when none of that name exists).
    fn zone(&mut self, desired: &Desired, chosen: Option<Option<&HostedZone>>) -> Option<Ref> {
        match (&desired.zone, chosen) {
            (Some(wanted), Some(None)) => {
                let fields = vec![
                    FieldChange::new("name", &wanted.name),
                    FieldChange::new("vpc", &desired.vpc_id),
                    FieldChange::new("private", true),
                ];
                let operation = Operation::Route53(Route53Op::CreateHostedZone {
                    name: wanted.name.clone(),
                    vpc_id: desired.vpc_id.clone(),
                    comment: zone_comment(self.topology),
                });
                self.push(Address::HostedZone, Action::Create, &wanted.name, fields, operation);
                Some(Ref::Of(Address::HostedZone))
            }
            (Some(_), Some(Some(zone))) => {
                if !zone_owned_by(zone.comment.as_deref(), self.topology) {
                    self.notes.push(Note::info(format!("dns.zone: using the existing private zone {} ({}); ecsnet did not create it and will never delete it", zone.name, zone.id)));
                }
                Some(Ref::Known(zone.id.clone()))
            }
            _ => None,
        }
    }

    /// A record per host of each load-balanced service; the owned records planned for go in `kept`.
    fn service_records<'r>(
        &mut self,
        desired: &Desired,
        load_balancing: &LoadBalancing,
        zone: &Zone<'a, '_>,
        owned_records: &'r [OwnedRecord<'a>],
        kept: &mut Vec<&'r OwnedRecord<'a>>,
    ) {
        // Services that share a host (routed apart by path) share its record: the first one names it.
        let mut named = std::collections::BTreeSet::new();
        for service in &desired.services {
            // The record points at the load balancer that carries the service's rules.
            let Some((load_balancer, dns_name)) = load_balancing.of_service(&service.name) else { continue };
            let record = match (dns_name, load_balancer) {
                (Some((name, zone_id)), _) => RecordTarget::Known { dns_name: name.clone(), zone_id: zone_id.clone() },
                (None, Ref::Of(address)) => RecordTarget::Of(address.clone()),
                (None, Ref::Known(_)) => RecordTarget::Of(Address::LoadBalancer(0)),
            };
            let value = dns_name.as_ref().map_or(KNOWN_AFTER_APPLY.to_string(), |(name, _)| name.clone());
            let target = Target { record, value };
            for host in &service.hosts {
                if !named.insert(host.clone()) {
                    continue;
                }
                if let Some(record) = self.record(&service.name, host, zone, &target, owned_records) {
                    kept.push(record);
                }
            }
        }
    }

    /// A CNAME per VPC Lattice service with a custom domain, to the Lattice service's DNS name: Lattice answers
    /// for the custom domain only once it resolves there
    /// (https://docs.aws.amazon.com/vpc-lattice/latest/ug/service-custom-domain-name.html). Always a CNAME (the
    /// zone's `record = "alias"` is for the load balancer): the Lattice DNS name is all a CNAME needs.
    fn lattice_records<'r>(
        &mut self,
        desired: &Desired,
        lattice: &LatticeRefs,
        zone: &Zone<'a, '_>,
        owned_records: &'r [OwnedRecord<'a>],
        kept: &mut Vec<&'r OwnedRecord<'a>>,
    ) {
        let Some(wanted) = &desired.lattice else { return };
        let cname = DesiredZone { record: crate::topology::RecordKind::Cname, ..zone.wanted.clone() };
        let zone = Zone { wanted: &cname, reference: zone.reference, live: zone.live };
        for service in &wanted.services {
            let (Some(domain), Some((record, value))) = (&service.domain, lattice.dns_names.get(&service.service))
            else {
                continue;
            };
            let target = Target { record: record.clone(), value: value.clone() };
            if let Some(record) = self.record(&service.service, domain, &zone, &target, owned_records) {
                kept.push(record);
            }
        }
    }

    /// The record for one host of a service; returns the owned record it keeps, if any.
    fn record<'r>(
        &mut self,
        service: &str,
        host: &str,
        zone: &Zone<'a, '_>,
        target: &Target,
        owned_records: &'r [OwnedRecord<'a>],
    ) -> Option<&'r OwnedRecord<'a>> {
        let wanted = zone.wanted;
        if host != wanted.name && !host.ends_with(&format!(".{}", wanted.name)) {
            self.notes.push(Note::info(format!(
                "service.{service}: host {host} is outside dns.zone {}, so ecsnet makes no record for it",
                wanted.name
            )));
            return None;
        }
        let address = Address::DnsRecord(service.to_string(), host.to_string());
        let mine = owned_records.iter().find(|record| {
            record.address == address && record.host == host && zone.live.is_some_and(|live| live.id == record.zone.id)
        });
        if mine.is_none() && self.record_not_ours(service, host, zone.live) {
            return None;
        }
        let live = mine.and_then(|record| record.record);
        let stale: Vec<Record> =
            live.filter(|record| record_kind_differs(record, wanted.record)).cloned().into_iter().collect();
        let spec = RecordSpec {
            host: host.to_string(),
            owner_name: owner_record_name(host),
            owner_value: owner_record_value(self.topology, &address),
            ttl: wanted.ttl,
            kind: wanted.record,
            target: target.record.clone(),
        };
        let operation = Operation::Route53(Route53Op::ChangeRecords {
            zone: zone.reference.clone(),
            upsert: Some(spec),
            delete: stale,
        });
        match live {
            Some(live) => {
                let fields = record_changes(live, wanted.record, wanted.ttl, &target.value);
                if !fields.is_empty() {
                    self.push(address, Action::Update, host, fields, operation);
                }
            }
            None => {
                let fields = new_record_fields(host, wanted, &target.value);
                self.push(address, Action::Create, host, fields, operation);
            }
        }
        mine
    }

    /// A problem when the host already has a record in the zone that this topology does not own.
    fn record_not_ours(&mut self, service: &str, host: &str, live_zone: Option<&HostedZone>) -> bool {
        let Some((zone, other)) = live_zone
            .and_then(|zone| zone.records.iter().find(|record| record.name == host).map(|record| (zone, record)))
        else {
            return false;
        };
        self.problems.push(Problem::at(
            crate::plan::problem::FileKey::service(service, "host"),
            format!(
                "{host} already has a {} record in zone {} that ecsnet topology {} does not own",
                other.kind, zone.name, self.topology
            ),
            "delete that record, or give the service another host",
        ));
        true
    }

    /// Deletes a zone ecsnet created that the file no longer names, unless it holds records ecsnet does not own.
    fn delete_zone(&mut self, zone: &HostedZone, owned_records: &[OwnedRecord]) {
        let foreign: Vec<&Record> = zone
            .records
            .iter()
            .filter(|record| {
                !owned_records.iter().any(|owned| {
                    owned.zone.id == zone.id
                        && (std::ptr::eq(owned.owner, *record)
                            || owned.record.is_some_and(|live| std::ptr::eq(live, *record)))
                })
            })
            .collect();
        if foreign.is_empty() {
            self.push(
                Address::HostedZone,
                Action::Delete,
                &zone.name,
                vec![],
                Operation::Route53(Route53Op::DeleteHostedZone { zone_id: zone.id.clone() }),
            );
        } else {
            self.notes.push(Note::info(format!(
                "dns.zone: zone {} ({}) was created by ecsnet but holds {} record(s) ecsnet does not own ({}); it is left in place",
                zone.name,
                zone.id,
                foreign.len(),
                foreign.iter().map(|record| format!("{} {}", record.kind, record.name)).collect::<Vec<_>>().join(", ")
            )));
        }
    }
}

fn owned_records<'a>(observed: &'a crate::live::Observed, topology: &str) -> Vec<OwnedRecord<'a>> {
    let mut owned = Vec::new();
    for zone in &observed.zones {
        for record in zone.records.iter().filter(|record| record.kind.is(RecordSetType::Txt)) {
            let Some((host, address)) =
                record.values.iter().find_map(|value| parse_owner_record(topology, &record.name, value))
            else {
                continue;
            };
            let pointer = zone.records.iter().find(|candidate| {
                candidate.name == host && (candidate.kind.is(RecordSetType::Cname) || candidate.alias.is_some())
            });
            owned.push(OwnedRecord { zone, address, host, owner: record, record: pointer });
        }
    }
    owned
}
