//! What a service's target group is made of: its health check and the attributes ecsnet manages, with AWS's
//! defaults for both.

/// AWS's default health check for an HTTP target group, used for every field the file leaves out.
pub const DEFAULT_HEALTH_CHECK: HealthCheck = HealthCheck {
    path: String::new(),
    interval: 30,
    timeout: 5,
    healthy_threshold: 5,
    unhealthy_threshold: 2,
    matcher: String::new(),
};

/// Target group attributes ecsnet manages when the file sets them; `None` leaves AWS's value alone. Read from AWS,
/// every attribute read is `Some`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TargetGroupAttributes {
    pub deregistration_delay: Option<i64>,
    pub slow_start: Option<i64>,
    pub stickiness: Option<Stickiness>,
}

/// A target group's stickiness.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Stickiness {
    Off,
    /// Load-balancer cookie stickiness, its duration in seconds.
    LbCookie(i64),
    /// On, of a type ecsnet does not set (such as `app_cookie`).
    Other(String),
}

impl std::fmt::Display for Stickiness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stickiness::Off => write!(f, "off"),
            Stickiness::LbCookie(duration) => write!(f, "lb_cookie {duration} s"),
            Stickiness::Other(kind) => write!(f, "{kind}"),
        }
    }
}

/// AWS's values for the attributes ecsnet manages, which an attribute ecsnet set goes back to when it leaves the
/// file (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html,
/// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html).
pub mod aws_defaults {
    pub const DEREGISTRATION_DELAY: i64 = 300;
    pub const SLOW_START: i64 = 0;
    /// Stickiness off; its cookie duration back to one day.
    pub const STICKINESS_DURATION: i64 = 86_400;
    pub const IDLE_TIMEOUT: i64 = 60;
}

impl TargetGroupAttributes {
    pub fn is_empty(&self) -> bool {
        *self == TargetGroupAttributes::default()
    }

    /// The names (as the file writes them) of the attributes set here.
    pub fn names(&self) -> Vec<&'static str> {
        [
            ("deregistration_delay", self.deregistration_delay.is_some()),
            ("slow_start", self.slow_start.is_some()),
            ("stickiness", self.stickiness.is_some()),
        ]
        .into_iter()
        .filter(|(_, set)| *set)
        .map(|(name, _)| name)
        .collect()
    }

    /// These attributes, with AWS's default for each one named in `previously_set` and not set here.
    pub fn with_defaults_for(&self, previously_set: &[String]) -> TargetGroupAttributes {
        let dropped = |name: &str| previously_set.iter().any(|set| set == name);
        TargetGroupAttributes {
            deregistration_delay: self
                .deregistration_delay
                .or(dropped("deregistration_delay").then_some(aws_defaults::DEREGISTRATION_DELAY)),
            slow_start: self.slow_start.or(dropped("slow_start").then_some(aws_defaults::SLOW_START)),
            stickiness: self.stickiness.clone().or(dropped("stickiness").then_some(Stickiness::Off)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct HealthCheck {
    pub path: String,
    pub interval: i32,
    pub timeout: i32,
    pub healthy_threshold: i32,
    pub unhealthy_threshold: i32,
    /// HTTP codes that mean healthy, as AWS writes them: "200", "200-299", "200,202".
    pub matcher: String,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck { path: "/".into(), matcher: "200".into(), ..DEFAULT_HEALTH_CHECK }
    }
}
