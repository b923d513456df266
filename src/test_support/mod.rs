//! Fixtures for the tests: a topology built by calls instead of re-typed TOML, and live state built by calls instead
//! of hand-filled structs, with ecsnet's ownership markers set by one call. Used by the unit tests and the emulator
//! tests alike; not part of ecsnet's interface.

mod observed;
mod ownership;
mod topology;

pub use observed::{
    ecs_service, egress, ingress, listener, load_balancer, record, rule, security_group, subnet, target_group,
    task_definition, zone, ObservedBuilder,
};
pub use ownership::{owned_records, owned_tags, OwnedBy};
pub use topology::{
    DnsBuilder, HealthCheckBuilder, ListenerBuilder, LoadBalancerBuilder, ServiceBuilder, TopologyBuilder,
};
