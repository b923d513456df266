//! VPC Lattice: service networks, VPC and service associations, services, listeners, target groups, auth policies.
//!
//! Every create is tagged in its own call (`tags`) and records the ARN of what it made: every VPC Lattice
//! identifier takes an ID or an ARN, and only the ARN serves everywhere (ECS's `vpcLatticeConfigurations` want the
//! target group's ARN; an association with a service network of another account must name it by ARN,
//! https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_CreateServiceNetworkServiceAssociation.html).
//! A Lattice service also records its DNS name and hosted zone, for a custom domain's record.
//!
//! Waits: VPC Lattice refuses a delete with ConflictException while something it depends on is still settling (an
//! association still being created or deleted, a listener still forwarding to a target group), and each such delete
//! is retried while it says so (`wait::while_code`); nothing ecsnet creates has to wait for an association to become
//! ACTIVE first (no later step of a plan names an association).

mod networks;
mod services;

use std::collections::HashMap;

use crate::aws::error::AlreadyGone as _;
use crate::aws::{wait, AwsError, Code};
use crate::events::Subject;
use crate::plan::{Address, LatticeOp};

use super::{Created, Run};

/// Carries out a change VPC Lattice makes.
pub async fn run(run: &Run<'_>, address: &Address, operation: &LatticeOp) -> Result<(), AwsError> {
    match operation {
        LatticeOp::CreateServiceNetwork { name } => {
            let arn = networks::create_service_network(run, address, name).await?;
            run.outputs.record(address, Created { id: arn, dns_name: None });
        }
        LatticeOp::DeleteServiceNetwork { id } => networks::delete_service_network(run, id).await?,
        LatticeOp::CreateVpcAssociation { service_network, vpc_id, security_group_ids } => {
            let arn =
                networks::create_vpc_association(run, address, service_network, vpc_id, security_group_ids).await?;
            run.outputs.record(address, Created { id: arn, dns_name: None });
        }
        LatticeOp::UpdateVpcAssociation { id, security_group_ids } => {
            networks::update_vpc_association(run, id, security_group_ids).await?
        }
        LatticeOp::DeleteVpcAssociation { id } => networks::delete_vpc_association(run, id).await?,
        LatticeOp::CreateServiceAssociation { service, service_network } => {
            let arn = networks::create_service_association(run, address, service, service_network).await?;
            run.outputs.record(address, Created { id: arn, dns_name: None });
        }
        LatticeOp::DeleteServiceAssociation { id } => networks::delete_service_association(run, id).await?,
        LatticeOp::CreateService { name, custom_domain } => {
            let created = services::create_service(run, address, name, custom_domain.as_deref()).await?;
            run.outputs.record(address, created);
        }
        LatticeOp::UpdateService { id } => services::update_service(run, id).await?,
        LatticeOp::DeleteService { id } => services::delete_service(run, id).await?,
        LatticeOp::PutAuthPolicy { service, policy } => services::put_auth_policy(run, service, policy).await?,
        LatticeOp::CreateTargetGroup { name, vpc_id, port, health_check } => {
            let arn = services::create_target_group(run, address, name, vpc_id, *port, health_check).await?;
            run.outputs.record(address, Created { id: arn, dns_name: None });
        }
        LatticeOp::DeleteTargetGroup { id } => services::delete_target_group(run, id).await?,
        LatticeOp::CreateListener { service, name, port, target_group } => {
            let arn = services::create_listener(run, address, service, name, *port, target_group).await?;
            run.outputs.record(address, Created { id: arn, dns_name: None });
        }
        LatticeOp::UpdateListener { service_id, listener_id, target_group } => {
            services::update_listener(run, service_id, listener_id, target_group).await?
        }
        LatticeOp::DeleteListener { service_id, listener_id } => {
            services::delete_listener(run, service_id, listener_id).await?
        }
    }
    Ok(())
}

/// The ownership tags of the resource at `address`, as VPC Lattice takes them in a create (a map).
fn tags(run: &Run<'_>, address: &Address) -> HashMap<String, String> {
    run.tags(address).into_iter().map(|(key, value)| (key.to_string(), value)).collect()
}

/// A call VPC Lattice refuses with ConflictException until what `what` names has settled, retried while it does
/// (within `wait::DEPENDENCY`'s bound). For a create: names are unique in the account, and one deleted a moment ago
/// (DELETE_IN_PROGRESS) holds its name until it is gone, ConflictException until then
/// (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_CreateService.html, Errors); so does a VPC's
/// association being deleted hold the VPC. A name another owner holds never gets here: the plan stops on it first
/// (`plan::diff::lattice`), and reads a resource being deleted as gone, so a plan made just after a destroy creates
/// anew.
async fn when_free<T, F, Fut>(run: &Run<'_>, what: String, attempt: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, AwsError>>,
{
    wait::while_code(run.progress, Subject::Free(what), &[Code::Conflict], attempt).await
}

/// A delete, retried as `when_free` retries (until what it depends on has settled); ResourceNotFoundException means
/// it is already gone.
async fn delete_when_free<F, Fut>(run: &Run<'_>, what: String, attempt: F) -> Result<(), AwsError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), AwsError>>,
{
    when_free(run, what, attempt).await.or_gone(&[Code::ResourceNotFound])
}
