//! `[load_balancer]` and its `[listener]`s.

use crate::topology::file::{DefaultActionSection, DefaultActionTable, ListenerSection, LoadBalancerSection};

use super::strings;

pub struct LoadBalancerBuilder(pub(super) LoadBalancerSection);

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

pub struct ListenerBuilder(pub(super) ListenerSection);

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
