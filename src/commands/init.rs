//! `ecsnet init --cluster NAME`: a topology file from a running ECS cluster, on stdout or into a new file.

use std::io::Write;

use anyhow::Context as _;

use crate::aws::observe::cluster;
use crate::cli::{GlobalArgs, InitArgs};
use crate::init::{adoptable_load_balancer, adoption_hint, write_topology, InitOptions};

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
    let text =
        write_topology(&cluster, &InitOptions { zone: args.zone.as_deref(), namespace: args.namespace.as_deref() });
    let adoptable = adoptable_load_balancer(&cluster);
    match &args.output {
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
        Some(path) => {
            create_new(path, &text)?;
            // With a load balancer to adopt, the hint below says what comes next.
            let next =
                if adoptable.is_some() { String::new() } else { format!("; next: ecsnet plan -f {}", path.display()) };
            terminal.info(&format!(
                "wrote {} ({} services of cluster \"{}\"){next}",
                path.display(),
                cluster.services.len(),
                args.cluster,
            ));
        }
    }
    if let Some(load_balancer) = adoptable {
        let file = args.output.as_ref().map_or("<file>".to_string(), |path| path.display().to_string());
        terminal.info(&adoption_hint(load_balancer, &file));
    }
    report_requests(global, terminal, &aws);
    Ok(0)
}

/// Writes a new file; never overwrites one.
fn create_new(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).with_context(|| {
        format!(
            "cannot create {}\nhint: ecsnet init never overwrites a file; choose another path or remove it",
            path.display()
        )
    })?;
    file.write_all(text.as_bytes())?;
    Ok(())
}
