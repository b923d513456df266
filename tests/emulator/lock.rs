//! The topology's lock as a user meets it: a lock held elsewhere is refused with the command that removes it,
//! `ecsnet unlock` shows and removes it, a heartbeat keeps a long run's lock alive past its lifetime, and a run on
//! the same host takes over at once the lock of a process that ended.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};

use crate::resilience::topology_of as topology;
use crate::support::{
    apply, destroy, ecsnet, expect_converged, finish, fresh, send_signal, spawn_ecsnet, Proxy, TopologyFile,
};

#[tokio::test(flavor = "multi_thread")]
async fn a_lock_held_on_another_host_is_refused_naming_unlock_which_shows_and_removes_it() {
    let (account, name, network) = fresh("unlock").await;
    let file = TopologyFile::of(&topology(&name, &network, 1));
    let expires = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() + 600;
    let tag = |key: &str, value: &str| Tag::builder().key(key).value(value).build();
    account
        .ec2
        .create_security_group()
        .group_name(format!("ecsnet-lock-{name}"))
        .description("a lock another host holds")
        .vpc_id(&network.vpc_id)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::SecurityGroup)
                .tags(tag("ecsnet:topology", &name))
                .tags(tag("ecsnet:address", "lock"))
                .tags(tag("ecsnet:lock-holder", "ci@build-7 pid 4242"))
                .tags(tag("ecsnet:lock-expires", &expires.to_string()))
                .tags(tag("ecsnet:lock-process", "build-7 4242 5"))
                .build(),
        )
        .send()
        .await
        .unwrap();

    let refused =
        ecsnet(&account.endpoint, &["apply", "-f", file.arg(), "--auto-approve", "--lock-timeout", "2"]).expect(1);
    assert!(refused.stderr.contains("is being changed by another run (ci@build-7 pid 4242)"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains(&format!("to remove the lock now: ecsnet unlock -f {}", file.arg())),
        "{}",
        refused.stderr
    );

    let unconfirmed = ecsnet(&account.endpoint, &["unlock", "-f", file.arg()]).expect(1);
    assert!(unconfirmed.stderr.contains("without a terminal to confirm on"), "{}", unconfirmed.stderr);
    assert!(account.lock_group(&network.vpc_id, &name).await.is_some(), "nothing removed without confirmation");

    let removed = ecsnet(&account.endpoint, &["unlock", "-f", file.arg(), "--auto-approve"]).expect(0);
    assert!(
        removed.stdout.contains(&format!("Topology \"{name}\" is locked by ci@build-7 pid 4242")),
        "{}",
        removed.stdout
    );
    assert!(removed.stdout.ends_with("Lock removed.\n"), "{}", removed.stdout);
    assert!(account.lock_group(&network.vpc_id, &name).await.is_none());
    let again = ecsnet(&account.endpoint, &["unlock", "-f", file.arg(), "--auto-approve"]).expect(0);
    assert_eq!(again.stdout, format!("Topology \"{name}\" is not locked.\n"));

    apply(&account.endpoint, &file);
    destroy(&account.endpoint, &file);
    assert!(account.lock_group(&network.vpc_id, &name).await.is_none(), "every run released its lock");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_heartbeat_renews_a_long_run_s_lock_past_its_lifetime() {
    let (account, name, network) = fresh("beat").await;
    // Every request 400 ms late: a 10-service apply outlasts the lock's 4 s lifetime (renewed every second).
    let proxy = Proxy::start(&account.endpoint, 400);
    let file = TopologyFile::of(&topology(&name, &network, 10));
    let run = spawn_ecsnet(
        &proxy.endpoint,
        &["apply", "-f", file.arg(), "--auto-approve"],
        &[("ECSNET_LOCK_TTL_SECONDS", "4")],
    );
    let expires = |tags: &[(String, String)]| {
        tags.iter()
            .find(|(key, _)| key == "ecsnet:lock-expires")
            .map(|(_, value)| value.parse::<u64>().unwrap())
            .unwrap()
    };
    let started = Instant::now();
    let first = loop {
        if let Some((_, tags)) = account.lock_group(&network.vpc_id, &name).await {
            break expires(&tags);
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the run never took the lock");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    tokio::time::sleep(Duration::from_secs(6)).await;
    let (_, tags) = account.lock_group(&network.vpc_id, &name).await.expect("the run still holds its lock 6 s in");
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    assert!(
        expires(&tags) >= first + 4 && expires(&tags) > now,
        "renewed while the run lasts, past its 4 s: {first} then {} at {now}",
        expires(&tags)
    );
    let run = tokio::task::block_in_place(|| finish(run));
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("could not renew"), "{}", run.stderr);
    assert!(account.lock_group(&network.vpc_id, &name).await.is_none(), "released at the end");
    destroy(&account.endpoint, &file);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_signal_exits_at_once_and_the_next_run_on_this_host_takes_the_lock_over() {
    let (account, name, network) = fresh("twice").await;
    let proxy = Proxy::start(&account.endpoint, 0);
    let file = TopologyFile::of(&topology(&name, &network, 3));
    proxy.hold_after_mutations(Some(4));
    let mut child = spawn_ecsnet(&proxy.endpoint, &["apply", "-f", file.arg(), "--auto-approve"], &[]);
    proxy.until_held(&mut child, Duration::from_secs(60), "mutation 4").await;
    send_signal(&child, "INT");
    tokio::time::sleep(Duration::from_millis(300)).await;
    send_signal(&child, "INT");
    let signalled = Instant::now();
    let run = tokio::task::block_in_place(|| finish(child));
    assert!(signalled.elapsed() < Duration::from_secs(5), "the second signal exits at once");
    assert_eq!(run.code, 130, "{}", run.stderr);
    assert!(run.stderr.contains("SIGINT received again: exiting at once"), "{}", run.stderr);
    assert!(account.lock_group(&network.vpc_id, &name).await.is_some(), "the lock is left behind");
    proxy.hold_after_mutations(None);

    let next =
        tokio::task::block_in_place(|| ecsnet(&account.endpoint, &["apply", "-f", file.arg(), "--auto-approve"]))
            .expect(0);
    assert!(
        next.stderr.contains("whose process has ended on this host"),
        "taken over without waiting for an expiry:\n{}",
        next.stderr
    );
    expect_converged(&account.endpoint, &file);
    destroy(&account.endpoint, &file);
    assert!(account.lock_group(&network.vpc_id, &name).await.is_none());
}
