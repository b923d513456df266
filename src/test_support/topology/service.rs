//! A `[[service]]`.

use crate::topology::file::{
    ConnectSection, EcsSection, ServiceDiscoverySection, ServiceLatticeSection, ServiceSection, StickinessSection,
};

use super::{strings, HealthCheckBuilder};

pub struct ServiceBuilder(pub(super) ServiceSection);

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
        self.0.connect = Some(ConnectSection {
            port_name: port_name.into(),
            discovery_name: discovery_name.map(str::to_string),
            ..ConnectSection::default()
        });
        self
    }

    /// Edits `[service.connect]` (after `connect`): its aliases, TLS, timeouts and logs.
    pub fn connect_settings(mut self, edit: impl FnOnce(&mut ConnectSection)) -> Self {
        edit(self.0.connect.as_mut().expect("connect(..) before connect_settings"));
        self
    }

    /// `[service.connect]`'s client alias, `dns_name` and `port` (after `connect`).
    pub fn connect_alias(mut self, dns_name: &str, port: i64) -> Self {
        let connect = self.0.connect.as_mut().expect("connect(..) before connect_alias");
        connect.dns_name = Some(dns_name.into());
        connect.port = Some(port);
        self
    }

    /// `[service.lattice]` with the port mapping's name, the listener on port 80 and no custom domain.
    pub fn lattice(mut self, port_name: &str) -> Self {
        self.0.lattice = Some(ServiceLatticeSection { port_name: port_name.into(), port: None, domain: None });
        self
    }

    /// No `[service.lattice]`.
    pub fn without_lattice(mut self) -> Self {
        self.0.lattice = None;
        self
    }

    /// `[service.lattice] port` (after `lattice`).
    pub fn lattice_port(mut self, port: i64) -> Self {
        self.0.lattice.as_mut().expect("lattice(..) before lattice_port").port = Some(port);
        self
    }

    /// `[service.lattice] domain` (after `lattice`).
    pub fn lattice_domain(mut self, domain: &str) -> Self {
        self.0.lattice.as_mut().expect("lattice(..) before lattice_domain").domain = Some(domain.into());
        self
    }
}
