//! `[dns]`: the private zone's records.

use crate::topology::file::DnsSection;

pub struct DnsBuilder(pub(super) DnsSection);

impl DnsBuilder {
    pub fn ttl(mut self, ttl: i64) -> Self {
        self.0.ttl = Some(ttl);
        self
    }

    /// `record = "alias"` or `"cname"`.
    pub fn record(mut self, record: &str) -> Self {
        self.0.record = Some(record.into());
        self
    }
}
