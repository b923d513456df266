//! A lock per topology, so two runs of `apply` or `destroy` never change the same topology at once. There is no
//! state file to lock, so the lock lives in AWS: a security group named `ecsnet-lock-<topology>` in the VPC.
//! Creating it is atomic (a second create of the name fails), its tags say who holds it and until when. The
//! holder renews the expiry with a heartbeat while it runs, so a lock whose holder crashed expires within
//! `DEFAULT_TTL`; a run on the same host that finds the holder's process gone takes it over at once; and
//! `ecsnet unlock` removes it by hand. It carries the topology's tags (so a policy scoped to them covers it) with
//! the address `lock`, which the planner passes over.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};

use super::error::{AlreadyGone as _, Context as _};
use super::execute::retry;
use super::{Aws, AwsError};
use crate::plan::ownership::LOCK_ADDRESS;
use crate::plan::ownership::{ADDRESS_TAG, TOPOLOGY_TAG};
use crate::progress::{Event, Progress, Wait};
use crate::stop::{Stop, StopReason};

/// How long a lock holds after its holder's last heartbeat: a crashed run's lock expires within this.
pub const DEFAULT_TTL: Duration = Duration::from_secs(120);
const HOLDER_TAG: &str = "ecsnet:lock-holder";
const EXPIRES_TAG: &str = "ecsnet:lock-expires";
/// "<host> <pid> <start time>": enough for a run on the same host to tell whether the holder still runs.
const PROCESS_TAG: &str = "ecsnet:lock-process";

#[derive(Debug)]
pub struct Lock {
    group_id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("topology \"{topology}\" is being changed by another run ({holder}), whose lock holds until {expires} unless its heartbeat renews it (security group {group_id})\nhint: wait for that run to finish; a crashed run's lock expires within {ttl} s of its last heartbeat; to remove the lock now: {unlock}")]
    Held { topology: String, holder: String, expires: String, group_id: String, ttl: u64, unlock: String },
    #[error("could not take the lock of topology \"{topology}\": for {seconds} s the group {name} was reported to exist and then could not be found\nhint: run again in a moment; if it keeps happening, look for the group {name} in the VPC")]
    Unsettled { topology: String, name: String, seconds: u64 },
    #[error(transparent)]
    Aws(#[from] AwsError),
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs())
}

pub fn lock_name(topology: &str) -> String {
    format!("ecsnet-lock-{topology}")
}

/// Between two attempts to take the lock, always: a collision with a group that vanished before it could be
/// read, or an expired lock just deleted, must not turn the loop into a burst of CreateSecurityGroup calls.
const PAUSE: Duration = Duration::from_secs(2);
/// How long attempts that collide with no live holder (a group gone before it could be read, an expired lock
/// being taken over) may go on when `wait` is shorter: EC2's reads catch up with its writes within seconds.
const SETTLE: Duration = Duration::from_secs(30);

/// The lock group now in place: its ID, holder, expiry (seconds since the epoch) and the holder's process.
#[derive(Debug, Clone, PartialEq)]
pub struct Holder {
    pub group_id: String,
    pub holder: String,
    pub expires: u64,
    /// The `PROCESS_TAG` value; empty for a lock made by an older ecsnet.
    pub process: String,
}

impl Holder {
    /// "in 95 s" or "expired 12 s ago".
    pub fn expiry(&self) -> String {
        let now = now();
        if self.expires > now {
            format!("{} s from now", self.expires - now)
        } else {
            format!("expired {} s ago", now - self.expires)
        }
    }
}

/// What taking the lock asks of AWS and of this host: `Ec2LockGroups` in a run, a script in the tests.
trait LockGroups {
    /// Creates the lock group expiring at `expires`; `Ok(None)` when a group of that name already stands.
    async fn create(&self, expires: u64) -> Result<Option<String>, AwsError>;
    /// The lock group in place, if any.
    async fn current(&self) -> Result<Option<Holder>, AwsError>;
    async fn delete(&self, group_id: &str) -> Result<(), AwsError>;
    /// Whether the process a lock names ran on this host and has ended.
    fn holder_is_gone(&self, process: &str) -> bool;
}

/// Takes the topology's lock, waiting up to `wait` while another run holds it. `unlock` is the command that
/// would remove the lock, for the refusal to name.
pub async fn acquire(
    aws: &Aws,
    topology: &str,
    vpc_id: &str,
    ttl: Duration,
    wait: Duration,
    unlock: &str,
    progress: &dyn Progress,
) -> Result<Lock, LockError> {
    let holder = format!(
        "{}@{} pid {}",
        std::env::var("USER").unwrap_or_else(|_| "someone".into()),
        hostname(),
        std::process::id()
    );
    let process = this_process();
    let groups = Ec2LockGroups { aws, topology, vpc_id, holder: &holder, process: &process };
    take(&groups, topology, ttl, wait, progress).await.map_err(|error| match error {
        LockError::Held { topology, holder, expires, group_id, ttl, .. } => {
            LockError::Held { topology, holder, expires, group_id, ttl, unlock: unlock.to_string() }
        }
        other => other,
    })
}

/// The lock of a topology, if one is held: for `ecsnet unlock`.
pub async fn holder(aws: &Aws, topology: &str, vpc_id: &str) -> Result<Option<Holder>, AwsError> {
    Ec2LockGroups { aws, topology, vpc_id, holder: "", process: "" }.current().await
}

/// Deletes a lock group by hand (`ecsnet unlock`); one already gone is fine.
pub async fn remove(aws: &Aws, group_id: &str) -> Result<(), AwsError> {
    aws.ec2
        .delete_security_group()
        .group_id(group_id)
        .send()
        .await
        .context("DeleteSecurityGroup")
        .or_gone(&["InvalidGroup.NotFound"])
}

/// The lock loop: create; on a collision read the holder, take over an expired lock or one whose process is
/// gone from this host, or wait for a live one; pause before every further attempt.
async fn take(
    groups: &impl LockGroups,
    topology: &str,
    ttl: Duration,
    wait: Duration,
    progress: &dyn Progress,
) -> Result<Lock, LockError> {
    let started = tokio::time::Instant::now();
    loop {
        if let Some(group_id) = groups.create(now() + ttl.as_secs()).await? {
            return Ok(Lock { group_id });
        }
        match groups.current().await? {
            Some(found) if found.expires > now() && groups.holder_is_gone(&found.process) => {
                progress.event(Event::Notice(format!(
                    "taking over the lock of topology \"{topology}\" from {}, whose process has ended on this host",
                    found.holder
                )));
                groups.delete(&found.group_id).await?;
            }
            Some(found) if found.expires > now() => {
                if started.elapsed() >= wait {
                    return Err(LockError::Held {
                        topology: topology.to_string(),
                        holder: found.holder.clone(),
                        expires: found.expiry(),
                        group_id: found.group_id,
                        ttl: ttl.as_secs(),
                        unlock: String::new(),
                    });
                }
                progress.event(Event::Waiting(Wait {
                    what: format!("for another run of topology \"{topology}\" to finish"),
                    detail: Some(found.holder.clone()),
                    since: started.elapsed(),
                    next_try: None,
                }));
            }
            Some(expired) => {
                progress.event(Event::Notice(format!(
                    "taking over the expired lock of topology \"{topology}\" from {}",
                    expired.holder
                )));
                groups.delete(&expired.group_id).await?;
            }
            None => {
                if started.elapsed() >= wait.max(SETTLE) {
                    return Err(LockError::Unsettled {
                        topology: topology.to_string(),
                        name: lock_name(topology),
                        seconds: started.elapsed().as_secs(),
                    });
                }
                progress.event(Event::Notice(format!(
                    "the lock of topology \"{topology}\" was released while this run read it; trying again"
                )));
            }
        }
        tokio::time::sleep(PAUSE).await;
    }
}

/// The lock as a security group of the VPC.
struct Ec2LockGroups<'a> {
    aws: &'a Aws,
    topology: &'a str,
    vpc_id: &'a str,
    holder: &'a str,
    process: &'a str,
}

impl LockGroups for Ec2LockGroups<'_> {
    async fn create(&self, expires: u64) -> Result<Option<String>, AwsError> {
        let topology = self.topology;
        let tags = TagSpecification::builder()
            .resource_type(ResourceType::SecurityGroup)
            .tags(Tag::builder().key(TOPOLOGY_TAG).value(topology).build())
            .tags(Tag::builder().key(ADDRESS_TAG).value(LOCK_ADDRESS).build())
            .tags(Tag::builder().key(HOLDER_TAG).value(self.holder).build())
            .tags(Tag::builder().key(EXPIRES_TAG).value(expires.to_string()).build())
            .tags(Tag::builder().key(PROCESS_TAG).value(self.process).build())
            .build();
        let created = self
            .aws
            .ec2
            .create_security_group()
            .group_name(lock_name(topology))
            .description(format!("ecsnet: lock of topology {topology}; deleted when the run ends"))
            .vpc_id(self.vpc_id)
            .tag_specifications(tags)
            .send()
            .await
            .context("CreateSecurityGroup");
        match created {
            Ok(output) => Ok(Some(output.group_id().unwrap_or_default().to_string())),
            Err(error) if error.has_code(&["InvalidGroup.Duplicate"]) => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn current(&self) -> Result<Option<Holder>, AwsError> {
        let output = self
            .aws
            .ec2
            .describe_security_groups()
            .filters(Filter::builder().name("vpc-id").values(self.vpc_id).build())
            .filters(Filter::builder().name("group-name").values(lock_name(self.topology)).build())
            .send()
            .await
            .context("DescribeSecurityGroups")?;
        Ok(output.security_groups().first().map(|group| {
            let tag = |key: &str| {
                group
                    .tags()
                    .iter()
                    .find(|tag| tag.key() == Some(key))
                    .and_then(|tag| tag.value())
                    .unwrap_or_default()
                    .to_string()
            };
            Holder {
                group_id: group.group_id().unwrap_or_default().to_string(),
                holder: tag(HOLDER_TAG),
                expires: tag(EXPIRES_TAG).parse().unwrap_or(0),
                process: tag(PROCESS_TAG),
            }
        }))
    }

    async fn delete(&self, group_id: &str) -> Result<(), AwsError> {
        remove(self.aws, group_id).await
    }

    fn holder_is_gone(&self, process: &str) -> bool {
        process_has_ended(process, &hostname())
    }
}

impl Lock {
    /// Renews the lock's expiry every quarter of `ttl` for as long as it is polled; never resolves. If the lock
    /// group is gone (`ecsnet unlock`), asks `stop` to stop the run: another run may now change the topology.
    pub async fn heartbeat(&self, aws: &Aws, ttl: Duration, stop: &Stop, progress: &dyn Progress) {
        let every = (ttl / 4).max(Duration::from_secs(1));
        loop {
            tokio::time::sleep(every).await;
            let renewed = aws
                .ec2
                .create_tags()
                .resources(&self.group_id)
                .tags(Tag::builder().key(EXPIRES_TAG).value((now() + ttl.as_secs()).to_string()).build())
                .send()
                .await
                .context("CreateTags");
            match renewed {
                Ok(_) => tracing::debug!(group_id = %self.group_id, "lock renewed"),
                Err(error) if error.has_code(&["InvalidGroup.NotFound", "InvalidID"]) => {
                    progress.event(Event::Notice(format!(
                        "the lock group {} is gone (removed by `ecsnet unlock`?): stopping",
                        self.group_id
                    )));
                    stop.request(StopReason::LockLost(format!(
                        "the lock group {} was removed while this run held it",
                        self.group_id
                    )));
                    std::future::pending::<()>().await;
                }
                Err(error) => progress.event(Event::Notice(format!(
                    "warning: could not renew the lock: {error}; trying again in {} s",
                    every.as_secs()
                ))),
            }
        }
    }

    /// Deletes the lock group. A run that changed nothing releases it a moment after creating it, when EC2 may not
    /// see it yet (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html): InvalidGroup.NotFound
    /// is waited out as for any new resource, and only then taken to mean someone removed it already.
    pub async fn release(self, aws: &Aws, progress: &dyn Progress) -> Result<(), AwsError> {
        let request = aws.ec2.delete_security_group().group_id(&self.group_id);
        let patience = retry::Patience { bound: Duration::from_secs(10), ..retry::NEW_RESOURCE };
        let attempt = || async { request.clone().send().await.context("DeleteSecurityGroup") };
        retry::with_patience(patience, progress, "the lock group to be visible", &["InvalidGroup.NotFound"], attempt)
            .await
            .map(|_| ())
            .or_gone(&["InvalidGroup.NotFound"])
    }
}

/// "<host> <pid> <start time>" of this process.
fn this_process() -> String {
    let pid = std::process::id();
    format!("{} {pid} {}", hostname(), start_time(pid).unwrap_or_default())
}

/// When process `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat), so that a new process
/// that reuses the number is not taken for the holder. `None` where there is no /proc or no such process.
fn start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19).map(str::to_string)
}

/// Whether the holder `process` ("<host> <pid> <start time>") ran on `this_host` and has ended: its number is
/// gone from /proc, or taken by a process that started at another time. Unknown (another host, no /proc, a
/// lock from an older ecsnet) counts as running.
fn process_has_ended(process: &str, this_host: &str) -> bool {
    let mut fields = process.split(' ');
    let (Some(host), Some(pid), start) =
        (fields.next(), fields.next().and_then(|pid| pid.parse::<u32>().ok()), fields.next().unwrap_or_default())
    else {
        return false;
    };
    if host != this_host || !std::path::Path::new("/proc/self/stat").exists() {
        return false;
    }
    match start_time(pid) {
        None => true,
        Some(now_started) => !start.is_empty() && now_started != start,
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::Mutex;

    use super::*;

    /// AWS as a script: what each create and each read answers, and what was asked.
    struct Script {
        creates: Mutex<VecDeque<Option<String>>>,
        reads: Mutex<VecDeque<Option<Holder>>>,
        calls: Mutex<Vec<String>>,
        /// When the test began, on the paused clock.
        start: tokio::time::Instant,
    }

    impl Script {
        fn new(creates: Vec<Option<&str>>, reads: Vec<Option<Holder>>) -> Script {
            Script {
                creates: Mutex::new(creates.into_iter().map(|id| id.map(str::to_string)).collect()),
                reads: Mutex::new(reads.into()),
                calls: Mutex::default(),
                start: tokio::time::Instant::now(),
            }
        }

        fn log(&self, call: String) {
            self.calls.lock().unwrap().push(format!("{call} at {} s", self.start.elapsed().as_secs()));
        }
    }

    impl LockGroups for Script {
        async fn create(&self, _expires: u64) -> Result<Option<String>, AwsError> {
            self.log("create".into());
            Ok(self.creates.lock().unwrap().pop_front().unwrap_or(None))
        }

        async fn current(&self) -> Result<Option<Holder>, AwsError> {
            self.log("read".into());
            Ok(self.reads.lock().unwrap().pop_front().unwrap_or(None))
        }

        async fn delete(&self, group_id: &str) -> Result<(), AwsError> {
            self.log(format!("delete {group_id}"));
            Ok(())
        }

        fn holder_is_gone(&self, process: &str) -> bool {
            process == "this-host 4242 gone"
        }
    }

    #[derive(Default)]
    struct Recorded(Mutex<Vec<String>>);

    impl Progress for Recorded {
        fn event(&self, event: Event) {
            self.0.lock().unwrap().push(crate::views::progress::line(&event));
        }
    }

    fn holder(expires: u64) -> Holder {
        Holder {
            group_id: "sg-lock".into(),
            holder: "ci@build-7 pid 4242".into(),
            expires,
            process: "build-7 4242 5".into(),
        }
    }

    const TTL: Duration = DEFAULT_TTL;

    #[tokio::test(start_paused = true)]
    async fn a_lock_group_gone_before_it_is_read_is_tried_again_after_a_pause() {
        let script = Script::new(vec![None, Some("sg-mine")], vec![None]);
        let progress = Recorded::default();
        let lock = take(&script, "demo", TTL, Duration::ZERO, &progress).await.unwrap();
        assert_eq!(lock.group_id, "sg-mine");
        assert_eq!(*script.calls.lock().unwrap(), ["create at 0 s", "read at 0 s", "create at 2 s"]);
        assert_eq!(
            *progress.0.lock().unwrap(),
            ["the lock of topology \"demo\" was released while this run read it; trying again"]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_expired_lock_is_deleted_and_taken_after_a_pause() {
        let script = Script::new(vec![None, Some("sg-mine")], vec![Some(holder(1))]);
        let progress = Recorded::default();
        take(&script, "demo", TTL, Duration::ZERO, &progress).await.unwrap();
        assert_eq!(
            *script.calls.lock().unwrap(),
            ["create at 0 s", "read at 0 s", "delete sg-lock at 0 s", "create at 2 s"]
        );
        assert_eq!(
            *progress.0.lock().unwrap(),
            ["taking over the expired lock of topology \"demo\" from ci@build-7 pid 4242"]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_group_that_keeps_vanishing_stops_the_run_after_a_bound() {
        let script = Script::new(vec![], vec![]);
        let progress = Recorded::default();
        let error = take(&script, "demo", TTL, Duration::ZERO, &progress).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "could not take the lock of topology \"demo\": for 30 s the group ecsnet-lock-demo was reported to exist and then could not be found\n\
             hint: run again in a moment; if it keeps happening, look for the group ecsnet-lock-demo in the VPC"
        );
        let calls = script.calls.lock().unwrap();
        assert_eq!(calls.len(), 32, "16 attempts, 2 s apart: {calls:?}");
        assert_eq!((calls[30].as_str(), calls[31].as_str()), ("create at 30 s", "read at 30 s"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_live_lock_is_waited_for_until_the_timeout() {
        let far = now() + 600;
        let script = Script::new(vec![], vec![Some(holder(far)), Some(holder(far)), Some(holder(far))]);
        let progress = Recorded::default();
        let error = take(&script, "demo", TTL, Duration::from_secs(4), &progress).await.unwrap_err();
        assert!(matches!(error, LockError::Held { ref holder, .. } if holder == "ci@build-7 pid 4242"), "{error}");
        assert_eq!(
            *script.calls.lock().unwrap(),
            ["create at 0 s", "read at 0 s", "create at 2 s", "read at 2 s", "create at 4 s", "read at 4 s"]
        );
        assert_eq!(
            *progress.0.lock().unwrap(),
            [
                "waiting for another run of topology \"demo\" to finish (ci@build-7 pid 4242; 0 s so far)",
                "waiting for another run of topology \"demo\" to finish (ci@build-7 pid 4242; 2 s so far)"
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_live_lock_whose_process_ended_on_this_host_is_taken_at_once() {
        let crashed = Holder { process: "this-host 4242 gone".into(), ..holder(now() + 100) };
        let script = Script::new(vec![None, Some("sg-mine")], vec![Some(crashed)]);
        let progress = Recorded::default();
        take(&script, "demo", TTL, Duration::ZERO, &progress).await.unwrap();
        assert_eq!(
            *script.calls.lock().unwrap(),
            ["create at 0 s", "read at 0 s", "delete sg-lock at 0 s", "create at 2 s"]
        );
        assert_eq!(*progress.0.lock().unwrap(), ["taking over the lock of topology \"demo\" from ci@build-7 pid 4242, whose process has ended on this host"]);
    }

    #[test]
    fn a_holder_is_gone_only_when_it_ran_here_and_its_process_ended_or_was_replaced() {
        let me = std::process::id();
        let started = start_time(me).expect("this test runs where /proc exists");
        assert!(!process_has_ended(&format!("here {me} {started}"), "here"), "this very process runs");
        assert!(
            process_has_ended(&format!("here {me} {}", started.parse::<u64>().unwrap() + 1), "here"),
            "same number, another process"
        );
        assert!(process_has_ended("here 4194304 1", "here"), "no such process (above the largest pid)");
        assert!(!process_has_ended("elsewhere 4194304 1", "here"), "another host's process cannot be checked");
        assert!(!process_has_ended("", "here"), "a lock from an older ecsnet names no process");
        assert!(!process_has_ended(&format!("here {me}"), "here"), "no start time: the number alone is running");
    }

    #[test]
    fn the_start_time_is_read_past_a_command_name_with_spaces_and_parentheses() {
        assert_eq!(this_process().split(' ').count(), 3);
        assert!(this_process().starts_with(&format!("{} {} ", hostname(), std::process::id())));
    }
}
