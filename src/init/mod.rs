//! The topology file `ecsnet init` writes from a running ECS cluster: pure text from `Cluster`, with comments
//! where the cluster says something the file cannot (existing target groups and registries, services left out).

use std::fmt::Write as _;

use crate::observed::cluster::{Cluster, RunningService};
use crate::topology::bounded_name;

/// What `--zone` adds: every service behind an internal load balancer, named in this private zone.
pub struct InitOptions<'a> {
    pub zone: Option<&'a str>,
}

/// The topology file's text. It parses with `topology::parse`; `plan` then shows what ecsnet would add.
pub fn write_topology(cluster: &Cluster, options: &InitOptions) -> String {
    let cluster_name = cluster.name.rsplit_once(":cluster/").map_or(cluster.name.as_str(), |(_, name)| name);
    let mut out = String::new();
    let _ =
        writeln!(out, "# Written by `ecsnet init` from the services running in ECS cluster {}.", quote(cluster_name));
    let _ = writeln!(out, "# Review it, then run `ecsnet plan -f <this file>`.");
    if options.zone.is_none() {
        let _ =
            writeln!(out, "# To put the services behind an internal load balancer with names in a private zone, run");
        let _ = writeln!(
            out,
            "# `ecsnet init --zone <zone>`, or add a [load_balancer] table and a [dns] table with a zone."
        );
    }
    let _ = writeln!(out, "name = {}", quote(&topology_name(cluster_name)));
    let _ = writeln!(out, "region = {}", quote(&cluster.region));
    let _ = writeln!(out);
    let mut subnets: Vec<&str> =
        cluster.services.iter().flat_map(|service| service.subnets.iter().map(String::as_str)).collect();
    subnets.sort_unstable();
    subnets.dedup();
    let _ = writeln!(out, "[network]");
    match &cluster.vpc_id {
        Some(vpc) => {
            let _ = writeln!(out, "vpc = {}", quote(vpc));
        }
        None => {
            let _ = writeln!(
                out,
                "vpc = \"\"                             # no service has awsvpc networking: write the VPC's ID"
            );
        }
    }
    let _ = writeln!(out, "subnets = [{}]", subnets.iter().map(|subnet| quote(subnet)).collect::<Vec<_>>().join(", "));
    if let Some(zone) = options.zone {
        let _ = writeln!(out);
        let _ = writeln!(out, "[load_balancer]                      # internal, reachable from the VPC's CIDR blocks");
        let _ = writeln!(out);
        let _ = writeln!(out, "[dns]");
        let _ = writeln!(out, "zone = {}", quote(zone));
    }
    for service in &cluster.services {
        let _ = writeln!(out);
        write_service(&mut out, cluster_name, service);
    }
    out
}

fn write_service(out: &mut String, cluster: &str, service: &RunningService) {
    let port = service.task_definition.as_ref().and_then(|definition| definition.first_port());
    let (Some((container, mapping)), Some(group)) = (port, service.security_groups.first()) else {
        let why = if port.is_none() {
            "its task definition maps no container port"
        } else {
            "it has no awsvpc security group (bridge or host networking)"
        };
        let _ = writeln!(out, "# ECS service {} is left out: {why}.", quote(&service.name));
        let _ = writeln!(
            out,
            "# Add it by hand with its port and its instances' security group (target_type = \"instance\")."
        );
        return;
    };
    let name = topology_name(&service.name);
    let _ = writeln!(out, "[[service]]");
    let _ = writeln!(out, "name = {}", quote(&name));
    let mapping_name = mapping.name.as_ref().map_or(String::new(), |name| format!(", port mapping {}", quote(name)));
    let _ = writeln!(
        out,
        "port = {}                          # container {}{mapping_name}",
        mapping.container_port,
        quote(&container.name)
    );
    let _ = writeln!(out, "security_group = {}", quote(group));
    for other in &service.security_groups[1..] {
        let _ = writeln!(out, "# the tasks also have security group {}", quote(other));
    }
    for balancer in &service.load_balancers {
        let target = match (&balancer.target_group_arn, &balancer.load_balancer_name) {
            (Some(arn), _) => format!("target group {arn}"),
            (None, Some(name)) => format!("Classic Load Balancer {name}"),
            (None, None) => "a load balancer".to_string(),
        };
        let _ = writeln!(
            out,
            "# already attached to {target} as {} (ecsnet keeps it and adds its own)",
            balancer.container_port()
        );
    }
    for registry in &service.registries {
        let _ = writeln!(out, "# already registered in Cloud Map service {} (ecsnet keeps it)", registry.arn);
    }
    if let Some(port_name) = &mapping.name {
        let _ = writeln!(
            out,
            "# for Service Connect: add [discovery] and [service.connect] with port_name = {}",
            quote(port_name)
        );
    }
    let _ = writeln!(out, "[service.ecs]");
    let _ = writeln!(out, "cluster = {}", quote(cluster));
    if name != service.name {
        let _ = writeln!(out, "service = {}", quote(&service.name));
    }
    if container.name != name {
        let _ = writeln!(out, "container = {}", quote(&container.name));
    }
}

/// A name ecsnet accepts (1–32 letters, digits and hyphens) from an ECS name, which may hold `_` and be longer.
fn topology_name(ecs_name: &str) -> String {
    let cleaned: String =
        ecs_name.chars().map(|character| if character.is_ascii_alphanumeric() { character } else { '-' }).collect();
    let cleaned = cleaned.trim_matches('-');
    bounded_name(if cleaned.is_empty() { "service" } else { cleaned }, "")
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

#[cfg(test)]
mod tests;
