//! The least-privilege IAM policy a command needs: the operation table (`operations`) scoped to a topology's
//! resources where AWS allows it. Pure: no AWS call, the same input gives the same document.

pub mod operations;

use serde::Serialize;
use serde_json::{json, Value};

use crate::plan::ownership::TOPOLOGY_TAG;
use crate::topology::Topology;

pub use operations::{Client, PolicyCommand, OPERATIONS};

/// How far an action can be narrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `"*"`: the action takes no resource, or AWS offers nothing narrower that ecsnet can know in advance.
    Any,
    /// Resources tagged `ecsnet:topology=<name>` (`aws:ResourceTag`).
    TaggedForTopology,
    /// Creates whose request carries `ecsnet:topology=<name>` (`aws:RequestTag`).
    RequestTaggedForTopology,
    /// Security groups ecsnet created (tagged), and the rules ecsnet adds to them.
    OwnedSecurityGroups,
    /// The services' security groups named by ID in the file, and those ecsnet created.
    ServiceSecurityGroups,
    /// `ec2:CreateTags`, only as part of the creates that tag their resources.
    TagOnEc2Create,
    /// `elasticloadbalancing:AddTags`, only as part of the creates that tag their resources.
    TagOnLoadBalancingCreate,
    /// The Elastic Load Balancing service-linked role, created by AWS with the first load balancer of an account.
    LinkedRoleForLoadBalancing,
    /// Record changes whose names are all inside the file's DNS zone.
    RecordsInZone,
    /// The ECS services the file wires (`[service.ecs]`).
    EcsServices,
}

/// What the policy is scoped with: the topology (when a file is given) and the region.
pub struct PolicyContext<'a> {
    pub topology: Option<&'a Topology>,
    /// `None`: any region (`*` in ARNs).
    pub region: Option<&'a str>,
}

/// One statement piece: a Sid that names the scope, its resources and condition.
struct Piece {
    sid: &'static str,
    resources: Vec<String>,
    condition: Option<Value>,
}

fn piece(sid: &'static str, resources: Vec<String>, condition: Option<Value>) -> Piece {
    Piece { sid, resources, condition }
}

/// An IAM policy document, its keys in the order AWS's own examples use.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDocument {
    pub version: &'static str,
    pub statement: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    pub sid: &'static str,
    pub effect: &'static str,
    pub action: Vec<&'static str>,
    pub resource: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Value>,
}

/// The IAM policy document for `command`.
pub fn policy(command: PolicyCommand, context: &PolicyContext) -> PolicyDocument {
    let mut statements: Vec<(Piece, Vec<&'static str>)> = Vec::new();
    let grants = OPERATIONS
        .iter()
        .filter(|operation| operation.needed_by.contains(&command))
        .flat_map(|operation| operation.grants);
    for grant in grants {
        for piece in pieces(grant.scope, context) {
            match statements.iter_mut().find(|(known, _)| known.sid == piece.sid) {
                Some((_, actions)) => actions.push(grant.action),
                None => statements.push((piece, vec![grant.action])),
            }
        }
    }
    let statement = statements
        .into_iter()
        .map(|(piece, mut action)| {
            action.sort_unstable();
            action.dedup();
            Statement { sid: piece.sid, effect: "Allow", action, resource: piece.resources, condition: piece.condition }
        })
        .collect();
    PolicyDocument { version: "2012-10-17", statement }
}

fn pieces(scope: Scope, context: &PolicyContext) -> Vec<Piece> {
    let region = context.region.unwrap_or("*");
    let any = || vec!["*".to_string()];
    match scope {
        Scope::Any => vec![piece("AnyResource", any(), None)],
        Scope::TaggedForTopology => vec![piece("OwnedByTopology", any(), Some(tag_condition("aws:ResourceTag", context)))],
        Scope::RequestTaggedForTopology => vec![piece("CreatedForTopology", any(), Some(tag_condition("aws:RequestTag", context)))],
        Scope::OwnedSecurityGroups => owned_security_groups(region, context),
        Scope::ServiceSecurityGroups => {
            let mut pieces = vec![piece("ServiceSecurityGroups", service_security_groups(region, context), None)];
            pieces.extend(owned_security_groups(region, context));
            pieces
        }
        Scope::TagOnEc2Create => vec![piece(
            "TagOnCreateEc2",
            any(),
            Some(json!({ "StringEquals": { "ec2:CreateAction": ["AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress", "CreateSecurityGroup"] } })),
        )],
        Scope::TagOnLoadBalancingCreate => vec![piece(
            "TagOnCreateLoadBalancing",
            any(),
            Some(json!({ "StringEquals": { "elasticloadbalancing:CreateAction": ["CreateListener", "CreateLoadBalancer", "CreateRule", "CreateTargetGroup"] } })),
        )],
        Scope::LinkedRoleForLoadBalancing => vec![piece(
            "LoadBalancingServiceLinkedRole",
            vec!["arn:aws:iam::*:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing".into()],
            Some(json!({ "StringEquals": { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } })),
        )],
        Scope::RecordsInZone => {
            let zone = context.topology.and_then(|topology| topology.dns.as_ref()).map(|dns| &dns.zone);
            let condition = zone.map(|zone| json!({ "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": [format!("*.{zone}")] } }));
            vec![piece("RecordsInZone", vec!["arn:aws:route53:::hostedzone/*".into()], condition)]
        }
        Scope::EcsServices => vec![piece("WiredEcsServices", ecs_services(region, context), None)],
    }
}

/// Without a file: any resource that carries the tag at all.
fn tag_condition(key: &str, context: &PolicyContext) -> Value {
    let key = format!("{key}/{TOPOLOGY_TAG}");
    match context.topology {
        Some(topology) => json!({ "StringEquals": { key: topology.name } }),
        None => json!({ "Null": { key: "false" } }),
    }
}

fn owned_security_groups(region: &str, context: &PolicyContext) -> Vec<Piece> {
    vec![
        piece(
            "OwnedSecurityGroups",
            vec![format!("arn:aws:ec2:{region}:*:security-group/*")],
            Some(tag_condition("aws:ResourceTag", context)),
        ),
        piece("SecurityGroupRules", vec![format!("arn:aws:ec2:{region}:*:security-group-rule/*")], None),
    ]
}

/// The services' groups by ID; every group when a service names its group by name (or without a file).
fn service_security_groups(region: &str, context: &PolicyContext) -> Vec<String> {
    let every_group = vec![format!("arn:aws:ec2:{region}:*:security-group/*")];
    let Some(topology) = context.topology else { return every_group };
    let mut ids: Vec<&str> = topology.services.iter().map(|service| service.security_group.as_str()).collect();
    if ids.is_empty() || ids.iter().any(|id| !id.starts_with("sg-")) {
        return every_group;
    }
    ids.sort_unstable();
    ids.dedup();
    ids.iter().map(|id| format!("arn:aws:ec2:{region}:*:security-group/{id}")).collect()
}

fn ecs_services(region: &str, context: &PolicyContext) -> Vec<String> {
    let wired: Vec<String> = context
        .topology
        .iter()
        .flat_map(|topology| &topology.services)
        .filter_map(|service| service.ecs.as_ref())
        .map(|wiring| {
            let cluster = wiring.cluster.rsplit_once(":cluster/").map_or(wiring.cluster.as_str(), |(_, name)| name);
            format!("arn:aws:ecs:{region}:*:service/{cluster}/{}", wiring.service)
        })
        .collect();
    if wired.is_empty() {
        vec!["*".into()]
    } else {
        wired
    }
}

#[cfg(test)]
mod tests;
