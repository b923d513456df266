//! A topology whose rules are on two load balancers: `api` and `web` on the first, which is live, and `billing` on
//! a second that the plan creates. Shared by the graph tests and the graph view's snapshots.

use crate::live::Observed;
use crate::plan::{Action, Address, Change, LoadBalancingOp, Operation, Plan, Ref, RuleConditions};
use crate::test_support::{
    api, demo, ecs_service, planned, security_group, simulate, subnet, task_definition, worker, ObservedBuilder,
    TopologyBuilder,
};
use crate::topology::Topology;

/// `demo` with its load balancer named `private-api` and `api` in `sg-api`.
pub fn private_api() -> TopologyBuilder {
    demo()
        .load_balancer_with(|balancer| balancer.name("private-api"))
        .service("api", |service| api(service).security_group("sg-api"))
}

fn with_billing() -> TopologyBuilder {
    private_api()
        .service("web", |web| web.security_group("sg-web"))
        .service("billing", |billing| billing.port(9000).security_group("sg-billing"))
        .service("worker", worker)
}

pub fn topology() -> Topology {
    with_billing().build()
}

/// The VPC and its subnets `a` and `b`, before ecsnet ran.
pub fn account() -> ObservedBuilder {
    ObservedBuilder::new().vpc("vpc-1").subnet(subnet("subnet-a", Some("a"), "us-east-1a")).subnet(subnet(
        "subnet-b",
        Some("b"),
        "us-east-1b",
    ))
}

/// The first load balancer, live, with the rules of `api` and `web`: what an apply leaves before `billing` is added.
pub fn observed() -> Observed {
    let account = account()
        .security_group(security_group("sg-api", "api"))
        .security_group(security_group("sg-web", "web"))
        .security_group(security_group("sg-worker", "worker"))
        .ecs_service(ecs_service("main", "api"))
        .task_definition(task_definition("api", 8080))
        .build();
    let before_billing = with_billing().without_service("billing").build();
    simulate(&planned(&before_billing, &account).unwrap(), &account)
}

fn change(address: Address, action: Action, name: &str, operation: Operation) -> Change {
    Change { address, action, name: name.into(), fields: vec![], reason: None, operation }
}

/// The second load balancer and `billing`'s rule on it created, `web`'s target group drifted, an old ingress gone.
pub fn plan() -> Plan {
    let created = |address: Address, name: &str| change(address, Action::Create, name, Operation::RemovedWithParent);
    let billing_rule = Operation::LoadBalancing(LoadBalancingOp::CreateRule {
        listener: Ref::Of(Address::Listener(1, 80)),
        priority: 1,
        conditions: RuleConditions { hosts: vec!["billing.in.example.com".into()], paths: vec![] },
        target_group: Ref::Of(Address::TargetGroup("billing".into())),
    });
    Plan {
        topology: "demo".into(),
        changes: vec![
            created(Address::DefaultTargetGroup(1), "private-api-2-default"),
            created(Address::TargetGroup("billing".into()), "demo-billing-1a2b"),
            change(Address::TargetGroup("web".into()), Action::Update, "demo-web-3c4d", Operation::RemovedWithParent),
            created(Address::LoadBalancer(1), "private-api-2"),
            created(Address::Ingress("billing".into()), "sg-billing"),
            created(Address::Listener(1, 80), "HTTP:80"),
            change(Address::ListenerRule("billing".into(), 80), Action::Create, "priority 1", billing_rule),
            created(Address::DnsRecord("billing".into(), "billing.in.example.com".into()), "billing.in.example.com"),
            change(Address::Ingress("old".into()), Action::Delete, "sg-old", Operation::RemovedWithParent),
        ],
        notes: vec![],
        migrations: vec![],
    }
}

/// `orders` on VPC Lattice, called by `web` and a partner's role, as apply left it but for the auth policy,
/// deleted by hand: the plan creates it again.
pub fn lattice() -> (Topology, Observed, Plan) {
    let topology = crate::doctor::fixtures::lattice_topology();
    let mut observed = crate::doctor::fixtures::lattice_observed();
    observed.lattice.services[0].auth_policy = None;
    let plan = crate::plan::plan_apply(&topology, &observed).unwrap();
    (topology, observed, plan)
}
