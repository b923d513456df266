//! The topology file `ecsnet init` writes from a running ECS cluster: pure text from `Cluster`, with comments
//! where the cluster says something the file cannot (existing target groups and registries, services left out).
//! When the services sit behind one Application Load Balancer, the file describes it (`load_balancer.rs`) so that
//! `plan --adopt` takes it over in place.

mod adoption;
mod load_balancer;
mod service;

use std::fmt::Write as _;

use crate::live::cluster::Cluster;
use crate::topology::bounded_name;

use adoption::{behind, route, Behind};
use load_balancer::write_load_balancer;
use service::{port_and_group, write_service, Adopted};

/// What `--zone` adds: every service behind an internal load balancer, named in this private zone; what
/// `--namespace` adds: every service that is not load-balanced registered in this Cloud Map namespace.
pub struct InitOptions<'a> {
    pub zone: Option<&'a str>,
    pub namespace: Option<&'a str>,
}

/// The load balancer the file describes for `plan --adopt`, if the services sit behind one it can describe.
pub fn adoptable_load_balancer(cluster: &Cluster) -> Option<&str> {
    match behind(cluster) {
        Behind::OneApplicationLoadBalancer(balancer) => Some(&balancer.load_balancer.name),
        Behind::Nothing | Behind::Uncovered(_) => None,
    }
}

/// What to do with a file that describes the load balancer the services sit behind.
pub fn adoption_hint(load_balancer: &str, file: &str) -> String {
    format!("the services already sit behind load balancer {load_balancer}: review the file, then run `ecsnet plan --adopt -f {file}` to take its resources over in place (nothing is recreated)")
}

/// The topology file's text. It parses with `topology::parse`; `plan` (or `plan --adopt` when it describes the
/// load balancer the services sit behind) then shows what ecsnet would change.
pub fn write_topology(cluster: &Cluster, options: &InitOptions) -> String {
    let cluster_name = cluster.name.rsplit_once(":cluster/").map_or(cluster.name.as_str(), |(_, name)| name);
    let behind = behind(cluster);
    let mut out = String::new();
    write_header(&mut out, cluster_name, options, &behind);
    let _ = writeln!(out, "name = {}", quote(&topology_name(cluster_name)));
    let _ = writeln!(out, "region = {}", quote(&cluster.region));
    let _ = writeln!(out);
    write_network(&mut out, cluster);
    let adopted = match &behind {
        Behind::OneApplicationLoadBalancer(balancer) => {
            let _ = writeln!(out);
            let service_of = |arn: &str| {
                cluster.services.iter().filter(|service| port_and_group(service).is_ok()).find_map(|service| {
                    let route = route(cluster, balancer, service)?;
                    (route.group.arn == arn).then(|| topology_name(&service.name))
                })
            };
            write_load_balancer(&mut out, balancer, &service_of);
            Some(*balancer)
        }
        Behind::Nothing | Behind::Uncovered(_) => {
            if options.zone.is_some() {
                let _ = writeln!(out);
                let _ = writeln!(
                    out,
                    "[load_balancer]                      # internal, reachable from the VPC's CIDR blocks"
                );
            }
            None
        }
    };
    if let Some(zone) = options.zone {
        let _ = writeln!(out);
        let _ = writeln!(out, "[dns]");
        let _ = writeln!(out, "zone = {}", quote(zone));
    }
    if let Some(namespace) = options.namespace {
        let _ = writeln!(out);
        let _ = writeln!(out, "[discovery]");
        let _ = writeln!(
            out,
            "namespace = {}                # a Cloud Map private DNS namespace on the VPC",
            quote(namespace)
        );
    }
    for service in &cluster.services {
        let _ = writeln!(out);
        let adopted =
            adopted.map(|balancer| Adopted { balancer, route: route(cluster, balancer, service), zone: options.zone });
        // Without a load balancer to adopt, services are load balanced exactly when --zone adds one.
        let load_balanced = adopted.as_ref().map_or(options.zone.is_some(), |adopted| adopted.route.is_some());
        let namespace = options.namespace.filter(|_| !load_balanced);
        write_service(&mut out, cluster_name, service, adopted.as_ref(), namespace);
    }
    out
}

fn write_header(out: &mut String, cluster_name: &str, options: &InitOptions, behind: &Behind) {
    let _ =
        writeln!(out, "# Written by `ecsnet init` from the services running in ECS cluster {}.", quote(cluster_name));
    match behind {
        Behind::OneApplicationLoadBalancer(balancer) => {
            let hint = adoption_hint(&balancer.load_balancer.name, "<this file>");
            write_comment(out, &format!("{}{}.", hint[..1].to_uppercase(), &hint[1..]));
            return;
        }
        Behind::Uncovered(what) => {
            let _ =
                writeln!(out, "# The services sit behind {what}; adoption from `ecsnet init` covers one Application");
            let _ =
                writeln!(out, "# Load Balancer, so this file does not describe it: ecsnet keeps it and adds its own.");
        }
        Behind::Nothing => {}
    }
    let _ = writeln!(out, "# Review it, then run `ecsnet plan -f <this file>`.");
    if options.zone.is_none() {
        let _ =
            writeln!(out, "# To put the services behind an internal load balancer with names in a private zone, run");
        let _ = writeln!(
            out,
            "# `ecsnet init --zone <zone>`, or add a [load_balancer] table and a [dns] table with a zone."
        );
    }
    if options.namespace.is_none() {
        let _ = writeln!(out, "# To reach services by name through Cloud Map DNS instead, run");
        let _ = writeln!(
            out,
            "# `ecsnet init --namespace <namespace>`, or add a [discovery] table and [service.discovery]."
        );
    }
}

fn write_network(out: &mut String, cluster: &Cluster) {
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
}

/// A name ecsnet accepts (1–32 letters, digits and hyphens) from an ECS name, which may hold `_` and be longer.
fn topology_name(ecs_name: &str) -> String {
    let cleaned: String =
        ecs_name.chars().map(|character| if character.is_ascii_alphanumeric() { character } else { '-' }).collect();
    let cleaned = cleaned.trim_matches('-');
    bounded_name(if cleaned.is_empty() { "service" } else { cleaned }, "")
}

/// The longest comment line `write_comment` writes.
const COMMENT_WIDTH: usize = 116;

/// `text` as comment lines, wrapped between words (never inside a `quoted command`).
fn write_comment(out: &mut String, text: &str) {
    let mut words: Vec<String> = Vec::new();
    let mut in_command = false;
    for word in text.split(' ') {
        match words.last_mut() {
            Some(last) if in_command => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_string()),
        }
        in_command ^= word.matches('`').count() % 2 == 1;
    }
    let mut line = String::from("#");
    for word in words {
        if line.len() > 1 && line.len() + 1 + word.len() > COMMENT_WIDTH {
            let _ = writeln!(out, "{line}");
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(&word);
    }
    let _ = writeln!(out, "{line}");
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

#[cfg(test)]
mod tests;
