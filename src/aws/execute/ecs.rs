//! Updates of running ECS services: load balancers, service registries, Service Connect, VPC Lattice. ecsnet never creates or
//! deletes ECS services.

use aws_sdk_ecs::types::{
    AdvancedConfiguration, LoadBalancer, LogConfiguration, LogDriver, ServiceConnectAccessLogConfiguration,
    ServiceConnectAccessLoggingFormat, ServiceConnectClientAlias, ServiceConnectConfiguration,
    ServiceConnectIncludeQueryParameters, ServiceConnectService, ServiceConnectTlsCertificateAuthority,
    ServiceConnectTlsConfiguration, ServiceRegistry, Tag, TimeoutConfiguration, VpcLatticeConfiguration,
};

use crate::aws::error::ForOperation as _;
use crate::aws::AwsError;
use crate::live::EcsLoadBalancer;
use crate::plan::ownership::SERVICE_CONNECT_TAG;
use crate::plan::{ConnectChange, EcsLoadBalancerSpec, EcsOp, EcsRegistrySpec, EcsUpdate, LatticeConfigSpec};
use crate::topology::AwsName as _;

use super::Run;

/// Carries out a change of an ECS service: an update, the only change ecsnet makes to one.
pub async fn run(run: &Run<'_>, operation: &EcsOp) -> Result<(), AwsError> {
    match operation {
        EcsOp::UpdateService(wanted) => update(run, wanted).await,
    }
}

/// One UpdateService call with every part that changes; then the tag of the Service Connect ecsnet set.
async fn update(run: &Run<'_>, update: &EcsUpdate) -> Result<(), AwsError> {
    let mut request = run.aws.ecs.update_service().cluster(&update.cluster).service(&update.service);
    let mut target_groups = Vec::new();
    if let Some(specs) = &update.load_balancers {
        target_groups = own_target_groups(run, specs)?;
        request = request.set_load_balancers(Some(load_balancers(run, specs)?));
    }
    if let Some(specs) = &update.registries {
        request = request.set_service_registries(Some(registries(run, specs)?));
    }
    if let Some(connect) = &update.connect {
        request = request.service_connect_configuration(connect_configuration(connect)?);
    }
    if let Some(specs) = &update.lattice {
        request = request.set_vpc_lattice_configurations(Some(lattice_configurations(run, specs)?));
    }
    request.send().await.for_operation("UpdateService")?;
    run.started.record(|started| {
        started.ecs_services.insert((update.cluster.clone(), update.service.clone()), target_groups);
    });
    tag_connect(run, update).await
}

/// The ARNs of ecsnet's own target groups among `specs`.
fn own_target_groups(run: &Run<'_>, specs: &[EcsLoadBalancerSpec]) -> Result<Vec<String>, AwsError> {
    specs
        .iter()
        .filter_map(|spec| match spec {
            EcsLoadBalancerSpec::Own { target_group, .. } => Some(run.outputs.id(target_group)),
            EcsLoadBalancerSpec::Kept(_) => None,
        })
        .collect()
}

/// The service's whole list of load balancer entries: ecsnet's own, and the others as they were read.
fn load_balancers(run: &Run<'_>, specs: &[EcsLoadBalancerSpec]) -> Result<Vec<LoadBalancer>, AwsError> {
    specs
        .iter()
        .map(|spec| match spec {
            EcsLoadBalancerSpec::Own { target_group, container, port } => Ok(LoadBalancer::builder()
                .target_group_arn(run.outputs.id(target_group)?)
                .container_name(container)
                .container_port(*port)
                .build()),
            EcsLoadBalancerSpec::Kept(entry) => Ok(kept(entry)),
        })
        .collect()
}

fn registries(run: &Run<'_>, specs: &[EcsRegistrySpec]) -> Result<Vec<ServiceRegistry>, AwsError> {
    specs
        .iter()
        .map(|spec| {
            Ok(ServiceRegistry::builder()
                .registry_arn(run.outputs.id(&spec.registry)?)
                .set_port(spec.port)
                .set_container_name(spec.container.clone())
                .set_container_port(spec.container_port)
                .build())
        })
        .collect()
}

/// The service's whole `vpcLatticeConfigurations` list (sent empty, it clears them): ecsnet's target groups by the
/// ARN ECS wants, each entry with the infrastructure role ECS registers tasks with
/// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_VpcLatticeConfiguration.html).
fn lattice_configurations(
    run: &Run<'_>,
    specs: &[LatticeConfigSpec],
) -> Result<Vec<VpcLatticeConfiguration>, AwsError> {
    specs
        .iter()
        .map(|spec| {
            VpcLatticeConfiguration::builder()
                .role_arn(&spec.role_arn)
                .target_group_arn(run.outputs.id(&spec.target_group)?)
                .port_name(&spec.port_name)
                .build()
                .map_err(|error| AwsError::invalid_request("UpdateService", error))
        })
        .collect()
}

/// Service Connect on, with one Service Connect service per client alias (ECS takes one alias a service), each
/// with the TLS and timeouts, and the proxy's logs; or off.
fn connect_configuration(connect: &ConnectChange) -> Result<ServiceConnectConfiguration, AwsError> {
    let invalid = |error| AwsError::invalid_request("UpdateService", error);
    let ConnectChange::Enable { namespace, port_name, tls, timeouts, logs, .. } = connect else {
        return Ok(ServiceConnectConfiguration::builder().enabled(false).build());
    };
    let tls = tls.as_ref().map(|tls| {
        let authority =
            ServiceConnectTlsCertificateAuthority::builder().aws_pca_authority_arn(&tls.certificate_authority).build();
        ServiceConnectTlsConfiguration::builder()
            .issuer_certificate_authority(authority)
            .set_kms_key(tls.kms_key.clone())
            .set_role_arn(tls.role.clone())
            .build()
    });
    let timeout = (!timeouts.is_empty()).then(|| {
        TimeoutConfiguration::builder()
            .set_per_request_timeout_seconds(timeouts.per_request)
            .set_idle_timeout_seconds(timeouts.idle)
            .build()
    });
    let mut configuration = ServiceConnectConfiguration::builder().enabled(true).namespace(namespace);
    for (discovery_name, dns_name, port) in connect.aliases() {
        let alias = ServiceConnectClientAlias::builder().port(port).dns_name(dns_name).build().map_err(invalid)?;
        let service = ServiceConnectService::builder()
            .port_name(port_name)
            .discovery_name(discovery_name)
            .client_aliases(alias)
            .set_tls(tls.clone())
            .set_timeout(timeout.clone())
            .build()
            .map_err(invalid)?;
        configuration = configuration.services(service);
    }
    if let Some(logs) = logs {
        let mut log_configuration = LogConfiguration::builder().log_driver(LogDriver::from(logs.driver.as_aws()));
        for (key, value) in &logs.options {
            log_configuration = log_configuration.options(key, value);
        }
        configuration = configuration.log_configuration(log_configuration.build().map_err(invalid)?);
        if let Some(access) = logs.access_log {
            let include = access.query_parameters.map(|include| match include {
                true => ServiceConnectIncludeQueryParameters::Enabled,
                false => ServiceConnectIncludeQueryParameters::Disabled,
            });
            let access = ServiceConnectAccessLogConfiguration::builder()
                .format(ServiceConnectAccessLoggingFormat::from(access.format.as_aws()))
                .set_include_query_parameters(include)
                .build()
                .map_err(invalid)?;
            configuration = configuration.access_log_configuration(access);
        }
    }
    Ok(configuration.build())
}

/// Tags the service with what ecsnet set of its Service Connect, or removes the tag when ecsnet turned it off.
async fn tag_connect(run: &Run<'_>, update: &EcsUpdate) -> Result<(), AwsError> {
    match &update.connect {
        Some(ConnectChange::Enable { marker, .. }) => {
            let tag = Tag::builder().key(SERVICE_CONNECT_TAG).value(marker).build();
            run.aws.ecs.tag_resource().resource_arn(&update.arn).tags(tag).send().await.for_operation("TagResource")?;
        }
        Some(ConnectChange::Disable) => {
            run.aws
                .ecs
                .untag_resource()
                .resource_arn(&update.arn)
                .tag_keys(SERVICE_CONNECT_TAG)
                .send()
                .await
                .for_operation("UntagResource")?;
        }
        None => {}
    }
    Ok(())
}

/// A load balancer entry ecsnet does not own, every field as it was read.
fn kept(entry: &EcsLoadBalancer) -> LoadBalancer {
    let advanced = entry.advanced.as_ref().map(|advanced| {
        AdvancedConfiguration::builder()
            .set_alternate_target_group_arn(advanced.alternate_target_group_arn.clone())
            .set_production_listener_rule(advanced.production_listener_rule.clone())
            .set_test_listener_rule(advanced.test_listener_rule.clone())
            .set_role_arn(advanced.role_arn.clone())
            .build()
    });
    LoadBalancer::builder()
        .set_target_group_arn(entry.target_group_arn.clone())
        .set_load_balancer_name(entry.load_balancer_name.clone())
        .set_container_name(entry.container.clone())
        .set_container_port(entry.port)
        .set_advanced_configuration(advanced)
        .build()
}
