//! Service Connect: what a user checks first that ecsnet can tell from what it already reads. The TLS
//! certificate authority in the service's region; the TLS role in the service's account ("You can only use the
//! PassRole permission to pass an IAM role to a service that shares the same AWS account",
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html); and the primary deployment
//! reporting what the file sets. Whether the role trusts ECS, whether the CA exists and is active, and whether the
//! KMS key admits the role need the IAM, ACM-PCA and KMS clients ecsnet does not have: the messages name the AWS
//! CLI command that checks it.

use crate::live::EcsService;
use crate::plan::diff::ecs::connect::{parts_not_held, wanted};
use crate::topology::{arn_account, arn_region, Connect, Service};

use super::{check, fail, ok, Check, Facts, Status, APPLY};

pub(super) fn connect_checks(facts: &Facts, service: &Service) -> Vec<Check> {
    let (Some(connect), Some(wiring)) = (&service.connect, &service.ecs) else { return Vec::new() };
    let Some(running) =
        facts.observed.ecs_services.iter().find(|live| live.cluster == wiring.cluster && live.name == wiring.service)
    else {
        return Vec::new();
    };
    let resource = format!("service.{}.ecs {}/{}", service.name, wiring.cluster, wiring.service);
    let mut checks = tls_checks(facts, &resource, connect, running);
    checks.extend(reported_check(facts, &resource, service, connect, running));
    checks
}

/// The CA in the service's region, the role in its account.
fn tls_checks(facts: &Facts, resource: &str, connect: &Connect, running: &EcsService) -> Vec<Check> {
    let Some(tls) = &connect.tls else { return Vec::new() };
    let mut checks = Vec::new();
    let region = facts.topology.region.as_deref().or_else(|| arn_region(&running.arn));
    let name = "connect_tls_ca_region";
    match (arn_region(&tls.certificate_authority), region) {
        (Some(ca), Some(region)) if ca != region => checks.push(fail(
            name,
            resource,
            format!("the certificate authority is in {ca}, the ECS service in {region}"),
            "name an AWS Private CA of the service's region in [service.connect.tls] certificate_authority",
        )),
        (Some(ca), _) => checks.push(ok(
            name,
            resource,
            format!("the certificate authority is in {ca}; that it exists and is ACTIVE needs `aws acm-pca describe-certificate-authority`"),
        )),
        _ => {}
    }
    if let Some(role) = &tls.role {
        let name = "connect_tls_role_account";
        match (arn_account(role), arn_account(&running.arn)) {
            (Some(role_account), Some(account)) if role_account != account => checks.push(fail(
                name,
                resource,
                format!("the TLS role is in account {role_account}, the ECS service in {account}: IAM passes only roles of the caller's account"),
                "name a role of the service's account in [service.connect.tls] role",
            )),
            (Some(_), Some(_)) => checks.push(ok(
                name,
                resource,
                format!("{role} is in the service's account; that it trusts ecs.amazonaws.com needs `aws iam get-role`"),
            )),
            _ => {}
        }
    }
    checks
}

/// The primary deployment reports what the file sets.
fn reported_check(
    facts: &Facts,
    resource: &str,
    service: &Service,
    connect: &Connect,
    running: &EcsService,
) -> Option<Check> {
    let namespace = facts.topology.discovery.as_deref()?;
    let target = wanted(connect, namespace, service.port)?;
    let name = "connect_deployment_reports_settings";
    let Some(reported) = &running.connect else {
        return Some(check(
            Status::Warn,
            name,
            resource,
            "the primary deployment reports no Service Connect",
            Some(format!(
                "{APPLY}; if it still reports none, look at the service's deployments (`aws ecs describe-services`)"
            )),
        ));
    };
    if !reported.enabled {
        return Some(fail(name, resource, "Service Connect is off on the primary deployment", APPLY));
    }
    let missing = parts_not_held(reported, &target);
    if missing.is_empty() {
        return Some(ok(
            name,
            resource,
            "the primary deployment runs the aliases, TLS, timeouts and logs the file sets",
        ));
    }
    Some(fail(
        name,
        resource,
        format!("the primary deployment differs from the file in its {}", missing.join(", ")),
        format!("{APPLY}, then wait for the new deployment to become PRIMARY"),
    ))
}
