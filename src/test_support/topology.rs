//! A topology file built by calls: `TopologyBuilder::new("demo").service("api", |s| s.port(8080))`, written out as
//! the TOML a user would write (`text`) or parsed as ecsnet reads it (`build`).

use std::path::Path;

use crate::topology::file::{
    ConnectSection, DefaultActionSection, DefaultActionTable, DiscoverySection, DnsSection, EcsSection,
    HealthCheckSection, ListenerSection, Listeners, LoadBalancerSection, NetworkSection, ServiceDiscoverySection,
    ServiceSection, StickinessSection, TopologyFile,
};
use crate::topology::{parse, Topology};

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

pub struct LoadBalancerBuilder(LoadBalancerSection);

impl LoadBalancerBuilder {
    pub fn name(mut self, name: &str) -> Self {
        self.0.name = Some(name.into());
        self
    }

    pub fn scheme(mut self, scheme: &str) -> Self {
        self.0.scheme = Some(scheme.into());
        self
    }

    /// `scheme = "internet-facing"`, reached from `cidrs`.
    pub fn internet_facing<S: AsRef<str>>(self, cidrs: impl IntoIterator<Item = S>) -> Self {
        self.scheme("internet-facing").allowed_cidrs(cidrs)
    }

    pub fn allowed_cidrs<S: AsRef<str>>(mut self, cidrs: impl IntoIterator<Item = S>) -> Self {
        self.0.allowed_cidrs = Some(strings(cidrs));
        self
    }

    pub fn idle_timeout(mut self, seconds: i64) -> Self {
        self.0.idle_timeout = Some(seconds);
        self
    }
}

pub struct ListenerBuilder(ListenerSection);

impl ListenerBuilder {
    pub fn port(mut self, port: i64) -> Self {
        self.0.port = Some(port);
        self
    }

    /// `protocol = "HTTPS"` with the certificate.
    pub fn https(mut self, certificate_arn: &str) -> Self {
        self.0.protocol = Some("HTTPS".into());
        self.0.certificate_arn = Some(certificate_arn.into());
        self
    }

    pub fn ssl_policy(mut self, policy: &str) -> Self {
        self.0.ssl_policy = Some(policy.into());
        self
    }

    pub fn redirect_to(mut self, port: i64) -> Self {
        self.0.redirect_to = Some(port);
        self
    }

    /// `default = { fixed_response = status, body = "…" }`.
    pub fn fixed_response(mut self, status: i64, body: &str) -> Self {
        self.0.default = Some(DefaultActionSection::Table(DefaultActionTable {
            fixed_response: Some(status),
            body: Some(body.into()),
            ..DefaultActionTable::default()
        }));
        self
    }

    /// `default = { forward = "service" }`.
    pub fn forward(mut self, service: &str) -> Self {
        self.0.default = Some(DefaultActionSection::Table(DefaultActionTable {
            forward: Some(service.into()),
            ..DefaultActionTable::default()
        }));
        self
    }

    /// `default = "empty-target-group"` and the like.
    pub fn default_named(mut self, name: &str) -> Self {
        self.0.default = Some(DefaultActionSection::Named(name.into()));
        self
    }
}

pub struct DnsBuilder(DnsSection);

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

pub struct ServiceBuilder(ServiceSection);

impl ServiceBuilder {
    pub fn port(mut self, port: i64) -> Self {
        self.0.port = port;
        self
    }

    pub fn security_group(mut self, group: &str) -> Self {
        self.0.security_group = group.into();
        self
    }

    pub fn host(mut self, host: &str) -> Self {
        self.0.host = Some(host.into());
        self
    }

    pub fn hosts<S: AsRef<str>>(mut self, hosts: impl IntoIterator<Item = S>) -> Self {
        self.0.hosts = Some(strings(hosts));
        self
    }

    pub fn paths<S: AsRef<str>>(mut self, paths: impl IntoIterator<Item = S>) -> Self {
        self.0.paths = Some(strings(paths));
        self
    }

    pub fn listeners(mut self, ports: impl IntoIterator<Item = i64>) -> Self {
        self.0.listeners = Some(ports.into_iter().collect());
        self
    }

    pub fn deregistration_delay(mut self, seconds: i64) -> Self {
        self.0.deregistration_delay = Some(seconds);
        self
    }

    pub fn slow_start(mut self, seconds: i64) -> Self {
        self.0.slow_start = Some(seconds);
        self
    }

    /// `stickiness = { duration = seconds }`.
    pub fn stickiness(mut self, seconds: i64) -> Self {
        self.0.stickiness = Some(StickinessSection { duration: Some(seconds) });
        self
    }

    pub fn target_type(mut self, target_type: &str) -> Self {
        self.0.target_type = Some(target_type.into());
        self
    }

    pub fn priority(mut self, priority: i64) -> Self {
        self.0.priority = Some(priority);
        self
    }

    pub fn health_check(mut self, set: impl FnOnce(HealthCheckBuilder) -> HealthCheckBuilder) -> Self {
        let current = self.0.health_check.take().unwrap_or_default();
        self.0.health_check = Some(set(HealthCheckBuilder(current)).0);
        self
    }

    pub fn load_balanced(mut self, load_balanced: bool) -> Self {
        self.0.load_balanced = Some(load_balanced);
        self
    }

    pub fn callers<S: AsRef<str>>(mut self, callers: impl IntoIterator<Item = S>) -> Self {
        self.0.callers = Some(strings(callers));
        self
    }

    /// `[service.ecs]` with the cluster; the ECS service is named after the service.
    pub fn ecs(mut self, cluster: &str) -> Self {
        self.0.ecs = Some(EcsSection { cluster: cluster.into(), service: None, container: None });
        self
    }

    /// `[service.ecs]`'s `container` (after `ecs`).
    pub fn container(mut self, container: &str) -> Self {
        self.0.ecs.as_mut().expect("ecs(cluster) before container").container = Some(container.into());
        self
    }

    /// `[service.discovery]`, with Cloud Map's defaults unless `record` or `ttl` follow.
    pub fn discovered(mut self) -> Self {
        self.0.discovery.get_or_insert_with(ServiceDiscoverySection::default);
        self
    }

    /// `[service.discovery]`'s `record` ("A" or "SRV").
    pub fn discovery_record(mut self, record: &str) -> Self {
        self.0.discovery.get_or_insert_with(ServiceDiscoverySection::default).record = Some(record.into());
        self
    }

    /// `[service.discovery]`'s `ttl`.
    pub fn discovery_ttl(mut self, ttl: i64) -> Self {
        self.0.discovery.get_or_insert_with(ServiceDiscoverySection::default).ttl = Some(ttl);
        self
    }

    /// `[service.connect]`.
    pub fn connect(mut self, port_name: &str, discovery_name: Option<&str>) -> Self {
        self.0.connect =
            Some(ConnectSection { port_name: port_name.into(), discovery_name: discovery_name.map(str::to_string) });
        self
    }
}

pub struct HealthCheckBuilder(HealthCheckSection);

impl HealthCheckBuilder {
    pub fn path(mut self, path: &str) -> Self {
        self.0.path = Some(path.into());
        self
    }

    pub fn interval(mut self, seconds: i64) -> Self {
        self.0.interval = Some(seconds);
        self
    }

    pub fn timeout(mut self, seconds: i64) -> Self {
        self.0.timeout = Some(seconds);
        self
    }

    pub fn thresholds(mut self, healthy: i64, unhealthy: i64) -> Self {
        self.0.healthy_threshold = Some(healthy);
        self.0.unhealthy_threshold = Some(unhealthy);
        self
    }

    pub fn matcher(mut self, matcher: &str) -> Self {
        self.0.matcher = Some(matcher.into());
        self
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
