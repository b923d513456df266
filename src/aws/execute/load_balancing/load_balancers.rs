//! Load balancers: created with their tags, their subnets, security groups and idle timeout updated, deleted
//! until AWS no longer lists them.

use std::time::{Duration, Instant};

use aws_sdk_elasticloadbalancingv2::types::{LoadBalancerAttribute, LoadBalancerSchemeEnum, LoadBalancerTypeEnum};

use crate::aws::error::Context as _;
use crate::aws::execute::{retry, Context, Created};
use crate::aws::AwsError;
use crate::plan::{Address, LoadBalancerSpec, ManagedAttributes, Ref};
use crate::progress::{Event, Wait};
use crate::topology::Scheme;

use super::{create_tags, sees_new, with_attributes_tag};

/// How long a deleted load balancer may take to disappear.
const LOAD_BALANCER_GONE_TIMEOUT: Duration = Duration::from_secs(600);

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
                    unreachable: None,
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

fn aws_scheme(scheme: Scheme) -> LoadBalancerSchemeEnum {
    match scheme {
        Scheme::Internal => LoadBalancerSchemeEnum::Internal,
        Scheme::InternetFacing => LoadBalancerSchemeEnum::InternetFacing,
    }
}
