//! The load balancer's security group, and the ingress rules ecsnet adds to each service's group.

use std::collections::BTreeSet;

use crate::live::{Direction, Peer, Permission, SecurityGroup, SecurityGroupRule};
use crate::plan::desired::{Desired, DesiredIngress, DesiredSecurityGroup, IngressSource};
use crate::plan::{Action, Address, Ec2Op, FieldChange, IngressSpec, Note, Operation, Ref};

use super::{join, keep_one, Planner, Problem};
use crate::live::{IpProtocol, Reported};

/// A rule of ecsnet's in a service's group: its address, the group and the rule.
type OwnedIngress<'a> = (Address, &'a SecurityGroup, &'a SecurityGroupRule);

impl<'a> Planner<'a> {
    /// Plans the load balancer's group; returns how later changes refer to it.
    pub(super) fn load_balancer_security_group(&mut self, desired: &Desired) -> Option<Ref> {
        let address = Address::LoadBalancerSecurityGroup;
        let observed = self.observed;
        let mut owned = Vec::new();
        for group in &observed.security_groups {
            if self.owned_address(&group.tags, &format!("security group {}", group.id)) == Some(address.clone()) {
                owned.push(group);
            }
        }
        let wanted = desired.security_group.as_ref();
        let (kept, duplicates) = keep_one(owned, |group| wanted.is_some_and(|wanted| group.group_name == wanted.name));
        for group in duplicates {
            self.push(
                address.clone(),
                Action::Delete,
                &group.id,
                vec![],
                Operation::Ec2(Ec2Op::DeleteSecurityGroup { group_id: group.id.clone() }),
            );
        }
        match (wanted, kept) {
            (Some(wanted), None) => {
                self.create_security_group(desired, wanted);
                Some(Ref::Of(address))
            }
            (Some(wanted), Some(group)) => {
                self.update_security_group_rules(wanted, group);
                Some(Ref::Known(group.id.clone()))
            }
            (None, Some(group)) => {
                self.warn_of_foreign_references(group);
                self.push(
                    address,
                    Action::Delete,
                    &group.group_name,
                    vec![],
                    Operation::Ec2(Ec2Op::DeleteSecurityGroup { group_id: group.id.clone() }),
                );
                None
            }
            (None, None) => None,
        }
    }

    fn create_security_group(&mut self, desired: &Desired, wanted: &DesiredSecurityGroup) {
        if let Some(taken) = self.observed.security_groups.iter().find(|group| group.group_name == wanted.name) {
            self.problems.push(Problem::at(
                crate::plan::problem::FileKey::top("load_balancer.name"),
                format!(
                    "security group name \"{}\" is taken in the VPC by {}, which ecsnet does not own",
                    wanted.name, taken.id
                ),
                "rename or delete that group, or set another load_balancer.name",
            ));
        }
        let (ingress, egress) = describe_rules(&wanted.rules);
        let fields = vec![
            FieldChange::new("name", &wanted.name),
            FieldChange::new("vpc", &desired.vpc_id),
            FieldChange::new("ingress", ingress),
            FieldChange::new("egress", egress),
        ];
        let operation = Operation::Ec2(Ec2Op::CreateSecurityGroup {
            name: wanted.name.clone(),
            description: wanted.description.clone(),
            vpc_id: desired.vpc_id.clone(),
            rules: wanted.rules.iter().cloned().collect(),
        });
        self.push(Address::LoadBalancerSecurityGroup, Action::Create, &wanted.name, fields, operation);
    }

    /// The live group's rules brought to the wanted ones: missing ones authorized, others and duplicates revoked.
    fn update_security_group_rules(&mut self, wanted: &DesiredSecurityGroup, group: &SecurityGroup) {
        let have: BTreeSet<&Permission> = group.rules.iter().map(|rule| &rule.permission).collect();
        let authorize: Vec<Permission> = wanted.rules.iter().filter(|rule| !have.contains(rule)).cloned().collect();
        let mut seen = BTreeSet::new();
        let revoke: Vec<SecurityGroupRule> = group
            .rules
            .iter()
            .filter(|rule| !wanted.rules.contains(&rule.permission) || !seen.insert(&rule.permission))
            .cloned()
            .collect();
        if authorize.is_empty() && revoke.is_empty() {
            return;
        }
        let (old_ingress, old_egress) = describe_rules(group.rules.iter().map(|rule| &rule.permission));
        let (new_ingress, new_egress) = describe_rules(&wanted.rules);
        let mut fields = Vec::new();
        if old_ingress != new_ingress {
            fields.push(FieldChange::changed("ingress", old_ingress, new_ingress));
        }
        if old_egress != new_egress {
            fields.push(FieldChange::changed("egress", old_egress, new_egress));
        }
        let operation =
            Operation::Ec2(Ec2Op::UpdateSecurityGroupRules { group_id: group.id.clone(), authorize, revoke });
        self.push(Address::LoadBalancerSecurityGroup, Action::Update, &group.group_name, fields, operation);
    }

    /// AWS will not delete a group another group's rule refers to. ecsnet revokes its own such rules first; rules
    /// it does not own it never touches, so it says which ones stand in the way.
    fn warn_of_foreign_references(&mut self, group: &SecurityGroup) {
        let observed = self.observed;
        let topology = self.topology;
        let mut foreign: Vec<String> = Vec::new();
        for other in observed.security_groups.iter().filter(|other| other.id != group.id) {
            let refers = |rule: &&SecurityGroupRule| rule.permission.peer == Peer::Group(group.id.clone());
            let loaded = other.rules.iter().any(|rule| refers(&rule));
            let theirs =
                other.rules.iter().filter(refers).any(|rule| !crate::plan::ownership::owned_by(&rule.tags, topology));
            if theirs || (!loaded && other.references.contains(&group.id)) {
                foreign.push(other.id.clone());
            }
        }
        if !foreign.is_empty() {
            self.notes.push(Note::warning(format!(
                "{} has rules ecsnet does not own that refer to the load balancer's group {}; AWS will not delete that group until they are gone (ecsnet waits up to 10 minutes, then stops)",
                join(&foreign),
                group.id
            )));
        }
    }

    /// Plans the ingress ecsnet adds to services' groups (from the load balancer's group, and from callers'),
    /// and removes ecsnet's rules no longer wanted.
    pub(super) fn ingress(&mut self, desired: &Desired, load_balancer_group: Option<&Ref>) {
        let owned = self.owned_ingress();
        let load_balancer_group_name = desired.security_group.as_ref().map_or("", |group| group.name.as_str());
        let mut planned = BTreeSet::new();
        // Services that share a group and a port share one rule from each source: the first names it.
        let mut claimed = BTreeSet::new();
        for wanted in &desired.ingress {
            let (source, source_label) = match &wanted.source {
                IngressSource::LoadBalancer => match load_balancer_group {
                    Some(source) => (source.clone(), load_balancer_group_name.to_string()),
                    None => continue,
                },
                IngressSource::Caller { group_id, service } => {
                    (Ref::Known(group_id.clone()), format!("{group_id} ({service})"))
                }
            };
            planned.insert(wanted.address.clone());
            if !claimed.insert((wanted.group_id.clone(), wanted.port, format!("{source:?}"))) {
                continue;
            }
            self.ingress_rule(wanted, source, &source_label, &owned);
        }
        self.delete_orphan_ingress(&owned, &planned);
    }

    /// ecsnet's rules in services' groups.
    fn owned_ingress(&mut self) -> Vec<OwnedIngress<'a>> {
        let observed = self.observed;
        let mut owned = Vec::new();
        for group in &observed.security_groups {
            for rule in &group.rules {
                if let Some(address @ (Address::Ingress(_) | Address::CallerIngress(..))) =
                    self.owned_address(&rule.tags, &format!("security group rule {}", rule.id))
                {
                    owned.push((address, group, rule))
                }
            }
        }
        owned
    }

    /// One wanted ingress rule from `source`: kept when ecsnet's rule is there alone, left to a rule of someone
    /// else's that already admits the same, else created or set anew.
    fn ingress_rule(&mut self, wanted: &DesiredIngress, source: Ref, source_label: &str, owned: &[OwnedIngress]) {
        let address = wanted.address.clone();
        let mine: Vec<_> = owned.iter().filter(|(owned_address, _, _)| *owned_address == address).collect();
        let permission = match &source {
            Ref::Known(id) => Some(Permission::tcp(Direction::Ingress, wanted.port, Peer::Group(id.clone()))),
            Ref::Of(_) => None,
        };
        let matches = |group: &SecurityGroup, rule: &SecurityGroupRule| {
            group.id == wanted.group_id && Some(&rule.permission) == permission.as_ref()
        };
        let kept = mine.iter().find(|(_, group, rule)| matches(group, rule)).map(|(_, _, rule)| rule.id.clone());
        let revoke = revocations(
            mine.iter().filter(|(_, _, rule)| Some(&rule.id) != kept.as_ref()).map(|(_, group, rule)| (*group, *rule)),
        );
        if kept.is_some() && revoke.is_empty() {
            return;
        }
        if kept.is_none() && mine.is_empty() && self.foreign_twin(wanted, permission.as_ref()) {
            self.notes.push(Note::info(format!(
                "{address}: {} already admits tcp/{} from {source_label} through a rule ecsnet does not own; it is left as it is",
                wanted.group_id, wanted.port
            )));
            return;
        }
        let authorize = kept.is_none().then(|| IngressSpec {
            group_id: wanted.group_id.clone(),
            port: wanted.port,
            source_group: source.clone(),
        });
        let new = format!("tcp/{} from {source_label} on {}", wanted.port, wanted.group_id);
        let (action, fields) = if mine.is_empty() {
            (
                Action::Create,
                vec![
                    FieldChange::new("security_group", &wanted.group_id),
                    FieldChange::new("rule", format!("tcp/{} from {source_label}", wanted.port)),
                ],
            )
        } else {
            let old = mine
                .iter()
                .map(|(_, group, rule)| format!("{} on {}", describe_permission(&rule.permission), group.id));
            (Action::Update, vec![FieldChange::changed("rule", join(old), new)])
        };
        self.push(address, action, &wanted.group_id, fields, Operation::Ec2(Ec2Op::SetIngress { revoke, authorize }));
    }

    /// Whether the service's group already has a rule ecsnet does not own that admits `permission`.
    fn foreign_twin(&self, wanted: &DesiredIngress, permission: Option<&Permission>) -> bool {
        let Some(permission) = permission else { return false };
        let Some(group) = self.observed.security_groups.iter().find(|group| group.id == wanted.group_id) else {
            return false;
        };
        group
            .rules
            .iter()
            .any(|rule| rule.permission == *permission && !rule.tags.contains_key(crate::plan::ownership::TOPOLOGY_TAG))
    }

    /// Revokes ecsnet's rules at addresses no wanted ingress has.
    fn delete_orphan_ingress(&mut self, owned: &[OwnedIngress], planned: &BTreeSet<Address>) {
        let mut orphans: Vec<_> = owned.iter().filter(|(address, _, _)| !planned.contains(address)).collect();
        orphans.sort_by(|a, b| a.0.cmp(&b.0));
        let mut addresses: Vec<Address> = orphans.iter().map(|(address, _, _)| address.clone()).collect();
        addresses.dedup();
        for address in addresses {
            let rules: Vec<_> = orphans
                .iter()
                .filter(|(owned, _, _)| *owned == address)
                .map(|(_, group, rule)| (*group, *rule))
                .collect();
            let names = join(
                rules.iter().map(|(group, rule)| format!("{} on {}", describe_permission(&rule.permission), group.id)),
            );
            let operation =
                Operation::Ec2(Ec2Op::SetIngress { revoke: revocations(rules.into_iter()), authorize: None });
            self.push(address, Action::Delete, names, vec![], operation);
        }
    }
}

/// Rule IDs to revoke, grouped by security group.
pub(super) fn revocations<'a>(
    rules: impl Iterator<Item = (&'a SecurityGroup, &'a SecurityGroupRule)>,
) -> Vec<(String, Vec<String>)> {
    let mut by_group: Vec<(String, Vec<String>)> = Vec::new();
    for (group, rule) in rules {
        match by_group.iter_mut().find(|(id, _)| *id == group.id) {
            Some((_, ids)) => ids.push(rule.id.clone()),
            None => by_group.push((group.id.clone(), vec![rule.id.clone()])),
        }
    }
    by_group
}

/// "tcp/80 from 10.0.0.0/16", "all to 10.0.0.0/16".
pub(crate) fn describe_permission(permission: &Permission) -> String {
    let what = match (&permission.protocol, permission.from_port, permission.to_port) {
        (Reported::Known(IpProtocol::All), _, _) => "all".to_string(),
        (protocol, from, to) if from == to => format!("{protocol}/{from}"),
        (protocol, from, to) => format!("{protocol}/{from}-{to}"),
    };
    let peer = match &permission.peer {
        Peer::Cidr(cidr) => cidr.clone(),
        Peer::Group(id) | Peer::PrefixList(id) => id.clone(),
    };
    let direction = if permission.direction == Direction::Ingress { "from" } else { "to" };
    format!("{what} {direction} {peer}")
}

fn describe_rules<'a>(rules: impl IntoIterator<Item = &'a Permission>) -> (String, String) {
    let mut rules: Vec<&Permission> = rules.into_iter().collect();
    rules.sort();
    let side =
        |direction| join(rules.iter().filter(|rule| rule.direction == direction).map(|rule| describe_permission(rule)));
    (side(Direction::Ingress), side(Direction::Egress))
}
