//! Load balancers: created with their tags, their subnets, security groups and idle timeout updated, deleted
//! until AWS no longer lists them.

use std::time::Duration;

use aws_sdk_elasticloadbalancingv2::types::{LoadBalancerAttribute, LoadBalancerSchemeEnum, LoadBalancerTypeEnum};

use crate::aws::error::ForOperation as _;
use crate::aws::execute::{Created, Run};
use crate::aws::AwsError;
use crate::plan::{Address, LoadBalancerSpec, ManagedAttributes, Ref};
use crate::topology::Scheme;

use super::{create_tags, sees_new, with_attributes_tag};
use crate::aws::observe::serving;
use crate::aws::wait;
use crate::aws::wait::{Patience, Poll, WaitError};
use crate::aws::Code;
use crate::events::Subject;
use crate::events::WaitFor;

/// How long a deleted load balancer may take to disappear.
const LOAD_BALANCER_GONE_TIMEOUT: Duration = Duration::from_secs(600);

async fn set_idle_timeout(run: &Run<'_>, arn: &str, seconds: i64) -> Result<(), AwsError> {
    let attribute =
        LoadBalancerAttribute::builder().key("idle_timeout.timeout_seconds").value(seconds.to_string()).build();
    run.aws
        .elb
        .modify_load_balancer_attributes()
        .load_balancer_arn(arn)
        .attributes(attribute)
        .send()
        .await
        .for_operation("ModifyLoadBalancerAttributes")?;
    Ok(())
}

pub async fn create_load_balancer(
    run: &Run<'_>,
    address: &Address,
    spec: &LoadBalancerSpec,
) -> Result<Created, AwsError> {
    let security_group = run.outputs.id(&spec.security_group)?;
    let codes = wait::codes_for_new(&[(&spec.security_group, Code::InvalidSecurityGroup)]);
    let output = wait::until_visible(run.progress, sees_new(address), &codes, || async {
        run.aws
            .elb
            .create_load_balancer()
            .name(&spec.name)
            .r#type(LoadBalancerTypeEnum::Application)
            .scheme(aws_scheme(spec.scheme))
            .set_subnets(Some(spec.subnet_ids.clone()))
            .security_groups(&security_group)
            .set_tags(Some(create_tags(
                run,
                address,
                if spec.idle_timeout.is_some() { &["idle_timeout"][..] } else { &[] },
            )))
            .send()
            .await
            .for_operation("CreateLoadBalancer")
    })
    .await?;
    let load_balancer =
        output.load_balancers().first().ok_or_else(|| AwsError::missing("CreateLoadBalancer", "LoadBalancers"))?;
    let arn = load_balancer
        .load_balancer_arn()
        .ok_or_else(|| AwsError::missing("CreateLoadBalancer", "LoadBalancerArn"))?
        .to_string();
    if let Some(seconds) = spec.idle_timeout {
        wait::until_visible(run.progress, sees_new(address), &[Code::LoadBalancerNotFound], || {
            set_idle_timeout(run, &arn, seconds)
        })
        .await?;
    }
    let dns_name = load_balancer
        .dns_name()
        .map(|name| (name.to_string(), load_balancer.canonical_hosted_zone_id().unwrap_or_default().to_string()));
    Ok(Created { id: arn, dns_name })
}

pub async fn update_load_balancer(
    run: &Run<'_>,
    arn: &str,
    subnet_ids: Option<&[String]>,
    security_groups: Option<&[Ref]>,
    idle_timeout: Option<i64>,
    managed: Option<&ManagedAttributes>,
) -> Result<(), AwsError> {
    with_attributes_tag(run, arn, managed, async {
        match idle_timeout {
            Some(seconds) => set_idle_timeout(run, arn, seconds).await,
            None => Ok(()),
        }
    })
    .await?;
    if let Some(subnet_ids) = subnet_ids {
        run.aws
            .elb
            .set_subnets()
            .load_balancer_arn(arn)
            .set_subnets(Some(subnet_ids.to_vec()))
            .send()
            .await
            .for_operation("SetSubnets")?;
    }
    if let Some(groups) = security_groups {
        let ids = groups.iter().map(|group| run.outputs.id(group)).collect::<Result<Vec<_>, _>>()?;
        let codes =
            wait::codes_for_new(&groups.iter().map(|group| (group, Code::InvalidSecurityGroup)).collect::<Vec<_>>());
        wait::until_visible(run.progress, Subject::Sees(format!("load balancer {arn}")), &codes, || async {
            run.aws
                .elb
                .set_security_groups()
                .load_balancer_arn(arn)
                .set_security_groups(Some(ids.clone()))
                .send()
                .await
                .for_operation("SetSecurityGroups")
        })
        .await?;
    }
    Ok(())
}

/// Deletes the load balancer (its listeners and rules go with it) and waits until AWS no longer lists it.
pub async fn delete_load_balancer(run: &Run<'_>, arn: &str) -> Result<(), AwsError> {
    run.aws.elb.delete_load_balancer().load_balancer_arn(arn).send().await.for_operation("DeleteLoadBalancer")?;
    let patience = Patience {
        bound: LOAD_BALANCER_GONE_TIMEOUT,
        first_delay: Duration::from_millis(500),
        max_delay: Duration::from_secs(10),
        quiet: Duration::ZERO,
    };
    let gone = wait::poll_until(patience, run.progress, None, || async {
        Ok(match serving::load_balancer_listed(run.aws, arn).await? {
            true => Poll::Pending(WaitFor::Deleted { load_balancer: arn.to_string() }),
            false => Poll::Ready(()),
        })
    })
    .await;
    match gone {
        Ok(()) => Ok(()),
        Err(WaitError::Failed(error)) => Err(error),
        Err(WaitError::TimedOut { after, .. }) => Err(AwsError::unfinished(
            "DeleteLoadBalancer",
            format!("{arn} was still listed after {} s", after.as_secs()),
        )),
        Err(WaitError::Stopped { reason, .. }) => {
            Err(AwsError::unfinished("DeleteLoadBalancer", format!("{reason} while {arn} was still listed")))
        }
    }
}

fn aws_scheme(scheme: Scheme) -> LoadBalancerSchemeEnum {
    match scheme {
        Scheme::Internal => LoadBalancerSchemeEnum::Internal,
        Scheme::InternetFacing => LoadBalancerSchemeEnum::InternetFacing,
    }
}
