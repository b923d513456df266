//! Private hosted zones and record changes (Route 53): a zone's changes in as few change batches as AWS allows.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_route53::types::{
    AliasTarget, Change, ChangeAction, ChangeBatch, HostedZoneConfig, ResourceRecord, ResourceRecordSet, RrType, Tag,
    TagResourceType, Vpc, VpcRegion,
};

use crate::aws::error::{AlreadyGone as _, ForOperation as _};
use crate::aws::observe::bare_zone_id;
use crate::aws::AwsError;
use crate::live::Record;
use crate::plan::{Address, Route53Op};
use crate::topology::RecordKind;

use super::record_batches::{self, RecordAction, Unit, Weighed};
use super::{Created, Run};
use crate::aws::wait;
use crate::aws::Code;
use crate::events::Subject;

/// Carries out a change of a private zone or its records.
pub async fn run(run: &Run<'_>, address: &Address, operation: &Route53Op) -> Result<(), AwsError> {
    match operation {
        Route53Op::CreateHostedZone { name, vpc_id, comment } => {
            let id = create_zone(run, address, name, vpc_id, comment).await?;
            run.outputs.record(address, Created { id, dns_name: None });
        }
        Route53Op::DeleteHostedZone { zone_id } => delete_zone(run, zone_id).await?,
        Route53Op::ChangeRecords { .. } => change_records(run, vec![operation]).await?,
    }
    Ok(())
}

/// Creates the private zone on the VPC; its comment, set in the create call, marks it as the topology's.
pub async fn create_zone(
    run: &Run<'_>,
    address: &Address,
    name: &str,
    vpc_id: &str,
    comment: &str,
) -> Result<String, AwsError> {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_nanos());
    let output = run
        .aws
        .route53
        .create_hosted_zone()
        .name(name)
        .caller_reference(format!("ecsnet-{}-{nanos}", run.topology))
        .vpc(Vpc::builder().vpc_id(vpc_id).vpc_region(VpcRegion::from(run.aws.region.as_str())).build())
        .hosted_zone_config(HostedZoneConfig::builder().comment(comment).private_zone(true).build())
        .send()
        .await
        .for_operation("CreateHostedZone")?;
    let id = bare_zone_id(
        output
            .hosted_zone()
            .map(|zone| zone.id())
            .ok_or_else(|| AwsError::missing("CreateHostedZone", "HostedZone"))?,
    );
    let tags: Vec<Tag> =
        run.tags(address).into_iter().map(|(key, value)| Tag::builder().key(key).value(value).build()).collect();
    run.aws
        .route53
        .change_tags_for_resource()
        .resource_type(TagResourceType::Hostedzone)
        .resource_id(&id)
        .set_add_tags(Some(tags))
        .send()
        .await
        .for_operation("ChangeTagsForResource")?;
    Ok(id)
}

pub async fn delete_zone(run: &Run<'_>, zone_id: &str) -> Result<(), AwsError> {
    run.aws
        .route53
        .delete_hosted_zone()
        .id(zone_id)
        .send()
        .await
        .for_operation("DeleteHostedZone")
        .or_gone(&[Code::NoSuchHostedZone])
}

pub(super) fn record_set(
    name: &str,
    kind: RrType,
    ttl: Option<i64>,
    values: &[String],
) -> Result<ResourceRecordSet, AwsError> {
    let records = values
        .iter()
        .map(|value| ResourceRecord::builder().value(value).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| AwsError::invalid_request("ChangeResourceRecordSets", error))?;
    ResourceRecordSet::builder()
        .name(name)
        .r#type(kind)
        .set_ttl(ttl)
        .set_resource_records(Some(records))
        .build()
        .map_err(|error| AwsError::invalid_request("ChangeResourceRecordSets", error))
}

pub(super) fn change(action: ChangeAction, set: ResourceRecordSet) -> Result<Change, AwsError> {
    Change::builder()
        .action(action)
        .resource_record_set(set)
        .build()
        .map_err(|error| AwsError::invalid_request("ChangeResourceRecordSets", error))
}

fn alias_set(name: &str, dns_name: &str, zone_id: &str) -> Result<ResourceRecordSet, AwsError> {
    let target = AliasTarget::builder()
        .dns_name(dns_name)
        .hosted_zone_id(zone_id)
        .evaluate_target_health(false)
        .build()
        .map_err(|error| AwsError::invalid_request("ChangeResourceRecordSets", error))?;
    ResourceRecordSet::builder()
        .name(name)
        .r#type(RrType::A)
        .alias_target(target)
        .build()
        .map_err(|error| AwsError::invalid_request("ChangeResourceRecordSets", error))
}

fn delete(record: &Record) -> Result<Weighed<Change>, AwsError> {
    let (set, values) = match (&record.alias, &record.alias_zone) {
        (Some(dns_name), Some(zone_id)) => (alias_set(&record.name, dns_name, zone_id)?, vec![dns_name.clone()]),
        _ => (
            record_set(&record.name, RrType::from(record.kind.as_aws()), record.ttl, &record.values)?,
            record.values.clone(),
        ),
    };
    Ok(Weighed { action: RecordAction::Delete, values, change: change(ChangeAction::Delete, set)? })
}

fn upsert(set: ResourceRecordSet, values: Vec<String>) -> Result<Weighed<Change>, AwsError> {
    Ok(Weighed { action: RecordAction::Upsert, values, change: change(ChangeAction::Upsert, set)? })
}

/// Sends the record changes of these plan changes: per zone, in as few ChangeResourceRecordSets requests as
/// Route 53's limits allow (`record_batches`), one after another (Route 53 takes five requests a second, and
/// refuses a zone's next change while it still processes the last with PriorRequestNotComplete).
pub async fn change_records(run: &Run<'_>, operations: Vec<&Route53Op>) -> Result<(), AwsError> {
    let mut zones: BTreeMap<String, Vec<Unit<Change>>> = BTreeMap::new();
    for operation in operations {
        let Route53Op::ChangeRecords { zone, upsert: wanted, delete: deletes } = operation else {
            continue;
        };
        let mut unit = deletes.iter().map(delete).collect::<Result<Vec<_>, _>>()?;
        if let Some(spec) = wanted {
            let (dns_name, zone_id) = run.outputs.dns_name(&spec.target)?;
            let set = match spec.kind {
                RecordKind::Cname => {
                    record_set(&spec.host, RrType::Cname, Some(spec.ttl), std::slice::from_ref(&dns_name))?
                }
                RecordKind::Alias => alias_set(&spec.host, &dns_name, &zone_id)?,
            };
            unit.push(upsert(set, vec![dns_name])?);
            let marker =
                record_set(&spec.owner_name, RrType::Txt, Some(spec.ttl), std::slice::from_ref(&spec.owner_value))?;
            unit.push(upsert(marker, vec![spec.owner_value.clone()])?);
        }
        zones.entry(run.outputs.id(zone)?).or_default().push(unit);
    }
    for (zone_id, units) in zones {
        for changes in record_batches::split(units) {
            send_changes(run, &zone_id, changes).await?;
        }
    }
    Ok(())
}

/// One ChangeResourceRecordSets request, sent again while the zone still processes its previous change; its
/// change ID is recorded for the wait until it is INSYNC.
pub(super) async fn send_changes(run: &Run<'_>, zone_id: &str, changes: Vec<Change>) -> Result<(), AwsError> {
    let batch = ChangeBatch::builder()
        .comment(format!("ecsnet topology {}", run.topology))
        .set_changes(Some(changes))
        .build()
        .map_err(|error| AwsError::invalid_request("ChangeResourceRecordSets", error))?;
    let what = Subject::ZoneChange(zone_id.to_string());
    let output = wait::while_code(run.progress, what.clone(), &[Code::PriorRequestNotComplete], || async {
        let request = run.aws.route53.change_resource_record_sets().hosted_zone_id(zone_id);
        request.change_batch(batch.clone()).send().await.for_operation("ChangeResourceRecordSets")
    })
    .await?;
    if let Some(info) = output.change_info() {
        run.started.record(|started| started.record_changes.push(info.id().to_string()));
    }
    Ok(())
}
