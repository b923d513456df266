//! `ecsnet apply` and `ecsnet destroy`: show the plan, ask, execute, report.

use std::io::Write;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;

use crate::aws::execute::execute;
use crate::aws::observe::find_vpc;
use crate::aws::settle::wait_until_serving;
use crate::aws::{lock, Aws};
use crate::cli::{ChangeArgs, GlobalArgs, OutputFormat};
use crate::plan::saved::SavedPlan;
use crate::plan::{plan_apply, plan_destroy};
use crate::stop::{Stop, Stopped};
use crate::topology::{self, Topology};
use crate::views::{self, change::Finished, change::Outcome};

use super::{connect, observe_session, report_requests, ExitCode, Terminal};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// With the bound of the wait until the changes serve, unless `--no-wait`.
    Apply {
        wait: Option<Duration>,
    },
    Destroy,
}

pub async fn run(
    global: &GlobalArgs,
    terminal: &Terminal,
    args: &ChangeArgs,
    kind: Kind,
    saved: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let saved = saved.map(SavedPlan::read).transpose()?;
    let topology = match &saved {
        Some(saved) => topology::parse(Path::new(&saved.topology_path), &saved.topology_text)?,
        None => topology::load(&args.file.path)?,
    };
    // From here on, SIGINT and SIGTERM stop the run in order: no new step, the lock released, a report.
    let stop = Arc::new(Stop::default());
    Stop::listen_for_signals(&stop).context("cannot listen for SIGINT and SIGTERM")?;
    let aws = stop.unless_stopped(connect(global, topology.region.as_deref())).await??;
    // Two runs must not change one topology at once: take its lock (in the VPC) before reading live state.
    let vpc = stop
        .unless_stopped(find_vpc(&aws, &topology))
        .await?
        .context("reading live state failed; nothing was changed")?;
    let ttl = lock_ttl();
    let lock = match vpc {
        Some(vpc) => {
            let file = saved
                .as_ref()
                .map_or_else(|| args.file.path.display().to_string(), |saved| saved.topology_path.clone());
            let unlock = format!("ecsnet unlock -f {}", shell_word(&file));
            Some(
                stop.unless_stopped(lock::acquire(
                    &aws,
                    &topology.name,
                    &vpc.id,
                    ttl,
                    Duration::from_secs(args.lock_timeout),
                    &unlock,
                    terminal,
                ))
                .await??,
            )
        }
        None => None,
    };
    let work = locked(global, terminal, args, kind, topology, &aws, saved, &stop);
    let result = match &lock {
        // The heartbeat renews the lock for as long as the run lives, and never ends by itself.
        Some(lock) => tokio::select! {
            result = work => result,
            () = lock.heartbeat(&aws, ttl, &stop, terminal) => unreachable!("the heartbeat runs until the work ends"),
        },
        None => work.await,
    };
    if let Some(lock) = lock {
        if let Err(error) = lock.release(&aws, terminal).await {
            terminal
                .info(&format!("warning: could not release the lock: {error}; it expires within {} s", ttl.as_secs()));
        }
    }
    result
}

/// A path as a shell would take it back: quoted when it holds anything but plain characters.
fn shell_word(text: &str) -> String {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c)) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The lock's lifetime after the last heartbeat: `ECSNET_LOCK_TTL_SECONDS`, else two minutes.
fn lock_ttl() -> Duration {
    std::env::var("ECSNET_LOCK_TTL_SECONDS")
        .ok()
        .and_then(|seconds| seconds.parse().ok())
        .map_or(lock::DEFAULT_TTL, Duration::from_secs)
}

#[allow(clippy::too_many_arguments)]
async fn locked(
    global: &GlobalArgs,
    terminal: &Terminal,
    args: &ChangeArgs,
    kind: Kind,
    topology: Topology,
    aws: &Aws,
    saved: Option<SavedPlan>,
    stop: &Stop,
) -> anyhow::Result<ExitCode> {
    let session = stop.unless_stopped(observe_session(global, terminal, topology, aws.clone())).await??;
    let from_saved = saved.is_some();
    let plan = match (kind, saved) {
        (_, Some(saved)) => saved.into_current(&session.topology, &session.observed)?,
        (Kind::Apply { .. }, None) => plan_apply(&session.topology, &session.observed)?,
        (Kind::Destroy, None) => plan_destroy(&session.topology, &session.observed)?,
    };
    let json = args.output == OutputFormat::Json;
    if json {
        // Without a terminal to confirm on, the plan is still shown before anything happens: on stderr.
        if !args.auto_approve && !from_saved {
            views::plan::write_text(&mut views::stderr().lock(), &plan)?;
        }
    } else {
        let mut stdout = views::stdout().lock();
        views::plan::write_text(&mut stdout, &plan)?;
        stdout.flush()?;
    }
    if plan.is_empty() {
        if json {
            views::change::write_json(&mut views::stdout().lock(), &plan, None)?;
        }
        report_requests(global, terminal, &session.aws);
        return Ok(0);
    }
    // A saved plan was reviewed when it was made: applying it is the approval, as with Terraform.
    if !args.auto_approve && !from_saved {
        let question = match kind {
            Kind::Apply { .. } => format!("Apply these changes to topology \"{}\"?", plan.topology),
            Kind::Destroy => format!("Destroy everything topology \"{}\" owns?", plan.topology),
        };
        if !stop.unless_stopped(terminal.confirm_off_thread(question)).await?? {
            terminal.info("Nothing was changed.");
            return Ok(1);
        }
    }
    let requests_before = session.aws.requests.total();
    if let Some(reason) = stop.reason() {
        return Err(Stopped { reason }.into());
    }
    let report = execute(&session.aws, &plan, terminal, stop).await?;
    let waited = match kind {
        Kind::Apply { wait: Some(bound) } if !report.started.is_empty() => {
            Some(wait_until_serving(&session.aws, &report.started, bound, terminal, stop).await?)
        }
        _ => None,
    };
    let outcome = Outcome {
        steps: report.steps,
        elapsed: report.elapsed,
        waited,
        requests: session.aws.requests.total() - requests_before,
        summary: plan.summary(),
    };
    let mut stdout = views::stdout().lock();
    match (json, kind) {
        (true, _) => views::change::write_json(&mut stdout, &plan, Some(&outcome))?,
        (false, Kind::Apply { .. }) => views::change::write_text(&mut stdout, Finished::Apply, &outcome)?,
        (false, Kind::Destroy) => views::change::write_text(&mut stdout, Finished::Destroy, &outcome)?,
    }
    report_requests(global, terminal, &session.aws);
    Ok(0)
}
