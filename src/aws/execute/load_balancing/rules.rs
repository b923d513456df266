//! Listener rules: created, their conditions, actions and priorities updated, deleted.

use aws_sdk_elasticloadbalancingv2::types::{
    HostHeaderConditionConfig, PathPatternConditionConfig, RuleCondition, RulePriorityPair,
};

use crate::aws::error::{AlreadyGone as _, ForOperation as _};
use crate::aws::execute::Run;
use crate::aws::AwsError;
use crate::plan::{Address, LoadBalancingOp, Ref, RuleConditions};

use super::{forward, sees_new, tags};
use crate::aws::wait;
use crate::aws::Code;
use crate::events::Subject;

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

pub async fn create_rule(
    run: &Run<'_>,
    address: &Address,
    listener: &Ref,
    priority: u32,
    rule: &RuleConditions,
    target_group: &Ref,
) -> Result<(), AwsError> {
    let (listener_arn, group_arn) = (run.outputs.id(listener)?, run.outputs.id(target_group)?);
    let codes = wait::codes_for_new(&[(listener, Code::ListenerNotFound), (target_group, Code::TargetGroupNotFound)]);
    wait::until_visible(run.progress, sees_new(address), &codes, || async {
        run.aws
            .elb
            .create_rule()
            .listener_arn(&listener_arn)
            .priority(priority as i32)
            .set_conditions(Some(conditions(rule)))
            .actions(forward(group_arn.clone()))
            .set_tags(Some(tags(run, address)))
            .send()
            .await
            .for_operation("CreateRule")
    })
    .await?;
    Ok(())
}

/// Updates rules of one listener: conditions and actions rule by rule, then every priority change together in
/// one SetRulePriorities call.
pub async fn update_rules(run: &Run<'_>, updates: Vec<&LoadBalancingOp>) -> Result<(), AwsError> {
    let mut moves = Vec::new();
    for update in updates {
        let LoadBalancingOp::UpdateRule { arn, priority, conditions: new_conditions, target_group, .. } = update else {
            continue;
        };
        if new_conditions.is_some() || target_group.is_some() {
            modify_rule(run, arn, new_conditions.as_ref(), target_group.as_ref()).await?;
        }
        if let Some(priority) = priority {
            moves.push((arn.clone(), *priority));
        }
    }
    if moves.is_empty() {
        return Ok(());
    }
    set_priorities(run, &moves).await
}

/// Sets a rule's conditions, or its forward action to `target_group`, or both.
async fn modify_rule(
    run: &Run<'_>,
    arn: &str,
    new_conditions: Option<&RuleConditions>,
    target_group: Option<&Ref>,
) -> Result<(), AwsError> {
    let group_arn = target_group.map(|group| run.outputs.id(group)).transpose()?;
    let codes = wait::codes_for_new(
        &target_group.into_iter().map(|group| (group, Code::TargetGroupNotFound)).collect::<Vec<_>>(),
    );
    wait::until_visible(run.progress, Subject::Sees(format!("rule {arn}")), &codes, || {
        let mut request = run.aws.elb.modify_rule().rule_arn(arn);
        if let Some(rule) = new_conditions {
            request = request.set_conditions(Some(conditions(rule)));
        }
        if let Some(group_arn) = &group_arn {
            request = request.actions(forward(group_arn.clone()));
        }
        async { request.send().await.for_operation("ModifyRule") }
    })
    .await?;
    Ok(())
}

/// Sets the priorities of `moves` in one call: AWS checks the new order as a whole, so rules can trade places.
async fn set_priorities(run: &Run<'_>, moves: &[(String, u32)]) -> Result<(), AwsError> {
    match set_rule_priorities(run, moves).await {
        Ok(()) => Ok(()),
        // An implementation that checks each move against the old order (the emulator does) refuses a swap:
        // park the rules at free priorities at the top of the range, then set the new order.
        Err(error) if error.has_code(&[Code::PriorityInUse]) && moves.len() > 1 => {
            let parked: Vec<(String, u32)> = moves
                .iter()
                .enumerate()
                .map(|(index, (arn, _))| (arn.clone(), PARKING_PRIORITY - index as u32))
                .collect();
            set_rule_priorities(run, &parked).await?;
            set_rule_priorities(run, moves).await
        }
        Err(error) => Err(error),
    }
}

/// One SetRulePriorities call.
async fn set_rule_priorities(run: &Run<'_>, moves: &[(String, u32)]) -> Result<(), AwsError> {
    let pairs = moves
        .iter()
        .map(|(arn, priority)| RulePriorityPair::builder().rule_arn(arn).priority(*priority as i32).build())
        .collect::<Vec<_>>();
    run.aws
        .elb
        .set_rule_priorities()
        .set_rule_priorities(Some(pairs))
        .send()
        .await
        .for_operation("SetRulePriorities")?;
    Ok(())
}

/// Where rules wait while they trade priorities: the top of AWS's range, which ecsnet never assigns.
const PARKING_PRIORITY: u32 = 50_000;

pub async fn delete_rule(run: &Run<'_>, arn: &str) -> Result<(), AwsError> {
    run.aws.elb.delete_rule().rule_arn(arn).send().await.for_operation("DeleteRule").or_gone(&[Code::RuleNotFound])
}
