//! Each service's Lattice service (auth type AWS_IAM) with its auth policy, its HTTP listener and its IP target
//! group, in which ECS registers the tasks.

use aws_sdk_vpclattice::types::{
    AuthType, ForwardAction, HealthCheckConfig, ListenerProtocol, Matcher, RuleAction, TargetGroupConfig,
    TargetGroupProtocol, TargetGroupType, WeightedTargetGroup,
};

use crate::aws::error::{AlreadyGone as _, ForOperation as _};
use crate::aws::{AwsError, Code};
use crate::live::LatticeHealthCheck;
use crate::plan::{Address, Ref};

use super::{delete_when_free, tags, Created, Run};

/// Creates the service with auth type AWS_IAM (its auth policy admits the callers), and the custom domain name when
/// the file sets one; its ARN, DNS name and hosted zone (what a custom domain's record points at).
pub async fn create_service(
    run: &Run<'_>,
    address: &Address,
    name: &str,
    custom_domain: Option<&str>,
) -> Result<Created, AwsError> {
    let output = super::when_free(run, format!("the name {name}"), || async {
        run.aws
            .lattice
            .create_service()
            .name(name)
            .auth_type(AuthType::AwsIam)
            .set_custom_domain_name(custom_domain.map(str::to_string))
            .set_tags(Some(tags(run, address)))
            .send()
            .await
            .for_operation("CreateService")
    })
    .await?;
    let arn = output.arn().ok_or_else(|| AwsError::missing("CreateService", "arn"))?.to_string();
    let dns_name = output
        .dns_entry()
        .and_then(|entry| Some((entry.domain_name()?.to_string(), entry.hosted_zone_id()?.to_string())));
    Ok(Created { id: arn, dns_name })
}

/// Sets the service's auth type back to AWS_IAM.
pub async fn update_service(run: &Run<'_>, id: &str) -> Result<(), AwsError> {
    run.aws
        .lattice
        .update_service()
        .service_identifier(id)
        .auth_type(AuthType::AwsIam)
        .send()
        .await
        .for_operation("UpdateService")?;
    Ok(())
}

/// Deletes the service (its listeners and auth policy go with it) once no service network association is left: "A
/// service can't be deleted if it's associated with a service network", and one being deleted still counts until it
/// is gone (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_DeleteService.html).
pub async fn delete_service(run: &Run<'_>, id: &str) -> Result<(), AwsError> {
    delete_when_free(run, format!("VPC Lattice service {id}"), || async {
        run.aws.lattice.delete_service().service_identifier(id).send().await.map(|_| ()).for_operation("DeleteService")
    })
    .await
}

/// Writes the service's auth policy whole (PutAuthPolicy replaces it).
pub async fn put_auth_policy(run: &Run<'_>, service: &Ref, policy: &str) -> Result<(), AwsError> {
    run.aws
        .lattice
        .put_auth_policy()
        .resource_identifier(run.outputs.id(service)?)
        .policy(policy)
        .send()
        .await
        .for_operation("PutAuthPolicy")?;
    Ok(())
}

/// An IP target group for HTTP on the tasks' port in the VPC; its ARN (what ECS's `vpcLatticeConfigurations` name).
pub async fn create_target_group(
    run: &Run<'_>,
    address: &Address,
    name: &str,
    vpc_id: &str,
    port: u16,
    health: &LatticeHealthCheck,
) -> Result<String, AwsError> {
    let config = TargetGroupConfig::builder()
        .port(port.into())
        .protocol(TargetGroupProtocol::Http)
        .vpc_identifier(vpc_id)
        .health_check(health_check(health))
        .build();
    let output = super::when_free(run, format!("the name {name}"), || async {
        run.aws
            .lattice
            .create_target_group()
            .name(name)
            .r#type(TargetGroupType::Ip)
            .config(config.clone())
            .set_tags(Some(tags(run, address)))
            .send()
            .await
            .for_operation("CreateTargetGroup")
    })
    .await?;
    Ok(output.arn().ok_or_else(|| AwsError::missing("CreateTargetGroup", "arn"))?.to_string())
}

/// Deletes the target group once nothing forwards to it and it is no longer being created: "You can't delete a
/// target group if it is used in a listener rule or if the target group creation is in progress"
/// (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_DeleteTargetGroup.html).
pub async fn delete_target_group(run: &Run<'_>, id: &str) -> Result<(), AwsError> {
    delete_when_free(run, format!("VPC Lattice target group {id}"), || async {
        run.aws
            .lattice
            .delete_target_group()
            .target_group_identifier(id)
            .send()
            .await
            .map(|_| ())
            .for_operation("DeleteTargetGroup")
    })
    .await
}

/// The HTTP listener on `port` whose default action forwards everything to the target group; its ARN.
pub async fn create_listener(
    run: &Run<'_>,
    address: &Address,
    service: &Ref,
    name: &str,
    port: u16,
    target_group: &Ref,
) -> Result<String, AwsError> {
    let output = run
        .aws
        .lattice
        .create_listener()
        .service_identifier(run.outputs.id(service)?)
        .name(name)
        .protocol(ListenerProtocol::Http)
        .port(port.into())
        .default_action(forward(&run.outputs.id(target_group)?)?)
        .set_tags(Some(tags(run, address)))
        .send()
        .await
        .for_operation("CreateListener")?;
    Ok(output.arn().ok_or_else(|| AwsError::missing("CreateListener", "arn"))?.to_string())
}

/// Points the listener's default action at the target group again.
pub async fn update_listener(
    run: &Run<'_>,
    service_id: &str,
    listener_id: &str,
    target_group: &Ref,
) -> Result<(), AwsError> {
    run.aws
        .lattice
        .update_listener()
        .service_identifier(service_id)
        .listener_identifier(listener_id)
        .default_action(forward(&run.outputs.id(target_group)?)?)
        .send()
        .await
        .for_operation("UpdateListener")?;
    Ok(())
}

pub async fn delete_listener(run: &Run<'_>, service_id: &str, listener_id: &str) -> Result<(), AwsError> {
    run.aws
        .lattice
        .delete_listener()
        .service_identifier(service_id)
        .listener_identifier(listener_id)
        .send()
        .await
        .map(|_| ())
        .for_operation("DeleteListener")
        .or_gone(&[Code::ResourceNotFound])
}

/// A forward of everything to one target group. Its weight is sent as the default AWS gives one target group (100,
/// https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_WeightedTargetGroup.html), so that what AWS
/// reports back reads the same.
pub fn forward(target_group: &str) -> Result<RuleAction, AwsError> {
    let group = WeightedTargetGroup::builder()
        .target_group_identifier(target_group)
        .weight(100)
        .build()
        .map_err(|error| AwsError::invalid_request("CreateListener", error))?;
    let action = ForwardAction::builder()
        .target_groups(group)
        .build()
        .map_err(|error| AwsError::invalid_request("CreateListener", error))?;
    Ok(RuleAction::Forward(action))
}

/// The health check as VPC Lattice takes it; what ecsnet does not set is left out (AWS's default).
pub fn health_check(health: &LatticeHealthCheck) -> HealthCheckConfig {
    HealthCheckConfig::builder()
        .set_enabled(health.enabled)
        .set_path(health.path.clone())
        .set_matcher(health.matcher.clone().map(Matcher::HttpCode))
        .set_health_check_interval_seconds(health.interval)
        .set_health_check_timeout_seconds(health.timeout)
        .set_healthy_threshold_count(health.healthy_threshold)
        .set_unhealthy_threshold_count(health.unhealthy_threshold)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::observe::lattice as lattice_reads;

    #[test]
    fn a_health_check_reads_back_as_it_was_sent() {
        let health = LatticeHealthCheck {
            enabled: Some(true),
            path: Some("/ready".into()),
            matcher: Some("200".into()),
            interval: Some(10),
            timeout: Some(5),
            healthy_threshold: Some(2),
            unhealthy_threshold: Some(3),
        };
        assert_eq!(lattice_reads::health_check(&health_check(&health)), health);
        assert_eq!(
            lattice_reads::health_check(&health_check(&LatticeHealthCheck::default())),
            LatticeHealthCheck::default()
        );
    }

    #[test]
    fn the_default_action_reads_back_as_the_one_target_group() {
        let arn = "arn:aws:vpc-lattice:eu-west-1:123456789012:targetgroup/tg-0123456789abcdef0";
        let action = forward(arn).unwrap();
        assert_eq!(lattice_reads::forward_to(Some(&action)), vec![("tg-0123456789abcdef0".to_string(), 100)]);
    }
}
