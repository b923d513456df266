//! A lock per topology, so two runs of `apply` or `destroy` never change the same topology at once. There is no
//! state file to lock, so the lock lives in AWS: a security group named `ecsnet-lock-<topology>` in the VPC.
//! Creating it is atomic (a second create of the name fails), its tags say who holds it and until when. The
//! holder renews the expiry with a heartbeat while it runs, so a lock whose holder crashed expires within
//! `DEFAULT_TTL`; a run on the same host that finds the holder's process gone takes it over at once; and
//! `ecsnet unlock` removes it by hand. It carries the topology's tags (so a policy scoped to them covers it) with
//! the address `lock`, which the planner passes over.

mod ec2;
mod process;
#[cfg(test)]
mod tests;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_ec2::types::Tag;

use super::error::{AlreadyGone as _, ForOperation as _};
use super::{Aws, AwsError};
use crate::aws::wait;
use crate::aws::Code;
use crate::events::{Event, Notice, Progress, Subject, Wait, WaitFor};
use crate::stop::{Stop, StopReason};
use ec2::Ec2LockGroups;
use process::{hostname, this_process};

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

/// After a delete was refused: IAM judges a delete before EC2 looks the group up, and a policy scoped by the
/// group's tags cannot match a group that no longer exists (an earlier attempt of the same delete, retried by the
/// SDK after a timeout, may have removed it). A group that is gone is released; one still there keeps the refusal.
async fn refused_if_still_there(aws: &Aws, group_id: &str, deleted: Result<(), AwsError>) -> Result<(), AwsError> {
    let refusal = match deleted {
        Err(error) if error.has_code(&[Code::UnauthorizedOperation]) => error,
        other => return other,
    };
    let described =
        aws.ec2.describe_security_groups().group_ids(group_id).send().await.for_operation("DescribeSecurityGroups");
    match described {
        Err(error) if error.has_code(&[Code::GroupNotFound]) => Ok(()),
        Ok(found) if found.security_groups().is_empty() => Ok(()),
        _ => Err(refusal),
    }
}

/// Deletes a lock group by hand (`ecsnet unlock`); one already gone is fine.
pub async fn remove(aws: &Aws, group_id: &str) -> Result<(), AwsError> {
    let deleted = aws
        .ec2
        .delete_security_group()
        .group_id(group_id)
        .send()
        .await
        .for_operation("DeleteSecurityGroup")
        .or_gone(&[Code::GroupNotFound]);
    refused_if_still_there(aws, group_id, deleted).await
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
    let taking = Taking { topology, ttl, wait, started: tokio::time::Instant::now(), progress };
    loop {
        if let Some(group_id) = groups.create(now() + ttl.as_secs()).await? {
            return Ok(Lock { group_id });
        }
        match groups.current().await? {
            Some(found) if found.expires > now() && groups.holder_is_gone(&found.process) => {
                progress.event(Event::Notice(Notice::TakingOver {
                    topology: topology.to_string(),
                    holder: found.holder.clone(),
                    expired: false,
                }));
                groups.delete(&found.group_id).await?;
            }
            Some(found) if found.expires > now() => taking.held_by(found)?,
            Some(expired) => {
                progress.event(Event::Notice(Notice::TakingOver {
                    topology: topology.to_string(),
                    holder: expired.holder.clone(),
                    expired: true,
                }));
                groups.delete(&expired.group_id).await?;
            }
            None => taking.vanished()?,
        }
        tokio::time::sleep(PAUSE).await;
    }
}

/// What `take` was asked and when it began: whether a collision is waited out or ends the attempts.
struct Taking<'a> {
    topology: &'a str,
    ttl: Duration,
    wait: Duration,
    started: tokio::time::Instant,
    progress: &'a dyn Progress,
}

// The same `LockError` as `take` returns, to hand on with `?`.
#[allow(clippy::result_large_err)]
impl Taking<'_> {
    /// A live holder: refused once `wait` has passed, waited for until then.
    fn held_by(&self, found: Holder) -> Result<(), LockError> {
        let topology = self.topology;
        if self.started.elapsed() >= self.wait {
            return Err(LockError::Held {
                topology: topology.to_string(),
                holder: found.holder.clone(),
                expires: found.expiry(),
                group_id: found.group_id,
                ttl: self.ttl.as_secs(),
                unlock: String::new(),
            });
        }
        self.progress.event(Event::Waiting(Wait {
            what: WaitFor::Lock { topology: topology.to_string() },
            detail: Some(found.holder.clone()),
            since: self.started.elapsed(),
            next_try: None,
        }));
        Ok(())
    }

    /// A collision with a group gone before it could be read: tried again until `wait`, or `SETTLE` if longer.
    fn vanished(&self) -> Result<(), LockError> {
        let topology = self.topology;
        if self.started.elapsed() >= self.wait.max(SETTLE) {
            return Err(LockError::Unsettled {
                topology: topology.to_string(),
                name: lock_name(topology),
                seconds: self.started.elapsed().as_secs(),
            });
        }
        self.progress.event(Event::Notice(Notice::LockReleasedWhileRead { topology: topology.to_string() }));
        Ok(())
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
                .for_operation("CreateTags");
            match renewed {
                Ok(_) => tracing::debug!(group_id = %self.group_id, "lock renewed"),
                Err(error) if error.has_code(&[Code::GroupNotFound, Code::InvalidId]) => {
                    progress.event(Event::Notice(Notice::LockGone { group_id: self.group_id.clone() }));
                    stop.request(StopReason::LockLost(format!(
                        "the lock group {} was removed while this run held it",
                        self.group_id
                    )));
                    std::future::pending::<()>().await;
                }
                Err(error) => {
                    progress.event(Event::Notice(Notice::LockNotRenewed { error: error.to_string(), retry_in: every }))
                }
            }
        }
    }

    /// Deletes the lock group. A run that changed nothing releases it a moment after creating it, when EC2 may not
    /// see it yet (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html): InvalidGroup.NotFound
    /// is waited out as for any new resource, and only then taken to mean someone removed it already.
    pub async fn release(self, aws: &Aws, progress: &dyn Progress) -> Result<(), AwsError> {
        let request = aws.ec2.delete_security_group().group_id(&self.group_id);
        let patience = wait::Patience { bound: Duration::from_secs(10), ..wait::NEW_RESOURCE };
        let attempt = || async { request.clone().send().await.for_operation("DeleteSecurityGroup") };
        let released = wait::with_patience(
            patience,
            progress,
            Subject::Visible("lock group".into()),
            &[Code::GroupNotFound],
            attempt,
        )
        .await
        .map(|_| ())
        .or_gone(&[Code::GroupNotFound]);
        refused_if_still_there(aws, &self.group_id, released).await
    }
}
