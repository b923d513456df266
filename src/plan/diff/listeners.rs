//! The load balancer's listeners (protocol, certificate, TLS policy, default action) and the services' rules on
//! them (host and path conditions in one rule, on the listeners each service names).

use std::collections::{BTreeMap, BTreeSet};

use crate::observed::{Listener, ListenerDefault, LoadBalancer, Rule};
use crate::plan::desired::Desired;
use crate::plan::ownership::tagged_address;
use crate::plan::{Action, Address, DefaultSpec, FieldChange, ListenerSpec, Operation, Ref, RuleConditions};
use crate::topology::{self, DefaultAction, Protocol};

use super::load_balancing::differs;
use super::priorities::{assign, order_by_specificity, PriorityRequest, RuleShape};
use super::{join, keep_one, Planner, Problem};

impl<'a> Planner<'a> {
    /// Plans one shard's listeners and the rules of the services on that shard.
    pub(super) fn listeners(
        &mut self,
        desired: &Desired,
        shard: u16,
        service_shards: &BTreeMap<String, u16>,
        load_balancer: &Ref,
        live: Option<&'a LoadBalancer>,
        groups: &BTreeMap<Address, Ref>,
    ) {
        let Some(wanted) = &desired.load_balancer else { return };
        let wanted_ports: BTreeSet<u16> = wanted.listeners.iter().map(|listener| listener.port).collect();
        let mut owned: BTreeMap<u16, Vec<&'a Listener>> = BTreeMap::new();
        for listener in live.map_or(&[][..], |live| &live.listeners[..]) {
            match self.owned_address(&listener.tags, &format!("listener {}", listener.arn)) {
                Some(Address::Listener(listener_shard, port))
                    if listener_shard == shard && wanted_ports.contains(&port) && i32::from(port) == listener.port =>
                {
                    owned.entry(port).or_default().push(listener)
                }
                Some(other) => {
                    self.push(
                        other,
                        Action::Delete,
                        format!("port {}", listener.port),
                        vec![],
                        Operation::DeleteListener { arn: listener.arn.clone() },
                    );
                    self.rules_removed_with(listener);
                }
                None if u16::try_from(listener.port).is_ok_and(|port| wanted_ports.contains(&port)) => {
                    self.problems.push(Problem::new(
                        format!(
                            "the load balancer already has a listener on port {} that ecsnet does not own ({})",
                            listener.port, listener.arn
                        ),
                        "delete that listener, or give the [[listener]] another port",
                    ))
                }
                None => {}
            }
        }
        let mut carried: Vec<(u16, Ref, Option<&'a Listener>)> = Vec::new();
        for listener in &wanted.listeners {
            let address = Address::Listener(shard, listener.port);
            let (kept, duplicates) = keep_one(owned.remove(&listener.port).unwrap_or_default(), |_| true);
            for duplicate in duplicates {
                self.push(
                    address.clone(),
                    Action::Delete,
                    format!("port {}", duplicate.port),
                    vec![],
                    Operation::DeleteListener { arn: duplicate.arn.clone() },
                );
                self.rules_removed_with(duplicate);
            }
            let Some(spec) = listener_spec(listener, shard, groups) else { continue };
            let default_text = self.describe_default(&spec.default, desired);
            let reference = match kept {
                None => {
                    let mut fields = vec![
                        FieldChange::new("port", listener.port),
                        FieldChange::new("protocol", listener.protocol.as_aws()),
                    ];
                    if let Some(certificate) = &listener.certificate_arn {
                        fields.push(FieldChange::new("certificate", certificate));
                    }
                    if let Some(policy) = &listener.ssl_policy {
                        fields.push(FieldChange::new("ssl_policy", policy));
                    }
                    fields.push(FieldChange::new("default_action", &default_text));
                    let operation = Operation::CreateListener { load_balancer: load_balancer.clone(), spec };
                    self.push(address.clone(), Action::Create, format!("port {}", listener.port), fields, operation);
                    Ref::Of(address)
                }
                Some(live_listener) => {
                    let mut fields = Vec::new();
                    if live_listener.protocol != listener.protocol.as_aws() {
                        fields.push(FieldChange::changed(
                            "protocol",
                            &live_listener.protocol,
                            listener.protocol.as_aws(),
                        ));
                    }
                    if listener.protocol == Protocol::Https && live_listener.certificate_arn != listener.certificate_arn
                    {
                        fields.push(FieldChange::changed(
                            "certificate",
                            live_listener.certificate_arn.as_deref().unwrap_or("(none)"),
                            listener.certificate_arn.as_deref().unwrap_or("(none)"),
                        ));
                    }
                    if listener.protocol == Protocol::Https && live_listener.ssl_policy != listener.ssl_policy {
                        fields.push(FieldChange::changed(
                            "ssl_policy",
                            live_listener.ssl_policy.as_deref().unwrap_or("(none)"),
                            listener.ssl_policy.as_deref().unwrap_or("(none)"),
                        ));
                    }
                    let tls = !fields.is_empty();
                    if !default_matches(&spec.default, &live_listener.default) {
                        fields.push(FieldChange::changed(
                            "default_action",
                            self.describe_live_default(&live_listener.default),
                            &default_text,
                        ));
                    }
                    if !fields.is_empty() {
                        let operation = Operation::UpdateListener { arn: live_listener.arn.clone(), spec, tls };
                        self.push(address, Action::Update, format!("port {}", listener.port), fields, operation);
                    }
                    Ref::Known(live_listener.arn.clone())
                }
            };
            carried.push((listener.port, reference, kept));
        }
        for (port, reference, live_listener) in carried {
            let carries_rules =
                wanted.listeners.iter().any(|listener| listener.port == port && listener.carries_rules());
            self.rules(desired, shard, service_shards, port, carries_rules, &reference, live_listener, groups);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn rules(
        &mut self,
        desired: &Desired,
        shard: u16,
        service_shards: &BTreeMap<String, u16>,
        port: u16,
        carries_rules: bool,
        listener: &Ref,
        live: Option<&'a Listener>,
        groups: &BTreeMap<Address, Ref>,
    ) {
        let mut owned: BTreeMap<Address, Vec<&'a Rule>> = BTreeMap::new();
        let mut foreign = BTreeSet::new();
        for rule in live.map_or(&[][..], |live| &live.rules[..]) {
            match self.owned_address(&rule.tags, &format!("listener rule {}", rule.arn)) {
                Some(address) => owned.entry(address).or_default().push(rule),
                None => {
                    foreign.insert(rule.priority);
                }
            }
        }
        let services: Vec<_> = desired
            .services
            .iter()
            .filter(|service| {
                carries_rules && service.listeners.contains(&port) && service_shards.get(&service.name) == Some(&shard)
            })
            .collect();
        let requests: Vec<PriorityRequest> = services
            .iter()
            .map(|service| PriorityRequest {
                service: &service.name,
                explicit: service.priority,
                existing: owned
                    .get(&Address::ListenerRule(service.name.clone(), port))
                    .and_then(|rules| rules.first())
                    .map(|rule| rule.priority),
            })
            .collect();
        let priorities = match assign(&requests, &foreign) {
            Ok(priorities) => priorities,
            Err((service, priority)) => {
                self.problems.push(Problem::new(
                    format!("priority {priority} of service \"{service}\" is held by a rule on listener {port} that ecsnet does not own"),
                    "choose another priority, or leave it out and ecsnet picks a free one",
                ));
                return;
            }
        };
        let shapes: Vec<RuleShape> = services
            .iter()
            .map(|service| RuleShape {
                hosts: &service.hosts,
                paths: &service.paths,
                explicit: service.priority.is_some(),
            })
            .collect();
        let priorities = order_by_specificity(&shapes, priorities);
        let listener_arn = match listener {
            Ref::Known(arn) => arn.clone(),
            Ref::Of(_) => String::new(),
        };
        for (service, priority) in services.iter().zip(priorities) {
            let address = Address::ListenerRule(service.name.clone(), port);
            let Some(group) = groups.get(&Address::TargetGroup(service.name.clone())) else { continue };
            let group_name = self.group_name(&Address::TargetGroup(service.name.clone()), desired, group);
            let (kept, duplicates) = keep_one(owned.remove(&address).unwrap_or_default(), |_| true);
            for rule in duplicates {
                self.push(
                    address.clone(),
                    Action::Delete,
                    format!("priority {}", rule.priority),
                    vec![],
                    Operation::DeleteRule { arn: rule.arn.clone() },
                );
            }
            let conditions = RuleConditions { hosts: service.hosts.clone(), paths: service.paths.clone() };
            match kept {
                None => {
                    let mut fields = vec![FieldChange::new("priority", priority)];
                    if !conditions.hosts.is_empty() {
                        fields.push(FieldChange::new("hosts", join(&conditions.hosts)));
                    }
                    if !conditions.paths.is_empty() {
                        fields.push(FieldChange::new("paths", join(&conditions.paths)));
                    }
                    fields.push(FieldChange::new("action", format!("forward to {group_name}")));
                    if let Some(load_balancer) = &desired.load_balancer {
                        fields.push(FieldChange::new(
                            "load_balancer",
                            crate::plan::desired::shard_name(&load_balancer.name, shard),
                        ));
                    }
                    let operation = Operation::CreateRule {
                        listener: listener.clone(),
                        priority,
                        conditions,
                        target_group: group.clone(),
                    };
                    self.push(address, Action::Create, format!("priority {priority}"), fields, operation);
                }
                Some(rule) => {
                    let mut fields = Vec::new();
                    let new_priority = (rule.priority != priority).then(|| {
                        fields.push(FieldChange::changed("priority", rule.priority, priority));
                        priority
                    });
                    let new_conditions = (!same_values(&rule.hosts, &conditions.hosts)
                        || !same_values(&rule.paths, &conditions.paths))
                    .then(|| {
                        if !same_values(&rule.hosts, &conditions.hosts) {
                            fields.push(FieldChange::changed("hosts", join(&rule.hosts), join(&conditions.hosts)));
                        }
                        if !same_values(&rule.paths, &conditions.paths) {
                            fields.push(FieldChange::changed("paths", join(&rule.paths), join(&conditions.paths)));
                        }
                        conditions.clone()
                    });
                    let new_group = differs(group, rule.target_group_arn.as_deref()).then(|| {
                        let old = rule
                            .target_group_arn
                            .as_deref()
                            .map_or("(not a forward)".to_string(), |arn| self.live_group_name(arn));
                        fields.push(FieldChange::changed(
                            "action",
                            format!("forward to {old}"),
                            format!("forward to {group_name}"),
                        ));
                        group.clone()
                    });
                    if !fields.is_empty() {
                        let operation = Operation::UpdateRule {
                            arn: rule.arn.clone(),
                            listener: listener_arn.clone(),
                            priority: new_priority,
                            conditions: new_conditions,
                            target_group: new_group,
                        };
                        self.push(address, Action::Update, format!("priority {}", rule.priority), fields, operation);
                    }
                }
            }
        }
        for (address, rules) in owned {
            for rule in rules {
                self.push(
                    address.clone(),
                    Action::Delete,
                    format!("priority {}", rule.priority),
                    vec![],
                    Operation::DeleteRule { arn: rule.arn.clone() },
                );
            }
        }
    }

    fn describe_default(&self, default: &DefaultSpec, desired: &Desired) -> String {
        match default {
            DefaultSpec::Forward(reference) => {
                let address = match reference {
                    Ref::Of(address) => address.clone(),
                    Ref::Known(arn) => self
                        .observed
                        .target_groups
                        .iter()
                        .find(|group| group.arn == *arn)
                        .and_then(|group| tagged_address(&group.tags))
                        .unwrap_or(Address::DefaultTargetGroup(0)),
                };
                format!("forward to {}", self.group_name(&address, desired, reference))
            }
            DefaultSpec::FixedResponse { status, body, .. } => describe_fixed(*status, body.as_deref()),
            DefaultSpec::Redirect { port } => format!("redirect to HTTPS:{port} (301)"),
        }
    }

    fn describe_live_default(&self, default: &ListenerDefault) -> String {
        match default {
            ListenerDefault::Forward(arn) => format!("forward to {}", self.live_group_name(arn)),
            ListenerDefault::FixedResponse { status, body, .. } => describe_fixed(*status, body.as_deref()),
            ListenerDefault::Redirect { port, protocol, status } => {
                format!("redirect to {protocol}:{port} ({})", status.trim_start_matches("HTTP_"))
            }
            ListenerDefault::Other => "(an action ecsnet does not set)".into(),
        }
    }
}

fn describe_fixed(status: u16, body: Option<&str>) -> String {
    match body {
        Some(body) => format!("fixed response {status} \"{body}\""),
        None => format!("fixed response {status}"),
    }
}

/// The listener's settings, with its default action's target group resolved; `None` when that group is not
/// planned (an invalid plan already reported).
fn listener_spec(listener: &topology::Listener, shard: u16, groups: &BTreeMap<Address, Ref>) -> Option<ListenerSpec> {
    let default = match &listener.default {
        DefaultAction::EmptyTargetGroup => {
            DefaultSpec::Forward(groups.get(&Address::DefaultTargetGroup(shard))?.clone())
        }
        DefaultAction::Forward(service) => {
            DefaultSpec::Forward(groups.get(&Address::TargetGroup(service.clone()))?.clone())
        }
        DefaultAction::FixedResponse { status, body, content_type } => {
            DefaultSpec::FixedResponse { status: *status, body: body.clone(), content_type: content_type.clone() }
        }
        DefaultAction::Redirect { port } => DefaultSpec::Redirect { port: *port },
    };
    Some(ListenerSpec {
        port: listener.port,
        protocol: listener.protocol,
        certificate_arn: listener.certificate_arn.clone(),
        ssl_policy: listener.ssl_policy.clone(),
        default,
    })
}

fn default_matches(wanted: &DefaultSpec, live: &ListenerDefault) -> bool {
    match (wanted, live) {
        (DefaultSpec::Forward(reference), ListenerDefault::Forward(arn)) => !differs(reference, Some(arn)),
        (
            DefaultSpec::FixedResponse { status, body, content_type },
            ListenerDefault::FixedResponse { status: live_status, body: live_body, content_type: live_type },
        ) => {
            status == live_status
                && body.as_deref().unwrap_or("") == live_body.as_deref().unwrap_or("")
                && content_type == live_type
        }
        (DefaultSpec::Redirect { port }, ListenerDefault::Redirect { port: live_port, protocol, status }) => {
            *live_port == port.to_string() && protocol == "HTTPS" && status == "HTTP_301"
        }
        _ => false,
    }
}

fn same_values(live: &[String], wanted: &[String]) -> bool {
    let live: BTreeSet<&String> = live.iter().collect();
    let wanted: BTreeSet<&String> = wanted.iter().collect();
    live == wanted
}
