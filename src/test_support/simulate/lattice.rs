//! VPC Lattice, as Lattice and the executor leave it: every create tagged with the topology and the address, a
//! service's listeners, auth policy and (by AWS's cascade) everything else going with it.

use crate::live::{
    AuthType, LatticeListener, LatticeProtocol, LatticeService, LatticeStatus, LatticeTargetGroup, LatticeTargetType,
    Reported, ServiceAssociation, ServiceNetwork, VpcAssociation,
};
use crate::plan::{Address, LatticeOp};

use super::Account;

impl Account<'_> {
    pub(super) fn lattice(&mut self, address: &Address, operation: &LatticeOp) {
        let tags = self.ownership(address);
        match operation {
            LatticeOp::CreateServiceNetwork { name } => {
                let id = self.new_id("sn", address);
                let arn = format!("arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/{id}");
                self.state.lattice.service_networks.push(ServiceNetwork {
                    id,
                    arn: arn.clone(),
                    name: name.clone(),
                    auth_type: Some(Reported::Known(AuthType::None)),
                    tags,
                });
                self.created.insert(address.clone(), arn);
            }
            LatticeOp::DeleteServiceNetwork { id } => {
                let (id, arn) = self.service_network(id);
                let lattice = &self.state.lattice;
                let associated =
                    lattice.vpc_associations.iter().any(|association| association.service_network_id == id)
                        || lattice.services.iter().flat_map(|service| &service.associations).any(|association| {
                            association.service_network_id == id || association.service_network_arn == arn
                        });
                assert!(
                    !associated,
                    "AWS refuses to delete service network {id} while something is associated with it"
                );
                self.state.lattice.service_networks.retain(|network| network.id != id)
            }
            LatticeOp::CreateVpcAssociation { service_network, vpc_id, security_group_ids } => {
                let (network_id, network_arn) = self.service_network(&self.resolve(service_network));
                let id = self.new_id("snva", address);
                self.state.lattice.vpc_associations.push(VpcAssociation {
                    arn: format!("arn:{id}"),
                    id,
                    service_network_id: network_id,
                    service_network_arn: network_arn,
                    vpc_id: vpc_id.clone(),
                    status: Reported::Known(LatticeStatus::Active),
                    security_group_ids: security_group_ids.clone(),
                    tags,
                });
            }
            LatticeOp::UpdateVpcAssociation { id, security_group_ids } => {
                let association =
                    self.state.lattice.vpc_associations.iter_mut().find(|association| association.id == *id);
                association.expect("the association is live").security_group_ids = security_group_ids.clone();
            }
            LatticeOp::DeleteVpcAssociation { id } => {
                self.state.lattice.vpc_associations.retain(|association| association.id != *id)
            }
            LatticeOp::CreateService { name, custom_domain } => {
                let id = self.new_id("svc", address);
                let arn = format!("arn:aws:vpc-lattice:us-east-1:123456789012:service/{id}");
                self.state.lattice.services.push(LatticeService {
                    dns_name: Some(format!("{name}-{}.7d67968.vpc-lattice-svcs.us-east-1.on.aws", self.next)),
                    id,
                    arn: arn.clone(),
                    name: name.clone(),
                    custom_domain: custom_domain.clone(),
                    auth_type: Reported::Known(AuthType::AwsIam),
                    auth_policy: None,
                    status: Reported::Known(LatticeStatus::Active),
                    listeners: vec![],
                    associations: vec![],
                    tags,
                });
                self.created.insert(address.clone(), arn);
            }
            LatticeOp::UpdateService { id } => self.service(id).auth_type = Reported::Known(AuthType::AwsIam),
            LatticeOp::DeleteService { id } => {
                let service = self.service(id);
                assert!(service.associations.is_empty(), "AWS refuses to delete a service that has associations");
                let id = service.id.clone();
                self.state.lattice.services.retain(|service| service.id != id);
            }
            LatticeOp::PutAuthPolicy { service, policy } => {
                let id = self.resolve(service);
                self.service(&id).auth_policy = Some(policy.clone());
            }
            LatticeOp::CreateTargetGroup { name, vpc_id, port, health_check } => {
                let id = self.new_id("tg", address);
                let arn = format!("arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/{id}");
                self.state.lattice.target_groups.push(LatticeTargetGroup {
                    id,
                    arn: arn.clone(),
                    name: name.clone(),
                    kind: Reported::Known(LatticeTargetType::Ip),
                    vpc_id: Some(vpc_id.clone()),
                    port: Some(i32::from(*port)),
                    protocol: Some(Reported::Known(LatticeProtocol::Http)),
                    health_check: Some(health_check.clone()),
                    status: Reported::Known(LatticeStatus::Active),
                    tags,
                });
                self.created.insert(address.clone(), arn);
            }
            LatticeOp::DeleteTargetGroup { id } => {
                let used = self
                    .state
                    .lattice
                    .services
                    .iter()
                    .flat_map(|service| &service.listeners)
                    .any(|listener| listener.forward_to.iter().any(|(group, _)| group == id));
                assert!(!used, "AWS refuses to delete target group {id}: a listener forwards to it");
                let arn = self
                    .state
                    .lattice
                    .target_groups
                    .iter()
                    .find(|group| group.id == *id)
                    .map(|group| group.arn.clone());
                let registered =
                    self.state.ecs_services.iter().any(|service| {
                        service.lattice.iter().any(|entry| Some(&entry.target_group_arn) == arn.as_ref())
                    });
                assert!(!registered, "target group {id} is deleted while an ECS service registers tasks in it");
                self.state.lattice.target_groups.retain(|group| group.id != *id);
            }
            LatticeOp::CreateListener { service, name, port, target_group } => {
                let group = self.target_group_id(&self.resolve(target_group));
                let service = self.resolve(service);
                let id = self.new_id("listener", address);
                self.service(&service).listeners.push(LatticeListener {
                    arn: format!("arn:{id}"),
                    id,
                    name: name.clone(),
                    protocol: Reported::Known(LatticeProtocol::Http),
                    port: i32::from(*port),
                    forward_to: vec![(group, 100)],
                    tags,
                });
            }
            LatticeOp::UpdateListener { service_id, listener_id, target_group } => {
                let group = self.target_group_id(&self.resolve(target_group));
                let listener =
                    self.service(service_id).listeners.iter_mut().find(|listener| listener.id == *listener_id);
                listener.expect("the listener is live").forward_to = vec![(group, 100)];
            }
            LatticeOp::DeleteListener { service_id, listener_id } => {
                self.service(service_id).listeners.retain(|listener| listener.id != *listener_id)
            }
            LatticeOp::CreateServiceAssociation { service, service_network } => {
                let (network_id, network_arn) = self.service_network(&self.resolve(service_network));
                let service = self.resolve(service);
                let id = self.new_id("snsa", address);
                self.service(&service).associations.push(ServiceAssociation {
                    arn: format!("arn:{id}"),
                    id,
                    service_network_id: network_id,
                    service_network_arn: network_arn,
                    status: Reported::Known(LatticeStatus::Active),
                    tags,
                });
            }
            LatticeOp::DeleteServiceAssociation { id } => {
                for service in &mut self.state.lattice.services {
                    service.associations.retain(|association| association.id != *id);
                }
            }
        }
    }

    /// A service network's ID and ARN, by either.
    fn service_network(&self, id_or_arn: &str) -> (String, String) {
        let network = self
            .state
            .lattice
            .service_networks
            .iter()
            .find(|network| network.id == id_or_arn || network.arn == id_or_arn);
        let network = network.unwrap_or_else(|| panic!("no service network {id_or_arn}"));
        (network.id.clone(), network.arn.clone())
    }

    fn service(&mut self, id_or_arn: &str) -> &mut LatticeService {
        let service =
            self.state.lattice.services.iter_mut().find(|service| service.id == id_or_arn || service.arn == id_or_arn);
        service.unwrap_or_else(|| panic!("no VPC Lattice service {id_or_arn}"))
    }

    fn target_group_id(&self, id_or_arn: &str) -> String {
        let group =
            self.state.lattice.target_groups.iter().find(|group| group.id == id_or_arn || group.arn == id_or_arn);
        group.unwrap_or_else(|| panic!("no VPC Lattice target group {id_or_arn}")).id.clone()
    }
}
