//! The syntax AWS accepts for values found all over the file: ports, resource names, DNS names and CIDR blocks.

use crate::topology::names::MAX_NAME_LEN;

use super::Errors;

pub(super) fn check_port(errors: &mut Errors, key: &str, port: i64) -> u16 {
    if (1..=65_535).contains(&port) {
        port as u16
    } else {
        errors.push(key, format!("{port} is outside 1–65535"), "write a TCP port number");
        1
    }
}

/// Load balancer, target group and topology names: AWS allows 1–32 letters, digits and hyphens, not at either end.
pub(super) fn check_resource_name(errors: &mut Errors, key: impl Into<String>, name: &str, what: &str) {
    let key = key.into();
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        errors.push(
            &key,
            format!("{what} \"{name}\" has {} characters; AWS allows 1 to {MAX_NAME_LEN}", name.len()),
            "use a shorter name",
        );
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        errors.push(
            &key,
            format!("{what} \"{name}\" has characters other than letters, digits and hyphens"),
            "use only letters, digits and hyphens",
        );
    }
    if name.starts_with('-') || name.ends_with('-') {
        errors.push(&key, format!("{what} \"{name}\" begins or ends with a hyphen"), "move the hyphen inside the name");
    }
}

pub(crate) fn normalize_host(host: &str) -> String {
    host.trim().trim_end_matches('.').to_ascii_lowercase()
}

pub(super) fn check_dns_name(name: &str, allow_wildcard: bool) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    if name.len() > 253 {
        return Err("it is longer than 253 characters".into());
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return Err("it needs at least two labels".into());
    }
    for (index, label) in labels.iter().enumerate() {
        if *label == "*" && allow_wildcard && index == 0 {
            continue;
        }
        if label.is_empty() || label.len() > 63 {
            return Err(format!("label \"{label}\" must have 1 to 63 characters"));
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(format!("label \"{label}\" has characters other than letters, digits and hyphens"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("label \"{label}\" begins or ends with a hyphen"));
        }
    }
    Ok(())
}

pub(super) fn check_ipv4_cidr(cidr: &str) -> Result<(), &'static str> {
    let (address, length) = cidr.split_once('/').ok_or("has no prefix length")?;
    address.parse::<std::net::Ipv4Addr>().map_err(|_| "is not an IPv4 address")?;
    match length.parse::<u8>() {
        Ok(length) if length <= 32 => Ok(()),
        _ => Err("has a prefix length outside 0–32"),
    }
}
