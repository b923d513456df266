//! Cloud Map namespaces and services. Namespace creation and deletion and service updates are asynchronous
//! (an OperationId): each is waited for, with a bound and progress.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_servicediscovery::types::{
    DnsConfig, DnsConfigChange, DnsRecord, HealthCheckCustomConfig, RecordType, RoutingPolicy, ServiceChange, Tag,
};

use crate::aws::error::{AlreadyGone as _, ForOperation as _};
use crate::aws::AwsError;
use crate::plan::{Address, CloudMapOp, Ref};
use crate::topology;
use crate::topology::names::short_hash;

mod namespaces;

use super::{Created, Run};
use crate::aws::observe::serving::{self, Operation};
use crate::aws::wait;
use crate::aws::wait::{Patience, Poll, WaitError};
use crate::aws::Code;
use crate::events::WaitFor;
use crate::events::{Contents, Subject};
use namespaces::{create_namespace, delete_namespace};

/// Carries out a change of a Cloud Map namespace or service.
pub async fn run(run: &Run<'_>, address: &Address, operation: &CloudMapOp) -> Result<(), AwsError> {
    match operation {
        CloudMapOp::CreateNamespace { name, vpc_id, description } => {
            let id = create_namespace(run, address, name, vpc_id, description).await?;
            run.outputs.record(address, Created { id, dns_name: None });
        }
        CloudMapOp::DeleteNamespace { id } => delete_namespace(run, id).await?,
        CloudMapOp::CreateDiscoveryService { name, namespace, record_type, ttl, description } => {
            let arn = create_service(run, address, name, namespace, *record_type, *ttl, description).await?;
            run.outputs.record(address, Created { id: arn, dns_name: None });
        }
        CloudMapOp::UpdateDiscoveryTtl { id, record_type, ttl } => update_ttl(run, id, *record_type, *ttl).await?,
        CloudMapOp::DeleteDiscoveryService { id } => delete_service(run, id).await?,
    }
    Ok(())
}

/// How long a Cloud Map operation may take.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(300);

fn tags(run: &Run<'_>, address: &Address) -> Result<Vec<Tag>, AwsError> {
    run.tags(address)
        .into_iter()
        .map(|(key, value)| {
            Tag::builder()
                .key(key)
                .value(value)
                .build()
                .map_err(|error| AwsError::invalid_request("TagResource", error))
        })
        .collect()
}

/// CreatorRequestId's limit: "Length Constraints: Maximum length of 64"
/// (https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateService.html,
/// https://docs.aws.amazon.com/cloud-map/latest/api/API_CreatePrivateDnsNamespace.html).
const MAX_REQUEST_ID: usize = 64;

/// A request ID that makes a retried create safe and a new one distinct.
pub(super) fn request_id(run: &Run<'_>, address: &Address) -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_nanos());
    bounded_request_id(run.topology, address, nanos)
}

/// `ecsnet-<topology>-<address>-<nanos>`; when that is longer than AWS allows, the readable part is cut and a hash
/// of it keeps two long addresses apart, while the time that makes each create distinct is always kept whole.
fn bounded_request_id(topology: &str, address: &Address, nanos: u128) -> String {
    let readable = format!("ecsnet-{topology}-{address}");
    let unique = nanos.to_string();
    if readable.len() + 1 + unique.len() <= MAX_REQUEST_ID {
        return format!("{readable}-{unique}");
    }
    let hash = short_hash(&[&readable]);
    let keep = MAX_REQUEST_ID.saturating_sub(hash.len() + unique.len() + 2);
    let head: String = readable.chars().take(keep).collect();
    format!("{head}-{hash}-{unique}")
}

/// Waits for a Cloud Map operation; returns its targets (such as NAMESPACE → id).
pub(super) async fn wait_for(
    run: &Run<'_>,
    what: &str,
    operation_id: &str,
) -> Result<std::collections::HashMap<String, String>, AwsError> {
    // Usually done within a second or two: reported only when it takes longer.
    let patience = Patience {
        bound: OPERATION_TIMEOUT,
        first_delay: Duration::from_millis(250),
        max_delay: Duration::from_secs(5),
        quiet: Duration::from_secs(2),
    };
    let done = wait::poll_until(patience, run.progress, None, || async {
        match serving::cloud_map_operation(run.aws, operation_id).await? {
            Operation::Succeeded(targets) => Ok(Poll::Ready(targets)),
            Operation::Failed { code, message } => Err(AwsError {
                operation: "GetOperation",
                code,
                message: format!("{what} failed: {message}"),
                unreachable: None,
            }),
            Operation::Pending(status) => Ok(Poll::Pending(WaitFor::CloudMap { operation: what.to_string(), status })),
        }
    })
    .await;
    match done {
        Ok(targets) => Ok(targets),
        Err(WaitError::Failed(error)) => Err(error),
        Err(WaitError::TimedOut { after, .. }) => Err(AwsError::unfinished(
            "GetOperation",
            format!("{what} still not done after {} s (operation {operation_id})", after.as_secs()),
        )),
        Err(WaitError::Stopped { reason, .. }) => {
            Err(AwsError::unfinished("GetOperation", format!("{reason} while {what} was not done")))
        }
    }
}

pub(super) fn dns_record(record_type: topology::RecordType, ttl: i64) -> Result<DnsRecord, AwsError> {
    let record_type = match record_type {
        topology::RecordType::A => RecordType::A,
        topology::RecordType::Srv => RecordType::Srv,
    };
    DnsRecord::builder()
        .r#type(record_type)
        .ttl(ttl)
        .build()
        .map_err(|error| AwsError::invalid_request("CreateService", error))
}

/// Creates the Cloud Map service; returns its ARN (what ECS registries name).
pub async fn create_service(
    run: &Run<'_>,
    address: &Address,
    name: &str,
    namespace: &Ref,
    record_type: topology::RecordType,
    ttl: i64,
    description: &str,
) -> Result<String, AwsError> {
    let namespace_id = run.outputs.id(namespace)?;
    let dns_config = DnsConfig::builder()
        .routing_policy(RoutingPolicy::Multivalue)
        .dns_records(dns_record(record_type, ttl)?)
        .build()
        .map_err(|error| AwsError::invalid_request("CreateService", error))?;
    let output = run
        .aws
        .discovery
        .create_service()
        .name(name)
        .namespace_id(namespace_id)
        .description(description)
        .creator_request_id(request_id(run, address))
        .dns_config(dns_config)
        .health_check_custom_config(HealthCheckCustomConfig::builder().build())
        .set_tags(Some(tags(run, address)?))
        .send()
        .await
        .for_operation("CreateService")?;
    Ok(output
        .service()
        .and_then(|service| service.arn())
        .ok_or_else(|| AwsError::missing("CreateService", "Service.Arn"))?
        .to_string())
}

pub async fn update_ttl(run: &Run<'_>, id: &str, record_type: topology::RecordType, ttl: i64) -> Result<(), AwsError> {
    let change = DnsConfigChange::builder()
        .dns_records(dns_record(record_type, ttl)?)
        .build()
        .map_err(|error| AwsError::invalid_request("UpdateService", error))?;
    let output = run
        .aws
        .discovery
        .update_service()
        .id(id)
        .service(ServiceChange::builder().dns_config(change).build())
        .send()
        .await
        .for_operation("UpdateService")?;
    if let Some(operation_id) = output.operation_id() {
        wait_for(run, &format!("updating Cloud Map service {id}"), operation_id).await?;
    }
    Ok(())
}

/// Deregisters every instance still registered (ECS has been detached first), then deletes the service.
pub async fn delete_service(run: &Run<'_>, id: &str) -> Result<(), AwsError> {
    let pages = run
        .aws
        .discovery
        .list_instances()
        .service_id(id)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .for_operation("ListInstances");
    let instances: Vec<String> = match pages {
        Ok(pages) => pages
            .iter()
            .flat_map(|page| page.instances())
            .filter_map(|instance| instance.id().map(str::to_string))
            .collect(),
        Err(error) if error.has_code(&[Code::ServiceNotFound]) => return Ok(()),
        Err(error) => return Err(error),
    };
    for instance in instances {
        let operation_id = match run
            .aws
            .discovery
            .deregister_instance()
            .service_id(id)
            .instance_id(&instance)
            .send()
            .await
            .for_operation("DeregisterInstance")
        {
            Ok(output) => output.operation_id().map(str::to_string),
            Err(error) if error.has_code(&[Code::InstanceNotFound]) => None,
            Err(error) => return Err(error),
        };
        if let Some(operation_id) = operation_id {
            wait_for(run, &format!("deregistering instance {instance}"), &operation_id).await?;
        }
    }
    wait::while_code(
        run.progress,
        Subject::Empty { resource: format!("Cloud Map service {id}"), of: Contents::Instances },
        &[Code::ResourceInUse],
        || async { run.aws.discovery.delete_service().id(id).send().await.for_operation("DeleteService") },
    )
    .await
    .or_gone(&[Code::ServiceNotFound])
}

#[cfg(test)]
mod tests;
