//! The least-privilege IAM policy a command needs: the operation table (`operations`) scoped to a topology's
//! resources where AWS allows it. Pure: no AWS call, the same input gives the same document.

pub mod operations;

use serde::Serialize;
use serde_json::{json, Value};

use crate::plan::ownership::{SERVICE_CONNECT_TAG, TOPOLOGY_TAG};
use crate::topology::{ServiceNetworkRef, Topology};

pub use operations::{Client, Kind, Operation, PolicyCommand, Recipe, OPERATIONS};

/// How far an action can be narrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `"*"`: the action takes no resource, or AWS offers nothing narrower that ecsnet can know in advance.
    Any,
    /// Resources tagged `ecsnet:topology=<name>` (`aws:ResourceTag`, which ELBv2, Cloud Map and VPC Lattice give every
    /// check).
    TaggedForTopology,
    /// Creates whose request carries `ecsnet:topology=<name>` (`aws:RequestTag`, an action-level key of the ELBv2,
    /// Cloud Map and VPC Lattice creates and tag actions).
    RequestTaggedForTopology,
    /// `ec2:CreateSecurityGroup`: the new group carries the topology's tag, in the file's VPC (AWS checks both).
    NewSecurityGroup,
    /// Security groups ecsnet created (tagged).
    OwnedSecurityGroups,
    /// The rules ecsnet authorizes, tagged in the call (`security-group-rule/*`, checked when tags are sent).
    TaggedRules,
    /// Ingress is authorized on the services' groups the file names and on the groups ecsnet created.
    AuthorizedGroups,
    /// Ingress is revoked on the groups of the file's VPC (a service that left the file included), and on the
    /// groups ecsnet created.
    RevokedGroups,
    /// `ec2:CreateTags` of adoption: the topology's tag on a security group or rule that has none. Only with
    /// `--adopt`.
    SecurityGroupsToAdopt,
    /// Adoption's tags on an ELBv2 or Cloud Map resource that no topology owns yet. Only with `--adopt`.
    UnownedToAdopt,
    /// Adoption's marker on what it has just tagged (a Cloud Map namespace's description): resources tagged for
    /// the topology, only with `--adopt`.
    TaggedToAdopt,
    /// Hosted zones, for adoption's zone comment: every zone (no tag key), only with `--adopt`.
    ZonesToAdopt,
    /// Route 53 health checks, which Cloud Map's DeregisterInstance reads, updates and deletes with the caller's
    /// rights (https://docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-api-permissions-ref.html).
    HealthChecks,
    /// `ec2:CreateTags`, only as part of the creates that tag their resources.
    TagOnEc2Create,
    /// `elasticloadbalancing:AddTags`, only as part of the creates that tag their resources.
    TagOnLoadBalancingCreate,
    /// The Elastic Load Balancing service-linked role, created by AWS with the first load balancer of an account.
    LinkedRoleForLoadBalancing,
    /// Record changes whose names are all in the file's DNS zone (its apex included).
    RecordsInZone,
    /// Hosted zones: Route 53 offers no tag condition key, so every zone.
    HostedZones,
    /// The ECS services the file wires (`[service.ecs]`).
    EcsServices,
    /// The Service Connect tag, and no other, on the ECS services the file wires.
    ConnectTag,
    /// `iam:PassRole` of the Service Connect TLS roles the file names (`[service.connect.tls] role`), to ECS only:
    /// UpdateService hands each to ECS. Only apply turns Service Connect on; destroy turns it off and passes none.
    ConnectTlsRoles,
    /// `vpc-lattice:TagResource` only as part of those creates (`vpc-lattice:CreateAction`), with the topology's tag.
    LatticeTagOnCreate,
    /// The service network the file joins: its ARN when the file gives one (perhaps another account's), every
    /// network of the region when it gives a name (the ID is known only live, and a network of that name that the
    /// topology does not own is joined too).
    LatticeServiceNetwork,
    /// The VPC Lattice service-linked role, made by AWS with an account's first service, network or target group.
    LinkedRoleForLattice,
    /// `iam:PassRole` of the file's ECS infrastructure role, to ECS only.
    InfrastructureRole,
}

impl Scope {
    /// Whether `command`'s policy holds the grants of this scope, when its operation is in that policy.
    fn granted_to(self, command: PolicyCommand) -> bool {
        match self {
            Scope::ConnectTlsRoles => command == PolicyCommand::Apply,
            _ => true,
        }
    }
}

/// What the policy is scoped with: the topology (when a file is given) and the region.
pub struct PolicyContext<'a> {
    pub topology: Option<&'a Topology>,
    /// `None`: any region (`*` in ARNs).
    pub region: Option<&'a str>,
    /// Also what `apply --adopt` needs: writing the topology's ownership marks on resources no topology owns.
    /// Without it, nothing in the policy lets a principal claim a resource (tag it as the topology's and then
    /// change or delete it under the tag-scoped statements).
    pub adopt: bool,
}

/// IAM's quota on a customer managed policy, counted without whitespace
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length).
pub const MANAGED_POLICY_QUOTA: usize = 6_144;

/// A scope given up so that the document fits `MANAGED_POLICY_QUOTA`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coarsening {
    /// `service/<cluster>/*` per cluster instead of each ECS service's ARN.
    EcsServicesByCluster,
    /// Every security group of the file's VPC instead of each group the file names.
    SecurityGroupsByVpc,
    /// The reads on `"*"` as `<service>:Describe*`, `List*`, `Get*`: more reads, no more writes.
    ReadsByVerb,
    /// In the statements scoped by the topology's tag (`CreatedForTopology`, `OwnedByTopology`,
    /// `OwnedSecurityGroups`), the changes as `<service>:Create*`, `Modify*`, `Update*`, `Set*`, `Delete*`,
    /// `Authorize*`, `Revoke*`: more kinds of change, still only on what carries (or is created with) the topology's
    /// tag; and VPC Lattice's tag-on-create for any of its creates.
    ChangesByVerb,
}

impl Coarsening {
    pub fn describe(self) -> &'static str {
        match self {
            Coarsening::EcsServicesByCluster => "the ECS services by cluster (service/<cluster>/*), not one by one",
            Coarsening::SecurityGroupsByVpc => "the services' security groups by the VPC (ec2:Vpc), not one by one",
            Coarsening::ReadsByVerb => "the reads as Describe*, List* and Get* per service",
            Coarsening::ChangesByVerb => {
                "the changes of what the topology tagged by verb (Create*, Modify*, Delete*, …) per service"
            }
        }
    }
}

/// A policy document and the scopes given up to fit IAM's quota.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub document: PolicyDocument,
    pub coarsened: Vec<Coarsening>,
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

impl PolicyDocument {
    /// The size IAM counts against its quotas: the JSON's characters without whitespace.
    pub fn size(&self) -> usize {
        let text = serde_json::to_string(self).expect("a policy serializes");
        text.chars().filter(|character| !character.is_whitespace()).count()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    pub sid: &'static str,
    pub effect: &'static str,
    pub action: Vec<String>,
    pub resource: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Value>,
}

/// The IAM policy for `command`, as tight as AWS allows for the topology, coarsened (in `Coarsening`'s order)
/// only as far as it takes to fit `MANAGED_POLICY_QUOTA`.
///
/// Which operations a file's policy holds: every read (plan, graph and destroy look for what the topology owns
/// in every recipe's live state); the creates and changes of the recipes the file uses (`Recipe`); the deletes
/// and detachments of every recipe, so that apply removes what left the file. Those are safe to grant for a
/// recipe the file dropped: they are scoped to what the topology tagged (or, for Route 53, which has no tag
/// keys, to deletes of the record types ecsnet writes and to zones, which AWS deletes only once empty). Without a
/// file every recipe is granted and every scope that needs the file falls back to the resource type.
pub fn policy(command: PolicyCommand, context: &PolicyContext) -> Policy {
    let mut coarsened = Vec::new();
    let mut document = document(command, context, &coarsened);
    for coarsening in [
        Coarsening::EcsServicesByCluster,
        Coarsening::SecurityGroupsByVpc,
        Coarsening::ReadsByVerb,
        Coarsening::ChangesByVerb,
    ] {
        if document.size() <= MANAGED_POLICY_QUOTA {
            break;
        }
        coarsened.push(coarsening);
        let coarser = self::document(command, context, &coarsened);
        if coarser == document {
            coarsened.pop();
        }
        document = coarser;
    }
    Policy { document, coarsened }
}

fn document(command: PolicyCommand, context: &PolicyContext, coarsened: &[Coarsening]) -> PolicyDocument {
    let mut statements: Vec<(Piece, Vec<&'static str>)> = Vec::new();
    let grants = OPERATIONS
        .iter()
        .filter(|operation| operation.needed_by.contains(&command) && granted(operation, context))
        .flat_map(|operation| operation.grants)
        .filter(|grant| grant.scope.granted_to(command));
    for grant in grants {
        for piece in pieces(grant.scope, context, coarsened) {
            match statements.iter_mut().find(|(known, _)| known.sid == piece.sid) {
                Some((_, actions)) => actions.push(grant.action),
                None => statements.push((piece, vec![grant.action])),
            }
        }
    }
    let statement = statements
        .into_iter()
        .map(|(piece, action)| {
            let by_verb = piece.sid == "AnyResource" && coarsened.contains(&Coarsening::ReadsByVerb);
            let changes_by_verb = ["CreatedForTopology", "OwnedByTopology", "OwnedSecurityGroups"].contains(&piece.sid)
                && coarsened.contains(&Coarsening::ChangesByVerb);
            let mut action: Vec<String> = action
                .into_iter()
                .map(|action| match (by_verb, changes_by_verb) {
                    (true, _) => read_by_verb(action),
                    (_, true) => change_by_verb(action),
                    _ => action.to_string(),
                })
                .collect();
            action.sort_unstable();
            action.dedup();
            Statement { sid: piece.sid, effect: "Allow", action, resource: piece.resources, condition: piece.condition }
        })
        .collect();
    PolicyDocument { version: "2012-10-17", statement }
}

/// `elasticloadbalancing:DescribeRules` as `elasticloadbalancing:Describe*`; other actions as they are.
fn read_by_verb(action: &str) -> String {
    let (service, name) = action.split_once(':').unwrap_or(("", action));
    match ["Describe", "List", "Get"].iter().find(|verb| name.starts_with(**verb)) {
        Some(verb) => format!("{service}:{verb}*"),
        None => action.to_string(),
    }
}

/// `vpc-lattice:DeleteServiceNetwork` as `vpc-lattice:Delete*` (and so for the other verbs of change); other
/// actions (tags, `PutAuthPolicy`, `DeregisterInstance`) as they are.
fn change_by_verb(action: &str) -> String {
    let (service, name) = action.split_once(':').unwrap_or(("", action));
    let verbs = ["Create", "Modify", "Update", "Set", "Delete", "Authorize", "Revoke"];
    match verbs.iter().find(|verb| name.starts_with(**verb)) {
        Some(verb) => format!("{service}:{verb}*"),
        None => action.to_string(),
    }
}

/// Reads and removals always; writes for the recipes the file uses (every recipe without a file).
fn granted(operation: &Operation, context: &PolicyContext) -> bool {
    match (operation.kind(), context.topology) {
        (Kind::Read | Kind::Remove, _) | (Kind::Write, None) => true,
        (Kind::Write, Some(topology)) => uses(topology, operation.recipe()),
    }
}

/// Whether the file uses a recipe.
pub fn uses(topology: &Topology, recipe: Recipe) -> bool {
    match recipe {
        Recipe::Network => true,
        Recipe::LoadBalancer => topology.load_balancer.is_some(),
        Recipe::Dns => topology.dns.is_some(),
        Recipe::CloudMap => topology.discovery.is_some(),
        Recipe::Ecs => topology.services.iter().any(|service| service.ecs.is_some()),
        Recipe::Lattice => topology.lattice.is_some(),
    }
}

fn pieces(scope: Scope, context: &PolicyContext, coarsened: &[Coarsening]) -> Vec<Piece> {
    let region = context.region.unwrap_or("*");
    let any = || vec!["*".to_string()];
    let groups = || vec![format!("arn:aws:ec2:{region}:*:security-group/*")];
    let rules = || vec![format!("arn:aws:ec2:{region}:*:security-group-rule/*")];
    match scope {
        Scope::SecurityGroupsToAdopt | Scope::UnownedToAdopt | Scope::ZonesToAdopt | Scope::TaggedToAdopt
            if !context.adopt =>
        {
            vec![]
        }
        Scope::Any => vec![piece("AnyResource", any(), None)],
        Scope::TaggedForTopology | Scope::TaggedToAdopt => {
            vec![piece("OwnedByTopology", any(), Some(tag_condition("aws:ResourceTag", context)))]
        }
        Scope::RequestTaggedForTopology => {
            vec![piece("CreatedForTopology", any(), Some(tag_condition("aws:RequestTag", context)))]
        }
        Scope::NewSecurityGroup => vec![
            piece(
                "GroupsTaggedInRequest",
                groups().into_iter().chain(rules()).collect(),
                Some(tag_condition("aws:RequestTag", context)),
            ),
            piece(
                "TopologyVpc",
                vec![vpc_arn(region, context).unwrap_or(format!("arn:aws:ec2:{region}:*:vpc/*"))],
                None,
            ),
        ],
        Scope::OwnedSecurityGroups => vec![owned_security_groups(region, context)],
        Scope::TaggedRules => {
            vec![piece("SecurityGroupRules", rules(), Some(tag_condition("aws:RequestTag", context)))]
        }
        Scope::AuthorizedGroups => {
            let by_vpc = coarsened.contains(&Coarsening::SecurityGroupsByVpc);
            let named = if by_vpc { None } else { service_security_groups(region, context) };
            let services = match named {
                Some(arns) => piece("ServiceSecurityGroups", arns, None),
                None => groups_in_vpc(region, context),
            };
            vec![services, owned_security_groups(region, context)]
        }
        Scope::RevokedGroups => {
            let services = match (vpc_arn(region, context), service_security_groups(region, context)) {
                (None, Some(arns)) => piece("ServiceSecurityGroups", arns, None),
                _ => groups_in_vpc(region, context),
            };
            vec![services, owned_security_groups(region, context)]
        }
        Scope::SecurityGroupsToAdopt => {
            let resources = groups().into_iter().chain(rules()).collect();
            vec![piece("AdoptUnownedSecurityGroups", resources, Some(unowned_condition(context)))]
        }
        Scope::UnownedToAdopt => vec![piece("AdoptUnowned", any(), Some(unowned_condition(context)))],
        Scope::ZonesToAdopt => vec![piece("HostedZones", vec!["arn:aws:route53:::hostedzone/*".into()], None)],
        Scope::HealthChecks => vec![piece("HealthChecks", vec!["arn:aws:route53:::healthcheck/*".into()], None)],
        Scope::TagOnEc2Create => vec![piece(
            "TagOnCreateEc2",
            groups().into_iter().chain(rules()).collect(),
            Some(
                json!({ "StringEquals": { "ec2:CreateAction": ["AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress", "CreateSecurityGroup"] } }),
            ),
        )],
        Scope::TagOnLoadBalancingCreate => vec![piece(
            "TagOnCreateLoadBalancing",
            any(),
            Some(
                json!({ "StringEquals": { "elasticloadbalancing:CreateAction": ["CreateListener", "CreateLoadBalancer", "CreateRule", "CreateTargetGroup"] } }),
            ),
        )],
        Scope::LinkedRoleForLoadBalancing => vec![piece(
            "LoadBalancingServiceLinkedRole",
            vec!["arn:aws:iam::*:role/aws-service-role/elasticloadbalancing.amazonaws.com/*".into()],
            Some(json!({ "StringEquals": { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } })),
        )],
        Scope::RecordsInZone => records_in_zone(context),
        Scope::HostedZones => vec![piece("HostedZones", vec![HOSTED_ZONES.into()], None)],
        Scope::EcsServices => ecs_services(region, context, coarsened)
            .map(|arns| piece("WiredEcsServices", arns, None))
            .into_iter()
            .collect(),
        Scope::LatticeTagOnCreate => {
            let mut condition = tag_condition("aws:RequestTag", context);
            if coarsened.contains(&Coarsening::ChangesByVerb) {
                condition["StringLike"]["vpc-lattice:CreateAction"] = json!("Create*");
            } else {
                condition["StringEquals"]["vpc-lattice:CreateAction"] = json!(LATTICE_CREATES);
            }
            vec![piece("TagOnCreateLattice", vec!["*".into()], Some(condition))]
        }
        Scope::LatticeServiceNetwork => {
            let network =
                context.topology.and_then(|topology| topology.lattice.as_ref()).map(|lattice| &lattice.service_network);
            let arn = match network {
                Some(ServiceNetworkRef::Arn(arn)) => arn.clone(),
                _ => format!("arn:aws:vpc-lattice:{region}:*:servicenetwork/*"),
            };
            vec![piece("LatticeServiceNetwork", vec![arn], None)]
        }
        Scope::LinkedRoleForLattice => vec![piece(
            "LatticeServiceLinkedRole",
            vec!["arn:aws:iam::*:role/aws-service-role/vpc-lattice.amazonaws.com/*".into()],
            Some(json!({ "StringEquals": { "iam:AWSServiceName": "vpc-lattice.amazonaws.com" } })),
        )],
        Scope::InfrastructureRole => {
            let role = match context.topology {
                None => Some("arn:aws:iam::*:role/*".to_string()),
                Some(topology) => topology.lattice.as_ref().map(|lattice| lattice.infrastructure_role.clone()),
            };
            let condition = json!({ "StringEquals": { "iam:PassedToService": "ecs.amazonaws.com" } });
            role.map(|role| piece("PassInfrastructureRole", vec![role], Some(condition))).into_iter().collect()
        }
        Scope::ConnectTag => ecs_services(region, context, coarsened)
            .map(|arns| {
                let keys = json!({ "ForAllValues:StringEquals": { "aws:TagKeys": [SERVICE_CONNECT_TAG] } });
                piece("ServiceConnectTag", arns, Some(keys))
            })
            .into_iter()
            .collect(),
        Scope::ConnectTlsRoles => tls_roles(context)
            .map(|roles| {
                let to_ecs = json!({ "StringEquals": { "iam:PassedToService": "ecs.amazonaws.com" } });
                piece("PassServiceConnectTlsRoles", roles, Some(to_ecs))
            })
            .into_iter()
            .collect(),
    }
}

/// The TLS roles the file's Service Connect names, sorted; every role without a file; `None` when the file names
/// none (no grant at all).
fn tls_roles(context: &PolicyContext) -> Option<Vec<String>> {
    let Some(topology) = context.topology else { return Some(vec!["arn:aws:iam::*:role/*".into()]) };
    let mut roles: Vec<String> =
        topology.services.iter().filter_map(|service| service.connect.as_ref()?.tls.as_ref()?.role.clone()).collect();
    roles.sort_unstable();
    roles.dedup();
    (!roles.is_empty()).then_some(roles)
}

/// The VPC Lattice creates that tag what they make (the condition `vpc-lattice:CreateAction` compares).
const LATTICE_CREATES: &[&str] = &[
    "CreateListener",
    "CreateService",
    "CreateServiceNetwork",
    "CreateServiceNetworkServiceAssociation",
    "CreateServiceNetworkVpcAssociation",
    "CreateTargetGroup",
];

/// Every hosted zone: Route 53's zone actions have no tag condition key, and a zone's ID is known only once it
/// exists.
const HOSTED_ZONES: &str = "arn:aws:route53:::hostedzone/*";

/// Without a file: any resource that carries the tag at all.
fn tag_condition(key: &str, context: &PolicyContext) -> Value {
    let key = format!("{key}/{TOPOLOGY_TAG}");
    match context.topology {
        Some(topology) => json!({ "StringEquals": { key: topology.name } }),
        None => json!({ "Null": { key: "false" } }),
    }
}

/// Adoption's tag requests: the request tags the resource as the topology's, and no topology's tag is on it yet
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null).
fn unowned_condition(context: &PolicyContext) -> Value {
    let mut condition = tag_condition("aws:RequestTag", context);
    condition["Null"][format!("aws:ResourceTag/{TOPOLOGY_TAG}")] = json!("true");
    condition
}

fn owned_security_groups(region: &str, context: &PolicyContext) -> Piece {
    piece(
        "OwnedSecurityGroups",
        vec![format!("arn:aws:ec2:{region}:*:security-group/*")],
        Some(tag_condition("aws:ResourceTag", context)),
    )
}

/// The file's VPC as `ec2:Vpc` compares it, when the file names it by ID (a Name tag is resolved only live).
fn vpc_arn(region: &str, context: &PolicyContext) -> Option<String> {
    let vpc = &context.topology?.network.vpc;
    vpc.starts_with("vpc-").then(|| format!("arn:aws:ec2:{region}:*:vpc/{vpc}"))
}

/// Every group of the file's VPC; every group when the VPC is not known by ID.
fn groups_in_vpc(region: &str, context: &PolicyContext) -> Piece {
    let condition = vpc_arn(region, context).map(|vpc| json!({ "ArnLike": { "ec2:Vpc": vpc } }));
    piece("GroupsInTopologyVpc", vec![format!("arn:aws:ec2:{region}:*:security-group/*")], condition)
}

/// The services' groups by ID; `None` when a service names its group by name (or without a file).
fn service_security_groups(region: &str, context: &PolicyContext) -> Option<Vec<String>> {
    let topology = context.topology?;
    let mut ids: Vec<&str> = topology.services.iter().map(|service| service.security_group.as_str()).collect();
    if ids.is_empty() || ids.iter().any(|id| !id.starts_with("sg-")) {
        return None;
    }
    ids.sort_unstable();
    ids.dedup();
    Some(ids.iter().map(|id| format!("arn:aws:ec2:{region}:*:security-group/{id}")).collect())
}

/// Names at the zone's apex (an alias record may sit there) and under it (hosts, and the `_ecsnet.` TXT records
/// beside them). Nothing when the file has no zone: the records of a zone that left the file are deleted under
/// the policy of the file that had it (a statement allowing record deletes in any zone would reach every zone of
/// the account, public ones included).
fn records_in_zone(context: &PolicyContext) -> Vec<Piece> {
    let resources = vec![HOSTED_ZONES.to_string()];
    match context.topology {
        None => vec![piece("RecordsInZone", resources, None)],
        Some(topology) => topology
            .dns
            .iter()
            .map(|dns| {
                let names = [dns.zone.clone(), format!("*.{}", dns.zone)];
                let condition = json!({ "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": names } });
                piece("RecordsInZone", resources.clone(), Some(condition))
            })
            .collect(),
    }
}

/// The wired services' ARNs (by cluster once coarsened); every service without a file, `None` when the file
/// wires none.
fn ecs_services(region: &str, context: &PolicyContext, coarsened: &[Coarsening]) -> Option<Vec<String>> {
    let Some(topology) = context.topology else { return Some(vec![format!("arn:aws:ecs:{region}:*:service/*")]) };
    let by_cluster = coarsened.contains(&Coarsening::EcsServicesByCluster);
    let mut wired: Vec<String> = topology
        .services
        .iter()
        .filter_map(|service| service.ecs.as_ref())
        .map(|wiring| {
            let cluster = wiring.cluster.rsplit_once(":cluster/").map_or(wiring.cluster.as_str(), |(_, name)| name);
            let service = if by_cluster { "*" } else { wiring.service.as_str() };
            format!("arn:aws:ecs:{region}:*:service/{cluster}/{service}")
        })
        .collect();
    wired.sort_unstable();
    wired.dedup();
    (!wired.is_empty()).then_some(wired)
}

#[cfg(test)]
mod tests;
