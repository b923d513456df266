//! A lock per topology, so two runs of `apply` or `destroy` never change the same topology at once. There is no
//! state file to lock, so the lock lives in AWS: a security group named `ecsnet-lock-<topology>` in the VPC.
//! Creating it is atomic (a second create of the name fails), its tags say who holds it and until when, and a
//! lock whose holder crashed expires. It carries the topology's tags (so a policy scoped to them covers it) with
//! the address `lock`, which the planner passes over.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};

use super::error::{AlreadyGone as _, Context as _};
use crate::observed::{ADDRESS_TAG, TOPOLOGY_TAG};
use crate::plan::ownership::LOCK_ADDRESS;
use super::execute::{retry, Progress};
use super::{Aws, AwsError};

/// How long a lock holds when its holder dies without releasing it.
pub const DEFAULT_TTL: Duration = Duration::from_secs(30 * 60);
const HOLDER_TAG: &str = "ecsnet:lock-holder";
const EXPIRES_TAG: &str = "ecsnet:lock-expires";

#[derive(Debug)]
pub struct Lock {
    group_id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("topology \"{topology}\" is being changed by another run ({holder}), whose lock holds until {expires} (security group {group_id})\nhint: wait for that run to finish; if it crashed, its lock expires by itself, or delete the group {group_id} by hand")]
    Held { topology: String, holder: String, expires: String, group_id: String },
    #[error(transparent)]
    Aws(#[from] AwsError),
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs())
}

pub fn lock_name(topology: &str) -> String {
    format!("ecsnet-lock-{topology}")
}

/// Takes the topology's lock, waiting up to `wait` while another run holds it.
pub async fn acquire(aws: &Aws, topology: &str, vpc_id: &str, ttl: Duration, wait: Duration, progress: &dyn Progress) -> Result<Lock, LockError> {
    let holder = format!("{}@{} pid {}", std::env::var("USER").unwrap_or_else(|_| "someone".into()), hostname(), std::process::id());
    let started = Instant::now();
    loop {
        let expires = now() + ttl.as_secs();
        let tags = TagSpecification::builder()
            .resource_type(ResourceType::SecurityGroup)
            .tags(Tag::builder().key(TOPOLOGY_TAG).value(topology).build())
            .tags(Tag::builder().key(ADDRESS_TAG).value(LOCK_ADDRESS).build())
            .tags(Tag::builder().key(HOLDER_TAG).value(&holder).build())
            .tags(Tag::builder().key(EXPIRES_TAG).value(expires.to_string()).build())
            .build();
        let created = aws
            .ec2
            .create_security_group()
            .group_name(lock_name(topology))
            .description(format!("ecsnet: lock of topology {topology}; deleted when the run ends"))
            .vpc_id(vpc_id)
            .tag_specifications(tags)
            .send()
            .await
            .context("CreateSecurityGroup");
        match created {
            Ok(output) => return Ok(Lock { group_id: output.group_id().unwrap_or_default().to_string() }),
            Err(error) if error.has_code(&["InvalidGroup.Duplicate"]) => {}
            Err(error) => return Err(error.into()),
        }
        let Some((group_id, holder, expires)) = current(aws, topology, vpc_id).await? else { continue };
        if expires <= now() {
            progress.report(&format!("taking over the expired lock of topology \"{topology}\" from {holder}"));
            aws.ec2.delete_security_group().group_id(&group_id).send().await.context("DeleteSecurityGroup").or_gone(&["InvalidGroup.NotFound"])?;
            continue;
        }
        if started.elapsed() >= wait {
            return Err(LockError::Held { topology: topology.to_string(), holder, expires: format!("{} s from now", expires - now()), group_id });
        }
        progress.report(&format!("waiting for another run of topology \"{topology}\" to finish ({holder}; {} s so far)", started.elapsed().as_secs()));
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// The lock group now in place: its ID, holder and expiry (seconds since the epoch).
async fn current(aws: &Aws, topology: &str, vpc_id: &str) -> Result<Option<(String, String, u64)>, AwsError> {
    let output = aws
        .ec2
        .describe_security_groups()
        .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
        .filters(Filter::builder().name("group-name").values(lock_name(topology)).build())
        .send()
        .await
        .context("DescribeSecurityGroups")?;
    Ok(output.security_groups().first().map(|group| {
        let tag = |key: &str| group.tags().iter().find(|tag| tag.key() == Some(key)).and_then(|tag| tag.value()).unwrap_or_default().to_string();
        (group.group_id().unwrap_or_default().to_string(), tag(HOLDER_TAG), tag(EXPIRES_TAG).parse().unwrap_or(0))
    }))
}

impl Lock {
    /// Deletes the lock group. A run that changed nothing releases it a moment after creating it, when EC2 may not
    /// see it yet (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html): InvalidGroup.NotFound
    /// is waited out as for any new resource, and only then taken to mean someone removed it already.
    pub async fn release(self, aws: &Aws, progress: &dyn Progress) -> Result<(), AwsError> {
        let request = aws.ec2.delete_security_group().group_id(&self.group_id);
        let patience = retry::Patience { timeout: Duration::from_secs(10), ..retry::NEW_RESOURCE };
        let attempt = || async { request.clone().send().await.context("DeleteSecurityGroup") };
        retry::while_code_with(patience, progress, "the lock group to be visible", retry::NOT_YET_VISIBLE, attempt).await.map(|_| ()).or_gone(&["InvalidGroup.NotFound"])
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").map(|name| name.trim().to_string()).unwrap_or_else(|_| "localhost".into())
}
