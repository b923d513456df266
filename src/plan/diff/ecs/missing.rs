//! An ECS cluster or service the file names that does not exist, in ecsnet's words: the service and key of the
//! file, what exists instead (the nearest name, and every name when there are few), and what to do.

use crate::live::EcsCatalog;
use crate::plan::desired::DesiredEcs;
use crate::plan::problem::{FileKey, Problem};
use crate::suggest::{listed, nearest};

/// The problem of `wanted`, whose ECS service was not found; `catalog` holds what exists.
pub(super) fn missing(wanted: &DesiredEcs, catalog: &EcsCatalog) -> Problem {
    let (cluster, service) = (&wanted.wiring.cluster, &wanted.wiring.service);
    if catalog.missing_clusters.contains(cluster) {
        let hint = match (nearest(cluster, catalog.clusters.iter().map(String::as_str)), listed(&catalog.clusters)) {
            _ if catalog.clusters.is_empty() => {
                "the region has no ECS clusters: check the region (--region, the file's `region`, AWS_REGION)".into()
            }
            (Some(near), Some(all)) => format!("did you mean \"{near}\"? The region's clusters: {all}"),
            (None, Some(all)) => format!("the region's clusters: {all}; or check the region"),
            (Some(near), None) => format!("did you mean \"{near}\"? (`aws ecs list-clusters` lists the rest)"),
            (None, None) => "`aws ecs list-clusters` lists the region's clusters; or check the region".into(),
        };
        return Problem::at(
            FileKey::service(&wanted.service, "ecs.cluster"),
            format!("no ECS cluster \"{cluster}\" in this region"),
            hint,
        );
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
    Problem::at(
        FileKey::service(&wanted.service, "ecs.service"),
        format!("no ECS service \"{service}\" in cluster \"{cluster}\""),
        format!("{instead}; ecsnet wires existing ECS services and never creates them"),
    )
}
