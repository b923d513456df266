//! What ECS would refuse of the wiring, found before any change: a second service registry, a task definition
//! that cannot take it, or a deployment controller on which UpdateService cannot change it.

use std::collections::BTreeSet;

use crate::live::EcsService;
use crate::plan::desired::DesiredEcs;
use crate::plan::task_definition::{mismatches, Wiring};

use super::super::{Planner, Problem};
use crate::live::DeploymentController;
use crate::plan::problem::FileKey;

impl Planner<'_> {
    /// "Each service may be associated with one service registry. Multiple service registries for each service are
    /// not supported" (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRegistry.html): a
    /// service with a registry of its own cannot take ecsnet's beside it.
    pub(super) fn one_registry(&mut self, wanted: &DesiredEcs, live: &EcsService, ours: &BTreeSet<&str>) {
        if wanted.discovery.is_none() {
            return;
        }
        let Some(foreign) = live.registries.iter().find(|entry| !ours.contains(entry.arn.as_str())) else { return };
        let known = self.observed.discovery_services.iter().find(|service| service.arn == foreign.arn);
        let registry = known.map_or_else(
            || foreign.arn.clone(),
            |service| format!("Cloud Map service \"{}\", {}", service.name, foreign.arn),
        );
        self.problems.push(Problem::at(
            FileKey::service(&wanted.service, "discovery"),
            format!("{}: it already has a service registry ecsnet does not own ({registry}), and ECS allows one registry per service", ecs_service(live)),
            "leave [service.discovery] out of this service and keep its own registry, or take that registry off the ECS service first (UpdateService with an empty serviceRegistries list)",
        ));
    }

    /// What ECS would refuse of the wiring, given the task definition the service runs.
    pub(super) fn task_definition_fits(&mut self, wanted: &DesiredEcs, live: &EcsService) {
        let Some(definition) = live
            .task_definition
            .as_ref()
            .and_then(|arn| self.observed.task_definitions.iter().find(|definition| definition.arn == *arn))
        else {
            return;
        };
        let wiring = Wiring {
            container: &wanted.wiring.container,
            port: wanted.port,
            target_type: wanted.target_type,
            load_balanced: wanted.load_balanced,
            record: wanted.discovery,
            port_name: wanted.connect.as_ref().map(|connect| connect.port_name.as_str()),
            per_request_timeout: wanted.connect.as_ref().is_some_and(|connect| connect.timeouts.per_request.is_some()),
            lattice_port_name: wanted.lattice.as_ref().map(|lattice| lattice.port_name.as_str()),
        };
        for mismatch in mismatches(&wiring, definition) {
            self.problems.push(Problem::at(
                FileKey::service(&wanted.service, mismatch.key()),
                format!("{}: {mismatch}", ecs_service(live)),
                mismatch.hint(),
            ));
        }
    }

    /// UpdateService changes load balancers, service registries and Service Connect only on the ECS (rolling update)
    /// deployment controller: "For services using the blue/green (CODE_DEPLOY) deployment controller, only the
    /// desired count, deployment configuration, health check grace period, task placement constraints and
    /// strategies, enable ECS managed tags option, and propagate tags can be updated using this API", and for the
    /// EXTERNAL controller "only the desired count, task placement constraints and strategies, health check grace
    /// period, enable ECS managed tags option, and propagate tags option"
    /// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html).
    pub(super) fn controller_refuses(
        &mut self,
        wanted: &DesiredEcs,
        live: &EcsService,
        load_balancers: bool,
        registries: bool,
        connect: bool,
        lattice: bool,
    ) {
        let changes: Vec<&str> = [
            (load_balancers, "load balancers"),
            (registries, "service registries"),
            (connect, "Service Connect"),
            (lattice, "VPC Lattice configurations"),
        ]
        .into_iter()
        .filter(|(changes, _)| *changes)
        .map(|(_, what)| what)
        .collect();
        let changes = match changes.as_slice() {
            [one] => one.to_string(),
            [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
            [] => return,
        };
        let hint = match live.deployment_controller.known() {
            Some(DeploymentController::CodeDeploy) => "on CODE_DEPLOY, load balancers change through a CodeDeploy deployment, and service registries and Service Connect only when the service is created; move the service to the ECS (rolling update) controller, or remove this service's [service.ecs] table",
            Some(DeploymentController::External) => "on EXTERNAL, load balancers and service registries belong to task sets (CreateTaskSet), and Service Connect needs the ECS controller; move the service to the ECS (rolling update) controller, or remove this service's [service.ecs] table",
            _ => "move the service to the ECS (rolling update) controller, or remove this service's [service.ecs] table",
        };
        self.problems.push(Problem::at(
            FileKey::service(&wanted.service, "ecs.service"),
            format!(
                "{}: it uses the {} deployment controller, on which UpdateService cannot change {changes}",
                ecs_service(live),
                live.deployment_controller
            ),
            hint,
        ));
    }
}

/// The ECS service a problem is about, after the file's key that wires it: `ECS service main/name`.
fn ecs_service(live: &EcsService) -> String {
    format!("ECS service {}/{}", live.cluster, live.name)
}
