//! VPC Lattice: the service network the file names and those the topology owns, the VPC's association, and the
//! Lattice services and target groups the topology owns or whose names it wants, each read whole only when it is
//! the topology's.
//!
//! Lattice has no batch read of tags (ListTagsForResource takes one ARN), so tags are read only for candidates:
//! - services and target groups whose name begins with the topology's name prefix (`names_prefix`): ecsnet names
//!   every one it creates `<topology>-<service>`, lowercased and cut from the end to Lattice's limits, so the ones
//!   it owns and the ones whose names it wants are all among them (a name is unique in the account: a foreign one
//!   with a wanted name is a conflict the planner reports, so it is read too, without its details);
//! - the VPC's associations (one at most: a VPC joins one service network), and the service networks the file
//!   names, the VPC is associated with, the topology's services are associated with, and, once anything of the
//!   topology's is found, those with no association at all (a network ecsnet created and left empty).
//!
//! These reads are made for every topology, with or without `[lattice]`, so that what a topology made stays found
//! after `[lattice]` leaves its file: three list calls when it has nothing in VPC Lattice.

use std::collections::BTreeSet;

use aws_sdk_vpclattice::types::{
    HealthCheckConfig, RuleAction, ServiceNetworkSummary, ServiceNetworkVpcAssociationSummary, ServiceSummary,
    TargetGroupSummary,
};
use futures::future::try_join_all;

use crate::aws::error::ForOperation;
use crate::aws::{Aws, AwsError, Code};
use crate::live::{
    LatticeHealthCheck, LatticeListener, LatticeService, LatticeState, LatticeStatus, LatticeTargetGroup, Reported,
    ServiceAssociation, ServiceNetwork, Tags, VpcAssociation,
};
use crate::plan::ownership::owned_by;
use crate::topology::{ServiceNetworkRef, Topology};

/// The longest part of a topology's name that every Lattice name ecsnet derives from it begins with: names are
/// cut from the end to Lattice's shortest limit (a service's 40 characters) with a hash kept, so a head this short
/// always survives the cut.
const PREFIX_LEN: usize = 20;

/// Where the region's VPC Lattice managed prefix list is named: `com.amazonaws.<region>.vpc-lattice`
/// (https://docs.aws.amazon.com/vpc-lattice/latest/ug/security-groups.html: "use the managed prefix list for
/// VPC Lattice" as the source of the targets' inbound rules).
pub fn prefix_list_name(region: &str) -> String {
    format!("com.amazonaws.{region}.vpc-lattice")
}

/// The head every Lattice name ecsnet derives for `topology` begins with: the topology's name lowercased, up to its
/// first character Lattice does not take in a name (`[a-z0-9-]`, the API's ServiceName and TargetGroupName
/// patterns), at most `PREFIX_LEN` characters. Anything a derivation does past that point (replacing, cutting) is
/// after the head, so no name ecsnet makes escapes it; names of others that share the head cost a tag read each.
pub fn names_prefix(topology: &str) -> String {
    topology
        .to_lowercase()
        .chars()
        .take_while(|character| character.is_ascii_lowercase() || character.is_ascii_digit() || *character == '-')
        .take(PREFIX_LEN)
        .collect()
}

/// Everything the planner reads of VPC Lattice for the topology in `vpc_id`.
pub async fn read(aws: &Aws, topology: &Topology, vpc_id: &str) -> Result<LatticeState, AwsError> {
    let prefix = names_prefix(&topology.name);
    let has_services = topology.services.iter().any(|service| service.lattice.is_some());
    let (services, groups, vpc_associations, networks, prefix_list_id) = tokio::try_join!(
        list_services(aws),
        list_target_groups(aws),
        list_vpc_associations(aws, vpc_id),
        async {
            match topology.lattice {
                Some(_) => list_service_networks(aws).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            match has_services {
                true => prefix_list_id(aws).await,
                false => Ok(None),
            }
        },
    )?;
    let services: Vec<&ServiceSummary> =
        services.iter().filter(|service| service.name().is_some_and(|name| name.starts_with(&prefix))).collect();
    let groups: Vec<&TargetGroupSummary> =
        groups.iter().filter(|group| group.name().is_some_and(|name| name.starts_with(&prefix))).collect();
    let (service_tags, group_tags, vpc_associations) = tokio::try_join!(
        try_join_all(services.iter().map(|service| present(tags_of(aws, service.arn().unwrap_or_default())))),
        try_join_all(groups.iter().map(|group| present(tags_of(aws, group.arn().unwrap_or_default())))),
        try_join_all(vpc_associations.iter().map(|association| vpc_association(aws, association))),
    )?;
    // What was deleted between the list and the reads (a destroy just finished, another tool) is gone.
    let (services, service_tags): (Vec<_>, Vec<_>) =
        services.into_iter().zip(service_tags).filter_map(|(summary, tags)| Some((summary, tags?))).unzip();
    let (groups, group_tags): (Vec<_>, Vec<_>) =
        groups.into_iter().zip(group_tags).filter_map(|(summary, tags)| Some((summary, tags?))).unzip();
    let vpc_associations: Vec<VpcAssociation> = vpc_associations.into_iter().flatten().collect();
    let owns_any = service_tags
        .iter()
        .chain(&group_tags)
        .chain(vpc_associations.iter().map(|found| &found.tags))
        .any(|tags| owned_by(tags, &topology.name));
    // The networks are listed without `[lattice]` only when the topology has something there: an empty network it
    // created is found only by its tags.
    let networks = match networks {
        None if owns_any => Some(list_service_networks(aws).await?),
        listed => listed,
    };
    let (services, target_groups): (Vec<Option<LatticeService>>, Vec<Option<LatticeTargetGroup>>) = tokio::try_join!(
        try_join_all(services.iter().zip(service_tags).map(|(summary, tags)| service(
            aws,
            &topology.name,
            summary,
            tags
        ))),
        try_join_all(groups.iter().zip(group_tags).map(|(summary, tags)| target_group(
            aws,
            &topology.name,
            summary,
            tags
        ))),
    )?;
    // One being deleted is gone already as far as the plan goes: its deletion finishes on its own, and a plan made
    // meanwhile (just after a destroy) creates anew, the create waiting for the name (`execute::lattice`).
    let deleting = |status: &Reported<LatticeStatus>| status.is(LatticeStatus::DeleteInProgress);
    let services: Vec<LatticeService> =
        services.into_iter().flatten().filter(|service| !deleting(&service.status)).collect();
    let target_groups: Vec<LatticeTargetGroup> =
        target_groups.into_iter().flatten().filter(|group| !deleting(&group.status)).collect();
    let wanted = NetworkCandidates::new(topology, networks.as_deref(), &vpc_associations, &services);
    let service_networks = service_networks(aws, topology, wanted).await?;
    Ok(LatticeState { service_networks, vpc_associations, services, target_groups, prefix_list_id })
}

async fn list_services(aws: &Aws) -> Result<Vec<ServiceSummary>, AwsError> {
    let pages = aws.lattice.list_services().max_results(100).into_paginator().items().send();
    pages.collect::<Result<Vec<_>, _>>().await.for_operation("ListServices")
}

async fn list_target_groups(aws: &Aws) -> Result<Vec<TargetGroupSummary>, AwsError> {
    let pages = aws.lattice.list_target_groups().max_results(100).into_paginator().items().send();
    pages.collect::<Result<Vec<_>, _>>().await.for_operation("ListTargetGroups")
}

async fn list_service_networks(aws: &Aws) -> Result<Vec<ServiceNetworkSummary>, AwsError> {
    let pages = aws.lattice.list_service_networks().max_results(100).into_paginator().items().send();
    pages.collect::<Result<Vec<_>, _>>().await.for_operation("ListServiceNetworks")
}

async fn list_vpc_associations(aws: &Aws, vpc_id: &str) -> Result<Vec<ServiceNetworkVpcAssociationSummary>, AwsError> {
    let request = aws.lattice.list_service_network_vpc_associations().vpc_identifier(vpc_id).max_results(100);
    let pages = request.into_paginator().items().send();
    pages.collect::<Result<Vec<_>, _>>().await.for_operation("ListServiceNetworkVpcAssociations")
}

/// The ID of the region's VPC Lattice managed prefix list; `None` where the region has none.
async fn prefix_list_id(aws: &Aws) -> Result<Option<String>, AwsError> {
    let filter =
        aws_sdk_ec2::types::Filter::builder().name("prefix-list-name").values(prefix_list_name(&aws.region)).build();
    let output = aws
        .ec2
        .describe_managed_prefix_lists()
        .filters(filter)
        .send()
        .await
        .for_operation("DescribeManagedPrefixLists")?;
    Ok(output.prefix_lists().iter().find_map(|list| list.prefix_list_id()).map(str::to_string))
}

/// A resource's tags: ListTagsForResource, one ARN a call.
async fn tags_of(aws: &Aws, arn: &str) -> Result<Tags, AwsError> {
    let output =
        aws.lattice.list_tags_for_resource().resource_arn(arn).send().await.for_operation("ListTagsForResource")?;
    Ok(output
        .tags()
        .map(|tags| tags.iter().map(|(key, value)| (key.clone(), value.clone())).collect())
        .unwrap_or_default())
}

/// A read of a resource listed a moment ago: `None` when it is gone since (ResourceNotFoundException). Lattice lists
/// a service or target group while it is deleted (DELETE_IN_PROGRESS), and its reads then answer that it does not
/// exist: the resource is gone, as it is for a plan run just after a destroy.
async fn present<T>(read: impl std::future::Future<Output = Result<T, AwsError>>) -> Result<Option<T>, AwsError> {
    match read.await {
        Ok(value) => Ok(Some(value)),
        Err(error) if error.has_code(&[Code::ResourceNotFound]) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The tags of a resource that may be gone since it was listed (`None` then), or that another account owns and
/// shares with this one: AWS RAM lets a consumer associate with a shared service network, not read or change it
/// (https://docs.aws.amazon.com/vpc-lattice/latest/ug/sharing.html), so a refusal reads as no tags.
async fn tags_if_readable(aws: &Aws, arn: &str) -> Result<Option<Tags>, AwsError> {
    match tags_of(aws, arn).await {
        Ok(tags) => Ok(Some(tags)),
        Err(error) if error.has_code(&[Code::AccessDeniedException]) => Ok(Some(Tags::new())),
        Err(error) if error.has_code(&[Code::ResourceNotFound]) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The association with its security groups (GetServiceNetworkVpcAssociation: the list leaves them out) and tags;
/// `None` when it was deleted since it was listed.
async fn vpc_association(
    aws: &Aws,
    summary: &ServiceNetworkVpcAssociationSummary,
) -> Result<Option<VpcAssociation>, AwsError> {
    let id = summary.id().unwrap_or_default();
    let get = async {
        let answer = aws
            .lattice
            .get_service_network_vpc_association()
            .service_network_vpc_association_identifier(id)
            .send()
            .await
            .for_operation("GetServiceNetworkVpcAssociation");
        match answer {
            Ok(output) => Ok(Some(output)),
            Err(error) if error.has_code(&[Code::ResourceNotFound]) => Ok(None),
            Err(error) => Err(error),
        }
    };
    let (output, tags) = tokio::try_join!(get, tags_if_readable(aws, summary.arn().unwrap_or_default()))?;
    let (Some(output), Some(tags)) = (output, tags) else { return Ok(None) };
    Ok(Some(VpcAssociation {
        id: id.to_string(),
        arn: summary.arn().unwrap_or_default().to_string(),
        service_network_id: summary.service_network_id().unwrap_or_default().to_string(),
        service_network_arn: summary.service_network_arn().unwrap_or_default().to_string(),
        vpc_id: summary.vpc_id().unwrap_or_default().to_string(),
        status: Reported::parse(output.status().or(summary.status()).map_or("", |status| status.as_str())),
        security_group_ids: output.security_group_ids().to_vec(),
        tags,
    }))
}

/// A candidate service: the topology's read whole (auth type, auth policy, listeners, associations); another's,
/// whose name the topology may want, as listed.
async fn service(
    aws: &Aws,
    topology: &str,
    summary: &ServiceSummary,
    tags: Tags,
) -> Result<Option<LatticeService>, AwsError> {
    let id = summary.id().unwrap_or_default();
    let mut service = LatticeService {
        id: id.to_string(),
        arn: summary.arn().unwrap_or_default().to_string(),
        name: summary.name().unwrap_or_default().to_string(),
        dns_name: summary.dns_entry().and_then(|entry| entry.domain_name()).map(str::to_string),
        custom_domain: summary.custom_domain_name().map(str::to_string),
        // Not read for a service the topology does not own: only its name matters to the plan.
        auth_type: Reported::parse(""),
        auth_policy: None,
        status: Reported::parse(summary.status().map_or("", |status| status.as_str())),
        listeners: Vec::new(),
        associations: Vec::new(),
        tags,
    };
    if !owned_by(&service.tags, topology) {
        return Ok(Some(service));
    }
    let get = async { aws.lattice.get_service().service_identifier(id).send().await.for_operation("GetService") };
    let read = async { tokio::try_join!(get, auth_policy(aws, id), listeners(aws, id), service_associations(aws, id)) };
    let Some((output, auth_policy, listeners, associations)) = present(read).await? else { return Ok(None) };
    service.auth_type = Reported::parse(output.auth_type().map_or("", |auth_type| auth_type.as_str()));
    service.auth_policy = auth_policy;
    service.listeners = listeners;
    service.associations = associations;
    Ok(Some(service))
}

/// The service's auth policy; `None` when it has none (GetAuthPolicy answers an empty policy, or
/// ResourceNotFoundException, https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_GetAuthPolicy.html).
async fn auth_policy(aws: &Aws, service_id: &str) -> Result<Option<String>, AwsError> {
    let answer =
        aws.lattice.get_auth_policy().resource_identifier(service_id).send().await.for_operation("GetAuthPolicy");
    match answer {
        Ok(output) => Ok(output.policy().filter(|policy| !policy.trim().is_empty()).map(str::to_string)),
        Err(error) if error.has_code(&[Code::ResourceNotFound]) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The service's listeners with their default actions (GetListener: ListListeners leaves the action out) and tags.
async fn listeners(aws: &Aws, service_id: &str) -> Result<Vec<LatticeListener>, AwsError> {
    let pages = aws.lattice.list_listeners().service_identifier(service_id).into_paginator().items().send();
    let summaries = pages.collect::<Result<Vec<_>, _>>().await.for_operation("ListListeners")?;
    let read = summaries.iter().map(|summary| async move {
        let listener_id = summary.id().unwrap_or_default();
        let get = async {
            aws.lattice
                .get_listener()
                .service_identifier(service_id)
                .listener_identifier(listener_id)
                .send()
                .await
                .for_operation("GetListener")
        };
        let read = async { tokio::try_join!(get, tags_of(aws, summary.arn().unwrap_or_default())) };
        let Some((output, tags)) = present(read).await? else { return Ok(None) };
        Ok::<_, AwsError>(Some(LatticeListener {
            id: listener_id.to_string(),
            arn: summary.arn().unwrap_or_default().to_string(),
            name: summary.name().unwrap_or_default().to_string(),
            protocol: Reported::parse(summary.protocol().map_or("", |protocol| protocol.as_str())),
            port: summary.port().unwrap_or_default(),
            forward_to: forward_to(output.default_action()),
            tags,
        }))
    });
    Ok(try_join_all(read).await?.into_iter().flatten().collect())
}

/// The target groups a forward action sends to, by ID (an ARN's last part), with their weights; empty for a
/// fixed response. A weight left out is AWS's default, 100
/// (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_WeightedTargetGroup.html).
pub fn forward_to(action: Option<&RuleAction>) -> Vec<(String, i32)> {
    let Some(RuleAction::Forward(forward)) = action else { return Vec::new() };
    forward
        .target_groups()
        .iter()
        .map(|group| (bare_id(group.target_group_identifier()).to_string(), group.weight().unwrap_or(100)))
        .collect()
}

/// An ID given as an ID or an ARN (`arn:…:targetgroup/tg-…`), as the ID.
pub fn bare_id(identifier: &str) -> &str {
    match identifier.starts_with("arn:") {
        true => identifier.rsplit('/').next().unwrap_or(identifier),
        false => identifier,
    }
}

/// The service's associations with service networks, with their tags.
async fn service_associations(aws: &Aws, service_id: &str) -> Result<Vec<ServiceAssociation>, AwsError> {
    let request = aws.lattice.list_service_network_service_associations().service_identifier(service_id);
    let pages = request.max_results(100).into_paginator().items().send();
    let summaries =
        pages.collect::<Result<Vec<_>, _>>().await.for_operation("ListServiceNetworkServiceAssociations")?;
    let read = summaries.iter().map(|summary| async move {
        let Some(tags) = tags_if_readable(aws, summary.arn().unwrap_or_default()).await? else { return Ok(None) };
        Ok::<_, AwsError>(Some(ServiceAssociation {
            id: summary.id().unwrap_or_default().to_string(),
            arn: summary.arn().unwrap_or_default().to_string(),
            service_network_id: summary.service_network_id().unwrap_or_default().to_string(),
            service_network_arn: summary.service_network_arn().unwrap_or_default().to_string(),
            status: Reported::parse(summary.status().map_or("", |status| status.as_str())),
            tags,
        }))
    });
    Ok(try_join_all(read).await?.into_iter().flatten().collect())
}

/// A candidate target group: the topology's with its health check (GetTargetGroup: the list leaves it out);
/// another's as listed.
async fn target_group(
    aws: &Aws,
    topology: &str,
    summary: &TargetGroupSummary,
    tags: Tags,
) -> Result<Option<LatticeTargetGroup>, AwsError> {
    let id = summary.id().unwrap_or_default();
    let mut group = LatticeTargetGroup {
        id: id.to_string(),
        arn: summary.arn().unwrap_or_default().to_string(),
        name: summary.name().unwrap_or_default().to_string(),
        kind: Reported::parse(summary.r#type().map_or("", |kind| kind.as_str())),
        vpc_id: summary.vpc_identifier().map(str::to_string),
        port: summary.port(),
        protocol: summary.protocol().map(|protocol| Reported::parse(protocol.as_str())),
        health_check: None,
        status: Reported::parse(summary.status().map_or("", |status| status.as_str())),
        tags,
    };
    if owned_by(&group.tags, topology) {
        let get = aws.lattice.get_target_group().target_group_identifier(id).send();
        let Some(output) = present(async { get.await.for_operation("GetTargetGroup") }).await? else { return Ok(None) };
        group.health_check = output.config().and_then(|config| config.health_check()).map(health_check);
    }
    Ok(Some(group))
}

/// A health check as ecsnet compares it.
pub fn health_check(config: &HealthCheckConfig) -> LatticeHealthCheck {
    LatticeHealthCheck {
        enabled: config.enabled(),
        path: config.path().map(str::to_string),
        matcher: config.matcher().and_then(|matcher| matcher.as_http_code().ok()).cloned(),
        interval: config.health_check_interval_seconds(),
        timeout: config.health_check_timeout_seconds(),
        healthy_threshold: config.healthy_threshold_count(),
        unhealthy_threshold: config.unhealthy_threshold_count(),
    }
}

/// A service network worth reading the tags of, as far as a listing or an association names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NetworkCandidate {
    pub arn: String,
    pub id: String,
    pub name: Option<String>,
    /// The network the file names: kept whoever owns it.
    pub named: bool,
}

/// The service networks to read: the file's, the ones the VPC and the topology's services are associated with,
/// and (when the networks were listed) the empty ones.
#[derive(Debug, Default, PartialEq)]
pub struct NetworkCandidates {
    pub candidates: Vec<NetworkCandidate>,
    /// The file's network given by ARN and not listed (perhaps shared from another account): read by GetServiceNetwork.
    pub unlisted_arn: Option<String>,
}

impl NetworkCandidates {
    pub fn new(
        topology: &Topology,
        listed: Option<&[ServiceNetworkSummary]>,
        vpc_associations: &[VpcAssociation],
        services: &[LatticeService],
    ) -> NetworkCandidates {
        let mut found: Vec<NetworkCandidate> = Vec::new();
        let file = topology.lattice.as_ref().map(|lattice| &lattice.service_network);
        let mut unlisted_arn = None;
        for network in listed.unwrap_or_default() {
            let (arn, name) = (network.arn().unwrap_or_default(), network.name().unwrap_or_default());
            let named = file.is_some_and(|wanted| wanted.names(name, arn));
            let empty = network.number_of_associated_services() == Some(0)
                && network.number_of_associated_vpcs() == Some(0)
                && network.number_of_associated_resource_configurations().unwrap_or(0) == 0;
            if named || empty {
                add(&mut found, arn, network.id().unwrap_or_default(), Some(name), named);
            }
        }
        if let Some(ServiceNetworkRef::Arn(arn)) = file {
            if !found.iter().any(|known| known.arn == *arn) {
                unlisted_arn = Some(arn.clone());
            }
        }
        for association in vpc_associations {
            add(&mut found, &association.service_network_arn, &association.service_network_id, None, false);
        }
        for association in services.iter().flat_map(|service| &service.associations) {
            add(&mut found, &association.service_network_arn, &association.service_network_id, None, false);
        }
        found.sort();
        NetworkCandidates { candidates: found, unlisted_arn }
    }
}

/// Adds a network once, by ARN: what one source says of it (its name, that the file names it) adds to another's.
fn add(found: &mut Vec<NetworkCandidate>, arn: &str, id: &str, name: Option<&str>, named: bool) {
    if arn.is_empty() {
        return;
    }
    match found.iter_mut().find(|known| known.arn == arn) {
        Some(known) => {
            known.named |= named;
            if known.name.is_none() {
                known.name = name.map(str::to_string);
            }
        }
        None => found.push(NetworkCandidate {
            arn: arn.to_string(),
            id: id.to_string(),
            name: name.map(str::to_string),
            named,
        }),
    }
}

/// The candidates the topology owns, and the file's whoever owns it, with their tags and auth type.
async fn service_networks(
    aws: &Aws,
    topology: &Topology,
    wanted: NetworkCandidates,
) -> Result<Vec<ServiceNetwork>, AwsError> {
    let mut candidates = wanted.candidates;
    if let Some(arn) = &wanted.unlisted_arn {
        candidates.push(NetworkCandidate { arn: arn.clone(), id: bare_id(arn).to_string(), name: None, named: true });
    }
    let read = candidates.iter().map(|candidate| async move {
        let Some(tags) = tags_if_readable(aws, &candidate.arn).await? else { return Ok(None) };
        if !candidate.named && !owned_by(&tags, &topology.name) {
            return Ok(None);
        }
        let answer = aws
            .lattice
            .get_service_network()
            .service_network_identifier(&candidate.arn)
            .send()
            .await
            .for_operation("GetServiceNetwork");
        let output = match answer {
            Ok(output) => Some(output),
            // Shared from another account without the right to read it: used as the file names it.
            Err(error) if error.has_code(&[Code::AccessDeniedException]) => None,
            Err(error) if error.has_code(&[Code::ResourceNotFound]) => return Ok(None),
            Err(error) => return Err(error),
        };
        let name = output.as_ref().and_then(|output| output.name()).map(str::to_string);
        Ok::<_, AwsError>(Some(ServiceNetwork {
            id: candidate.id.clone(),
            arn: candidate.arn.clone(),
            name: name.or_else(|| candidate.name.clone()).unwrap_or_default(),
            auth_type: output
                .as_ref()
                .and_then(|output| output.auth_type())
                .map(|auth_type| Reported::parse(auth_type.as_str())),
            tags,
        }))
    });
    let found: Vec<ServiceNetwork> = try_join_all(read).await?.into_iter().flatten().collect();
    // Both the listing and the associations may name one network: keep it once.
    let mut seen = BTreeSet::new();
    Ok(found.into_iter().filter(|network| seen.insert(network.arn.clone())).collect())
}

#[cfg(test)]
mod tests;
