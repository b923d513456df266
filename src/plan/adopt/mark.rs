//! What adopting a resource writes: ecsnet's ownership marks and nothing else, in the form each AWS service takes
//! (tags where it takes them, the TXT record beside a Route 53 record, a hosted zone's comment, a Cloud Map
//! resource's description). `apply_to` is the same change on plain observed state, which the planner diffs
//! against so that the plan also shows what apply then changes on the adopted resources.

use serde::{Deserialize, Serialize};

use crate::live::RecordSetType;
use crate::live::{Observed, Record, Tags};
use crate::plan::AwsService;
use crate::topology::RecordType;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Mark {
    /// VPC Lattice TagResource on a service, listener, target group or association.
    LatticeTags { arn: String, tags: Vec<(String, String)> },
    /// ELBv2 AddTags on a load balancer, listener, rule or target group.
    LoadBalancingTags { arn: String, tags: Vec<(String, String)> },
    /// EC2 CreateTags on a security group or a security group rule (`sgr-…`).
    Ec2Tags { id: String, tags: Vec<(String, String)> },
    /// Route 53 UpdateHostedZoneComment: the zone's comment with ecsnet's marker added.
    ZoneComment { zone_id: String, comment: String },
    /// The ownership TXT record beside a record ecsnet did not write (UPSERT: adopting twice is harmless).
    OwnerRecord { zone_id: String, name: String, value: String, ttl: i64 },
    /// Cloud Map TagResource with the topology's tags (what the IAM policy scopes Cloud Map changes by), then
    /// UpdatePrivateDnsNamespace with the marker as the namespace's description (what ownership is read from).
    NamespaceDescription {
        id: String,
        description: String,
        #[serde(default)]
        arn: String,
        #[serde(default)]
        tags: Vec<(String, String)>,
    },
    /// Cloud Map TagResource with the topology's tags, then UpdateService with the marker as the description.
    /// UpdateService deletes the DNS records it is not sent
    /// (https://docs.aws.amazon.com/cloud-map/latest/api/API_UpdateService.html), so the service's record goes
    /// along as it is.
    DiscoveryDescription {
        id: String,
        description: String,
        record_type: RecordType,
        ttl: i64,
        #[serde(default)]
        arn: String,
        #[serde(default)]
        tags: Vec<(String, String)>,
    },
}

impl Mark {
    /// The AWS service that writes the mark.
    pub fn service(&self) -> AwsService {
        match self {
            Mark::LoadBalancingTags { .. } => AwsService::LoadBalancing,
            Mark::LatticeTags { .. } => AwsService::Lattice,
            Mark::Ec2Tags { .. } => AwsService::Ec2,
            Mark::ZoneComment { .. } | Mark::OwnerRecord { .. } => AwsService::Route53,
            Mark::NamespaceDescription { .. } | Mark::DiscoveryDescription { .. } => AwsService::CloudMap,
        }
    }

    /// Live state as it is once the mark is written.
    pub fn apply_to(&self, observed: &mut Observed) {
        match self {
            Mark::LoadBalancingTags { arn, tags } => {
                if let Some(found) = load_balancing_tags(observed, arn) {
                    found.extend(tags.iter().cloned());
                }
            }
            Mark::LatticeTags { arn, tags } => {
                if let Some(found) = lattice_tags(observed, arn) {
                    found.extend(tags.iter().cloned());
                }
            }
            Mark::Ec2Tags { id, tags } => {
                if let Some(found) = ec2_tags(observed, id) {
                    found.extend(tags.iter().cloned());
                }
            }
            Mark::ZoneComment { zone_id, comment } => {
                observed.zones.iter_mut().filter(|zone| zone.id == *zone_id).for_each(|zone| {
                    zone.comment = Some(comment.clone());
                })
            }
            Mark::OwnerRecord { zone_id, name, value, ttl } => {
                for zone in observed.zones.iter_mut().filter(|zone| zone.id == *zone_id) {
                    zone.records.retain(|record| !(record.name == *name && record.kind.is(RecordSetType::Txt)));
                    zone.records.push(Record {
                        name: name.clone(),
                        kind: RecordSetType::Txt.into(),
                        ttl: Some(*ttl),
                        values: vec![value.clone()],
                        alias: None,
                        alias_zone: None,
                    });
                }
            }
            Mark::NamespaceDescription { id, description, .. } => {
                observed.namespaces.iter_mut().filter(|namespace| namespace.id == *id).for_each(|namespace| {
                    namespace.description = Some(description.clone());
                })
            }
            Mark::DiscoveryDescription { id, description, .. } => {
                observed.discovery_services.iter_mut().filter(|service| service.id == *id).for_each(|service| {
                    service.description = Some(description.clone());
                })
            }
        }
    }
}

fn load_balancing_tags<'a>(observed: &'a mut Observed, arn: &str) -> Option<&'a mut Tags> {
    if let Some(group) = observed.target_groups.iter_mut().find(|group| group.arn == arn) {
        return Some(&mut group.tags);
    }
    for load_balancer in &mut observed.load_balancers {
        if load_balancer.arn == arn {
            return Some(&mut load_balancer.tags);
        }
        for listener in &mut load_balancer.listeners {
            if listener.arn == arn {
                return Some(&mut listener.tags);
            }
            if let Some(rule) = listener.rules.iter_mut().find(|rule| rule.arn == arn) {
                return Some(&mut rule.tags);
            }
        }
    }
    None
}

fn ec2_tags<'a>(observed: &'a mut Observed, id: &str) -> Option<&'a mut Tags> {
    for group in &mut observed.security_groups {
        if group.id == id {
            return Some(&mut group.tags);
        }
        if let Some(rule) = group.rules.iter_mut().find(|rule| rule.id == id) {
            return Some(&mut rule.tags);
        }
    }
    None
}

fn lattice_tags<'a>(observed: &'a mut Observed, arn: &str) -> Option<&'a mut Tags> {
    let lattice = &mut observed.lattice;
    if let Some(association) = lattice.vpc_associations.iter_mut().find(|association| association.arn == arn) {
        return Some(&mut association.tags);
    }
    if let Some(group) = lattice.target_groups.iter_mut().find(|group| group.arn == arn) {
        return Some(&mut group.tags);
    }
    for service in &mut lattice.services {
        if service.arn == arn {
            return Some(&mut service.tags);
        }
        if let Some(listener) = service.listeners.iter_mut().find(|listener| listener.arn == arn) {
            return Some(&mut listener.tags);
        }
        if let Some(association) = service.associations.iter_mut().find(|association| association.arn == arn) {
            return Some(&mut association.tags);
        }
    }
    None
}
