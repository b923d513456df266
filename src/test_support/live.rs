//! Live state built by calls: each resource from a function with the usual values, changed with struct update
//! syntax where a test needs another, marked as ecsnet's with `OwnedBy::owned_by`, and gathered by
//! `ObservedBuilder`.

use crate::live::{
    AppProtocol, Container, Direction, DiscoveryService, EcsService, HostedZone, Listener, ListenerDefault,
    LoadBalancer, Namespace, Observed, Peer, Permission, PortMapping, Record, Rule, SecurityGroup, SecurityGroupRule,
    Subnet, Tags, TargetGroup, TaskDefinition, Vpc, VpcDns,
};
use crate::plan::ownership::tagged_address;
use crate::plan::Address;
use crate::topology::HealthCheck;

/// An account's live state, resource by resource.
#[derive(Debug, Clone, Default)]
pub struct ObservedBuilder {
    observed: Observed,
}

impl ObservedBuilder {
    pub fn new() -> ObservedBuilder {
        ObservedBuilder::default()
    }

    /// The VPC, with the CIDR 10.0.0.0/16.
    pub fn vpc(mut self, id: &str) -> Self {
        self.observed.vpc = Some(Vpc { id: id.into(), cidrs: vec!["10.0.0.0/16".into()] });
        self
    }

    pub fn vpc_dns(mut self, support: bool, hostnames: bool) -> Self {
        self.observed.vpc_dns = Some(VpcDns { support, hostnames });
        self
    }

    pub fn subnet(mut self, subnet: Subnet) -> Self {
        self.observed.subnets.push(subnet);
        self
    }

    pub fn security_group(mut self, group: SecurityGroup) -> Self {
        self.observed.security_groups.push(group);
        self
    }

    pub fn load_balancer(mut self, balancer: LoadBalancer) -> Self {
        self.observed.load_balancers.push(balancer);
        self
    }

    pub fn target_group(mut self, group: TargetGroup) -> Self {
        self.observed.target_groups.push(group);
        self
    }

    pub fn zone(mut self, zone: HostedZone) -> Self {
        self.observed.zones.push(zone);
        self
    }

    pub fn namespace(mut self, namespace: Namespace) -> Self {
        self.observed.namespaces.push(namespace);
        self
    }

    pub fn discovery_service(mut self, service: DiscoveryService) -> Self {
        self.observed.discovery_services.push(service);
        self
    }

    pub fn ecs_service(mut self, service: EcsService) -> Self {
        self.observed.ecs_services.push(service);
        self
    }

    pub fn task_definition(mut self, definition: TaskDefinition) -> Self {
        self.observed.task_definitions.push(definition);
        self
    }

    /// The region's VPC Lattice managed prefix list.
    pub fn lattice_prefix_list(mut self, id: &str) -> Self {
        self.observed.lattice.prefix_list_id = Some(id.into());
        self
    }

    pub fn service_network(mut self, network: crate::live::ServiceNetwork) -> Self {
        self.observed.lattice.service_networks.push(network);
        self
    }

    pub fn build(self) -> Observed {
        self.observed
    }
}

pub fn subnet(id: &str, name: Option<&str>, availability_zone: &str) -> Subnet {
    Subnet { id: id.into(), name: name.map(str::to_string), availability_zone: availability_zone.into() }
}

/// A security group without rules.
pub fn security_group(id: &str, name: &str) -> SecurityGroup {
    SecurityGroup { id: id.into(), group_name: name.into(), tags: Tags::new(), rules: vec![], references: vec![] }
}

/// An inbound rule for one port (`-1` with protocol "-1": every port).
pub fn ingress(id: &str, protocol: &str, port: i32, peer: Peer) -> SecurityGroupRule {
    permission(id, Direction::Ingress, protocol, port, peer)
}

/// An outbound rule for one port (`-1` with protocol "-1": every port).
pub fn egress(id: &str, protocol: &str, port: i32, peer: Peer) -> SecurityGroupRule {
    permission(id, Direction::Egress, protocol, port, peer)
}

fn permission(id: &str, direction: Direction, protocol: &str, port: i32, peer: Peer) -> SecurityGroupRule {
    SecurityGroupRule {
        id: id.into(),
        permission: Permission { direction, protocol: protocol.into(), from_port: port, to_port: port, peer },
        tags: Tags::new(),
    }
}

/// An active load balancer of `scheme` without listeners, subnets or groups; its DNS name made from its name.
pub fn load_balancer(arn: &str, name: &str, scheme: &str) -> LoadBalancer {
    let prefix = if scheme == "internal" { "internal-" } else { "" };
    LoadBalancer {
        arn: arn.into(),
        name: name.into(),
        scheme: scheme.into(),
        dns_name: format!("{prefix}{name}-1.us-east-1.elb.amazonaws.com"),
        canonical_zone_id: "Z35SXDOTRQ7X7K".into(),
        idle_timeout: None,
        subnet_ids: vec![],
        security_group_ids: vec![],
        tags: Tags::new(),
        listeners: vec![],
    }
}

/// A listener without rules; HTTPS without a certificate unless one is set.
pub fn listener(arn: &str, port: i32, protocol: &str, default: ListenerDefault) -> Listener {
    Listener {
        arn: arn.into(),
        port,
        protocol: protocol.into(),
        certificate_arn: None,
        ssl_policy: None,
        default,
        tags: Tags::new(),
        rules: vec![],
    }
}

/// A listener rule forwarding requests for `hosts` and `paths` to the target group.
pub fn rule(arn: &str, priority: u32, hosts: &[&str], paths: &[&str], target_group_arn: Option<&str>) -> Rule {
    Rule {
        arn: arn.into(),
        priority,
        hosts: hosts.iter().map(|host| host.to_string()).collect(),
        paths: paths.iter().map(|path| path.to_string()).collect(),
        target_group_arn: target_group_arn.map(str::to_string),
        tags: Tags::new(),
    }
}

/// An HTTP target group of IP targets in `vpc-1`, with AWS's default health check and no attributes read.
pub fn target_group(arn: &str, name: &str, port: i32) -> TargetGroup {
    TargetGroup {
        arn: arn.into(),
        name: name.into(),
        port,
        protocol: "HTTP".into(),
        target_type: "ip".into(),
        vpc_id: "vpc-1".into(),
        health_check: HealthCheck::default(),
        attributes: None,
        tags: Tags::new(),
    }
}

/// A private zone without records, made by hand (no comment).
pub fn zone(id: &str, name: &str) -> HostedZone {
    HostedZone { id: id.into(), name: name.into(), comment: None, records: vec![] }
}

/// A record of plain values (`kind` "CNAME", "A", "TXT").
pub fn record(name: &str, kind: &str, ttl: i64, values: &[&str]) -> Record {
    Record {
        name: name.into(),
        kind: kind.into(),
        ttl: Some(ttl),
        values: values.iter().map(|value| value.to_string()).collect(),
        alias: None,
        alias_zone: None,
    }
}

/// A Cloud Map namespace made by hand (no description); its ARN made from its ID.
pub fn namespace(id: &str, name: &str) -> Namespace {
    Namespace { id: id.into(), arn: format!("arn:ns/{id}"), name: name.into(), description: None }
}

/// A Cloud Map service of A records with a TTL of 10 seconds, made by hand (no description); its ARN made from
/// its ID.
pub fn discovery_service(id: &str, name: &str, namespace_id: &str) -> DiscoveryService {
    DiscoveryService {
        id: id.into(),
        arn: format!("arn:srv/{id}"),
        name: name.into(),
        namespace_id: namespace_id.into(),
        description: None,
        record_type: "A".into(),
        ttl: 10,
    }
}

/// An ECS service on the rolling-update controller, running task definition `<name>:1`, wired to nothing.
pub fn ecs_service(cluster: &str, name: &str) -> EcsService {
    EcsService {
        cluster: cluster.into(),
        name: name.into(),
        arn: format!("arn:ecs:service/{cluster}/{name}"),
        deployment_controller: "ECS".into(),
        task_definition: Some(format!("arn:aws:ecs:us-east-1:1:task-definition/{name}:1")),
        load_balancers: vec![],
        registries: vec![],
        connect: None,
        lattice: vec![],
        tags: Tags::new(),
    }
}

/// An awsvpc task definition `<name>:1` with one container named after the service, its port mapping named
/// "default" (as the emulator tests and localstack/seed_demo.py register them).
pub fn task_definition(name: &str, port: i32) -> TaskDefinition {
    TaskDefinition {
        arn: format!("arn:aws:ecs:us-east-1:1:task-definition/{name}:1"),
        network_mode: Some("awsvpc".into()),
        containers: vec![Container {
            name: name.into(),
            port_mappings: vec![PortMapping { container_port: port, name: Some("default".into()), app_protocol: None }],
        }],
        task_role_arn: Some(format!("arn:aws:iam::123456789012:role/{name}-task")),
    }
}

/// `task_definition` with its port mapping's appProtocol `http`: Service Connect takes per-request timeouts on it.
pub fn http_task_definition(name: &str, port: i32) -> TaskDefinition {
    let mut definition = task_definition(name, port);
    definition.containers[0].port_mappings[0].app_protocol = Some(AppProtocol::Http.into());
    definition
}

/// The ID or ARN of what `topology` owns at `address` in live state, found by its ownership tags: for tests that
/// refer to what an apply (or `simulate`) created.
pub fn id_of(observed: &Observed, address: &Address) -> String {
    let at = |tags: &Tags| tagged_address(tags).as_ref() == Some(address);
    let groups = observed.security_groups.iter();
    let load_balancers = observed.load_balancers.iter();
    let listeners = || load_balancers.clone().flat_map(|balancer| balancer.listeners.iter());
    None.or_else(|| groups.clone().find(|group| at(&group.tags)).map(|group| group.id.clone()))
        .or_else(|| {
            groups.clone().flat_map(|group| &group.rules).find(|rule| at(&rule.tags)).map(|rule| rule.id.clone())
        })
        .or_else(|| load_balancers.clone().find(|balancer| at(&balancer.tags)).map(|balancer| balancer.arn.clone()))
        .or_else(|| listeners().find(|listener| at(&listener.tags)).map(|listener| listener.arn.clone()))
        .or_else(|| {
            listeners().flat_map(|listener| &listener.rules).find(|rule| at(&rule.tags)).map(|rule| rule.arn.clone())
        })
        .or_else(|| observed.target_groups.iter().find(|group| at(&group.tags)).map(|group| group.arn.clone()))
        .unwrap_or_else(|| panic!("nothing in live state is tagged {address}"))
}

/// A service network of this account with auth type NONE and no tags.
pub fn service_network(id: &str, name: &str) -> crate::live::ServiceNetwork {
    crate::live::ServiceNetwork {
        id: id.into(),
        arn: format!("arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/{id}"),
        name: name.into(),
        auth_type: Some(crate::live::AuthType::None.into()),
        tags: Tags::new(),
    }
}
