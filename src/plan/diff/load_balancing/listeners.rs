//! The load balancer's listeners (protocol, certificate, TLS policy, default action); the services' rules on them
//! are planned in rules.rs.

use std::collections::{BTreeMap, BTreeSet};

use crate::live::{Listener, ListenerDefault, LoadBalancer};
use crate::plan::desired::Desired;
use crate::plan::ownership::tagged_address;
use crate::plan::{Action, Address, DefaultSpec, FieldChange, ListenerSpec, LoadBalancingOp, Operation, Ref};
use crate::topology::{self, DefaultAction, Protocol};

use super::changes::differs;
use super::rules::RulesOn;
use crate::live::RedirectStatus;
use crate::plan::diff::{keep_one, Planner, Problem};
use crate::topology::AwsName as _;

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
        let mut owned = self.owned_listeners(shard, &wanted.listeners, live);
        let mut carried: Vec<(u16, Ref, Option<&'a Listener>)> = Vec::new();
        for listener in &wanted.listeners {
            let address = Address::Listener(shard, listener.port);
            let (kept, duplicates) = keep_one(owned.remove(&listener.port).unwrap_or_default(), |_| true);
            for duplicate in duplicates {
                self.delete_listener(address.clone(), duplicate);
            }
            let Some(spec) = listener_spec(listener, shard, groups) else { continue };
            let default_text = self.describe_default(&spec.default, desired);
            let reference = match kept {
                None => {
                    self.create_listener(address.clone(), listener, spec, &default_text, load_balancer);
                    Ref::Of(address)
                }
                Some(live_listener) => {
                    self.update_listener(address, listener, spec, &default_text, live_listener);
                    Ref::Known(live_listener.arn.clone())
                }
            };
            carried.push((listener.port, reference, kept));
        }
        for (port, reference, live_listener) in carried {
            let carries_rules =
                wanted.listeners.iter().any(|listener| listener.port == port && listener.carries_rules());
            let on = RulesOn { shard, port, carries_rules, listener: &reference, live: live_listener };
            self.rules(desired, service_shards, groups, on);
        }
    }

    /// The shard's live listeners ecsnet owns on the ports the file names, by port; owned listeners anywhere else
    /// are deleted, and a listener of someone else's on a wanted port is a problem.
    fn owned_listeners(
        &mut self,
        shard: u16,
        wanted: &[topology::Listener],
        live: Option<&'a LoadBalancer>,
    ) -> BTreeMap<u16, Vec<&'a Listener>> {
        let wanted_ports: BTreeSet<u16> = wanted.iter().map(|listener| listener.port).collect();
        let mut owned: BTreeMap<u16, Vec<&'a Listener>> = BTreeMap::new();
        for listener in live.map_or(&[][..], |live| &live.listeners[..]) {
            match self.owned_address(&listener.tags, &format!("listener {}", listener.arn)) {
                Some(Address::Listener(listener_shard, port))
                    if listener_shard == shard && wanted_ports.contains(&port) && i32::from(port) == listener.port =>
                {
                    owned.entry(port).or_default().push(listener)
                }
                Some(other) => self.delete_listener(other, listener),
                None if u16::try_from(listener.port).is_ok_and(|port| wanted_ports.contains(&port)) => {
                    self.problems.push(Problem::at(
                        crate::plan::problem::FileKey::top("listener"),
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
        owned
    }

    fn create_listener(
        &mut self,
        address: Address,
        listener: &topology::Listener,
        spec: ListenerSpec,
        default_text: &str,
        load_balancer: &Ref,
    ) {
        let mut fields =
            vec![FieldChange::new("port", listener.port), FieldChange::new("protocol", listener.protocol.as_aws())];
        if let Some(certificate) = &listener.certificate_arn {
            fields.push(FieldChange::new("certificate", certificate));
        }
        if let Some(policy) = &listener.ssl_policy {
            fields.push(FieldChange::new("ssl_policy", policy));
        }
        fields.push(FieldChange::new("default_action", default_text));
        let operation =
            Operation::LoadBalancing(LoadBalancingOp::CreateListener { load_balancer: load_balancer.clone(), spec });
        self.push(address, Action::Create, format!("port {}", listener.port), fields, operation);
    }

    /// A live listener brought to the file's protocol, certificate, TLS policy and default action.
    fn update_listener(
        &mut self,
        address: Address,
        listener: &topology::Listener,
        spec: ListenerSpec,
        default_text: &str,
        live_listener: &Listener,
    ) {
        let mut fields = Vec::new();
        if !live_listener.protocol.is(listener.protocol) {
            fields.push(FieldChange::changed("protocol", &live_listener.protocol, listener.protocol.as_aws()));
        }
        if listener.protocol == Protocol::Https && live_listener.certificate_arn != listener.certificate_arn {
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
                default_text,
            ));
        }
        if !fields.is_empty() {
            let operation =
                Operation::LoadBalancing(LoadBalancingOp::UpdateListener { arn: live_listener.arn.clone(), spec, tls });
            self.push(address, Action::Update, format!("port {}", listener.port), fields, operation);
        }
    }

    /// Deletes a listener ecsnet owns, and the owned rules that go with it.
    fn delete_listener(&mut self, address: Address, listener: &Listener) {
        self.push(
            address,
            Action::Delete,
            format!("port {}", listener.port),
            vec![],
            Operation::LoadBalancing(LoadBalancingOp::DeleteListener { arn: listener.arn.clone() }),
        );
        self.rules_removed_with(listener);
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
                format!("redirect to {protocol}:{port} ({})", status.code())
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
            live_port.0 == Some(*port) && protocol.is(Protocol::Https) && status.is(RedirectStatus::Permanent)
        }
        _ => false,
    }
}
