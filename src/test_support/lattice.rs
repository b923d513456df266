//! A VPC Lattice topology and the account it is planned against, shared by the planner's, adoption's and doctor's
//! tests.

use crate::live::Observed;

use super::{ecs_service, security_group, subnet, task_definition, ObservedBuilder, TopologyBuilder};

/// `orders` (port 8080) on VPC Lattice in the service network `shop-net`, called by `callers`; `web` (port 3000) an
/// ECS service not on Lattice; both in the cluster `main`.
pub fn lattice_shop(callers: &[&str]) -> TopologyBuilder {
    let callers: Vec<String> = callers.iter().map(|caller| caller.to_string()).collect();
    TopologyBuilder::new("shop")
        .lattice("shop-net")
        .service("orders", |service| {
            service
                .port(8080)
                .security_group("orders-tasks")
                .load_balanced(false)
                .callers(callers)
                .ecs("main")
                .lattice("default")
        })
        .service("web", |service| service.port(3000).security_group("web-tasks").load_balanced(false).ecs("main"))
}

/// The account before any apply: the VPC `vpc-1` with two subnets in two zones, the groups `orders-tasks` and
/// `web-tasks`, the ECS services `main/orders` and `main/web` with their task definitions (task roles
/// `<service>-task`), and the region's VPC Lattice prefix list `pl-lattice`.
pub fn lattice_account() -> Observed {
    ObservedBuilder::new()
        .vpc("vpc-1")
        .subnet(subnet("subnet-a", None, "us-east-1a"))
        .subnet(subnet("subnet-b", None, "us-east-1b"))
        .security_group(security_group("sg-orders", "orders-tasks"))
        .security_group(security_group("sg-web", "web-tasks"))
        .ecs_service(ecs_service("main", "orders"))
        .ecs_service(ecs_service("main", "web"))
        .task_definition(task_definition("orders", 8080))
        .task_definition(task_definition("web", 3000))
        .lattice_prefix_list("pl-lattice")
        .build()
}
