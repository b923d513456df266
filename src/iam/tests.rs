use std::path::{Path, PathBuf};

use serde_json::Value;

use super::operations::find;
use super::*;
use crate::test_support::TopologyBuilder;

/// Every `.for_operation("Operation")` in `src/aws/`, with the client of the nearest `aws.<client>.` before it.
fn operations_in_source() -> Vec<(PathBuf, Option<Client>, String)> {
    let mut files = Vec::new();
    let mut folders = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src/aws")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                files.push(path);
            }
        }
    }
    let clients = [Client::Ec2, Client::Elb, Client::Route53, Client::Discovery, Client::Ecs, Client::Lattice];
    let mut found = Vec::new();
    for path in files {
        // Without whitespace, so chains rustfmt splits over lines (`run\n.aws\n.route53`) read as one.
        let text: String =
            std::fs::read_to_string(&path).unwrap().chars().filter(|character| !character.is_whitespace()).collect();
        for (at, _) in text.match_indices(".for_operation(\"") {
            let start = at + ".for_operation(\"".len();
            let name = &text[start..start + text[start..].find('"').unwrap()];
            let before = &text[..at];
            let client = clients
                .iter()
                .copied()
                .filter_map(|client| {
                    before.rfind(&format!("aws.{}.", client.field())).map(|position| (position, client))
                })
                .max()
                .map(|(_, client)| client);
            found.push((path.clone(), client, name.to_string()));
        }
    }
    found
}

#[test]
fn every_operation_in_the_aws_adapters_has_an_iam_entry() {
    let found = operations_in_source();
    assert!(found.len() > 40, "the scan finds the adapters' operations: {found:?}");
    let missing: Vec<String> = found
        .iter()
        .filter(|(_, client, name)| client.is_none_or(|client| find(client, name).is_none()))
        .map(|(path, client, name)| format!("{} {client:?} {name}", path.display()))
        .collect();
    assert!(
        missing.is_empty(),
        "operations called in src/aws/ without an entry in src/iam/operations.rs:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_scan_tells_clients_apart() {
    let found = operations_in_source();
    let ecs_update = found.iter().any(|(path, client, name)| {
        path.ends_with("execute/ecs.rs") && *client == Some(Client::Ecs) && name == "UpdateService"
    });
    let cloud_map_update = found.iter().any(|(path, client, name)| {
        path.ends_with("execute/discovery/mod.rs") && *client == Some(Client::Discovery) && name == "UpdateService"
    });
    assert!(ecs_update && cloud_map_update);
}

#[test]
fn init_is_granted_every_request_it_makes() {
    // Its own reads (src/aws/observe/cluster*), and those of the helpers it shares with plan.
    let shared = [
        (Client::Ecs, "DescribeTaskDefinition"),
        (Client::Elb, "DescribeListeners"),
        (Client::Elb, "DescribeRules"),
        (Client::Ec2, "DescribeSecurityGroupRules"),
    ];
    let own = operations_in_source()
        .into_iter()
        .filter(|(path, ..)| path.to_string_lossy().contains("observe/cluster"))
        .filter_map(|(_, client, name)| Some((client?, name)));
    let made: Vec<(Client, String)> =
        own.chain(shared.iter().map(|(client, name)| (*client, name.to_string()))).collect();
    assert!(made.len() >= 9, "the scan finds init's reads: {made:?}");
    let missing: Vec<&(Client, String)> = made
        .iter()
        .filter(|(client, name)| {
            find(*client, name).is_none_or(|entry| !entry.needed_by.contains(&PolicyCommand::Init))
        })
        .collect();
    assert!(missing.is_empty(), "init makes these requests without an Init grant: {missing:?}");
}

fn policy(command: PolicyCommand, context: &PolicyContext) -> Value {
    serde_json::to_value(super::policy(command, context).document).unwrap()
}

fn actions(policy: &Value) -> Vec<String> {
    let mut actions: Vec<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|statement| {
            statement["Action"].as_array().unwrap().iter().map(|action| action.as_str().unwrap().to_string())
        })
        .collect();
    actions.sort();
    actions.dedup();
    actions
}

/// Whether `granted` allows `action`, named or by a verb's wildcard (`ec2:Describe*`).
fn covers(granted: &[String], action: &String) -> bool {
    granted.iter().any(|grant| match grant.strip_suffix('*') {
        Some(prefix) => action.starts_with(prefix),
        None => grant == action,
    })
}

fn statement<'a>(policy: &'a Value, sid: &str) -> &'a Value {
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|statement| statement["Sid"] == sid)
        .unwrap_or_else(|| panic!("no statement {sid} in {policy:#}"))
}

const NO_FILE: PolicyContext = PolicyContext { topology: None, region: None, adopt: true };

#[test]
fn plan_needs_only_reads() {
    let policy = policy(PolicyCommand::Plan, &NO_FILE);
    assert_eq!(policy["Version"], "2012-10-17");
    let actions = actions(&policy);
    assert!(actions.contains(&"ec2:DescribeVpcs".to_string()) && actions.contains(&"ecs:DescribeServices".to_string()));
    let verbs = [
        "Create",
        "Delete",
        "Modify",
        "Update",
        "Set",
        "Authorize",
        "Revoke",
        "Change",
        "Tag",
        "Untag",
        "Deregister",
        "AddTags",
    ];
    let writes: Vec<&String> = actions
        .iter()
        .filter(|action| verbs.iter().any(|verb| action.split(':').nth(1).unwrap().starts_with(verb)))
        .collect();
    assert!(writes.is_empty(), "plan's policy allows writes: {writes:?}");
    assert_eq!(policy["Statement"].as_array().unwrap().len(), 1, "reads take no resource: one statement on \"*\"");
}

#[test]
fn apply_covers_destroy_which_covers_plan() {
    let plan = actions(&policy(PolicyCommand::Plan, &NO_FILE));
    let destroy = actions(&policy(PolicyCommand::Destroy, &NO_FILE));
    let apply = actions(&policy(PolicyCommand::Apply, &NO_FILE));
    // A larger policy may grant by verb (`ec2:Describe*`) what a smaller one names.
    assert!(plan.iter().all(|action| covers(&destroy, action)));
    assert!(destroy.iter().all(|action| covers(&apply, action)), "{destroy:?}\n{apply:?}");
    assert!(
        destroy.contains(&"elasticloadbalancing:DeleteLoadBalancer".to_string())
            && !destroy.contains(&"elasticloadbalancing:CreateLoadBalancer".to_string())
    );
    assert!(apply.contains(&"iam:CreateServiceLinkedRole".to_string()));
}

fn topology() -> Topology {
    TopologyBuilder::new("demo")
        .region("eu-west-1")
        .subnets(["a", "b"])
        .load_balancer()
        .dns("in.example.com")
        .service("api", |service| {
            service.security_group("sg-0abc").ecs("arn:aws:ecs:eu-west-1:123456789012:cluster/main")
        })
        .build()
}

#[test]
fn a_file_scopes_mutations_to_the_topology() {
    let topology = topology();
    let policy = policy(
        PolicyCommand::Apply,
        &PolicyContext { topology: Some(&topology), region: Some("eu-west-1"), adopt: false },
    );
    let ecs = statement(&policy, "WiredEcsServices");
    assert_eq!(ecs["Resource"], serde_json::json!(["arn:aws:ecs:eu-west-1:*:service/main/api"]));
    assert_eq!(ecs["Action"], serde_json::json!(["ecs:UpdateService"]));
    let owned = statement(&policy, "OwnedByTopology");
    assert_eq!(
        owned["Condition"],
        serde_json::json!({ "StringEquals": { "aws:ResourceTag/ecsnet:topology": "demo" } })
    );
    assert!(owned["Action"].as_array().unwrap().contains(&"elasticloadbalancing:DeleteLoadBalancer".into()));
    let created = statement(&policy, "CreatedForTopology");
    assert_eq!(created["Condition"]["StringEquals"]["aws:RequestTag/ecsnet:topology"], "demo");
    let groups = statement(&policy, "ServiceSecurityGroups");
    assert_eq!(groups["Resource"], serde_json::json!(["arn:aws:ec2:eu-west-1:*:security-group/sg-0abc"]));
    let records = statement(&policy, "RecordsInZone");
    assert_eq!(
        records["Condition"]["ForAllValues:StringLike"]["route53:ChangeResourceRecordSetsNormalizedRecordNames"],
        serde_json::json!(["in.example.com", "*.in.example.com"])
    );
}

#[test]
fn without_a_file_scopes_fall_back() {
    let policy = policy(PolicyCommand::Apply, &NO_FILE);
    assert_eq!(statement(&policy, "WiredEcsServices")["Resource"], serde_json::json!(["arn:aws:ecs:*:*:service/*"]));
    assert_eq!(
        statement(&policy, "OwnedByTopology")["Condition"],
        serde_json::json!({ "Null": { "aws:ResourceTag/ecsnet:topology": "false" } })
    );
    let groups = statement(&policy, "GroupsInTopologyVpc");
    assert_eq!(groups["Resource"], serde_json::json!(["arn:aws:ec2:*:*:security-group/*"]));
    assert!(groups.get("Condition").is_none());
    assert!(statement(&policy, "RecordsInZone").get("Condition").is_none());
}

/// 100 services wired in four clusters, each with its own security group, using every recipe.
fn largest() -> Topology {
    let mut builder = TopologyBuilder::new("a-topology-name-of-32-characters")
        .region("eu-west-1")
        .vpc("vpc-0123456789abcdef0")
        .load_balancer_with(|balancer| balancer.name("edge"))
        .dns("internal.example.com")
        .discovery("svc.internal.example.com");
    for index in 0..100 {
        builder = builder.service(format!("service-{index:03}"), |service| {
            let service = service
                .security_group(&format!("sg-0{index:016x}"))
                .ecs(&format!("arn:aws:ecs:eu-west-1:123456789012:cluster/cluster-{}", index % 4));
            match index % 3 {
                0 => service.discovered(),
                1 => service.connect("http", None),
                _ => service,
            }
        });
    }
    with_lattice(builder.build(), ServiceNetworkRef::Name("mesh".into()))
}

const INFRASTRUCTURE_ROLE: &str = "arn:aws:iam::123456789012:role/ecs-infrastructure";

/// `topology` joining a VPC Lattice service network.
fn with_lattice(mut topology: Topology, service_network: ServiceNetworkRef) -> Topology {
    topology.lattice = Some(crate::topology::Lattice {
        service_network,
        security_groups: vec![],
        infrastructure_role: INFRASTRUCTURE_ROLE.into(),
    });
    topology
}

const EU_WEST_1: Option<&str> = Some("eu-west-1");

#[test]
fn the_largest_policy_fits_iams_managed_policy_quota() {
    let topology = largest();
    for (command, adopt) in
        [(PolicyCommand::Apply, false), (PolicyCommand::Apply, true), (PolicyCommand::Destroy, false)]
            .into_iter()
            .chain([(PolicyCommand::Plan, false)])
    {
        let policy = super::policy(command, &PolicyContext { topology: Some(&topology), region: EU_WEST_1, adopt });
        let size = policy.document.size();
        eprintln!(
            "{command:?} (adopt {adopt}): {size} characters without whitespace, coarsened {:?}",
            policy.coarsened
        );
        assert!(size <= MANAGED_POLICY_QUOTA, "{command:?}: {size} characters");
    }
    let apply = super::policy(
        PolicyCommand::Apply,
        &PolicyContext { topology: Some(&topology), region: EU_WEST_1, adopt: false },
    );
    assert!(apply.coarsened.starts_with(&[Coarsening::EcsServicesByCluster, Coarsening::SecurityGroupsByVpc]));
    let document = serde_json::to_value(&apply.document).unwrap();
    assert_eq!(
        statement(&document, "WiredEcsServices")["Resource"],
        serde_json::json!((0..4)
            .map(|cluster| format!("arn:aws:ecs:eu-west-1:*:service/cluster-{cluster}/*"))
            .collect::<Vec<_>>())
    );
    assert_eq!(
        statement(&document, "GroupsInTopologyVpc")["Condition"],
        serde_json::json!({ "ArnLike": { "ec2:Vpc": "arn:aws:ec2:eu-west-1:*:vpc/vpc-0123456789abcdef0" } })
    );
}

fn scoped(command: PolicyCommand, topology: &Topology) -> Value {
    policy(command, &PolicyContext { topology: Some(topology), region: EU_WEST_1, adopt: false })
}

fn sids(policy: &Value) -> Vec<String> {
    policy["Statement"].as_array().unwrap().iter().map(|statement| statement["Sid"].as_str().unwrap().into()).collect()
}

#[test]
fn a_small_file_fits_without_coarsening() {
    let apply = super::policy(
        PolicyCommand::Apply,
        &PolicyContext { topology: Some(&topology()), region: EU_WEST_1, adopt: false },
    );
    assert!(apply.coarsened.is_empty(), "{:?}", apply.coarsened);
    assert!(apply.document.size() <= MANAGED_POLICY_QUOTA);
}

#[test]
fn writes_only_for_the_recipes_the_file_uses() {
    let bare = TopologyBuilder::new("demo")
        .region("eu-west-1")
        .service("api", |service| service.load_balanced(false))
        .without_dns()
        .build();
    let actions = actions(&scoped(PolicyCommand::Apply, &bare));
    for absent in [
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:ModifyListener",
        "iam:CreateServiceLinkedRole",
        "route53:CreateHostedZone",
        "servicediscovery:CreatePrivateDnsNamespace",
        "servicediscovery:CreateService",
        "ecs:UpdateService",
        "ecs:TagResource",
    ] {
        assert!(!actions.contains(&absent.to_string()), "{absent} granted for a recipe the file does not use");
    }
    // Removals of what left the file stay, scoped to what the topology owns; reads stay.
    for present in [
        "elasticloadbalancing:DeleteLoadBalancer",
        "route53:DeleteHostedZone",
        "servicediscovery:DeleteNamespace",
        "elasticloadbalancing:DescribeLoadBalancers",
        "servicediscovery:ListNamespaces",
    ] {
        assert!(actions.contains(&present.to_string()), "{present} missing");
    }
    let policy = scoped(PolicyCommand::Apply, &bare);
    assert!(
        !sids(&policy).contains(&"RecordsInZone".to_string())
            && !sids(&policy).contains(&"WiredEcsServices".to_string())
    );
    assert!(
        !policy.to_string().contains("route53:ChangeResourceRecordSets"),
        "no record change outside a zone the file names: {policy}"
    );
}

#[test]
fn every_recipe_in_the_file_gets_its_writes() {
    let policy = scoped(PolicyCommand::Apply, &largest());
    let actions = actions(&policy);
    for present in [
        "elasticloadbalancing:CreateLoadBalancer",
        "route53:CreateHostedZone",
        "servicediscovery:CreatePrivateDnsNamespace",
        "ecs:UpdateService",
        "ecs:TagResource",
        "vpc-lattice:CreateService",
        "vpc-lattice:TagResource",
        "iam:PassRole",
    ] {
        assert!(covers(&actions, &present.to_string()), "{present} missing");
    }
    let of = |sid: &str| -> Vec<String> {
        let actions = statement(&policy, sid)["Action"].as_array().unwrap().clone();
        actions.iter().map(|action| action.as_str().unwrap().to_string()).collect()
    };
    assert!(covers(&of("CreatedForTopology"), &"servicediscovery:CreateService".into()));
    assert!(covers(&of("OwnedByTopology"), &"servicediscovery:DeleteNamespace".into()));
    // Coarsened by verb to fit, tag-on-create still only on creates.
    let coarsened = super::policy(
        PolicyCommand::Apply,
        &PolicyContext { topology: Some(&largest()), region: EU_WEST_1, adopt: false },
    )
    .coarsened;
    assert!(coarsened.contains(&Coarsening::ChangesByVerb), "{coarsened:?}");
    assert!(of("OwnedByTopology").contains(&"vpc-lattice:Delete*".to_string()));
    assert_eq!(
        statement(&policy, "TagOnCreateLattice")["Condition"]["StringLike"],
        serde_json::json!({ "vpc-lattice:CreateAction": "Create*" })
    );
}

#[test]
fn security_groups_are_scoped_to_the_vpc_tags_and_named_groups() {
    let topology = TopologyBuilder::new("demo")
        .region("eu-west-1")
        .vpc("vpc-0abc")
        .load_balancer()
        .dns("in.example.com")
        .service("api", |service| service.security_group("sg-0abc"))
        .build();
    let policy = scoped(PolicyCommand::Apply, &topology);
    let vpc = statement(&policy, "TopologyVpc");
    assert_eq!(vpc["Resource"], serde_json::json!(["arn:aws:ec2:eu-west-1:*:vpc/vpc-0abc"]));
    assert_eq!(vpc["Action"], serde_json::json!(["ec2:CreateSecurityGroup"]));
    let tagged = statement(&policy, "GroupsTaggedInRequest");
    assert_eq!(
        tagged["Condition"],
        serde_json::json!({ "StringEquals": { "aws:RequestTag/ecsnet:topology": "demo" } })
    );
    let named = statement(&policy, "ServiceSecurityGroups");
    assert_eq!(named["Action"], serde_json::json!(["ec2:AuthorizeSecurityGroupIngress"]));
    let in_vpc = statement(&policy, "GroupsInTopologyVpc");
    assert_eq!(in_vpc["Action"], serde_json::json!(["ec2:RevokeSecurityGroupIngress"]));
    assert_eq!(
        in_vpc["Condition"],
        serde_json::json!({ "ArnLike": { "ec2:Vpc": "arn:aws:ec2:eu-west-1:*:vpc/vpc-0abc" } })
    );
    let rules = statement(&policy, "SecurityGroupRules");
    assert_eq!(rules["Resource"], serde_json::json!(["arn:aws:ec2:eu-west-1:*:security-group-rule/*"]));
    assert_eq!(rules["Condition"]["StringEquals"]["aws:RequestTag/ecsnet:topology"], "demo");
    let no_any: Vec<&Value> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|statement| statement["Resource"] == serde_json::json!(["*"]) && statement.get("Condition").is_none())
        .flat_map(|statement| statement["Action"].as_array().unwrap())
        .filter(|action| {
            action.as_str().unwrap().starts_with("ec2:") && !action.as_str().unwrap().starts_with("ec2:Describe")
        })
        .collect();
    assert!(no_any.is_empty(), "EC2 mutations on \"*\" without a condition: {no_any:?}");
}

#[test]
fn ecs_grants_name_the_wired_services_and_only_the_connect_tag() {
    let policy = scoped(PolicyCommand::Apply, &topology());
    let tag = statement(&policy, "ServiceConnectTag");
    assert_eq!(tag["Resource"], serde_json::json!(["arn:aws:ecs:eu-west-1:*:service/main/api"]));
    assert_eq!(
        tag["Condition"],
        serde_json::json!({ "ForAllValues:StringEquals": { "aws:TagKeys": ["ecsnet:service-connect"] } })
    );
}

#[test]
fn unlock_reads_the_lock_and_deletes_only_owned_groups() {
    let policy = scoped(PolicyCommand::Unlock, &topology());
    assert_eq!(
        actions(&policy),
        ["ec2:DeleteSecurityGroup", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"].map(String::from).to_vec()
    );
    assert_eq!(statement(&policy, "OwnedSecurityGroups")["Action"], serde_json::json!(["ec2:DeleteSecurityGroup"]));
}

#[test]
fn every_statement_is_valid_grammar() {
    for command in [
        PolicyCommand::Plan,
        PolicyCommand::Apply,
        PolicyCommand::Destroy,
        PolicyCommand::Doctor,
        PolicyCommand::Init,
        PolicyCommand::Unlock,
    ] {
        for context in [NO_FILE, PolicyContext { topology: Some(&largest()), region: EU_WEST_1, adopt: false }] {
            let policy = policy(command, &context);
            let statements = policy["Statement"].as_array().unwrap();
            let mut sids: Vec<&str> = statements.iter().map(|statement| statement["Sid"].as_str().unwrap()).collect();
            sids.sort_unstable();
            let count = sids.len();
            sids.dedup();
            assert_eq!(sids.len(), count, "Sids are unique");
            for statement in statements {
                assert_eq!(statement["Effect"], "Allow");
                assert!(
                    !statement["Action"].as_array().unwrap().is_empty()
                        && !statement["Resource"].as_array().unwrap().is_empty()
                );
                assert!(statement["Sid"].as_str().unwrap().chars().all(|character| character.is_ascii_alphanumeric()));
            }
        }
    }
}

#[test]
fn only_an_adopting_policy_may_tag_what_no_topology_owns() {
    let topology = topology();
    let adopting = |adopt| {
        let policy =
            super::policy(PolicyCommand::Apply, &PolicyContext { topology: Some(&topology), region: EU_WEST_1, adopt });
        serde_json::to_value(&policy.document).unwrap()
    };
    let plain = adopting(false).to_string();
    for sid in ["AdoptUnowned", "AdoptUnownedSecurityGroups"] {
        assert!(!plain.contains(sid), "{sid} without --adopt: {plain}");
    }
    assert!(!plain.contains("UpdateHostedZoneComment"), "{plain}");
    let document = adopting(true);
    let unowned = statement(&document, "AdoptUnowned");
    assert_eq!(unowned["Condition"]["Null"]["aws:ResourceTag/ecsnet:topology"], "true", "{unowned}");
    assert_eq!(unowned["Condition"]["StringEquals"]["aws:RequestTag/ecsnet:topology"], topology.name.as_str());
    assert!(unowned["Action"].as_array().unwrap().contains(&serde_json::json!("elasticloadbalancing:AddTags")));
    let groups = statement(&document, "AdoptUnownedSecurityGroups");
    assert_eq!(groups["Action"], serde_json::json!(["ec2:CreateTags"]));
}

/// `[service.connect.tls] role` on two services (one role twice) and none on a third.
fn with_tls_roles() -> Topology {
    use crate::topology::file::ConnectTlsSection;
    let tls = |role: &str| ConnectTlsSection {
        certificate_authority: "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/ca-1".into(),
        kms_key: None,
        role: Some(role.into()),
    };
    let (first, second) =
        ("arn:aws:iam::123456789012:role/sc-tls-b".to_string(), "arn:aws:iam::123456789012:role/sc-tls-a".to_string());
    TopologyBuilder::new("demo")
        .region("eu-west-1")
        .discovery("my.demo")
        .service("api", |service| {
            let tls = tls(&first);
            service.load_balanced(false).ecs("main").connect("default", None).connect_settings(|c| c.tls = Some(tls))
        })
        .service("web", |service| {
            let tls = tls(&second);
            service.load_balanced(false).ecs("main").connect("default", None).connect_settings(|c| c.tls = Some(tls))
        })
        .service("batch", |service| {
            let tls = tls(&first);
            service.load_balanced(false).ecs("main").connect("default", None).connect_settings(|c| c.tls = Some(tls))
        })
        .service("plain", |service| service.load_balanced(false).ecs("main").connect("default", None))
        .build()
}

#[test]
fn apply_passes_exactly_the_tls_roles_the_file_names_and_only_to_ecs() {
    let apply = scoped(PolicyCommand::Apply, &with_tls_roles());
    let pass = statement(&apply, "PassServiceConnectTlsRoles");
    assert_eq!(pass["Action"], serde_json::json!(["iam:PassRole"]));
    assert_eq!(
        pass["Resource"],
        serde_json::json!(["arn:aws:iam::123456789012:role/sc-tls-a", "arn:aws:iam::123456789012:role/sc-tls-b"])
    );
    assert_eq!(
        pass["Condition"],
        serde_json::json!({ "StringEquals": { "iam:PassedToService": "ecs.amazonaws.com" } })
    );
    // Destroy turns Service Connect off and hands ECS no role; a file without TLS roles grants none.
    assert!(!sids(&scoped(PolicyCommand::Destroy, &with_tls_roles())).contains(&"PassServiceConnectTlsRoles".into()));
    assert!(!actions(&scoped(PolicyCommand::Apply, &topology())).contains(&"iam:PassRole".to_string()));
    let unscoped = policy(PolicyCommand::Apply, &NO_FILE);
    assert_eq!(
        statement(&unscoped, "PassServiceConnectTlsRoles")["Resource"],
        serde_json::json!(["arn:aws:iam::*:role/*"])
    );
}

/// One service wired to ECS, nothing else: what a VPC Lattice file adds shows alone.
fn lattice_only() -> Topology {
    TopologyBuilder::new("demo")
        .region("eu-west-1")
        .without_dns()
        .service("api", |service| {
            service
                .load_balanced(false)
                .security_group("sg-0abc")
                .ecs("arn:aws:ecs:eu-west-1:123456789012:cluster/main")
        })
        .build()
}

#[test]
fn lattice_creates_are_tagged_changes_and_deletes_owned() {
    let shared = "arn:aws:vpc-lattice:eu-west-1:210987654321:servicenetwork/sn-0123456789abcdef0";
    let policy = scoped(PolicyCommand::Apply, &with_lattice(lattice_only(), ServiceNetworkRef::Arn(shared.into())));
    assert_eq!(
        super::policy(
            PolicyCommand::Apply,
            &PolicyContext {
                topology: Some(&with_lattice(lattice_only(), ServiceNetworkRef::Arn(shared.into()))),
                region: EU_WEST_1,
                adopt: false
            }
        )
        .coarsened,
        [] as [Coarsening; 0]
    );
    let created = statement(&policy, "CreatedForTopology");
    assert_eq!(
        created["Condition"],
        serde_json::json!({ "StringEquals": { "aws:RequestTag/ecsnet:topology": "demo" } })
    );
    for action in ["vpc-lattice:CreateListener", "vpc-lattice:CreateServiceNetworkVpcAssociation"] {
        assert!(created["Action"].as_array().unwrap().contains(&action.into()), "{action}: {created}");
    }
    let tagging = statement(&policy, "TagOnCreateLattice");
    assert_eq!(tagging["Action"], serde_json::json!(["vpc-lattice:TagResource"]));
    assert_eq!(tagging["Condition"]["StringEquals"]["aws:RequestTag/ecsnet:topology"], "demo");
    assert_eq!(tagging["Condition"]["StringEquals"]["vpc-lattice:CreateAction"].as_array().unwrap().len(), 6);
    let owned = statement(&policy, "OwnedByTopology");
    assert_eq!(
        owned["Condition"],
        serde_json::json!({ "StringEquals": { "aws:ResourceTag/ecsnet:topology": "demo" } })
    );
    for action in ["vpc-lattice:DeleteServiceNetwork", "vpc-lattice:PutAuthPolicy", "vpc-lattice:UpdateListener"] {
        assert!(owned["Action"].as_array().unwrap().contains(&action.into()), "{action}: {owned}");
    }
    // The network the file joins, by the ARN it gives (another account's here): only associations with it.
    let network = statement(&policy, "LatticeServiceNetwork");
    assert_eq!(network["Resource"], serde_json::json!([shared]));
    assert_eq!(
        network["Action"],
        serde_json::json!([
            "vpc-lattice:CreateServiceNetworkServiceAssociation",
            "vpc-lattice:CreateServiceNetworkVpcAssociation"
        ])
    );
    let linked = statement(&policy, "LatticeServiceLinkedRole");
    assert_eq!(linked["Condition"]["StringEquals"]["iam:AWSServiceName"], "vpc-lattice.amazonaws.com");
    let pass = statement(&policy, "PassInfrastructureRole");
    assert_eq!(
        (&pass["Action"], &pass["Resource"]),
        (&serde_json::json!(["iam:PassRole"]), &serde_json::json!([INFRASTRUCTURE_ROLE]))
    );
    assert_eq!(
        pass["Condition"],
        serde_json::json!({ "StringEquals": { "iam:PassedToService": "ecs.amazonaws.com" } })
    );
    assert!(actions(&policy).contains(&"ec2:DescribeManagedPrefixLists".to_string()));
}

#[test]
fn a_network_by_name_is_joined_wherever_it_is_in_the_region() {
    let policy = scoped(PolicyCommand::Apply, &with_lattice(lattice_only(), ServiceNetworkRef::Name("mesh".into())));
    let network = statement(&policy, "LatticeServiceNetwork");
    assert_eq!(network["Resource"], serde_json::json!(["arn:aws:vpc-lattice:eu-west-1:*:servicenetwork/*"]));
}

#[test]
fn without_lattice_only_its_reads_and_deletes_are_granted() {
    let apply = scoped(PolicyCommand::Apply, &topology());
    let granted = actions(&apply);
    for absent in ["vpc-lattice:CreateService", "vpc-lattice:TagResource", "vpc-lattice:PutAuthPolicy", "iam:PassRole"]
    {
        assert!(!granted.contains(&absent.to_string()), "{absent} granted without [lattice]");
    }
    for present in ["vpc-lattice:DeleteService", "vpc-lattice:DeleteServiceNetwork", "vpc-lattice:ListServices"] {
        assert!(
            granted.contains(&present.to_string()),
            "{present} missing: a topology that left [lattice] removes what it made"
        );
    }
    // Destroy removes ecsnet's vpcLatticeConfigurations entry and sends the others back as read, passing their
    // role again: the file's infrastructure role, and no other.
    let destroy = scoped(PolicyCommand::Destroy, &with_lattice(topology(), ServiceNetworkRef::Name("mesh".into())));
    assert_eq!(statement(&destroy, "PassInfrastructureRole")["Resource"], serde_json::json!([INFRASTRUCTURE_ROLE]));
    assert!(!actions(&destroy).contains(&"vpc-lattice:CreateService".to_string()));
}
