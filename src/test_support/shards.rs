//! The `demo` topology that doctor and graph check and draw, and live state with a load balancer's rules split
//! onto a second one, as the planner shards rules once a listener is full.

use crate::live::{LoadBalancer, Observed, Rule};
use crate::plan::ownership::tagged_address;
use crate::plan::Address;

use super::{OwnedBy, ServiceBuilder, TopologyBuilder};
use crate::topology::Scheme;

/// `demo` in subnets `a` and `b`, with an internal load balancer, the private zone in.example.com and the Cloud Map
/// namespace internal; no services yet (`api`, `worker`).
pub fn demo() -> TopologyBuilder {
    TopologyBuilder::new("demo").subnets(["a", "b"]).load_balancer().dns("in.example.com").discovery("internal")
}

/// `api`: port 8080, behind the load balancer, the ECS service `api` of cluster `main`.
pub fn api(service: ServiceBuilder) -> ServiceBuilder {
    service.ecs("main")
}

/// `worker`: port 3000 in `sg-worker`, not load balanced, in Cloud Map, called by `api`.
pub fn worker(service: ServiceBuilder) -> ServiceBuilder {
    service.port(3000).security_group("sg-worker").load_balanced(false).callers(["api"]).discovered()
}

/// A second load balancer, `name`, shard 1 of `topology`, beside the first in `observed`: the first's copy, with the
/// same groups and listeners, its ARNs, DNS name and listeners' ARNs its own (`…/2`), carrying the rules of
/// `services`, which the first no longer has.
pub fn second_shard(observed: &mut Observed, topology: &str, name: &str, services: &[&str]) {
    let first = &mut observed.load_balancers[0];
    let of_services = |rule: &Rule| match tagged_address(&rule.tags) {
        Some(Address::ListenerRule(service, _)) => services.contains(&service.as_str()),
        _ => false,
    };
    let mut second = LoadBalancer {
        arn: format!("{}/2", first.arn),
        name: name.into(),
        dns_name: format!(
            "{}{name}-2.us-east-1.elb.amazonaws.com",
            if first.scheme.is(Scheme::Internal) { "internal-" } else { "" }
        ),
        tags: Default::default(),
        ..first.clone()
    }
    .owned_by(topology, Address::LoadBalancer(1));
    for (kept, moved) in first.listeners.iter_mut().zip(&mut second.listeners) {
        moved.arn = format!("{}/2", kept.arn);
        moved.rules.retain(of_services);
        kept.rules.retain(|rule| !of_services(rule));
    }
    observed.load_balancers.push(second);
}
