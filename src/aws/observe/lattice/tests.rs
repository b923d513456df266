use aws_sdk_vpclattice::types::{
    FixedResponseAction, ForwardAction, HealthCheckConfig, Matcher, RuleAction, ServiceNetworkSummary,
    WeightedTargetGroup,
};

use super::*;
use crate::live::{LatticeStatus, VpcAssociation};
use crate::plan::ownership::TOPOLOGY_TAG;
use crate::test_support::TopologyBuilder;
use crate::topology::Lattice;

const SN_ARN: &str = "arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/sn-0123456789abcdef0";

fn topology(network: Option<ServiceNetworkRef>) -> Topology {
    let mut topology = TopologyBuilder::new("shop").region("eu-west-1").subnets(["a", "b"]).build();
    topology.lattice = network.map(|service_network| Lattice {
        service_network,
        security_groups: vec![],
        infrastructure_role: "arn:aws:iam::123456789012:role/ecs-infrastructure".into(),
    });
    topology
}

fn network(name: &str, id: &str, services: i64, vpcs: i64) -> ServiceNetworkSummary {
    ServiceNetworkSummary::builder()
        .name(name)
        .id(id)
        .arn(format!("arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/{id}"))
        .number_of_associated_services(services)
        .number_of_associated_vpcs(vpcs)
        .build()
}

fn vpc_association(network_id: &str) -> VpcAssociation {
    VpcAssociation {
        id: "snva-0123456789abcdef0".into(),
        arn: "arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetworkvpcassociation/snva-0123456789abcdef0".into(),
        service_network_id: network_id.into(),
        service_network_arn: format!("arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork/{network_id}"),
        vpc_id: "vpc-1".into(),
        status: LatticeStatus::Active.into(),
        security_group_ids: vec![],
        tags: Tags::new(),
    }
}

#[test]
fn the_names_prefix_is_the_head_every_derived_name_keeps() {
    assert_eq!(names_prefix("shop"), "shop");
    assert_eq!(names_prefix("Shop-EU"), "shop-eu");
    // A character Lattice does not take in a name ends the head: whatever a derivation writes for it comes after.
    assert_eq!(names_prefix("my_shop"), "my");
    assert_eq!(names_prefix("a-very-long-topology-name-for-tests"), "a-very-long-topology");
    assert!(names_prefix("a-very-long-topology-name-for-tests").len() <= PREFIX_LEN);
}

#[test]
fn the_prefix_list_is_the_regions_vpc_lattice_one() {
    assert_eq!(prefix_list_name("eu-west-1"), "com.amazonaws.eu-west-1.vpc-lattice");
}

#[test]
fn a_forward_action_reads_as_target_group_ids_and_weights() {
    let forward = ForwardAction::builder()
        .target_groups(
            WeightedTargetGroup::builder()
                .target_group_identifier("arn:aws:vpc-lattice:eu-west-1:123456789012:targetgroup/tg-0123456789abcdef0")
                .weight(80)
                .build()
                .unwrap(),
        )
        .target_groups(WeightedTargetGroup::builder().target_group_identifier("tg-00000000000000001").build().unwrap())
        .build()
        .unwrap();
    assert_eq!(
        forward_to(Some(&RuleAction::Forward(forward))),
        vec![("tg-0123456789abcdef0".to_string(), 80), ("tg-00000000000000001".to_string(), 100)]
    );
    let fixed = RuleAction::FixedResponse(FixedResponseAction::builder().status_code(404).build().unwrap());
    assert_eq!(forward_to(Some(&fixed)), vec![]);
    assert_eq!(forward_to(None), vec![]);
}

#[test]
fn a_health_check_reads_as_ecsnet_compares_it() {
    let config = HealthCheckConfig::builder()
        .enabled(true)
        .path("/health")
        .matcher(Matcher::HttpCode("200-299".into()))
        .health_check_interval_seconds(30)
        .health_check_timeout_seconds(5)
        .healthy_threshold_count(5)
        .unhealthy_threshold_count(2)
        .build();
    assert_eq!(
        health_check(&config),
        LatticeHealthCheck {
            enabled: Some(true),
            path: Some("/health".into()),
            matcher: Some("200-299".into()),
            interval: Some(30),
            timeout: Some(5),
            healthy_threshold: Some(5),
            unhealthy_threshold: Some(2),
        }
    );
    assert_eq!(health_check(&HealthCheckConfig::builder().build()), LatticeHealthCheck::default());
}

#[test]
fn the_files_network_by_name_is_a_candidate_and_others_in_use_are_not() {
    let listed = [network("mesh", "sn-00000000000000001", 3, 2), network("other", "sn-00000000000000002", 1, 1)];
    let wanted =
        NetworkCandidates::new(&topology(Some(ServiceNetworkRef::Name("mesh".into()))), Some(&listed), &[], &[]);
    let ids: Vec<(&str, bool)> = wanted.candidates.iter().map(|found| (found.id.as_str(), found.named)).collect();
    assert_eq!(ids, vec![("sn-00000000000000001", true)]);
    assert_eq!(wanted.unlisted_arn, None);
}

#[test]
fn an_empty_network_is_a_candidate_for_its_tags() {
    // One the topology created and emptied, found again only by its tags once [lattice] left the file.
    let listed = [network("old-mesh", "sn-00000000000000003", 0, 0), network("busy", "sn-00000000000000004", 2, 0)];
    let wanted = NetworkCandidates::new(&topology(None), Some(&listed), &[], &[]);
    let ids: Vec<(&str, bool)> = wanted.candidates.iter().map(|found| (found.id.as_str(), found.named)).collect();
    assert_eq!(ids, vec![("sn-00000000000000003", false)]);
}

#[test]
fn the_vpcs_and_the_services_networks_are_candidates_once() {
    let mut service = LatticeService {
        id: "svc-0123456789abcdef0".into(),
        arn: "arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0".into(),
        name: "shop-api".into(),
        dns_name: None,
        custom_domain: None,
        auth_type: Reported::parse("AWS_IAM"),
        auth_policy: None,
        status: LatticeStatus::Active.into(),
        listeners: vec![],
        associations: vec![],
        tags: [(TOPOLOGY_TAG.to_string(), "shop".to_string())].into(),
    };
    let association = vpc_association("sn-00000000000000005");
    service.associations.push(ServiceAssociation {
        id: "snsa-0123456789abcdef0".into(),
        arn: "arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetworkserviceassociation/snsa-0123456789abcdef0"
            .into(),
        service_network_id: association.service_network_id.clone(),
        service_network_arn: association.service_network_arn.clone(),
        status: LatticeStatus::Active.into(),
        tags: Tags::new(),
    });
    let wanted = NetworkCandidates::new(&topology(None), None, &[association], &[service]);
    let ids: Vec<&str> = wanted.candidates.iter().map(|found| found.id.as_str()).collect();
    assert_eq!(ids, vec!["sn-00000000000000005"]);
}

#[test]
fn a_network_by_arn_that_is_not_listed_is_read_by_its_arn() {
    // Shared from another account, it may be missing from this account's listing.
    let wanted = NetworkCandidates::new(&topology(Some(ServiceNetworkRef::Arn(SN_ARN.into()))), Some(&[]), &[], &[]);
    assert_eq!((wanted.candidates, wanted.unlisted_arn.as_deref()), (vec![], Some(SN_ARN)));
    let listed = [network("mesh", "sn-0123456789abcdef0", 1, 1)];
    let wanted =
        NetworkCandidates::new(&topology(Some(ServiceNetworkRef::Arn(SN_ARN.into()))), Some(&listed), &[], &[]);
    assert_eq!((wanted.candidates.len(), wanted.candidates[0].named, wanted.unlisted_arn), (1, true, None));
}

#[test]
fn an_arn_reads_as_its_id() {
    assert_eq!(bare_id(SN_ARN), "sn-0123456789abcdef0");
    assert_eq!(bare_id("tg-0123456789abcdef0"), "tg-0123456789abcdef0");
}
