//! An ECS cluster or service the file names that does not exist, in ecsnet's words: the service and key of the
//! file, what exists instead (the nearest name, and every name when there are few), and what to do. `doctor` says
//! the same (`explain`).

use crate::live::EcsCatalog;
use crate::plan::desired::DesiredEcs;
use crate::plan::problem::{FileKey, Problem};
use crate::suggest::{listed, nearest};

/// The problem of `wanted`, whose ECS service was not found; `catalog` holds what exists.
pub(super) fn missing(wanted: &DesiredEcs, catalog: &EcsCatalog) -> Problem {
    let missing = explain(catalog, &wanted.wiring.cluster, &wanted.wiring.service);
    Problem::at(FileKey::service(&wanted.service, missing.key), missing.message, missing.hint)
}

/// Why an ECS service the file names was not found, and what exists instead.
pub struct Missing {
    /// The key of `[service.ecs]` that names what is missing: `ecs.cluster` or `ecs.service`.
    pub key: &'static str,
    pub message: String,
    pub hint: String,
}

/// `cluster`/`service` as the file names them, found missing; `catalog` holds what exists.
pub fn explain(catalog: &EcsCatalog, cluster: &str, service: &str) -> Missing {
    if catalog.missing_clusters.iter().any(|missing| missing == cluster) {
        let hint = match (nearest(cluster, catalog.clusters.iter().map(String::as_str)), listed(&catalog.clusters)) {
            _ if catalog.clusters.is_empty() => {
                "the region has no ECS clusters: check the region (--region, the file's `region`, AWS_REGION)".into()
            }
            (Some(near), Some(all)) => format!("did you mean \"{near}\"? The region's clusters: {all}"),
            (None, Some(all)) => format!("the region's clusters: {all}; or check the region"),
            (Some(near), None) => format!("did you mean \"{near}\"? (`aws ecs list-clusters` lists the rest)"),
            (None, None) => "`aws ecs list-clusters` lists the region's clusters; or check the region".into(),
        };
        return Missing { key: "ecs.cluster", message: format!("no ECS cluster \"{cluster}\" in this region"), hint };
    }
    let names = catalog.services.get(cluster).cloned().unwrap_or_default();
    let near = nearest(service, names.iter().map(String::as_str));
    let instead = match (near, listed(&names)) {
        _ if names.is_empty() => format!("cluster \"{cluster}\" runs no services"),
        (Some(near), Some(all)) => format!("did you mean \"{near}\"? The cluster's services: {all}"),
        (None, Some(all)) => format!("the cluster's services: {all}"),
        (Some(near), None) => format!("did you mean \"{near}\"?"),
        (None, None) => format!("`aws ecs list-services --cluster {cluster}` lists them"),
    };
    Missing {
        key: "ecs.service",
        message: format!("no ECS service \"{service}\" in cluster \"{cluster}\""),
        hint: format!("{instead}; ecsnet wires existing ECS services and never creates them"),
    }
}
