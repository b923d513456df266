//! Listeners and their default actions.

use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, Certificate, FixedResponseActionConfig, RedirectActionConfig, RedirectActionStatusCodeEnum,
};

use crate::aws::error::{AlreadyGone as _, ForOperation as _};
use crate::aws::execute::Run;
use crate::aws::AwsError;
use crate::plan::{Address, DefaultSpec, ListenerSpec, Ref};

use super::{aws_protocol, forward, sees_new, tags};
use crate::aws::wait;
use crate::aws::Code;
use crate::events::Subject;

/// The target group a default action forwards to, for the wait on what this apply just created.
fn default_group(default: &DefaultSpec) -> &Ref {
    const NONE: &Ref = &Ref::Known(String::new());
    match default {
        DefaultSpec::Forward(group) => group,
        _ => NONE,
    }
}

fn default_action(run: &Run<'_>, default: &DefaultSpec) -> Result<Action, AwsError> {
    Ok(match default {
        DefaultSpec::Forward(group) => forward(run.outputs.id(group)?),
        DefaultSpec::FixedResponse { status, body, content_type } => Action::builder()
            .r#type(ActionTypeEnum::FixedResponse)
            .fixed_response_config(
                FixedResponseActionConfig::builder()
                    .status_code(status.to_string())
                    .set_message_body(body.clone())
                    .content_type(content_type)
                    .build(),
            )
            .build(),
        DefaultSpec::Redirect { port } => Action::builder()
            .r#type(ActionTypeEnum::Redirect)
            .redirect_config(
                RedirectActionConfig::builder()
                    .protocol("HTTPS")
                    .port(port.to_string())
                    .status_code(RedirectActionStatusCodeEnum::Http301)
                    .build(),
            )
            .build(),
    })
}

pub async fn create_listener(
    run: &Run<'_>,
    address: &Address,
    load_balancer: &Ref,
    spec: &ListenerSpec,
) -> Result<String, AwsError> {
    let load_balancer_arn = run.outputs.id(load_balancer)?;
    let default = default_action(run, &spec.default)?;
    let codes = wait::codes_for_new(&[
        (load_balancer, Code::LoadBalancerNotFound),
        (default_group(&spec.default), Code::TargetGroupNotFound),
    ]);
    let output = wait::until_visible(run.progress, sees_new(address), &codes, || {
        let mut request = run
            .aws
            .elb
            .create_listener()
            .load_balancer_arn(&load_balancer_arn)
            .protocol(aws_protocol(spec.protocol))
            .port(spec.port.into())
            .default_actions(default.clone())
            .set_ssl_policy(spec.ssl_policy.clone())
            .set_tags(Some(tags(run, address)));
        if let Some(certificate) = &spec.certificate_arn {
            request = request.certificates(Certificate::builder().certificate_arn(certificate).build());
        }
        async { request.send().await.for_operation("CreateListener") }
    })
    .await?;
    let listener = output.listeners().first().ok_or_else(|| AwsError::missing("CreateListener", "Listeners"))?;
    Ok(listener.listener_arn().ok_or_else(|| AwsError::missing("CreateListener", "ListenerArn"))?.to_string())
}

/// Modifies the listener's default action, and its protocol, certificate and TLS policy only when `tls` says
/// they changed.
pub async fn update_listener(run: &Run<'_>, arn: &str, spec: &ListenerSpec, tls: bool) -> Result<(), AwsError> {
    let default = default_action(run, &spec.default)?;
    let codes = wait::codes_for_new(&[(default_group(&spec.default), Code::TargetGroupNotFound)]);
    wait::until_visible(run.progress, Subject::Sees(format!("listener {arn}")), &codes, || {
        let mut request = run.aws.elb.modify_listener().listener_arn(arn).default_actions(default.clone());
        if tls {
            request = request.protocol(aws_protocol(spec.protocol)).set_ssl_policy(spec.ssl_policy.clone());
            if let Some(certificate) = &spec.certificate_arn {
                request = request.certificates(Certificate::builder().certificate_arn(certificate).build());
            }
        }
        async { request.send().await.for_operation("ModifyListener") }
    })
    .await?;
    Ok(())
}

pub async fn delete_listener(run: &Run<'_>, arn: &str) -> Result<(), AwsError> {
    run.aws
        .elb
        .delete_listener()
        .listener_arn(arn)
        .send()
        .await
        .for_operation("DeleteListener")
        .or_gone(&[Code::ListenerNotFound])
}
