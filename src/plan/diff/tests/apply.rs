//! Apply: what a plan creates, updates, replaces and deletes as the file and the account differ.

use crate::live::*;
use crate::plan::{schedule, topological_order, Action, Address, Ec2Op, LoadBalancingOp, Operation, Ref, Work};

use crate::test_support::{id_of, planned};

use super::{addresses, converged_account, empty_account, seed};
use crate::live::RecordSetType;

#[test]
fn from_nothing_everything_is_created_in_dependency_order() {
    let plan = planned(&seed().build(), &empty_account()).unwrap();
    assert_eq!(
        addresses(&plan, Action::Create),
        [
            "load_balancer.security_group",
            "load_balancer.default_target_group",
            "dns.zone",
            "service.service-a.target_group",
            "load_balancer",
            "service.service-a.ingress",
            "listener.80",
            "service.service-a.rule.80",
            "service.service-a.dns_record.service-a.in.example.com",
        ]
    );
    assert_eq!(plan.summary().add, 9);
    let group = plan.changes.iter().find(|change| change.address == Address::LoadBalancerSecurityGroup).unwrap();
    let Operation::Ec2(Ec2Op::CreateSecurityGroup { rules, .. }) = &group.operation else { panic!() };
    assert_eq!(rules.len(), 3, "80 and 443 in from the VPC, everything out to the VPC: {rules:?}");
    let record = plan
        .changes
        .iter()
        .find(|change| change.address == Address::DnsRecord("service-a".into(), "service-a.in.example.com".into()))
        .unwrap();
    assert!(record.fields.iter().any(|field| field.new.as_deref() == Some(crate::plan::KNOWN_AFTER_APPLY)));
}

#[test]
fn a_converged_account_needs_no_changes() {
    let plan = planned(&seed().build(), &converged_account()).unwrap();
    assert!(plan.is_empty(), "{:#?}", plan.changes);
    assert!(plan.notes.is_empty(), "{:?}", plan.notes);
}

#[test]
fn a_health_check_changed_by_hand_is_an_update_with_old_and_new() {
    let mut observed = converged_account();
    observed.target_groups[1].health_check.path = "/".into();
    let plan = planned(&seed().build(), &observed).unwrap();
    assert_eq!(plan.changes.len(), 1);
    let change = &plan.changes[0];
    assert_eq!((change.action, change.address.to_string()), (Action::Update, "service.service-a.target_group".into()));
    assert_eq!(change.fields[0].field, "health_check.path");
    assert_eq!(change.fields[0].old.as_deref(), Some("/"));
    assert_eq!(change.fields[0].new.as_deref(), Some("/application-status/health"));
}

#[test]
fn a_deleted_rule_and_record_are_recreated() {
    let mut observed = converged_account();
    observed.load_balancers[0].listeners[0].rules.clear();
    observed.zones[0].records.retain(|record| !record.kind.is(RecordSetType::Cname));
    let plan = planned(&seed().build(), &observed).unwrap();
    assert_eq!(
        addresses(&plan, Action::Create),
        ["service.service-a.rule.80", "service.service-a.dns_record.service-a.in.example.com"]
    );
    let Operation::LoadBalancing(LoadBalancingOp::CreateRule { listener, target_group, priority, .. }) =
        &plan.changes[0].operation
    else {
        panic!()
    };
    assert_eq!(
        (listener, target_group, *priority),
        (
            &Ref::Known(id_of(&observed, &Address::Listener(0, 80))),
            &Ref::Known(id_of(&observed, &Address::TargetGroup("service-a".into()))),
            1
        )
    );
}

#[test]
fn a_new_port_replaces_the_target_group_and_moves_the_rule() {
    let plan =
        planned(&seed().service("service-a", |service| service.port(9090)).build(), &converged_account()).unwrap();
    let replace = plan.changes.iter().find(|change| change.action == Action::Replace).unwrap();
    assert_eq!(replace.address, Address::TargetGroup("service-a".into()));
    assert_eq!(replace.reason.as_ref().map(ToString::to_string).as_deref(), Some("port cannot change in place"));
    let rule =
        plan.changes.iter().find(|change| change.address == Address::ListenerRule("service-a".into(), 80)).unwrap();
    assert!(matches!(
        &rule.operation,
        Operation::LoadBalancing(LoadBalancingOp::UpdateRule { target_group: Some(Ref::Of(_)), .. })
    ));
    let ingress = plan.changes.iter().find(|change| change.address == Address::Ingress("service-a".into())).unwrap();
    assert_eq!(ingress.action, Action::Update);
    let steps = schedule(&plan);
    let order = topological_order(&steps).expect("no cycle");
    let position = |wanted: &dyn Fn(&Work) -> bool| order.iter().position(|&step| wanted(&steps[step].work)).unwrap();
    let retire = position(&|work| matches!(work, Work::RetireTargetGroup { .. }));
    let rule_index =
        plan.changes.iter().position(|change| change.address == Address::ListenerRule("service-a".into(), 80)).unwrap();
    let move_rule = position(&|work| *work == Work::Change(rule_index));
    assert!(move_rule < retire, "the old target group is retired only after the rule moved");
}

#[test]
fn a_removed_service_loses_its_rule_record_ingress_and_target_group() {
    let plan = planned(&seed().without_services().build(), &converged_account()).unwrap();
    assert_eq!(
        addresses(&plan, Action::Delete),
        [
            "service.service-a.dns_record.service-a.in.example.com",
            "service.service-a.rule.80",
            "service.service-a.ingress",
            "service.service-a.target_group"
        ]
    );
    assert!(topological_order(&schedule(&plan)).is_some());
}

#[test]
fn duplicates_left_by_a_crashed_run_are_deleted() {
    let mut observed = converged_account();
    let duplicate = TargetGroup {
        arn: "arn:tg/a2".into(),
        name: "demo-service-a-dupe".into(),
        ..observed.target_groups[1].clone()
    };
    observed.target_groups.push(duplicate);
    let plan = planned(&seed().build(), &observed).unwrap();
    assert_eq!(plan.changes.len(), 1);
    assert_eq!(
        plan.changes[0].operation,
        Operation::LoadBalancing(LoadBalancingOp::DeleteTargetGroup { arn: "arn:tg/a2".into() })
    );
}
