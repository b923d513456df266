//! ecsnet under IAM as the AWS-rules layer enforces it: a policy missing one action stops the run with AccessDenied
//! naming that action; another topology's policy cannot touch what this one owns; requests signed with an unknown
//! key or a wrong secret are refused as AWS refuses them. (Every other emulator test runs ecsnet as a principal
//! holding exactly `ecsnet iam-policy`'s output for its command: tests/emulator/support/principal.rs.)

use crate::support::{
    account_key, destroy, ecsnet_as, fresh, policy_for, principal, principal_holding, Keys, TopologyFile,
};

/// `policy` without `action` in any statement (a statement left with no action is dropped).
fn without(mut policy: serde_json::Value, action: &str) -> serde_json::Value {
    let statements = policy["Statement"].as_array_mut().unwrap();
    for statement in statements.iter_mut() {
        let actions = statement["Action"].as_array_mut().unwrap();
        actions.retain(|granted| granted != action);
    }
    statements.retain(|statement| !statement["Action"].as_array().unwrap().is_empty());
    policy
}

#[tokio::test(flavor = "multi_thread")]
async fn a_policy_without_one_action_stops_the_apply_with_access_denied_naming_it() {
    let (account, name, network) = fresh("iamless").await;
    let file = TopologyFile::of(&network.one_service(&name, &format!("{name}.example.com"), &network.tasks_group_id));
    let args = ["apply", "-f", file.arg(), "--auto-approve"];
    let full = policy_for(&args);
    let lacking = without(full.clone(), "elasticloadbalancing:CreateRule");
    assert_ne!(full, lacking, "the apply policy grants elasticloadbalancing:CreateRule");
    let keys = principal_holding("ecsnet-apply", lacking, &account_key(&args));

    let refused = ecsnet_as(&account.endpoint, &args, &keys).expect(1);
    assert!(
        refused.stderr.contains("AccessDenied")
            && refused.stderr.contains("is not authorized to perform: elasticloadbalancing:CreateRule"),
        "{}",
        refused.stderr
    );
    // The whole policy finishes what the lacking one began.
    ecsnet_as(&account.endpoint, &args, &principal(&args, &account_key(&args))).expect(0);
    destroy(&account.endpoint, &file);
    assert!(account.owned_load_balancing_in(&network.vpc_id, &name).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn another_topologys_destroy_policy_cannot_delete_what_this_one_owns() {
    let (account, name, network) = fresh("iamown").await;
    let zone = format!("{name}.example.com");
    let mine = TopologyFile::of(&network.one_service(&name, &zone, &network.tasks_group_id));
    let theirs = TopologyFile::of(&network.one_service(&format!("{name}x"), &zone, &network.tasks_group_id));
    crate::support::apply(&account.endpoint, &mine);
    let owned = account.owned_load_balancing_in(&network.vpc_id, &name).await;
    assert!(!owned.is_empty());

    let args = ["destroy", "-f", mine.arg(), "--auto-approve"];
    let their_policy = policy_for(&["destroy", "-f", theirs.arg()]);
    let keys = principal_holding("ecsnet-destroy", their_policy, &account_key(&args));
    let refused = ecsnet_as(&account.endpoint, &args, &keys).expect(1);
    assert!(refused.stderr.contains("is not authorized to perform"), "{}", refused.stderr);
    assert_eq!(account.owned_load_balancing_in(&network.vpc_id, &name).await, owned, "nothing of mine was deleted");

    destroy(&account.endpoint, &mine);
    assert!(account.owned_load_balancing_in(&network.vpc_id, &name).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_signed_with_an_unknown_key_or_a_wrong_secret_are_refused() {
    let (account, name, network) = fresh("iamsig").await;
    let file = TopologyFile::of(&network.one_service(&name, &format!("{name}.example.com"), &network.tasks_group_id));
    let args = ["plan", "-f", file.arg()];
    let unknown = Keys { access_key: "AKIAUNKNOWNUNKNOWN00".into(), secret_key: "secret".into() };
    // The reads run at once: whichever service answers first names the failure, each in its own words.
    let refused = ecsnet_as(&account.endpoint, &args, &unknown).expect(1);
    let unknown_key = ["AuthFailure", "InvalidClientTokenId", "UnrecognizedClientException"];
    assert!(
        unknown_key.iter().any(|code| refused.stderr.contains(&format!("failed: {code}: "))),
        "a service's answer to an unknown key: {}",
        refused.stderr
    );

    let valid = principal(&args, &account_key(&args));
    let forged = Keys { access_key: valid.access_key.clone(), secret_key: format!("{}x", valid.secret_key) };
    let refused = ecsnet_as(&account.endpoint, &args, &forged).expect(1);
    let bad_signature = ["AuthFailure", "SignatureDoesNotMatch", "InvalidSignatureException"];
    assert!(
        bad_signature.iter().any(|code| refused.stderr.contains(&format!("failed: {code}: "))),
        "a service's answer to a wrong signature: {}",
        refused.stderr
    );

    ecsnet_as(&account.endpoint, &args, &valid).expect(0);
}

/// What leaves the file is removed under the new file's own policy (the deletes are granted for every recipe,
/// scoped to what the topology owns), except a zone's records: record changes are allowed only for names in the
/// file's zone, so once `[dns]` leaves the file its records go under the policy of the file that had it.
#[tokio::test(flavor = "multi_thread")]
async fn what_leaves_the_file_is_removed_under_the_new_files_policy_but_a_zones_records_under_the_old() {
    let (account, name, network) = fresh("iamleft").await;
    let (cluster, groups) =
        account.services_with_own_groups(&network, &name, "main", &[("hello", 3000), ("name", 3000)]).await;
    let hello = |topology: ecsnet::test_support::TopologyBuilder| {
        topology.service("hello", |service| {
            service.port(3000).host(&format!("hello.{name}.example.com")).security_group(&groups[0]).ecs(&cluster)
        })
    };
    let kept = hello(network.topology(&name).load_balancer().dns(&format!("{name}.example.com")));
    let first = kept.clone().discovery(&format!("{name}.internal")).service("name", |service| {
        service.port(3000).security_group(&groups[1]).load_balanced(false).callers(["hello"]).ecs(&cluster)
    });
    let file = TopologyFile::of(&first);
    crate::support::apply(&account.endpoint, &file);
    assert_eq!(account.namespaces_named(&format!("{name}.internal")).await.len(), 1);

    // Cloud Map and the service that used it leave the file: apply removes them under the new file's policy.
    file.rewrite(&kept);
    crate::support::apply(&account.endpoint, &file);
    crate::support::expect_converged(&account.endpoint, &file);
    assert!(account.namespaces_named(&format!("{name}.internal")).await.is_empty());

    // The zone leaves the file: the new file's policy may not touch records, the old file's may.
    let old_policy = policy_for(&["apply", "-f", file.arg()]);
    file.rewrite(&kept.clone().without_dns());
    let args = ["apply", "-f", file.arg(), "--auto-approve"];
    let refused = crate::support::ecsnet(&account.endpoint, &args).expect(1);
    assert!(
        refused.stderr.contains("is not authorized to perform: route53:ChangeResourceRecordSets"),
        "{}",
        refused.stderr
    );
    let keys = principal_holding("ecsnet-apply", old_policy, &account_key(&args));
    ecsnet_as(&account.endpoint, &args, &keys).expect(0);
    crate::support::expect_converged(&account.endpoint, &file);
    assert!(account.zones_on_vpc(&network.vpc_id).await.is_empty(), "the zone ecsnet made is gone");

    destroy(&account.endpoint, &file);
    assert!(account.owned_load_balancing_in(&network.vpc_id, &name).await.is_empty());
}
