//! `[load_balancer]`: its scheme and who may reach it.

use std::path::Path;

use crate::topology::{parse, TopologyError};

use super::BASE;

#[test]
fn internet_facing_needs_explicit_cidrs() {
    let text = format!("{}{}", BASE.replace("[load_balancer]", "[load_balancer]\nscheme = \"internet-facing\""), "");
    let errors = match parse(Path::new("t.toml"), &text) {
        Err(TopologyError::Invalid { errors, .. }) => errors,
        other => panic!("{other:?}"),
    };
    assert_eq!(errors[0].key, "load_balancer.allowed_cidrs");
}

#[test]
fn more_inbound_rules_than_a_security_group_holds_are_refused() {
    let cidrs = |count: usize| (0..count).map(|index| format!("\"10.{index}.0.0/16\"")).collect::<Vec<_>>().join(", ");
    let with =
        |count: usize| BASE.replace("[load_balancer]", &format!("[load_balancer]\nallowed_cidrs = [{}]", cidrs(count)));
    // 30 blocks on ports 80 and 443: 60 rules, AWS's quota exactly.
    assert!(parse(Path::new("t.toml"), &with(30)).is_ok());
    let errors = match parse(Path::new("t.toml"), &with(31)) {
        Err(TopologyError::Invalid { errors, .. }) => errors,
        other => panic!("{other:?}"),
    };
    assert_eq!(errors[0].key, "load_balancer.allowed_cidrs");
    assert_eq!(
        errors[0].problem,
        "31 blocks on 2 ports make 62 inbound rules on the load balancer's security group; AWS allows 60"
    );
}
