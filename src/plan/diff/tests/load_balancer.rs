//! The load balancer replaced: the new one is built beside the old, and everything moves before the old goes.

use crate::plan::{schedule, topological_order, Action, Address, LoadBalancingOp, Operation, Work};

use crate::test_support::{id_of, planned};

use super::{addresses, change_of, converged_account, seed};

#[test]
fn a_scheme_change_builds_a_new_load_balancer_beside_the_old_and_moves_everything_before_the_old_goes() {
    let text = seed().load_balancer_with(|balancer| balancer.internet_facing(["10.0.0.0/16"]));
    let converged = converged_account();
    let plan = planned(&text.build(), &converged).unwrap();
    let replace = change_of(&plan, &Address::LoadBalancer(0));
    assert_eq!(replace.action, Action::Replace);
    assert_eq!(
        replace.reason.as_ref().map(ToString::to_string).as_deref(),
        Some("scheme cannot change in place; the new one takes over before the old one goes")
    );
    let Operation::LoadBalancing(LoadBalancingOp::ReplaceLoadBalancer { spec, old_arn }) = &replace.operation else {
        panic!()
    };
    assert_eq!(
        (spec.name.as_str(), old_arn.as_str()),
        ("demo-alb-ext", id_of(&converged, &Address::LoadBalancer(0)).as_str()),
        "the new one takes the alternate name while the old holds the name"
    );
    for group in [Address::DefaultTargetGroup(0), Address::TargetGroup("service-a".into())] {
        let change = change_of(&plan, &group);
        assert_eq!(
            (change.action, change.reason.as_ref().map(ToString::to_string).as_deref()),
            (Action::Replace, Some("the load balancer is replaced, and a target group serves one load balancer"))
        );
    }
    assert_eq!(addresses(&plan, Action::Create), ["listener.80", "service.service-a.rule.80"]);
    assert_eq!(addresses(&plan, Action::Update), ["service.service-a.dns_record.service-a.in.example.com"]);
    let steps = schedule(&plan);
    let order = topological_order(&steps).expect("no cycle");
    let position = |wanted: &dyn Fn(&Work) -> bool| order.iter().position(|&step| wanted(&steps[step].work)).unwrap();
    let retire_load_balancer = position(&|work| matches!(work, Work::RetireLoadBalancer { .. }));
    let record = plan.changes.iter().position(|change| matches!(change.address, Address::DnsRecord(..))).unwrap();
    assert!(
        position(&|work| work.clone() == Work::Records(vec![record])) < retire_load_balancer,
        "the name moves before the old load balancer goes"
    );
    assert!(
        retire_load_balancer < position(&|work| matches!(work, Work::RetireTargetGroup { .. })),
        "the old target groups go after the old load balancer"
    );

    let mut moved = converged_account();
    moved.load_balancers[0].name = "demo-alb-ext".into();
    moved.load_balancers[0].scheme = "internet-facing".into();
    let plan = planned(&text.build(), &moved).unwrap();
    assert!(
        !plan.changes.iter().any(|change| change.address == Address::LoadBalancer(0)),
        "the alternate name is the load balancer's own: {:?}",
        plan.changes
    );
}
