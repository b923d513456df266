//! A service moving between recipes: stages, their order, and a half-done migration continued from live state.

use crate::live::Observed;
use crate::plan::{
    plan_apply, schedule, topological_order, Action, Address, ConnectChange, EcsLoadBalancerSpec, EcsOp, Operation,
    Plan, Recipe, Ref, Stage, Work,
};
use crate::test_support::{destroyed, planned, simulate, TopologyBuilder};

use super::{account, change};

/// "hello" (cluster "main", port 3000) behind the load balancer, its name in the private zone.
pub(super) fn behind_load_balancer() -> TopologyBuilder {
    TopologyBuilder::new("move")
        .load_balancer()
        .dns("in.example.com")
        .discovery("internal")
        .service("hello", |service| service.port(3000).ecs("main"))
}

pub(super) fn on_service_connect() -> TopologyBuilder {
    behind_load_balancer().service("hello", |service| service.load_balanced(false).connect("default", Some("hello")))
}

pub(super) fn in_cloud_map() -> TopologyBuilder {
    behind_load_balancer().service("hello", |service| service.load_balanced(false).discovered())
}

/// The account after an apply of `topology` from nothing.
fn applied(topology: &TopologyBuilder) -> Observed {
    let plan = planned(&topology.build(), &account()).unwrap();
    assert!(plan.migrations.is_empty(), "from nothing, nothing moves");
    simulate(&plan, &account())
}

/// The plan's changes up to and including `last` (and every change outside a migration): what a run interrupted
/// after that stage left done.
pub(super) fn through(plan: &Plan, last: Stage) -> Plan {
    let changes =
        plan.changes.iter().filter(|change| plan.stage_of(change).is_none_or(|(_, stage)| stage <= last)).cloned();
    Plan { changes: changes.collect(), ..plan.clone() }
}

/// (stage, action, address) of every change of the plan's first migration.
pub(super) fn stages(plan: &Plan) -> Vec<(u8, Action, String)> {
    let mut staged: Vec<_> = plan
        .changes
        .iter()
        .filter_map(|change| {
            let (_, stage) = plan.stage_of(change)?;
            Some((u8::from(stage), change.action, change.address.to_string()))
        })
        .collect();
    staged.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
    staged
}

pub(super) fn ecs_update<'p>(plan: &'p Plan, address: &Address) -> &'p crate::plan::EcsUpdate {
    match &change(plan, address).operation {
        Operation::Ecs(EcsOp::UpdateService(update)) => update,
        other => panic!("not an ECS update: {other:?}"),
    }
}

/// Where each change of the plan, and each wait, falls in the order apply runs the steps (`None`: a change no
/// step carries out, such as an auth policy removed with its Lattice service).
fn positions(plan: &Plan) -> (Vec<Option<usize>>, usize) {
    let steps = schedule(plan);
    let order = topological_order(&steps).expect("no cycle");
    let at = |step: usize| order.iter().position(|&ran| ran == step).unwrap();
    let changes = (0..plan.changes.len())
        .map(|index| steps.iter().position(|step| step.changes().contains(&index)).map(at))
        .collect();
    let wait = at(steps.iter().position(|step| step.work == Work::AwaitServing(0)).unwrap());
    (changes, wait)
}

/// Every change of stage 1 runs before the wait, every later one after it, and stage 4 after stage 3.
pub(super) fn assert_stage_order(plan: &Plan) {
    let (changes, wait) = positions(plan);
    for (index, change) in plan.changes.iter().enumerate() {
        let Some((_, stage)) = plan.stage_of(change) else { continue };
        let Some(position) = changes[index] else {
            assert_eq!(change.operation, crate::plan::Operation::RemovedWithParent, "{} has a step", change.address);
            continue;
        };
        match stage {
            Stage::WireNewPath => assert!(position < wait, "{} runs before the wait", change.address),
            _ => assert!(position > wait, "{} runs after the wait", change.address),
        }
        let retire = plan.changes.iter().position(|change| matches!(change.address, Address::EcsServiceRetire(_)));
        if stage == Stage::RetireOldPath && Some(index) != retire {
            let retire = retire.expect("a migration retires the old wiring");
            assert!(changes[retire] < Some(position), "{} after the ECS service let go", change.address);
        }
        if stage == Stage::RetireOldPath {
            for (other, moved) in plan.changes.iter().enumerate() {
                if plan.stage_of(moved).is_some_and(|(_, stage)| stage == Stage::MoveName) {
                    assert!(changes[other] < Some(position), "{} before {}", moved.address, change.address);
                }
            }
        }
    }
}

#[test]
fn from_the_load_balancer_to_service_connect_in_four_stages() {
    let live = applied(&behind_load_balancer());
    let plan = planned(&on_service_connect().build(), &live).unwrap();
    assert_eq!(plan.migrations.len(), 1);
    assert_eq!(
        (plan.migrations[0].from.as_slice(), plan.migrations[0].to.as_slice()),
        (&[Recipe::LoadBalancer][..], &[Recipe::ServiceConnect][..])
    );
    assert_eq!(
        stages(&plan),
        [
            (1, Action::Update, "service.hello.ecs".to_string()),
            (3, Action::Delete, "service.hello.dns_record.hello.in.example.com".to_string()),
            (4, Action::Update, "service.hello.ecs.retire".to_string()),
            (4, Action::Delete, "service.hello.ingress".to_string()),
            (4, Action::Delete, "service.hello.rule.80".to_string()),
            (4, Action::Delete, "service.hello.target_group".to_string()),
        ]
    );
    // Stage 1 turns Service Connect on and leaves the load balancer entry as it is; stage 4 drops it.
    let first = ecs_update(&plan, &Address::EcsService("hello".into()));
    assert!(matches!(first.connect, Some(ConnectChange::Enable { .. })));
    assert_eq!(first.load_balancers, None);
    let retire = ecs_update(&plan, &Address::EcsServiceRetire("hello".into()));
    assert_eq!((retire.load_balancers.as_deref(), retire.connect.as_ref()), (Some(&[][..]), None));
    assert_stage_order(&plan);
    assert!(
        plan.notes
            .iter()
            .any(|note| note.text.contains("callers of hello.in.example.com:80 must move to hello.internal:3000; ecsnet cannot keep the name (to keep it")),
        "{:#?}",
        plan.notes
    );
}

#[test]
fn a_client_alias_set_to_the_host_and_listener_port_keeps_the_name_for_service_connect_clients_either_way() {
    let aliased = on_service_connect().service("hello", |service| service.connect_alias("hello.in.example.com", 80));
    let live = applied(&behind_load_balancer());
    let plan = planned(&aliased.build(), &live).unwrap();
    let first = ecs_update(&plan, &Address::EcsService("hello".into()));
    let Some(ConnectChange::Enable { dns_name, port, marker, .. }) = &first.connect else { panic!() };
    assert_eq!((dns_name.as_str(), *port), ("hello.in.example.com", 80));
    assert!(marker.ends_with(" port=80 dns_name=hello.in.example.com"), "{marker}");
    let note = &plan.notes.iter().find(|note| note.text.starts_with("service hello:")).unwrap().text;
    assert!(
        note.contains("callers keep calling hello.in.example.com:80; Service Connect answers only in tasks"),
        "{note}"
    );
    let live = simulate(&plan, &live);
    let back = planned(&behind_load_balancer().build(), &live).unwrap();
    let note = &back.notes.iter().find(|note| note.text.starts_with("service hello:")).unwrap().text;
    assert!(
        note.contains("callers keep calling hello.in.example.com:80. The old path answers until stage 4"),
        "{note}"
    );
}

#[test]
fn from_service_connect_to_the_load_balancer_the_record_comes_only_after_the_wait() {
    let live = applied(&on_service_connect());
    let plan = planned(&behind_load_balancer().build(), &live).unwrap();
    assert_eq!(plan.migrations[0].to, [Recipe::LoadBalancer]);
    let staged = stages(&plan);
    assert!(staged.contains(&(1, Action::Create, "service.hello.target_group".into())), "{staged:#?}");
    assert!(staged.contains(&(1, Action::Create, "service.hello.rule.80".into())));
    assert!(staged.contains(&(3, Action::Create, "service.hello.dns_record.hello.in.example.com".into())));
    assert!(staged.contains(&(4, Action::Update, "service.hello.ecs.retire".into())));
    let first = ecs_update(&plan, &Address::EcsService("hello".into()));
    assert_eq!(
        first.load_balancers.as_deref(),
        Some(
            &[EcsLoadBalancerSpec::Own {
                target_group: Ref::Of(Address::TargetGroup("hello".into())),
                container: "hello".into(),
                port: 3000
            }][..]
        )
    );
    assert_eq!(first.connect, None, "Service Connect stays until the new path serves");
    let retire = ecs_update(&plan, &Address::EcsServiceRetire("hello".into()));
    assert_eq!(retire.connect, Some(ConnectChange::Disable));
    assert_eq!(plan.migrations[0].serving.target_group, Some(Ref::Of(Address::TargetGroup("hello".into()))));
    assert_stage_order(&plan);
}

#[test]
fn from_the_load_balancer_to_cloud_map() {
    let live = applied(&behind_load_balancer());
    let plan = planned(&in_cloud_map().build(), &live).unwrap();
    assert_eq!(plan.migrations[0].to, [Recipe::CloudMap]);
    let staged = stages(&plan);
    assert!(staged.contains(&(1, Action::Create, "service.hello.discovery".into())), "{staged:#?}");
    assert!(staged.contains(&(3, Action::Delete, "service.hello.dns_record.hello.in.example.com".into())));
    let first = ecs_update(&plan, &Address::EcsService("hello".into()));
    assert_eq!(first.registries.as_ref().unwrap()[0].registry, Ref::Of(Address::DiscoveryService("hello".into())));
    assert_eq!(first.load_balancers, None);
    assert_eq!(plan.migrations[0].serving.registry, Some(Ref::Of(Address::DiscoveryService("hello".into()))));
    assert_stage_order(&plan);
    // And back: Cloud Map's service goes in stage 4, after the ECS service let go of it.
    let live = simulate(&plan, &live);
    let back = planned(&behind_load_balancer().build(), &live).unwrap();
    assert!(stages(&back).contains(&(4, Action::Delete, "service.hello.discovery".into())), "{:#?}", stages(&back));
    assert_stage_order(&back);
}

#[test]
fn a_migration_interrupted_after_any_stage_is_continued_from_live_state_alone() {
    let live = applied(&behind_load_balancer());
    let topology = on_service_connect().build();
    let plan = plan_apply(&topology, &live).unwrap();
    for (last, remaining) in [(Stage::WireNewPath, vec![3, 4, 4, 4, 4]), (Stage::MoveName, vec![4, 4, 4, 4])] {
        let half_done = simulate(&through(&plan, last), &live);
        let rest = planned(&topology, &half_done).unwrap();
        assert_eq!(rest.migrations.len(), 1, "after stage {last:?} the ECS service carries both paths");
        let left: Vec<u8> = stages(&rest).into_iter().map(|(stage, ..)| stage).collect();
        assert_eq!(left, remaining, "after stage {last:?}: {:#?}", stages(&rest));
        assert!(schedule(&rest).iter().any(|step| step.work == Work::AwaitServing(0)), "the wait, at once if served");
        assert!(
            rest.notes.iter().any(|note| note.text.contains("callers of hello.in.example.com:80 must move")),
            "the old name, from the rules once the record is gone: {:#?}",
            rest.notes
        );
    }
}

#[test]
fn apply_no_wait_carries_out_stage_one_only() {
    let live = applied(&behind_load_balancer());
    let plan = plan_apply(&on_service_connect().build(), &live).unwrap();
    assert!(plan.has_later_stages());
    let first = plan.through_first_stage();
    assert!(first.migrations.is_empty() && !first.has_later_stages());
    assert_eq!(
        first.changes.iter().map(|change| change.address.to_string()).collect::<Vec<_>>(),
        ["service.hello.ecs"]
    );
    assert!(first.notes.iter().any(|note| note.text.starts_with("--no-wait: only stage 1")));
    let after = simulate(&first, &live);
    assert_eq!(
        plan_apply(&on_service_connect().build(), &after).unwrap().migrations.len(),
        1,
        "the next apply finishes"
    );
}

#[test]
fn a_controller_on_which_ecs_cannot_move_the_wiring_stops_the_plan_once() {
    let mut live = applied(&behind_load_balancer());
    live.ecs_services.iter_mut().find(|service| service.name == "hello").unwrap().deployment_controller =
        "CODE_DEPLOY".into();
    let error = plan_apply(&on_service_connect().build(), &live).expect_err("ECS would refuse");
    assert_eq!(error.problems.len(), 1, "{:#?}", error.problems);
    assert!(error.problems[0].what.contains("CODE_DEPLOY deployment controller"), "{:#?}", error.problems);
}

#[test]
fn leaving_every_recipe_or_destroying_is_no_migration() {
    let live = applied(&behind_load_balancer());
    let unwired = behind_load_balancer().service("hello", |service| service.load_balanced(false));
    let plan = planned(&unwired.build(), &live).unwrap();
    assert!(
        plan.migrations.is_empty()
            && !plan.changes.iter().any(|change| change.address.to_string().ends_with(".retire"))
    );
    let live = applied(&on_service_connect());
    assert!(destroyed(&on_service_connect().build(), &live).unwrap().migrations.is_empty());
}

#[test]
fn the_plan_text_shows_the_stages_in_order() {
    let live = applied(&behind_load_balancer());
    let plan = planned(&on_service_connect().build(), &live).unwrap();
    let mut out = Vec::new();
    crate::views::plan::write_text(&mut out, &plan).unwrap();
    let text = crate::views::plain(&String::from_utf8(out).unwrap());
    let ids = regex_lite_free_ids(&text);
    insta::assert_snapshot!("migration_plan_text", ids);
    let mut json = Vec::new();
    crate::views::plan::write_json(&mut json, &plan).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        json["migrations"],
        serde_json::json!([{"service": "hello", "from": ["load_balancer"], "to": ["service_connect"]}])
    );
    let stage_of = |address: &str| {
        json["changes"].as_array().unwrap().iter().find(|change| change["address"] == address).unwrap()["stage"].clone()
    };
    assert_eq!(stage_of("service.hello.ecs.retire"), 4);
    assert_eq!(stage_of("service.hello.dns_record.hello.in.example.com"), 3);
}

/// The text with the made-up IDs of `simulate` (`tg-service.hello.target_group-7`) reduced to their kind.
pub(super) fn regex_lite_free_ids(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            line.split(' ')
                .map(|word| match word.rsplit_once('-') {
                    Some((head, number)) if number.chars().all(|c| c.is_ascii_digit()) && head.contains('.') => {
                        format!("{head}-N")
                    }
                    _ => word.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
