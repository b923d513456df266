//! VPC Lattice: the service network (created and owned, or only used), the VPC's association with it, and per
//! service a Lattice service, its HTTP listener, an IP target group, the association with the service network,
//! the auth policy and ingress from Lattice's managed prefix list. Only what ecsnet sets is compared; tags are
//! never touched; what the topology does not own is never changed or deleted: a name taken by a resource the topology
//! does not own stops the plan, unless `--adopt` takes it over first (`plan::adopt::lattice`).

use std::collections::{BTreeMap, BTreeSet};

use crate::live::LatticeHealthCheck;
use crate::live::{
    AuthType, Direction, LatticeListener, LatticeProtocol, LatticeService, LatticeStatus, LatticeTargetGroup,
    LatticeTargetType, Peer, Permission, SecurityGroup, SecurityGroupRule, ServiceNetwork,
};
use crate::plan::desired::lattice::{DesiredLattice, DesiredLatticeService, NetworkChoice};
use crate::plan::desired::Desired;
use crate::plan::lattice_policy::describe_live;
use crate::plan::problem::FileKey;
use crate::plan::{
    Action, Address, Ec2Op, FieldChange, LatticeOp, Note, Operation, PrefixListIngressSpec, RecordTarget, Ref,
    ReplaceReason, KNOWN_AFTER_APPLY,
};

use crate::topology::LatticeName;

use super::security::{describe_permission, revocations};
use super::{join, keep_one, Planner, Problem};

/// What later parts of the plan refer to: each Lattice service's target group (for ECS) and DNS name (for its
/// custom domain's record), by the topology's service name; and the target groups the topology owns, whose
/// entries on an ECS service are ecsnet's.
#[derive(Debug, Default)]
pub(super) struct LatticeRefs {
    pub target_groups: BTreeMap<String, Ref>,
    /// Where a custom domain's CNAME points, and the value the plan shows.
    pub dns_names: BTreeMap<String, (RecordTarget, String)>,
    pub owned_target_groups: BTreeSet<String>,
}

/// The service network the topology's services join, as later changes refer to it.
struct Network {
    reference: Ref,
    /// Its ID and ARN when it exists.
    existing: Option<(String, String)>,
    name: String,
}

impl Network {
    fn is(&self, id: &str, arn: &str) -> bool {
        self.existing.as_ref().is_some_and(|(known_id, known_arn)| known_id == id || known_arn == arn)
    }
}

impl<'a> Planner<'a> {
    pub(super) fn lattice(&mut self, desired: &Desired) -> LatticeRefs {
        let observed = self.observed;
        let topology = self.topology;
        let mut refs = LatticeRefs {
            owned_target_groups: observed
                .lattice
                .target_groups
                .iter()
                .filter(|group| crate::plan::ownership::owned_by(&group.tags, topology))
                .map(|group| group.arn.clone())
                .collect(),
            ..LatticeRefs::default()
        };
        let wanted = desired.lattice.as_ref();
        let network = self.service_network(wanted);
        self.vpc_association(desired, wanted, network.as_ref());
        let mut planned_services = BTreeSet::new();
        if let (Some(wanted), Some(network)) = (wanted, &network) {
            for service in &wanted.services {
                planned_services.insert(service.service.clone());
                self.lattice_service(desired, wanted, service, network, &mut refs);
            }
        }
        self.orphan_lattice(&planned_services);
        self.lattice_ingress(wanted);
        refs
    }

    /// The service network: created when the file names one by a name none has, kept when it is the topology's,
    /// used (never changed) when it is another's; the topology's own ones the file no longer names are deleted.
    fn service_network(&mut self, wanted: Option<&DesiredLattice>) -> Option<Network> {
        let observed = self.observed;
        let address = Address::LatticeServiceNetwork;
        let mut owned: Vec<&ServiceNetwork> = Vec::new();
        for network in &observed.lattice.service_networks {
            if self.owned_address(&network.tags, &format!("service network {}", network.id)) == Some(address.clone()) {
                owned.push(network);
            }
        }
        let network = wanted.map(|wanted| match &wanted.network {
            NetworkChoice::Create { name } => {
                let fields = vec![FieldChange::new("name", name), FieldChange::new("auth_type", "NONE")];
                let operation = LatticeOp::CreateServiceNetwork { name: name.clone() };
                self.push(address.clone(), Action::Create, name, fields, operation.into());
                Network { reference: Ref::Of(address.clone()), existing: None, name: name.clone() }
            }
            NetworkChoice::Existing(network) => {
                if !owned.iter().any(|owned| owned.id == network.id) {
                    self.notes.push(Note::info(format!(
                        "lattice.service_network: using the existing service network {} ({}); ecsnet did not create it and will never change or delete it",
                        network.name, network.arn
                    )));
                }
                Network {
                    reference: Ref::Known(network.arn.clone()),
                    existing: Some((network.id.clone(), network.arn.clone())),
                    name: network.name.clone(),
                }
            }
        });
        for stale in
            owned.iter().filter(|owned| !network.as_ref().is_some_and(|network| network.is(&owned.id, &owned.arn)))
        {
            let operation = LatticeOp::DeleteServiceNetwork { id: stale.id.clone() };
            self.push(address.clone(), Action::Delete, &stale.name, vec![], operation.into());
        }
        network
    }

    /// The VPC's association with the service network, with the file's security groups.
    fn vpc_association(&mut self, desired: &Desired, wanted: Option<&DesiredLattice>, network: Option<&Network>) {
        let observed = self.observed;
        let address = Address::LatticeVpcAssociation;
        let mut owned = Vec::new();
        for association in &observed.lattice.vpc_associations {
            let what = format!("VPC association {}", association.id);
            if self.owned_address(&association.tags, &what) == Some(address.clone()) {
                owned.push(association);
            }
        }
        let target = wanted.zip(network);
        let fits = |association: &crate::live::VpcAssociation| {
            target.is_some_and(|(_, network)| {
                network.is(&association.service_network_id, &association.service_network_arn)
                    && association.vpc_id == desired.vpc_id
            })
        };
        let kept = owned.iter().copied().find(|association| fits(association));
        let mut replaced = false;
        for association in owned.iter().filter(|association| kept.is_none_or(|kept| kept.id != association.id)) {
            replaced = true;
            let operation = LatticeOp::DeleteVpcAssociation { id: association.id.clone() };
            self.push(address.clone(), Action::Delete, &association.id, vec![], operation.into());
        }
        let Some((wanted, network)) = target else { return };
        let groups = join(&wanted.security_group_ids);
        let shown_groups = if groups.is_empty() { "(none)".to_string() } else { groups };
        if let Some(kept) = kept {
            let mut live: Vec<String> = kept.security_group_ids.clone();
            live.sort();
            if live != wanted.security_group_ids {
                let old = if live.is_empty() { "(none)".to_string() } else { join(&live) };
                let operation = LatticeOp::UpdateVpcAssociation {
                    id: kept.id.clone(),
                    security_group_ids: wanted.security_group_ids.clone(),
                };
                let fields = vec![FieldChange::changed("security_groups", old, &shown_groups)];
                self.push(address, Action::Update, &kept.id, fields, operation.into());
            }
            return;
        }
        let foreign = observed.lattice.vpc_associations.iter().find(|association| {
            association.vpc_id == desired.vpc_id
                && network.is(&association.service_network_id, &association.service_network_arn)
        });
        if let Some(foreign) = foreign {
            self.notes.push(Note::info(format!(
                "lattice.vpc_association: the VPC {} is already associated with the service network {} by {}, which ecsnet does not own; it is used as it is (its security groups are left alone)",
                desired.vpc_id, network.name, foreign.id
            )));
            return;
        }
        let fields = vec![
            FieldChange::new("vpc", &desired.vpc_id),
            FieldChange::new("service_network", &network.name),
            FieldChange::new("security_groups", &shown_groups),
        ];
        let operation = LatticeOp::CreateVpcAssociation {
            service_network: network.reference.clone(),
            vpc_id: desired.vpc_id.clone(),
            security_group_ids: wanted.security_group_ids.clone(),
        };
        let name = format!("{} → {}", desired.vpc_id, network.name);
        if replaced {
            let reason = ReplaceReason::Immutable { fields: vec!["service_network".into()] };
            self.push_replace(address, name, fields, reason, operation.into());
        } else {
            self.push(address, Action::Create, name, fields, operation.into());
        }
    }

    /// One Lattice service and what hangs off it.
    fn lattice_service(
        &mut self,
        desired: &Desired,
        lattice: &DesiredLattice,
        wanted: &DesiredLatticeService,
        network: &Network,
        refs: &mut LatticeRefs,
    ) {
        let target_group = self.lattice_target_group(desired, wanted);
        refs.target_groups.insert(wanted.service.clone(), target_group.reference.clone());
        let service = self.lattice_service_itself(wanted);
        let target = match service.live.filter(|_| !service.recreated).and_then(|live| live.dns_name.clone()) {
            Some(dns_name) => (RecordTarget::Known { dns_name: dns_name.clone(), zone_id: String::new() }, dns_name),
            None => (RecordTarget::Of(Address::LatticeService(wanted.service.clone())), KNOWN_AFTER_APPLY.to_string()),
        };
        refs.dns_names.insert(wanted.service.clone(), target);
        let live = service.live.filter(|_| !service.recreated);
        self.lattice_listener(wanted, &service.reference, live, &target_group);
        self.lattice_association(wanted, &service.reference, live, network);
        self.lattice_auth_policy(wanted, &service.reference, live);
        let _ = lattice;
    }

    /// The service's target group: the one with the wanted name (its port, protocol, type and VPC are in the
    /// name's hash), else a new one; the topology's others at the address go once the listener and ECS let go.
    fn lattice_target_group(&mut self, desired: &Desired, wanted: &DesiredLatticeService) -> TargetGroupRef {
        let observed = self.observed;
        let address = Address::LatticeTargetGroup(wanted.service.clone());
        let mut owned = Vec::new();
        for group in &observed.lattice.target_groups {
            if self.owned_address(&group.tags, &format!("VPC Lattice target group {}", group.id))
                == Some(address.clone())
            {
                owned.push(group);
            }
        }
        let (kept, others) = keep_one(owned, |group| group.name == wanted.target_group_name);
        let kept = kept.filter(|group| group.name == wanted.target_group_name);
        let others: Vec<&LatticeTargetGroup> = match kept {
            Some(_) => others,
            None => observed
                .lattice
                .target_groups
                .iter()
                .filter(|group| self_owned_at(&group.tags, self.topology, &address))
                .collect(),
        };
        let reference = match kept {
            Some(group) => Ref::Known(group.arn.clone()),
            None => {
                self.name_taken(
                    &wanted.service,
                    "VPC Lattice target group",
                    &wanted.target_group_name,
                    observed
                        .lattice
                        .target_groups
                        .iter()
                        .find(|group| group.name == wanted.target_group_name)
                        .map(|group| group.id.as_str()),
                );
                let fields = vec![
                    FieldChange::new("name", &wanted.target_group_name),
                    FieldChange::new("type", "IP"),
                    FieldChange::new("protocol", "HTTP"),
                    FieldChange::new("port", i64::from(wanted.container_port)),
                    FieldChange::new("vpc", &desired.vpc_id),
                ];
                let operation = LatticeOp::CreateTargetGroup {
                    name: wanted.target_group_name.clone(),
                    vpc_id: desired.vpc_id.clone(),
                    port: wanted.container_port,
                    // AWS's defaults: ecsnet sets no health check of its own.
                    health_check: LatticeHealthCheck::default(),
                };
                match others.first() {
                    Some(old) => {
                        let changed = immutable_changes(old, wanted, &desired.vpc_id);
                        let reason = ReplaceReason::Immutable {
                            fields: changed.iter().map(|field| field.field.clone()).collect(),
                        };
                        let name = wanted.target_group_name.clone();
                        self.push_replace(address.clone(), name, changed, reason, operation.into());
                    }
                    None => {
                        self.push(address.clone(), Action::Create, &wanted.target_group_name, fields, operation.into())
                    }
                }
                Ref::Of(address.clone())
            }
        };
        for old in others {
            let operation = LatticeOp::DeleteTargetGroup { id: old.id.clone() };
            self.push(address.clone(), Action::Delete, &old.name, vec![], operation.into());
        }
        TargetGroupRef { reference, id: kept.map(|group| group.id.clone()), name: wanted.target_group_name.clone() }
    }

    /// The Lattice service: created, kept (its auth type set back to AWS_IAM if changed), or replaced when its
    /// custom domain differs (AWS cannot change it:
    /// https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_UpdateService.html takes only the auth type
    /// and certificate).
    fn lattice_service_itself(&mut self, wanted: &DesiredLatticeService) -> ServiceRef<'a> {
        let observed = self.observed;
        let address = Address::LatticeService(wanted.service.clone());
        let mut owned = Vec::new();
        for service in &observed.lattice.services {
            if self.owned_address(&service.tags, &format!("VPC Lattice service {}", service.id))
                == Some(address.clone())
            {
                owned.push(service);
            }
        }
        let (kept, duplicates) = keep_one(owned, |service| service.name == wanted.name);
        for duplicate in duplicates {
            self.delete_lattice_service(&wanted.service, duplicate);
        }
        // What callers use: the new service's DNS name is AWS's, known once it exists.
        let callers_use = || {
            let name = LatticeName {
                service: wanted.service.clone(),
                dns: None,
                domain: wanted.domain.clone(),
                port: wanted.listener_port,
            };
            FieldChange::new("callers_use", name.describe(&format!("DNS name {KNOWN_AFTER_APPLY}")))
        };
        let fields = || {
            vec![
                FieldChange::new("name", &wanted.name),
                FieldChange::new("auth_type", "AWS_IAM"),
                FieldChange::new("custom_domain", wanted.domain.as_deref().unwrap_or("(none)")),
                callers_use(),
            ]
        };
        let create = LatticeOp::CreateService { name: wanted.name.clone(), custom_domain: wanted.domain.clone() };
        match kept {
            None => {
                self.name_taken(
                    &wanted.service,
                    "VPC Lattice service",
                    &wanted.name,
                    observed
                        .lattice
                        .services
                        .iter()
                        .find(|service| service.name == wanted.name)
                        .map(|service| service.id.as_str()),
                );
                self.push(address.clone(), Action::Create, &wanted.name, fields(), create.into());
                ServiceRef { reference: Ref::Of(address), live: None, recreated: true }
            }
            Some(live) if live.name != wanted.name || live.custom_domain != wanted.domain => {
                // Names and custom domains cannot change in place; the old service goes first (its name is
                // unique in the account), with its listener and association.
                self.delete_lattice_service(&wanted.service, live);
                let mut changed = Vec::new();
                if live.name != wanted.name {
                    changed.push(FieldChange::changed("name", &live.name, &wanted.name));
                }
                if live.custom_domain != wanted.domain {
                    changed.push(FieldChange::changed(
                        "custom_domain",
                        live.custom_domain.as_deref().unwrap_or("(none)"),
                        wanted.domain.as_deref().unwrap_or("(none)"),
                    ));
                }
                let reason =
                    ReplaceReason::Immutable { fields: changed.iter().map(|field| field.field.clone()).collect() };
                changed.push(callers_use());
                self.push_replace(address.clone(), &wanted.name, changed, reason, create.into());
                ServiceRef { reference: Ref::Of(address), live: Some(live), recreated: true }
            }
            Some(live) => {
                if !live.auth_type.is(AuthType::AwsIam) {
                    let fields = vec![FieldChange::changed("auth_type", live.auth_type.to_string(), "AWS_IAM")];
                    let operation = LatticeOp::UpdateService { id: live.id.clone() };
                    self.push(address, Action::Update, &live.name, fields, operation.into());
                }
                ServiceRef { reference: Ref::Known(live.arn.clone()), live: Some(live), recreated: false }
            }
        }
    }

    /// Deletes a Lattice service of the topology: its listeners and associations first (explicitly, so that the
    /// target group's delete can follow the listener's), the auth policy with it.
    fn delete_lattice_service(&mut self, service: &str, live: &LatticeService) {
        for listener in &live.listeners {
            let operation = LatticeOp::DeleteListener { service_id: live.id.clone(), listener_id: listener.id.clone() };
            let address = Address::LatticeListener(service.to_string());
            self.push(address, Action::Delete, &listener.name, vec![], operation.into());
        }
        let mut foreign = Vec::new();
        for association in &live.associations {
            if !crate::plan::ownership::owned_by(&association.tags, self.topology) {
                foreign.push(association.id.clone());
                continue;
            }
            let operation = LatticeOp::DeleteServiceAssociation { id: association.id.clone() };
            let address = Address::LatticeAssociation(service.to_string());
            self.push(address, Action::Delete, &association.id, vec![], operation.into());
        }
        if !foreign.is_empty() {
            self.notes.push(Note::warning(format!(
                "service.{service}.lattice: {} associates the VPC Lattice service {} with a service network, and ecsnet does not own it; AWS will not delete the service until it is gone",
                join(&foreign),
                live.name
            )));
        }
        if live.auth_policy.is_some() {
            let address = Address::LatticeAuthPolicy(service.to_string());
            self.push(address, Action::Delete, &live.name, vec![], crate::plan::Operation::RemovedWithParent);
        }
        let operation = LatticeOp::DeleteService { id: live.id.clone() };
        self.push(Address::LatticeService(service.to_string()), Action::Delete, &live.name, vec![], operation.into());
    }

    /// The service's HTTP listener on the file's port, forwarding everything to the target group.
    fn lattice_listener(
        &mut self,
        wanted: &DesiredLatticeService,
        service: &Ref,
        live: Option<&'a LatticeService>,
        target_group: &TargetGroupRef,
    ) {
        let address = Address::LatticeListener(wanted.service.clone());
        let mut owned: Vec<&LatticeListener> = Vec::new();
        for listener in live.map_or(&[][..], |live| &live.listeners[..]) {
            if self.owned_address(&listener.tags, &format!("VPC Lattice listener {}", listener.id))
                == Some(address.clone())
            {
                owned.push(listener);
            }
        }
        let fits = |listener: &LatticeListener| {
            i32::from(wanted.listener_port) == listener.port && listener.protocol.is(LatticeProtocol::Http)
        };
        let (kept, others) = keep_one(owned, |listener| fits(listener));
        let replaced = kept.filter(|listener| !fits(listener));
        let kept = kept.filter(|listener| fits(listener));
        let service_id = live.map(|live| live.id.clone()).unwrap_or_default();
        for old in others.into_iter().chain(replaced) {
            let operation = LatticeOp::DeleteListener { service_id: service_id.clone(), listener_id: old.id.clone() };
            self.push(address.clone(), Action::Delete, &old.name, vec![], operation.into());
        }
        let forward = format!("{} (100%)", target_group_label(target_group));
        match kept {
            Some(listener) => {
                let forwards =
                    target_group.id.as_ref().is_some_and(|id| listener.forward_to == vec![(id.clone(), 100)]);
                if !forwards {
                    let old = self.forward_label(&listener.forward_to);
                    let operation = LatticeOp::UpdateListener {
                        service_id,
                        listener_id: listener.id.clone(),
                        target_group: target_group.reference.clone(),
                    };
                    let fields = vec![FieldChange::changed("forward", old, &forward)];
                    self.push(address, Action::Update, &listener.name, fields, operation.into());
                }
            }
            None => {
                let fields = vec![
                    FieldChange::new("name", &wanted.listener_name),
                    FieldChange::new("protocol", "HTTP"),
                    FieldChange::new("port", i64::from(wanted.listener_port)),
                    FieldChange::new("forward", &forward),
                ];
                let operation = LatticeOp::CreateListener {
                    service: service.clone(),
                    name: wanted.listener_name.clone(),
                    port: wanted.listener_port,
                    target_group: target_group.reference.clone(),
                };
                match replaced {
                    Some(old) => {
                        let mut changed = vec![];
                        if old.port != i32::from(wanted.listener_port) {
                            changed.push(FieldChange::changed(
                                "port",
                                i64::from(old.port),
                                i64::from(wanted.listener_port),
                            ));
                        }
                        if !old.protocol.is(LatticeProtocol::Http) {
                            changed.push(FieldChange::changed("protocol", old.protocol.to_string(), "HTTP"));
                        }
                        let reason = ReplaceReason::Immutable {
                            fields: changed.iter().map(|field| field.field.clone()).collect(),
                        };
                        self.push_replace(address, &wanted.listener_name, changed, reason, operation.into());
                    }
                    None => self.push(address, Action::Create, &wanted.listener_name, fields, operation.into()),
                }
            }
        }
    }

    /// The service's association with the service network.
    fn lattice_association(
        &mut self,
        wanted: &DesiredLatticeService,
        service: &Ref,
        live: Option<&'a LatticeService>,
        network: &Network,
    ) {
        let address = Address::LatticeAssociation(wanted.service.clone());
        let associations = live.map_or(&[][..], |live| &live.associations[..]);
        let mut satisfied = false;
        for association in associations {
            let owned = self
                .owned_address(&association.tags, &format!("VPC Lattice service association {}", association.id))
                == Some(address.clone());
            let fits = network.is(&association.service_network_id, &association.service_network_arn)
                && !association.status.is(LatticeStatus::DeleteInProgress);
            if fits && !satisfied {
                satisfied = true;
            } else if owned {
                let operation = LatticeOp::DeleteServiceAssociation { id: association.id.clone() };
                self.push(address.clone(), Action::Delete, &association.id, vec![], operation.into());
            }
        }
        if satisfied {
            return;
        }
        let fields = vec![FieldChange::new("service_network", &network.name)];
        let operation = LatticeOp::CreateServiceAssociation {
            service: service.clone(),
            service_network: network.reference.clone(),
        };
        self.push(address, Action::Create, format!("{} → {}", wanted.name, network.name), fields, operation.into());
    }

    /// The auth policy: the callers' identities, compared with the live one as JSON values.
    fn lattice_auth_policy(&mut self, wanted: &DesiredLatticeService, service: &Ref, live: Option<&'a LatticeService>) {
        let address = Address::LatticeAuthPolicy(wanted.service.clone());
        let live_policy = live.and_then(|live| live.auth_policy.as_deref());
        if live_policy.is_some_and(|policy| wanted.admitted.matches(policy)) {
            return;
        }
        let operation = LatticeOp::PutAuthPolicy { service: service.clone(), policy: wanted.admitted.document() };
        let new = wanted.admitted.describe();
        match live_policy {
            Some(policy) => {
                let fields = vec![FieldChange::changed("callers", describe_live(Some(policy)), new)];
                self.push(address, Action::Update, &wanted.name, fields, operation.into());
            }
            None => {
                let fields =
                    vec![FieldChange::new("action", "vpc-lattice-svcs:Invoke"), FieldChange::new("callers", new)];
                self.push(address, Action::Create, &wanted.name, fields, operation.into());
            }
        }
    }

    /// The topology's Lattice services and target groups no service of the file asks for any more.
    fn orphan_lattice(&mut self, planned: &BTreeSet<String>) {
        let observed = self.observed;
        for live in &observed.lattice.services {
            let what = format!("VPC Lattice service {}", live.id);
            if let Some(Address::LatticeService(service)) = self.owned_address(&live.tags, &what) {
                if !planned.contains(&service) {
                    self.delete_lattice_service(&service, live);
                }
            }
        }
        for group in &observed.lattice.target_groups {
            let what = format!("VPC Lattice target group {}", group.id);
            let Some(address) = self.owned_address(&group.tags, &what) else { continue };
            if let Address::LatticeTargetGroup(service) = &address {
                if !planned.contains(service) {
                    let operation = LatticeOp::DeleteTargetGroup { id: group.id.clone() };
                    self.push(address, Action::Delete, &group.name, vec![], operation.into());
                }
            }
        }
    }

    /// Ingress on each Lattice service's group from the region's VPC Lattice prefix list on the container port
    /// (https://docs.aws.amazon.com/vpc-lattice/latest/ug/security-groups.html: targets' groups must allow
    /// the managed prefix list); ecsnet's rules no longer wanted are revoked.
    fn lattice_ingress(&mut self, wanted: Option<&DesiredLattice>) {
        let observed = self.observed;
        let mut owned: Vec<(Address, &SecurityGroup, &SecurityGroupRule)> = Vec::new();
        for group in &observed.security_groups {
            for rule in &group.rules {
                if let Some(address @ Address::LatticeIngress(_)) =
                    self.owned_address(&rule.tags, &format!("security group rule {}", rule.id))
                {
                    owned.push((address, group, rule));
                }
            }
        }
        let mut planned = BTreeSet::new();
        let prefix_list = wanted.and_then(|wanted| wanted.prefix_list_id.clone());
        for (service, prefix_list) in
            wanted.iter().flat_map(|wanted| &wanted.services).zip(std::iter::repeat(prefix_list))
        {
            let Some(prefix_list) = prefix_list else { continue };
            let address = Address::LatticeIngress(service.service.clone());
            planned.insert(address.clone());
            let permission =
                Permission::tcp(Direction::Ingress, service.container_port, Peer::PrefixList(prefix_list.clone()));
            let mine: Vec<_> = owned.iter().filter(|(at, _, _)| *at == address).collect();
            let kept = mine
                .iter()
                .find(|(_, group, rule)| group.id == service.group_id && rule.permission == permission)
                .map(|(_, _, rule)| rule.id.clone());
            let revoke = revocations(
                mine.iter()
                    .filter(|(_, _, rule)| Some(&rule.id) != kept.as_ref())
                    .map(|(_, group, rule)| (*group, *rule)),
            );
            if kept.is_some() && revoke.is_empty() {
                continue;
            }
            let label = format!("tcp/{} from {prefix_list} (VPC Lattice)", service.container_port);
            if kept.is_none() && mine.is_empty() {
                let twin =
                    observed.security_groups.iter().find(|group| group.id == service.group_id).is_some_and(|group| {
                        group.rules.iter().any(|rule| {
                            rule.permission == permission
                                && !rule.tags.contains_key(crate::plan::ownership::TOPOLOGY_TAG)
                        })
                    });
                if twin {
                    self.notes.push(Note::info(format!(
                        "{address}: {} already admits {label} through a rule ecsnet does not own; it is left as it is",
                        service.group_id
                    )));
                    continue;
                }
            }
            let authorize = kept.is_none().then(|| PrefixListIngressSpec {
                group_id: service.group_id.clone(),
                port: service.container_port,
                prefix_list_id: prefix_list.clone(),
            });
            let (action, fields) = if mine.is_empty() {
                (
                    Action::Create,
                    vec![FieldChange::new("security_group", &service.group_id), FieldChange::new("rule", &label)],
                )
            } else {
                let old = join(
                    mine.iter()
                        .map(|(_, group, rule)| format!("{} on {}", describe_permission(&rule.permission), group.id)),
                );
                (Action::Update, vec![FieldChange::changed("rule", old, format!("{label} on {}", service.group_id))])
            };
            let operation = Operation::Ec2(Ec2Op::SetPrefixListIngress { revoke, authorize });
            self.push(address, action, &service.group_id, fields, operation);
        }
        let mut orphans: Vec<&Address> =
            owned.iter().map(|(address, _, _)| address).filter(|address| !planned.contains(*address)).collect();
        orphans.sort();
        orphans.dedup();
        for address in orphans {
            let rules: Vec<_> =
                owned.iter().filter(|(at, _, _)| at == address).map(|(_, group, rule)| (*group, *rule)).collect();
            let names = join(
                rules.iter().map(|(group, rule)| format!("{} on {}", describe_permission(&rule.permission), group.id)),
            );
            let operation =
                Operation::Ec2(Ec2Op::SetPrefixListIngress { revoke: revocations(rules.into_iter()), authorize: None });
            self.push(address.clone(), Action::Delete, names, vec![], operation);
        }
    }

    /// A problem when a name the topology wants is taken by a Lattice resource it does not own.
    fn name_taken(&mut self, service: &str, what: &str, name: &str, taken_by: Option<&str>) {
        let Some(id) = taken_by else { return };
        self.problems.push(Problem::at(
            FileKey::service(service, "name"),
            format!("{what} name \"{name}\" is taken by {id}, which ecsnet topology {} does not own", self.topology),
            "take it over with `ecsnet apply --adopt`, delete or rename that resource, or rename the service or the topology",
        ));
    }

    /// A listener's targets as the plan shows them: target group names where known, with their weights.
    fn forward_label(&self, forward_to: &[(String, i32)]) -> String {
        if forward_to.is_empty() {
            return "(no target group)".into();
        }
        join(forward_to.iter().map(|(id, weight)| {
            let name = self
                .observed
                .lattice
                .target_groups
                .iter()
                .find(|group| group.id == *id)
                .map_or(id.as_str(), |group| group.name.as_str());
            format!("{name} ({weight}%)")
        }))
    }
}

/// A Lattice service as later changes refer to it.
struct ServiceRef<'a> {
    reference: Ref,
    live: Option<&'a LatticeService>,
    /// Created (or created anew) by this plan: what hung off the old one is gone.
    recreated: bool,
}

struct TargetGroupRef {
    reference: Ref,
    /// The ID of the live group kept; `None` when this plan creates it.
    id: Option<String>,
    name: String,
}

fn target_group_label(group: &TargetGroupRef) -> String {
    match group.id {
        Some(_) => group.name.clone(),
        None => format!("{} {KNOWN_AFTER_APPLY}", group.name),
    }
}

/// What differs between an old target group and the wanted one, among what cannot change in place.
fn immutable_changes(old: &LatticeTargetGroup, wanted: &DesiredLatticeService, vpc_id: &str) -> Vec<FieldChange> {
    let mut changed = Vec::new();
    if old.port != Some(i32::from(wanted.container_port)) {
        let old_port = old.port.map_or("(none)".to_string(), |port| port.to_string());
        changed.push(FieldChange::changed("port", old_port, i64::from(wanted.container_port)));
    }
    if old.vpc_id.as_deref() != Some(vpc_id) {
        changed.push(FieldChange::changed("vpc", old.vpc_id.as_deref().unwrap_or("(none)"), vpc_id));
    }
    if !old.protocol.as_ref().is_some_and(|protocol| protocol.is(LatticeProtocol::Http)) {
        let old_protocol = old.protocol.as_ref().map_or("(none)".to_string(), ToString::to_string);
        changed.push(FieldChange::changed("protocol", old_protocol, "HTTP"));
    }
    if !old.kind.is(LatticeTargetType::Ip) {
        changed.push(FieldChange::changed("type", old.kind.to_string(), "IP"));
    }
    if changed.is_empty() {
        changed.push(FieldChange::changed("name", &old.name, &wanted.target_group_name));
    }
    changed
}

fn self_owned_at(tags: &crate::live::Tags, topology: &str, address: &Address) -> bool {
    crate::plan::ownership::owned_by(tags, topology)
        && crate::plan::ownership::tagged_address(tags).as_ref() == Some(address)
}
