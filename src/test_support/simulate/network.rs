//! Security groups and their rules, as EC2 and the executor leave them.

use crate::live::{Direction, Peer, Permission, SecurityGroup, SecurityGroupRule};
use crate::plan::{Address, Ec2Op};

use super::Account;

impl Account<'_> {
    /// A security group operation.
    pub(super) fn network(&mut self, address: &Address, operation: &Ec2Op) {
        match operation {
            Ec2Op::CreateSecurityGroup { name, rules, .. } => self.create_group(address, name, rules),
            Ec2Op::UpdateSecurityGroupRules { group_id, authorize, revoke } => {
                let revoked: Vec<&str> = revoke.iter().map(|rule| rule.id.as_str()).collect();
                self.revoke_rules(group_id, &revoked);
                self.authorize(address, group_id, authorize);
            }
            Ec2Op::DeleteSecurityGroup { group_id } => self.state.security_groups.retain(|group| group.id != *group_id),
            Ec2Op::SetPrefixListIngress { revoke, authorize } => {
                let wanted = authorize
                    .as_ref()
                    .map(|spec| (spec.group_id.as_str(), spec.port, Peer::PrefixList(spec.prefix_list_id.clone())));
                self.set_ingress(address, revoke, wanted);
            }
            Ec2Op::SetIngress { revoke, authorize } => {
                let wanted = authorize
                    .as_ref()
                    .map(|spec| (spec.group_id.as_str(), spec.port, Peer::Group(self.resolve(&spec.source_group))));
                self.set_ingress(address, revoke, wanted);
            }
        }
    }

    /// Revokes ecsnet's old rules (any group), then authorizes tcp on the port from the peer on the group.
    fn set_ingress(&mut self, address: &Address, revoke: &[(String, Vec<String>)], wanted: Option<(&str, u16, Peer)>) {
        for (group_id, rule_ids) in revoke {
            let rule_ids: Vec<&str> = rule_ids.iter().map(String::as_str).collect();
            self.revoke_rules(group_id, &rule_ids);
        }
        if let Some((group_id, port, peer)) = wanted {
            self.authorize(address, group_id, &[Permission::tcp(Direction::Ingress, port, peer)]);
        }
    }

    pub(super) fn create_group(&mut self, address: &Address, name: &str, rules: &[Permission]) {
        let id = self.new_id("sg", address);
        let mut tags = self.ownership(address);
        tags.insert("Name".into(), name.into());
        self.state.security_groups.push(SecurityGroup {
            id: id.clone(),
            group_name: name.into(),
            tags,
            rules: vec![],
            references: vec![],
        });
        self.authorize(address, &id, rules);
        self.created.insert(address.clone(), id);
    }

    pub(super) fn authorize(&mut self, address: &Address, group_id: &str, permissions: &[Permission]) {
        let rules: Vec<SecurityGroupRule> = permissions
            .iter()
            .map(|permission| SecurityGroupRule {
                id: self.new_id("sgr", address),
                permission: permission.clone(),
                tags: self.ownership(address),
            })
            .collect();
        let group = self.group(group_id);
        group.rules.extend(rules);
    }

    pub(super) fn revoke_rules(&mut self, group_id: &str, rule_ids: &[&str]) {
        self.group(group_id).rules.retain(|rule| !rule_ids.contains(&rule.id.as_str()));
    }

    pub(super) fn group(&mut self, id: &str) -> &mut SecurityGroup {
        self.state.security_groups.iter_mut().find(|group| group.id == id).unwrap_or_else(|| panic!("no group {id}"))
    }
}
