//! Load balancers, target groups, listeners and rules (ELBv2).

use std::time::{Duration, Instant};

use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, HostHeaderConditionConfig, LoadBalancerSchemeEnum, LoadBalancerTypeEnum, Matcher, ProtocolEnum, RuleCondition, RulePriorityPair, Tag, TargetTypeEnum,
};

use crate::aws::error::{AlreadyGone as _, Context as _};
use crate::aws::AwsError;
use crate::plan::{Address, LoadBalancerSpec, Ref, TargetGroupSpec};
use crate::topology::HealthCheck;

use super::{retry, Context, Created};

/// How long a deleted load balancer may take to disappear.
const LOAD_BALANCER_GONE_TIMEOUT: Duration = Duration::from_secs(600);

fn tags(context: &Context<'_>, address: &Address) -> Vec<Tag> {
    context.tags(address).into_iter().map(|(key, value)| Tag::builder().key(key).value(value).build()).collect()
}

fn forward(target_group_arn: String) -> Action {
    Action::builder().r#type(ActionTypeEnum::Forward).target_group_arn(target_group_arn).build()
}

fn host_condition(hosts: &[String]) -> RuleCondition {
    RuleCondition::builder()
        .field("host-header")
        .host_header_config(HostHeaderConditionConfig::builder().set_values(Some(hosts.to_vec())).build())
        .build()
}

pub async fn create_load_balancer(context: &Context<'_>, address: &Address, spec: &LoadBalancerSpec) -> Result<Created, AwsError> {
    let security_group = context.outputs.id(&spec.security_group)?;
    let output = context
        .aws
        .elb
        .create_load_balancer()
        .name(&spec.name)
        .r#type(LoadBalancerTypeEnum::Application)
        .scheme(LoadBalancerSchemeEnum::from(spec.scheme.as_str()))
        .set_subnets(Some(spec.subnet_ids.clone()))
        .security_groups(security_group)
        .set_tags(Some(tags(context, address)))
        .send()
        .await
        .context("CreateLoadBalancer")?;
    let load_balancer = output.load_balancers().first().ok_or_else(|| AwsError::missing("CreateLoadBalancer", "LoadBalancers"))?;
    Ok(Created {
        id: load_balancer.load_balancer_arn().ok_or_else(|| AwsError::missing("CreateLoadBalancer", "LoadBalancerArn"))?.to_string(),
        dns_name: load_balancer.dns_name().map(str::to_string),
    })
}

pub async fn update_load_balancer(context: &Context<'_>, arn: &str, subnet_ids: Option<&[String]>, security_groups: Option<&[Ref]>) -> Result<(), AwsError> {
    if let Some(subnet_ids) = subnet_ids {
        context.aws.elb.set_subnets().load_balancer_arn(arn).set_subnets(Some(subnet_ids.to_vec())).send().await.context("SetSubnets")?;
    }
    if let Some(groups) = security_groups {
        let ids = groups.iter().map(|group| context.outputs.id(group)).collect::<Result<Vec<_>, _>>()?;
        context.aws.elb.set_security_groups().load_balancer_arn(arn).set_security_groups(Some(ids)).send().await.context("SetSecurityGroups")?;
    }
    Ok(())
}

/// Deletes the load balancer (its listeners and rules go with it) and waits until AWS no longer lists it.
pub async fn delete_load_balancer(context: &Context<'_>, arn: &str) -> Result<(), AwsError> {
    context.aws.elb.delete_load_balancer().load_balancer_arn(arn).send().await.context("DeleteLoadBalancer")?;
    let started = Instant::now();
    let mut delay = Duration::from_millis(500);
    loop {
        let described = context.aws.elb.describe_load_balancers().load_balancer_arns(arn).send().await.context("DescribeLoadBalancers");
        match described {
            Err(error) if error.has_code(&["LoadBalancerNotFound"]) => return Ok(()),
            Err(error) => return Err(error),
            Ok(output) if output.load_balancers().is_empty() => return Ok(()),
            Ok(_) if started.elapsed() > LOAD_BALANCER_GONE_TIMEOUT => {
                return Err(AwsError { operation: "DeleteLoadBalancer", code: None, message: format!("{arn} was still listed after {} s", started.elapsed().as_secs()) });
            }
            Ok(_) => {
                context.progress.report(&format!("waiting for load balancer {arn} to be deleted ({} s so far)", started.elapsed().as_secs()));
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
        }
    }
}

pub async fn create_target_group(context: &Context<'_>, address: &Address, spec: &TargetGroupSpec) -> Result<String, AwsError> {
    let health = &spec.health_check;
    let output = context
        .aws
        .elb
        .create_target_group()
        .name(&spec.name)
        .protocol(ProtocolEnum::from(spec.protocol.as_str()))
        .port(spec.port.into())
        .vpc_id(&spec.vpc_id)
        .target_type(TargetTypeEnum::from(spec.target_type.as_str()))
        .health_check_protocol(ProtocolEnum::Http)
        .health_check_path(&health.path)
        .health_check_interval_seconds(health.interval)
        .health_check_timeout_seconds(health.timeout)
        .healthy_threshold_count(health.healthy_threshold)
        .unhealthy_threshold_count(health.unhealthy_threshold)
        .matcher(Matcher::builder().http_code(&health.matcher).build())
        .set_tags(Some(tags(context, address)))
        .send()
        .await
        .context("CreateTargetGroup")?;
    let group = output.target_groups().first().ok_or_else(|| AwsError::missing("CreateTargetGroup", "TargetGroups"))?;
    Ok(group.target_group_arn().ok_or_else(|| AwsError::missing("CreateTargetGroup", "TargetGroupArn"))?.to_string())
}

pub async fn update_health_check(context: &Context<'_>, arn: &str, health: &HealthCheck) -> Result<(), AwsError> {
    context
        .aws
        .elb
        .modify_target_group()
        .target_group_arn(arn)
        .health_check_path(&health.path)
        .health_check_interval_seconds(health.interval)
        .health_check_timeout_seconds(health.timeout)
        .healthy_threshold_count(health.healthy_threshold)
        .unhealthy_threshold_count(health.unhealthy_threshold)
        .matcher(Matcher::builder().http_code(&health.matcher).build())
        .send()
        .await
        .context("ModifyTargetGroup")?;
    Ok(())
}

/// Deletes a target group, waiting while a listener or rule AWS has not yet let go still uses it.
pub async fn delete_target_group(context: &Context<'_>, arn: &str) -> Result<(), AwsError> {
    let result = retry::while_code(context.progress, &format!("target group {arn} to be free"), &["ResourceInUse"], || async {
        context.aws.elb.delete_target_group().target_group_arn(arn).send().await.map(|_| ()).context("DeleteTargetGroup")
    })
    .await;
    result.or_gone(&["TargetGroupNotFound"])
}

pub async fn create_listener(context: &Context<'_>, address: &Address, load_balancer: &Ref, port: u16, default_target_group: &Ref) -> Result<String, AwsError> {
    let output = context
        .aws
        .elb
        .create_listener()
        .load_balancer_arn(context.outputs.id(load_balancer)?)
        .protocol(ProtocolEnum::Http)
        .port(port.into())
        .default_actions(forward(context.outputs.id(default_target_group)?))
        .set_tags(Some(tags(context, address)))
        .send()
        .await
        .context("CreateListener")?;
    let listener = output.listeners().first().ok_or_else(|| AwsError::missing("CreateListener", "Listeners"))?;
    Ok(listener.listener_arn().ok_or_else(|| AwsError::missing("CreateListener", "ListenerArn"))?.to_string())
}

pub async fn update_listener_default(context: &Context<'_>, arn: &str, default_target_group: &Ref) -> Result<(), AwsError> {
    let action = forward(context.outputs.id(default_target_group)?);
    context.aws.elb.modify_listener().listener_arn(arn).default_actions(action).send().await.context("ModifyListener")?;
    Ok(())
}

pub async fn delete_listener(context: &Context<'_>, arn: &str) -> Result<(), AwsError> {
    context.aws.elb.delete_listener().listener_arn(arn).send().await.context("DeleteListener").or_gone(&["ListenerNotFound"])
}

pub async fn create_rule(context: &Context<'_>, address: &Address, listener: &Ref, priority: u32, hosts: &[String], target_group: &Ref) -> Result<(), AwsError> {
    context
        .aws
        .elb
        .create_rule()
        .listener_arn(context.outputs.id(listener)?)
        .priority(priority as i32)
        .conditions(host_condition(hosts))
        .actions(forward(context.outputs.id(target_group)?))
        .set_tags(Some(tags(context, address)))
        .send()
        .await
        .context("CreateRule")?;
    Ok(())
}

pub async fn update_rule(context: &Context<'_>, arn: &str, priority: Option<u32>, hosts: Option<&[String]>, target_group: Option<&Ref>) -> Result<(), AwsError> {
    if hosts.is_some() || target_group.is_some() {
        let mut request = context.aws.elb.modify_rule().rule_arn(arn);
        if let Some(hosts) = hosts {
            request = request.conditions(host_condition(hosts));
        }
        if let Some(target_group) = target_group {
            request = request.actions(forward(context.outputs.id(target_group)?));
        }
        request.send().await.context("ModifyRule")?;
    }
    if let Some(priority) = priority {
        let pair = RulePriorityPair::builder().rule_arn(arn).priority(priority as i32).build();
        context.aws.elb.set_rule_priorities().rule_priorities(pair).send().await.context("SetRulePriorities")?;
    }
    Ok(())
}

pub async fn delete_rule(context: &Context<'_>, arn: &str) -> Result<(), AwsError> {
    context.aws.elb.delete_rule().rule_arn(arn).send().await.context("DeleteRule").or_gone(&["RuleNotFound"])
}
