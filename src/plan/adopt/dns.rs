//! The private zone by name (its comment gets ecsnet's marker, after what it said), and each service's record by
//! host and type (a CNAME, or an alias A record), which gets the TXT record beside it that marks ecsnet's records.

use crate::live::{HostedZone, Record};
use crate::plan::desired::Desired;
use crate::plan::ownership::{
    marked_owner, owner_record_name, owner_record_value, zone_comment, zone_comment_after, zone_owned_by,
};
use crate::plan::{Address, Note};

use super::{Adopter, Mark};
use crate::live::RecordSetType;

/// The longest comment Route 53 keeps on a hosted zone
/// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_HostedZoneConfig.html).
const MAX_ZONE_COMMENT: usize = 256;

impl<'a> Adopter<'a> {
    pub(super) fn dns(&mut self, desired: &Desired) {
        let Some(wanted) = &desired.zone else { return };
        let observed = self.observed;
        let same_name = |zone: &&HostedZone| zone.name == wanted.name;
        let owned =
            observed.zones.iter().filter(same_name).find(|zone| zone_owned_by(zone.comment.as_deref(), self.topology));
        let Some(zone) = owned.or_else(|| observed.zones.iter().find(same_name)) else { return };
        if owned.is_none() {
            self.zone(zone);
        }
        for service in &desired.services {
            for host in &service.hosts {
                let address = Address::DnsRecord(service.name.clone(), host.clone());
                self.record(zone, host, address, wanted.ttl);
            }
        }
    }

    fn zone(&mut self, zone: &HostedZone) {
        let comment = zone.comment.as_deref().unwrap_or_default().trim();
        if let Some(owner) = marked_owner(Some(comment)) {
            let note = format!(
                "private zone {} belongs to ecsnet topology {owner}; it is never adopted by another topology",
                zone.name
            );
            self.adoption.notes.push(Note::info(note));
            return;
        }
        let marked =
            if comment.is_empty() { zone_comment(self.topology) } else { zone_comment_after(comment, self.topology) };
        if marked.len() > MAX_ZONE_COMMENT {
            let note = format!("private zone {}'s comment has no room for ecsnet's marker ({MAX_ZONE_COMMENT} characters at most); the zone is used but not adopted", zone.name);
            self.adoption.notes.push(Note::info(note));
            return;
        }
        let mark = Mark::ZoneComment { zone_id: zone.id.clone(), comment: marked };
        self.claim(Address::HostedZone, &zone.name, &zone.id, mark);
    }

    /// The service's CNAME or alias record at `host`, when no ownership record stands beside it yet.
    fn record(&mut self, zone: &HostedZone, host: &str, address: Address, ttl: i64) {
        let owner_name = owner_record_name(host);
        let at = |record: &&Record, kind: RecordSetType| record.name == *host && record.kind.is(kind);
        let Some(record) = zone.records.iter().find(|record| {
            at(record, RecordSetType::Cname) || (at(record, RecordSetType::A) && record.alias.is_some())
        }) else {
            return;
        };
        if let Some(owner) =
            zone.records.iter().find(|record| record.name == owner_name && record.kind.is(RecordSetType::Txt))
        {
            if !owner.values.iter().any(|value| value.contains("heritage=ecsnet")) {
                let note = format!(
                    "{host} has a TXT record at {owner_name} that is not ecsnet's; its {} record is not adopted",
                    record.kind
                );
                self.adoption.notes.push(Note::info(note));
            }
            return;
        }
        let value = owner_record_value(self.topology, &address);
        let mark = Mark::OwnerRecord { zone_id: zone.id.clone(), name: owner_name, value, ttl };
        self.claim(address, host, &format!("{}/{host}/{}", zone.id, record.kind), mark);
    }
}
