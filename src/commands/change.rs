//! `ecsnet apply` and `ecsnet destroy`: show the plan, ask, execute, report.

use std::collections::BTreeMap;
use std::io::Write;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;

use crate::aws::execute::{execute_within, DEFAULT_SERVING_BOUND};
use crate::aws::observe::find_vpc;
use crate::aws::settle::wait_until_serving;
use crate::aws::{lock, Aws};
use crate::cli::{ChangeArgs, GlobalArgs, OutputFormat};
use crate::live::Observed;
use crate::plan::adopt::AdoptPolicy;
use crate::plan::ownership::{owned_by, tagged_address};
use crate::plan::saved::SavedPlan;
use crate::plan::{plan_apply_or_adopt, plan_destroy, Action, Address, Plan};
use crate::stop::{Stop, Stopped};
use crate::topology::{self, Topology};
use crate::views::{self, change::Finished, change::Outcome};

use super::{connect, load_with_text, observe_session, read_saved_plan, report_requests, ExitCode, Terminal};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// With the bound of the wait until the changes serve, unless `--no-wait`.
    Apply {
        wait: Option<Duration>,
    },
    Destroy,
}

/// What one apply or destroy works with, from the command line to the connection.
struct Run<'a> {
    global: &'a GlobalArgs,
    terminal: &'a Terminal,
    args: &'a ChangeArgs,
    kind: Kind,
    /// What apply may adopt (`--adopt`).
    adopt: Option<AdoptPolicy>,
    aws: Aws,
    stop: Arc<Stop>,
}

pub async fn run(
    global: &GlobalArgs,
    terminal: &Terminal,
    args: &ChangeArgs,
    kind: Kind,
    adopt: Option<AdoptPolicy>,
    saved: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let saved = saved.map(read_saved_plan).transpose()?;
    let (topology, text) = match &saved {
        Some(saved) => {
            (topology::parse(Path::new(&saved.topology_path), &saved.topology_text)?, saved.topology_text.clone())
        }
        None => load_with_text(&args.file.path)?,
    };
    // From here on, SIGINT and SIGTERM stop the run in order: no new step, the lock released, a report.
    let stop = Arc::new(Stop::default());
    Stop::listen_for_signals(&stop).context("cannot listen for SIGINT and SIGTERM")?;
    let aws = stop.unless_stopped(connect(global, topology.region.as_deref())).await??;
    let run = Run { global, terminal, args, kind, adopt, aws, stop };
    let file = saved.as_ref().map_or_else(|| args.file.path.display().to_string(), |saved| saved.topology_path.clone());
    let ttl = lock_ttl();
    let lock = run.take_lock(&topology, &file, ttl).await?;
    let work = run.locked(topology, text, saved);
    let result = match &lock {
        // The heartbeat renews the lock for as long as the run lives, and never ends by itself.
        Some(lock) => tokio::select! {
            result = work => result,
            () = lock.heartbeat(&run.aws, ttl, &run.stop, terminal) => unreachable!("the heartbeat runs until the work ends"),
        },
        None => work.await,
    };
    if let Some(lock) = lock {
        if let Err(error) = lock.release(&run.aws, terminal).await {
            terminal
                .info(&format!("warning: could not release the lock: {error}; it expires within {} s", ttl.as_secs()));
        }
    }
    result
}

/// The DNS name of the topology's VPC Lattice service at `address` as read before apply, when apply kept it (did
/// not create or replace it): a DNS name never changes while the service lives.
fn kept_lattice_dns(observed: &Observed, plan: &Plan, address: &Address) -> Option<String> {
    let recreated = plan
        .changes
        .iter()
        .any(|change| change.address == *address && matches!(change.action, Action::Create | Action::Replace));
    if recreated {
        return None;
    }
    observed
        .lattice
        .services
        .iter()
        .filter(|service| owned_by(&service.tags, &plan.topology))
        .find(|service| tagged_address(&service.tags).as_ref() == Some(address))
        .and_then(|service| service.dns_name.clone())
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

impl Run<'_> {
    /// Two runs must not change one topology at once: its lock (in the VPC) is taken before live state is read.
    /// Without the VPC there is nothing to lock, and the plan will say the VPC is missing.
    async fn take_lock(&self, topology: &Topology, file: &str, ttl: Duration) -> anyhow::Result<Option<lock::Lock>> {
        let vpc = self
            .stop
            .unless_stopped(find_vpc(&self.aws, topology))
            .await?
            .context("reading live state failed; nothing was changed")?;
        let Some(vpc) = vpc else { return Ok(None) };
        let unlock = format!("ecsnet unlock -f {}", shell_word(file));
        let wait = Duration::from_secs(self.args.lock_timeout);
        let acquire = lock::acquire(&self.aws, &topology.name, &vpc.id, ttl, wait, &unlock, self.terminal);
        Ok(Some(self.stop.unless_stopped(acquire).await??))
    }

    /// Under the lock: read, plan, show, ask, carry out, report.
    async fn locked(&self, topology: Topology, text: String, saved: Option<SavedPlan>) -> anyhow::Result<ExitCode> {
        let observing = observe_session(self.global, self.terminal, topology, text, self.aws.clone());
        let session = self.stop.unless_stopped(observing).await??;
        let from_saved = saved.is_some();
        let plan = match (self.kind, saved) {
            (_, Some(saved)) => saved.into_current(&session.topology, &session.observed)?,
            (Kind::Apply { .. }, None) => {
                plan_apply_or_adopt(&session.topology, &session.observed, self.adopt.as_ref())?
            }
            (Kind::Destroy, None) => plan_destroy(&session.topology, &session.observed)?,
        };
        // A migration's later stages need the wait until its new path serves: without it, only stage 1 is done.
        let plan = match self.kind {
            Kind::Apply { wait: None } if plan.has_later_stages() => plan.through_first_stage(),
            _ => plan,
        };
        // A saved plan was reviewed when it was made: applying it is the approval, as with Terraform.
        let approved = self.args.auto_approve || from_saved;
        self.show(&plan, approved)?;
        if plan.is_empty() {
            if self.json() {
                views::change::write_json(&mut views::stdout().lock(), &plan, None)?;
            }
            report_requests(self.global, self.terminal, &session.aws);
            return Ok(0);
        }
        if !approved && !self.confirmed(&plan).await? {
            self.terminal.info("Nothing was changed.");
            return Ok(1);
        }
        let (mut outcome, created_dns) = self.carry_out(&session.aws, &plan).await?;
        if let Kind::Apply { .. } = self.kind {
            outcome.names = session.topology.cloud_map_names();
            outcome.connect_names = session.topology.service_connect_names();
            outcome.lattice_names = session.topology.lattice_names(|service| {
                let address = Address::LatticeService(service.name.clone());
                created_dns.get(&address).cloned().or_else(|| kept_lattice_dns(&session.observed, &plan, &address))
            });
        }
        self.report(&plan, &outcome)?;
        report_requests(self.global, self.terminal, &session.aws);
        Ok(0)
    }

    fn json(&self) -> bool {
        self.args.output == OutputFormat::Json
    }

    /// The plan on stdout; with `--output json`, on stderr, and only when it must be seen before the question.
    fn show(&self, plan: &Plan, approved: bool) -> anyhow::Result<()> {
        if !self.json() {
            let mut stdout = views::stdout().lock();
            views::plan::write_text(&mut stdout, plan)?;
            stdout.flush()?;
        } else if !approved {
            views::plan::write_text(&mut views::stderr().lock(), plan)?;
        }
        Ok(())
    }

    async fn confirmed(&self, plan: &Plan) -> anyhow::Result<bool> {
        let question = match self.kind {
            Kind::Apply { .. } => format!("Apply these changes to topology \"{}\"?", plan.topology),
            Kind::Destroy => format!("Destroy everything topology \"{}\" owns?", plan.topology),
        };
        Ok(self.stop.unless_stopped(self.terminal.confirm_off_thread(question)).await??)
    }

    /// Executes the plan, then (apply, unless `--no-wait`) waits until what it started serves.
    async fn carry_out(&self, aws: &Aws, plan: &Plan) -> anyhow::Result<(Outcome, BTreeMap<Address, String>)> {
        let requests_before = aws.requests.total();
        if let Some(reason) = self.stop.reason() {
            return Err(Stopped { reason }.into());
        }
        let serving_bound = match self.kind {
            Kind::Apply { wait: Some(bound) } => bound,
            _ => DEFAULT_SERVING_BOUND,
        };
        let report = execute_within(aws, plan, self.terminal, &self.stop, serving_bound).await?;
        let waited = match self.kind {
            Kind::Apply { wait: Some(bound) } if !report.started.is_empty() => {
                Some(wait_until_serving(aws, &report.started, bound, self.terminal, &self.stop).await?)
            }
            _ => None,
        };
        let outcome = Outcome {
            steps: report.steps,
            elapsed: report.elapsed,
            waited,
            requests: aws.requests.total() - requests_before,
            summary: plan.summary(),
            names: Vec::new(),
            connect_names: Vec::new(),
            lattice_names: Vec::new(),
        };
        Ok((outcome, report.dns_names))
    }

    fn report(&self, plan: &Plan, outcome: &Outcome) -> anyhow::Result<()> {
        let mut stdout = views::stdout().lock();
        match (self.json(), self.kind) {
            (true, _) => views::change::write_json(&mut stdout, plan, Some(outcome))?,
            (false, Kind::Apply { .. }) => views::change::write_text(&mut stdout, Finished::Apply, outcome)?,
            (false, Kind::Destroy) => views::change::write_text(&mut stdout, Finished::Destroy, outcome)?,
        }
        Ok(())
    }
}
