//! What ECS accepts of a service's wiring, given the task definition the service runs. Pure checks, shared by
//! `plan` (which refuses before any call) and `doctor` (which reports what changed since).

use std::fmt;

use crate::live::NetworkMode;
use crate::live::{Container, TaskDefinition};
use crate::topology::{RecordType, Service, TargetType};

/// What ecsnet asks ECS to do with one service, as far as the task definition matters.
#[derive(Debug, Clone, Copy)]
pub struct Wiring<'a> {
    /// `[service.ecs] container`.
    pub container: &'a str,
    /// The service's (container) port.
    pub port: u16,
    pub target_type: TargetType,
    /// The service's target group is attached (a load balancer entry).
    pub load_balanced: bool,
    /// The service is registered in Cloud Map with this record type.
    pub record: Option<RecordType>,
    /// `[service.connect] port_name`.
    pub port_name: Option<&'a str>,
    /// `[service.connect] per_request_timeout` is set.
    pub per_request_timeout: bool,
    /// `[service.lattice] port_name`.
    pub lattice_port_name: Option<&'a str>,
}

impl<'a> Wiring<'a> {
    /// What the file asks of the service's ECS service; `None` when it wires none.
    pub fn of(service: &'a Service) -> Option<Self> {
        let ecs = service.ecs.as_ref()?;
        Some(Wiring {
            container: &ecs.container,
            port: service.port,
            target_type: service.target_type,
            load_balanced: service.routing.is_some(),
            record: service.discovery.as_ref().map(|discovery| discovery.record),
            port_name: service.connect.as_ref().map(|connect| connect.port_name.as_str()),
            per_request_timeout: service.connect.as_ref().is_some_and(|connect| connect.timeouts.per_request.is_some()),
            lattice_port_name: service.lattice.as_ref().map(|lattice| lattice.port_name.as_str()),
        })
    }

    /// Whether ECS is given the container and its port: in a load balancer entry, or in an SRV registry of a
    /// service without awsvpc networking (ecsnet registers SRV records of `target_type = "instance"` that way).
    pub fn names_container_port(&self) -> bool {
        self.load_balanced || (self.record == Some(RecordType::Srv) && self.target_type == TargetType::Instance)
    }
}

/// Something in a service's wiring that ECS refuses with its task definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// The task definition has no container of that name.
    NoContainer { task_definition: String, container: String, containers: Vec<String> },
    /// The container maps no such container port.
    PortNotMapped { container: String, port: u16, mapped: Vec<i32> },
    /// The target group's target type does not fit the network mode: awsvpc tasks are targets by IP, bridge and
    /// host tasks by instance.
    TargetType { task_definition: String, target_type: TargetType, network_mode: String },
    /// A Cloud Map A record needs awsvpc networking.
    RecordNeedsAwsvpc { task_definition: String, network_mode: String },
    /// An SRV registry by port alone needs awsvpc networking; bridge and host need the container and its port.
    SrvPortNeedsAwsvpc { task_definition: String, network_mode: String },
    /// No port mapping of the task definition has Service Connect's port name.
    NoPortName { task_definition: String, port_name: String, names: Vec<String> },
    /// A per-request timeout on a port mapping whose application protocol is TCP (set, or by default).
    PerRequestTimeoutOnTcp { task_definition: String, port_name: String },
    /// No port mapping of the task definition has VPC Lattice's port name.
    NoLatticePortName { task_definition: String, port_name: String, names: Vec<String> },
}

impl Mismatch {
    /// The key of the service's entry in the file that asks for what ECS refuses (after `service[<index>].`).
    pub fn key(&self) -> &'static str {
        match self {
            Mismatch::NoContainer { .. } => "ecs.container",
            Mismatch::PortNotMapped { .. } => "port",
            Mismatch::TargetType { .. } | Mismatch::SrvPortNeedsAwsvpc { .. } => "target_type",
            Mismatch::RecordNeedsAwsvpc { .. } => "discovery.record",
            Mismatch::NoPortName { .. } => "connect.port_name",
            Mismatch::PerRequestTimeoutOnTcp { .. } => "connect.per_request_timeout",
            Mismatch::NoLatticePortName { .. } => "lattice.port_name",
        }
    }

    /// How to fix it.
    pub fn hint(&self) -> String {
        match self {
            Mismatch::NoContainer { .. } => "set [service.ecs] container to the task definition's container name".into(),
            Mismatch::PortNotMapped { .. } => "set the service's port to the container port of the task definition".into(),
            Mismatch::TargetType { target_type: TargetType::Ip, .. } => "set target_type = \"instance\" for bridge or host networking, or run the service with awsvpc networking".into(),
            Mismatch::TargetType { target_type: TargetType::Instance, .. } => "set target_type = \"ip\": awsvpc tasks have their own network interface, and the load balancer targets its IP".into(),
            Mismatch::RecordNeedsAwsvpc { .. } => "use record = \"SRV\" with target_type = \"instance\", or run the service with awsvpc networking".into(),
            Mismatch::SrvPortNeedsAwsvpc { .. } => "set target_type = \"instance\": ecsnet then registers the container and its port, as ECS needs for bridge and host networking".into(),
            Mismatch::NoPortName { .. } => "set [service.connect] port_name to the name of one of the task definition's port mappings, or name the port mapping in the task definition".into(),
            Mismatch::PerRequestTimeoutOnTcp { .. } => "leave per_request_timeout out (idle_timeout applies to TCP), or set the port mapping's appProtocol to http, http2 or grpc in the task definition".into(),
            Mismatch::NoLatticePortName { .. } => "set [service.lattice] port_name to the name of one of the task definition's port mappings, or name the port mapping in the task definition".into(),
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::NoContainer { task_definition, container, containers } => write!(f, "task definition {task_definition} has no container \"{container}\" (it has {})", list(containers)),
            Mismatch::PortNotMapped { container, port, mapped } if mapped.is_empty() => write!(f, "container {container} maps no port, not {port}"),
            Mismatch::PortNotMapped { container, port, mapped } => write!(f, "container {container} maps port(s) {}, not {port}", list(mapped)),
            Mismatch::TargetType { task_definition, target_type: TargetType::Ip, network_mode } => {
                write!(f, "target type \"ip\" needs the awsvpc network mode, and task definition {task_definition} uses {network_mode}")
            }
            Mismatch::TargetType { task_definition, target_type: TargetType::Instance, .. } => {
                write!(f, "target type \"instance\" cannot reach tasks of the awsvpc network mode, which task definition {task_definition} uses")
            }
            Mismatch::RecordNeedsAwsvpc { task_definition, network_mode } => write!(f, "A records need the awsvpc network mode, and task definition {task_definition} uses {network_mode}"),
            Mismatch::SrvPortNeedsAwsvpc { task_definition, network_mode } => {
                write!(f, "an SRV record registered by port alone (target_type = \"ip\") needs the awsvpc network mode, and task definition {task_definition} uses {network_mode}")
            }
            Mismatch::NoPortName { task_definition, port_name, names } | Mismatch::NoLatticePortName { task_definition, port_name, names } if names.is_empty() => write!(f, "task definition {task_definition} has no port mapping named \"{port_name}\" (none of its port mappings has a name)"),
            Mismatch::NoPortName { task_definition, port_name, names } | Mismatch::NoLatticePortName { task_definition, port_name, names } => write!(f, "task definition {task_definition} has no port mapping named \"{port_name}\" (it has {})", list(names)),
            Mismatch::PerRequestTimeoutOnTcp { task_definition, port_name } => write!(f, "a per-request timeout needs an application protocol other than TCP, and port mapping \"{port_name}\" of task definition {task_definition} sets no appProtocol (TCP)"),
        }
    }
}

fn list<T: fmt::Display>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// The container `name` of the task definition, if it maps `port`.
/// A load balancer entry's containerName and containerPort must be a container of the task definition and one of
/// its container ports (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LoadBalancer.html); the same
/// for a registry's (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRegistry.html).
pub fn container_port<'a>(definition: &'a TaskDefinition, name: &str, port: u16) -> Result<&'a Container, Mismatch> {
    let Some(container) = definition.container(name) else {
        return Err(Mismatch::NoContainer {
            task_definition: definition.short_name().to_string(),
            container: name.to_string(),
            containers: definition.containers.iter().map(|container| container.name.clone()).collect(),
        });
    };
    if container.maps_port(i32::from(port)) {
        Ok(container)
    } else {
        Err(Mismatch::PortNotMapped {
            container: container.name.clone(),
            port,
            mapped: container.port_mappings.iter().map(|mapping| mapping.container_port).collect(),
        })
    }
}

/// Everything in `wiring` that ECS refuses with `definition`, in the order of the file's keys.
pub fn mismatches(wiring: &Wiring, definition: &TaskDefinition) -> Vec<Mismatch> {
    let mut found = Vec::new();
    if wiring.names_container_port() {
        found.extend(container_port(definition, wiring.container, wiring.port).err());
    }
    let task_definition = || definition.short_name().to_string();
    let network_mode = definition.network_mode();
    let awsvpc = network_mode.is(NetworkMode::Awsvpc);
    // awsvpc tasks need target type ip ("you must choose ip as the target type, not instance",
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LoadBalancer.html and
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb.html); bridge and host tasks register as
    // instances, and ECS refuses an ip target group for them ("target type ip, which is incompatible with the bridge
    // network mode specified in the task definition", InvalidParameterException).
    if wiring.load_balanced && (wiring.target_type == TargetType::Ip) != awsvpc {
        found.push(Mismatch::TargetType {
            task_definition: task_definition(),
            target_type: wiring.target_type,
            network_mode: network_mode.to_string(),
        });
    }
    // Bridge and host networking register SRV records with a containerName and containerPort; a port alone is for
    // awsvpc (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRegistry.html); A records only
    // for awsvpc (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html).
    match (wiring.record, wiring.target_type) {
        (Some(RecordType::A), _) if !awsvpc => found.push(Mismatch::RecordNeedsAwsvpc {
            task_definition: task_definition(),
            network_mode: network_mode.to_string(),
        }),
        (Some(RecordType::Srv), TargetType::Ip) if !awsvpc => found.push(Mismatch::SrvPortNeedsAwsvpc {
            task_definition: task_definition(),
            network_mode: network_mode.to_string(),
        }),
        _ => {}
    }
    // "The portName must match the name of one of the portMappings from all the containers in the task definition"
    // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html).
    if let Some(port_name) = wiring.port_name {
        if let Some(names) = unnamed(definition, port_name) {
            found.push(Mismatch::NoPortName {
                task_definition: task_definition(),
                port_name: port_name.to_string(),
                names,
            });
        }
        // "perRequestTimeout can only be set if Service Connect appProtocol isn't TCP", and a port mapping without
        // appProtocol is TCP (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TimeoutConfiguration.html,
        // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html). ECS's protocols are all
        // HTTP-like: any one set will do.
        let mapping = definition
            .containers
            .iter()
            .flat_map(|container| &container.port_mappings)
            .find(|mapping| mapping.name.as_deref() == Some(port_name));
        if let Some(mapping) = mapping.filter(|mapping| wiring.per_request_timeout && mapping.app_protocol.is_none()) {
            found.push(Mismatch::PerRequestTimeoutOnTcp {
                task_definition: task_definition(),
                port_name: mapping.name.clone().unwrap_or_default(),
            });
        }
    }
    // VPC Lattice's portName "is the name of the portMapping you defined in your task definition"
    // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_VpcLatticeConfiguration.html).
    if let Some(port_name) = wiring.lattice_port_name {
        if let Some(names) = unnamed(definition, port_name) {
            found.push(Mismatch::NoLatticePortName {
                task_definition: task_definition(),
                port_name: port_name.to_string(),
                names,
            });
        }
    }
    found
}

/// The names of the task definition's port mappings, when none of them is `port_name`.
fn unnamed(definition: &TaskDefinition, port_name: &str) -> Option<Vec<String>> {
    let names: Vec<String> = definition
        .containers
        .iter()
        .flat_map(|container| &container.port_mappings)
        .filter_map(|mapping| mapping.name.clone())
        .collect();
    (!names.iter().any(|name| name == port_name)).then_some(names)
}

#[cfg(test)]
mod tests;
