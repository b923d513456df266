//! The name callers use, before and after a service moves between recipes (`plan::migration`), and how far it is
//! kept: the plan says so in a warning note rather than pretend.
//!
//! - load balancer: each host's record in the private zone, on the ports of the listeners carrying its rule;
//!   every caller in the VPC resolves it;
//! - Cloud Map: `<service>.<namespace>` on the service's port; every caller in the VPC resolves it;
//! - Service Connect: its client aliases, `[service.connect]` `dns_name` and `port` or `aliases` (default
//!   `<discovery_name>.<namespace>` on the service's port); only tasks of ECS services with Service Connect in the
//!   namespace resolve it, and only tasks that started after the server's deployment ("Existing tasks can't
//!   resolve and connect to the new endpoint",
//!   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html);
//! - VPC Lattice: its custom domain (`[service.lattice] domain`, a CNAME in the private zone) or else the DNS name
//!   Lattice gives the service, on the listener's port; only callers in VPCs associated with the service network
//!   resolve and reach it, and only with requests signed by an identity the auth policy admits (AWS_IAM: "The
//!   request fails without authentication",
//!   https://docs.aws.amazon.com/vpc-lattice/latest/ug/sigv4-authenticated-requests.html).
//!
//! A name is kept when the new recipe answers the same DNS name on the same port: a Service Connect alias set to a
//! load-balanced host and listener port, either way, or a Lattice custom domain equal to such a host (or alias) on
//! the listener's port. Lattice's own DNS name is never another recipe's name. Cloud Map's name never equals a host of the zone (the
//! namespace cannot be the zone).

use crate::live::EcsService;
use crate::plan::desired::{Desired, DesiredEcs};
use crate::plan::ownership::{owned_by, tagged_address};
use crate::plan::{Action, Address, Change, LoadBalancingOp, Migration, Operation, Recipe, KNOWN_AFTER_APPLY};

use super::connect::current;
use super::Planner;

/// A name callers use: a DNS name and a port.
#[derive(Debug, PartialEq)]
struct Name {
    dns: String,
    port: u16,
}

impl Name {
    fn text(names: &[Name]) -> String {
        names.iter().map(|name| format!("{}:{}", name.dns, name.port)).collect::<Vec<_>>().join(", ")
    }
}

/// The warning a migration's plan carries about the name callers use.
pub(super) fn name_note(
    planner: &Planner,
    wanted: &DesiredEcs,
    live: &EcsService,
    migration: &Migration,
    desired: &Desired,
) -> String {
    let old: Vec<Name> =
        migration.from.iter().flat_map(|recipe| leaving(*recipe, planner, wanted, live, desired)).collect();
    let new: Vec<Name> = migration.to.iter().flat_map(|recipe| arriving(*recipe, planner, wanted, desired)).collect();
    let lost: Vec<&Name> = old.iter().filter(|name| !new.contains(name)).collect();
    let to_connect = migration.to.contains(&Recipe::ServiceConnect);
    let mut scope = String::new();
    if to_connect {
        scope.push_str("; Service Connect answers only in tasks of ECS services with Service Connect in the namespace that start after stage 1 (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html): other callers lose it");
    }
    if migration.to.contains(&Recipe::Lattice) {
        scope.push_str("; VPC Lattice answers only in VPCs associated with its service network, and only requests signed (SigV4, service vpc-lattice-svcs) by an identity its auth policy admits (https://docs.aws.amazon.com/vpc-lattice/latest/ug/sigv4-authenticated-requests.html): unsigned callers lose it");
    }
    let record_change = |action: Action| {
        planner.changes.iter().any(|change| {
            matches!(&change.address, Address::DnsRecord(service, _) if *service == wanted.service)
                && change.action == action
        })
    };
    let when = if record_change(Action::Delete)
        || (migration.from.contains(&Recipe::LoadBalancer) && !record_change(Action::Update))
    {
        "stage 3 deletes its record"
    } else if record_change(Action::Update) {
        "stage 3 points its record at the new path"
    } else {
        "stage 4 retires it"
    };
    if lost.is_empty() && !old.is_empty() {
        return format!(
            "{}: callers keep calling {}{scope}. The old path answers until {when}, once the new path serves",
            migration.describe(),
            Name::text(&old)
        );
    }
    let hint = if to_connect && migration.from.contains(&Recipe::LoadBalancer) {
        " (to keep it for Service Connect clients, set [service.connect] dns_name and port to the host and listener port)"
    } else {
        ""
    };
    format!(
        "{}: callers of {} must move to {}; ecsnet cannot keep the name{hint}{scope}. The old name answers until {when}, once the new path serves",
        migration.describe(),
        if old.is_empty() { "the old name".to_string() } else { Name::text(&old) },
        Name::text(&new),
    )
}

/// The names of the recipe the service leaves, from live state and the plan's deletes.
fn leaving(recipe: Recipe, planner: &Planner, wanted: &DesiredEcs, live: &EcsService, desired: &Desired) -> Vec<Name> {
    match recipe {
        Recipe::LoadBalancer => load_balancer_names(planner, &wanted.service),
        Recipe::CloudMap => cloud_map_name(wanted, desired),
        Recipe::ServiceConnect => current(live)
            .into_iter()
            .flat_map(|connect| connect.services)
            .filter_map(|alias| Some(Name { dns: alias.dns_name, port: u16::try_from(alias.port).ok()? }))
            .collect(),
        Recipe::Lattice => lattice_names(planner, &wanted.service),
    }
}

/// The live Lattice service of the topology's `service`: its custom domain, else its DNS name, on each listener's
/// port.
fn lattice_names(planner: &Planner, service: &str) -> Vec<Name> {
    let address = Address::LatticeService(service.to_string());
    let owned =
        planner.observed.lattice.services.iter().find(|live| {
            owned_by(&live.tags, planner.topology) && tagged_address(&live.tags).as_ref() == Some(&address)
        });
    let Some(live) = owned else { return vec![] };
    let Some(dns) = live.custom_domain.clone().or_else(|| live.dns_name.clone()) else { return vec![] };
    live.listeners
        .iter()
        .filter_map(|listener| Some(Name { dns: dns.clone(), port: u16::try_from(listener.port).ok()? }))
        .collect()
}

/// The hosts and listener ports of the service's rules, which the plan deletes: the hosts of its records (also
/// deleted), or, once they are gone (a migration continued after stage 3), the hosts its rules match.
fn load_balancer_names(planner: &Planner, service: &str) -> Vec<Name> {
    let deleted: Vec<&Change> = planner
        .changes
        .iter()
        .filter(|change| change.action == Action::Delete && change.address.service() == Some(service))
        .collect();
    let rules: Vec<(u16, &str)> = deleted
        .iter()
        .filter_map(|change| match (&change.address, &change.operation) {
            (Address::ListenerRule(_, port), Operation::LoadBalancing(LoadBalancingOp::DeleteRule { arn })) => {
                Some((*port, arn.as_str()))
            }
            _ => None,
        })
        .collect();
    let mut hosts: Vec<String> = deleted
        .iter()
        .filter_map(|change| match &change.address {
            Address::DnsRecord(_, host) => Some(host.clone()),
            _ => None,
        })
        .collect();
    if hosts.is_empty() {
        let listeners = planner.observed.load_balancers.iter().flat_map(|balancer| &balancer.listeners);
        hosts = listeners
            .flat_map(|listener| &listener.rules)
            .filter(|rule| rules.iter().any(|(_, arn)| *arn == rule.arn))
            .flat_map(|rule| rule.hosts.clone())
            .collect();
        hosts.sort();
        hosts.dedup();
    }
    hosts.iter().flat_map(|host| rules.iter().map(move |(port, _)| Name { dns: host.clone(), port: *port })).collect()
}

/// The names of the recipe the service moves to, as the file asks for them.
fn arriving(recipe: Recipe, planner: &Planner, wanted: &DesiredEcs, desired: &Desired) -> Vec<Name> {
    match recipe {
        Recipe::LoadBalancer => desired
            .services
            .iter()
            .filter(|service| service.name == wanted.service)
            .flat_map(|service| {
                service
                    .hosts
                    .iter()
                    .flat_map(|host| service.listeners.iter().map(|port| Name { dns: host.clone(), port: *port }))
            })
            .collect(),
        Recipe::CloudMap => cloud_map_name(wanted, desired),
        Recipe::ServiceConnect => {
            let (Some(connect), Some(namespace)) = (&wanted.connect, &desired.namespace) else { return vec![] };
            connect.resolved(namespace, wanted.port).into_iter().map(|(_, dns, port)| Name { dns, port }).collect()
        }
        Recipe::Lattice => {
            let Some(lattice) = desired.lattice.as_ref() else { return vec![] };
            let Some(service) = lattice.services.iter().find(|service| service.service == wanted.service) else {
                return vec![];
            };
            let dns = match &service.domain {
                Some(domain) => domain.clone(),
                // The DNS name Lattice gives a service it has not made yet is not known.
                None => lattice_names(planner, &wanted.service)
                    .into_iter()
                    .next()
                    .map_or_else(|| format!("the VPC Lattice service's DNS name {KNOWN_AFTER_APPLY}"), |name| name.dns),
            };
            vec![Name { dns, port: service.listener_port }]
        }
    }
}

fn cloud_map_name(wanted: &DesiredEcs, desired: &Desired) -> Vec<Name> {
    let namespace = desired.namespace.as_deref().unwrap_or("?");
    vec![Name { dns: format!("{}.{namespace}", wanted.service), port: wanted.port }]
}
