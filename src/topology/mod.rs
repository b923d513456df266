//! The topology: what the user wants, read from a TOML file, validated against AWS's limits and with every
//! default filled in. Nothing here touches the network.

mod aws_name;
pub mod file;
mod format;
mod load;
pub(crate) mod names;
mod places;
mod target_group;
mod validate;

pub use aws_name::AwsName;
pub use load::{load, locate, parse, read, TopologyError};
pub use names::{bounded_name, lattice_name, CallerName, ConnectName, LatticeName};
pub use places::shown_key;
pub use target_group::{aws_defaults, HealthCheck, Stickiness, TargetGroupAttributes, DEFAULT_HEALTH_CHECK};
pub use validate::ValidationError;
pub(crate) use validate::{arn_account, arn_region};

/// Ports the load balancer's security group always opens to the allowed CIDR blocks, besides the listeners' own.
pub const LOAD_BALANCER_PORTS: [u16; 2] = [80, 443];

/// A validated topology with every default resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Topology {
    pub name: String,
    pub region: Option<String>,
    pub network: Network,
    pub load_balancer: Option<LoadBalancer>,
    pub dns: Option<Dns>,
    /// The Cloud Map private DNS namespace's name.
    pub discovery: Option<String>,
    /// The VPC Lattice service network, for services with `[service.lattice]`.
    pub lattice: Option<Lattice>,
    pub services: Vec<Service>,
}

impl Topology {
    /// The names the topology makes that resolve only inside the VPC: its private zone, its Cloud Map namespace.
    pub fn names_resolved_in_vpc(&self) -> Vec<String> {
        self.dns
            .iter()
            .map(|dns| format!("the private zone {}", dns.zone))
            .chain(self.discovery.iter().map(|namespace| format!("the Cloud Map namespace {namespace}")))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// A VPC ID (`vpc-…`) or the value of the VPC's Name tag.
    pub vpc: String,
    /// Subnet IDs or Name tags.
    pub subnets: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancer {
    pub name: String,
    pub scheme: Scheme,
    /// `None`: the VPC's CIDR blocks, known once the VPC is read.
    pub allowed_cidrs: Option<Vec<String>>,
    /// Seconds; `None` leaves AWS's value (60) alone, unless ecsnet set it earlier (then it goes back to 60).
    pub idle_timeout: Option<i64>,
    pub listeners: Vec<Listener>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Listener {
    pub port: u16,
    pub protocol: Protocol,
    pub certificate_arn: Option<String>,
    /// Set for HTTPS listeners.
    pub ssl_policy: Option<String>,
    pub default: DefaultAction,
}

impl Listener {
    /// Whether service rules go on this listener (a redirecting listener carries none).
    pub fn carries_rules(&self) -> bool {
        !matches!(self.default, DefaultAction::Redirect { .. })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Protocol {
    Http,
    Https,
}

/// What a listener does with a request no rule matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultAction {
    /// Forward to an empty target group: AWS answers 503, the same way every time.
    EmptyTargetGroup,
    FixedResponse {
        status: u16,
        body: Option<String>,
        content_type: String,
    },
    /// Forward to a service's target group.
    Forward(String),
    /// Answer 301 to HTTPS on that port.
    Redirect {
        port: u16,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Scheme {
    Internal,
    InternetFacing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dns {
    /// The zone name without a trailing dot, lowercase.
    pub zone: String,
    pub ttl: i64,
    pub record: RecordKind,
}

/// How a service's name points at the load balancer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum RecordKind {
    Cname,
    /// An A record aliased to the load balancer (allowed at the zone apex).
    Alias,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: String,
    /// The container port.
    pub port: u16,
    /// The tasks' security group: an ID (`sg-…`), or a group name or Name tag.
    pub security_group: String,
    pub target_type: TargetType,
    /// How the load balancer reaches the service; `None` when it is not load balanced.
    pub routing: Option<Routing>,
    /// Services whose tasks may call this one: ingress from each caller's group on `port`.
    pub callers: Vec<String>,
    pub ecs: Option<EcsWiring>,
    pub discovery: Option<ServiceDiscovery>,
    pub connect: Option<Connect>,
    pub lattice: Option<ServiceLattice>,
}

impl Service {
    /// The callers named by service (the rest are IAM principals' ARNs, which only VPC Lattice admits).
    pub fn caller_services(&self) -> impl Iterator<Item = &str> {
        self.callers.iter().map(String::as_str).filter(|caller| !is_principal_arn(caller))
    }
}

/// Whether a caller is an IAM principal's ARN rather than a service's name.
pub fn is_principal_arn(caller: &str) -> bool {
    caller.starts_with("arn:")
}

/// The VPC Lattice service network and what ECS needs to register tasks in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Lattice {
    pub service_network: ServiceNetworkRef,
    /// The VPC association's security groups, as the file names them (IDs or names).
    pub security_groups: Vec<String>,
    /// The ECS infrastructure role's ARN.
    pub infrastructure_role: String,
}

/// A service network by name (ecsnet creates it when none has the name) or by ARN (it must exist; ecsnet only
/// associates with it and never deletes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceNetworkRef {
    Name(String),
    Arn(String),
}

impl ServiceNetworkRef {
    /// Whether the service network of this name and ARN is the one the file names.
    pub fn names(&self, name: &str, arn: &str) -> bool {
        match self {
            ServiceNetworkRef::Name(wanted) => wanted == name,
            ServiceNetworkRef::Arn(wanted) => wanted == arn,
        }
    }
}

/// A service reached through VPC Lattice: a Lattice service with one HTTP listener forwarding to an IP target
/// group in which ECS registers the tasks' `port_name` port.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceLattice {
    pub port_name: String,
    /// The listener's port.
    pub port: u16,
    /// A custom domain name, lowercase, with a record in the `[dns]` zone.
    pub domain: Option<String>,
}

/// The listener port of a Lattice service when the file sets none.
pub const DEFAULT_LATTICE_PORT: u16 = 80;

#[derive(Debug, Clone, PartialEq)]
pub struct Routing {
    /// Host headers the rule matches, lowercase, without a trailing dot; empty for a path-only rule.
    pub hosts: Vec<String>,
    /// Path patterns the rule matches, combined with the hosts in one rule; empty for host-only.
    pub paths: Vec<String>,
    /// Ports of the listeners that carry the rule.
    pub listeners: Vec<u16>,
    pub priority: Option<u32>,
    pub health_check: HealthCheck,
    pub attributes: TargetGroupAttributes,
}

/// The running ECS service ecsnet updates (never creates or deletes).
#[derive(Debug, Clone, PartialEq)]
pub struct EcsWiring {
    pub cluster: String,
    pub service: String,
    pub container: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDiscovery {
    pub record: RecordType,
    pub ttl: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum RecordType {
    A,
    Srv,
}

/// ECS Service Connect in the topology's Cloud Map namespace.
#[derive(Debug, Clone, PartialEq)]
pub struct Connect {
    pub port_name: String,
    /// The first alias's discovery name (`[service.connect] discovery_name`, default the service's name).
    pub discovery_name: String,
    /// The client aliases callers use, at least one: the first registers `discovery_name`. AWS takes one client alias
    /// per Service Connect service, so each further alias is a Service Connect service of its own on the same port
    /// name, under a discovery name of its own.
    pub aliases: Vec<ConnectAlias>,
    pub tls: Option<ConnectTls>,
    pub timeouts: ConnectTimeouts,
    pub logs: Option<ConnectLogs>,
}

impl Connect {
    /// Each alias as callers use it in `namespace`, the service's port standing in for an alias without one:
    /// (discovery name, DNS name, port).
    pub fn resolved(&self, namespace: &str, service_port: u16) -> Vec<(String, String, u16)> {
        self.aliases
            .iter()
            .map(|alias| {
                let dns_name =
                    alias.dns_name.clone().unwrap_or_else(|| format!("{}.{namespace}", alias.discovery_name));
                (alias.discovery_name.clone(), dns_name, alias.port.unwrap_or(service_port))
            })
            .collect()
    }
}

/// A client alias callers use, when the file sets it: a DNS name (else `<discovery_name>.<namespace>`) and a port
/// (else the service's). Setting them to a load-balanced service's host and listener port keeps the name its callers
/// use when it moves to Service Connect (`plan::migration`).
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectAlias {
    pub discovery_name: String,
    pub dns_name: Option<String>,
    pub port: Option<u16>,
}

/// Service Connect TLS (ECS's ServiceConnectTlsConfiguration): the AWS Private CA that issues the certificates, the
/// KMS key and the IAM role ECS uses for them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct ConnectTls {
    pub certificate_authority: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// Service Connect's timeouts in seconds (ECS's TimeoutConfiguration); `None` leaves AWS's default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct ConnectTimeouts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_request: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle: Option<i32>,
}

impl ConnectTimeouts {
    pub fn is_empty(&self) -> bool {
        self.per_request.is_none() && self.idle.is_none()
    }
}

/// The Service Connect proxy's logs (ECS's logConfiguration) and its access logs (accessLogConfiguration, which AWS
/// takes only with a logConfiguration).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct ConnectLogs {
    pub driver: LogDriver,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub options: std::collections::BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_log: Option<AccessLog>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct AccessLog {
    pub format: AccessLogFormat,
    /// `None` leaves AWS's default (DISABLED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_parameters: Option<bool>,
}

/// ECS's ServiceConnectAccessLoggingFormat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum AccessLogFormat {
    Text,
    Json,
}

/// ECS's LogDriver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum LogDriver {
    JsonFile,
    Syslog,
    Journald,
    Gelf,
    Fluentd,
    Awslogs,
    Splunk,
    Awsfirelens,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum TargetType {
    Ip,
    Instance,
}
