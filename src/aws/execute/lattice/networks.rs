//! The service network ecsnet creates (auth type NONE: each service's own auth policy decides who calls it), the
//! VPC's association with the network, and each Lattice service's association with it.

use aws_sdk_vpclattice::types::AuthType;

use crate::aws::error::ForOperation as _;
use crate::aws::{wait, AwsError, Code};
use crate::events::Subject;
use crate::plan::{Address, Ref};

use super::{delete_when_free, tags, Run};

/// Creates the service network; its ARN.
pub async fn create_service_network(run: &Run<'_>, address: &Address, name: &str) -> Result<String, AwsError> {
    let output = super::when_free(run, format!("the name {name}"), || async {
        run.aws
            .lattice
            .create_service_network()
            .name(name)
            .auth_type(AuthType::None)
            .set_tags(Some(tags(run, address)))
            .send()
            .await
            .for_operation("CreateServiceNetwork")
    })
    .await?;
    Ok(output.arn().ok_or_else(|| AwsError::missing("CreateServiceNetwork", "arn"))?.to_string())
}

/// Deletes the service network once no service or VPC is associated with it: "You can only delete the service
/// network if there is no service or VPC associated with it", and an association being deleted still counts until
/// it is gone (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_DeleteServiceNetwork.html).
pub async fn delete_service_network(run: &Run<'_>, id: &str) -> Result<(), AwsError> {
    delete_when_free(run, format!("VPC Lattice service network {id}"), || async {
        run.aws
            .lattice
            .delete_service_network()
            .service_network_identifier(id)
            .send()
            .await
            .map(|_| ())
            .for_operation("DeleteServiceNetwork")
    })
    .await
}

/// Associates the VPC with the service network (by ARN when the file gives one: a network shared from another
/// account is named by its ARN), with the security groups when there are any; the association's ARN.
pub async fn create_vpc_association(
    run: &Run<'_>,
    address: &Address,
    service_network: &Ref,
    vpc_id: &str,
    security_group_ids: &[String],
) -> Result<String, AwsError> {
    let groups = (!security_group_ids.is_empty()).then(|| security_group_ids.to_vec());
    let network = run.outputs.id(service_network)?;
    // A VPC joins one service network: while its association with another (an earlier network of this topology)
    // is being deleted, the create is refused (ConflictException) until that deletion ends.
    let what = format!("the VPC {vpc_id}, still associated with a service network being left");
    let output = super::when_free(run, what, || async {
        run.aws
            .lattice
            .create_service_network_vpc_association()
            .service_network_identifier(&network)
            .vpc_identifier(vpc_id)
            .set_security_group_ids(groups.clone())
            .set_tags(Some(tags(run, address)))
            .send()
            .await
            .for_operation("CreateServiceNetworkVpcAssociation")
    })
    .await?;
    Ok(output.arn().ok_or_else(|| AwsError::missing("CreateServiceNetworkVpcAssociation", "arn"))?.to_string())
}

/// Replaces the association's security groups. UpdateServiceNetworkVpcAssociation takes one group at least (the
/// API model's `min: 1`; an association's groups can all be removed only by replacing it), so an empty list sends
/// none and changes nothing. Retried while ConflictException says the association is still being created or
/// updated ("The request conflicts with the current state of the resource",
/// https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_UpdateServiceNetworkVpcAssociation.html).
pub async fn update_vpc_association(run: &Run<'_>, id: &str, security_group_ids: &[String]) -> Result<(), AwsError> {
    let groups = (!security_group_ids.is_empty()).then(|| security_group_ids.to_vec());
    let subject = Subject::Free(format!("VPC Lattice VPC association {id}"));
    wait::while_code(run.progress, subject, &[Code::Conflict], || async {
        run.aws
            .lattice
            .update_service_network_vpc_association()
            .service_network_vpc_association_identifier(id)
            .set_security_group_ids(groups.clone())
            .send()
            .await
            .map(|_| ())
            .for_operation("UpdateServiceNetworkVpcAssociation")
    })
    .await
}

/// Deletes the VPC's association, waiting while it is still being created or updated (ConflictException: "The
/// request conflicts with the current state of the resource",
/// https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_DeleteServiceNetworkVpcAssociation.html).
pub async fn delete_vpc_association(run: &Run<'_>, id: &str) -> Result<(), AwsError> {
    delete_when_free(run, format!("VPC Lattice VPC association {id}"), || async {
        run.aws
            .lattice
            .delete_service_network_vpc_association()
            .service_network_vpc_association_identifier(id)
            .send()
            .await
            .map(|_| ())
            .for_operation("DeleteServiceNetworkVpcAssociation")
    })
    .await
}

/// Associates a Lattice service with the service network; the association's ARN.
pub async fn create_service_association(
    run: &Run<'_>,
    address: &Address,
    service: &Ref,
    service_network: &Ref,
) -> Result<String, AwsError> {
    let output = run
        .aws
        .lattice
        .create_service_network_service_association()
        .service_identifier(run.outputs.id(service)?)
        .service_network_identifier(run.outputs.id(service_network)?)
        .set_tags(Some(tags(run, address)))
        .send()
        .await
        .for_operation("CreateServiceNetworkServiceAssociation")?;
    Ok(output.arn().ok_or_else(|| AwsError::missing("CreateServiceNetworkServiceAssociation", "arn"))?.to_string())
}

/// Deletes a service's association, waiting while it is still being created: the operation "fails if an association
/// is still in progress" (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_DeleteServiceNetworkServiceAssociation.html).
pub async fn delete_service_association(run: &Run<'_>, id: &str) -> Result<(), AwsError> {
    delete_when_free(run, format!("VPC Lattice service association {id}"), || async {
        run.aws
            .lattice
            .delete_service_network_service_association()
            .service_network_service_association_identifier(id)
            .send()
            .await
            .map(|_| ())
            .for_operation("DeleteServiceNetworkServiceAssociation")
    })
    .await
}
