//! A `[[service]]` table from a running ECS service: its port and security group, its route through the load
//! balancer the file adopts (if it sits behind it), and comments for what the file cannot say.

use std::fmt::Write as _;

use crate::live::cluster::{AttachedLoadBalancer, RunningService};
use crate::live::{Container, PortMapping};

use super::adoption::Route;
use super::load_balancer::{write_health_check, write_route_keys, RouteNames};
use super::{quote, topology_name};

/// The load balancer the file adopts, and the service's route through it (none when it is not behind it).
pub(super) struct Adopted<'a> {
    pub balancer: &'a AttachedLoadBalancer,
    pub route: Option<Route<'a>>,
    pub zone: Option<&'a str>,
}

/// The container and port mapping the service's traffic goes to, and the tasks' security group; why the service
/// is left out otherwise.
pub(super) fn port_and_group(service: &RunningService) -> Result<(&Container, &PortMapping, &str), &'static str> {
    let port = service.task_definition.as_ref().and_then(|definition| definition.first_port());
    match (port, service.security_groups.first()) {
        (Some((container, mapping)), Some(group)) => Ok((container, mapping, group)),
        (None, _) => Err("its task definition maps no container port"),
        (_, None) => Err("it has no awsvpc security group (bridge or host networking)"),
    }
}

/// `namespace`: the Cloud Map namespace the service is registered in (`--namespace`, for a service that is not
/// load-balanced).
pub(super) fn write_service(
    out: &mut String,
    cluster: &str,
    service: &RunningService,
    adopted: Option<&Adopted>,
    namespace: Option<&str>,
) {
    let (container, mapping, group) = match port_and_group(service) {
        Ok(found) => found,
        Err(why) => {
            let _ = writeln!(out, "# ECS service {} is left out: {why}.", quote(&service.name));
            let _ = writeln!(
                out,
                "# Add it by hand with its port and its instances' security group (target_type = \"instance\")."
            );
            return;
        }
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
    let route = adopted.and_then(|adopted| adopted.route.as_ref());
    match adopted {
        Some(Adopted { balancer, route: Some(route), zone }) => {
            let names = RouteNames { name: &name, port: mapping.container_port, zone: *zone };
            write_route_keys(out, balancer, route, names);
        }
        Some(Adopted { balancer, route: None, .. }) => {
            let _ = writeln!(
                out,
                "load_balanced = false                # not behind load balancer {} today",
                balancer.load_balancer.name
            );
        }
        None => {}
    }
    write_comments(out, service, route);
    if let Some(route) = route {
        write_health_check(out, route);
    }
    if let Some(namespace) = namespace {
        write_discovery(out, service, &name, namespace);
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

/// Load balancers and registries the service has beside the route the file describes, and Service Connect.
fn write_comments(out: &mut String, service: &RunningService, route: Option<&Route>) {
    let adopted_group = route.map(|route| route.group.arn.as_str());
    for balancer in &service.load_balancers {
        let target = match (&balancer.target_group_arn, &balancer.load_balancer_name) {
            (Some(arn), _) if Some(arn.as_str()) == adopted_group => continue,
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
    let port = service.task_definition.as_ref().and_then(|definition| definition.first_port());
    if let Some(port_name) = port.and_then(|(_, mapping)| mapping.name.as_ref()) {
        let _ = writeln!(
            out,
            "# for Service Connect: add [discovery] and [service.connect] with port_name = {}",
            quote(port_name)
        );
    }
}

/// `[service.discovery]`: an A record per task (every service the file holds has awsvpc networking), unless the
/// service has a registry of its own, since ECS takes one registry a service.
fn write_discovery(out: &mut String, service: &RunningService, name: &str, namespace: &str) {
    if !service.registries.is_empty() {
        let _ = writeln!(
            out,
            "# [service.discovery] is left out: the service has a Cloud Map registry of its own, and ECS takes one"
        );
        return;
    }
    let _ = writeln!(out, "[service.discovery]                   # callers use {name}.{namespace}");
    let _ = writeln!(out, "record = \"A\"");
}
