//! The load balancer's security group (the one group on the adopted load balancer that is no service's), and the
//! ingress rules on the services' groups: from that group, or from a caller's group, on the service's port.

use crate::live::{Direction, Peer, SecurityGroup, SecurityGroupRule};
use crate::plan::desired::{Desired, DesiredIngress, IngressSource};
use crate::plan::ownership::owned_address;
use crate::plan::Address;

use super::load_balancing::Balancer;
use super::{Adopter, Eligibility, Mark};
use crate::live::IpProtocol;

impl<'a> Adopter<'a> {
    pub(super) fn security(&mut self, desired: &Desired, balancers: &[Balancer<'a>]) {
        let load_balancer_group = self.load_balancer_group(desired, balancers);
        for wanted in &desired.ingress {
            let source = match &wanted.source {
                IngressSource::LoadBalancer => load_balancer_group.clone(),
                IngressSource::Caller { group_id, .. } => Some(group_id.clone()),
            };
            if let Some(source) = source {
                self.ingress(wanted, &source);
            }
        }
    }

    /// The load balancer's group's ID once adoption is done: owned already, or adopted now.
    fn load_balancer_group(&mut self, desired: &Desired, balancers: &[Balancer<'a>]) -> Option<String> {
        desired.security_group.as_ref()?;
        let observed = self.observed;
        let address = Address::LoadBalancerSecurityGroup;
        if let Some(owned) = observed
            .security_groups
            .iter()
            .find(|group| owned_address(&group.tags, self.topology) == Some(address.clone()))
        {
            return Some(owned.id.clone());
        }
        let (_, first) = balancers.iter().find(|(shard, _)| *shard == 0)?;
        let services: Vec<&str> = desired.ingress.iter().map(|ingress| ingress.group_id.as_str()).collect();
        let mut groups = observed
            .security_groups
            .iter()
            .filter(|group| first.security_group_ids.contains(&group.id) && !services.contains(&group.id.as_str()));
        let group = groups.next()?;
        if groups.next().is_some() {
            let note = format!("load balancer {} has several security groups; none is adopted as ecsnet's", first.name);
            self.adoption.notes.push(crate::plan::Note::info(note));
            return None;
        }
        self.adopt_security_group(group, address).then(|| group.id.clone())
    }

    fn adopt_security_group(&mut self, group: &SecurityGroup, address: Address) -> bool {
        match self.eligible(&group.tags, &format!("security group {}", group.id)) {
            Eligibility::Ours | Eligibility::Refused => false,
            Eligibility::Free => {
                let mark = Mark::Ec2Tags { id: group.id.clone(), tags: self.tags(&address) };
                self.claim(address, &group.group_name, &group.id, mark)
            }
        }
    }

    /// A rule of the service's group admitting exactly the wanted port from `source`.
    fn ingress(&mut self, wanted: &DesiredIngress, source: &str) {
        let peer = Peer::Group(source.to_string());
        self.ingress_rule(&wanted.group_id, wanted.port, &peer, wanted.address.clone());
    }

    /// A rule of the group `group_id` admitting exactly tcp `port` from `peer`, adopted at `address`.
    pub(super) fn ingress_rule(&mut self, group_id: &str, port: u16, peer: &Peer, address: Address) {
        let observed = self.observed;
        let Some(group) = observed.security_groups.iter().find(|group| group.id == group_id) else { return };
        let admits = |rule: &&SecurityGroupRule| {
            let permission = &rule.permission;
            permission.direction == Direction::Ingress
                && permission.protocol.is(IpProtocol::Tcp)
                && permission.from_port == i32::from(port)
                && permission.to_port == i32::from(port)
                && permission.peer == *peer
        };
        let Some(rule) = group.rules.iter().find(admits) else { return };
        if let Eligibility::Free = self.eligible(&rule.tags, &format!("security group rule {}", rule.id)) {
            let mark = Mark::Ec2Tags { id: rule.id.clone(), tags: self.tags(&address) };
            self.claim(address, &group.group_name, &rule.id, mark);
        }
    }
}
