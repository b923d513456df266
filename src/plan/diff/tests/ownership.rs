//! Ownership: what ecsnet does not own is neither taken nor overwritten, and its markers fit.

use crate::live::*;
use crate::plan::{Address, LoadBalancingOp, Operation, Route53Op};
use crate::test_support::ingress;

use crate::test_support::{id_of, planned};

use super::{change_of, converged_account, empty_account, seed};
use crate::live::RecordSetType;

#[test]
fn a_priority_held_by_a_foreign_rule_is_not_stolen() {
    let mut observed = converged_account();
    observed.load_balancers[0].listeners[0].rules.clear();
    observed.load_balancers[0].listeners[0].rules.push(Rule {
        arn: "arn:rule/user".into(),
        priority: 1,
        hosts: vec!["user.in.example.com".into()],
        paths: vec![],
        target_group_arn: None,
        tags: Tags::new(),
    });
    let plan = planned(&seed().build(), &observed).unwrap();
    let Operation::LoadBalancing(LoadBalancingOp::CreateRule { priority, .. }) = &plan.changes[0].operation else {
        panic!("{:?}", plan.changes)
    };
    assert_eq!(*priority, 2);
    let explicit = seed().service("service-a", |service| service.priority(1));
    let error = planned(&explicit.build(), &observed).unwrap_err();
    assert!(
        error.to_string().contains(
            "service \"service-a\" priority: priority 1 is held by a rule on listener 80 that ecsnet does not own"
        ),
        "{error}"
    );
}

#[test]
fn a_record_ecsnet_does_not_own_is_a_conflict_not_an_overwrite() {
    let mut observed = converged_account();
    observed.zones[0].records.retain(|record| !record.kind.is(RecordSetType::Txt));
    let error = planned(&seed().build(), &observed).unwrap_err();
    assert!(error.to_string().contains("service-a.in.example.com already has a CNAME record in zone in.example.com that ecsnet topology demo does not own"), "{error}");
}

#[test]
fn a_users_identical_ingress_rule_satisfies_the_topology() {
    let mut observed = converged_account();
    let ecsnets = id_of(&observed, &Address::Ingress("service-a".into()));
    let load_balancer_group = id_of(&observed, &Address::LoadBalancerSecurityGroup);
    observed.security_groups[0].rules.retain(|rule| rule.id != ecsnets);
    observed.security_groups[0].rules.push(ingress("sgr-user2", "tcp", 8080, Peer::Group(load_balancer_group)));
    let plan = planned(&seed().build(), &observed).unwrap();
    assert!(plan.is_empty(), "{:?}", plan.changes);
    assert!(plan.notes[0].text.contains("through a rule ecsnet does not own"));
}

#[test]
fn ownership_markers_fit_one_txt_string_at_plan_time() {
    let long_topology = "t".repeat(32);
    let service = "s".repeat(32);
    let host = format!("{}.{}.in.example.com", "a".repeat(63), "b".repeat(49));
    assert_eq!(host.len(), 128);
    let text = seed()
        .name(&long_topology)
        .load_balancer_with(|balancer| balancer.name("demo-alb"))
        .without_services()
        .service(&service, |service| service.security_group("service-a-tasks").host(&host));
    let plan = planned(&text.build(), &empty_account()).unwrap();
    let record = change_of(&plan, &Address::DnsRecord(service.clone(), host.clone()));
    let Operation::Route53(Route53Op::ChangeRecords { upsert: Some(spec), .. }) = &record.operation else { panic!() };
    assert_eq!(
        spec.owner_value,
        format!("\"heritage=ecsnet,ecsnet/topology={long_topology},ecsnet/address=service.{service}.dns_record\"")
    );
    assert!(spec.owner_value.len() - 2 <= crate::plan::ownership::MAX_TXT_STRING);
}
