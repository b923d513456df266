//! Private hosted zones on the VPC that the topology names or owns, with their records.

use aws_sdk_route53::types::{RrType, VpcRegion};
use futures::future::try_join_all;

use crate::aws::error::ForOperation;
use crate::aws::{Aws, AwsError};
use crate::live::{HostedZone, Record, Reported};
use crate::plan::ownership::zone_owned_by;
use crate::topology::Topology;

pub struct ZoneSummary {
    id: String,
    name: String,
    comment: Option<String>,
}

/// Every private hosted zone of the account (ListHostedZones, 100 a page), with its comment.
pub async fn private_zones(aws: &Aws) -> Result<Vec<ZoneSummary>, AwsError> {
    let zones = aws
        .route53
        .list_hosted_zones()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .for_operation("ListHostedZones")?;
    Ok(zones
        .iter()
        .filter(|zone| zone.config().is_some_and(|config| config.private_zone()))
        .map(|zone| ZoneSummary {
            id: bare_zone_id(zone.id()),
            name: dns_name(zone.name()),
            comment: zone.config().and_then(|config| config.comment()).map(str::to_string),
        })
        .collect())
}

/// The zones associated with the VPC whose name the topology wants or that the topology owns, with records.
pub async fn zones(
    aws: &Aws,
    topology: &Topology,
    vpc_id: &str,
    all: Vec<ZoneSummary>,
) -> Result<Vec<HostedZone>, AwsError> {
    let wanted = topology.dns.as_ref().map(|dns| dns.zone.as_str());
    let candidates: Vec<ZoneSummary> = all
        .into_iter()
        .filter(|zone| Some(zone.name.as_str()) == wanted || zone_owned_by(zone.comment.as_deref(), &topology.name))
        .collect();
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let on_vpc = zones_on_vpc(aws, vpc_id).await?;
    let relevant: Vec<ZoneSummary> = candidates.into_iter().filter(|zone| on_vpc.contains(&zone.id)).collect();
    let records = try_join_all(relevant.iter().map(|zone| records(aws, &zone.id))).await?;
    Ok(relevant
        .into_iter()
        .zip(records)
        .map(|(zone, records)| HostedZone { id: zone.id, name: zone.name, comment: zone.comment, records })
        .collect())
}

async fn zones_on_vpc(aws: &Aws, vpc_id: &str) -> Result<Vec<String>, AwsError> {
    let mut ids = Vec::new();
    let mut token = None;
    loop {
        let output = aws
            .route53
            .list_hosted_zones_by_vpc()
            .vpc_id(vpc_id)
            .vpc_region(VpcRegion::from(aws.region.as_str()))
            .set_next_token(token)
            .send()
            .await
            .for_operation("ListHostedZonesByVPC")?;
        ids.extend(output.hosted_zone_summaries().iter().map(|summary| bare_zone_id(summary.hosted_zone_id())));
        token = output.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(ids);
        }
    }
}

/// Every record but the apex SOA and NS, 300 a page.
async fn records(aws: &Aws, zone_id: &str) -> Result<Vec<Record>, AwsError> {
    let mut records = Vec::new();
    let mut apex = None;
    let mut next: Option<(String, RrType, Option<String>)> = None;
    loop {
        let mut request = aws.route53.list_resource_record_sets().hosted_zone_id(zone_id);
        if let Some((name, kind, identifier)) = next.take() {
            request = request.start_record_name(name).start_record_type(kind).set_start_record_identifier(identifier);
        }
        let output = request.send().await.for_operation("ListResourceRecordSets")?;
        for set in output.resource_record_sets() {
            let name = dns_name(set.name());
            let apex_name = apex.get_or_insert_with(|| {
                if set.r#type() == &RrType::Soa || set.r#type() == &RrType::Ns {
                    name.clone()
                } else {
                    String::new()
                }
            });
            if name == *apex_name && matches!(set.r#type(), RrType::Soa | RrType::Ns) {
                continue;
            }
            records.push(Record {
                name,
                kind: Reported::parse(set.r#type().as_str()),
                ttl: set.ttl(),
                values: set.resource_records().iter().map(|record| record.value().to_string()).collect(),
                alias: set.alias_target().map(|alias| dns_name(alias.dns_name())),
                alias_zone: set.alias_target().map(|alias| alias.hosted_zone_id().to_string()),
            });
        }
        if !output.is_truncated() {
            return Ok(records);
        }
        let Some(name) = output.next_record_name() else { return Ok(records) };
        next = Some((
            name.to_string(),
            output.next_record_type().cloned().unwrap_or(RrType::A),
            output.next_record_identifier().map(str::to_string),
        ));
    }
}

pub fn bare_zone_id(id: &str) -> String {
    id.trim_start_matches("/hostedzone/").to_string()
}

/// Lowercase, no trailing dot, `\052` back to `*`.
fn dns_name(name: &str) -> String {
    name.trim_end_matches('.').replace("\\052", "*").to_ascii_lowercase()
}
