//! A service's `[service.health_check]`.

use crate::topology::file::HealthCheckSection;

pub struct HealthCheckBuilder(pub(super) HealthCheckSection);

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
