//! Command-line arguments (clap derive). Global flags are declared once and accepted anywhere.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "ecsnet",
    version,
    about = "Stable, private service-to-service networking for Amazon ECS: plan, apply, destroy",
    after_help = "Where to start:\n  \
        ecsnet init --cluster CLUSTER -o ecsnet.toml   write a topology file from a running ECS cluster\n  \
        ecsnet plan                                    show what apply would change (reads ./ecsnet.toml)\n  \
        ecsnet apply                                   make it so, after a confirmation\n\n\
        Every command reads ./ecsnet.toml unless -f FILE names another."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// AWS region; wins over the file's `region` and the AWS config chain
    #[arg(long, global = true, env = "ECSNET_REGION")]
    pub region: Option<String>,
    /// Named profile from the AWS config files
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// Send every AWS request to this endpoint (an emulator); AWS_ENDPOINT_URL works too
    #[arg(long, global = true)]
    pub endpoint_url: Option<String>,
    /// More output on stderr: -v request counts and info, -vv debug, -vvv AWS SDK traces
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Color in output; NO_COLOR turns it off under auto
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// When the command ends (failed or not), write the AWS requests it sent to FILE as JSON:
    /// {"total": N, "by_operation": {"Route 53.ChangeResourceRecordSets": 3, ...}}, retries included; only commands
    /// that talk to AWS write it
    #[arg(long, global = true, value_name = "FILE")]
    pub requests_json: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what apply would change, changing nothing
    Plan(PlanArgs),
    /// Make live state match the topology file, or carry out a plan saved with `plan --out`
    Apply(ApplyArgs),
    /// Delete everything the topology owns, and nothing else
    Destroy(ChangeArgs),
    /// Print shell completions (bash, zsh, fish, ...) to stdout
    Completions(CompletionsArgs),
    /// Print the least-privilege IAM policy a command needs, as JSON
    IamPolicy(IamPolicyArgs),
    /// Draw the topology and what plan would change, as Mermaid or Graphviz dot
    Graph(GraphArgs),
    /// Write a topology file from a running ECS cluster
    Init(InitArgs),
    /// Check live state against the usual causes of unreachable services
    Doctor(DoctorArgs),
    /// Render a plan saved with `plan --out`
    Show(ShowArgs),
    /// Say which rule, target group and service the load balancer picks for a request
    Route(RouteArgs),
    /// Show who holds the topology's lock and remove it (after a run that cannot renew it any more)
    Unlock(UnlockArgs),
}

#[derive(Debug, Args)]
pub struct UnlockArgs {
    #[command(flatten)]
    pub file: FileArg,
    /// Do not ask for confirmation (required without a terminal)
    #[arg(long)]
    pub auto_approve: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub change: ChangeArgs,
    #[command(flatten)]
    pub adopt: AdoptArgs,
    /// A plan saved with `plan --out`: apply exactly it (refused if live state changed since); -f is then unused
    pub plan: Option<PathBuf>,
    /// Return once the changes are made, without waiting until they serve (load balancers active, DNS changes
    /// in sync, ECS deployments done and their targets healthy)
    #[arg(long)]
    pub no_wait: bool,
    /// Seconds to wait until the changes serve, before giving up (exit 1; the changes stay made)
    #[arg(long, default_value_t = 900, conflicts_with = "no_wait")]
    pub wait_timeout: u64,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The saved plan
    pub plan: PathBuf,
    /// Output format on stdout
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct RouteArgs {
    #[command(flatten)]
    pub file: FileArg,
    /// The request's Host header
    pub host: String,
    /// The request's path
    #[arg(default_value = "/", value_name = "PATH")]
    pub request_path: String,
    /// The listener port the request arrives on; default: every listener of the topology
    #[arg(long)]
    pub port: Option<u16>,
    /// Output format on stdout
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct IamPolicyArgs {
    /// The topology file to scope the policy to [default: ecsnet.toml when it exists; without a file, scopes that
    /// need it fall back to every resource of the type, and every recipe is granted]
    #[arg(short = 'f', long = "file")]
    pub path: Option<PathBuf>,
    /// The command the policy is for; graph and route read what plan reads, show makes no AWS request
    #[arg(long = "for", value_enum, default_value_t = crate::iam::PolicyCommand::Apply)]
    pub command: crate::iam::PolicyCommand,
    /// Also grant what `apply --adopt` needs: the topology's ownership marks on resources no topology owns yet
    /// (without it, the policy cannot claim a resource it does not already own)
    #[arg(long)]
    pub adopt: bool,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub file: FileArg,
    /// The diagram language
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The running ECS cluster to read (name or ARN)
    #[arg(long)]
    pub cluster: String,
    /// A private DNS zone: puts every service behind an internal load balancer with a name in this zone
    #[arg(long)]
    pub zone: Option<String>,
    /// A Cloud Map namespace: registers every service that is not load-balanced in it, as NAME.NAMESPACE
    #[arg(long, value_name = "NAME")]
    pub namespace: Option<String>,
    /// Write the file here instead of stdout; an existing file is never overwritten
    #[arg(short = 'o', long = "output-file")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub file: FileArg,
    /// Output format on stdout
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

/// The topology file every command reads unless -f names another.
pub const DEFAULT_FILE: &str = "ecsnet.toml";

#[derive(Debug, Args)]
pub struct FileArg {
    /// The topology file
    #[arg(short = 'f', long = "file", default_value = DEFAULT_FILE)]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub file: FileArg,
    /// Output format on stdout
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// Exit 0 when there are no changes, 2 when there are, 1 on error
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Also save the plan to this file, for `ecsnet apply FILE`
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub adopt: AdoptArgs,
}

#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// Take over in place the resources no topology owns that match the file (by name, port, conditions, host),
    /// writing only ecsnet's ownership marks on them
    #[arg(long)]
    pub adopt: bool,
    /// With --adopt: also take over resources of this CloudFormation stack, which is being retired (repeatable)
    #[arg(long, value_name = "STACK", requires = "adopt")]
    pub retiring_stack: Vec<String>,
}

impl AdoptArgs {
    /// What adoption may take; `None` without --adopt.
    pub fn policy(&self) -> Option<crate::plan::adopt::AdoptPolicy> {
        self.adopt.then(|| crate::plan::adopt::AdoptPolicy { retiring_stacks: self.retiring_stack.clone() })
    }
}

#[derive(Debug, Args)]
pub struct ChangeArgs {
    #[command(flatten)]
    pub file: FileArg,
    /// Do not ask for confirmation (required without a terminal)
    #[arg(long)]
    pub auto_approve: bool,
    /// Seconds to wait while another run holds the topology's lock, before giving up
    #[arg(long, default_value_t = 300)]
    pub lock_timeout: u64,
    /// Output format on stdout: the plan and the result as text, or one JSON document at the end
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}
