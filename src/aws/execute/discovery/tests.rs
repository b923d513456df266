use super::*;

#[test]
fn a_short_request_id_is_kept_whole() {
    assert_eq!(
        bounded_request_id("demo", &Address::Namespace, 1_700_000_000_123_456_789),
        "ecsnet-demo-discovery.namespace-1700000000123456789"
    );
}

#[test]
fn a_long_request_id_keeps_its_time_and_tells_addresses_apart_within_64_characters() {
    let topology = "a-very-long-topology-name-for-it";
    let long = |service: &str| Address::DiscoveryService(service.into());
    let nanos = 1_700_000_000_123_456_789;
    let id = bounded_request_id(topology, &long("a-service-with-a-long-name-too-1"), nanos);
    assert_eq!(id, "ecsnet-a-very-long-topology-name-for-it-d221-1700000000123456789", "cut, hashed, the time whole");
    assert_eq!(id.len(), MAX_REQUEST_ID);
    assert_ne!(
        bounded_request_id(topology, &long("a-service-with-a-long-name-too-1"), nanos + 1),
        id,
        "a later create is a new request"
    );
    assert_ne!(
        bounded_request_id(topology, &long("a-service-with-a-long-name-too-2"), nanos),
        id,
        "another address is another request"
    );
}
