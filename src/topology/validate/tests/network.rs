//! `[network]`.

use std::path::Path;

use crate::topology::{parse, TopologyError};

use super::BASE;

#[test]
fn one_subnet_is_not_enough() {
    let errors = match parse(Path::new("t.toml"), &BASE.replace("[\"a\", \"b\"]", "[\"a\"]")) {
        Err(TopologyError::Invalid { errors, .. }) => errors,
        other => panic!("{other:?}"),
    };
    assert_eq!(errors[0].key, "network.subnets");
    assert!(errors[0].problem.contains("at least two Availability Zones"));
}
