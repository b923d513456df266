//! The network the file names: its VPC, subnets and groups, and the VPC's DNS settings.

use crate::live::*;
use crate::plan::Note;

use crate::test_support::planned;

use super::{converged_account, empty_account, seed};

#[test]
fn a_missing_vpc_subnet_or_group_is_named() {
    let mut observed = empty_account();
    observed.subnets.pop();
    observed.security_groups.clear();
    let error = planned(&seed().build(), &observed).unwrap_err().to_string();
    assert!(
        error.contains("[network] subnets[0]: no subnet of the VPC vpc-1 has the ID or Name tag \"private-a\""),
        "{error}"
    );
    assert!(error.contains("service \"service-a\" security_group: no security group of the VPC"), "{error}");
    observed.vpc = None;
    let error = planned(&seed().build(), &observed).unwrap_err().to_string();
    assert!(error.contains("[network] vpc: no VPC has the ID or Name tag \"demo-vpc\""), "{error}");
}

#[test]
fn subnets_in_one_availability_zone_are_refused() {
    let mut observed = empty_account();
    observed.subnets[0].availability_zone = "us-east-1a".into();
    let error = planned(&seed().build(), &observed).unwrap_err().to_string();
    assert!(error.contains("all subnets are in one Availability Zone"), "{error}");
}

#[test]
fn a_vpc_without_dns_hostnames_is_a_warning_when_the_topology_makes_names() {
    let mut observed = converged_account();
    observed.vpc_dns = Some(VpcDns { support: true, hostnames: false });
    let plan = planned(&seed().build(), &observed).unwrap();
    assert_eq!(
        plan.notes,
        [Note::warning("network.vpc: vpc-1 has enableDnsHostnames off, so names in the private zone in.example.com will not resolve in it (a private zone needs enableDnsSupport and enableDnsHostnames on); turn it on: aws ec2 modify-vpc-attribute --vpc-id vpc-1 --enable-dns-hostnames")]
    );
    assert!(plan.is_empty(), "a warning changes nothing");
    observed.vpc_dns = Some(VpcDns { support: true, hostnames: true });
    assert!(planned(&seed().build(), &observed).unwrap().notes.is_empty());
    observed.vpc_dns = Some(VpcDns { support: false, hostnames: false });
    let without_names = seed().without_dns().service("service-a", |service| service.host("a.example.com"));
    assert!(
        !planned(&without_names.build(), &observed).unwrap().notes.iter().any(|note| note.text.contains("enableDns")),
        "no zone, no namespace: nothing to resolve"
    );
}
