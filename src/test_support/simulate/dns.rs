//! Private hosted zones and their records, as Route 53 and the executor leave them.

use crate::live::{HostedZone, Record};
use crate::plan::{Address, RecordSpec, RecordTarget, Ref, Route53Op};
use crate::topology::RecordKind;

use super::Account;

impl Account<'_> {
    /// A hosted zone or record operation.
    pub(super) fn dns(&mut self, address: &Address, operation: &Route53Op) {
        match operation {
            Route53Op::CreateHostedZone { name, comment, .. } => {
                let id = self.new_id("Z", address);
                self.state.zones.push(HostedZone {
                    id: id.clone(),
                    name: name.clone(),
                    comment: Some(comment.clone()),
                    records: vec![],
                });
                self.created.insert(address.clone(), id);
            }
            Route53Op::DeleteHostedZone { zone_id } => self.state.zones.retain(|zone| zone.id != *zone_id),
            Route53Op::ChangeRecords { zone, upsert, delete } => self.change_records(zone, upsert.as_ref(), delete),
        }
    }

    pub(super) fn change_records(&mut self, zone: &Ref, upsert: Option<&RecordSpec>, delete: &[Record]) {
        let upserted = upsert.map(|spec| self.records_of(spec));
        let zone_id = self.resolve(zone);
        let zone = self.state.zones.iter_mut().find(|zone| zone.id == zone_id).expect("the records' zone exists");
        zone.records.retain(|record| !delete.contains(record));
        for record in upserted.into_iter().flatten() {
            zone.records.retain(|live| !(live.name == record.name && live.kind == record.kind));
            zone.records.push(record);
        }
    }

    /// A service's record and its ownership TXT record, as Route 53 lists them.
    pub(super) fn records_of(&self, spec: &RecordSpec) -> [Record; 2] {
        let (dns_name, zone_id) = match &spec.target {
            RecordTarget::Known { dns_name, zone_id } => (dns_name.clone(), zone_id.clone()),
            RecordTarget::Of(address) => {
                let arn = self.created.get(address).expect("the record's target was created first");
                let lattice = self.state.lattice.services.iter().find(|live| live.arn == *arn);
                match lattice {
                    Some(service) => (service.dns_name.clone().expect("Lattice names its services"), String::new()),
                    None => {
                        let live = self.state.load_balancers.iter().find(|live| live.arn == *arn).expect("it is live");
                        (live.dns_name.clone(), live.canonical_zone_id.clone())
                    }
                }
            }
        };
        let dns_name = dns_name.trim_end_matches('.').to_ascii_lowercase();
        let record = match spec.kind {
            RecordKind::Cname => Record {
                name: spec.host.clone(),
                kind: "CNAME".into(),
                ttl: Some(spec.ttl),
                values: vec![dns_name],
                alias: None,
                alias_zone: None,
            },
            RecordKind::Alias => Record {
                name: spec.host.clone(),
                kind: "A".into(),
                ttl: None,
                values: vec![],
                alias: Some(dns_name),
                alias_zone: Some(zone_id),
            },
        };
        let owner = Record {
            name: spec.owner_name.clone(),
            kind: "TXT".into(),
            ttl: Some(spec.ttl),
            values: vec![spec.owner_value.clone()],
            alias: None,
            alias_zone: None,
        };
        [record, owner]
    }
}
