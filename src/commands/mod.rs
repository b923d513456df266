//! The commands: each reads the topology, reads live state, plans, and (apply, destroy) executes.

mod change;
mod completions;
mod doctor;
mod graph;
mod iam_policy;
mod init;
mod plan;
mod route;
mod show;
mod terminal;
mod unlock;

use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Context as _;

use crate::aws::{observe::observe, Aws, ConnectOptions, RequestCounter};
use crate::cli::{Cli, Command, GlobalArgs};
use crate::live::Observed;
use crate::plan::saved::SavedPlan;
use crate::plan::PlanError;
use crate::topology::{self, Topology};
use crate::views::plural::counted;

pub use terminal::Terminal;

/// What the process exits with.
pub type ExitCode = u8;

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let result = match run_command(&cli).await {
        Err(error) if ends_quietly(&cli.command, &error) => Ok(0),
        Err(mut error) => {
            if let (Some(refusal), Some(path)) = (error.downcast_mut::<PlanError>(), file_of(&cli.command)) {
                place_problems(refusal, path);
            }
            Err(error)
        }
        result => result,
    };
    let written = cli.global.requests_json.as_deref().map_or(Ok(()), write_request_counts);
    let code = result?;
    written?;
    Ok(code)
}

async fn run_command(cli: &Cli) -> anyhow::Result<ExitCode> {
    let terminal = Terminal::new(cli.global.color);
    match &cli.command {
        Command::Plan(args) => plan::run(&cli.global, &terminal, args).await,
        Command::Apply(args) => {
            let wait = (!args.no_wait).then(|| std::time::Duration::from_secs(args.wait_timeout));
            let kind = change::Kind::Apply { wait };
            change::run(&cli.global, &terminal, &args.change, kind, args.adopt.policy(), args.plan.as_deref()).await
        }
        Command::Destroy(args) => change::run(&cli.global, &terminal, args, change::Kind::Destroy, None, None).await,
        Command::Show(args) => show::run(args),
        Command::Route(args) => route::run(&cli.global, &terminal, args).await,
        Command::Completions(args) => completions::run(args),
        Command::IamPolicy(args) => iam_policy::run(&cli.global, args),
        Command::Init(args) => init::run(&cli.global, &terminal, args).await,
        Command::Graph(args) => graph::run(&cli.global, &terminal, args).await,
        Command::Doctor(args) => doctor::run(&cli.global, &terminal, args).await,
        Command::Unlock(args) => unlock::run(&cli.global, &terminal, args).await,
    }
}

/// Whether `error` is the reader of stdout going away (`ecsnet graph | head`) under a command that only prints:
/// it then ends quietly with status 0, as the reader asked for no more (docs/reference/exit-codes.md). Rust
/// ignores SIGPIPE, so the closed pipe arrives as a write error. `apply`, `destroy` and `unlock` change things:
/// for them it stays an error, since their report was lost.
pub fn ends_quietly(command: &Command, error: &anyhow::Error) -> bool {
    let prints_only = !matches!(command, Command::Apply(_) | Command::Destroy(_) | Command::Unlock(_));
    prints_only
        && error.chain().any(|cause| {
            // serde_json's error hides the io::Error it wraps from the chain, and says its kind instead.
            let kind = cause
                .downcast_ref::<std::io::Error>()
                .map(std::io::Error::kind)
                .or_else(|| cause.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind));
            kind == Some(std::io::ErrorKind::BrokenPipe)
        })
}

/// The topology file a command read, for placing the problems of its plan.
fn file_of(command: &Command) -> Option<&Path> {
    match command {
        Command::Plan(args) => Some(&args.file.path),
        Command::Apply(args) if args.plan.is_none() => Some(&args.change.file.path),
        Command::Destroy(args) => Some(&args.file.path),
        Command::Graph(args) => Some(&args.file.path),
        Command::Route(args) => Some(&args.file.path),
        Command::Doctor(args) => Some(&args.file.path),
        _ => None,
    }
}

/// Gives each problem that names a key of the file its `file:line:column`, as format errors have.
fn place_problems(refusal: &mut PlanError, path: &Path) {
    let Ok(text) = std::fs::read_to_string(path) else { return };
    place_in_text(refusal, path, &text);
}

/// Gives each problem that names a key of `text` (the file at `path`) its `file:line:column`.
fn place_in_text(refusal: &mut PlanError, path: &Path, text: &str) {
    for problem in &mut refusal.problems {
        if let Some(key) = &problem.key {
            let (line, column) = topology::locate(text, key.service.as_deref(), &key.path);
            problem.place = Some(format!("{}:{line}:{column}", path.display()));
        }
    }
}

/// What the process exits with after `error`: 130 for a run stopped by SIGINT or SIGTERM, else 1.
pub fn exit_code_of(error: &anyhow::Error) -> ExitCode {
    if let Some(failure) = error.downcast_ref::<crate::aws::execute::ExecutionFailure>() {
        return failure.exit_code();
    }
    if let Some(unsettled) = error.downcast_ref::<crate::aws::settle::SettleError>() {
        return unsettled.exit_code();
    }
    error.downcast_ref::<crate::stop::Stopped>().map_or(1, |stopped| stopped.reason.exit_code())
}

/// The topology file read once: the topology, and the text it was parsed from (what a saved plan keeps).
fn load_with_text(path: &Path) -> anyhow::Result<(Topology, String)> {
    let text = topology::read(path)?;
    Ok((topology::parse(path, &text)?, text))
}

/// A plan saved with `plan --out`.
fn read_saved_plan(path: &Path) -> anyhow::Result<SavedPlan> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read the saved plan {}", path.display()))?;
    Ok(SavedPlan::parse(&path.display().to_string(), &text)?)
}

/// The topology file, AWS clients and live state every command starts from.
struct Session {
    topology: Topology,
    /// The file's text the topology was parsed from.
    text: String,
    aws: Aws,
    observed: Observed,
}

async fn start(global: &GlobalArgs, terminal: &Terminal, path: &Path) -> anyhow::Result<Session> {
    let (topology, text) = load_with_text(path)?;
    let aws = connect(global, topology.region.as_deref()).await?;
    observe_session(global, terminal, topology, text, aws).await
}

async fn observe_session(
    global: &GlobalArgs,
    terminal: &Terminal,
    topology: Topology,
    text: String,
    aws: Aws,
) -> anyhow::Result<Session> {
    let started = Instant::now();
    let observed = observe(&aws, &topology).await.context("reading live state failed; nothing was changed")?;
    if global.verbose > 0 {
        terminal.info(&format!(
            "read live state of topology \"{}\" in {} AWS requests, {:.2} s",
            topology.name,
            aws.requests.total(),
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(Session { topology, text, aws, observed })
}

/// AWS clients from the global flags; `file_region` is the topology file's `region`, if any.
async fn connect(global: &GlobalArgs, file_region: Option<&str>) -> anyhow::Result<Aws> {
    let options = ConnectOptions {
        region: global.region.clone(),
        profile: global.profile.clone(),
        endpoint_url: global.endpoint_url.clone(),
    };
    let aws = Aws::connect(&options, file_region).await?;
    CONNECTIONS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(aws.requests.clone());
    Ok(aws)
}

/// The request counters of every AWS connection this process made, for `--requests-json`.
static CONNECTIONS: Mutex<Vec<RequestCounter>> = Mutex::new(Vec::new());

/// `--requests-json`: the requests every connection sent, by operation. Nothing is written when the command
/// talked to no AWS service.
fn write_request_counts(path: &Path) -> anyhow::Result<()> {
    let connections = CONNECTIONS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if connections.is_empty() {
        return Ok(());
    }
    let mut counts = crate::views::operator::RequestCounts::default();
    for (operation, count) in connections.iter().flat_map(RequestCounter::by_operation) {
        counts.total += count;
        *counts.by_operation.entry(operation).or_default() += count;
    }
    std::fs::write(path, crate::views::operator::request_counts_json(&counts))
        .with_context(|| format!("cannot write request counts to {}", path.display()))
}

/// With -v: every AWS request this run sent, by operation.
fn report_requests(global: &GlobalArgs, terminal: &Terminal, aws: &Aws) {
    if global.verbose == 0 {
        return;
    }
    let counts = aws.requests.by_operation();
    let detail: Vec<String> = counts.iter().map(|(operation, count)| format!("{operation} {count}")).collect();
    terminal.info(&format!("{} in all: {}", counted(aws.requests.total(), "AWS request"), detail.join(", ")));
}

#[cfg(test)]
mod tests;
