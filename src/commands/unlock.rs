//! `ecsnet unlock`: shows who holds the topology's lock, and removes it after confirmation. For a run that
//! cannot release its lock any more (a machine gone, a process killed on another host) when waiting for the lock
//! to expire is not an option.

use anyhow::Context as _;

use crate::aws::lock;
use crate::aws::observe::find_vpc;
use crate::cli::{GlobalArgs, UnlockArgs};
use crate::topology;
use crate::views;

use super::{connect, ExitCode, Terminal};

pub async fn run(global: &GlobalArgs, terminal: &Terminal, args: &UnlockArgs) -> anyhow::Result<ExitCode> {
    let topology = topology::load(&args.file.path)?;
    let aws = connect(global, topology.region.as_deref()).await?;
    let vpc = find_vpc(&aws, &topology).await.context("reading the lock failed; nothing was changed")?;
    let held = match &vpc {
        Some(vpc) => {
            lock::holder(&aws, &topology.name, &vpc.id).await.context("reading the lock failed; nothing was changed")?
        }
        None => None,
    };
    let Some(held) = held else {
        views::operator::write_not_locked(&mut views::stdout().lock(), &topology.name)?;
        return Ok(0);
    };
    let expiry = held.expiry();
    views::operator::write_lock(&mut views::stdout().lock(), &topology.name, &held.holder, &held.group_id, &expiry)?;
    if !args.auto_approve {
        let question = "Remove this lock? If that run still goes on, it stops at its next heartbeat, and another run may change the topology at once.";
        if !terminal.confirm(question)? {
            terminal.info("The lock was left in place.");
            return Ok(1);
        }
    }
    lock::remove(&aws, &held.group_id).await?;
    views::operator::write_lock_removed(&mut views::stdout().lock())?;
    Ok(0)
}
