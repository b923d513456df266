//! VPC Lattice: a service reached through a service network, its callers admitted by identity.

use crate::live::*;
use crate::plan::{Action, Address, EcsOp, LatticeOp, Operation, Plan, RecordTarget, Ref, Route53Op};
use crate::test_support::{destroyed, planned, service_network, simulate, OwnedBy, TopologyBuilder};

use super::{change, step_position, whats};

const PARTNER: &str = "arn:aws:iam::444455556666:role/partner";

/// orders on Lattice, called by web and by a partner account's role; its custom domain in the private zone.
fn shop() -> TopologyBuilder {
    TopologyBuilder::new("shop")
        .dns("shop.internal")
        .lattice("shop-net")
        .service("orders", |service| {
            service
                .port(8080)
                .security_group("orders-tasks")
                .load_balanced(false)
                .callers(["web", PARTNER])
                .ecs("main")
                .lattice("default")
                .lattice_domain("orders.shop.internal")
        })
        .service("web", |service| service.port(3000).security_group("web-tasks").load_balanced(false).ecs("main"))
}

fn account() -> Observed {
    crate::test_support::lattice_account()
}

fn applied() -> Observed {
    let plan = planned(&shop().build(), &account()).unwrap();
    simulate(&plan, &account())
}

fn addresses(plan: &Plan, action: Action) -> Vec<String> {
    let mut addresses: Vec<String> =
        plan.changes.iter().filter(|change| change.action == action).map(|change| change.address.to_string()).collect();
    addresses.sort();
    addresses
}

fn orders(observed: &mut Observed) -> &mut LatticeService {
    observed.lattice.services.iter_mut().find(|service| service.name == "shop-orders").unwrap()
}

#[test]
fn from_nothing_every_lattice_resource_is_created_and_the_policy_admits_exactly_the_callers() {
    let plan = planned(&shop().build(), &account()).unwrap();
    assert_eq!(
        addresses(&plan, Action::Create),
        [
            "dns.zone",
            "lattice.service_network",
            "lattice.vpc_association",
            "service.orders.dns_record.orders.shop.internal",
            "service.orders.lattice",
            "service.orders.lattice.association",
            "service.orders.lattice.auth_policy",
            "service.orders.lattice.ingress",
            "service.orders.lattice.listener",
            "service.orders.lattice.target_group",
        ]
    );
    let Operation::Lattice(LatticeOp::PutAuthPolicy { policy, .. }) =
        &change(&plan, &Address::LatticeAuthPolicy("orders".into())).operation
    else {
        panic!()
    };
    let policy: serde_json::Value = serde_json::from_str(policy).unwrap();
    assert_eq!(
        policy["Statement"][0]["Principal"]["AWS"],
        serde_json::json!(["arn:aws:iam::123456789012:role/web-task", PARTNER])
    );
    let callers = &change(&plan, &Address::LatticeAuthPolicy("orders".into())).fields[1];
    assert_eq!(callers.new.as_deref(), Some(&*format!("{PARTNER}, web (arn:aws:iam::123456789012:role/web-task)")));

    let Operation::Ecs(EcsOp::UpdateService(update)) = &change(&plan, &Address::EcsService("orders".into())).operation
    else {
        panic!()
    };
    let lattice = update.lattice.as_ref().unwrap();
    assert_eq!(lattice.len(), 1);
    assert_eq!(lattice[0].target_group, Ref::Of(Address::LatticeTargetGroup("orders".into())));
    assert_eq!(
        (lattice[0].port_name.as_str(), lattice[0].role_arn.as_str()),
        ("default", "arn:aws:iam::123456789012:role/ecs-lattice")
    );
    assert!(
        !plan.changes.iter().any(|change| change.address == Address::EcsService("web".into())),
        "web is not on Lattice: its ECS service is left alone"
    );
    assert!(
        !plan.changes.iter().any(|change| matches!(change.address, Address::CallerIngress(..))),
        "Lattice's traffic comes from its prefix list, not from the callers' groups"
    );
    let Operation::Route53(Route53Op::ChangeRecords { upsert: Some(record), .. }) =
        &change(&plan, &Address::DnsRecord("orders".into(), "orders.shop.internal".into())).operation
    else {
        panic!()
    };
    assert_eq!(record.target, RecordTarget::Of(Address::LatticeService("orders".into())));
    assert_eq!(record.kind, crate::topology::RecordKind::Cname);

    // Creates follow what they refer to.
    let at = |address: Address| step_position(&plan, &address);
    assert!(at(Address::LatticeServiceNetwork) < at(Address::LatticeVpcAssociation));
    assert!(at(Address::LatticeService("orders".into())) < at(Address::LatticeListener("orders".into())));
    assert!(at(Address::LatticeTargetGroup("orders".into())) < at(Address::LatticeListener("orders".into())));
    assert!(at(Address::LatticeTargetGroup("orders".into())) < at(Address::EcsService("orders".into())));
    assert!(at(Address::LatticeService("orders".into())) < at(Address::LatticeAssociation("orders".into())));
    assert!(
        at(Address::LatticeService("orders".into()))
            < at(Address::DnsRecord("orders".into(), "orders.shop.internal".into()))
    );
}

#[test]
fn after_apply_nothing_changes_and_the_record_points_at_the_lattice_name() {
    let after = applied();
    let plan = planned(&shop().build(), &after).unwrap();
    assert!(plan.is_empty(), "{:#?}", plan.changes);
    let zone = &after.zones[0];
    let cname = zone.records.iter().find(|record| record.name == "orders.shop.internal").unwrap();
    assert_eq!(cname.values, [after.lattice.services[0].dns_name.clone().unwrap()]);
}

#[test]
fn drift_is_repaired_a_listener_pointed_elsewhere_a_policy_edited_ingress_revoked_ecs_config_removed() {
    let mut drifted = applied();
    let elsewhere = LatticeTargetGroup {
        id: "tg-user".into(),
        arn: "arn:tg-user".into(),
        name: "users-own".into(),
        tags: Tags::new(),
        ..drifted.lattice.target_groups[0].clone()
    };
    drifted.lattice.target_groups.push(elsewhere);
    orders(&mut drifted).listeners[0].forward_to = vec![("tg-user".into(), 100)];
    orders(&mut drifted).auth_policy = Some(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]}"#.into(),
    );
    let group = drifted.security_groups.iter_mut().find(|group| group.id == "sg-orders").unwrap();
    group.rules.clear();
    let orders_ecs = drifted.ecs_services.iter_mut().find(|service| service.name == "orders").unwrap();
    orders_ecs.lattice.clear();

    let plan = planned(&shop().build(), &drifted).unwrap();
    assert_eq!(addresses(&plan, Action::Create), ["service.orders.lattice.ingress"]);
    assert_eq!(
        addresses(&plan, Action::Update),
        ["service.orders.ecs", "service.orders.lattice.auth_policy", "service.orders.lattice.listener"]
    );
    let listener = change(&plan, &Address::LatticeListener("orders".into()));
    assert_eq!(listener.fields[0].old.as_deref(), Some("users-own (100%)"));
    let policy = change(&plan, &Address::LatticeAuthPolicy("orders".into()));
    assert_eq!(policy.fields[0].old.as_deref(), Some("any principal"));
    assert!(addresses(&plan, Action::Delete).is_empty(), "the user's target group is not ecsnet's");
}

#[test]
fn a_policy_reordered_by_aws_is_no_change() {
    let mut after = applied();
    let reordered = format!(
        r#"{{"Statement":{{"Resource":"*","Effect":"Allow","Action":["vpc-lattice-svcs:Invoke"],"Principal":{{"AWS":["{PARTNER}","arn:aws:iam::123456789012:role/web-task"]}}}},"Version":"2012-10-17"}}"#
    );
    orders(&mut after).auth_policy = Some(reordered);
    assert!(planned(&shop().build(), &after).unwrap().is_empty());
}

#[test]
fn immutable_fields_replace_the_target_group_the_listener_and_the_service() {
    let after = applied();
    let moved =
        shop().service("orders", |service| service.port(9090).lattice_port(8000).lattice_domain("o.shop.internal"));
    let plan = planned(&moved.build(), &after).unwrap();
    assert_eq!(addresses(&plan, Action::Replace), ["service.orders.lattice", "service.orders.lattice.target_group"]);
    assert!(
        addresses(&plan, Action::Create).contains(&"service.orders.lattice.listener".to_string()),
        "the new service gets a new listener"
    );
    let summary = plan.summary();
    assert_eq!(
        summary.destroy,
        addresses(&plan, Action::Delete).len(),
        "a replace and the old resource's delete count once: {summary:?}"
    );
    let target_group = change(&plan, &Address::LatticeTargetGroup("orders".into()));
    assert_eq!(target_group.reason.as_ref().unwrap().to_string(), "port cannot change in place");
    // The old target group goes once the listener and ECS have let go of it.
    let steps = crate::plan::schedule(&plan);
    let order = crate::plan::topological_order(&steps).unwrap();
    let position = |action: Action, address: &Address| {
        let index =
            plan.changes.iter().position(|change| change.action == action && change.address == *address).unwrap();
        order.iter().position(|&step| steps[step].changes().contains(&index)).unwrap()
    };
    let old_group = position(Action::Delete, &Address::LatticeTargetGroup("orders".into()));
    assert!(position(Action::Update, &Address::EcsService("orders".into())) < old_group);
    assert!(position(Action::Delete, &Address::LatticeListener("orders".into())) < old_group);
    assert!(
        position(Action::Delete, &Address::LatticeService("orders".into()))
            < position(Action::Replace, &Address::LatticeService("orders".into())),
        "the service's name is freed first"
    );
}

#[test]
fn destroy_removes_what_is_owned_and_leaves_a_used_network_and_foreign_ecs_entries() {
    let mut before = account();
    before.lattice.service_networks.push(service_network("sn-0123456789abcdef0", "shared"));
    let text = shop().lattice("shared");
    let plan = planned(&text.build(), &before).unwrap();
    assert!(
        plan.notes.iter().any(|note| note.text.contains("using the existing service network shared")),
        "{:#?}",
        plan.notes
    );
    assert!(!plan.changes.iter().any(|change| change.address == Address::LatticeServiceNetwork));
    let mut after = simulate(&plan, &before);
    let foreign = EcsLatticeConfig {
        role_arn: "arn:aws:iam::123456789012:role/other".into(),
        target_group_arn: "arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-other".into(),
        port_name: "admin".into(),
    };
    after.ecs_services.iter_mut().find(|service| service.name == "orders").unwrap().lattice.push(foreign.clone());

    let plan = destroyed(&text.build(), &after).unwrap();
    let gone = simulate(&plan, &after);
    assert_eq!(gone.lattice.service_networks, before.lattice.service_networks, "the used network is untouched");
    assert!(gone.lattice.services.is_empty() && gone.lattice.target_groups.is_empty());
    assert!(gone.lattice.vpc_associations.is_empty());
    let orders_ecs = gone.ecs_services.iter().find(|service| service.name == "orders").unwrap();
    assert_eq!(orders_ecs.lattice, [foreign], "the entry ecsnet does not own is kept");
    assert!(gone.security_groups.iter().all(|group| group.rules.is_empty()));

    let at = |action: Action, address: Address| {
        let steps = crate::plan::schedule(&plan);
        let order = crate::plan::topological_order(&steps).unwrap();
        let index =
            plan.changes.iter().position(|change| change.action == action && change.address == address).unwrap();
        order.iter().position(|&step| steps[step].changes().contains(&index)).unwrap()
    };
    let service = || Address::LatticeService("orders".into());
    assert!(
        at(Action::Update, Address::EcsService("orders".into()))
            < at(Action::Delete, Address::LatticeTargetGroup("orders".into()))
    );
    assert!(
        at(Action::Delete, Address::LatticeListener("orders".into()))
            < at(Action::Delete, Address::LatticeTargetGroup("orders".into()))
    );
    assert!(at(Action::Delete, Address::LatticeAssociation("orders".into())) < at(Action::Delete, service()));
    assert!(at(Action::Delete, Address::LatticeListener("orders".into())) < at(Action::Delete, service()));
    assert_eq!(change(&plan, &Address::LatticeAuthPolicy("orders".into())).operation, Operation::RemovedWithParent);
}

#[test]
fn destroy_deletes_an_owned_network_after_every_association() {
    let after = applied();
    let plan = destroyed(&shop().build(), &after).unwrap();
    let steps = crate::plan::schedule(&plan);
    let order = crate::plan::topological_order(&steps).unwrap();
    let at = |address: Address| {
        let index = plan.changes.iter().position(|change| change.address == address).unwrap();
        order.iter().position(|&step| steps[step].changes().contains(&index)).unwrap()
    };
    assert!(at(Address::LatticeVpcAssociation) < at(Address::LatticeServiceNetwork));
    assert!(at(Address::LatticeAssociation("orders".into())) < at(Address::LatticeServiceNetwork));
    assert!(simulate(&plan, &after).lattice.is_empty_but_prefix_list());
}

impl LatticeState {
    fn is_empty_but_prefix_list(&self) -> bool {
        LatticeState { prefix_list_id: None, ..self.clone() }.is_empty()
    }
}

#[test]
fn problems_an_unknown_arn_a_vpc_on_another_network_a_caller_without_a_role_a_taken_name() {
    let arn = "arn:aws:vpc-lattice:us-east-1:111122223333:servicenetwork/sn-0123456789abcdef0";
    assert_eq!(
        whats(&shop().lattice(arn), &account()),
        [format!("[lattice] service_network: no service network this account can see has the ARN {arn}")]
    );

    let mut taken = account();
    taken.lattice.service_networks.push(service_network("sn-other", "other"));
    taken.lattice.vpc_associations.push(VpcAssociation {
        id: "snva-other".into(),
        arn: "arn:snva-other".into(),
        service_network_id: "sn-other".into(),
        service_network_arn: "arn:sn-other".into(),
        vpc_id: "vpc-1".into(),
        status: LatticeStatus::Active.into(),
        security_group_ids: vec![],
        tags: Tags::new(),
    });
    assert_eq!(
        whats(&shop(), &taken),
        ["[lattice] service_network: the VPC vpc-1 is already associated with the service network arn:sn-other (snva-other), which ecsnet topology shop does not own, and a VPC can be associated with one service network only"]
    );

    let mut roleless = account();
    roleless.task_definitions[1].task_role_arn = None;
    assert_eq!(
        whats(&shop(), &roleless),
        ["service \"orders\" callers[0]: caller \"web\": ECS service main/web runs task definition web:1, which has no task role, the identity VPC Lattice admits callers by"]
    );

    let mut collision = account();
    let plan = planned(&shop().build(), &account()).unwrap();
    let someone = simulate(&plan, &account());
    let mut foreign = someone.lattice.services[0].clone();
    foreign.tags = Tags::new();
    collision.lattice.services.push(foreign.clone());
    let shown = whats(&shop(), &collision);
    assert_eq!(
        shown,
        [format!("service \"orders\" name: VPC Lattice service name \"shop-orders\" is taken by {}, which ecsnet topology shop does not own", foreign.id)]
    );
}

#[test]
fn a_service_owned_by_the_topology_is_marked_by_its_tags() {
    // The OwnedBy fixture marks Lattice resources as the executor tags them.
    let mut after = applied();
    let group = after.lattice.target_groups[0].clone();
    after.lattice.target_groups[0] = LatticeTargetGroup { tags: Tags::new(), ..group }
        .owned_by("shop", Address::LatticeTargetGroup("orders".into()));
    assert!(planned(&shop().build(), &after).unwrap().is_empty());
}

#[test]
fn a_new_listener_port_replaces_the_listener_alone() {
    let after = applied();
    let plan = planned(&shop().service("orders", |service| service.lattice_port(8000)).build(), &after).unwrap();
    assert_eq!(addresses(&plan, Action::Replace), ["service.orders.lattice.listener"]);
    assert_eq!(addresses(&plan, Action::Delete), ["service.orders.lattice.listener"]);
    assert_eq!(plan.summary().destroy, 1);
    let listener = change(&plan, &Address::LatticeListener("orders".into()));
    assert_eq!(listener.reason.as_ref().unwrap().to_string(), "port cannot change in place");
}

/// Before: a port name the task definition lacks went to UpdateService, which ECS refuses.
#[test]
fn a_port_name_that_names_no_port_mapping_stops_the_plan() {
    let text = shop().service("orders", |service| service.lattice("http"));
    assert_eq!(
        super::problems(&text, &account()),
        [(
            "service \"orders\" [service.lattice] port_name: ECS service main/orders: task definition orders:1 has no port mapping named \"http\" (it has default)".to_string(),
            "set [service.lattice] port_name to the name of one of the task definition's port mappings, or name the port mapping in the task definition".to_string()
        )]
    );
}

/// Before: the plan showed the Lattice service's name and auth type, never what callers use to reach it.
#[test]
fn the_plan_shows_what_callers_use_on_lattice() {
    let plan = planned(&shop().build(), &account()).unwrap();
    let mut out = Vec::new();
    crate::views::plan::write_text(&mut out, &plan).unwrap();
    let text = crate::views::plain(&String::from_utf8(out).unwrap());
    let service: Vec<&str> =
        text.lines().skip_while(|line| !line.contains("+ service.orders.lattice ")).take(5).collect();
    insta::assert_snapshot!(service.join("\n"));
}
