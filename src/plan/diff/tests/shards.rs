//! Shards: more rules than one load balancer holds.

use crate::plan::{schedule, topological_order, Action, Address, LoadBalancingOp, Operation, Ref, Route53Op};

use crate::test_support::planned;

use super::{change_of, empty_account, seed};

#[test]
fn more_rules_than_one_load_balancer_holds_go_to_a_second_and_adding_a_service_moves_no_other() {
    let text = (0..150).fold(seed().without_services(), |text, index| {
        text.service(format!("s{index}"), |service| service.security_group("service-a-tasks"))
    });
    let plan = planned(&text.build(), &empty_account()).unwrap();
    let created = |address: Address| {
        plan.changes.iter().any(|change| change.address == address && change.action == Action::Create)
    };
    assert!(
        created(Address::LoadBalancer(0)) && created(Address::LoadBalancer(1)) && !created(Address::LoadBalancer(2))
    );
    assert!(created(Address::Listener(1, 80)) && created(Address::DefaultTargetGroup(1)));
    let rule_on = |service: &str| {
        let change = change_of(&plan, &Address::ListenerRule(service.into(), 80));
        let Operation::LoadBalancing(LoadBalancingOp::CreateRule { listener, .. }) = &change.operation else {
            panic!()
        };
        listener.clone()
    };
    // 100 rules fit on one load balancer, but with its empty default target group 100 services would make 101
    // unique target groups (TooManyUniqueTargetGroupsPerLoadBalancer): the 100th service goes to the second.
    assert_eq!(rule_on("s98"), Ref::Of(Address::Listener(0, 80)));
    assert_eq!(rule_on("s99"), Ref::Of(Address::Listener(1, 80)));
    assert_eq!(rule_on("s100"), Ref::Of(Address::Listener(1, 80)));
    let groups_on = |shard: u16| {
        1 + (0..150).filter(|index| rule_on(&format!("s{index}")) == Ref::Of(Address::Listener(shard, 80))).count()
    };
    assert_eq!(
        (groups_on(0), groups_on(1)),
        (100, 52),
        "unique target groups per load balancer, the default one included"
    );
    let record = change_of(&plan, &Address::DnsRecord("s120".into(), "s120.in.example.com".into()));
    let Operation::Route53(Route53Op::ChangeRecords { upsert: Some(spec), .. }) = &record.operation else { panic!() };
    assert_eq!(
        spec.target,
        crate::plan::RecordTarget::Of(Address::LoadBalancer(1)),
        "the name points at the load balancer with the service's rule"
    );
    let balancer = change_of(&plan, &Address::LoadBalancer(1));
    assert_eq!(balancer.name, "demo-alb-2");
    assert!(topological_order(&schedule(&plan)).is_some());
}
