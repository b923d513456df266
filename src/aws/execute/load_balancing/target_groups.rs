//! Target groups: created with their health check, attributes and tags, updated, deleted once nothing uses them.

use aws_sdk_elasticloadbalancingv2::types::{Matcher, ProtocolEnum, TargetGroupAttribute, TargetTypeEnum};

use crate::aws::error::{AlreadyGone as _, ForOperation as _};
use crate::aws::execute::Run;
use crate::aws::AwsError;
use crate::plan::{Address, ManagedAttributes, TargetGroupSpec};
use crate::topology::{aws_defaults, HealthCheck, Stickiness, TargetGroupAttributes, TargetType};

use super::{aws_protocol, create_tags, sees_new, with_attributes_tag};
use crate::aws::wait;
use crate::aws::Code;
use crate::events::Subject;

/// The health check settings, on a CreateTargetGroup or a ModifyTargetGroup request alike (two builder types
/// with the same setters).
macro_rules! with_health_check {
    ($request:expr, $health:expr) => {
        $request
            .health_check_path(&$health.path)
            .health_check_interval_seconds($health.interval)
            .health_check_timeout_seconds($health.timeout)
            .healthy_threshold_count($health.healthy_threshold)
            .unhealthy_threshold_count($health.unhealthy_threshold)
            .matcher(Matcher::builder().http_code(&$health.matcher).build())
    };
}

/// Sets the target group attributes given (the others stay as they are).
async fn set_attributes(run: &Run<'_>, arn: &str, attributes: &TargetGroupAttributes) -> Result<(), AwsError> {
    let attribute = |key: &str, value: String| TargetGroupAttribute::builder().key(key).value(value).build();
    let mut list = Vec::new();
    if let Some(delay) = attributes.deregistration_delay {
        list.push(attribute("deregistration_delay.timeout_seconds", delay.to_string()));
    }
    if let Some(slow_start) = attributes.slow_start {
        list.push(attribute("slow_start.duration_seconds", slow_start.to_string()));
    }
    match &attributes.stickiness {
        Some(Stickiness::LbCookie(duration)) => {
            list.push(attribute("stickiness.enabled", "true".into()));
            list.push(attribute("stickiness.type", "lb_cookie".into()));
            list.push(attribute("stickiness.lb_cookie.duration_seconds", duration.to_string()));
        }
        // Back to AWS's default: off, and the cookie's duration at one day.
        Some(Stickiness::Off) => {
            list.push(attribute("stickiness.enabled", "false".into()));
            list.push(attribute(
                "stickiness.lb_cookie.duration_seconds",
                aws_defaults::STICKINESS_DURATION.to_string(),
            ));
        }
        Some(Stickiness::Other(_)) | None => {}
    }
    if list.is_empty() {
        return Ok(());
    }
    run.aws
        .elb
        .modify_target_group_attributes()
        .target_group_arn(arn)
        .set_attributes(Some(list))
        .send()
        .await
        .for_operation("ModifyTargetGroupAttributes")?;
    Ok(())
}

pub async fn create_target_group(run: &Run<'_>, address: &Address, spec: &TargetGroupSpec) -> Result<String, AwsError> {
    let health = &spec.health_check;
    let request = run
        .aws
        .elb
        .create_target_group()
        .name(&spec.name)
        .protocol(aws_protocol(spec.protocol))
        .port(spec.port.into())
        .vpc_id(&spec.vpc_id)
        .target_type(aws_target_type(spec.target_type))
        .health_check_protocol(ProtocolEnum::Http);
    let output = with_health_check!(request, health)
        .set_tags(Some(create_tags(run, address, &spec.attributes.names())))
        .send()
        .await
        .for_operation("CreateTargetGroup")?;
    let group = output.target_groups().first().ok_or_else(|| AwsError::missing("CreateTargetGroup", "TargetGroups"))?;
    let arn =
        group.target_group_arn().ok_or_else(|| AwsError::missing("CreateTargetGroup", "TargetGroupArn"))?.to_string();
    wait::until_visible(run.progress, sees_new(address), &[Code::TargetGroupNotFound], || {
        set_attributes(run, &arn, &spec.attributes)
    })
    .await?;
    Ok(arn)
}

pub async fn update_target_group(
    run: &Run<'_>,
    arn: &str,
    health: Option<&HealthCheck>,
    attributes: Option<&TargetGroupAttributes>,
    managed: Option<&ManagedAttributes>,
) -> Result<(), AwsError> {
    if let Some(health) = health {
        update_health_check(run, arn, health).await?;
    }
    with_attributes_tag(run, arn, managed, async {
        match attributes {
            Some(attributes) => set_attributes(run, arn, attributes).await,
            None => Ok(()),
        }
    })
    .await
}

async fn update_health_check(run: &Run<'_>, arn: &str, health: &HealthCheck) -> Result<(), AwsError> {
    let request = run.aws.elb.modify_target_group().target_group_arn(arn);
    with_health_check!(request, health).send().await.for_operation("ModifyTargetGroup")?;
    Ok(())
}

/// Deletes a target group, waiting while a listener or rule AWS has not yet let go still uses it.
pub async fn delete_target_group(run: &Run<'_>, arn: &str) -> Result<(), AwsError> {
    let result = wait::while_code(
        run.progress,
        Subject::Free(format!("target group {arn}")),
        &[Code::ResourceInUse],
        || async {
            run.aws
                .elb
                .delete_target_group()
                .target_group_arn(arn)
                .send()
                .await
                .map(|_| ())
                .for_operation("DeleteTargetGroup")
        },
    )
    .await;
    result.or_gone(&[Code::TargetGroupNotFound])
}

fn aws_target_type(target_type: TargetType) -> TargetTypeEnum {
    match target_type {
        TargetType::Ip => TargetTypeEnum::Ip,
        TargetType::Instance => TargetTypeEnum::Instance,
    }
}
