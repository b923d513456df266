//! Names ecsnet derives for AWS resources, kept within AWS's 32-character limit.

use super::{RecordType, Service, Topology};

/// AWS's limit for load balancer and target group names.
pub const MAX_NAME_LEN: usize = 32;

/// `base-suffix`, cut to 32 characters; when it has to be cut, a stable 4-hex-digit hash of the full name keeps
/// two long names apart. The result never begins or ends with a hyphen.
pub fn bounded_name(base: &str, suffix: &str) -> String {
    bounded_to(base, suffix, MAX_NAME_LEN)
}

fn bounded_to(base: &str, suffix: &str, max: usize) -> String {
    let full = if suffix.is_empty() { base.to_string() } else { format!("{base}-{suffix}") };
    if full.len() <= max {
        return full;
    }
    let hash = format!("{:04x}", fnv1a(full.as_bytes()) & 0xffff);
    let keep = max - hash.len() - 1;
    let head = full[..keep].trim_end_matches('-');
    format!("{head}-{hash}")
}

/// A VPC Lattice name made of `parts`: lowercase letters, digits and single hyphens, never at either end (what
/// Lattice allows its services, target groups and listeners:
/// https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_CreateService.html, name), cut to `max`
/// characters as `bounded_name` cuts, a hash keeping two long names apart.
pub fn lattice_name(parts: &[&str], max: usize) -> String {
    let joined = parts.join("-").to_ascii_lowercase();
    let mut name = String::with_capacity(joined.len());
    for c in joined.chars() {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '-' };
        if !(c == '-' && (name.is_empty() || name.ends_with('-'))) {
            name.push(c);
        }
    }
    let name = name.trim_end_matches('-');
    let name = bounded_to(name, "", max);
    // Lattice wants 3 characters at least.
    if name.len() < 3 {
        format!("{name}-{}", short_hash(parts))
    } else {
        name
    }
}

/// The DNS name callers use to reach a service registered in Cloud Map (`[service.discovery]`): its name in the
/// namespace, the record type, and for SRV the port the record carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerName {
    pub service: String,
    pub dns: String,
    pub record: RecordType,
    pub port: u16,
}

impl std::fmt::Display for CallerName {
    /// `orders.shop.local (A)`, `orders.shop.local (SRV, port 3000)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.record {
            RecordType::A => write!(f, "{} (A)", self.dns),
            RecordType::Srv => write!(f, "{} (SRV, port {})", self.dns, self.port),
        }
    }
}

impl Topology {
    /// The name callers use for `service` in the Cloud Map namespace, when it is registered there.
    pub fn cloud_map_name(&self, service: &Service) -> Option<CallerName> {
        let (discovery, namespace) = (service.discovery.as_ref()?, self.discovery.as_ref()?);
        Some(CallerName {
            service: service.name.clone(),
            dns: format!("{}.{namespace}", service.name),
            record: discovery.record,
            port: service.port,
        })
    }

    /// The Cloud Map names of every service registered there, in file order.
    pub fn cloud_map_names(&self) -> Vec<CallerName> {
        self.services.iter().filter_map(|service| self.cloud_map_name(service)).collect()
    }
}

/// The client aliases Service Connect clients use to reach a service (`[service.connect]`), and whether its proxies
/// speak TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectName {
    pub service: String,
    /// DNS names with their ports, in the file's order.
    pub aliases: Vec<(String, u16)>,
    pub tls: bool,
}

impl std::fmt::Display for ConnectName {
    /// `server.internal:80, server:8080 (Service Connect, TLS)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let aliases: Vec<String> = self.aliases.iter().map(|(dns, port)| format!("{dns}:{port}")).collect();
        let tls = if self.tls { ", TLS" } else { "" };
        write!(f, "{} (Service Connect{tls})", aliases.join(", "))
    }
}

impl Topology {
    /// The Service Connect aliases of every service on Service Connect, in file order.
    pub fn service_connect_names(&self) -> Vec<ConnectName> {
        let Some(namespace) = &self.discovery else { return vec![] };
        self.services
            .iter()
            .filter_map(|service| {
                let connect = service.connect.as_ref()?;
                Some(ConnectName {
                    service: service.name.clone(),
                    aliases: connect
                        .resolved(namespace, service.port)
                        .into_iter()
                        .map(|(_, dns, port)| (dns, port))
                        .collect(),
                    tls: connect.tls.is_some(),
                })
            })
            .collect()
    }
}

/// What callers use to reach a VPC Lattice service (`[service.lattice]`): the DNS name Lattice gives it, its custom
/// domain when the file sets one, and the listener's port. Its auth type is AWS_IAM: requests must be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatticeName {
    pub service: String,
    /// The DNS name AWS gives the Lattice service; `None` when it is not known here (before it exists).
    pub dns: Option<String>,
    pub domain: Option<String>,
    pub port: u16,
}

/// How callers of a VPC Lattice service authenticate: its auth type is AWS_IAM, so requests are signed with SigV4 for
/// the service name `vpc-lattice-svcs`
/// (https://docs.aws.amazon.com/vpc-lattice/latest/ug/sigv4-authenticated-requests.html).
pub const LATTICE_SIGNING: &str = "AWS_IAM: requests signed with SigV4 for vpc-lattice-svcs";

impl LatticeName {
    /// `orders.shop.internal:80 (VPC Lattice, custom domain of shop-orders-….on.aws; AWS_IAM: …)`,
    /// `shop-orders-….on.aws:80 (VPC Lattice, AWS_IAM: …)`; `unknown` stands for the DNS name when it is not known
    /// and the service has no custom domain.
    pub fn describe(&self, unknown: &str) -> String {
        match (&self.domain, &self.dns) {
            (Some(domain), Some(dns)) => {
                format!("{domain}:{} (VPC Lattice, custom domain of {dns}; {LATTICE_SIGNING})", self.port)
            }
            (Some(domain), None) => format!("{domain}:{} (VPC Lattice, custom domain; {LATTICE_SIGNING})", self.port),
            (None, dns) => {
                format!("{}:{} (VPC Lattice, {LATTICE_SIGNING})", dns.as_deref().unwrap_or(unknown), self.port)
            }
        }
    }
}

impl Topology {
    /// The names of every service on VPC Lattice, in file order; `dns_of` gives the DNS name AWS gave a service's
    /// Lattice service, when it is known.
    pub fn lattice_names(&self, dns_of: impl Fn(&Service) -> Option<String>) -> Vec<LatticeName> {
        self.services
            .iter()
            .filter_map(|service| {
                let lattice = service.lattice.as_ref()?;
                Some(LatticeName {
                    service: service.name.clone(),
                    dns: dns_of(service),
                    domain: lattice.domain.clone(),
                    port: lattice.port,
                })
            })
            .collect()
    }
}

/// A short stable hash of `parts`, for names that must change when the parts change.
pub fn short_hash(parts: &[&str]) -> String {
    format!("{:04x}", fnv1a(parts.join("\u{1f}").as_bytes()) & 0xffff)
}

/// A stable 64-bit digest of `text` in hex, for markers that record settings too long to write out.
pub fn digest(text: &str) -> String {
    format!("{:016x}", fnv1a(text.as_bytes()))
}

/// FNV-1a, 64 bits: stable across runs and platforms, unlike std's hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x100000001b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_kept_as_they_are() {
        assert_eq!(bounded_name("demo", "default"), "demo-default");
    }

    #[test]
    fn long_names_are_cut_to_32_with_a_stable_hash() {
        let name = bounded_name("a-very-long-topology-name-for-tests", "a-long-service-name");
        assert_eq!(name.len(), 32);
        assert_eq!(name, bounded_name("a-very-long-topology-name-for-tests", "a-long-service-name"));
        assert_ne!(name, bounded_name("a-very-long-topology-name-for-tests", "a-long-service-nam2"));
        assert!(!name.starts_with('-') && !name.ends_with('-'));
    }

    #[test]
    fn short_hash_changes_with_its_parts() {
        assert_eq!(short_hash(&["8080", "HTTP"]).len(), 4);
        assert_ne!(short_hash(&["8080", "HTTP"]), short_hash(&["8081", "HTTP"]));
    }
}
