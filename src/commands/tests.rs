//! Problems found in live state placed in the file's text, as format errors are: `file:line:column`, the service
//! by its name and the key, then what exists instead.

use std::path::Path;

use crate::live::{Observed, VpcName};
use crate::plan::{plan_apply_or_adopt, PlanError};
use crate::test_support::{security_group, subnet, ObservedBuilder};
use crate::topology::parse;

use super::place_in_text;

const FILE: &str = r#"name = "shop"

[network]
vpc = "shop-vpc"
subnets = ["shop-private-a", "shop-privat-b"]

[discovery]
namespace = "shop.local"

[[service]]
name = "orders"
port = 3000
security_group = "orders-tasks"
load_balanced = false
discovery = { record = "A" }

[[service]]
name = "payments"
port = 8080
security_group = "paymnts-tasks"
load_balanced = false
callers = ["orders"]
"#;

fn account() -> ObservedBuilder {
    ObservedBuilder::new()
        .vpc("vpc-1")
        .subnet(subnet("subnet-a", Some("shop-private-a"), "us-east-1a"))
        .subnet(subnet("subnet-b", Some("shop-private-b"), "us-east-1b"))
        .subnet(subnet("subnet-c", None, "us-east-1c"))
        .security_group(security_group("sg-orders", "orders-tasks"))
        .security_group(security_group("sg-payments", "payments-tasks"))
}

/// The refusal as `ecsnet plan -f ecsnet.toml` prints it.
fn refusal(observed: &Observed) -> String {
    let topology = parse(Path::new("ecsnet.toml"), FILE).expect("the file is valid");
    let mut refusal: PlanError = match plan_apply_or_adopt(&topology, observed, None) {
        Err(error) => error,
        Ok(plan) => panic!("planned {plan:?}"),
    };
    place_in_text(&mut refusal, Path::new("ecsnet.toml"), FILE);
    refusal.to_string()
}

/// Before: `network.subnets[1]: no subnet of the VPC has the ID or Name tag "shop-privat-b"` (hint: "list subnets
/// of the VPC named in network.vpc") and `service[1].security_group: …`, without a place in the file.
#[test]
fn a_subnet_and_a_security_group_that_do_not_exist_are_placed_named_and_matched() {
    insta::assert_snapshot!(refusal(&account().build()));
}

/// Before: `network.vpc: no VPC has the ID or Name tag "shop-vpc"`, hint "check the VPC ID or Name tag, and the
/// region", without the VPCs there are.
#[test]
fn a_missing_vpc_is_placed_at_its_key_with_the_regions_vpcs() {
    let mut observed = account().build();
    observed.vpc = None;
    observed.vpcs_in_region =
        vec![VpcName { id: "vpc-1".into(), name: Some("shop_vpc".into()) }, VpcName { id: "vpc-2".into(), name: None }];
    insta::assert_snapshot!(refusal(&observed));
}
