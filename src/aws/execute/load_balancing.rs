//! Load balancers, target groups, listeners and rules (ELBv2).

use std::time::{Duration, Instant};

use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, Certificate, FixedResponseActionConfig, HostHeaderConditionConfig, LoadBalancerAttribute,
    LoadBalancerSchemeEnum, LoadBalancerTypeEnum, Matcher, PathPatternConditionConfig, ProtocolEnum,
    RedirectActionConfig, RedirectActionStatusCodeEnum, RuleCondition, RulePriorityPair, Tag, TargetGroupAttribute,
    TargetTypeEnum,
};

use crate::aws::error::{AlreadyGone as _, Context as _};
use crate::aws::AwsError;
use crate::plan::ownership::{attributes_tag_value, ATTRIBUTES_TAG};
use crate::plan::{
    Address, DefaultSpec, ListenerSpec, LoadBalancerSpec, ManagedAttributes, Operation, Ref, RuleConditions,
    TargetGroupSpec,
};
use crate::progress::{Event, Wait};
use crate::topology::{aws_defaults, HealthCheck, Protocol, Scheme, Stickiness, TargetGroupAttributes, TargetType};

use super::{retry, Context, Created};

/// How long a deleted load balancer may take to disappear.
const LOAD_BALANCER_GONE_TIMEOUT: Duration = Duration::from_secs(600);

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

fn tags(context: &Context<'_>, address: &Address) -> Vec<Tag> {
    context.tags(address).into_iter().map(|(key, value)| Tag::builder().key(key).value(value).build()).collect()
}

fn forward(target_group_arn: String) -> Action {
    Action::builder().r#type(ActionTypeEnum::Forward).target_group_arn(target_group_arn).build()
}

/// A rule's conditions: host-header and path-pattern, each only when it has values.
fn conditions(conditions: &RuleConditions) -> Vec<RuleCondition> {
    let mut list = Vec::new();
    if !conditions.hosts.is_empty() {
        let config = HostHeaderConditionConfig::builder().set_values(Some(conditions.hosts.clone())).build();
        list.push(RuleCondition::builder().field("host-header").host_header_config(config).build());
    }
    if !conditions.paths.is_empty() {
        let config = PathPatternConditionConfig::builder().set_values(Some(conditions.paths.clone())).build();
        list.push(RuleCondition::builder().field("path-pattern").path_pattern_config(config).build());
    }
    list
}

/// The target group a default action forwards to, for the wait on what this apply just created.
fn default_group(default: &DefaultSpec) -> &Ref {
    const NONE: &Ref = &Ref::Known(String::new());
    match default {
        DefaultSpec::Forward(group) => group,
        _ => NONE,
    }
}

/// What a create waits for when it uses IDs this apply just created.
fn sees_new(address: &Address) -> String {
    format!("{address} to see what this apply just created")
}

fn default_action(context: &Context<'_>, default: &DefaultSpec) -> Result<Action, AwsError> {
    Ok(match default {
        DefaultSpec::Forward(group) => forward(context.outputs.id(group)?),
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

/// Sets the target group attributes given (the others stay as they are).
async fn set_attributes(context: &Context<'_>, arn: &str, attributes: &TargetGroupAttributes) -> Result<(), AwsError> {
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
    context
        .aws
        .elb
        .modify_target_group_attributes()
        .target_group_arn(arn)
        .set_attributes(Some(list))
        .send()
        .await
        .context("ModifyTargetGroupAttributes")?;
    Ok(())
}

/// Sets the attributes tag of a target group or load balancer to `names` (removes it when there are none).
async fn set_attributes_tag(context: &Context<'_>, arn: &str, names: &[String]) -> Result<(), AwsError> {
    if names.is_empty() {
        context.aws.elb.remove_tags().resource_arns(arn).tag_keys(ATTRIBUTES_TAG).send().await.context("RemoveTags")?;
    } else {
        let tag = Tag::builder().key(ATTRIBUTES_TAG).value(attributes_tag_value(names)).build();
        context.aws.elb.add_tags().resource_arns(arn).tags(tag).send().await.context("AddTags")?;
    }
    Ok(())
}

/// Runs `set` (a change of attributes) between the two halves of a change of the attributes tag: names join the
/// tag before their attribute is set, and leave it after it is back at AWS's default.
async fn with_attributes_tag<F: std::future::Future<Output = Result<(), AwsError>>>(
    context: &Context<'_>,
    arn: &str,
    managed: Option<&ManagedAttributes>,
    set: F,
) -> Result<(), AwsError> {
    if let Some(managed) = managed.filter(|managed| managed.during() != managed.before) {
        set_attributes_tag(context, arn, &managed.during()).await?;
    }
    set.await?;
    if let Some(managed) = managed.filter(|managed| managed.during() != managed.after) {
        set_attributes_tag(context, arn, &managed.after).await?;
    }
    Ok(())
}

/// The tags a create carries: ownership, and the attributes it sets.
fn create_tags(context: &Context<'_>, address: &Address, attributes: &[&str]) -> Vec<Tag> {
    let mut list = tags(context, address);
    if !attributes.is_empty() {
        let names: Vec<String> = attributes.iter().map(|name| name.to_string()).collect();
        list.push(Tag::builder().key(ATTRIBUTES_TAG).value(attributes_tag_value(&names)).build());
    }
    list
}

async fn set_idle_timeout(context: &Context<'_>, arn: &str, seconds: i64) -> Result<(), AwsError> {
    let attribute =
        LoadBalancerAttribute::builder().key("idle_timeout.timeout_seconds").value(seconds.to_string()).build();
    context
        .aws
        .elb
        .modify_load_balancer_attributes()
        .load_balancer_arn(arn)
        .attributes(attribute)
        .send()
        .await
        .context("ModifyLoadBalancerAttributes")?;
    Ok(())
}

pub async fn create_load_balancer(
    context: &Context<'_>,
    address: &Address,
    spec: &LoadBalancerSpec,
) -> Result<Created, AwsError> {
    let security_group = context.outputs.id(&spec.security_group)?;
    let codes = retry::codes_for_new(&[(&spec.security_group, "InvalidSecurityGroup")]);
    let output = retry::until_visible(context.progress, &sees_new(address), &codes, || async {
        context
            .aws
            .elb
            .create_load_balancer()
            .name(&spec.name)
            .r#type(LoadBalancerTypeEnum::Application)
            .scheme(aws_scheme(spec.scheme))
            .set_subnets(Some(spec.subnet_ids.clone()))
            .security_groups(&security_group)
            .set_tags(Some(create_tags(
                context,
                address,
                if spec.idle_timeout.is_some() { &["idle_timeout"][..] } else { &[] },
            )))
            .send()
            .await
            .context("CreateLoadBalancer")
    })
    .await?;
    let load_balancer =
        output.load_balancers().first().ok_or_else(|| AwsError::missing("CreateLoadBalancer", "LoadBalancers"))?;
    let arn = load_balancer
        .load_balancer_arn()
        .ok_or_else(|| AwsError::missing("CreateLoadBalancer", "LoadBalancerArn"))?
        .to_string();
    if let Some(seconds) = spec.idle_timeout {
        retry::until_visible(context.progress, &sees_new(address), &["LoadBalancerNotFound"], || {
            set_idle_timeout(context, &arn, seconds)
        })
        .await?;
    }
    let dns_name = load_balancer
        .dns_name()
        .map(|name| (name.to_string(), load_balancer.canonical_hosted_zone_id().unwrap_or_default().to_string()));
    Ok(Created { id: arn, dns_name })
}

pub async fn update_load_balancer(
    context: &Context<'_>,
    arn: &str,
    subnet_ids: Option<&[String]>,
    security_groups: Option<&[Ref]>,
    idle_timeout: Option<i64>,
    managed: Option<&ManagedAttributes>,
) -> Result<(), AwsError> {
    with_attributes_tag(context, arn, managed, async {
        match idle_timeout {
            Some(seconds) => set_idle_timeout(context, arn, seconds).await,
            None => Ok(()),
        }
    })
    .await?;
    if let Some(subnet_ids) = subnet_ids {
        context
            .aws
            .elb
            .set_subnets()
            .load_balancer_arn(arn)
            .set_subnets(Some(subnet_ids.to_vec()))
            .send()
            .await
            .context("SetSubnets")?;
    }
    if let Some(groups) = security_groups {
        let ids = groups.iter().map(|group| context.outputs.id(group)).collect::<Result<Vec<_>, _>>()?;
        let codes =
            retry::codes_for_new(&groups.iter().map(|group| (group, "InvalidSecurityGroup")).collect::<Vec<_>>());
        retry::until_visible(
            context.progress,
            &format!("load balancer {arn} to see its new security group"),
            &codes,
            || async {
                context
                    .aws
                    .elb
                    .set_security_groups()
                    .load_balancer_arn(arn)
                    .set_security_groups(Some(ids.clone()))
                    .send()
                    .await
                    .context("SetSecurityGroups")
            },
        )
        .await?;
    }
    Ok(())
}

/// Deletes the load balancer (its listeners and rules go with it) and waits until AWS no longer lists it.
pub async fn delete_load_balancer(context: &Context<'_>, arn: &str) -> Result<(), AwsError> {
    context.aws.elb.delete_load_balancer().load_balancer_arn(arn).send().await.context("DeleteLoadBalancer")?;
    let started = Instant::now();
    let mut delay = Duration::from_millis(500);
    loop {
        let described = context
            .aws
            .elb
            .describe_load_balancers()
            .load_balancer_arns(arn)
            .send()
            .await
            .context("DescribeLoadBalancers");
        match described {
            Err(error) if error.has_code(&["LoadBalancerNotFound"]) => return Ok(()),
            Err(error) => return Err(error),
            Ok(output) if output.load_balancers().is_empty() => return Ok(()),
            Ok(_) if started.elapsed() > LOAD_BALANCER_GONE_TIMEOUT => {
                return Err(AwsError {
                    operation: "DeleteLoadBalancer",
                    code: None,
                    message: format!("{arn} was still listed after {} s", started.elapsed().as_secs()),
                });
            }
            Ok(_) => {
                context.progress.event(Event::Waiting(Wait {
                    what: format!("for load balancer {arn} to be deleted"),
                    detail: None,
                    since: started.elapsed(),
                    next_try: None,
                }));
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
        }
    }
}

pub async fn create_target_group(
    context: &Context<'_>,
    address: &Address,
    spec: &TargetGroupSpec,
) -> Result<String, AwsError> {
    let health = &spec.health_check;
    let request = context
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
        .set_tags(Some(create_tags(context, address, &spec.attributes.names())))
        .send()
        .await
        .context("CreateTargetGroup")?;
    let group = output.target_groups().first().ok_or_else(|| AwsError::missing("CreateTargetGroup", "TargetGroups"))?;
    let arn =
        group.target_group_arn().ok_or_else(|| AwsError::missing("CreateTargetGroup", "TargetGroupArn"))?.to_string();
    retry::until_visible(context.progress, &sees_new(address), &["TargetGroupNotFound"], || {
        set_attributes(context, &arn, &spec.attributes)
    })
    .await?;
    Ok(arn)
}

pub async fn update_target_group(
    context: &Context<'_>,
    arn: &str,
    health: Option<&HealthCheck>,
    attributes: Option<&TargetGroupAttributes>,
    managed: Option<&ManagedAttributes>,
) -> Result<(), AwsError> {
    if let Some(health) = health {
        update_health_check(context, arn, health).await?;
    }
    with_attributes_tag(context, arn, managed, async {
        match attributes {
            Some(attributes) => set_attributes(context, arn, attributes).await,
            None => Ok(()),
        }
    })
    .await
}

async fn update_health_check(context: &Context<'_>, arn: &str, health: &HealthCheck) -> Result<(), AwsError> {
    let request = context.aws.elb.modify_target_group().target_group_arn(arn);
    with_health_check!(request, health).send().await.context("ModifyTargetGroup")?;
    Ok(())
}

/// Deletes a target group, waiting while a listener or rule AWS has not yet let go still uses it.
pub async fn delete_target_group(context: &Context<'_>, arn: &str) -> Result<(), AwsError> {
    let result =
        retry::while_code(context.progress, &format!("target group {arn} to be free"), &["ResourceInUse"], || async {
            context
                .aws
                .elb
                .delete_target_group()
                .target_group_arn(arn)
                .send()
                .await
                .map(|_| ())
                .context("DeleteTargetGroup")
        })
        .await;
    result.or_gone(&["TargetGroupNotFound"])
}

pub async fn create_listener(
    context: &Context<'_>,
    address: &Address,
    load_balancer: &Ref,
    spec: &ListenerSpec,
) -> Result<String, AwsError> {
    let load_balancer_arn = context.outputs.id(load_balancer)?;
    let default = default_action(context, &spec.default)?;
    let codes = retry::codes_for_new(&[
        (load_balancer, "LoadBalancerNotFound"),
        (default_group(&spec.default), "TargetGroupNotFound"),
    ]);
    let output = retry::until_visible(context.progress, &sees_new(address), &codes, || {
        let mut request = context
            .aws
            .elb
            .create_listener()
            .load_balancer_arn(&load_balancer_arn)
            .protocol(aws_protocol(spec.protocol))
            .port(spec.port.into())
            .default_actions(default.clone())
            .set_ssl_policy(spec.ssl_policy.clone())
            .set_tags(Some(tags(context, address)));
        if let Some(certificate) = &spec.certificate_arn {
            request = request.certificates(Certificate::builder().certificate_arn(certificate).build());
        }
        async { request.send().await.context("CreateListener") }
    })
    .await?;
    let listener = output.listeners().first().ok_or_else(|| AwsError::missing("CreateListener", "Listeners"))?;
    Ok(listener.listener_arn().ok_or_else(|| AwsError::missing("CreateListener", "ListenerArn"))?.to_string())
}

/// Modifies the listener's default action, and its protocol, certificate and TLS policy only when `tls` says
/// they changed.
pub async fn update_listener(context: &Context<'_>, arn: &str, spec: &ListenerSpec, tls: bool) -> Result<(), AwsError> {
    let default = default_action(context, &spec.default)?;
    let codes = retry::codes_for_new(&[(default_group(&spec.default), "TargetGroupNotFound")]);
    retry::until_visible(
        context.progress,
        &format!("listener {arn} to see what this apply just created"),
        &codes,
        || {
            let mut request = context.aws.elb.modify_listener().listener_arn(arn).default_actions(default.clone());
            if tls {
                request = request.protocol(aws_protocol(spec.protocol)).set_ssl_policy(spec.ssl_policy.clone());
                if let Some(certificate) = &spec.certificate_arn {
                    request = request.certificates(Certificate::builder().certificate_arn(certificate).build());
                }
            }
            async { request.send().await.context("ModifyListener") }
        },
    )
    .await?;
    Ok(())
}

pub async fn delete_listener(context: &Context<'_>, arn: &str) -> Result<(), AwsError> {
    context
        .aws
        .elb
        .delete_listener()
        .listener_arn(arn)
        .send()
        .await
        .context("DeleteListener")
        .or_gone(&["ListenerNotFound"])
}

pub async fn create_rule(
    context: &Context<'_>,
    address: &Address,
    listener: &Ref,
    priority: u32,
    rule: &RuleConditions,
    target_group: &Ref,
) -> Result<(), AwsError> {
    let (listener_arn, group_arn) = (context.outputs.id(listener)?, context.outputs.id(target_group)?);
    let codes = retry::codes_for_new(&[(listener, "ListenerNotFound"), (target_group, "TargetGroupNotFound")]);
    retry::until_visible(context.progress, &sees_new(address), &codes, || async {
        context
            .aws
            .elb
            .create_rule()
            .listener_arn(&listener_arn)
            .priority(priority as i32)
            .set_conditions(Some(conditions(rule)))
            .actions(forward(group_arn.clone()))
            .set_tags(Some(tags(context, address)))
            .send()
            .await
            .context("CreateRule")
    })
    .await?;
    Ok(())
}

/// Updates rules of one listener: conditions and actions rule by rule, then every priority change together in
/// one SetRulePriorities call.
pub async fn update_rules(context: &Context<'_>, updates: Vec<&Operation>) -> Result<(), AwsError> {
    let mut moves = Vec::new();
    for update in updates {
        let Operation::UpdateRule { arn, priority, conditions: new_conditions, target_group, .. } = update else {
            continue;
        };
        if new_conditions.is_some() || target_group.is_some() {
            let group_arn = target_group.as_ref().map(|group| context.outputs.id(group)).transpose()?;
            let codes = retry::codes_for_new(
                &target_group.iter().map(|group| (group, "TargetGroupNotFound")).collect::<Vec<_>>(),
            );
            retry::until_visible(
                context.progress,
                &format!("rule {arn} to see what this apply just created"),
                &codes,
                || {
                    let mut request = context.aws.elb.modify_rule().rule_arn(arn);
                    if let Some(rule) = new_conditions {
                        request = request.set_conditions(Some(conditions(rule)));
                    }
                    if let Some(group_arn) = &group_arn {
                        request = request.actions(forward(group_arn.clone()));
                    }
                    async { request.send().await.context("ModifyRule") }
                },
            )
            .await?;
        }
        if let Some(priority) = priority {
            moves.push((arn.clone(), *priority));
        }
    }
    if moves.is_empty() {
        return Ok(());
    }
    // One call: AWS checks the new order as a whole, so rules can trade places.
    let pairs = |moves: &[(String, u32)]| {
        moves
            .iter()
            .map(|(arn, priority)| RulePriorityPair::builder().rule_arn(arn).priority(*priority as i32).build())
            .collect::<Vec<_>>()
    };
    let direct = context
        .aws
        .elb
        .set_rule_priorities()
        .set_rule_priorities(Some(pairs(&moves)))
        .send()
        .await
        .context("SetRulePriorities");
    match direct {
        Ok(_) => {}
        // An implementation that checks each move against the old order (the emulator does) refuses a swap:
        // park the rules at free priorities at the top of the range, then set the new order.
        Err(error) if error.has_code(&["PriorityInUse"]) && moves.len() > 1 => {
            let parked: Vec<(String, u32)> = moves
                .iter()
                .enumerate()
                .map(|(index, (arn, _))| (arn.clone(), PARKING_PRIORITY - index as u32))
                .collect();
            context
                .aws
                .elb
                .set_rule_priorities()
                .set_rule_priorities(Some(pairs(&parked)))
                .send()
                .await
                .context("SetRulePriorities")?;
            context
                .aws
                .elb
                .set_rule_priorities()
                .set_rule_priorities(Some(pairs(&moves)))
                .send()
                .await
                .context("SetRulePriorities")?;
        }
        Err(error) => return Err(error),
    }
    Ok(())
}

/// Where rules wait while they trade priorities: the top of AWS's range, which ecsnet never assigns.
const PARKING_PRIORITY: u32 = 50_000;

pub async fn delete_rule(context: &Context<'_>, arn: &str) -> Result<(), AwsError> {
    context.aws.elb.delete_rule().rule_arn(arn).send().await.context("DeleteRule").or_gone(&["RuleNotFound"])
}

fn aws_scheme(scheme: Scheme) -> LoadBalancerSchemeEnum {
    match scheme {
        Scheme::Internal => LoadBalancerSchemeEnum::Internal,
        Scheme::InternetFacing => LoadBalancerSchemeEnum::InternetFacing,
    }
}

pub(super) fn aws_protocol(protocol: Protocol) -> ProtocolEnum {
    match protocol {
        Protocol::Http => ProtocolEnum::Http,
        Protocol::Https => ProtocolEnum::Https,
    }
}

fn aws_target_type(target_type: TargetType) -> TargetTypeEnum {
    match target_type {
        TargetType::Ip => TargetTypeEnum::Ip,
        TargetType::Instance => TargetTypeEnum::Instance,
    }
}
