//! Ingress: the services' security groups admit the load balancer and the services' callers.

use crate::live::{Direction, Peer};
use crate::topology::Service;

use super::{admits, fail, ok, security_group, Check, Facts, APPLY};

pub(super) fn admits_load_balancer_check(facts: &Facts, service: &Service) -> Check {
    let name = "service_admits_load_balancer";
    let Some(tasks) = security_group(facts.observed, &service.security_group) else {
        return fail(
            name,
            format!("service.{}.ingress", service.name),
            format!("no security group \"{}\" in the VPC", service.security_group),
            "fix service.security_group in the file",
        );
    };
    let resource = format!("service.{}.ingress {}", service.name, tasks.id);
    match facts.load_balancer_group {
        Some(lb_group)
            if admits(tasks, Direction::Ingress, service.port, |peer| *peer == Peer::Group(lb_group.id.clone())) =>
        {
            ok(name, resource, format!("tcp/{} from the load balancer's group {}", service.port, lb_group.id))
        }
        _ => fail(
            name,
            resource,
            format!(
                "no ingress on tcp/{} from the load balancer's group: health checks and requests cannot reach the tasks",
                service.port
            ),
            APPLY,
        ),
    }
}

pub(super) fn caller_checks(facts: &Facts, service: &Service) -> Vec<Check> {
    let callee = security_group(facts.observed, &service.security_group);
    service
        .callers
        .iter()
        .map(|caller| {
            let resource = format!("service.{}.caller.{caller}", service.name);
            let caller_group = facts
                .topology
                .services
                .iter()
                .find(|known| &known.name == caller)
                .and_then(|known| security_group(facts.observed, &known.security_group));
            match (callee, caller_group) {
                (Some(callee), Some(from))
                    if admits(callee, Direction::Ingress, service.port, |peer| {
                        *peer == Peer::Group(from.id.clone())
                    }) =>
                {
                    ok(
                        "caller_can_reach_callee",
                        resource,
                        format!("tcp/{} on {} from {} ({caller})", service.port, callee.id, from.id),
                    )
                }
                (Some(callee), Some(from)) => fail(
                    "caller_can_reach_callee",
                    resource,
                    format!("no ingress on {} tcp/{} from {} ({caller})", callee.id, service.port, from.id),
                    APPLY,
                ),
                _ => fail(
                    "caller_can_reach_callee",
                    resource,
                    "a security group of the caller or the callee is not in the VPC",
                    "fix the services' security_group in the file",
                ),
            }
        })
        .collect()
}
