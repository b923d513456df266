//! `ecsnet iam-policy`: the least-privilege policy a command needs, scoped to the topology file (`-f`, else
//! `./ecsnet.toml` when there is one). No AWS call. The policy goes to stdout; one line on stderr says what it is
//! scoped to.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{GlobalArgs, IamPolicyArgs, DEFAULT_FILE};
use crate::iam::{policy, PolicyContext};
use crate::topology;

use super::ExitCode;

pub fn run(global: &GlobalArgs, args: &IamPolicyArgs) -> anyhow::Result<ExitCode> {
    let path = file(args.path.as_deref());
    let topology = path.as_deref().map(topology::load).transpose()?;
    let region = global.region.as_deref().or_else(|| topology.as_ref().and_then(|topology| topology.region.as_deref()));
    let policy = policy(args.command, &PolicyContext { topology: topology.as_ref(), region, adopt: args.adopt });
    crate::views::operator::write_policy(&mut crate::views::stdout().lock(), &policy.document)?;
    let mut note = match (&path, &topology) {
        (Some(path), Some(topology)) => {
            format!("iam-policy: scoped to {} (topology \"{}\")", path.display(), topology.name)
        }
        _ => format!(
            "iam-policy: no topology file (./{DEFAULT_FILE}): the policy is not scoped to your VPC, security groups, \
             ECS services, DNS zone or topology name, and grants every recipe; pass -f FILE"
        ),
    };
    if let Some(topology) = topology.as_ref().filter(|topology| !topology.network.vpc.starts_with("vpc-")) {
        note.push_str(&format!(
            "; the VPC is named \"{}\", not by ID, so the security-group statements cover every VPC (name it vpc-… to scope them)",
            topology.network.vpc
        ));
    }
    if args.adopt {
        note.push_str("; with --adopt it may tag resources no topology owns as this topology's (apply --adopt)");
    }
    if !policy.coarsened.is_empty() {
        let given_up: Vec<&str> = policy.coarsened.iter().map(|coarsening| coarsening.describe()).collect();
        note.push_str(&format!(
            "; to fit IAM's {}-character quota it names {}",
            crate::iam::MANAGED_POLICY_QUOTA,
            given_up.join(" and ")
        ));
    }
    writeln!(crate::views::stderr().lock(), "{note}")?;
    Ok(0)
}

/// The file named with -f, else `./ecsnet.toml` when it exists, else none.
fn file(named: Option<&Path>) -> Option<PathBuf> {
    match named {
        Some(path) => Some(path.to_path_buf()),
        None => Some(PathBuf::from(DEFAULT_FILE)).filter(|path| path.exists()),
    }
}
