//! VPC Lattice: the service network the topology's services join, and each `[service.lattice]`.

use crate::topology::file::{LatticeSection, ServiceLatticeSection, ServiceSection, TopologyFile};
use crate::topology::{Dns, Lattice, ServiceLattice, ServiceNetworkRef, TargetType, DEFAULT_LATTICE_PORT};

use super::syntax::{check_dns_name, check_port, normalize_host};
use super::Errors;

/// The service network: a name ecsnet creates it under, or an existing one's ARN.
pub(super) fn validate_lattice(errors: &mut Errors, section: &LatticeSection) -> Lattice {
    let value = section.service_network.trim();
    let service_network = if value.starts_with("arn:") {
        if !is_service_network_arn(value) {
            errors.push(
                "lattice.service_network",
                format!("\"{value}\" is not a service network's ARN"),
                "write arn:aws:vpc-lattice:REGION:ACCOUNT:servicenetwork/sn-…, or a name",
            );
        }
        ServiceNetworkRef::Arn(value.to_string())
    } else {
        if let Err(problem) = check_lattice_name(value, 3, 63, "servicenetwork-") {
            errors.push(
                "lattice.service_network",
                format!("\"{value}\" is not a service network name: {problem}"),
                "use 3 to 63 lowercase letters, digits and single hyphens inside, or an existing one's ARN",
            );
        }
        ServiceNetworkRef::Name(value.to_string())
    };
    let security_groups = section.security_groups.clone().unwrap_or_default();
    // "You can add up to 5 security groups" to a VPC association
    // (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_CreateServiceNetworkVpcAssociation.html,
    // securityGroupIds: maximum of 5 items).
    if security_groups.len() > 5 {
        errors.push(
            "lattice.security_groups",
            format!("lists {} security groups; a VPC association takes at most 5", security_groups.len()),
            "list at most 5",
        );
    }
    for (position, group) in security_groups.iter().enumerate() {
        if group.trim().is_empty() {
            errors.push(format!("lattice.security_groups[{position}]"), "is empty", "write a group's ID or name");
        }
        if security_groups[..position].contains(group) {
            errors.push(format!("lattice.security_groups[{position}]"), "is listed twice", "list each group once");
        }
    }
    let role = section.infrastructure_role.trim();
    if !is_role_arn(role) {
        errors.push(
            "lattice.infrastructure_role",
            format!("\"{role}\" is not an IAM role's ARN"),
            "write the ARN of the ECS infrastructure role (arn:aws:iam::ACCOUNT:role/NAME) that holds AmazonECSInfrastructureRolePolicyForVpcLattice",
        );
    }
    Lattice { service_network, security_groups, infrastructure_role: role.to_string() }
}

/// A service's `[service.lattice]`: it needs `[lattice]`, an ECS service that registers its tasks (by IP: ECS
/// supports VPC Lattice for awsvpc tasks only), and a custom domain inside the `[dns]` zone, which holds its record.
pub(super) fn validate_service_lattice(
    errors: &mut Errors,
    index: usize,
    section: &ServiceSection,
    file: &TopologyFile,
    dns: Option<&Dns>,
    target_type: TargetType,
    lattice: &ServiceLatticeSection,
) -> ServiceLattice {
    let at = |key: &str| format!("service[{index}].{key}");
    if file.lattice.is_none() {
        errors.push(
            at("lattice"),
            "a VPC Lattice service joins a service network, and there is no [lattice] table",
            "add [lattice] service_network = \"…\" and infrastructure_role = \"arn:aws:iam::…:role/…\"",
        );
    }
    if section.ecs.is_none() {
        errors.push(
            at("lattice"),
            "ECS registers the tasks in VPC Lattice, and there is no [service.ecs] table",
            "add [service.ecs] cluster = \"…\"",
        );
    }
    if target_type != TargetType::Ip {
        errors.push(
            at("target_type"),
            "VPC Lattice reaches ECS tasks by IP (awsvpc networking)",
            "remove target_type, or set it to \"ip\"",
        );
    }
    if section.connect.is_some() || section.discovery.is_some() {
        let other = if section.connect.is_some() { "connect" } else { "discovery" };
        errors.push(
            at("lattice"),
            format!("the service is reached through VPC Lattice and through [service.{other}]"),
            format!("keep one way in: remove [service.{other}] or [service.lattice]"),
        );
    }
    // A port mapping's name: "up to 64 characters … lowercase letters, numbers, underscores (_) and hyphens (-)"
    // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html, name).
    let port_name = lattice.port_name.trim();
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-".contains(c);
    if port_name.is_empty() || port_name.len() > 64 || !port_name.chars().all(allowed) || port_name.starts_with('-') {
        errors.push(
            at("lattice.port_name"),
            format!("\"{port_name}\" is not a port mapping's name"),
            "write the name of the container's port mapping in the task definition",
        );
    }
    let port = lattice.port.map_or(DEFAULT_LATTICE_PORT, |port| check_port(errors, &at("lattice.port"), port));
    let domain = lattice.domain.as_deref().map(normalize_host);
    if let Some(domain) = &domain {
        // "The custom domain name … Length Constraints: Minimum length of 3. Maximum length of 255."
        // (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_CreateService.html, customDomainName)
        if let Err(problem) = check_dns_name(domain, false) {
            errors.push(
                at("lattice.domain"),
                format!("\"{domain}\" is not a domain name: {problem}"),
                "write a DNS name",
            );
        }
        match dns {
            None => errors.push(
                at("lattice.domain"),
                "a custom domain needs a record in the private zone, and there is no [dns] table",
                "add [dns] zone = \"…\" holding the domain, or remove domain",
            ),
            Some(dns) if !(domain.ends_with(&format!(".{}", dns.zone))) => errors.push(
                at("lattice.domain"),
                format!("\"{domain}\" is not in the zone {}", dns.zone),
                format!("choose a name ending in .{}", dns.zone),
            ),
            Some(_) => {}
        }
    }
    ServiceLattice { port_name: port_name.to_string(), port, domain }
}

/// A caller named by ARN: an IAM role or user (or an account's root), which only VPC Lattice's auth policies admit.
pub(super) fn check_principal_arn(caller: &str) -> Result<(), String> {
    let Some(rest) = caller.strip_prefix("arn:") else { return Err("is not an ARN".into()) };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    match parts[..] {
        [_partition, "iam", "", account, resource]
            if account.len() == 12
                && account.chars().all(|c| c.is_ascii_digit())
                && (resource == "root" || resource.starts_with("role/") || resource.starts_with("user/")) =>
        {
            Ok(())
        }
        _ => Err("is not an IAM role's, user's or account's ARN".into()),
    }
}

/// Lattice names: "must be between 3 and 63 characters. You can use lowercase letters, numbers, and hyphens. You
/// must begin and end with a letter or number. Do not use consecutive hyphens."
/// (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_CreateServiceNetwork.html, name), and the name
/// may not begin with the prefix of the IDs (pattern `(?!servicenetwork-)…`).
pub(crate) fn check_lattice_name(name: &str, min: usize, max: usize, reserved: &str) -> Result<(), String> {
    if name.len() < min || name.len() > max {
        return Err(format!("it has {} characters, and AWS allows {min} to {max}", name.len()));
    }
    if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Err("it has characters other than lowercase letters, digits and hyphens".into());
    }
    if name.starts_with('-') || name.ends_with('-') || name.contains("--") {
        return Err("it begins or ends with a hyphen, or has two in a row".into());
    }
    if name.starts_with(reserved) {
        return Err(format!("it begins with \"{reserved}\", which AWS keeps for IDs"));
    }
    Ok(())
}

/// `arn:<partition>:vpc-lattice:<region>:<account>:servicenetwork/sn-<17 characters>`
/// (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_GetServiceNetwork.html, arn pattern).
fn is_service_network_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts[..] {
        ["arn", _partition, "vpc-lattice", region, account, resource] => {
            let id = resource.strip_prefix("servicenetwork/sn-").unwrap_or("");
            !region.is_empty()
                && account.len() == 12
                && account.chars().all(|c| c.is_ascii_digit())
                && id.len() == 17
                && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        }
        _ => false,
    }
}

fn is_role_arn(arn: &str) -> bool {
    check_principal_arn(arn).is_ok() && arn.split_once(":role/").is_some_and(|(_, name)| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_network_arns_and_names_are_told_apart_and_checked() {
        assert!(is_service_network_arn(
            "arn:aws:vpc-lattice:us-east-1:111122223333:servicenetwork/sn-0123456789abcdef0"
        ));
        assert!(!is_service_network_arn("arn:aws:vpc-lattice:us-east-1:111122223333:service/svc-0123456789abcdef0"));
        assert!(!is_service_network_arn("arn:aws:vpc-lattice:us-east-1:1111:servicenetwork/sn-0123456789abcdef0"));
        assert!(check_lattice_name("shop", 3, 63, "servicenetwork-").is_ok());
        assert!(check_lattice_name("Shop", 3, 63, "servicenetwork-").is_err());
        assert!(check_lattice_name("a--b", 3, 63, "servicenetwork-").is_err());
        assert!(check_lattice_name("servicenetwork-a", 3, 63, "servicenetwork-").is_err());
        assert!(check_lattice_name("ab", 3, 63, "servicenetwork-").is_err());
    }

    #[test]
    fn principals_are_roles_users_or_accounts() {
        assert!(check_principal_arn("arn:aws:iam::444455556666:role/partner-task").is_ok());
        assert!(check_principal_arn("arn:aws:iam::444455556666:root").is_ok());
        assert!(check_principal_arn("arn:aws:iam::4444:role/x").is_err());
        assert!(check_principal_arn("arn:aws:s3:::bucket").is_err());
        assert!(is_role_arn("arn:aws:iam::111122223333:role/ecsInfrastructureRoleForVpcLattice"));
        assert!(!is_role_arn("arn:aws:iam::111122223333:user/someone"));
    }
}
