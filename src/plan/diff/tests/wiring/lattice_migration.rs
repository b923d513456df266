//! A service moving to and from VPC Lattice in the four stages of `plan::migration`: Lattice's resources and the
//! ECS service's `vpcLatticeConfigurations` wired beside the old path, the wait on Lattice's targets, the name, and
//! the old path retired, the VPC's association with the service network last when the last Lattice service leaves.

use crate::live::Observed;
use crate::plan::{plan_apply, schedule, Action, Address, Plan, Recipe, Ref, Stage, Work};
use crate::test_support::{destroyed, planned, simulate, TopologyBuilder};

use super::migration::{
    assert_stage_order, behind_load_balancer, ecs_update, in_cloud_map, on_service_connect, regex_lite_free_ids,
    stages, through,
};

/// hello on VPC Lattice (port mapping "default", listener on port 80, no custom domain), nothing else.
fn on_lattice() -> TopologyBuilder {
    behind_load_balancer()
        .lattice("move-net")
        .service("hello", |service| service.load_balanced(false).lattice("default"))
}

/// hello on VPC Lattice, its custom domain the load balancer's host: the name callers use stays.
fn on_lattice_at_the_host() -> TopologyBuilder {
    on_lattice().service("hello", |service| service.lattice_domain("hello.in.example.com"))
}

/// `super::account()` with the region's VPC Lattice prefix list.
fn account() -> Observed {
    let mut account = super::account();
    account.lattice.prefix_list_id = Some("pl-lattice".into());
    account
}

fn applied(topology: &TopologyBuilder) -> Observed {
    let plan = planned(&topology.build(), &account()).unwrap();
    assert!(plan.migrations.is_empty(), "from nothing, nothing moves");
    simulate(&plan, &account())
}

fn note(plan: &Plan) -> &str {
    let found = plan.notes.iter().find(|note| note.text.starts_with("service hello:"));
    &found.unwrap_or_else(|| panic!("a note on hello's move: {:#?}", plan.notes)).text
}

fn staged(stage: u8, action: Action, address: &str) -> (u8, Action, String) {
    (stage, action, address.to_string())
}

#[test]
fn from_cloud_map_to_lattice_in_four_stages() {
    let live = applied(&in_cloud_map());
    let plan = planned(&on_lattice().build(), &live).unwrap();
    assert_eq!(plan.migrations.len(), 1);
    assert_eq!(
        (plan.migrations[0].from.as_slice(), plan.migrations[0].to.as_slice()),
        (&[Recipe::CloudMap][..], &[Recipe::Lattice][..])
    );
    assert_eq!(
        stages(&plan),
        [
            staged(1, Action::Update, "service.hello.ecs"),
            staged(1, Action::Create, "service.hello.lattice"),
            staged(1, Action::Create, "service.hello.lattice.association"),
            staged(1, Action::Create, "service.hello.lattice.auth_policy"),
            staged(1, Action::Create, "service.hello.lattice.ingress"),
            staged(1, Action::Create, "service.hello.lattice.listener"),
            staged(1, Action::Create, "service.hello.lattice.target_group"),
            staged(4, Action::Delete, "service.hello.discovery"),
            staged(4, Action::Update, "service.hello.ecs.retire"),
        ]
    );
    // Stage 1 registers the tasks in Lattice's target group and keeps the Cloud Map registry; stage 4 drops it.
    let first = ecs_update(&plan, &Address::EcsService("hello".into()));
    let lattice = first.lattice.as_deref().expect("stage 1 sets vpcLatticeConfigurations");
    assert_eq!(lattice.len(), 1);
    assert_eq!(lattice[0].target_group, Ref::Of(Address::LatticeTargetGroup("hello".into())));
    assert_eq!(first.registries, None, "the Cloud Map registry stays until the new path serves");
    let retire = ecs_update(&plan, &Address::EcsServiceRetire("hello".into()));
    assert_eq!((retire.registries.as_deref(), retire.lattice.as_ref()), (Some(&[][..]), None));
    let serving = &plan.migrations[0].serving;
    assert_eq!(serving.lattice_target_group, Some(Ref::Of(Address::LatticeTargetGroup("hello".into()))));
    assert_eq!((serving.target_group.as_ref(), serving.registry.as_ref()), (None, None));
    assert_eq!(plan.migrations[0].drain_seconds, None, "no record moves");
    assert_stage_order(&plan);
    assert_eq!(
        note(&plan),
        "service hello: from Cloud Map DNS to VPC Lattice: callers of hello.internal:3000 must move to the VPC Lattice service's DNS name (known after apply):80; ecsnet cannot keep the name; VPC Lattice answers only in VPCs associated with its service network, and only requests signed (SigV4, service vpc-lattice-svcs) by an identity its auth policy admits (https://docs.aws.amazon.com/vpc-lattice/latest/ug/sigv4-authenticated-requests.html): unsigned callers lose it. The old name answers until stage 4 retires it, once the new path serves"
    );
    assert!(
        !plan.notes.iter().any(|note| note.text.contains("not in stages")),
        "the old warning that Lattice moves are not staged is gone: {:#?}",
        plan.notes
    );
}

#[test]
fn from_lattice_to_cloud_map_the_vpc_association_goes_last_with_the_old_path() {
    let live = applied(&on_lattice());
    // The file names no [lattice] any more: the service network ecsnet made and the VPC's association go too.
    let plan = planned(&in_cloud_map().build(), &live).unwrap();
    assert_eq!(
        (plan.migrations[0].from.as_slice(), plan.migrations[0].to.as_slice()),
        (&[Recipe::Lattice][..], &[Recipe::CloudMap][..])
    );
    assert_eq!(
        stages(&plan),
        [
            staged(1, Action::Create, "service.hello.discovery"),
            staged(1, Action::Update, "service.hello.ecs"),
            staged(4, Action::Delete, "lattice.service_network"),
            staged(4, Action::Delete, "lattice.vpc_association"),
            staged(4, Action::Update, "service.hello.ecs.retire"),
            staged(4, Action::Delete, "service.hello.lattice"),
            staged(4, Action::Delete, "service.hello.lattice.association"),
            staged(4, Action::Delete, "service.hello.lattice.auth_policy"),
            staged(4, Action::Delete, "service.hello.lattice.ingress"),
            staged(4, Action::Delete, "service.hello.lattice.listener"),
            staged(4, Action::Delete, "service.hello.lattice.target_group"),
        ]
    );
    let first = ecs_update(&plan, &Address::EcsService("hello".into()));
    assert_eq!(first.lattice, None, "the tasks stay registered in Lattice until the new path serves");
    assert_eq!(first.registries.as_ref().unwrap()[0].registry, Ref::Of(Address::DiscoveryService("hello".into())));
    let retire = ecs_update(&plan, &Address::EcsServiceRetire("hello".into()));
    assert_eq!((retire.lattice.as_deref(), retire.registries.as_ref()), (Some(&[][..]), None));
    assert_eq!(plan.migrations[0].serving.lattice_target_group, None);
    assert_eq!(plan.migrations[0].serving.registry, Some(Ref::Of(Address::DiscoveryService("hello".into()))));
    assert_stage_order(&plan);
    let dns_name = live.lattice.services[0].dns_name.clone().unwrap();
    assert_eq!(
        note(&plan),
        format!("service hello: from VPC Lattice to Cloud Map DNS: callers of {dns_name}:80 must move to hello.internal:3000; ecsnet cannot keep the name. The old name answers until stage 4 retires it, once the new path serves")
    );
}

#[test]
fn from_service_connect_to_lattice_and_back_keeping_the_service_network() {
    let on_lattice_with_connect_namespace = on_lattice();
    let live = applied(&on_service_connect());
    let plan = planned(&on_lattice_with_connect_namespace.build(), &live).unwrap();
    assert_eq!(
        (plan.migrations[0].from.as_slice(), plan.migrations[0].to.as_slice()),
        (&[Recipe::ServiceConnect][..], &[Recipe::Lattice][..])
    );
    let first = ecs_update(&plan, &Address::EcsService("hello".into()));
    assert_eq!(first.connect, None, "Service Connect stays until the new path serves");
    let retire = ecs_update(&plan, &Address::EcsServiceRetire("hello".into()));
    assert_eq!(retire.connect, Some(crate::plan::ConnectChange::Disable));
    assert_stage_order(&plan);

    // And back, the file still naming [lattice] (for other services, say): the network and association stay.
    let live = simulate(&plan, &live);
    let back = planned(&on_service_connect().lattice("move-net").build(), &live).unwrap();
    assert_eq!(back.migrations[0].to, [Recipe::ServiceConnect]);
    let left = stages(&back);
    assert!(!left.iter().any(|(_, _, address)| address.starts_with("lattice.")), "{left:#?}");
    assert!(left.contains(&staged(4, Action::Delete, "service.hello.lattice")), "{left:#?}");
    assert_stage_order(&back);
}

#[test]
fn a_custom_domain_at_the_load_balancers_host_keeps_the_name_and_stage_3_repoints_the_record() {
    let live = applied(&behind_load_balancer());
    let plan = planned(&on_lattice_at_the_host().build(), &live).unwrap();
    assert_eq!(
        (plan.migrations[0].from.as_slice(), plan.migrations[0].to.as_slice()),
        (&[Recipe::LoadBalancer][..], &[Recipe::Lattice][..])
    );
    let left = stages(&plan);
    assert!(left.contains(&staged(3, Action::Update, "service.hello.dns_record.hello.in.example.com")), "{left:#?}");
    for old in ["service.hello.ingress", "service.hello.rule.80", "service.hello.target_group"] {
        assert!(left.contains(&staged(4, Action::Delete, old)), "{old}: {left:#?}");
    }
    assert_eq!(plan.migrations[0].drain_seconds, Some(60), "the record's TTL passes before the old path goes");
    assert_stage_order(&plan);
    assert!(
        note(&plan).contains(
            "callers keep calling hello.in.example.com:80; VPC Lattice answers only in VPCs associated with its service network"
        ),
        "{}",
        note(&plan)
    );
    assert!(note(&plan)
        .ends_with("The old path answers until stage 3 points its record at the new path, once the new path serves"));

    // And back: the record points at the load balancer again in stage 3, then Lattice goes.
    let live = simulate(&plan, &live);
    let back = planned(&behind_load_balancer().build(), &live).unwrap();
    assert_eq!(back.migrations[0].from, [Recipe::Lattice]);
    let left = stages(&back);
    assert!(left.contains(&staged(3, Action::Update, "service.hello.dns_record.hello.in.example.com")), "{left:#?}");
    assert!(left.contains(&staged(4, Action::Delete, "lattice.vpc_association")), "{left:#?}");
    assert_eq!(back.migrations[0].drain_seconds, Some(60));
    assert!(note(&back).contains("callers keep calling hello.in.example.com:80."), "{}", note(&back));
    assert_stage_order(&back);
}

#[test]
fn another_custom_domain_changes_the_name_the_old_record_goes_in_stage_3_the_new_one_comes() {
    let live = applied(&behind_load_balancer());
    let elsewhere = on_lattice().service("hello", |service| service.lattice_domain("hi.in.example.com"));
    let plan = planned(&elsewhere.build(), &live).unwrap();
    let left = stages(&plan);
    assert!(left.contains(&staged(3, Action::Delete, "service.hello.dns_record.hello.in.example.com")), "{left:#?}");
    assert!(left.contains(&staged(3, Action::Create, "service.hello.dns_record.hi.in.example.com")), "{left:#?}");
    assert_stage_order(&plan);
    assert!(
        note(&plan).contains("callers of hello.in.example.com:80 must move to hi.in.example.com:80"),
        "{}",
        note(&plan)
    );
}

#[test]
fn a_migration_to_lattice_interrupted_after_any_stage_is_continued_from_live_state_alone() {
    let live = applied(&behind_load_balancer());
    let topology = on_lattice().build();
    let plan = plan_apply(&topology, &live).unwrap();
    for (last, remaining) in [(Stage::WireNewPath, vec![3, 4, 4, 4, 4]), (Stage::MoveName, vec![4, 4, 4, 4])] {
        let half_done = simulate(&through(&plan, last), &live);
        let rest = planned(&topology, &half_done).unwrap();
        assert_eq!(rest.migrations.len(), 1, "after stage {last:?} the ECS service carries both paths");
        assert_eq!(rest.migrations[0].to, [Recipe::Lattice]);
        let left: Vec<u8> = stages(&rest).into_iter().map(|(stage, ..)| stage).collect();
        assert_eq!(left, remaining, "after stage {last:?}: {:#?}", stages(&rest));
        assert!(schedule(&rest).iter().any(|step| step.work == Work::AwaitServing(0)), "the wait, at once if served");
        assert!(
            rest.migrations[0]
                .serving
                .lattice_target_group
                .as_ref()
                .is_some_and(|group| matches!(group, Ref::Known(_))),
            "the target group made in stage 1, by its ARN: {:?}",
            rest.migrations[0].serving
        );
        assert_stage_order(&rest);
    }
}

#[test]
fn a_migration_from_lattice_interrupted_after_stage_1_is_continued_and_destroy_takes_both_paths() {
    let live = applied(&on_lattice());
    let topology = behind_load_balancer().build();
    let plan = plan_apply(&topology, &live).unwrap();
    let half_done = simulate(&through(&plan, Stage::WireNewPath), &live);
    let rest = planned(&topology, &half_done).unwrap();
    assert_eq!(
        (rest.migrations[0].from.as_slice(), rest.migrations[0].to.as_slice()),
        (&[Recipe::Lattice][..], &[Recipe::LoadBalancer][..])
    );
    let left = stages(&rest);
    assert_eq!(left.first(), Some(&staged(3, Action::Create, "service.hello.dns_record.hello.in.example.com")));
    assert!(left.iter().skip(1).all(|(stage, ..)| *stage == 4), "{left:#?}");
    assert_stage_order(&rest);

    // Destroy in the middle: both paths go, nothing moves.
    let gone = destroyed(&topology, &half_done).unwrap();
    assert!(gone.migrations.is_empty());
    let after = simulate(&gone, &half_done);
    let hello = after.ecs_services.iter().find(|service| service.name == "hello").unwrap();
    assert!(hello.lattice.is_empty() && hello.load_balancers.is_empty(), "{hello:#?}");
    assert!(after.lattice.services.is_empty() && after.lattice.vpc_associations.is_empty());
}

#[test]
fn the_plan_text_shows_a_move_to_lattice_in_stages() {
    let live = applied(&behind_load_balancer());
    let plan = planned(&on_lattice().build(), &live).unwrap();
    let mut out = Vec::new();
    crate::views::plan::write_text(&mut out, &plan).unwrap();
    let text = crate::views::plain(&String::from_utf8(out).unwrap());
    insta::assert_snapshot!("lattice_migration_plan_text", regex_lite_free_ids(&text));
}
