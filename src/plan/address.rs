//! Stable names for the resources of a topology. A change names its resource by address, never by ARN; the
//! address is also written into the resource's `ecsnet:address` tag, so live state maps back to the file.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Address {
    /// The load balancer's own security group.
    LoadBalancerSecurityGroup,
    /// A load balancer, by shard: services beyond one load balancer's rule limit go to a second, and so on.
    LoadBalancer(u16),
    /// The empty target group behind a shard's listeners' default action.
    DefaultTargetGroup(u16),
    /// A shard's listener on a port.
    Listener(u16, u16),
    HostedZone,
    TargetGroup(String),
    /// A service's rule on the listener of that port.
    ListenerRule(String, u16),
    /// The ingress rule on a service's security group from the load balancer's group.
    Ingress(String),
    /// A service's record for one of its hosts.
    DnsRecord(String, String),
    /// The Cloud Map private DNS namespace.
    Namespace,
    /// A service's Cloud Map service.
    DiscoveryService(String),
    /// Ingress on a service's security group from a caller's group: (callee, caller).
    CallerIngress(String, String),
    /// The wiring of a service's running ECS service (load balancers, registries, Service Connect).
    EcsService(String),
    /// The second update of a service's ECS service in a migration, which drops the old path's wiring once the
    /// new path serves (`migration.rs`).
    EcsServiceRetire(String),
    /// The VPC Lattice service network ecsnet created (one it only uses has no address).
    LatticeServiceNetwork,
    /// The association of the topology's VPC with the service network.
    LatticeVpcAssociation,
    /// A service's VPC Lattice service.
    LatticeService(String),
    /// A service's VPC Lattice target group, in which ECS registers its tasks.
    LatticeTargetGroup(String),
    /// The listener of a service's VPC Lattice service.
    LatticeListener(String),
    /// The association of a service's VPC Lattice service with the service network.
    LatticeAssociation(String),
    /// The auth policy of a service's VPC Lattice service: its callers' identities.
    LatticeAuthPolicy(String),
    /// Ingress on a service's security group from VPC Lattice's managed prefix list.
    LatticeIngress(String),
}

impl Address {
    /// The order creates run in: a resource comes after everything it refers to.
    pub fn kind_rank(&self) -> u8 {
        match self {
            Address::LoadBalancerSecurityGroup
            | Address::DefaultTargetGroup(_)
            | Address::TargetGroup(_)
            | Address::HostedZone
            | Address::Namespace
            | Address::LatticeServiceNetwork
            | Address::LatticeService(_)
            | Address::LatticeTargetGroup(_) => 0,
            Address::LatticeVpcAssociation
            | Address::LatticeListener(_)
            | Address::LatticeAuthPolicy(_)
            | Address::LatticeIngress(_) => 1,
            Address::LatticeAssociation(_) => 2,
            Address::LoadBalancer(_)
            | Address::Ingress(_)
            | Address::CallerIngress(..)
            | Address::DiscoveryService(_) => 1,
            Address::Listener(..) => 2,
            Address::ListenerRule(..) => 3,
            Address::DnsRecord(..) | Address::EcsService(_) | Address::EcsServiceRetire(_) => 4,
        }
    }

    /// The wiring of an ECS service: its update, or a migration's second update.
    /// A VPC Lattice resource (its prefix-list ingress is EC2's).
    pub fn is_lattice(&self) -> bool {
        matches!(
            self,
            Address::LatticeServiceNetwork
                | Address::LatticeVpcAssociation
                | Address::LatticeService(_)
                | Address::LatticeTargetGroup(_)
                | Address::LatticeListener(_)
                | Address::LatticeAssociation(_)
                | Address::LatticeAuthPolicy(_)
        )
    }

    pub fn is_ecs(&self) -> bool {
        matches!(self, Address::EcsService(_) | Address::EcsServiceRetire(_))
    }

    pub fn service(&self) -> Option<&str> {
        match self {
            Address::TargetGroup(service)
            | Address::ListenerRule(service, _)
            | Address::Ingress(service)
            | Address::DnsRecord(service, _)
            | Address::DiscoveryService(service)
            | Address::CallerIngress(service, _)
            | Address::EcsService(service)
            | Address::EcsServiceRetire(service)
            | Address::LatticeService(service)
            | Address::LatticeTargetGroup(service)
            | Address::LatticeListener(service)
            | Address::LatticeAssociation(service)
            | Address::LatticeAuthPolicy(service)
            | Address::LatticeIngress(service) => Some(service),
            _ => None,
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::LoadBalancerSecurityGroup => write!(f, "load_balancer.security_group"),
            Address::LoadBalancer(0) => write!(f, "load_balancer"),
            Address::LoadBalancer(shard) => write!(f, "load_balancer.{}", shard + 1),
            Address::DefaultTargetGroup(0) => write!(f, "load_balancer.default_target_group"),
            Address::DefaultTargetGroup(shard) => write!(f, "load_balancer.{}.default_target_group", shard + 1),
            Address::Listener(0, port) => write!(f, "listener.{port}"),
            Address::Listener(shard, port) => write!(f, "load_balancer.{}.listener.{port}", shard + 1),
            Address::HostedZone => write!(f, "dns.zone"),
            Address::TargetGroup(service) => write!(f, "service.{service}.target_group"),
            Address::ListenerRule(service, port) => write!(f, "service.{service}.rule.{port}"),
            Address::Ingress(service) => write!(f, "service.{service}.ingress"),
            Address::DnsRecord(service, host) => write!(f, "service.{service}.dns_record.{host}"),
            Address::Namespace => write!(f, "discovery.namespace"),
            Address::DiscoveryService(service) => write!(f, "service.{service}.discovery"),
            Address::CallerIngress(service, caller) => write!(f, "service.{service}.caller.{caller}"),
            Address::EcsService(service) => write!(f, "service.{service}.ecs"),
            Address::EcsServiceRetire(service) => write!(f, "service.{service}.ecs.retire"),
            Address::LatticeServiceNetwork => write!(f, "lattice.service_network"),
            Address::LatticeVpcAssociation => write!(f, "lattice.vpc_association"),
            Address::LatticeService(service) => write!(f, "service.{service}.lattice"),
            Address::LatticeTargetGroup(service) => write!(f, "service.{service}.lattice.target_group"),
            Address::LatticeListener(service) => write!(f, "service.{service}.lattice.listener"),
            Address::LatticeAssociation(service) => write!(f, "service.{service}.lattice.association"),
            Address::LatticeAuthPolicy(service) => write!(f, "service.{service}.lattice.auth_policy"),
            Address::LatticeIngress(service) => write!(f, "service.{service}.lattice.ingress"),
        }
    }
}

impl FromStr for Address {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fixed = match text {
            "load_balancer.security_group" => Some(Address::LoadBalancerSecurityGroup),
            "load_balancer" => Some(Address::LoadBalancer(0)),
            "load_balancer.default_target_group" => Some(Address::DefaultTargetGroup(0)),
            "dns.zone" => Some(Address::HostedZone),
            "discovery.namespace" => Some(Address::Namespace),
            "lattice.service_network" => Some(Address::LatticeServiceNetwork),
            "lattice.vpc_association" => Some(Address::LatticeVpcAssociation),
            _ => None,
        };
        if let Some(address) = fixed {
            return Ok(address);
        }
        if let Some(port) = text.strip_prefix("listener.") {
            return port
                .parse()
                .map(|port| Address::Listener(0, port))
                .map_err(|_| format!("bad listener address {text:?}"));
        }
        // A further shard: load_balancer.N, load_balancer.N.default_target_group, load_balancer.N.listener.PORT.
        if let Some(rest) = text.strip_prefix("load_balancer.") {
            let (number, tail) = rest.split_once('.').unwrap_or((rest, ""));
            if let Ok(number) = number.parse::<u16>() {
                let shard =
                    number.checked_sub(1).filter(|shard| *shard > 0).ok_or_else(|| format!("bad shard in {text:?}"))?;
                return match tail {
                    "" => Ok(Address::LoadBalancer(shard)),
                    "default_target_group" => Ok(Address::DefaultTargetGroup(shard)),
                    _ => match tail.strip_prefix("listener.").and_then(|port| port.parse().ok()) {
                        Some(port) => Ok(Address::Listener(shard, port)),
                        None => Err(format!("unknown address {text:?}")),
                    },
                };
            }
        }
        // Service names hold no dots, so the first dot ends the service's name.
        let service_part = text.strip_prefix("service.").and_then(|rest| rest.split_once('.'));
        match service_part {
            Some((service, "target_group")) => Ok(Address::TargetGroup(service.into())),
            Some((service, "ingress")) => Ok(Address::Ingress(service.into())),
            Some((service, "discovery")) => Ok(Address::DiscoveryService(service.into())),
            Some((service, "ecs")) => Ok(Address::EcsService(service.into())),
            Some((service, "ecs.retire")) => Ok(Address::EcsServiceRetire(service.into())),
            Some((service, "lattice")) => Ok(Address::LatticeService(service.into())),
            Some((service, "lattice.target_group")) => Ok(Address::LatticeTargetGroup(service.into())),
            Some((service, "lattice.listener")) => Ok(Address::LatticeListener(service.into())),
            Some((service, "lattice.association")) => Ok(Address::LatticeAssociation(service.into())),
            Some((service, "lattice.auth_policy")) => Ok(Address::LatticeAuthPolicy(service.into())),
            Some((service, "lattice.ingress")) => Ok(Address::LatticeIngress(service.into())),
            Some((service, rest)) => {
                if let Some(caller) = rest.strip_prefix("caller.").filter(|caller| !caller.is_empty()) {
                    Ok(Address::CallerIngress(service.into(), caller.into()))
                } else if let Some(port) = rest.strip_prefix("rule.") {
                    port.parse()
                        .map(|port| Address::ListenerRule(service.into(), port))
                        .map_err(|_| format!("bad rule address {text:?}"))
                } else if let Some(host) = rest.strip_prefix("dns_record.").filter(|host| !host.is_empty()) {
                    Ok(Address::DnsRecord(service.into(), host.into()))
                } else {
                    Err(format!("unknown address {text:?}"))
                }
            }
            None => Err(format!("unknown address {text:?}")),
        }
    }
}

/// Addresses travel as their text (in saved plans, as in tags).
impl serde::Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip_through_their_tag_text() {
        let all = [
            Address::LoadBalancerSecurityGroup,
            Address::LoadBalancer(0),
            Address::LoadBalancer(1),
            Address::DefaultTargetGroup(0),
            Address::DefaultTargetGroup(2),
            Address::Listener(0, 80),
            Address::Listener(1, 443),
            Address::HostedZone,
            Address::TargetGroup("service-a".into()),
            Address::ListenerRule("default".into(), 443),
            Address::Ingress("a".into()),
            Address::DnsRecord("b".into(), "b.in.example.com".into()),
            Address::Namespace,
            Address::DiscoveryService("name".into()),
            Address::CallerIngress("name".into(), "hello".into()),
            Address::EcsService("server".into()),
            Address::EcsServiceRetire("server".into()),
            Address::LatticeServiceNetwork,
            Address::LatticeVpcAssociation,
            Address::LatticeService("orders".into()),
            Address::LatticeTargetGroup("orders".into()),
            Address::LatticeListener("orders".into()),
            Address::LatticeAssociation("orders".into()),
            Address::LatticeAuthPolicy("orders".into()),
            Address::LatticeIngress("orders".into()),
        ];
        for address in all {
            assert_eq!(address.to_string().parse::<Address>(), Ok(address.clone()), "{address}");
        }
        assert!("service.x.unknown".parse::<Address>().is_err());
        assert_eq!(Address::Listener(1, 443).to_string(), "load_balancer.2.listener.443");
        assert!("load_balancer.1".parse::<Address>().is_err(), "shard 1 is written load_balancer");
    }
}
