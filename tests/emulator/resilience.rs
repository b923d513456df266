//! Crashes, interrupts, faults and concurrent runs, through localstack/proxy.py: a run killed after any of its
//! mutations is finished by the next on the same host, with the default lock settings and no wait; a run
//! interrupted by SIGINT or SIGTERM stops in order and releases its lock; throttling and dropped connections are
//! ridden out; a permanent fault names its step; two runs at once never make duplicates.

use std::time::Duration;

use ecsnet::test_support::TopologyBuilder;

use crate::support::{
    apply, apply_and_expect_converged, destroy, ecsnet, expect_converged, finish, fresh, send_signal, spawn_ecsnet,
    Account, Network, Proxy, Run, TopologyFile,
};

const SERVICES: usize = 10;

fn topology(name: &str, network: &Network) -> TopologyBuilder {
    topology_of(name, network, SERVICES)
}

/// The crash tests' smaller topology: every kind of resource, fewer of each. Each kill point is a whole apply,
/// rerun, plan and destroy: at ten services the apply crash test alone took 13 minutes of CI at four tests at once.
const CRASH_SERVICES: usize = 3;

/// A topology of `services` load-balanced services with a private zone, in `network`.
pub(crate) fn topology_of(name: &str, network: &Network, services: usize) -> TopologyBuilder {
    let head = network.topology(name).load_balancer().dns(&format!("{name}.example.com"));
    (0..services).fold(head, |text, index| {
        text.service(format!("s{index}"), |service| {
            service.port(8000 + index as i64).security_group(&network.tasks_group_id)
        })
    })
}

/// Load balancing resources of the test's VPC: every one must carry the topology's tag; returns how many there are.
async fn tagged_load_balancing(account: &Account, name: &str, network: &Network) -> usize {
    let owned = account.owned_load_balancing_in(&network.vpc_id, name).await;
    let groups = account.elb.describe_target_groups().send().await.unwrap();
    let prefix = format!("{name}-");
    let untagged: Vec<_> = groups
        .target_groups()
        .iter()
        .filter(|group| {
            group.vpc_id() == Some(network.vpc_id.as_str())
                && group.target_group_name().unwrap().starts_with(&prefix)
                && !owned.contains(&group.target_group_arn().unwrap().to_string())
        })
        .map(|group| group.target_group_name().unwrap().to_string())
        .collect();
    assert!(untagged.is_empty(), "untagged target groups: {untagged:?}");
    owned.len()
}

/// What the next run says when it takes over the lock of a killed run on this host.
const TAKEN_OVER: &str = "whose process has ended on this host";

/// Workers that share out the kill points, each with its own proxy, VPC and topology.
const WORKERS: usize = 4;

/// Kill points of an apply and of a destroy, one of each per cycle: a cycle is an apply killed after its k-th
/// mutation, the apply that finishes it, a plan with no changes, a destroy killed after its k-th mutation and the
/// destroy that finishes it. The kill points are the first mutation of each kind (operation) in a whole apply and
/// destroy, and their last; `ECSNET_CRASH_SWEEP=all` kills after every mutation instead (the benchmark's sweep).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_apply_or_destroy_killed_after_any_kind_of_mutation_is_finished_by_the_next_with_no_duplicate() {
    let (account, name, network) = fresh("crash").await;
    let proxy = Proxy::start(&account.endpoint, 0);
    let file = TopologyFile::of(&topology_of(&name, &network, CRASH_SERVICES));
    // The full apply and destroy, once, to learn which mutations each makes, in order.
    let log = || {
        proxy.stats()["mutation_log"]
            .as_array()
            .unwrap()
            .iter()
            .map(|op| op.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let before = log().len();
    apply(&proxy.endpoint, &file);
    let applied = log()[before..].to_vec();
    let expected = tagged_load_balancing(&account, &name, &network).await;
    let before = log().len();
    destroy(&proxy.endpoint, &file);
    let destroyed = log()[before..].to_vec();
    assert!(applied.len() >= 15, "a {CRASH_SERVICES}-service apply makes {} mutations", applied.len());
    assert!(destroyed.len() >= 10, "a {CRASH_SERVICES}-service destroy makes {} mutations", destroyed.len());
    let sweep = std::env::var("ECSNET_CRASH_SWEEP").is_ok_and(|value| value == "all");
    let plan = CrashPlan {
        applies: kill_points(&applied, sweep),
        destroys: kill_points(&destroyed, sweep),
        apply_mutations: applied.len() as u64,
        destroy_mutations: destroyed.len() as u64,
        expected,
    };
    // Printed with the test's output when it fails: the order the kill points came from, to replay a failure.
    eprintln!("apply's mutations: {applied:?}\ndestroy's mutations: {destroyed:?}\nkill points: {plan:?}");
    let plan = std::sync::Arc::new(plan);
    // Each worker on a thread and runtime of its own, bounded in time: a worker that hangs fails the test, naming
    // the cycle it was in, instead of holding the run until CI's limit.
    let workers: Vec<_> = (0..WORKERS)
        .map(|worker| {
            let plan = plan.clone();
            std::thread::spawn(move || {
                let runtime =
                    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
                runtime.block_on(async {
                    let cycles = kill_cycles(worker, plan);
                    tokio::time::timeout(WORKER_LIMIT, cycles)
                        .await
                        .unwrap_or_else(|_| panic!("crash worker {worker} did not finish within {WORKER_LIMIT:?}"))
                })
            })
        })
        .collect();
    tokio::task::block_in_place(|| {
        for worker in workers {
            worker.join().unwrap();
        }
    });
}

/// How long one worker's cycles may take: about three minutes each on a loaded machine, four cycles.
const WORKER_LIMIT: Duration = Duration::from_secs(1200);

/// After which mutations (1-based) a run is killed: every one with `sweep`, else the first of each kind and the
/// last (after which only the lock's release is left).
fn kill_points(log: &[String], sweep: bool) -> Vec<u64> {
    let mut seen = std::collections::BTreeSet::new();
    let mut points: Vec<u64> =
        (1..=log.len() as u64).filter(|k| sweep || seen.insert(log[*k as usize - 1].clone())).collect();
    if points.last() != Some(&(log.len() as u64)) {
        points.push(log.len() as u64);
    }
    points
}

/// The kill points of an apply and a destroy, their mutations, and how many resources the apply leaves.
#[derive(Debug)]
struct CrashPlan {
    applies: Vec<u64>,
    destroys: Vec<u64>,
    apply_mutations: u64,
    destroy_mutations: u64,
    expected: usize,
}

#[test]
fn kill_points_are_the_first_mutation_of_each_kind_and_the_last() {
    let log: Vec<String> = ["Create", "Tag", "Create", "Delete", "Tag", "Modify"].map(String::from).to_vec();
    assert_eq!(kill_points(&log, false), vec![1, 2, 4, 6]);
    assert_eq!(kill_points(&log[..5], false), vec![1, 2, 4, 5]);
    assert_eq!(kill_points(&log, true), vec![1, 2, 3, 4, 5, 6]);
}

/// Runs `command` (apply or destroy) of the file through `proxy`, kills it once it is held after its `k`-th mutation
/// (the default lock settings: the killed run leaves its lock), and lets the held request go.
///
/// Whether the run was killed there. The learning run's count includes the mutations AWS asked ecsnet to retry (a
/// DeleteSecurityGroup while the load balancer's interfaces linger, a rule authorized before EC2 sees the group):
/// a run that met fewer of them makes fewer mutations, and one of the last `RETRIED_SLACK` kill points can lie
/// past its end. Such a run must then have succeeded (the cycle goes on to check it converged); any other end fails.
async fn killed_after(
    proxy: &Proxy,
    command: &str,
    file: &TopologyFile,
    (k, mutations): (u64, u64),
    what: &str,
) -> bool {
    proxy.hold_after_mutations(Some(k));
    let mut child = spawn_ecsnet(&proxy.endpoint, &[command, "-f", file.arg(), "--auto-approve"], &[]);
    let ended = proxy.until_held_or_ended(&mut child, Duration::from_secs(120), what).await;
    if let Some((status, output)) = ended {
        proxy.hold_after_mutations(None);
        assert!(
            status.success() && k + RETRIED_SLACK > mutations,
            "{what} was never reached: the run ended first ({status}):\n{output}"
        );
        eprintln!("{what} lies past this {command}'s mutations (fewer retries than the learning run's): not killed");
        return false;
    }
    // Killed before the held request is let go, so nothing after the k-th mutation reaches AWS.
    child.kill().unwrap();
    child.wait().unwrap();
    proxy.hold_after_mutations(None);
    true
}

/// How many of a run's mutations may be retries another run of the same plan does not meet.
const RETRIED_SLACK: u64 = 2;

/// The same `command` run again succeeds, and takes the killed run's lock over at once, its holder's process being
/// gone (the last mutation releases the lock: after it, there is none to take over).
fn rerun_takes_over(account: &Account, command: &str, file: &TopologyFile, (k, mutations): (u64, u64), at: &str) {
    let rerun =
        tokio::task::block_in_place(|| ecsnet(&account.endpoint, &[command, "-f", file.arg(), "--auto-approve"]));
    assert_eq!(rerun.code, 0, "after a kill at {at}:\n{}\n{}", rerun.stdout, rerun.stderr);
    // Within RETRIED_SLACK of the learned count, the kill may have followed this run's own last mutation.
    assert!(
        k + RETRIED_SLACK > mutations || rerun.stderr.contains(TAKEN_OVER),
        "after a kill at {at}, the lock is taken over at once: {}",
        rerun.stderr
    );
}

/// For every cycle this worker takes: an apply killed after that cycle's kill point and finished by the next,
/// then (while destroy's kill points last) a destroy killed after its kill point and finished by the next.
async fn kill_cycles(worker: usize, plan: std::sync::Arc<CrashPlan>) {
    let (account, name, network) = fresh(&format!("kill{worker}")).await;
    let proxy = Proxy::start(&account.endpoint, 0);
    let file = TopologyFile::of(&topology_of(&name, &network, CRASH_SERVICES));
    let cycles = plan.applies.len().max(plan.destroys.len());
    for cycle in (0..cycles).filter(|cycle| cycle % WORKERS == worker) {
        if let Some(&k) = plan.applies.get(cycle) {
            if killed_after(&proxy, "apply", &file, (k, plan.apply_mutations), &format!("mutation {k}")).await {
                rerun_takes_over(&account, "apply", &file, (k, plan.apply_mutations), &format!("mutation {k}"));
            }
        } else {
            tokio::task::block_in_place(|| apply(&account.endpoint, &file));
        }
        tokio::task::block_in_place(|| expect_converged(&account.endpoint, &file));
        assert_eq!(
            tagged_load_balancing(&account, &name, &network).await,
            plan.expected,
            "after a kill at apply cycle {cycle}: no duplicate, nothing missing"
        );
        let destroyed_at = plan.destroys.get(cycle).copied();
        if let Some(k) = destroyed_at {
            let what = format!("mutation {k} of the destroy");
            if killed_after(&proxy, "destroy", &file, (k, plan.destroy_mutations), &what).await {
                rerun_takes_over(
                    &account,
                    "destroy",
                    &file,
                    (k, plan.destroy_mutations),
                    &format!("destroy mutation {k}"),
                );
            }
        } else {
            tokio::task::block_in_place(|| destroy(&account.endpoint, &file));
        }
        nothing_owned_remains(&account, &name, &network, destroyed_at.unwrap_or(0)).await;
    }
}

/// After a destroy (killed after its k-th mutation and finished): nothing the topology owned is left.
async fn nothing_owned_remains(account: &Account, name: &str, network: &Network, k: u64) {
    let at = format!("after a kill at destroy mutation {k}");
    assert_eq!(tagged_load_balancing(account, name, network).await, 0, "{at}: nothing owned remains");
    assert_eq!(account.owned_security_resources(name).await, Vec::<String>::new(), "{at}");
    assert!(account.zones_on_vpc(&network.vpc_id).await.is_empty(), "{at}: the zone ecsnet made is gone");
}

/// Runs `args` through `proxy`, holds it after its k-th mutation, sends it `signal`, lets the held request go and
/// collects the run.
async fn interrupted_after(proxy: &Proxy, args: &[&str], k: u64, signal: &str) -> Run {
    proxy.hold_after_mutations(Some(k));
    let mut child = spawn_ecsnet(&proxy.endpoint, args, &[]);
    proxy.until_held(&mut child, Duration::from_secs(120), &format!("mutation {k}")).await;
    send_signal(&child, signal);
    // The run hears the signal while its step hangs, then the step's request is let go (and retried).
    tokio::time::sleep(Duration::from_millis(500)).await;
    proxy.hold_after_mutations(None);
    tokio::task::block_in_place(|| finish(child))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_apply_or_destroy_stops_in_order_releases_its_lock_and_the_next_run_converges() {
    let (account, name, network) = fresh("sigint").await;
    let proxy = Proxy::start(&account.endpoint, 0);
    let file = TopologyFile::of(&topology(&name, &network));

    let apply = interrupted_after(&proxy, &["apply", "-f", file.arg(), "--auto-approve"], 12, "INT").await;
    assert_eq!(apply.code, 130, "{}\n{}", apply.stdout, apply.stderr);
    assert!(apply.stderr.contains("SIGINT received: starting no new step"), "{}", apply.stderr);
    assert!(
        apply.stderr.contains("error: interrupted by SIGINT after ")
            && apply.stderr.contains("\ndone: ")
            && apply.stderr.contains("\nnot started: "),
        "what was done and not: {}",
        apply.stderr
    );
    assert!(account.lock_group(&network.vpc_id, &name).await.is_none(), "the interrupted apply released its lock");
    let next =
        tokio::task::block_in_place(|| ecsnet(&account.endpoint, &["apply", "-f", file.arg(), "--auto-approve"]))
            .expect(0);
    assert!(!next.stderr.contains("taking over"), "no lock was left: {}", next.stderr);
    expect_converged(&account.endpoint, &file);
    let expected = tagged_load_balancing(&account, &name, &network).await;
    assert_eq!(expected, 1 + 1 + SERVICES + (SERVICES + 1), "no duplicate, nothing missing");

    let destroy = interrupted_after(&proxy, &["destroy", "-f", file.arg(), "--auto-approve"], 8, "TERM").await;
    assert_eq!(destroy.code, 130, "{}\n{}", destroy.stdout, destroy.stderr);
    assert!(
        destroy.stderr.contains("error: interrupted by SIGTERM after ") && destroy.stderr.contains("\nnot started: "),
        "{}",
        destroy.stderr
    );
    assert!(account.lock_group(&network.vpc_id, &name).await.is_none(), "the interrupted destroy released its lock");
    let next =
        tokio::task::block_in_place(|| ecsnet(&account.endpoint, &["destroy", "-f", file.arg(), "--auto-approve"]))
            .expect(0);
    assert!(!next.stderr.contains("taking over"), "{}", next.stderr);
    assert_eq!(tagged_load_balancing(&account, &name, &network).await, 0);
    assert_eq!(account.owned_security_resources(&name).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_and_dropped_connections_are_ridden_out_and_a_permanent_fault_names_its_step() {
    let (account, name, network) = fresh("fault").await;
    let proxy = Proxy::start(&account.endpoint, 0);
    let file = TopologyFile::of(&topology(&name, &network));
    proxy.configure(serde_json::json!({"throttle_rate": 0.2, "drop_rate": 0.02}));
    apply_and_expect_converged(&proxy.endpoint, &file);
    let stats = proxy.stats();
    assert!(stats["throttled"].as_u64().unwrap() > 5, "faults were injected: {stats}");
    destroy(&proxy.endpoint, &file);
    assert_eq!(tagged_load_balancing(&account, &name, &network).await, 0);

    proxy.configure(serde_json::json!({"throttle_rate": 0.0, "drop_rate": 0.0, "fail_operation": "CreateRule", "fail_code": "AccessDenied"}));
    let failed = ecsnet(&proxy.endpoint, &["apply", "-f", file.arg(), "--auto-approve"]).expect(1);
    assert!(
        failed.stderr.contains("CreateRule failed: AccessDenied")
            && failed.stderr.contains("create service.s0.rule.80"),
        "{}",
        failed.stderr
    );
    proxy.configure(serde_json::json!({"fail_operation": null}));
    apply_and_expect_converged(&proxy.endpoint, &file);
    destroy(&account.endpoint, &file);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_applies_at_once_never_make_duplicates() {
    let (account, name, network) = fresh("twice").await;
    let proxy = Proxy::start(&account.endpoint, 20);
    let file = TopologyFile::of(&topology(&name, &network));
    let first = spawn_ecsnet(&proxy.endpoint, &["apply", "-f", file.arg(), "--auto-approve"], &[]);
    let second = spawn_ecsnet(&proxy.endpoint, &["apply", "-f", file.arg(), "--auto-approve"], &[]);
    let (first, second) = (finish(first), finish(second));
    assert_eq!(
        (first.code, second.code),
        (0, 0),
        "{}\n{}\n{}\n{}",
        first.stdout,
        first.stderr,
        second.stdout,
        second.stderr
    );
    let waited = [&first, &second].iter().any(|run| run.stderr.contains("waiting for another run of topology"));
    assert!(waited, "one run waited for the other's lock:\n{}\n{}", first.stderr, second.stderr);
    let applied = [&first, &second].iter().filter(|run| run.stdout.contains("Apply complete")).count();
    assert_eq!(applied, 1, "the second found nothing left to do");
    expect_converged(&account.endpoint, &file);
    let resources = tagged_load_balancing(&account, &name, &network).await;
    assert_eq!(
        resources,
        1 + 1 + SERVICES + (SERVICES + 1),
        "one load balancer, one listener, a rule and a target group each, the default group"
    );
    destroy(&account.endpoint, &file);
}
