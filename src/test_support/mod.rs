//! Fixtures for the tests: a topology built by calls instead of re-typed TOML, and live state built by calls instead
//! of hand-filled structs, with ecsnet's ownership markers set by one call; and `simulate`, live state after a plan
//! is applied, without a network. Used by the unit tests and the emulator
//! tests alike; not part of ecsnet's interface.

mod converge;
mod lattice;
mod live;
mod ownership;
mod shards;
mod simulate;
mod topology;

pub use converge::{adopted, destroyed, planned};
pub use lattice::{lattice_account, lattice_shop};
pub use live::http_task_definition;
pub use live::{
    discovery_service, ecs_service, egress, id_of, ingress, listener, load_balancer, namespace, record, rule,
    security_group, service_network, subnet, target_group, task_definition, zone, ObservedBuilder,
};
pub use ownership::{owned_records, owned_tags, without_marks, OwnedBy};
pub use shards::{api, demo, second_shard, worker};
pub use simulate::simulate;
pub use topology::{
    DnsBuilder, HealthCheckBuilder, ListenerBuilder, LoadBalancerBuilder, ServiceBuilder, TopologyBuilder,
};
