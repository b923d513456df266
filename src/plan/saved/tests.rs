use super::*;
use crate::live::{SecurityGroup, Tags, Vpc};
use crate::plan::adopt::Mark;
use crate::plan::{
    Action, Address, Change, CloudMapOp, Ec2Op, EcsOp, EcsUpdate, LoadBalancingOp, Operation, Route53Op,
};

fn observed() -> Observed {
    let group = |id: &str| SecurityGroup {
        id: id.into(),
        group_name: id.into(),
        tags: Tags::new(),
        rules: vec![],
        references: vec![],
    };
    Observed {
        vpc: Some(Vpc { id: "vpc-1".into(), cidrs: vec!["10.0.0.0/16".into()] }),
        security_groups: vec![group("sg-1"), group("sg-2")],
        ..Observed::default()
    }
}

#[test]
fn the_fingerprint_ignores_order_and_the_lock_and_sees_changes() {
    let mut reordered = observed();
    reordered.security_groups.reverse();
    assert_eq!(fingerprint(&observed()), fingerprint(&reordered));
    let mut locked = observed();
    let mut lock = SecurityGroup {
        id: "sg-lock".into(),
        group_name: "ecsnet-lock-demo".into(),
        tags: Tags::new(),
        rules: vec![],
        references: vec![],
    };
    lock.tags.insert(ADDRESS_TAG.into(), LOCK_ADDRESS.into());
    locked.security_groups.push(lock);
    assert_eq!(fingerprint(&observed()), fingerprint(&locked));
    let mut changed = observed();
    changed.security_groups[0].group_name = "renamed".into();
    assert_ne!(fingerprint(&observed()), fingerprint(&changed));
}

#[test]
fn a_saved_plan_round_trips_with_its_adoption_policy_and_checks_its_format() {
    let plan = Plan { topology: "demo".into(), changes: vec![], notes: vec![], migrations: vec![] };
    let policy = AdoptPolicy { retiring_stacks: vec!["old-stack".into()] };
    let saved = SavedPlan::new("ecsnet.toml", "name = \"demo\"", Some(&policy), &observed(), plan);
    let text = serde_json::to_string(&saved).unwrap();
    assert_eq!(SavedPlan::parse("p.json", &text).unwrap(), saved);
    let other = serde_json::to_string(&SavedPlan { format: "something".into(), ..saved }).unwrap();
    assert_eq!(
        SavedPlan::parse("p.json", &other).unwrap_err().to_string(),
        "p.json is not a saved ecsnet plan (format \"something\")"
    );
    assert!(SavedPlan::parse("p.json", "{")
        .unwrap_err()
        .to_string()
        .starts_with("p.json is not a saved ecsnet plan: "));
}

fn change(address: Address, operation: Operation) -> Change {
    Change { address, action: Action::Delete, name: "x".into(), fields: vec![], reason: None, operation }
}

/// One change of every kind the executor dispatches on: each AWS service's, an adoption, one with no call.
fn every_service() -> Plan {
    let update = EcsUpdate {
        cluster: "c".into(),
        service: "s".into(),
        arn: "arn:ecs".into(),
        load_balancers: None,
        registries: None,
        connect: None,
        lattice: None,
    };
    let changes = vec![
        change(Address::LoadBalancerSecurityGroup, Ec2Op::DeleteSecurityGroup { group_id: "sg-1".into() }.into()),
        change(Address::TargetGroup("a".into()), LoadBalancingOp::DeleteTargetGroup { arn: "arn:tg".into() }.into()),
        change(Address::HostedZone, Route53Op::DeleteHostedZone { zone_id: "Z1".into() }.into()),
        change(Address::Namespace, CloudMapOp::DeleteNamespace { id: "ns-1".into() }.into()),
        change(Address::EcsService("a".into()), EcsOp::UpdateService(update).into()),
        change(Address::Ingress("a".into()), Operation::Adopt(Mark::Ec2Tags { id: "sg-2".into(), tags: vec![] })),
        change(Address::ListenerRule("a".into(), 80), Operation::RemovedWithParent),
    ];
    Plan { topology: "demo".into(), changes, notes: vec![], migrations: vec![] }
}

#[test]
fn operations_of_every_service_round_trip_nested_by_service() {
    let saved = SavedPlan::new("ecsnet.toml", "name = \"demo\"", None, &observed(), every_service());
    let text = serde_json::to_string(&saved).unwrap();
    let operations: Vec<String> = serde_json::from_str::<serde_json::Value>(&text).unwrap()["plan"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| change["operation"].to_string())
        .collect();
    assert_eq!(
        operations,
        [
            r#"{"Ec2":{"DeleteSecurityGroup":{"group_id":"sg-1"}}}"#,
            r#"{"LoadBalancing":{"DeleteTargetGroup":{"arn":"arn:tg"}}}"#,
            r#"{"Route53":{"DeleteHostedZone":{"zone_id":"Z1"}}}"#,
            r#"{"CloudMap":{"DeleteNamespace":{"id":"ns-1"}}}"#,
            r#"{"Ecs":{"UpdateService":{"arn":"arn:ecs","cluster":"c","connect":null,"load_balancers":null,"registries":null,"service":"s"}}}"#,
            r#"{"Adopt":{"Ec2Tags":{"id":"sg-2","tags":[]}}}"#,
            r#""RemovedWithParent""#,
        ]
    );
    assert_eq!(SavedPlan::parse("p.json", &text).unwrap(), saved);
}

/// A plan saved by the ecsnet before operations were nested per service: refused by its version, with the
/// error that says so, not with a parse error about its operations.
#[test]
fn a_plan_of_the_flat_operations_is_refused_by_its_version() {
    let old = r#"{"format":"ecsnet-saved-plan","format_version":4,"topology_path":"ecsnet.toml",
        "topology_text":"","fingerprint":"0","plan":{"topology":"demo","changes":[{"address":"HostedZone",
        "action":"Delete","name":"Z1","fields":[],"reason":null,
        "operation":{"DeleteHostedZone":{"zone_id":"Z1"}}}],"notes":[],"migrations":[]}}"#;
    let error = SavedPlan::parse("old.json", old).unwrap_err().to_string();
    assert_eq!(error, "old.json is a saved plan of format version 4; this ecsnet reads version 5");
}
