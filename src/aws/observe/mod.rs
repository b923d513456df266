//! Reads the live state a topology cares about, with a number of requests that does not grow one per resource:
//! describe calls take filters and pages, DescribeTags takes 20 ARNs a call, independent reads run at once.

pub mod cluster;
mod discovery;
mod dns;
pub use dns::bare_zone_id;
mod ecs;
pub mod health;
pub(crate) mod lattice;
pub use ecs::task_definitions;
mod load_balancing;
mod network;
pub mod serving;

use crate::live::Observed;
use crate::plan::adopt::load_balancer_names;
use crate::topology::Topology;

use super::{Aws, AwsError};

/// The topology's VPC, if it exists.
pub async fn find_vpc(aws: &Aws, topology: &Topology) -> Result<Option<crate::live::Vpc>, AwsError> {
    network::vpc(aws, &topology.network.vpc).await
}

/// Everything `plan` compares the topology with.
pub async fn observe(aws: &Aws, topology: &Topology) -> Result<Observed, AwsError> {
    let load_balancer_name = topology.load_balancer.as_ref().map(|load_balancer| load_balancer.name.as_str());
    let (vpc, load_balancers, target_groups, zones, (namespaces, discovery_services)) = tokio::try_join!(
        network::vpc(aws, &topology.network.vpc),
        load_balancing::load_balancers_without_tags(aws),
        load_balancing::target_groups_without_tags(aws),
        dns::private_zones(aws),
        discovery::read(aws, topology),
    )?;
    let Some(vpc) = vpc else {
        return Ok(Observed { vpcs_in_region: network::vpcs(aws).await?, ..Observed::default() });
    };
    // Load balancers with the names the topology wants that it does not own are read whole, listeners and
    // security groups' rules included: `plan --adopt` may take them over (and without it, the plan refuses them).
    let wanted_names = load_balancer_name.map(load_balancer_names).unwrap_or_default();
    let groups_of_wanted: Vec<String> = load_balancers
        .iter()
        .filter(|lb| {
            lb.vpc_id() == Some(&vpc.id) && wanted_names.iter().any(|name| lb.load_balancer_name() == Some(name))
        })
        .flat_map(|lb| lb.security_groups().iter().cloned())
        .collect();
    let names = load_balancing::Names { wanted: load_balancer_name, adoptable: &wanted_names };
    let (network, (load_balancers, target_groups), zones, (ecs_services, task_definitions, ecs_catalog), lattice) = tokio::try_join!(
        network::read(aws, topology, &vpc.id, &groups_of_wanted),
        load_balancing::read(aws, topology, &vpc.id, names, load_balancers, target_groups),
        dns::zones(aws, topology, &vpc.id, zones),
        ecs::read(aws, topology, &namespaces),
        lattice::read(aws, topology, &vpc.id),
    )?;
    Ok(Observed {
        lattice,
        vpc: Some(vpc),
        vpc_dns: network.dns,
        subnets: network.subnets,
        security_groups: network.security_groups,
        load_balancers,
        target_groups,
        zones,
        namespaces,
        discovery_services,
        ecs_services,
        task_definitions,
        ecs_catalog,
        vpcs_in_region: Vec::new(),
    })
}
