//! Attributes: target group and load balancer attributes that leave the file go back to AWS's defaults.

use crate::live::*;
use crate::plan::ownership::ATTRIBUTES_TAG;
use crate::plan::{Action, Address, LoadBalancingOp, ManagedAttributes, Operation};
use crate::test_support::TopologyBuilder;
use crate::topology::{Stickiness, TargetGroupAttributes};

use crate::test_support::{id_of, planned, simulate};

use super::{converged_account, empty_account, seed};

/// `seed()` with target group attributes on service-a, and the account an apply of it leaves.
fn with_attributes() -> (TopologyBuilder, Observed) {
    let text = seed().service("service-a", |service| service.deregistration_delay(30).slow_start(60).stickiness(3600));
    let plan = planned(&text.build(), &empty_account()).unwrap();
    let observed = simulate(&plan, &empty_account());
    (text, observed)
}

#[test]
fn attributes_that_leave_the_file_go_back_to_aws_defaults_and_then_the_plan_is_empty() {
    let (text, observed) = with_attributes();
    assert!(planned(&text.build(), &observed).unwrap().is_empty(), "converged while the file sets them");
    let plan = planned(&seed().build(), &observed).unwrap();
    assert_eq!(plan.changes.len(), 1, "{:#?}", plan.changes);
    let change = &plan.changes[0];
    assert_eq!(
        (change.address.to_string(), change.action),
        ("service.service-a.target_group".to_string(), Action::Update)
    );
    let shown = shown(change);
    assert_eq!(
        shown,
        [
            "deregistration_delay: 30 → 300 (AWS's default)",
            "slow_start: 60 → 0 (AWS's default)",
            "stickiness: lb_cookie 3600 s → off (AWS's default)",
            "managed_attributes: deregistration_delay, slow_start, stickiness → (none)"
        ]
    );
    assert_eq!(
        change.operation,
        Operation::LoadBalancing(LoadBalancingOp::UpdateTargetGroup {
            arn: id_of(&observed, &Address::TargetGroup("service-a".into())),
            health_check: None,
            attributes: Some(TargetGroupAttributes {
                deregistration_delay: Some(300),
                slow_start: Some(0),
                stickiness: Some(Stickiness::Off)
            }),
            managed: Some(ManagedAttributes {
                before: vec!["deregistration_delay".into(), "slow_start".into(), "stickiness".into()],
                after: vec![]
            }),
        })
    );
    let mut after = simulate(&plan, &observed);
    assert!(planned(&seed().build(), &after).unwrap().is_empty());
    // Observe reads attributes only where the file sets some or the tag lists some: now neither.
    after.target_groups[1].attributes = None;
    assert!(planned(&seed().build(), &after).unwrap().is_empty());
}

#[test]
fn one_attribute_leaving_the_file_resets_only_that_one() {
    let (_, observed) = with_attributes();
    let fewer = seed().service("service-a", |service| service.deregistration_delay(30).stickiness(3600)).build();
    let plan = planned(&fewer, &observed).unwrap();
    let shown = shown(&plan.changes[0]);
    assert_eq!(
        shown,
        [
            "slow_start: 60 → 0 (AWS's default)",
            "managed_attributes: deregistration_delay, slow_start, stickiness → deregistration_delay, stickiness"
        ]
    );
    let after = simulate(&plan, &observed);
    assert!(planned(&fewer, &after).unwrap().is_empty());
}

#[test]
fn attributes_ecsnet_set_before_it_kept_track_are_recorded_once() {
    let (text, mut observed) = with_attributes();
    observed.target_groups[1].tags.remove(ATTRIBUTES_TAG);
    let plan = planned(&text.build(), &observed).unwrap();
    let shown = shown(&plan.changes[0]);
    assert_eq!(shown, ["managed_attributes: (none) → deregistration_delay, slow_start, stickiness"]);
    let Operation::LoadBalancing(LoadBalancingOp::UpdateTargetGroup { attributes, .. }) = &plan.changes[0].operation
    else {
        panic!()
    };
    assert_eq!(*attributes, None, "the values already match");
}

#[test]
fn an_idle_timeout_that_leaves_the_file_goes_back_to_60() {
    let mut observed = converged_account();
    observed.load_balancers[0].tags.insert(ATTRIBUTES_TAG.into(), "idle_timeout".into());
    observed.load_balancers[0].idle_timeout = Some(30);
    let with_timeout = seed().load_balancer_with(|balancer| balancer.idle_timeout(30));
    assert!(planned(&with_timeout.build(), &observed).unwrap().is_empty());
    let plan = planned(&seed().build(), &observed).unwrap();
    let shown = shown(&plan.changes[0]);
    assert_eq!(shown, ["idle_timeout: 30 → 60 (AWS's default)", "managed_attributes: idle_timeout → (none)"]);
    let after = simulate(&plan, &observed);
    assert!(planned(&seed().build(), &after).unwrap().is_empty());
}

/// A change's fields as the plan shows them, `field: old → new`; every one here has both.
fn shown(change: &crate::plan::Change) -> Vec<String> {
    assert!(change.fields.iter().all(|field| field.old.is_some() && field.new.is_some()), "{:?}", change.fields);
    change.fields.iter().map(ToString::to_string).collect()
}
