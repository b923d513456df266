//! Destroy: what the topology owns goes, in the order AWS needs, and nothing else.

use crate::live::*;
use crate::plan::{schedule, topological_order, Action, Address, Ec2Op, Operation};
use crate::test_support::owned_tags;

use crate::test_support::{destroyed, id_of, planned};

use super::{converged_account, seed};

#[test]
fn destroy_removes_what_the_topology_owns_and_nothing_else() {
    let mut observed = converged_account();
    observed.target_groups.push(TargetGroup {
        tags: Tags::new(),
        arn: "arn:tg/foreign".into(),
        name: "foreign".into(),
        ..observed.target_groups[0].clone()
    });
    observed.target_groups.push(TargetGroup {
        tags: owned_tags("other", &Address::TargetGroup("x".into())),
        arn: "arn:tg/other".into(),
        name: "other".into(),
        ..observed.target_groups[0].clone()
    });
    observed.zones[0].records.push(Record {
        name: "user.in.example.com".into(),
        kind: "A".into(),
        ttl: Some(300),
        values: vec!["10.0.0.9".into()],
        alias: None,
        alias_zone: None,
    });
    let plan = destroyed(&seed().build(), &observed).unwrap();
    assert!(plan.changes.iter().all(|change| change.action == Action::Delete));
    let deleted: Vec<String> =
        plan.changes.iter().map(|change| format!("{} {}", change.address, change.name)).collect();
    assert!(!deleted.iter().any(|line| line.contains("foreign") || line.contains("other")), "{deleted:?}");
    assert_eq!(plan.changes.len(), 8, "{deleted:?}");
    assert!(
        !deleted.iter().any(|line| line.starts_with("dns.zone")),
        "a zone with a foreign record stays: {deleted:?}"
    );
    assert!(plan.notes.iter().any(|note| note.text.contains("A user.in.example.com")), "{:?}", plan.notes);
    let revoke = plan.changes.iter().find(|change| change.address == Address::Ingress("service-a".into())).unwrap();
    assert_eq!(
        revoke.operation,
        Operation::Ec2(Ec2Op::SetIngress {
            revoke: vec![("sg-tasks".into(), vec![id_of(&observed, &Address::Ingress("service-a".into()))])],
            authorize: None
        })
    );
    let removed_with_load_balancer =
        plan.changes.iter().filter(|change| change.operation == Operation::RemovedWithParent).count();
    assert_eq!(removed_with_load_balancer, 2, "the listener and its rule go with the load balancer");
    let steps = schedule(&plan);
    let order = topological_order(&steps).expect("no cycle");
    let step_of = |address: Address| {
        let index = plan.changes.iter().position(|change| change.address == address).unwrap();
        order.iter().position(|&step| steps[step].changes().contains(&index)).unwrap()
    };
    assert!(step_of(Address::LoadBalancer(0)) < step_of(Address::LoadBalancerSecurityGroup));
    assert!(step_of(Address::Ingress("service-a".into())) < step_of(Address::LoadBalancerSecurityGroup));
    assert!(step_of(Address::LoadBalancer(0)) < step_of(Address::TargetGroup("service-a".into())));
}

#[test]
fn destroy_deletes_an_owned_zone_once_its_records_are_gone_and_never_an_adopted_one() {
    let observed = converged_account();
    let plan = destroyed(&seed().build(), &observed).unwrap();
    let steps = schedule(&plan);
    let order = topological_order(&steps).unwrap();
    let zone =
        plan.changes.iter().position(|change| change.address == Address::HostedZone).expect("owned zone deleted");
    let record = plan
        .changes
        .iter()
        .position(|change| change.address == Address::DnsRecord("service-a".into(), "service-a.in.example.com".into()))
        .unwrap();
    let step_of = |index| order.iter().position(|&step| steps[step].changes().contains(&index)).unwrap();
    assert!(step_of(record) < step_of(zone));

    let mut adopted = converged_account();
    adopted.zones[0].comment = Some("made by hand".into());
    let plan = planned(&seed().build(), &adopted).unwrap();
    assert!(plan.is_empty());
    assert!(plan.notes[0].text.contains("ecsnet did not create it and will never delete it"));
    let plan = destroyed(&seed().build(), &adopted).unwrap();
    assert!(!plan.changes.iter().any(|change| change.address == Address::HostedZone));
}

#[test]
fn destroy_warns_of_rules_it_does_not_own_that_keep_the_load_balancers_group_alive() {
    let mut observed = converged_account();
    let load_balancer_group = id_of(&observed, &Address::LoadBalancerSecurityGroup);
    observed.security_groups.push(SecurityGroup {
        id: "sg-user".into(),
        group_name: "user".into(),
        tags: Tags::new(),
        rules: vec![],
        references: vec![load_balancer_group.clone()],
    });
    let plan = destroyed(&seed().build(), &observed).unwrap();
    assert!(
        plan.notes.iter().any(|note| note.to_string().starts_with(
            &format!("warning: sg-user has rules ecsnet does not own that refer to the load balancer's group {load_balancer_group}")
        )),
        "{:?}",
        plan.notes
    );
    let clean = destroyed(&seed().build(), &converged_account()).unwrap();
    assert!(
        !clean.notes.iter().any(|note| note.text.contains("refer to the load balancer's group")),
        "ecsnet's own ingress is revoked first, no warning: {:?}",
        clean.notes
    );
}
