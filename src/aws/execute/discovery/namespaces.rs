//! Cloud Map namespaces: created with the VPC and waited for, deleted and waited for.

use crate::aws::error::{AlreadyGone as _, ForOperation as _};
use crate::aws::AwsError;
use crate::plan::Address;

use super::{request_id, tags, wait_for, Run};
use crate::aws::wait;
use crate::aws::Code;
use crate::events::{Contents, Subject};

pub(super) async fn create_namespace(
    run: &Run<'_>,
    address: &Address,
    name: &str,
    vpc_id: &str,
    description: &str,
) -> Result<String, AwsError> {
    let output = run
        .aws
        .discovery
        .create_private_dns_namespace()
        .name(name)
        .vpc(vpc_id)
        .description(description)
        .creator_request_id(request_id(run, address))
        .set_tags(Some(tags(run, address)?))
        .send()
        .await
        .for_operation("CreatePrivateDnsNamespace")?;
    let operation_id =
        output.operation_id().ok_or_else(|| AwsError::missing("CreatePrivateDnsNamespace", "OperationId"))?;
    let targets = wait_for(run, &format!("creating namespace {name}"), operation_id).await?;
    targets.get("NAMESPACE").cloned().ok_or_else(|| AwsError::missing("GetOperation", "the NAMESPACE target"))
}

/// Deletes the namespace, waiting while Cloud Map still counts services in it.
pub(super) async fn delete_namespace(run: &Run<'_>, id: &str) -> Result<(), AwsError> {
    let deleted = wait::while_code(
        run.progress,
        Subject::Empty { resource: format!("namespace {id}"), of: Contents::Services },
        &[Code::ResourceInUse],
        || async { run.aws.discovery.delete_namespace().id(id).send().await.for_operation("DeleteNamespace") },
    )
    .await;
    match deleted {
        Ok(output) => {
            if let Some(operation_id) = output.operation_id() {
                wait_for(run, &format!("deleting namespace {id}"), operation_id).await?;
            }
            Ok(())
        }
        Err(error) => Err::<(), _>(error).or_gone(&[Code::NamespaceNotFound]),
    }
}
