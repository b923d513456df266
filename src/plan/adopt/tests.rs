//! Adoption, planned against what a script would have built: the same resources as ecsnet's apply leaves, without
//! ecsnet's marks. Every test checks (`adopted`) that after apply a plan without `--adopt` is empty.

use crate::live::{ListenerDefault, Observed};
use crate::plan::adopt::{AdoptPolicy, STACK_NAME_TAG};
use crate::plan::{plan_adopting, plan_apply, Action, Address, Operation, Plan};
use crate::test_support::without_marks;
use crate::test_support::{adopted, destroyed, lattice_account, lattice_shop, planned, simulate, TopologyBuilder};

use crate::plan::diff::tests::wiring::{account as wiring_account, discovery};
use crate::plan::diff::tests::{empty_account, seed};

/// What `topology`'s apply leaves, built by someone else: no ecsnet marks on any of it.
fn built_by_a_script(topology: &TopologyBuilder) -> Observed {
    let plan = planned(&topology.build(), &empty_account()).unwrap();
    without_marks(&simulate(&plan, &empty_account()))
}

/// The target group of service-a (named after the topology and the service, as ecsnet names it).
fn service_group(observed: &mut Observed) -> &mut crate::live::TargetGroup {
    observed.target_groups.iter_mut().find(|group| group.name.contains("service-a")).unwrap()
}

fn adopted_addresses(plan: &Plan) -> Vec<String> {
    let adoptions = plan.changes.iter().filter(|change| change.action == Action::Adopt);
    let mut addresses: Vec<String> = adoptions.map(|change| change.address.to_string()).collect();
    addresses.sort();
    addresses
}

#[test]
fn a_script_built_copy_of_the_topology_is_adopted_whole_and_destroy_then_removes_it() {
    let observed = built_by_a_script(&seed());
    let refused = plan_apply(&seed().build(), &observed).unwrap_err();
    assert!(refused.to_string().contains("does not own"), "{refused}");
    let plan = adopted(&seed().build(), &observed, &AdoptPolicy::default()).unwrap();
    assert_eq!(
        adopted_addresses(&plan),
        [
            "dns.zone",
            "listener.80",
            "load_balancer",
            "load_balancer.default_target_group",
            "load_balancer.security_group",
            "service.service-a.dns_record.service-a.in.example.com",
            "service.service-a.ingress",
            "service.service-a.rule.80",
            "service.service-a.target_group",
        ]
    );
    assert!(plan.changes.iter().all(|change| change.action == Action::Adopt), "adopting changes nothing else");
    assert_eq!(plan.summary().adopt, 9);
    let after = simulate(&plan, &observed);
    let destroy = destroyed(&seed().build(), &after).unwrap();
    let gone = simulate(&destroy, &after);
    assert!(gone.load_balancers.is_empty() && gone.target_groups.is_empty() && gone.zones.is_empty());
    let groups: Vec<&str> = gone.security_groups.iter().map(|group| group.id.as_str()).collect();
    assert_eq!(groups, ["sg-tasks"], "the script's load balancer group went; the tasks' group is not the topology's");
    let rules: Vec<&str> = gone.security_groups[0].rules.iter().map(|rule| rule.id.as_str()).collect();
    assert_eq!(rules, ["sgr-user"], "the adopted ingress rule went with the rest; the user's own rule stays");
}

#[test]
fn the_plan_shows_what_apply_then_changes_on_an_adopted_resource() {
    let mut observed = built_by_a_script(&seed());
    observed.target_groups.iter_mut().for_each(|group| group.health_check.interval = 30);
    let plan = adopted(&seed().build(), &observed, &AdoptPolicy::default()).unwrap();
    let address = Address::TargetGroup("service-a".into());
    let changes: Vec<(Action, String)> = plan
        .changes
        .iter()
        .filter(|change| change.address == address)
        .map(|change| (change.action, change.fields.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))
        .collect();
    assert_eq!(changes[0].0, Action::Adopt);
    assert_eq!(changes[1], (Action::Update, "health_check.interval: 30 → 5".to_string()));
    assert_eq!(plan.summary().change, 1);
}

#[test]
fn a_target_group_of_another_name_is_found_by_the_rule_that_forwards_the_services_host() {
    let mut observed = built_by_a_script(&seed());
    service_group(&mut observed).name = "legacy-service-a".into();
    let plan = adopted(&seed().build(), &observed, &AdoptPolicy::default()).unwrap();
    let change = plan.changes.iter().find(|change| change.address == Address::TargetGroup("service-a".into())).unwrap();
    assert_eq!((change.action, change.name.as_str()), (Action::Adopt, "legacy-service-a"));
}

#[test]
fn a_listener_that_forwards_to_the_service_by_default_leads_to_its_target_group() {
    // Seed 002's shape: no DNS, and the listener's default action forwards to the service's group (the script
    // made no rule; the topology's host rule is one apply creates).
    let topology = TopologyBuilder::new("demo")
        .vpc("demo-vpc")
        .subnets(["private-a", "private-b"])
        .load_balancer()
        .listener(|listener| listener.forward("service-a"))
        .service("service-a", |service| service.host("rent-a-room.example.com"));
    let mut observed = built_by_a_script(&topology);
    observed.load_balancers[0].listeners[0].rules.clear();
    let group = service_group(&mut observed);
    group.name = "rent-a-room-tg".into();
    let arn = group.arn.clone();
    let listener = &observed.load_balancers[0].listeners[0];
    assert_eq!(listener.default, ListenerDefault::Forward(arn));
    let plan = adopted(&topology.build(), &observed, &AdoptPolicy::default()).unwrap();
    assert!(adopted_addresses(&plan).contains(&"service.service-a.target_group".to_string()), "{plan:#?}");
    let created: Vec<String> = plan
        .changes
        .iter()
        .filter(|change| change.action == Action::Create)
        .map(|change| change.address.to_string())
        .collect();
    assert_eq!(created, ["service.service-a.rule.80"]);
}

#[test]
fn what_a_live_cloudformation_stack_owns_is_refused_unless_the_stack_is_being_retired() {
    let mut observed = built_by_a_script(&seed());
    observed.load_balancers[0].tags.insert(STACK_NAME_TAG.into(), "legacy-stack".into());
    let error = plan_adopting(&seed().build(), &observed, &AdoptPolicy::default()).unwrap_err();
    assert!(error.to_string().contains("belongs to CloudFormation stack legacy-stack"), "{error}");
    assert!(error.to_string().contains("--retiring-stack legacy-stack"), "{error}");
    let retiring = AdoptPolicy { retiring_stacks: vec!["legacy-stack".into()] };
    let plan = adopted(&seed().build(), &observed, &retiring).unwrap();
    assert!(adopted_addresses(&plan).contains(&"load_balancer".to_string()));
    assert!(plan.notes.iter().any(|note| note.text.contains("DeletionPolicy: Retain")), "{:?}", plan.notes);
}

#[test]
fn another_topologys_resources_are_never_adopted() {
    let other = seed().name("other");
    let plan = planned(&other.build(), &empty_account()).unwrap();
    let observed = simulate(&plan, &empty_account());
    let error = plan_adopting(&seed().build(), &observed, &AdoptPolicy::default()).unwrap_err();
    assert!(error.to_string().contains("does not own"), "{error}");
}

#[test]
fn adopting_marks_and_nothing_else() {
    let observed = built_by_a_script(&seed());
    let plan = adopted(&seed().build(), &observed, &AdoptPolicy::default()).unwrap();
    for change in &plan.changes {
        let Operation::Adopt(mark) = &change.operation else { panic!("{change:?}") };
        let mut marked = observed.clone();
        mark.apply_to(&mut marked);
        assert_eq!(without_marks(&marked), observed, "{} wrote more than ecsnet's marks", change.address);
    }
}

#[test]
fn a_cloud_map_recipe_is_adopted_with_its_namespace_services_and_caller_ingress() {
    // Seed 003's recipe beside a load-balanced service: "name" in Cloud Map, called by "hello".
    let (topology, before) = (discovery(), wiring_account());
    let plan = planned(&topology.build(), &before).unwrap();
    let observed = without_marks(&simulate(&plan, &before));
    let plan = adopted(&topology.build(), &observed, &AdoptPolicy::default()).unwrap();
    let addresses = adopted_addresses(&plan);
    for address in
        ["discovery.namespace", "service.name.discovery", "service.name.caller.hello", "service.hello.target_group"]
    {
        assert!(addresses.contains(&address.to_string()), "{address} adopted: {addresses:?}");
    }
    assert!(plan.changes.iter().all(|change| change.action == Action::Adopt), "{:#?}", plan.changes);
}

#[test]
fn what_apply_changes_on_an_adopted_record_runs_after_its_marks() {
    // The script wrote a CNAME; the file wants an alias: the record's change deletes the CNAME and the ownership
    // TXT record adoption writes, so the adoption must run first.
    let observed = built_by_a_script(&seed());
    let alias = seed().dns_with("in.example.com", |dns| dns.record("alias"));
    let plan = adopted(&alias.build(), &observed, &AdoptPolicy::default()).unwrap();
    let record = Address::DnsRecord("service-a".into(), "service-a.in.example.com".into());
    let index = |action: Action| {
        plan.changes.iter().position(|change| change.address == record && change.action == action).unwrap()
    };
    let (adopt, update) = (index(Action::Adopt), index(Action::Update));
    let steps = crate::plan::schedule(&plan);
    let step_of = |change: usize| steps.iter().position(|step| step.changes().contains(&change)).unwrap();
    assert!(steps[step_of(update)].after.contains(&step_of(adopt)), "{steps:?}");
}

/// A plan saved with `--adopt` whose live state changed since: the staleness check plans again *with* adoption, so
/// it shows what changed rather than the refusal a plan without `--adopt` meets on what no topology owns.
#[test]
fn a_stale_saved_adoption_is_compared_with_a_plan_that_adopts_too() {
    use crate::plan::saved::SavedPlan;
    let observed = built_by_a_script(&seed());
    let policy = AdoptPolicy::default();
    let plan = plan_adopting(&seed().build(), &observed, &policy).unwrap();
    let saved = SavedPlan::new("ecsnet.toml", "", Some(&policy), &observed, plan);
    let mut changed = observed.clone();
    service_group(&mut changed).health_check.path = "/elsewhere".into();
    let stale = saved.into_current(&seed().build(), &changed).unwrap_err();
    assert!(!stale.differences.is_empty(), "a difference is shown");
    assert!(
        stale.differences.iter().all(|line| !line.contains("does not own")),
        "compared with an adopting plan, not refused: {:?}",
        stale.differences
    );
}

#[test]
fn a_script_built_lattice_service_is_adopted_but_never_its_service_network() {
    let topology = lattice_shop(&["web"]).build();
    let plan = planned(&topology, &lattice_account()).unwrap();
    let observed = without_marks(&simulate(&plan, &lattice_account()));
    let refused = plan_apply(&topology, &observed).unwrap_err();
    assert!(refused.to_string().contains("shop-orders"), "a taken Lattice name is refused: {refused}");
    let plan = adopted(&topology, &observed, &AdoptPolicy::default()).unwrap();
    assert_eq!(
        adopted_addresses(&plan),
        [
            "lattice.vpc_association",
            "service.orders.lattice",
            "service.orders.lattice.association",
            "service.orders.lattice.ingress",
            "service.orders.lattice.listener",
            "service.orders.lattice.target_group",
        ]
    );
    assert!(plan.changes.iter().all(|change| change.action == Action::Adopt), "adopting changes nothing else");
    let after = simulate(&plan, &observed);
    let destroy = destroyed(&topology, &after).unwrap();
    let gone = simulate(&destroy, &after);
    assert!(gone.lattice.services.is_empty() && gone.lattice.target_groups.is_empty());
    assert!(gone.lattice.vpc_associations.is_empty(), "the adopted VPC association went with the rest");
    let networks: Vec<&str> = gone.lattice.service_networks.iter().map(|network| network.name.as_str()).collect();
    assert_eq!(networks, ["shop-net"], "the service network is used, never adopted, so destroy leaves it");
}

#[test]
fn another_topologys_lattice_service_is_never_adopted() {
    let topology = lattice_shop(&["web"]).build();
    let plan = planned(&topology, &lattice_account()).unwrap();
    let mut observed = without_marks(&simulate(&plan, &lattice_account()));
    let service = observed.lattice.services.iter_mut().find(|service| service.name == "shop-orders").unwrap();
    service.tags.insert("ecsnet:topology".into(), "other".into());
    let plan = plan_adopting(&topology, &observed, &AdoptPolicy::default()).unwrap_err();
    assert!(plan.to_string().contains("shop-orders"), "the name stays taken: {plan}");
}
