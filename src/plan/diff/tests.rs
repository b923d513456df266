//! Planner tests: no network, live state built with the observed-state builder.

use crate::observed::*;
use crate::plan::ownership::ATTRIBUTES_TAG;
use crate::plan::{schedule, topological_order, Action, Address, ManagedAttributes, Note, Operation, Plan, Ref, Work};
use crate::test_support::{ingress, owned_tags, security_group, subnet, ObservedBuilder, TopologyBuilder};
use crate::topology::{Stickiness, TargetGroupAttributes};

use crate::test_support::{destroyed, id_of, planned, simulate};

/// One service behind an internal load balancer, its name in a private zone.
fn seed() -> TopologyBuilder {
    TopologyBuilder::new("demo")
        .vpc("demo-vpc")
        .subnets(["private-a", "private-b"])
        .load_balancer()
        .dns("in.example.com")
        .service("service-a", |service| {
            service
                .health_check(|check| check.path("/application-status/health").interval(5).timeout(4).thresholds(2, 10))
        })
}

/// The tasks' group of service-a, with a rule of the user's own.
fn tasks_group() -> SecurityGroup {
    SecurityGroup {
        rules: vec![ingress("sgr-user", "tcp", 22, Peer::Cidr("10.9.0.0/16".into()))],
        ..security_group("sg-tasks", "service-a-tasks")
    }
}

/// A VPC with two subnets in two zones and the tasks' group, before ecsnet ran.
fn account() -> ObservedBuilder {
    ObservedBuilder::new().vpc("vpc-1").subnet(subnet("subnet-b", Some("private-b"), "us-east-1b")).subnet(subnet(
        "subnet-a",
        Some("private-a"),
        "us-east-1a",
    ))
}

fn empty_account() -> Observed {
    account().security_group(tasks_group()).build()
}

/// The account as AWS leaves it after `apply` of `seed()`.
fn converged_account() -> Observed {
    let plan = planned(&seed().build(), &empty_account()).unwrap();
    simulate(&plan, &empty_account())
}

fn addresses(plan: &Plan, action: Action) -> Vec<String> {
    plan.changes.iter().filter(|change| change.action == action).map(|change| change.address.to_string()).collect()
}

#[test]
fn from_nothing_everything_is_created_in_dependency_order() {
    let plan = planned(&seed().build(), &empty_account()).unwrap();
    assert_eq!(
        addresses(&plan, Action::Create),
        [
            "load_balancer.security_group",
            "load_balancer.default_target_group",
            "dns.zone",
            "service.service-a.target_group",
            "load_balancer",
            "service.service-a.ingress",
            "listener.80",
            "service.service-a.rule.80",
            "service.service-a.dns_record.service-a.in.example.com",
        ]
    );
    assert_eq!(plan.summary().add, 9);
    let group = plan.changes.iter().find(|change| change.address == Address::LoadBalancerSecurityGroup).unwrap();
    let Operation::CreateSecurityGroup { rules, .. } = &group.operation else { panic!() };
    assert_eq!(rules.len(), 3, "80 and 443 in from the VPC, everything out to the VPC: {rules:?}");
    let record = plan
        .changes
        .iter()
        .find(|change| change.address == Address::DnsRecord("service-a".into(), "service-a.in.example.com".into()))
        .unwrap();
    assert!(record.fields.iter().any(|field| field.new.as_deref() == Some(crate::plan::KNOWN_AFTER_APPLY)));
}

#[test]
fn a_converged_account_needs_no_changes() {
    let plan = planned(&seed().build(), &converged_account()).unwrap();
    assert!(plan.is_empty(), "{:#?}", plan.changes);
    assert!(plan.notes.is_empty(), "{:?}", plan.notes);
}

#[test]
fn a_health_check_changed_by_hand_is_an_update_with_old_and_new() {
    let mut observed = converged_account();
    observed.target_groups[1].health_check.path = "/".into();
    let plan = planned(&seed().build(), &observed).unwrap();
    assert_eq!(plan.changes.len(), 1);
    let change = &plan.changes[0];
    assert_eq!((change.action, change.address.to_string()), (Action::Update, "service.service-a.target_group".into()));
    assert_eq!(change.fields[0].field, "health_check.path");
    assert_eq!(change.fields[0].old.as_deref(), Some("/"));
    assert_eq!(change.fields[0].new.as_deref(), Some("/application-status/health"));
}

#[test]
fn a_deleted_rule_and_record_are_recreated() {
    let mut observed = converged_account();
    observed.load_balancers[0].listeners[0].rules.clear();
    observed.zones[0].records.retain(|record| record.kind != "CNAME");
    let plan = planned(&seed().build(), &observed).unwrap();
    assert_eq!(
        addresses(&plan, Action::Create),
        ["service.service-a.rule.80", "service.service-a.dns_record.service-a.in.example.com"]
    );
    let Operation::CreateRule { listener, target_group, priority, .. } = &plan.changes[0].operation else { panic!() };
    assert_eq!(
        (listener, target_group, *priority),
        (
            &Ref::Known(id_of(&observed, &Address::Listener(0, 80))),
            &Ref::Known(id_of(&observed, &Address::TargetGroup("service-a".into()))),
            1
        )
    );
}

#[test]
fn a_new_port_replaces_the_target_group_and_moves_the_rule() {
    let plan =
        planned(&seed().service("service-a", |service| service.port(9090)).build(), &converged_account()).unwrap();
    let replace = plan.changes.iter().find(|change| change.action == Action::Replace).unwrap();
    assert_eq!(replace.address, Address::TargetGroup("service-a".into()));
    assert_eq!(replace.reason.as_ref().map(ToString::to_string).as_deref(), Some("port cannot change in place"));
    let rule =
        plan.changes.iter().find(|change| change.address == Address::ListenerRule("service-a".into(), 80)).unwrap();
    assert!(matches!(&rule.operation, Operation::UpdateRule { target_group: Some(Ref::Of(_)), .. }));
    let ingress = plan.changes.iter().find(|change| change.address == Address::Ingress("service-a".into())).unwrap();
    assert_eq!(ingress.action, Action::Update);
    let steps = schedule(&plan);
    let order = topological_order(&steps).expect("no cycle");
    let position = |wanted: &dyn Fn(&Work) -> bool| order.iter().position(|&step| wanted(&steps[step].work)).unwrap();
    let retire = position(&|work| matches!(work, Work::RetireTargetGroup(_)));
    let rule_index =
        plan.changes.iter().position(|change| change.address == Address::ListenerRule("service-a".into(), 80)).unwrap();
    let move_rule = position(&|work| *work == Work::Change(rule_index));
    assert!(move_rule < retire, "the old target group is retired only after the rule moved");
}

#[test]
fn a_priority_held_by_a_foreign_rule_is_not_stolen() {
    let mut observed = converged_account();
    observed.load_balancers[0].listeners[0].rules.clear();
    observed.load_balancers[0].listeners[0].rules.push(Rule {
        arn: "arn:rule/user".into(),
        priority: 1,
        hosts: vec!["user.in.example.com".into()],
        paths: vec![],
        target_group_arn: None,
        tags: Tags::new(),
    });
    let plan = planned(&seed().build(), &observed).unwrap();
    let Operation::CreateRule { priority, .. } = &plan.changes[0].operation else { panic!("{:?}", plan.changes) };
    assert_eq!(*priority, 2);
    let explicit = seed().service("service-a", |service| service.priority(1));
    let error = planned(&explicit.build(), &observed).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("priority 1 of service \"service-a\" is held by a rule on listener 80 that ecsnet does not own"),
        "{error}"
    );
}

#[test]
fn a_record_ecsnet_does_not_own_is_a_conflict_not_an_overwrite() {
    let mut observed = converged_account();
    observed.zones[0].records.retain(|record| record.kind != "TXT");
    let error = planned(&seed().build(), &observed).unwrap_err();
    assert!(error.to_string().contains("service-a.in.example.com already has a CNAME record in zone in.example.com that ecsnet topology demo does not own"), "{error}");
}

#[test]
fn a_missing_vpc_subnet_or_group_is_named() {
    let mut observed = empty_account();
    observed.subnets.pop();
    observed.security_groups.clear();
    let error = planned(&seed().build(), &observed).unwrap_err().to_string();
    assert!(error.contains("network.subnets[0]: no subnet of the VPC has the ID or Name tag \"private-a\""), "{error}");
    assert!(error.contains("service[0].security_group: no security group of the VPC"), "{error}");
    observed.vpc = None;
    let error = planned(&seed().build(), &observed).unwrap_err().to_string();
    assert!(error.contains("network.vpc: no VPC has the ID or Name tag \"demo-vpc\""), "{error}");
}

#[test]
fn subnets_in_one_availability_zone_are_refused() {
    let mut observed = empty_account();
    observed.subnets[0].availability_zone = "us-east-1a".into();
    let error = planned(&seed().build(), &observed).unwrap_err().to_string();
    assert!(error.contains("all subnets are in one Availability Zone"), "{error}");
}

#[test]
fn destroy_removes_what_the_topology_owns_and_nothing_else() {
    let mut observed = converged_account();
    observed.target_groups.push(TargetGroup {
        tags: Tags::new(),
        arn: "arn:tg/foreign".into(),
        name: "foreign".into(),
        ..observed.target_groups[0].clone()
    });
    observed.target_groups.push(TargetGroup {
        tags: owned_tags("other", &Address::TargetGroup("x".into())),
        arn: "arn:tg/other".into(),
        name: "other".into(),
        ..observed.target_groups[0].clone()
    });
    observed.zones[0].records.push(Record {
        name: "user.in.example.com".into(),
        kind: "A".into(),
        ttl: Some(300),
        values: vec!["10.0.0.9".into()],
        alias: None,
        alias_zone: None,
    });
    let plan = destroyed(&seed().build(), &observed).unwrap();
    assert!(plan.changes.iter().all(|change| change.action == Action::Delete));
    let deleted: Vec<String> =
        plan.changes.iter().map(|change| format!("{} {}", change.address, change.name)).collect();
    assert!(!deleted.iter().any(|line| line.contains("foreign") || line.contains("other")), "{deleted:?}");
    assert_eq!(plan.changes.len(), 8, "{deleted:?}");
    assert!(
        !deleted.iter().any(|line| line.starts_with("dns.zone")),
        "a zone with a foreign record stays: {deleted:?}"
    );
    assert!(plan.notes.iter().any(|note| note.text.contains("A user.in.example.com")), "{:?}", plan.notes);
    let revoke = plan.changes.iter().find(|change| change.address == Address::Ingress("service-a".into())).unwrap();
    assert_eq!(
        revoke.operation,
        Operation::SetIngress {
            revoke: vec![("sg-tasks".into(), vec![id_of(&observed, &Address::Ingress("service-a".into()))])],
            authorize: None
        }
    );
    let removed_with_load_balancer =
        plan.changes.iter().filter(|change| change.operation == Operation::RemovedWithParent).count();
    assert_eq!(removed_with_load_balancer, 2, "the listener and its rule go with the load balancer");
    let steps = schedule(&plan);
    let order = topological_order(&steps).expect("no cycle");
    let step_of = |address: Address| {
        let index = plan.changes.iter().position(|change| change.address == address).unwrap();
        order.iter().position(|&step| steps[step].changes().contains(&index)).unwrap()
    };
    assert!(step_of(Address::LoadBalancer(0)) < step_of(Address::LoadBalancerSecurityGroup));
    assert!(step_of(Address::Ingress("service-a".into())) < step_of(Address::LoadBalancerSecurityGroup));
    assert!(step_of(Address::LoadBalancer(0)) < step_of(Address::TargetGroup("service-a".into())));
}

#[test]
fn destroy_deletes_an_owned_zone_once_its_records_are_gone_and_never_an_adopted_one() {
    let observed = converged_account();
    let plan = destroyed(&seed().build(), &observed).unwrap();
    let steps = schedule(&plan);
    let order = topological_order(&steps).unwrap();
    let zone =
        plan.changes.iter().position(|change| change.address == Address::HostedZone).expect("owned zone deleted");
    let record = plan
        .changes
        .iter()
        .position(|change| change.address == Address::DnsRecord("service-a".into(), "service-a.in.example.com".into()))
        .unwrap();
    let step_of = |index| order.iter().position(|&step| steps[step].changes().contains(&index)).unwrap();
    assert!(step_of(record) < step_of(zone));

    let mut adopted = converged_account();
    adopted.zones[0].comment = Some("made by hand".into());
    let plan = planned(&seed().build(), &adopted).unwrap();
    assert!(plan.is_empty());
    assert!(plan.notes[0].text.contains("ecsnet did not create it and will never delete it"));
    let plan = destroyed(&seed().build(), &adopted).unwrap();
    assert!(!plan.changes.iter().any(|change| change.address == Address::HostedZone));
}

#[test]
fn a_users_identical_ingress_rule_satisfies_the_topology() {
    let mut observed = converged_account();
    let ecsnets = id_of(&observed, &Address::Ingress("service-a".into()));
    let load_balancer_group = id_of(&observed, &Address::LoadBalancerSecurityGroup);
    observed.security_groups[0].rules.retain(|rule| rule.id != ecsnets);
    observed.security_groups[0].rules.push(ingress("sgr-user2", "tcp", 8080, Peer::Group(load_balancer_group)));
    let plan = planned(&seed().build(), &observed).unwrap();
    assert!(plan.is_empty(), "{:?}", plan.changes);
    assert!(plan.notes[0].text.contains("through a rule ecsnet does not own"));
}

#[test]
fn a_removed_service_loses_its_rule_record_ingress_and_target_group() {
    let plan = planned(&seed().without_services().build(), &converged_account()).unwrap();
    assert_eq!(
        addresses(&plan, Action::Delete),
        [
            "service.service-a.dns_record.service-a.in.example.com",
            "service.service-a.rule.80",
            "service.service-a.ingress",
            "service.service-a.target_group"
        ]
    );
    assert!(topological_order(&schedule(&plan)).is_some());
}

#[test]
fn a_scheme_change_builds_a_new_load_balancer_beside_the_old_and_moves_everything_before_the_old_goes() {
    let text = seed().load_balancer_with(|balancer| balancer.internet_facing(["10.0.0.0/16"]));
    let converged = converged_account();
    let plan = planned(&text.build(), &converged).unwrap();
    let replace = change_of(&plan, &Address::LoadBalancer(0));
    assert_eq!(replace.action, Action::Replace);
    assert_eq!(
        replace.reason.as_ref().map(ToString::to_string).as_deref(),
        Some("scheme cannot change in place; the new one takes over before the old one goes")
    );
    let Operation::ReplaceLoadBalancer { spec, old_arn } = &replace.operation else { panic!() };
    assert_eq!(
        (spec.name.as_str(), old_arn.as_str()),
        ("demo-alb-ext", id_of(&converged, &Address::LoadBalancer(0)).as_str()),
        "the new one takes the alternate name while the old holds the name"
    );
    for group in [Address::DefaultTargetGroup(0), Address::TargetGroup("service-a".into())] {
        let change = change_of(&plan, &group);
        assert_eq!(
            (change.action, change.reason.as_ref().map(ToString::to_string).as_deref()),
            (Action::Replace, Some("the load balancer is replaced, and a target group serves one load balancer"))
        );
    }
    assert_eq!(addresses(&plan, Action::Create), ["listener.80", "service.service-a.rule.80"]);
    assert_eq!(addresses(&plan, Action::Update), ["service.service-a.dns_record.service-a.in.example.com"]);
    let steps = schedule(&plan);
    let order = topological_order(&steps).expect("no cycle");
    let position = |wanted: &dyn Fn(&Work) -> bool| order.iter().position(|&step| wanted(&steps[step].work)).unwrap();
    let retire_load_balancer = position(&|work| matches!(work, Work::RetireLoadBalancer(_)));
    let record = plan.changes.iter().position(|change| matches!(change.address, Address::DnsRecord(..))).unwrap();
    assert!(
        position(&|work| work.clone() == Work::Records(vec![record])) < retire_load_balancer,
        "the name moves before the old load balancer goes"
    );
    assert!(
        retire_load_balancer < position(&|work| matches!(work, Work::RetireTargetGroup(_))),
        "the old target groups go after the old load balancer"
    );

    let mut moved = converged_account();
    moved.load_balancers[0].name = "demo-alb-ext".into();
    moved.load_balancers[0].scheme = "internet-facing".into();
    let plan = planned(&text.build(), &moved).unwrap();
    assert!(
        !plan.changes.iter().any(|change| change.address == Address::LoadBalancer(0)),
        "the alternate name is the load balancer's own: {:?}",
        plan.changes
    );
}

fn change_of<'p>(plan: &'p Plan, address: &Address) -> &'p crate::plan::Change {
    plan.changes.iter().find(|change| change.address == *address).unwrap_or_else(|| panic!("no change for {address}"))
}

#[test]
fn duplicates_left_by_a_crashed_run_are_deleted() {
    let mut observed = converged_account();
    let duplicate = TargetGroup {
        arn: "arn:tg/a2".into(),
        name: "demo-service-a-dupe".into(),
        ..observed.target_groups[1].clone()
    };
    observed.target_groups.push(duplicate);
    let plan = planned(&seed().build(), &observed).unwrap();
    assert_eq!(plan.changes.len(), 1);
    assert_eq!(plan.changes[0].operation, Operation::DeleteTargetGroup { arn: "arn:tg/a2".into() });
}

#[test]
fn more_rules_than_one_load_balancer_holds_go_to_a_second_and_adding_a_service_moves_no_other() {
    let text = (0..150).fold(seed().without_services(), |text, index| {
        text.service(format!("s{index}"), |service| service.security_group("service-a-tasks"))
    });
    let plan = planned(&text.build(), &empty_account()).unwrap();
    let created = |address: Address| {
        plan.changes.iter().any(|change| change.address == address && change.action == Action::Create)
    };
    assert!(
        created(Address::LoadBalancer(0)) && created(Address::LoadBalancer(1)) && !created(Address::LoadBalancer(2))
    );
    assert!(created(Address::Listener(1, 80)) && created(Address::DefaultTargetGroup(1)));
    let rule_on = |service: &str| {
        let change = change_of(&plan, &Address::ListenerRule(service.into(), 80));
        let Operation::CreateRule { listener, .. } = &change.operation else { panic!() };
        listener.clone()
    };
    // 100 rules fit on one load balancer, but with its empty default target group 100 services would make 101
    // unique target groups (TooManyUniqueTargetGroupsPerLoadBalancer): the 100th service goes to the second.
    assert_eq!(rule_on("s98"), Ref::Of(Address::Listener(0, 80)));
    assert_eq!(rule_on("s99"), Ref::Of(Address::Listener(1, 80)));
    assert_eq!(rule_on("s100"), Ref::Of(Address::Listener(1, 80)));
    let groups_on = |shard: u16| {
        1 + (0..150).filter(|index| rule_on(&format!("s{index}")) == Ref::Of(Address::Listener(shard, 80))).count()
    };
    assert_eq!(
        (groups_on(0), groups_on(1)),
        (100, 52),
        "unique target groups per load balancer, the default one included"
    );
    let record = change_of(&plan, &Address::DnsRecord("s120".into(), "s120.in.example.com".into()));
    let Operation::ChangeRecords { upsert: Some(spec), .. } = &record.operation else { panic!() };
    assert_eq!(
        spec.target,
        crate::plan::RecordTarget::Of(Address::LoadBalancer(1)),
        "the name points at the load balancer with the service's rule"
    );
    let balancer = change_of(&plan, &Address::LoadBalancer(1));
    assert_eq!(balancer.name, "demo-alb-2");
    assert!(topological_order(&schedule(&plan)).is_some());
}

#[test]
fn destroy_warns_of_rules_it_does_not_own_that_keep_the_load_balancers_group_alive() {
    let mut observed = converged_account();
    let load_balancer_group = id_of(&observed, &Address::LoadBalancerSecurityGroup);
    observed.security_groups.push(SecurityGroup {
        id: "sg-user".into(),
        group_name: "user".into(),
        tags: Tags::new(),
        rules: vec![],
        references: vec![load_balancer_group.clone()],
    });
    let plan = destroyed(&seed().build(), &observed).unwrap();
    assert!(
        plan.notes.iter().any(|note| note.to_string().starts_with(
            &format!("warning: sg-user has rules ecsnet does not own that refer to the load balancer's group {load_balancer_group}")
        )),
        "{:?}",
        plan.notes
    );
    let clean = destroyed(&seed().build(), &converged_account()).unwrap();
    assert!(
        !clean.notes.iter().any(|note| note.text.contains("refer to the load balancer's group")),
        "ecsnet's own ingress is revoked first, no warning: {:?}",
        clean.notes
    );
}

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
    let shown: Vec<String> = change
        .fields
        .iter()
        .map(|field| format!("{}: {} → {}", field.field, field.old.as_deref().unwrap(), field.new.as_deref().unwrap()))
        .collect();
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
        Operation::UpdateTargetGroup {
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
        }
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
    let shown: Vec<String> = plan.changes[0]
        .fields
        .iter()
        .map(|field| format!("{}: {} → {}", field.field, field.old.as_deref().unwrap(), field.new.as_deref().unwrap()))
        .collect();
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
    let shown: Vec<String> = plan.changes[0]
        .fields
        .iter()
        .map(|field| format!("{}: {} → {}", field.field, field.old.as_deref().unwrap(), field.new.as_deref().unwrap()))
        .collect();
    assert_eq!(shown, ["managed_attributes: (none) → deregistration_delay, slow_start, stickiness"]);
    let Operation::UpdateTargetGroup { attributes, .. } = &plan.changes[0].operation else { panic!() };
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
    let shown: Vec<String> = plan.changes[0]
        .fields
        .iter()
        .map(|field| format!("{}: {} → {}", field.field, field.old.as_deref().unwrap(), field.new.as_deref().unwrap()))
        .collect();
    assert_eq!(shown, ["idle_timeout: 30 → 60 (AWS's default)", "managed_attributes: idle_timeout → (none)"]);
    let after = simulate(&plan, &observed);
    assert!(planned(&seed().build(), &after).unwrap().is_empty());
}

#[test]
fn a_vpc_without_dns_hostnames_is_a_warning_when_the_topology_makes_names() {
    let mut observed = converged_account();
    observed.vpc_dns = Some(VpcDns { support: true, hostnames: false });
    let plan = planned(&seed().build(), &observed).unwrap();
    assert_eq!(
        plan.notes,
        [Note::warning("network.vpc: vpc-1 has enableDnsHostnames off, so names in the private zone in.example.com will not resolve in it (a private zone needs enableDnsSupport and enableDnsHostnames on); turn it on: aws ec2 modify-vpc-attribute --vpc-id vpc-1 --enable-dns-hostnames")]
    );
    assert!(plan.is_empty(), "a warning changes nothing");
    observed.vpc_dns = Some(VpcDns { support: true, hostnames: true });
    assert!(planned(&seed().build(), &observed).unwrap().notes.is_empty());
    observed.vpc_dns = Some(VpcDns { support: false, hostnames: false });
    let without_names = seed().without_dns().service("service-a", |service| service.host("a.example.com"));
    assert!(
        !planned(&without_names.build(), &observed).unwrap().notes.iter().any(|note| note.text.contains("enableDns")),
        "no zone, no namespace: nothing to resolve"
    );
}

#[test]
fn ownership_markers_fit_one_txt_string_at_plan_time() {
    let long_topology = "t".repeat(32);
    let service = "s".repeat(32);
    let host = format!("{}.{}.in.example.com", "a".repeat(63), "b".repeat(49));
    assert_eq!(host.len(), 128);
    let text = seed()
        .name(&long_topology)
        .load_balancer_with(|balancer| balancer.name("demo-alb"))
        .without_services()
        .service(&service, |service| service.security_group("service-a-tasks").host(&host));
    let plan = planned(&text.build(), &empty_account()).unwrap();
    let record = change_of(&plan, &Address::DnsRecord(service.clone(), host.clone()));
    let Operation::ChangeRecords { upsert: Some(spec), .. } = &record.operation else { panic!() };
    assert_eq!(
        spec.owner_value,
        format!("\"heritage=ecsnet,ecsnet/topology={long_topology},ecsnet/address=service.{service}.dns_record\"")
    );
    assert!(spec.owner_value.len() - 2 <= crate::plan::ownership::MAX_TXT_STRING);
}
