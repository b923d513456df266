//! The load balancer: its name, scheme, allowed CIDR blocks, idle timeout, and the inbound rules its security group
//! needs.

use crate::topology::file::{LoadBalancerSection, TopologyFile};
use crate::topology::{Listener, LoadBalancer, Scheme};

use super::listeners::validate_listeners;
use super::syntax::{check_ipv4_cidr, check_resource_name};
use super::Errors;

pub fn validate_load_balancer(errors: &mut Errors, file: &TopologyFile) -> Option<LoadBalancer> {
    let section = file.load_balancer.as_ref()?;
    let name = section.name.clone().unwrap_or_else(|| format!("{}-alb", file.name));
    let key = if section.name.is_some() { "load_balancer.name" } else { "name" };
    check_resource_name(errors, key, &name, "the load balancer name");
    if name.starts_with("internal-") {
        errors.push(
            key,
            format!("\"{name}\" begins with \"internal-\", which AWS reserves"),
            "choose another load balancer name",
        );
    }
    let scheme = scheme(errors, section);
    check_allowed_cidrs(errors, section, scheme);
    if let Some(timeout) = section.idle_timeout {
        if !(1..=4000).contains(&timeout) {
            errors.push(
                "load_balancer.idle_timeout",
                format!("{timeout} is outside 1–4000 seconds"),
                "AWS's default is 60",
            );
        }
    }
    let listeners = validate_listeners(errors, file);
    if let Some(cidrs) = &section.allowed_cidrs {
        check_inbound_rules(errors, cidrs, &listeners);
    }
    Some(LoadBalancer {
        name,
        scheme,
        allowed_cidrs: section.allowed_cidrs.clone(),
        idle_timeout: section.idle_timeout,
        listeners,
    })
}

fn scheme(errors: &mut Errors, section: &LoadBalancerSection) -> Scheme {
    match section.scheme.as_deref().unwrap_or("internal") {
        "internal" => Scheme::Internal,
        "internet-facing" => Scheme::InternetFacing,
        other => {
            errors.push(
                "load_balancer.scheme",
                format!("\"{other}\" is not a scheme"),
                "write \"internal\" (the default) or \"internet-facing\"",
            );
            Scheme::Internal
        }
    }
}

/// Who may connect: explicit for an internet-facing load balancer, never nobody, and each an IPv4 CIDR block.
fn check_allowed_cidrs(errors: &mut Errors, section: &LoadBalancerSection, scheme: Scheme) {
    if scheme == Scheme::InternetFacing && section.allowed_cidrs.is_none() {
        errors.push(
            "load_balancer.allowed_cidrs",
            "an internet-facing load balancer needs explicit allowed_cidrs",
            "list who may connect, for example allowed_cidrs = [\"203.0.113.0/24\"] (or [\"0.0.0.0/0\"] for everyone)",
        );
    }
    let Some(cidrs) = &section.allowed_cidrs else { return };
    if cidrs.is_empty() {
        errors.push(
            "load_balancer.allowed_cidrs",
            "is empty: nobody could reach the load balancer",
            "list at least one CIDR block, or leave the key out for the VPC's blocks",
        );
    }
    for (index, cidr) in cidrs.iter().enumerate() {
        if let Err(problem) = check_ipv4_cidr(cidr) {
            errors.push(
                format!("load_balancer.allowed_cidrs[{index}]"),
                format!("\"{cidr}\" {problem}"),
                "write an IPv4 CIDR block such as \"10.0.0.0/16\"",
            );
        }
    }
}

/// Inbound (and, separately, outbound) rules per security group: AWS's default quota.
const MAX_INBOUND_RULES: usize = 60;

/// The load balancer's group gets an inbound rule per allowed CIDR block and port (80 and 443, and every
/// listener's); a security group holds at most 60 inbound rules
/// (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups).
fn check_inbound_rules(errors: &mut Errors, cidrs: &[String], listeners: &[Listener]) {
    let ports: std::collections::BTreeSet<u16> = crate::topology::LOAD_BALANCER_PORTS
        .into_iter()
        .chain(listeners.iter().map(|listener| listener.port))
        .collect();
    let rules = cidrs.len() * ports.len();
    if rules > MAX_INBOUND_RULES {
        errors.push(
            "load_balancer.allowed_cidrs",
            format!("{} blocks on {} ports make {rules} inbound rules on the load balancer's security group; AWS allows {MAX_INBOUND_RULES}", cidrs.len(), ports.len()),
            "list fewer, wider CIDR blocks",
        );
    }
}
