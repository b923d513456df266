//! Load balancers by name (each shard's), listeners by port, rules by their conditions, and a service's target
//! group by name, by the rule that forwards its hosts and paths, by the listener default that forwards to it, or
//! by the ECS service's own load balancer entry.

use std::collections::BTreeSet;

use crate::live::{Listener, ListenerDefault, LoadBalancer, Rule, Tags, TargetGroup};
use crate::plan::desired::{shard_name, Desired, DesiredService};
use crate::plan::ownership::tagged_address;
use crate::plan::Address;
use crate::topology::DefaultAction;

use super::{Adopter, Eligibility, Mark};

/// An ELBv2 resource adoption looks at: its tags, how problems and notes call it, its name and ARN.
struct Resource<'r> {
    tags: &'r Tags,
    what: String,
    name: &'r str,
    arn: &'r str,
}

/// The most load balancer shards adoption looks for (`<name>`, `<name>-2`, …).
const MAX_SHARDS: u16 = 16;

/// The names of the load balancers adoption looks for, whose listeners and groups the reads include.
pub fn load_balancer_names(name: &str) -> Vec<String> {
    (0..MAX_SHARDS).map(|shard| shard_name(name, shard)).collect()
}

/// A load balancer the topology has after adoption (owned before, or adopted now), with its shard.
pub(super) type Balancer<'a> = (u16, &'a LoadBalancer);

impl<'a> Adopter<'a> {
    /// Each shard's load balancer by its name, in the topology's VPC; stops at the first shard with none.
    pub(super) fn load_balancers(&mut self, desired: &Desired) -> Vec<Balancer<'a>> {
        let Some(wanted) = &desired.load_balancer else { return Vec::new() };
        let observed = self.observed;
        let in_vpc: BTreeSet<&str> = observed.subnets.iter().map(|subnet| subnet.id.as_str()).collect();
        let mut found = Vec::new();
        for shard in 0..MAX_SHARDS {
            let name = shard_name(&wanted.name, shard);
            let Some(live) = observed.load_balancers.iter().find(|live| {
                live.name == name && live.subnet_ids.iter().any(|subnet| in_vpc.contains(subnet.as_str()))
            }) else {
                break;
            };
            let address = Address::LoadBalancer(shard);
            let what = format!("load balancer {name}");
            if self.adoptable(Resource { tags: &live.tags, what, name: &live.name, arn: &live.arn }, &address) {
                found.push((shard, live));
            }
        }
        found
    }

    /// Whether an ELBv2 resource is the topology's once adoption is done; adopts it when it is free.
    fn adoptable(&mut self, resource: Resource, address: &Address) -> bool {
        match self.eligible(resource.tags, &resource.what) {
            Eligibility::Ours => tagged_address(resource.tags).as_ref() == Some(address),
            Eligibility::Refused => false,
            Eligibility::Free => {
                let mark = Mark::LoadBalancingTags { arn: resource.arn.to_string(), tags: self.tags(address) };
                self.claim(address.clone(), resource.name, resource.arn, mark)
            }
        }
    }

    /// Listeners on the ports the file names, and on them the rules whose conditions are a service's.
    pub(super) fn listeners_and_rules(&mut self, desired: &Desired, balancers: &[Balancer<'a>]) {
        let Some(wanted) = &desired.load_balancer else { return };
        for &(shard, live) in balancers {
            for listener in &live.listeners {
                if !wanted.listeners.iter().any(|wanted| wanted.port == listener.port as u16) {
                    continue;
                }
                let address = Address::Listener(shard, listener.port as u16);
                let what = format!("listener {} of {}", listener.port, live.name);
                let resource = Resource { tags: &listener.tags, what, name: &live.name, arn: &listener.arn };
                if self.adoptable(resource, &address) {
                    self.rules(desired, listener);
                }
            }
        }
    }

    fn rules(&mut self, desired: &Desired, listener: &'a Listener) {
        let port = listener.port as u16;
        for service in desired.services.iter().filter(|service| service.listeners.contains(&port)) {
            if service.hosts.is_empty() && service.paths.is_empty() {
                continue;
            }
            if let Some(rule) = listener.rules.iter().find(|rule| same_conditions(rule, service)) {
                let address = Address::ListenerRule(service.name.clone(), port);
                let what = format!("rule {} on listener {port}", rule.priority);
                self.adoptable(Resource { tags: &rule.tags, what, name: &service.name, arn: &rule.arn }, &address);
            }
        }
    }

    /// Each service's target group, then each shard's empty default one.
    pub(super) fn target_groups(&mut self, desired: &Desired, balancers: &[Balancer<'a>]) {
        for service in &desired.services {
            if let Some(group) = self.service_group(desired, service, balancers) {
                let address = Address::TargetGroup(service.name.clone());
                self.adopt_group(group, address);
            }
        }
        let Some(wanted) = &desired.load_balancer else { return };
        for &(shard, live) in balancers {
            let empty = wanted.listeners.iter().filter(|listener| listener.default == DefaultAction::EmptyTargetGroup);
            let ports: Vec<u16> = empty.map(|listener| listener.port).collect();
            let forwarded = live.listeners.iter().filter(|listener| ports.contains(&(listener.port as u16)));
            if let Some(group) = forwarded.filter_map(|listener| self.forwarded(&listener.default)).next() {
                self.adopt_group(group, Address::DefaultTargetGroup(shard));
            }
        }
    }

    fn adopt_group(&mut self, group: &'a TargetGroup, address: Address) {
        let what = format!("target group {}", group.name);
        self.adoptable(Resource { tags: &group.tags, what, name: &group.name, arn: &group.arn }, &address);
    }

    /// A service's target group: by its name, by a rule with its conditions, by a listener default forwarding
    /// to it, or by its ECS service's load balancer entry.
    fn service_group(
        &self,
        desired: &Desired,
        service: &DesiredService,
        balancers: &[Balancer<'a>],
    ) -> Option<&'a TargetGroup> {
        let observed = self.observed;
        let by_name = observed.target_groups.iter().find(|group| group.name == service.target_group.name);
        let listeners = || balancers.iter().flat_map(|(_, live)| live.listeners.iter());
        let by_rule = || {
            listeners()
                .flat_map(|listener| listener.rules.iter())
                .filter(|rule| same_conditions(rule, service))
                .find_map(|rule| self.group_of(rule.target_group_arn.as_deref()?))
        };
        let defaults_to = |port: u16| {
            desired.load_balancer.as_ref().is_some_and(|wanted| {
                wanted.listeners.iter().any(|listener| {
                    listener.port == port && listener.default == DefaultAction::Forward(service.name.clone())
                })
            })
        };
        let by_default = || {
            listeners()
                .filter(|listener| defaults_to(listener.port as u16))
                .find_map(|listener| self.forwarded(&listener.default))
        };
        let by_ecs = || self.ecs_group(desired, &service.name);
        by_name.or_else(by_rule).or_else(by_default).or_else(by_ecs)
    }

    fn forwarded(&self, default: &ListenerDefault) -> Option<&'a TargetGroup> {
        match default {
            ListenerDefault::Forward(arn) => self.group_of(arn),
            _ => None,
        }
    }

    fn group_of(&self, arn: &str) -> Option<&'a TargetGroup> {
        self.observed.target_groups.iter().find(|group| group.arn == arn)
    }

    /// The one target group of the VPC the service's ECS service is attached to.
    fn ecs_group(&self, desired: &Desired, service: &str) -> Option<&'a TargetGroup> {
        let wiring = &desired.ecs_services.iter().find(|ecs| ecs.service == service)?.wiring;
        let live = self
            .observed
            .ecs_services
            .iter()
            .find(|live| live.cluster == wiring.cluster && live.name == wiring.service)?;
        let mut groups =
            live.load_balancers.iter().filter_map(|entry| self.group_of(entry.target_group_arn.as_deref()?));
        let first = groups.next()?;
        groups.next().is_none().then_some(first)
    }
}

/// Whether a rule's conditions are exactly a service's hosts and paths (in any order, hosts in any case).
fn same_conditions(rule: &Rule, service: &DesiredService) -> bool {
    let lower = |values: &[String]| values.iter().map(|value| value.to_lowercase()).collect::<BTreeSet<_>>();
    let set = |values: &[String]| values.iter().cloned().collect::<BTreeSet<_>>();
    lower(&rule.hosts) == lower(&service.hosts) && set(&rule.paths) == set(&service.paths)
}
