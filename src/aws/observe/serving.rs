//! The reads the waits make (`aws::wait`): the state of what an apply started, as plain data.

use std::collections::HashMap;

use aws_sdk_ecs::types::DeploymentRolloutState;
use aws_sdk_elasticloadbalancingv2::types::{LoadBalancerStateEnum, TargetHealthStateEnum};
use aws_sdk_route53::types::ChangeStatus;
use aws_sdk_servicediscovery::types::OperationStatus;
use aws_sdk_vpclattice::types::TargetStatus;

use crate::aws::error::ForOperation as _;
use crate::aws::{Aws, AwsError, Code};
use crate::events::Pending;

/// A load balancer's state (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerState.html).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadBalancerState {
    Active,
    Failed {
        reason: String,
    },
    /// `provisioning`, `active_impaired`, or none: AWS's word for it.
    Other(Option<String>),
}

/// The state of each load balancer of `arns`: (ARN, name, state).
pub async fn load_balancer_states(
    aws: &Aws,
    arns: Vec<String>,
) -> Result<Vec<(String, String, LoadBalancerState)>, AwsError> {
    let output = aws
        .elb
        .describe_load_balancers()
        .set_load_balancer_arns(Some(arns))
        .send()
        .await
        .for_operation("DescribeLoadBalancers")?;
    Ok(output
        .load_balancers()
        .iter()
        .map(|load_balancer| {
            let state = match load_balancer.state().and_then(|state| state.code()) {
                Some(LoadBalancerStateEnum::Active) => LoadBalancerState::Active,
                Some(LoadBalancerStateEnum::Failed) => LoadBalancerState::Failed {
                    reason: load_balancer.state().and_then(|state| state.reason()).unwrap_or("no reason given").into(),
                },
                other => LoadBalancerState::Other(other.map(|code| code.as_str().to_string())),
            };
            let arn = load_balancer.load_balancer_arn().unwrap_or_default().to_string();
            (arn, load_balancer.load_balancer_name().unwrap_or_default().to_string(), state)
        })
        .collect())
}

/// Whether AWS still lists the load balancer (a deleted one stays listed a while).
pub async fn load_balancer_listed(aws: &Aws, arn: &str) -> Result<bool, AwsError> {
    let described =
        aws.elb.describe_load_balancers().load_balancer_arns(arn).send().await.for_operation("DescribeLoadBalancers");
    match described {
        Err(error) if error.has_code(&[Code::LoadBalancerNotFound]) => Ok(false),
        Err(error) => Err(error),
        Ok(output) => Ok(!output.load_balancers().is_empty()),
    }
}

/// Whether a Route 53 change is INSYNC (https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetChange.html).
pub async fn change_in_sync(aws: &Aws, change: &str) -> Result<bool, AwsError> {
    let output = aws.route53.get_change().id(change).send().await.for_operation("GetChange")?;
    Ok(output.change_info().map(|info| info.status()) == Some(&ChangeStatus::Insync))
}

/// An ECS service's rollout (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html).
#[derive(Debug, Clone, PartialEq)]
pub enum Deployment {
    /// One deployment, COMPLETED, as many tasks running as desired.
    Done,
    Pending(Pending),
    Failed {
        reason: String,
    },
    /// The service is no longer in the cluster.
    Gone,
}

pub async fn deployment(aws: &Aws, cluster: &str, service: &str) -> Result<Deployment, AwsError> {
    let output = aws
        .ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .for_operation("DescribeServices")?;
    let Some(found) = output.services().first() else { return Ok(Deployment::Gone) };
    let deployments = found.deployments();
    let Some(primary) = deployments.iter().find(|deployment| deployment.status() == Some("PRIMARY")) else {
        return Ok(Deployment::Pending(Pending::NoPrimaryDeployment { service: service.to_string() }));
    };
    if primary.rollout_state() == Some(&DeploymentRolloutState::Failed) {
        return Ok(Deployment::Failed { reason: primary.rollout_state_reason().unwrap_or("no reason given").into() });
    }
    let completed = primary.rollout_state().is_none_or(|state| *state == DeploymentRolloutState::Completed);
    if completed && deployments.len() == 1 && primary.running_count() >= primary.desired_count() {
        return Ok(Deployment::Done);
    }
    Ok(Deployment::Pending(Pending::Deploying {
        service: service.to_string(),
        running: primary.running_count(),
        desired: primary.desired_count(),
    }))
}

/// How many targets of the target group do not pass their health checks yet: registering (`initial`) or failing
/// (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html).
pub async fn unhealthy_targets(aws: &Aws, target_group: &str) -> Result<usize, AwsError> {
    let output = aws
        .elb
        .describe_target_health()
        .target_group_arn(target_group)
        .send()
        .await
        .for_operation("DescribeTargetHealth")?;
    Ok(output
        .target_health_descriptions()
        .iter()
        .filter(|description| {
            matches!(
                description.target_health().and_then(|health| health.state()),
                Some(TargetHealthStateEnum::Initial | TargetHealthStateEnum::Unhealthy)
            )
        })
        .count())
}

/// The targets of a VPC Lattice target group, as a migration's wait counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LatticeTargets {
    /// Registered and taking traffic: `HEALTHY`, or `UNAVAILABLE` (health checks off).
    pub serving: usize,
    /// Registered and not taking traffic yet: `INITIAL` (registering, or before its first health check),
    /// `UNHEALTHY`, or `UNUSED` (no listener forwards to the group yet). `DRAINING` targets (deregistering: the
    /// old tasks) are neither.
    pub not_ready: usize,
}

/// The targets ECS registered in a VPC Lattice target group (ID or ARN) and their states
/// (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_ListTargets.html,
/// https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_TargetSummary.html: status). Needs
/// `vpc-lattice:ListTargets`.
pub async fn lattice_targets(aws: &Aws, target_group: &str) -> Result<LatticeTargets, AwsError> {
    let mut counted = LatticeTargets::default();
    let mut token = None;
    loop {
        let output = aws
            .lattice
            .list_targets()
            .target_group_identifier(target_group)
            .set_next_token(token)
            .send()
            .await
            .for_operation("ListTargets")?;
        for target in output.items() {
            match target.status() {
                Some(TargetStatus::Healthy | TargetStatus::Unavailable) => counted.serving += 1,
                Some(TargetStatus::Draining) => {}
                _ => counted.not_ready += 1,
            }
        }
        token = output.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(counted);
        }
    }
}

/// How many instances a Cloud Map service has (ECS registers each task as it starts).
pub async fn registered_instances(aws: &Aws, service_id: &str) -> Result<usize, AwsError> {
    let output = aws.discovery.list_instances().service_id(service_id).send().await.for_operation("ListInstances")?;
    Ok(output.instances().len())
}

/// A Cloud Map operation (https://docs.aws.amazon.com/cloud-map/latest/api/API_Operation.html).
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// Done, with its targets (such as NAMESPACE → id).
    Succeeded(HashMap<String, String>),
    Failed {
        code: Option<String>,
        message: String,
    },
    /// SUBMITTED or PENDING: AWS's word for it.
    Pending(String),
}

pub async fn cloud_map_operation(aws: &Aws, operation_id: &str) -> Result<Operation, AwsError> {
    let output = aws.discovery.get_operation().operation_id(operation_id).send().await.for_operation("GetOperation")?;
    let operation = output.operation().ok_or_else(|| AwsError::missing("GetOperation", "Operation"))?;
    Ok(match operation.status() {
        Some(OperationStatus::Success) => Operation::Succeeded(
            operation
                .targets()
                .map(|targets| targets.iter().map(|(kind, id)| (kind.as_str().to_string(), id.clone())).collect())
                .unwrap_or_default(),
        ),
        Some(OperationStatus::Fail) => Operation::Failed {
            code: operation.error_code().map(str::to_string),
            message: operation.error_message().unwrap_or("no message").to_string(),
        },
        status => Operation::Pending(status.map_or("pending", |status| status.as_str()).to_string()),
    })
}
