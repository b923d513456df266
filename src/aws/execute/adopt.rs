//! Writes adoption's ownership marks: ELBv2 AddTags, VPC Lattice TagResource, EC2 CreateTags, Route 53 UpdateHostedZoneComment and a TXT
//! record UPSERT, Cloud Map TagResource and then UpdatePrivateDnsNamespace or UpdateService (both asynchronous,
//! waited for). Each call writes only the marks; writing them twice is harmless, so a run stopped halfway is simply
//! run again. Cloud Map's tags go first: `ecsnet iam-policy` allows Cloud Map changes only on resources tagged as
//! the topology's, and the description update is one.

use aws_sdk_route53::types::{ChangeAction, RrType};
use aws_sdk_servicediscovery::types::{DnsConfigChange, PrivateDnsNamespaceChange, ServiceChange};

use crate::aws::error::ForOperation as _;
use crate::aws::AwsError;
use crate::plan::adopt::Mark;
use crate::plan::Address;
use crate::topology::RecordType;

use super::{discovery, dns, Run};

pub async fn run(run: &Run<'_>, address: &Address, mark: &Mark) -> Result<(), AwsError> {
    match mark {
        Mark::LoadBalancingTags { arn, tags } => {
            let tags = tags.iter().map(|(key, value)| {
                aws_sdk_elasticloadbalancingv2::types::Tag::builder().key(key).value(value).build()
            });
            let request = run.aws.elb.add_tags().resource_arns(arn).set_tags(Some(tags.collect()));
            request.send().await.for_operation("AddTags")?;
        }
        Mark::LatticeTags { arn, tags } => {
            let tags = tags.iter().cloned().collect();
            let request = run.aws.lattice.tag_resource().resource_arn(arn).set_tags(Some(tags));
            request.send().await.for_operation("TagResource")?;
        }
        Mark::Ec2Tags { id, tags } => {
            let tags = tags.iter().map(|(key, value)| aws_sdk_ec2::types::Tag::builder().key(key).value(value).build());
            run.aws
                .ec2
                .create_tags()
                .resources(id)
                .set_tags(Some(tags.collect()))
                .send()
                .await
                .for_operation("CreateTags")?;
        }
        Mark::ZoneComment { zone_id, comment } => {
            let request = run.aws.route53.update_hosted_zone_comment().id(zone_id).comment(comment);
            request.send().await.for_operation("UpdateHostedZoneComment")?;
        }
        Mark::OwnerRecord { zone_id, name, value, ttl } => owner_record(run, zone_id, name, value, *ttl).await?,
        Mark::NamespaceDescription { id, description, arn, tags } => {
            discovery_tags(run, arn, tags).await?;
            namespace_description(run, address, id, description).await?
        }
        Mark::DiscoveryDescription { id, description, record_type, ttl, arn, tags } => {
            discovery_tags(run, arn, tags).await?;
            service_description(run, id, description, *record_type, *ttl).await?
        }
    }
    Ok(())
}

/// Cloud Map TagResource (nothing for a mark saved without tags by an older ecsnet).
async fn discovery_tags(run: &Run<'_>, arn: &str, tags: &[(String, String)]) -> Result<(), AwsError> {
    if arn.is_empty() || tags.is_empty() {
        return Ok(());
    }
    let tags = tags
        .iter()
        .map(|(key, value)| {
            aws_sdk_servicediscovery::types::Tag::builder()
                .key(key)
                .value(value)
                .build()
                .map_err(|error| AwsError::invalid_request("TagResource", error))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let request = run.aws.discovery.tag_resource().resource_arn(arn).set_tags(Some(tags));
    request.send().await.for_operation("TagResource")?;
    Ok(())
}

async fn namespace_description(run: &Run<'_>, address: &Address, id: &str, description: &str) -> Result<(), AwsError> {
    let change = PrivateDnsNamespaceChange::builder().description(description).build();
    let output = run
        .aws
        .discovery
        .update_private_dns_namespace()
        .id(id)
        .updater_request_id(discovery::request_id(run, address))
        .namespace(change)
        .send()
        .await
        .for_operation("UpdatePrivateDnsNamespace")?;
    let operation_id =
        output.operation_id().ok_or_else(|| AwsError::missing("UpdatePrivateDnsNamespace", "OperationId"))?;
    discovery::wait_for(run, &format!("adopting Cloud Map namespace {id}"), operation_id).await?;
    Ok(())
}

/// UpdateService deletes the DNS records it is not sent
/// (https://docs.aws.amazon.com/cloud-map/latest/api/API_UpdateService.html): the service's own go along unchanged.
async fn service_description(
    run: &Run<'_>,
    id: &str,
    description: &str,
    record_type: RecordType,
    ttl: i64,
) -> Result<(), AwsError> {
    let records = DnsConfigChange::builder()
        .dns_records(discovery::dns_record(record_type, ttl)?)
        .build()
        .map_err(|error| AwsError::invalid_request("UpdateService", error))?;
    let change = ServiceChange::builder().description(description).dns_config(records).build();
    let output =
        run.aws.discovery.update_service().id(id).service(change).send().await.for_operation("UpdateService")?;
    if let Some(operation_id) = output.operation_id() {
        discovery::wait_for(run, &format!("adopting Cloud Map service {id}"), operation_id).await?;
    }
    Ok(())
}

/// The TXT record that marks the record beside it as ecsnet's.
async fn owner_record(run: &Run<'_>, zone_id: &str, name: &str, value: &str, ttl: i64) -> Result<(), AwsError> {
    let set = dns::record_set(name, RrType::Txt, Some(ttl), &[value.to_string()])?;
    dns::send_changes(run, zone_id, vec![dns::change(ChangeAction::Upsert, set)?]).await
}
