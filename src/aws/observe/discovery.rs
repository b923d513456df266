//! Cloud Map: private DNS namespaces the topology names or owns, and their services.

use aws_sdk_servicediscovery::types::{
    FilterCondition, NamespaceFilter, NamespaceFilterName, NamespaceType, ServiceFilter, ServiceFilterName,
};
use futures::future::try_join_all;

use crate::aws::error::ForOperation;
use crate::aws::{Aws, AwsError, Code};
use crate::live::{DiscoveryService, Namespace, Reported};
use crate::plan::ownership::parse_resource_description;
use crate::topology::Topology;

/// The namespaces and their services; nothing (and no request) when the topology uses no Cloud Map and owns none.
pub async fn read(aws: &Aws, topology: &Topology) -> Result<(Vec<Namespace>, Vec<DiscoveryService>), AwsError> {
    let filter = NamespaceFilter::builder()
        .name(NamespaceFilterName::Type)
        .values(NamespaceType::DnsPrivate.as_str())
        .condition(FilterCondition::Eq)
        .build()
        .map_err(|error| AwsError::invalid_request("ListNamespaces", error))?;
    let pages = aws
        .discovery
        .list_namespaces()
        .filters(filter)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .for_operation("ListNamespaces")?;
    let all: Vec<_> = pages.iter().flat_map(|page| page.namespaces()).collect();
    let namespaces: Vec<Namespace> = all
        .iter()
        .filter(|namespace| {
            namespace.name() == topology.discovery.as_deref()
                || parse_resource_description(namespace.description(), &topology.name).is_some()
        })
        .map(|namespace| Namespace {
            id: namespace.id().unwrap_or_default().to_string(),
            arn: namespace.arn().unwrap_or_default().to_string(),
            name: namespace.name().unwrap_or_default().trim_end_matches('.').to_string(),
            description: namespace.description().map(str::to_string),
        })
        .collect();
    let listed = try_join_all(namespaces.iter().map(|namespace| services_of(aws, &namespace.id))).await?;
    let mut services: Vec<DiscoveryService> = Vec::new();
    for service in listed.into_iter().flatten() {
        if !services.iter().any(|known| known.id == service.id) {
            services.push(service);
        }
    }
    // ListServices' summaries may not say which namespace a service is in (and an emulator may ignore the
    // filter): ask GetService for those.
    let unknown: Vec<usize> = (0..services.len()).filter(|&index| services[index].namespace_id.is_empty()).collect();
    let found = try_join_all(unknown.iter().map(|&index| namespace_of(aws, &services[index].id))).await?;
    for (index, namespace_id) in unknown.into_iter().zip(found) {
        // A service ListServices still lists but GetService no longer knows was deleted in between (ListServices
        // is eventually consistent): it is gone, and the retain below drops it with its empty namespace.
        services[index].namespace_id = namespace_id.unwrap_or_default();
    }
    let known: Vec<&str> = namespaces.iter().map(|namespace| namespace.id.as_str()).collect();
    services.retain(|service| known.contains(&service.namespace_id.as_str()));
    Ok((namespaces, services))
}

/// The namespace of a listed service; `None` when the service is gone.
async fn namespace_of(aws: &Aws, service_id: &str) -> Result<Option<String>, AwsError> {
    let output = match aws.discovery.get_service().id(service_id).send().await.for_operation("GetService") {
        Ok(output) => output,
        Err(error) if error.has_code(&[Code::ServiceNotFound]) => return Ok(None),
        Err(error) => return Err(error),
    };
    Ok(Some(output.service().and_then(|service| service.namespace_id()).unwrap_or_default().to_string()))
}

async fn services_of(aws: &Aws, namespace_id: &str) -> Result<Vec<DiscoveryService>, AwsError> {
    let filter = ServiceFilter::builder()
        .name(ServiceFilterName::NamespaceId)
        .values(namespace_id)
        .condition(FilterCondition::Eq)
        .build()
        .map_err(|error| AwsError::invalid_request("ListServices", error))?;
    let pages = aws
        .discovery
        .list_services()
        .filters(filter)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .for_operation("ListServices")?;
    let services: Vec<_> = pages.iter().flat_map(|page| page.services()).collect();
    Ok(services
        .iter()
        .map(|service| {
            let record = service.dns_config().and_then(|config| config.dns_records().first());
            DiscoveryService {
                id: service.id().unwrap_or_default().to_string(),
                arn: service.arn().unwrap_or_default().to_string(),
                name: service.name().unwrap_or_default().to_string(),
                #[allow(deprecated)]
                namespace_id: service
                    .dns_config()
                    .and_then(|config| config.namespace_id())
                    .unwrap_or_default()
                    .to_string(),
                description: service.description().map(str::to_string),
                record_type: Reported::parse(record.map_or("", |record| record.r#type().as_str())),
                ttl: record.map_or(0, |record| record.ttl()),
            }
        })
        .collect())
}
