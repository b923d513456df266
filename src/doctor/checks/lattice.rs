//! VPC Lattice: the VPC is associated with the service network, each service is in it, admits Lattice's traffic,
//! has its tasks registered by ECS and healthy, and admits by identity exactly the callers the file names.

use std::collections::BTreeSet;

use crate::live::health::LatticeTargetState;
use crate::live::{Direction, LatticeService, LatticeStatus, LatticeTargetGroup, Peer};
use crate::plan::Address;
use crate::topology::{is_principal_arn, Service, ServiceNetworkRef};

use super::{admits, at, check, fail, ok, security_group, Check, Facts, Status, APPLY};

/// The VPC's association with the file's service network.
pub(super) fn association_check(facts: &Facts) -> Option<Check> {
    let lattice = facts.topology.lattice.as_ref()?;
    let live = &facts.observed.lattice;
    let network = live.service_networks.iter().find(|network| match &lattice.service_network {
        ServiceNetworkRef::Name(name) => &network.name == name,
        ServiceNetworkRef::Arn(arn) => &network.arn == arn,
    });
    let resource = "lattice.vpc_association";
    let Some(network) = network else {
        return Some(fail("lattice_vpc_associated", resource, "no such service network", APPLY));
    };
    let association = live.vpc_associations.iter().find(|association| association.service_network_id == network.id);
    Some(match association {
        Some(association) if association.status.is(LatticeStatus::Active) => ok(
            "lattice_vpc_associated",
            format!("{resource} {}", association.id),
            format!("the VPC is in the service network {}", network.name),
        ),
        Some(association) => fail(
            "lattice_vpc_associated",
            format!("{resource} {}", association.id),
            format!("the VPC's association with {} is {}", network.name, association.status),
            "wait for it, or look at the association in the VPC Lattice console",
        ),
        None => fail(
            "lattice_vpc_associated",
            resource,
            format!("the VPC is not associated with the service network {}: its tasks cannot call it", network.name),
            APPLY,
        ),
    })
}

/// A `[service.lattice]` service's checks.
pub(super) fn service_checks(facts: &Facts, service: &Service) -> Vec<Check> {
    let name = &facts.topology.name;
    let live = &facts.observed.lattice;
    let lattice_service =
        live.services.iter().find(|known| at(&known.tags, name, &Address::LatticeService(service.name.clone())));
    let target_group = live
        .target_groups
        .iter()
        .find(|known| at(&known.tags, name, &Address::LatticeTargetGroup(service.name.clone())));
    let resource = format!("service.{}.lattice", service.name);
    let Some(lattice_service) = lattice_service else {
        return vec![fail("lattice_service_in_network", resource, "missing", APPLY)];
    };
    let mut checks = vec![in_network_check(facts, &resource, lattice_service)];
    checks.push(ingress_check(facts, service));
    if let Some(target_group) = target_group {
        checks.push(registration_check(facts, service, target_group));
        checks.push(targets_check(facts, service, target_group));
    } else {
        checks.push(fail("lattice_targets_healthy", format!("{resource}.target_group"), "missing", APPLY));
    }
    checks.push(auth_policy_check(facts, service, lattice_service));
    checks
}

fn in_network_check(facts: &Facts, resource: &str, lattice_service: &LatticeService) -> Check {
    let name = "lattice_service_in_network";
    let resource = format!("{resource} {}", lattice_service.name);
    let active = lattice_service.associations.iter().find(|association| association.status.is(LatticeStatus::Active));
    let wanted = facts.topology.lattice.as_ref().map(|lattice| &lattice.service_network);
    let in_wanted = active.filter(|association| {
        facts.observed.lattice.service_networks.iter().any(|network| {
            network.id == association.service_network_id
                && match wanted {
                    Some(ServiceNetworkRef::Name(name)) => &network.name == name,
                    Some(ServiceNetworkRef::Arn(arn)) => &network.arn == arn,
                    None => false,
                }
        })
    });
    match in_wanted {
        Some(_) => ok(
            name,
            resource,
            format!("in the service network; callers use {}", lattice_service.dns_name.as_deref().unwrap_or("?")),
        ),
        None => fail(name, resource, "not associated with the file's service network", APPLY),
    }
}

fn ingress_check(facts: &Facts, service: &Service) -> Check {
    let name = "lattice_can_reach_tasks";
    let resource = format!("service.{}.lattice.ingress", service.name);
    let Some(prefix_list) = facts.observed.lattice.prefix_list_id.as_deref() else {
        return fail(name, resource, "the region's VPC Lattice prefix list was not found", "check the region");
    };
    let Some(tasks) = security_group(facts.observed, &service.security_group) else {
        return fail(
            name,
            resource,
            format!("no security group \"{}\" in the VPC", service.security_group),
            "fix service.security_group in the file",
        );
    };
    let resource = format!("{resource} {}", tasks.id);
    if admits(tasks, Direction::Ingress, service.port, |peer| *peer == Peer::PrefixList(prefix_list.to_string())) {
        ok(name, resource, format!("tcp/{} from VPC Lattice ({prefix_list})", service.port))
    } else {
        fail(
            name,
            resource,
            format!("no ingress on tcp/{} from VPC Lattice's prefix list {prefix_list}: requests and health checks cannot reach the tasks", service.port),
            APPLY,
        )
    }
}

fn registration_check(facts: &Facts, service: &Service, target_group: &LatticeTargetGroup) -> Check {
    let name = "ecs_registers_in_lattice";
    let resource = format!("service.{}.ecs", service.name);
    let Some(wiring) = &service.ecs else {
        return fail(name, resource, "no [service.ecs]", "add [service.ecs] cluster = \"…\"");
    };
    let running =
        facts.observed.ecs_services.iter().find(|live| live.cluster == wiring.cluster && live.name == wiring.service);
    let Some(running) = running else {
        return fail(name, resource, "the ECS service does not exist", "fix [service.ecs] in the file");
    };
    match running.lattice.iter().find(|config| config.target_group_arn == target_group.arn) {
        Some(config) => {
            ok(name, resource, format!("port {} → {} as {}", config.port_name, target_group.name, config.role_arn))
        }
        None => fail(
            name,
            resource,
            format!("the primary deployment does not register tasks in {}", target_group.name),
            APPLY,
        ),
    }
}

fn targets_check(facts: &Facts, service: &Service, target_group: &LatticeTargetGroup) -> Check {
    let name = "lattice_targets_healthy";
    let resource = format!("service.{}.lattice.target_group {}", service.name, target_group.name);
    let targets = facts.health.lattice_targets.get(&target_group.id).map_or(&[][..], Vec::as_slice);
    let healthy = targets.iter().filter(|target| target.state.is(LatticeTargetState::Healthy)).count();
    if targets.is_empty() {
        return check(
            Status::Warn,
            name,
            resource,
            "no targets registered",
            Some("check that the ECS service runs tasks; ECS registers them through vpcLatticeConfigurations".into()),
        );
    }
    if healthy == targets.len() {
        return ok(name, resource, format!("{healthy} healthy"));
    }
    let others: Vec<String> = targets
        .iter()
        .filter(|target| !target.state.is(LatticeTargetState::Healthy))
        .map(|target| {
            let reason = target.reason.as_deref().map_or(String::new(), |reason| format!(" ({reason})"));
            format!("{} {}{reason}", target.id, target.state)
        })
        .collect();
    check(
        Status::Warn,
        name,
        resource,
        format!("{healthy} of {} healthy: {}", targets.len(), others.join(", ")),
        Some(format!(
            "check the health check path answers on tcp/{} and that the tasks' group admits VPC Lattice",
            service.port
        )),
    )
}

/// The auth policy admits the callers' identities the file names, and nobody else: each caller service's task
/// role and each caller ARN among the policy's principals.
fn auth_policy_check(facts: &Facts, service: &Service, lattice_service: &LatticeService) -> Check {
    let name = "lattice_admits_callers";
    let resource = format!("service.{}.lattice.auth_policy", service.name);
    let Some(policy) = lattice_service.auth_policy.as_deref() else {
        return fail(name, resource, "the service has no auth policy: AWS_IAM denies every request", APPLY);
    };
    if service.callers.is_empty() {
        return ok(name, resource, "no callers named: the policy admits the account's principals");
    }
    let admitted = principals(policy);
    let mut wanted = BTreeSet::new();
    let mut unknown = Vec::new();
    for caller in &service.callers {
        if is_principal_arn(caller) {
            wanted.insert(caller.clone());
            continue;
        }
        match caller_role(facts, caller) {
            Some(role) => {
                wanted.insert(role);
            }
            None => unknown.push(caller.as_str()),
        }
    }
    if !unknown.is_empty() {
        return fail(
            name,
            resource,
            format!("no task role found for {}: VPC Lattice admits callers by their tasks' role", unknown.join(", ")),
            "give the callers' task definitions a task role (taskRoleArn)",
        );
    }
    let missing: Vec<&String> = wanted.difference(&admitted).collect();
    let extra: Vec<&String> = admitted.difference(&wanted).collect();
    if missing.is_empty() && extra.is_empty() {
        ok(name, resource, format!("admits {}", service.callers.join(", ")))
    } else {
        let mut problems = Vec::new();
        if !missing.is_empty() {
            problems.push(format!("does not admit {}", list(&missing)));
        }
        if !extra.is_empty() {
            problems.push(format!("also admits {}", list(&extra)));
        }
        fail(name, resource, problems.join("; "), APPLY)
    }
}

fn list(values: &[&String]) -> String {
    values.iter().map(|value| value.as_str()).collect::<Vec<_>>().join(", ")
}

/// The task role of a caller service's ECS service, from the task definition it runs.
fn caller_role(facts: &Facts, caller: &str) -> Option<String> {
    let wiring = facts.topology.services.iter().find(|known| known.name == caller)?.ecs.as_ref()?;
    let running = facts
        .observed
        .ecs_services
        .iter()
        .find(|live| live.cluster == wiring.cluster && live.name == wiring.service)?;
    let revision = running.task_definition.as_deref()?;
    let definition = facts.observed.task_definitions.iter().find(|definition| definition.arn == revision)?;
    definition.task_role_arn.clone()
}

/// The AWS principals an auth policy's Allow statements name (`"*"` when one admits anyone).
fn principals(policy: &str) -> BTreeSet<String> {
    let Ok(policy) = serde_json::from_str::<serde_json::Value>(policy) else { return BTreeSet::new() };
    let statements = match &policy["Statement"] {
        serde_json::Value::Array(statements) => statements.clone(),
        statement => vec![statement.clone()],
    };
    let mut found = BTreeSet::new();
    for statement in statements.iter().filter(|statement| statement["Effect"] == "Allow") {
        let principal = &statement["Principal"];
        let values = match principal {
            serde_json::Value::String(text) => vec![text.clone()],
            _ => match &principal["AWS"] {
                serde_json::Value::String(text) => vec![text.clone()],
                serde_json::Value::Array(values) => {
                    values.iter().filter_map(|value| value.as_str().map(str::to_string)).collect()
                }
                _ => vec![],
            },
        };
        found.extend(values);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::principals;

    #[test]
    fn principals_are_read_from_each_allow_statement() {
        let policy = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:role/a","arn:aws:iam::2:role/b"]},"Action":"vpc-lattice-svcs:Invoke","Resource":"*"},
            {"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::3:role/c"},"Action":"*","Resource":"*"},
            {"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]}"#;
        let found: Vec<String> = principals(policy).into_iter().collect();
        assert_eq!(found, ["*", "arn:aws:iam::1:role/a", "arn:aws:iam::2:role/b"]);
        assert!(principals("not json").is_empty());
    }
}
