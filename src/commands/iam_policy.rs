//! `ecsnet iam-policy`: the least-privilege policy a command needs, scoped to a topology file when one is given.
//! No AWS call.

use std::io::Write;

use crate::cli::{GlobalArgs, IamPolicyArgs};
use crate::iam::{policy, PolicyContext};
use crate::topology;

use super::ExitCode;

pub fn run(global: &GlobalArgs, args: &IamPolicyArgs) -> anyhow::Result<ExitCode> {
    let topology = args.path.as_deref().map(topology::load).transpose()?;
    let region = global.region.as_deref().or_else(|| topology.as_ref().and_then(|topology| topology.region.as_deref()));
    let document = policy(args.command, &PolicyContext { topology: topology.as_ref(), region });
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &document)?;
    writeln!(stdout)?;
    Ok(0)
}
