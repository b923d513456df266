//! VPC Lattice: the VPC is associated with the service network, each service is in it, admits Lattice's traffic,
//! has its tasks registered by ECS and healthy, and admits by identity exactly the callers the file names.

use crate::live::health::LatticeTargetState;
use crate::live::{Direction, LatticeService, LatticeStatus, LatticeTargetGroup, Peer};
use crate::plan::lattice_policy::{admitted, describe_live};
use crate::plan::Address;
use crate::topology::Service;

use super::{admits, at, check, fail, ok, security_group, Check, Facts, Status, APPLY};

/// The VPC's association with the file's service network.
pub(super) fn association_check(facts: &Facts) -> Option<Check> {
    let lattice = facts.topology.lattice.as_ref()?;
    let live = &facts.observed.lattice;
    let network =
        live.service_networks.iter().find(|network| lattice.service_network.names(&network.name, &network.arn));
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
                && wanted.is_some_and(|wanted| wanted.names(&network.name, &network.arn))
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

/// The auth policy admits exactly who the file names: each caller service's task role and each caller ARN, or with
/// no callers the account's principals. Worked out and compared as the planner does (`plan::lattice_policy`), so
/// `doctor` and `plan` never disagree about a policy.
fn auth_policy_check(facts: &Facts, service: &Service, lattice_service: &LatticeService) -> Check {
    let name = "lattice_admits_callers";
    let resource = format!("service.{}.lattice.auth_policy", service.name);
    let Some(policy) = lattice_service.auth_policy.as_deref() else {
        return fail(name, resource, "the service has no auth policy: AWS_IAM denies every request", APPLY);
    };
    let mut problems = Vec::new();
    let Some(wanted) = admitted(facts.topology, facts.observed, service, &mut problems) else {
        let what: Vec<&str> = problems.iter().map(|problem| problem.what.as_str()).collect();
        let hint = problems.first().map_or_else(|| APPLY.to_string(), |problem| problem.hint.clone());
        return fail(name, resource, what.join("; "), hint);
    };
    if wanted.matches(policy) {
        ok(name, resource, format!("admits {}", wanted.describe()))
    } else {
        fail(
            name,
            resource,
            format!("admits {}, and the file's callers are {}", describe_live(Some(policy)), wanted.describe()),
            APPLY,
        )
    }
}
