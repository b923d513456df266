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
    assert!(account.owned_load_balancing_resources(&name).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn another_topologys_destroy_policy_cannot_delete_what_this_one_owns() {
    let (account, name, network) = fresh("iamown").await;
    let zone = format!("{name}.example.com");
    let mine = TopologyFile::of(&network.one_service(&name, &zone, &network.tasks_group_id));
    let theirs = TopologyFile::of(&network.one_service(&format!("{name}x"), &zone, &network.tasks_group_id));
    crate::support::apply(&account.endpoint, &mine);
    let owned = account.owned_load_balancing_resources(&name).await;
    assert!(!owned.is_empty());

    let args = ["destroy", "-f", mine.arg(), "--auto-approve"];
    let their_policy = policy_for(&["destroy", "-f", theirs.arg()]);
    let keys = principal_holding("ecsnet-destroy", their_policy, &account_key(&args));
    let refused = ecsnet_as(&account.endpoint, &args, &keys).expect(1);
    assert!(refused.stderr.contains("is not authorized to perform"), "{}", refused.stderr);
    assert_eq!(account.owned_load_balancing_resources(&name).await, owned, "nothing of mine was deleted");

    destroy(&account.endpoint, &mine);
    assert!(account.owned_load_balancing_resources(&name).await.is_empty());
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
