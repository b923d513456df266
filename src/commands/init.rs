//! `ecsnet init --cluster NAME`: a topology file from a running ECS cluster, on stdout or into a new file.

use std::io::Write;

use anyhow::Context as _;

use crate::aws::observe::cluster;
use crate::cli::{GlobalArgs, InitArgs};
use crate::init::{write_topology, InitOptions};

use super::{connect, report_requests, ExitCode, Terminal};

pub async fn run(global: &GlobalArgs, terminal: &Terminal, args: &InitArgs) -> anyhow::Result<ExitCode> {
    let aws = connect(global, None).await?;
    let cluster = cluster::read(&aws, &args.cluster)
        .await
        .with_context(|| format!("reading ECS cluster \"{}\" failed", args.cluster))?;
    if cluster.services.is_empty() {
        anyhow::bail!(
            "ECS cluster \"{}\" has no services\nhint: check the name and the region (--region)",
            args.cluster
        );
    }
    let text = write_topology(&cluster, &InitOptions { zone: args.zone.as_deref() });
    match &args.output {
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
        Some(path) => {
            let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).with_context(|| {
                format!(
                    "cannot create {}\nhint: ecsnet init never overwrites a file; choose another path or remove it",
                    path.display()
                )
            })?;
            file.write_all(text.as_bytes())?;
            terminal.info(&format!(
                "wrote {} ({} services of cluster \"{}\"); next: ecsnet plan -f {}",
                path.display(),
                cluster.services.len(),
                args.cluster,
                path.display()
            ));
        }
    }
    report_requests(global, terminal, &aws);
    Ok(0)
}
