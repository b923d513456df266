//! Splitting one zone's record changes into ChangeResourceRecordSets requests AWS accepts. Pure: the requests
//! are built from the batches in `dns.rs`.
//!
//! Route 53 takes at most 1,000 ResourceRecord elements and 32,000 characters of Value elements in one request,
//! an UPSERT counting twice for both
//! (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html#limits-api-requests-changeresourcerecordsets).
//! The changes of one plan change (a record, its ownership TXT record, a stale record it replaces) always go in
//! the same request, which Route 53 applies all or nothing: ownership is never half-written.

/// Route 53's limit on ResourceRecord elements in one request.
pub const MAX_ELEMENTS: usize = 1_000;
/// Route 53's limit on the characters of all Value elements in one request.
pub const MAX_VALUE_CHARACTERS: usize = 32_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordAction {
    Upsert,
    Delete,
}

/// One record change, reduced to what the limits count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weighed<T> {
    pub action: RecordAction,
    /// The record's values; an alias record's target DNS name. An alias has no ResourceRecord element, but it is
    /// counted as one with its target as the value, to stay on the safe side of a count AWS does not document.
    pub values: Vec<String>,
    /// What the caller sends for it.
    pub change: T,
}

impl<T> Weighed<T> {
    fn factor(&self) -> usize {
        match self.action {
            RecordAction::Upsert => 2,
            RecordAction::Delete => 1,
        }
    }

    fn elements(&self) -> usize {
        self.values.len().max(1) * self.factor()
    }

    fn characters(&self) -> usize {
        self.values.iter().map(String::len).sum::<usize>() * self.factor()
    }
}

/// The changes of one plan change, kept together in one request.
pub type Unit<T> = Vec<Weighed<T>>;

/// Requests for one zone, to be sent one after another: every unit that only deletes first (a name it frees may
/// be one another unit writes), then the others, each in the order given; a request is filled while both limits
/// allow. A unit too large for any request goes alone (AWS then says why).
pub fn split<T>(units: Vec<Unit<T>>) -> Vec<Vec<T>> {
    let (deletes, writes): (Vec<Unit<T>>, Vec<Unit<T>>) =
        units.into_iter().partition(|unit| unit.iter().all(|change| change.action == RecordAction::Delete));
    let mut batches: Vec<Vec<T>> = Vec::new();
    let (mut elements, mut characters) = (0, 0);
    for unit in deletes.into_iter().chain(writes) {
        if unit.is_empty() {
            continue;
        }
        let unit_elements: usize = unit.iter().map(Weighed::elements).sum();
        let unit_characters: usize = unit.iter().map(Weighed::characters).sum();
        let fits = elements + unit_elements <= MAX_ELEMENTS && characters + unit_characters <= MAX_VALUE_CHARACTERS;
        if batches.is_empty() || !fits {
            batches.push(Vec::new());
            (elements, characters) = (0, 0);
        }
        elements += unit_elements;
        characters += unit_characters;
        batches.last_mut().expect("a batch was just pushed").extend(unit.into_iter().map(|change| change.change));
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upsert(name: &str, value: &str) -> Weighed<String> {
        Weighed { action: RecordAction::Upsert, values: vec![value.to_string()], change: format!("UPSERT {name}") }
    }

    fn delete(name: &str, value: &str) -> Weighed<String> {
        Weighed { action: RecordAction::Delete, values: vec![value.to_string()], change: format!("DELETE {name}") }
    }

    /// A service's CNAME to a load balancer and its ownership marker, as apply writes them.
    fn service(index: usize) -> Unit<String> {
        let host = format!("service-{index}.in.example.com");
        let balancer = "internal-demo-alb-1234567890.us-east-1.elb.amazonaws.com";
        let marker = format!(
            "\"heritage=ecsnet,ecsnet/topology=demo,ecsnet/address=service.service-{index}.dns_record.{host}\""
        );
        vec![upsert(&host, balancer), upsert(&format!("_ecsnet.{host}"), &marker)]
    }

    fn characters(unit: &Unit<String>) -> usize {
        unit.iter().map(Weighed::characters).sum()
    }

    #[test]
    fn a_hundred_services_need_two_requests_by_characters() {
        let units: Vec<_> = (0..100).map(service).collect();
        let per_unit = characters(&units[0]);
        assert_eq!(per_unit, 2 * (56 + 107), "an UPSERT counts each character twice");
        let batches = split(units);
        assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [194, 6], "97 services fit in 32,000 characters");
        assert_eq!(
            (batches[0][0].as_str(), batches[0][1].as_str()),
            ("UPSERT service-0.in.example.com", "UPSERT _ecsnet.service-0.in.example.com")
        );
    }

    #[test]
    fn every_request_keeps_within_both_limits_and_a_record_beside_its_marker() {
        // Short values: the element limit binds first (4 elements a service, 250 services a request).
        let units: Vec<Unit<String>> = (0..600)
            .map(|index| vec![upsert(&format!("s{index}"), "x"), upsert(&format!("_ecsnet.s{index}"), "y")])
            .collect();
        let batches = split(units);
        assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [500, 500, 200]);
        for batch in &batches {
            for pair in batch.chunks(2) {
                assert_eq!(
                    pair[1],
                    pair[0].replace("UPSERT ", "UPSERT _ecsnet."),
                    "a record and its marker in one request"
                );
            }
        }
    }

    #[test]
    fn deletes_go_first_and_a_unit_keeps_its_own_order() {
        let moved = vec![
            delete("a.in.example.com", "old-alb"),
            upsert("a.in.example.com", "new-alb"),
            upsert("_ecsnet.a.in.example.com", "marker"),
        ];
        let removed = vec![delete("_ecsnet.b.in.example.com", "marker"), delete("b.in.example.com", "old-alb")];
        let batches = split(vec![moved, removed]);
        assert_eq!(
            batches,
            [[
                "DELETE _ecsnet.b.in.example.com",
                "DELETE b.in.example.com",
                "DELETE a.in.example.com",
                "UPSERT a.in.example.com",
                "UPSERT _ecsnet.a.in.example.com"
            ]]
        );
    }

    #[test]
    fn a_delete_counts_once_and_an_upsert_twice() {
        let long = "v".repeat(16_000);
        // Two deletes of 16,000 characters fill one request; the same as upserts need one request each.
        assert_eq!(split(vec![vec![delete("a", &long)], vec![delete("b", &long)]]).len(), 1);
        assert_eq!(split(vec![vec![upsert("a", &long)], vec![upsert("b", &long)]]).len(), 2);
        assert!(split::<String>(vec![]).is_empty());
    }
}
