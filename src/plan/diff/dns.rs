//! The private hosted zone (created, or adopted when one of that name is already on the VPC) and a CNAME per
//! service, each marked as ecsnet's by a TXT record beside it. Unmarked records are never touched.

use crate::observed::{HostedZone, Record};
use crate::plan::desired::Desired;
use crate::plan::ownership::{owner_record_name, owner_record_value, parse_owner_record, zone_comment, zone_owned_by};
use crate::plan::{Action, Address, FieldChange, Operation, RecordSpec, Ref, KNOWN_AFTER_APPLY};

use super::{Planner, Problem};

/// A record ecsnet made earlier, found through its ownership TXT record.
struct OwnedRecord<'a> {
    zone: &'a HostedZone,
    address: Address,
    host: String,
    owner: &'a Record,
    cname: Option<&'a Record>,
}

impl<'a> Planner<'a> {
    pub(super) fn dns(&mut self, desired: &Desired, load_balancer: Option<&Ref>, dns_name: Option<&str>) {
        let observed = self.observed;
        let topology = self.topology;
        let owned_zones: Vec<&HostedZone> = observed.zones.iter().filter(|zone| zone_owned_by(zone.comment.as_deref(), topology)).collect();
        let chosen = desired.zone.as_ref().map(|wanted| {
            let same_name = |zone: &&HostedZone| zone.name == wanted.name;
            owned_zones.iter().copied().find(same_name).or_else(|| observed.zones.iter().find(same_name))
        });
        let zone_ref = match (&desired.zone, chosen) {
            (Some(wanted), Some(None)) => {
                let fields = vec![FieldChange::new("name", &wanted.name), FieldChange::new("vpc", &desired.vpc_id), FieldChange::new("private", true)];
                let operation = Operation::CreateHostedZone { name: wanted.name.clone(), vpc_id: desired.vpc_id.clone(), comment: zone_comment(topology) };
                self.push(Address::HostedZone, Action::Create, &wanted.name, fields, operation);
                Some(Ref::Of(Address::HostedZone))
            }
            (Some(_), Some(Some(zone))) => {
                if !zone_owned_by(zone.comment.as_deref(), topology) {
                    self.notes.push(format!("dns.zone: using the existing private zone {} ({}); ecsnet did not create it and will never delete it", zone.name, zone.id));
                }
                Some(Ref::Known(zone.id.clone()))
            }
            _ => None,
        };
        let owned_records = owned_records(observed, topology);
        let mut kept: Vec<&OwnedRecord> = Vec::new();
        if let (Some(wanted_zone), Some(zone_ref), Some(load_balancer)) = (&desired.zone, &zone_ref, load_balancer) {
            let live_zone = chosen.flatten();
            for service in &desired.services {
                let address = Address::DnsRecord(service.name.clone());
                let value = dns_name.unwrap_or(KNOWN_AFTER_APPLY).to_string();
                let mine = owned_records.iter().find(|record| {
                    record.address == address && record.host == service.host && live_zone.is_some_and(|zone| zone.id == record.zone.id)
                });
                if mine.is_none() {
                    if let Some(zone) = live_zone {
                        if let Some(other) = zone.records.iter().find(|record| record.name == service.host) {
                            self.problems.push(Problem::new(
                                format!("{} already has a {} record in zone {} that ecsnet topology {topology} does not own", service.host, other.kind, zone.name),
                                "delete that record, or give the service another host",
                            ));
                            continue;
                        }
                    }
                }
                let spec = RecordSpec {
                    host: service.host.clone(),
                    owner_name: owner_record_name(&service.host),
                    owner_value: owner_record_value(topology, &address),
                    ttl: wanted_zone.ttl,
                    target: match dns_name {
                        Some(name) => Ref::Known(name.to_string()),
                        None => load_balancer.clone(),
                    },
                };
                let operation = Operation::ChangeRecords { zone: zone_ref.clone(), upsert: Some(spec), delete: vec![] };
                match mine.and_then(|record| record.cname.map(|cname| (record, cname))) {
                    Some((record, cname)) => {
                        kept.push(record);
                        let live_value = cname.values.first().map(|value| normalize(value)).unwrap_or_default();
                        let mut fields = Vec::new();
                        if cname.ttl != Some(wanted_zone.ttl) {
                            fields.push(FieldChange::changed("ttl", cname.ttl.map_or("(none)".into(), |ttl| ttl.to_string()), wanted_zone.ttl));
                        }
                        if live_value != normalize(&value) || cname.values.len() != 1 {
                            fields.push(FieldChange::changed("value", cname.values.join(" "), &value));
                        }
                        if !fields.is_empty() {
                            self.push(address, Action::Update, &service.host, fields, operation);
                        }
                    }
                    None => {
                        if let Some(record) = mine {
                            kept.push(record);
                        }
                        let fields = vec![
                            FieldChange::new("name", &service.host),
                            FieldChange::new("type", "CNAME"),
                            FieldChange::new("ttl", wanted_zone.ttl),
                            FieldChange::new("value", &value),
                        ];
                        self.push(address, Action::Create, &service.host, fields, operation);
                    }
                }
            }
        }
        for record in owned_records.iter().filter(|record| !kept.iter().any(|kept| std::ptr::eq(*kept, *record))) {
            let mut delete = vec![record.owner.clone()];
            delete.extend(record.cname.cloned());
            let operation = Operation::ChangeRecords { zone: Ref::Known(record.zone.id.clone()), upsert: None, delete };
            self.push(record.address.clone(), Action::Delete, &record.host, vec![], operation);
        }
        for zone in owned_zones {
            if chosen.flatten().is_some_and(|chosen| chosen.id == zone.id) && desired.zone.is_some() {
                continue;
            }
            let foreign: Vec<&Record> = zone
                .records
                .iter()
                .filter(|record| !owned_records.iter().any(|owned| owned.zone.id == zone.id && (std::ptr::eq(owned.owner, *record) || owned.cname.is_some_and(|cname| std::ptr::eq(cname, *record)))))
                .collect();
            if foreign.is_empty() {
                self.push(Address::HostedZone, Action::Delete, &zone.name, vec![], Operation::DeleteHostedZone { zone_id: zone.id.clone() });
            } else {
                self.notes.push(format!(
                    "dns.zone: zone {} ({}) was created by ecsnet but holds {} record(s) ecsnet does not own ({}); it is left in place",
                    zone.name,
                    zone.id,
                    foreign.len(),
                    foreign.iter().map(|record| format!("{} {}", record.kind, record.name)).collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
}

fn owned_records<'a>(observed: &'a crate::observed::Observed, topology: &str) -> Vec<OwnedRecord<'a>> {
    let mut owned = Vec::new();
    for zone in &observed.zones {
        for record in zone.records.iter().filter(|record| record.kind == "TXT") {
            let Some((host, address)) = record.values.iter().find_map(|value| parse_owner_record(topology, &record.name, value)) else { continue };
            let cname = zone.records.iter().find(|candidate| candidate.kind == "CNAME" && candidate.name == host);
            owned.push(OwnedRecord { zone, address, host, owner: record, cname });
        }
    }
    owned
}

fn normalize(value: &str) -> String {
    value.trim_end_matches('.').to_ascii_lowercase()
}
