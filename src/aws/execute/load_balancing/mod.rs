//! Load balancers, target groups, listeners and rules (ELBv2): one file each, and here what they share.

mod listeners;
mod load_balancers;
mod rules;
mod target_groups;

use aws_sdk_elasticloadbalancingv2::types::{Action, ActionTypeEnum, ProtocolEnum, Tag};

use crate::aws::error::ForOperation as _;
use crate::aws::AwsError;
use crate::plan::ownership::{attributes_tag_value, ATTRIBUTES_TAG};
use crate::plan::{Address, LoadBalancingOp, ManagedAttributes};
use crate::topology::Protocol;

use super::{Created, Run};
use crate::events::Subject;

pub use load_balancers::delete_load_balancer;
pub use rules::update_rules;
pub use target_groups::delete_target_group;

/// Carries out a change of a load balancer, target group, listener or rule.
pub async fn run(run: &Run<'_>, address: &Address, operation: &LoadBalancingOp) -> Result<(), AwsError> {
    match operation {
        LoadBalancingOp::CreateLoadBalancer(spec) | LoadBalancingOp::ReplaceLoadBalancer { spec, .. } => {
            let created = load_balancers::create_load_balancer(run, address, spec).await?;
            run.started.record(|started| {
                started.load_balancers.insert(created.id.clone(), spec.name.clone());
            });
            run.outputs.record(address, created);
        }
        LoadBalancingOp::UpdateLoadBalancer { arn, subnet_ids, security_groups, idle_timeout, managed } => {
            load_balancers::update_load_balancer(
                run,
                arn,
                subnet_ids.as_deref(),
                security_groups.as_deref(),
                *idle_timeout,
                managed.as_ref(),
            )
            .await?
        }
        LoadBalancingOp::DeleteLoadBalancer { arn } => delete_load_balancer(run, arn).await?,
        LoadBalancingOp::CreateTargetGroup(spec) | LoadBalancingOp::ReplaceTargetGroup { spec, .. } => {
            let id = target_groups::create_target_group(run, address, spec).await?;
            run.outputs.record(address, Created { id, dns_name: None });
        }
        LoadBalancingOp::UpdateTargetGroup { arn, health_check, attributes, managed } => {
            target_groups::update_target_group(run, arn, health_check.as_ref(), attributes.as_ref(), managed.as_ref())
                .await?
        }
        LoadBalancingOp::DeleteTargetGroup { arn } => delete_target_group(run, arn).await?,
        LoadBalancingOp::CreateListener { load_balancer, spec } => {
            let id = listeners::create_listener(run, address, load_balancer, spec).await?;
            run.outputs.record(address, Created { id, dns_name: None });
        }
        LoadBalancingOp::UpdateListener { arn, spec, tls } => listeners::update_listener(run, arn, spec, *tls).await?,
        LoadBalancingOp::DeleteListener { arn } => listeners::delete_listener(run, arn).await?,
        LoadBalancingOp::CreateRule { listener, priority, conditions, target_group } => {
            rules::create_rule(run, address, listener, *priority, conditions, target_group).await?;
        }
        LoadBalancingOp::UpdateRule { .. } => update_rules(run, vec![operation]).await?,
        LoadBalancingOp::DeleteRule { arn } => rules::delete_rule(run, arn).await?,
    }
    Ok(())
}

fn tags(run: &Run<'_>, address: &Address) -> Vec<Tag> {
    run.tags(address).into_iter().map(|(key, value)| Tag::builder().key(key).value(value).build()).collect()
}

fn forward(target_group_arn: String) -> Action {
    Action::builder().r#type(ActionTypeEnum::Forward).target_group_arn(target_group_arn).build()
}

/// What a create waits for when it uses IDs this apply just created.
fn sees_new(address: &Address) -> Subject {
    Subject::Sees(address.to_string())
}

/// Sets the attributes tag of a target group or load balancer to `names` (removes it when there are none).
async fn set_attributes_tag(run: &Run<'_>, arn: &str, names: &[String]) -> Result<(), AwsError> {
    if names.is_empty() {
        run.aws
            .elb
            .remove_tags()
            .resource_arns(arn)
            .tag_keys(ATTRIBUTES_TAG)
            .send()
            .await
            .for_operation("RemoveTags")?;
    } else {
        let tag = Tag::builder().key(ATTRIBUTES_TAG).value(attributes_tag_value(names)).build();
        run.aws.elb.add_tags().resource_arns(arn).tags(tag).send().await.for_operation("AddTags")?;
    }
    Ok(())
}

/// Runs `set` (a change of attributes) between the two halves of a change of the attributes tag: names join the
/// tag before their attribute is set, and leave it after it is back at AWS's default.
async fn with_attributes_tag<F: std::future::Future<Output = Result<(), AwsError>>>(
    run: &Run<'_>,
    arn: &str,
    managed: Option<&ManagedAttributes>,
    set: F,
) -> Result<(), AwsError> {
    if let Some(managed) = managed.filter(|managed| managed.during() != managed.before) {
        set_attributes_tag(run, arn, &managed.during()).await?;
    }
    set.await?;
    if let Some(managed) = managed.filter(|managed| managed.during() != managed.after) {
        set_attributes_tag(run, arn, &managed.after).await?;
    }
    Ok(())
}

/// The tags a create carries: ownership, and the attributes it sets.
fn create_tags(run: &Run<'_>, address: &Address, attributes: &[&str]) -> Vec<Tag> {
    let mut list = tags(run, address);
    if !attributes.is_empty() {
        let names: Vec<String> = attributes.iter().map(|name| name.to_string()).collect();
        list.push(Tag::builder().key(ATTRIBUTES_TAG).value(attributes_tag_value(&names)).build());
    }
    list
}

pub(super) fn aws_protocol(protocol: Protocol) -> ProtocolEnum {
    match protocol {
        Protocol::Http => ProtocolEnum::Http,
        Protocol::Https => ProtocolEnum::Https,
    }
}
