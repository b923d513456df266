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
pub use names::{bounded_name, lattice_name, CallerName};
pub use places::shown_key;
pub use target_group::{aws_defaults, HealthCheck, Stickiness, TargetGroupAttributes, DEFAULT_HEALTH_CHECK};
pub use validate::ValidationError;

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
    pub discovery_name: String,
    /// The client alias callers use, when the file sets it: a DNS name (else `<discovery_name>.<namespace>`) and a
    /// port (else the service's). Setting them to a load-balanced service's host and listener port keeps the name
    /// its callers use when it moves to Service Connect (`plan::migration`).
    pub dns_name: Option<String>,
    pub port: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum TargetType {
    Ip,
    Instance,
}
