//! Target groups as plain data, and the attributes of the topology's own.

use std::collections::HashMap;

use aws_sdk_elasticloadbalancingv2::types as elb;
use futures::future::try_join_all;

use crate::aws::error::ForOperation;
use crate::aws::{Aws, AwsError};
use crate::live::{HealthCheckRead, Reported, Tags, TargetGroup};
use crate::plan::ownership::managed_attributes;
use crate::plan::ownership::{owned_by, tagged_address};
use crate::plan::Address;
use crate::topology::{HealthCheck, Stickiness, TargetGroupAttributes, Topology};

pub fn target_groups_with(in_vpc: &[&elb::TargetGroup], tags: &mut HashMap<String, Tags>) -> Vec<TargetGroup> {
    in_vpc
        .iter()
        .map(|group| {
            let arn = group.target_group_arn().unwrap_or_default().to_string();
            TargetGroup {
                tags: tags.remove(&arn).unwrap_or_default(),
                arn,
                name: group.target_group_name().unwrap_or_default().to_string(),
                port: group.port().unwrap_or_default(),
                protocol: Reported::parse(group.protocol().map_or("", |protocol| protocol.as_str())),
                target_type: Reported::parse(group.target_type().map_or("", |kind| kind.as_str())),
                vpc_id: group.vpc_id().unwrap_or_default().to_string(),
                health_check: HealthCheck::read(HealthCheckRead {
                    path: group.health_check_path(),
                    interval: group.health_check_interval_seconds(),
                    timeout: group.health_check_timeout_seconds(),
                    healthy_threshold: group.healthy_threshold_count(),
                    unhealthy_threshold: group.unhealthy_threshold_count(),
                    matcher: group.matcher().and_then(|matcher| matcher.http_code()),
                }),
                attributes: None,
            }
        })
        .collect()
}

/// Attributes of the topology's target groups whose service sets any, or whose attributes tag says ecsnet set
/// some (one call per group: AWS has no batch).
pub async fn read_group_attributes(aws: &Aws, topology: &Topology, groups: &mut [TargetGroup]) -> Result<(), AwsError> {
    let managed = |group: &TargetGroup| {
        owned_by(&group.tags, &topology.name)
            && (!managed_attributes(&group.tags).is_empty()
                || topology.services.iter().any(|service| {
                    service.routing.as_ref().is_some_and(|routing| !routing.attributes.is_empty())
                        && tagged_address(&group.tags) == Some(Address::TargetGroup(service.name.clone()))
                }))
    };
    let wanted: Vec<usize> = (0..groups.len()).filter(|&index| managed(&groups[index])).collect();
    let reads = try_join_all(
        wanted
            .iter()
            .map(|&index| aws.elb.describe_target_group_attributes().target_group_arn(&groups[index].arn).send()),
    )
    .await
    .for_operation("DescribeTargetGroupAttributes")?;
    for (index, output) in wanted.into_iter().zip(reads) {
        let value = |key: &str| {
            output
                .attributes()
                .iter()
                .find(|attribute| attribute.key() == Some(key))
                .and_then(|attribute| attribute.value())
                .map(str::to_string)
        };
        let number = |key: &str| value(key).and_then(|value| value.parse::<i64>().ok());
        let stickiness = match (value("stickiness.enabled").as_deref(), value("stickiness.type")) {
            (Some("true"), Some(kind)) if kind == "lb_cookie" => {
                number("stickiness.lb_cookie.duration_seconds").map(Stickiness::LbCookie)
            }
            (Some("true"), kind) => Some(Stickiness::Other(kind.unwrap_or_default())),
            (Some(_), _) => Some(Stickiness::Off),
            (None, _) => None,
        };
        groups[index].attributes = Some(TargetGroupAttributes {
            deregistration_delay: number("deregistration_delay.timeout_seconds"),
            slow_start: number("slow_start.duration_seconds"),
            stickiness,
        });
    }
    Ok(())
}
