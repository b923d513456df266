//! A topology file built by calls: `TopologyBuilder::new("demo").service("api", |s| s.port(8080))`, written out as
//! the TOML a user would write (`text`) or parsed as ecsnet reads it (`build`). One builder a file: the topology
//! here, its load balancer and listeners, its zone, its services, and a service's health check.

mod dns;
mod health_check;
mod load_balancer;
mod service;

use std::path::Path;

use crate::topology::file::{
    DiscoverySection, DnsSection, ListenerSection, Listeners, NetworkSection, ServiceSection, TopologyFile,
};
use crate::topology::{parse, Topology};

pub use dns::DnsBuilder;
pub use health_check::HealthCheckBuilder;
pub use load_balancer::{ListenerBuilder, LoadBalancerBuilder};
pub use service::ServiceBuilder;

/// A topology file. Unless set: VPC `vpc-1`, subnets `subnet-a` and `subnet-b`, no load balancer, no zone.
#[derive(Debug, Clone)]
pub struct TopologyBuilder {
    file: TopologyFile,
}

impl TopologyBuilder {
    pub fn new(name: impl Into<String>) -> TopologyBuilder {
        TopologyBuilder {
            file: TopologyFile {
                name: name.into(),
                region: None,
                network: NetworkSection { vpc: "vpc-1".into(), subnets: vec!["subnet-a".into(), "subnet-b".into()] },
                load_balancer: None,
                listener: None,
                dns: None,
                discovery: None,
                lattice: None,
                services: Vec::new(),
            },
        }
    }

    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.file.name = name.into();
        self
    }

    pub fn region(mut self, region: &str) -> Self {
        self.file.region = Some(region.into());
        self
    }

    pub fn vpc(mut self, vpc: &str) -> Self {
        self.file.network.vpc = vpc.into();
        self
    }

    pub fn subnets<S: AsRef<str>>(mut self, subnets: impl IntoIterator<Item = S>) -> Self {
        self.file.network.subnets = strings(subnets);
        self
    }

    /// `[load_balancer]` with AWS's defaults: internal, reached from the VPC.
    pub fn load_balancer(self) -> Self {
        self.load_balancer_with(|balancer| balancer)
    }

    pub fn load_balancer_with(mut self, set: impl FnOnce(LoadBalancerBuilder) -> LoadBalancerBuilder) -> Self {
        let current = self.file.load_balancer.take().unwrap_or_default();
        self.file.load_balancer = Some(set(LoadBalancerBuilder(current)).0);
        self
    }

    /// One more listener: `[listener]` for the first, `[[listener]]` tables once there are several.
    pub fn listener(mut self, set: impl FnOnce(ListenerBuilder) -> ListenerBuilder) -> Self {
        let added = set(ListenerBuilder(ListenerSection::default())).0;
        self.file.listener = Some(match self.file.listener.take() {
            None => Listeners::One(added),
            Some(Listeners::One(first)) => Listeners::Many(vec![first, added]),
            Some(Listeners::Many(mut all)) => {
                all.push(added);
                Listeners::Many(all)
            }
        });
        self
    }

    /// `[dns]` with the private zone `zone`.
    pub fn dns(self, zone: &str) -> Self {
        self.dns_with(zone, |dns| dns)
    }

    pub fn dns_with(mut self, zone: &str, set: impl FnOnce(DnsBuilder) -> DnsBuilder) -> Self {
        self.file.dns = Some(set(DnsBuilder(DnsSection { zone: zone.into(), ttl: None, record: None })).0);
        self
    }

    pub fn without_dns(mut self) -> Self {
        self.file.dns = None;
        self
    }

    /// `[discovery]` with the Cloud Map namespace `namespace`.
    /// `[lattice]`: the service network (a name or an ARN) and the ECS infrastructure role
    /// `arn:aws:iam::123456789012:role/ecs-lattice`.
    pub fn lattice(mut self, service_network: &str) -> Self {
        self.file.lattice = Some(crate::topology::file::LatticeSection {
            service_network: service_network.into(),
            security_groups: None,
            infrastructure_role: "arn:aws:iam::123456789012:role/ecs-lattice".into(),
        });
        self
    }

    /// No `[lattice]`.
    pub fn without_lattice(mut self) -> Self {
        self.file.lattice = None;
        self
    }

    /// `[lattice] security_groups` (after `lattice`).
    pub fn lattice_security_groups<S: AsRef<str>>(mut self, groups: impl IntoIterator<Item = S>) -> Self {
        self.file.lattice.as_mut().expect("lattice(..) before its groups").security_groups = Some(strings(groups));
        self
    }

    pub fn discovery(mut self, namespace: &str) -> Self {
        self.file.discovery = Some(DiscoverySection { namespace: namespace.into() });
        self
    }

    /// A `[[service]]`: port 8080 and the security group `<name>-tasks` unless `set` says otherwise. A second call
    /// with the same name changes that service.
    pub fn service(mut self, name: impl Into<String>, set: impl FnOnce(ServiceBuilder) -> ServiceBuilder) -> Self {
        let name = name.into();
        match self.file.services.iter().position(|service| service.name == name) {
            Some(index) => {
                let current = self.file.services[index].clone();
                self.file.services[index] = set(ServiceBuilder(current)).0;
            }
            None => {
                let security_group = format!("{name}-tasks");
                self.file.services.push(
                    set(ServiceBuilder(ServiceSection {
                        name,
                        port: 8080,
                        host: None,
                        hosts: None,
                        paths: None,
                        listeners: None,
                        deregistration_delay: None,
                        slow_start: None,
                        stickiness: None,
                        security_group,
                        target_type: None,
                        priority: None,
                        health_check: None,
                        load_balanced: None,
                        callers: None,
                        ecs: None,
                        discovery: None,
                        connect: None,
                        lattice: None,
                    }))
                    .0,
                );
            }
        }
        self
    }

    pub fn without_service(mut self, name: &str) -> Self {
        self.file.services.retain(|service| service.name != name);
        self
    }

    pub fn without_services(mut self) -> Self {
        self.file.services.clear();
        self
    }

    /// The file as a user would write it.
    pub fn text(&self) -> String {
        toml::to_string(&self.file).expect("a topology file serializes to TOML")
    }

    /// The file as ecsnet reads it; panics with the error when it does not parse or validate.
    pub fn build(&self) -> Topology {
        let text = self.text();
        parse(Path::new("test.toml"), &text).unwrap_or_else(|error| panic!("{error}\n--- the file\n{text}"))
    }
}

fn strings<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> Vec<String> {
    values.into_iter().map(|value| value.as_ref().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_a_file_ecsnet_reads_back_as_built() {
        let builder = TopologyBuilder::new("demo")
            .region("eu-west-1")
            .load_balancer_with(|balancer| balancer.internet_facing(["0.0.0.0/0"]).idle_timeout(30))
            .listener(|listener| listener.port(443).https("arn:cert").fixed_response(404, "no route"))
            .listener(|listener| listener.port(80).redirect_to(443))
            .dns_with("in.example.com", |dns| dns.ttl(30).record("alias"))
            .discovery("internal")
            .service("api", |service| {
                service
                    .hosts(["api.in.example.com"])
                    .paths(["/api/*"])
                    .stickiness(3600)
                    .health_check(|check| check.path("/health").interval(5).timeout(4))
            })
            .service("worker", |service| {
                service.port(9090).load_balanced(false).callers(["api"]).ecs("main").discovery_record("A")
            });
        let text = builder.text();
        let file: TopologyFile = toml::from_str(&text).unwrap();
        assert_eq!(file, builder.file, "{text}");
        let topology = builder.build();
        assert_eq!(topology.services.len(), 2);
        assert!(text.contains("[[listener]]\nport = 443"), "{text}");
    }

    #[test]
    fn a_second_call_for_a_service_changes_it_and_one_listener_is_a_table() {
        let builder = TopologyBuilder::new("demo")
            .load_balancer()
            .listener(|listener| listener.fixed_response(404, "no route"))
            .service("api", |service| service.port(8080).host("api.example.com"))
            .service("api", |service| service.port(9090));
        assert_eq!(builder.file.services.len(), 1);
        assert_eq!(builder.file.services[0].port, 9090);
        let text = builder.text();
        assert!(text.contains("[listener.default]\n") && !text.contains("[[listener]]"), "{text}");
        builder.build();
    }
}
