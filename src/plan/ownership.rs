//! How ecsnet marks and recognises what it owns: tags where AWS takes them (the topology and the address within
//! it), and where it takes none, Route 53 records (a TXT record beside each, as external-dns does), hosted zones
//! (the zone's comment, set in the create call itself) and Cloud Map resources (their description). The planner,
//! route, doctor, the lock and saved plans all ask here.

use crate::live::Tags;

use super::Address;

/// Tag naming the topology that owns a resource.
pub const TOPOLOGY_TAG: &str = "ecsnet:topology";
/// Tag naming the resource's address within its topology, such as `service.api.target_group`.
pub const ADDRESS_TAG: &str = "ecsnet:address";

/// Whether tags mark a resource as owned by `topology`.
pub fn owned_by(tags: &Tags, topology: &str) -> bool {
    tags.get(TOPOLOGY_TAG).is_some_and(|owner| owner == topology)
}

/// The address tags give a resource, whoever owns it; `None` without an address tag or with one that names
/// no address (the lock's).
pub fn tagged_address(tags: &Tags) -> Option<Address> {
    tags.get(ADDRESS_TAG)?.parse().ok()
}

/// The address of a resource `topology` owns, by its tags.
pub fn owned_address(tags: &Tags, topology: &str) -> Option<Address> {
    owned_by(tags, topology).then(|| tagged_address(tags)).flatten()
}

const HERITAGE: &str = "heritage=ecsnet";

/// The name of the TXT record that marks ecsnet's record at `host`.
pub fn owner_record_name(host: &str) -> String {
    format!("_ecsnet.{host}")
}

/// The longest character-string a TXT record holds (RFC 1035 3.3.14; Route 53 takes longer values only split
/// into several quoted strings: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html#TXTFormat).
pub const MAX_TXT_STRING: usize = 255;

/// The TXT value, quoted as Route 53 wants it: one string of at most 255 characters. A record's address names
/// its host, which the TXT record's own name carries too; when the whole address would not fit (a long
/// topology, service and host together), the host is left out of it.
pub fn owner_record_value(topology: &str, address: &Address) -> String {
    let full = format!("{HERITAGE},ecsnet/topology={topology},ecsnet/address={address}");
    match address {
        Address::DnsRecord(service, _) if full.len() > MAX_TXT_STRING => {
            format!("\"{HERITAGE},ecsnet/topology={topology},ecsnet/address=service.{service}.{HOSTLESS_RECORD}\"")
        }
        _ => format!("\"{full}\""),
    }
}

/// The end of a record's address written without its host.
const HOSTLESS_RECORD: &str = "dns_record";

/// The host and address an ownership TXT record marks for `topology`, if it is one of its.
pub fn parse_owner_record(topology: &str, name: &str, value: &str) -> Option<(String, Address)> {
    let host = name.strip_prefix("_ecsnet.")?;
    let fields: Vec<&str> = value.trim_matches('"').split(',').collect();
    if !fields.contains(&HERITAGE) || !fields.contains(&format!("ecsnet/topology={topology}").as_str()) {
        return None;
    }
    let address = fields.iter().find_map(|field| field.strip_prefix("ecsnet/address="))?;
    let address = match address.parse() {
        Ok(address) => address,
        Err(_) => {
            let service = address
                .strip_prefix("service.")?
                .strip_suffix(&format!(".{HOSTLESS_RECORD}"))
                .filter(|service| !service.contains('.'))?;
            Address::DnsRecord(service.to_string(), host.to_string())
        }
    };
    Some((host.to_string(), address))
}

/// The word that names the owning topology in a zone comment or a Cloud Map description.
const OWNER_WORD: &str = "ecsnet:topology=";

pub fn zone_comment(topology: &str) -> String {
    format!("managed by ecsnet {OWNER_WORD}{topology}")
}

/// A comment someone else wrote with ecsnet's marker added after it (adoption keeps what the comment said).
pub fn zone_comment_after(comment: &str, topology: &str) -> String {
    format!("{comment} {OWNER_WORD}{topology}")
}

/// The topology a zone comment or Cloud Map description marks as its owner, whichever topology that is.
pub fn marked_owner(text: Option<&str>) -> Option<&str> {
    text?.split_whitespace().find_map(|word| word.strip_prefix(OWNER_WORD))
}

pub fn zone_owned_by(comment: Option<&str>, topology: &str) -> bool {
    let marker = format!("{OWNER_WORD}{topology}");
    comment.is_some_and(|comment| comment.split_whitespace().any(|word| word == marker))
}

/// A description that marks a Cloud Map namespace or service as the topology's (read back without extra calls).
pub fn resource_description(topology: &str, address: &Address) -> String {
    format!("managed by ecsnet {OWNER_WORD}{topology} ecsnet:address={address}")
}

/// The address a description marks for `topology`, if it is one of its.
pub fn parse_resource_description(description: Option<&str>, topology: &str) -> Option<Address> {
    let words: Vec<&str> = description?.split_whitespace().collect();
    if !words.contains(&format!("{OWNER_WORD}{topology}").as_str()) {
        return None;
    }
    words.iter().find_map(|word| word.strip_prefix("ecsnet:address="))?.parse().ok()
}

/// The address tag of a topology's lock group (`aws::lock`): not a resource of any plan.
pub const LOCK_ADDRESS: &str = "lock";

/// The tag on a target group or load balancer that lists the attributes ecsnet set there (`slow_start stickiness`,
/// `idle_timeout`), so that one the file no longer sets goes back to AWS's default instead of staying as it was.
/// Separated by spaces: an ELBv2 tag value may hold only letters, digits, spaces and `_ . : / = + - @`
/// (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Tag.html).
pub const ATTRIBUTES_TAG: &str = "ecsnet:attributes";

/// The attributes a resource's tags say ecsnet set, sorted.
pub fn managed_attributes(tags: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    let mut names: Vec<String> = tags
        .get(ATTRIBUTES_TAG)
        .map(|value| value.split([' ', ',']).filter(|name| !name.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    names.sort();
    names.dedup();
    names
}

/// The tag's value for these attributes.
pub fn attributes_tag_value(names: &[String]) -> String {
    names.join(" ")
}

/// The ECS service tag that records the Service Connect settings ecsnet turned on.
pub const SERVICE_CONNECT_TAG: &str = "ecsnet:service-connect";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attributes_tag_is_a_valid_tag_value_and_the_comma_form_still_reads() {
        let names = vec!["deregistration_delay".to_string(), "slow_start".to_string()];
        let value = attributes_tag_value(&names);
        assert_eq!(value, "deregistration_delay slow_start");
        let tags = |value: &str| std::collections::BTreeMap::from([(ATTRIBUTES_TAG.to_string(), value.to_string())]);
        assert_eq!(managed_attributes(&tags(&value)), names);
        assert_eq!(managed_attributes(&tags("deregistration_delay,slow_start")), names);
    }

    #[test]
    fn owner_records_round_trip_and_name_their_topology() {
        let address = Address::DnsRecord("service-a".into(), "service-a.in.example.com".into());
        let value = owner_record_value("demo", &address);
        let name = owner_record_name("service-a.in.example.com");
        assert_eq!(parse_owner_record("demo", &name, &value), Some(("service-a.in.example.com".into(), address)));
        assert_eq!(parse_owner_record("demo2", &name, &value), None);
        assert_eq!(parse_owner_record("demo", "service-a.in.example.com", &value), None);
        assert_eq!(parse_owner_record("demo", &name, "\"v=spf1 -all\""), None);
    }

    #[test]
    fn owner_values_fit_one_txt_string_even_for_the_longest_names() {
        // The longest names validation lets through: 32-character topology and service names, a 128-character
        // host (the longest a host-header condition takes).
        let topology = "t".repeat(32);
        let service = "s".repeat(32);
        let host = format!("{}.{}.{}.example.com", "a".repeat(63), "b".repeat(40), "c".repeat(11));
        assert_eq!(host.len(), 128);
        let address = Address::DnsRecord(service.clone(), host.clone());
        let value = owner_record_value(&topology, &address);
        assert_eq!(
            value,
            format!("\"heritage=ecsnet,ecsnet/topology={topology},ecsnet/address=service.{service}.dns_record\"")
        );
        assert!(value.len() - 2 <= MAX_TXT_STRING, "{} characters", value.len() - 2);
        assert_eq!(parse_owner_record(&topology, &owner_record_name(&host), &value), Some((host.clone(), address)));
        assert_eq!(
            parse_owner_record(
                "demo",
                "_ecsnet.x.example.com",
                "\"heritage=ecsnet,ecsnet/topology=demo,ecsnet/address=service.a.b.dns_record\""
            ),
            None
        );
    }

    #[test]
    fn owner_values_that_fit_keep_the_whole_address() {
        let address = Address::DnsRecord("api".into(), "api.in.example.com".into());
        assert_eq!(
            owner_record_value("demo", &address),
            "\"heritage=ecsnet,ecsnet/topology=demo,ecsnet/address=service.api.dns_record.api.in.example.com\""
        );
    }

    #[test]
    fn descriptions_mark_a_topology_and_an_address() {
        let address = Address::DiscoveryService("name".into());
        let description = resource_description("demo", &address);
        assert_eq!(parse_resource_description(Some(&description), "demo"), Some(address));
        assert_eq!(parse_resource_description(Some(&description), "other"), None);
        assert_eq!(parse_resource_description(Some("made by hand"), "demo"), None);
    }

    #[test]
    fn zone_comments_mark_exactly_one_topology() {
        let comment = zone_comment("demo");
        assert!(zone_owned_by(Some(&comment), "demo"));
        assert!(!zone_owned_by(Some(&comment), "dem"));
        assert!(!zone_owned_by(Some("hand made"), "demo"));
        assert!(!zone_owned_by(None, "demo"));
    }
}
