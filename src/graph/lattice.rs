//! VPC Lattice: the service network as a box holding the VPC's association and each Lattice service, with the
//! service's listener forwarding to its tasks, the ingress Lattice's traffic needs, and the callers it admits by
//! identity: caller services by their task role, other principals by ARN.

use crate::live::Observed;
use crate::plan::ownership::{owned_by, tagged_address};
use crate::plan::{Address, KNOWN_AFTER_APPLY};
use crate::topology::names::LATTICE_SIGNING;
use crate::topology::{is_principal_arn, Service, ServiceNetworkRef, Topology};

use super::{id, Graph, Group, Marks, State};

const NETWORK: &str = "lattice_network";

/// The service network's box and the VPC's association in it, when the file has `[lattice]`.
pub(super) fn add_network(graph: &mut Graph, topology: &Topology, observed: &Observed, marks: &Marks) {
    let Some(lattice) = &topology.lattice else { return };
    let title = match &lattice.service_network {
        ServiceNetworkRef::Name(name) => format!("VPC Lattice service network {name}"),
        ServiceNetworkRef::Arn(arn) => {
            let known = observed.lattice.service_networks.iter().find(|network| network.arn == *arn);
            format!("VPC Lattice service network {}", known.map_or(arn.as_str(), |network| network.name.as_str()))
        }
    };
    graph.groups.push(Group { id: NETWORK.into(), title, state: marks.state(Address::LatticeServiceNetwork) });
    let groups = if lattice.security_groups.is_empty() {
        "no security groups".to_string()
    } else {
        format!("security groups {}", lattice.security_groups.join(", "))
    };
    let lines = vec!["VPC association".to_string(), groups];
    graph.node("lattice_vpc".into(), lines, marks.state(Address::LatticeVpcAssociation), Some(NETWORK.into()));
}

/// A `[service.lattice]` service: its Lattice service in the network's box, forwarding to the tasks, the ingress
/// from Lattice's prefix list, and each caller it admits.
pub(super) fn add_service(
    graph: &mut Graph,
    topology: &Topology,
    observed: &Observed,
    marks: &Marks,
    service: &Service,
) {
    let Some(lattice) = &service.lattice else { return };
    let node = id(&["lattice", &service.name]);
    let address = Address::LatticeService(service.name.clone());
    let dns = observed
        .lattice
        .services
        .iter()
        .find(|live| owned_by(&live.tags, &topology.name) && tagged_address(&live.tags).as_ref() == Some(&address))
        .and_then(|live| live.dns_name.clone())
        .filter(|_| marks.state(address.clone()) == State::Live);
    let mut lines = vec![format!("Lattice service of {}", service.name)];
    lines.extend(lattice.domain.as_ref().map(|domain| format!("{domain}:{}", lattice.port)));
    lines.push(format!("{}:{}", dns.as_deref().unwrap_or(&format!("DNS name {KNOWN_AFTER_APPLY}")), lattice.port));
    lines.push(LATTICE_SIGNING.into());
    graph.node(node.clone(), lines, marks.state(address), Some(NETWORK.into()));
    let tasks = id(&["svc", &service.name]);
    let listener = marks.state(Address::LatticeListener(service.name.clone()));
    let target_group = marks.state(Address::LatticeTargetGroup(service.name.clone()));
    let forward = if listener == State::Live { target_group } else { listener };
    graph.edge(&node, &tasks, Some(format!("HTTP :{} → target group :{}", lattice.port, service.port)), forward);
    graph.ingress(
        &node,
        &tasks,
        format!("ingress tcp/{} from the VPC Lattice prefix list", service.port),
        marks.state(Address::LatticeIngress(service.name.clone())),
    );
    let policy = marks.state(Address::LatticeAuthPolicy(service.name.clone()));
    for caller in &service.callers {
        let from = if is_principal_arn(caller) {
            let principal = id(&["principal", caller]);
            if !graph.has_node(&principal) {
                graph.node(principal.clone(), vec!["IAM principal".into(), caller.clone()], State::Live, None);
            }
            principal
        } else {
            id(&["svc", caller])
        };
        graph.edge(&from, &node, Some("admitted: Invoke".into()), policy);
    }
}
