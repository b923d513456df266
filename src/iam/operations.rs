//! Every AWS operation ecsnet calls, the IAM actions it needs, how far each can be scoped, and which commands
//! call it. A test reads `src/aws/` and fails when an operation there is missing here.

use super::Scope;

/// The AWS client an operation goes through, by its field name on `crate::aws::Aws`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Client {
    Ec2,
    Elb,
    Route53,
    Discovery,
    Ecs,
    Lattice,
}

impl Client {
    /// The field of `crate::aws::Aws` holding the client, as source code calls it (`aws.elb.…`).
    pub fn field(self) -> &'static str {
        match self {
            Client::Ec2 => "ec2",
            Client::Elb => "elb",
            Client::Route53 => "route53",
            Client::Discovery => "discovery",
            Client::Ecs => "ecs",
            Client::Lattice => "lattice",
        }
    }
}

/// A command whose policy `ecsnet iam-policy --for` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum PolicyCommand {
    /// plan, and `graph` and `route`, which read what plan reads (`show` makes no AWS request)
    Plan,
    /// apply (covers destroy and plan)
    Apply,
    /// destroy (covers plan)
    Destroy,
    /// doctor
    Doctor,
    /// init
    Init,
    /// unlock: reads the topology's lock and deletes it
    Unlock,
}

use PolicyCommand::{Apply, Destroy, Doctor, Init, Plan, Unlock};

/// Reading live state: every command that plans, and doctor.
const READS: &[PolicyCommand] = &[Plan, Apply, Destroy, Doctor];
/// Reads `init` shares: the load balancing a cluster's services are attached to.
const READS_AND_INIT: &[PolicyCommand] = &[Plan, Apply, Destroy, Doctor, Init];
/// Reads `unlock` shares: the VPC by ID or Name tag, and the lock's group in it.
const READS_AND_UNLOCK: &[PolicyCommand] = &[Plan, Apply, Destroy, Doctor, Unlock];
/// Deleting the lock's group: apply and destroy (their own lock, and what left the file), unlock.
const REMOVES_AND_UNLOCK: &[PolicyCommand] = &[Apply, Destroy, Unlock];
/// Creating and changing: only apply.
const WRITES: &[PolicyCommand] = &[Apply];
/// Deleting and detaching: apply (what left the file) and destroy.
const REMOVES: &[PolicyCommand] = &[Apply, Destroy];

/// One IAM action with the narrowest scope ecsnet can give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub action: &'static str,
    pub scope: Scope,
}

const fn grant(action: &'static str, scope: Scope) -> Grant {
    Grant { action, scope }
}

/// One operation as the source names it in `.for_operation("…")`.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    pub client: Client,
    pub name: &'static str,
    /// The operation's own action first, then the actions AWS checks on its behalf.
    pub grants: &'static [Grant],
    pub needed_by: &'static [PolicyCommand],
}

/// A part of the topology file that makes AWS resources of its own; granted what it creates and changes only
/// when the file uses it (`super::policy` says the rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipe {
    /// The lock and the security group rules between services: every topology.
    Network,
    /// `[load_balancer]`: the load balancer, its group, listeners, rules and target groups.
    LoadBalancer,
    /// `[dns]`: the private zone and its records.
    Dns,
    /// `[discovery]`: the Cloud Map namespace (Service Connect's too) and its Cloud Map services.
    CloudMap,
    /// `[service.ecs]`: the running ECS services' load balancers, registries and Service Connect.
    Ecs,
    /// `[lattice]`: the service network, the VPC's association, each `[service.lattice]`'s service, listener,
    /// target group, association and auth policy.
    Lattice,
}

/// What an operation does to live state, which decides whether a recipe the file does not use still gets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Reads live state: granted for every recipe (plan and destroy look for what the topology owns everywhere).
    Read,
    /// Creates or changes: granted for the recipes the file uses.
    Write,
    /// Deletes or detaches what the topology owns: granted for every recipe, so apply removes what left the file.
    Remove,
}

impl Operation {
    /// The recipe whose resources the operation touches, by its client (a Cloud Map call's Route 53 and EC2
    /// actions belong to Cloud Map).
    pub fn recipe(&self) -> Recipe {
        match self.client {
            Client::Ec2 => Recipe::Network,
            Client::Elb => Recipe::LoadBalancer,
            Client::Route53 => Recipe::Dns,
            Client::Discovery => Recipe::CloudMap,
            Client::Ecs => Recipe::Ecs,
            Client::Lattice => Recipe::Lattice,
        }
    }

    /// Reads by their verb; then what destroy needs removes (destroy creates nothing but its lock), the rest
    /// writes.
    pub fn kind(&self) -> Kind {
        let reads = ["Describe", "List", "Get"];
        if reads.iter().any(|verb| self.name.starts_with(verb)) {
            Kind::Read
        } else if self.needed_by.contains(&Destroy) {
            Kind::Remove
        } else {
            Kind::Write
        }
    }
}

const fn op(
    client: Client,
    name: &'static str,
    grants: &'static [Grant],
    needed_by: &'static [PolicyCommand],
) -> Operation {
    Operation { client, name, grants, needed_by }
}

use Client::{Discovery, Ec2, Ecs, Elb, Lattice, Route53};
use Scope::{
    Any, AuthorizedGroups, ConnectTag, EcsServices, HealthChecks, HostedZones, InfrastructureRole,
    LatticeServiceNetwork, LatticeTagOnCreate, LinkedRoleForLattice, LinkedRoleForLoadBalancing, NewSecurityGroup,
    OwnedSecurityGroups, RecordsInZone, RequestTaggedForTopology, RevokedGroups, SecurityGroupsToAdopt, TagOnEc2Create,
    TagOnLoadBalancingCreate, TaggedForTopology, TaggedRules, TaggedToAdopt, UnownedToAdopt, ZonesToAdopt,
};

pub const OPERATIONS: &[Operation] = &[
    // EC2: the VPC, subnets, security groups and their rules.
    op(Ec2, "DescribeVpcs", &[grant("ec2:DescribeVpcs", Any)], READS_AND_UNLOCK),
    // enableDnsSupport and enableDnsHostnames, which a private zone needs (a plan warning, a doctor check).
    op(Ec2, "DescribeVpcAttribute", &[grant("ec2:DescribeVpcAttribute", Any)], READS),
    op(Ec2, "DescribeSubnets", &[grant("ec2:DescribeSubnets", Any)], &[Plan, Apply, Destroy, Doctor, Init]),
    op(Ec2, "DescribeSecurityGroups", &[grant("ec2:DescribeSecurityGroups", Any)], READS_AND_UNLOCK),
    op(Ec2, "DescribeSecurityGroupRules", &[grant("ec2:DescribeSecurityGroupRules", Any)], READS_AND_INIT),
    // The region's VPC Lattice managed prefix list, the source of Lattice's traffic to its services' tasks.
    op(Ec2, "DescribeManagedPrefixLists", &[grant("ec2:DescribeManagedPrefixLists", Any)], READS),
    // Destroy creates one too: the topology's lock (src/aws/lock/).
    op(
        Ec2,
        "CreateSecurityGroup",
        &[grant("ec2:CreateSecurityGroup", NewSecurityGroup), grant("ec2:CreateTags", TagOnEc2Create)],
        REMOVES,
    ),
    op(
        Ec2,
        "AuthorizeSecurityGroupIngress",
        &[
            grant("ec2:AuthorizeSecurityGroupIngress", AuthorizedGroups),
            grant("ec2:AuthorizeSecurityGroupIngress", TaggedRules),
            grant("ec2:CreateTags", TagOnEc2Create),
        ],
        WRITES,
    ),
    op(
        Ec2,
        "AuthorizeSecurityGroupEgress",
        &[
            grant("ec2:AuthorizeSecurityGroupEgress", OwnedSecurityGroups),
            grant("ec2:AuthorizeSecurityGroupEgress", TaggedRules),
            grant("ec2:CreateTags", TagOnEc2Create),
        ],
        WRITES,
    ),
    // Also on the group of a service that left the file: the VPC's groups, when the file names the VPC by ID.
    op(Ec2, "RevokeSecurityGroupIngress", &[grant("ec2:RevokeSecurityGroupIngress", RevokedGroups)], REMOVES),
    op(Ec2, "RevokeSecurityGroupEgress", &[grant("ec2:RevokeSecurityGroupEgress", OwnedSecurityGroups)], REMOVES),
    op(Ec2, "DeleteSecurityGroup", &[grant("ec2:DeleteSecurityGroup", OwnedSecurityGroups)], REMOVES_AND_UNLOCK),
    // The lock's heartbeat: its expiry tag, renewed while a run holds it (src/aws/lock/).
    op(
        Ec2,
        "CreateTags",
        &[grant("ec2:CreateTags", OwnedSecurityGroups), grant("ec2:CreateTags", SecurityGroupsToAdopt)],
        REMOVES,
    ),
    // Elastic Load Balancing v2.
    op(Elb, "DescribeLoadBalancers", &[grant("elasticloadbalancing:DescribeLoadBalancers", Any)], READS_AND_INIT),
    op(Elb, "DescribeTargetGroups", &[grant("elasticloadbalancing:DescribeTargetGroups", Any)], READS_AND_INIT),
    op(
        Elb,
        "DescribeTargetGroupAttributes",
        &[grant("elasticloadbalancing:DescribeTargetGroupAttributes", Any)],
        READS,
    ),
    op(
        Elb,
        "DescribeLoadBalancerAttributes",
        &[grant("elasticloadbalancing:DescribeLoadBalancerAttributes", Any)],
        READS,
    ),
    op(Elb, "DescribeTags", &[grant("elasticloadbalancing:DescribeTags", Any)], READS),
    op(Elb, "DescribeListeners", &[grant("elasticloadbalancing:DescribeListeners", Any)], READS_AND_INIT),
    op(Elb, "DescribeRules", &[grant("elasticloadbalancing:DescribeRules", Any)], READS_AND_INIT),
    // Doctor's target checks, and apply's wait until an ECS service's new targets are healthy.
    op(Elb, "DescribeTargetHealth", &[grant("elasticloadbalancing:DescribeTargetHealth", Any)], &[Apply, Doctor]),
    op(
        Elb,
        "CreateLoadBalancer",
        &[
            grant("elasticloadbalancing:CreateLoadBalancer", RequestTaggedForTopology),
            grant("elasticloadbalancing:AddTags", TagOnLoadBalancingCreate),
            grant("iam:CreateServiceLinkedRole", LinkedRoleForLoadBalancing),
        ],
        WRITES,
    ),
    op(
        Elb,
        "CreateTargetGroup",
        &[
            grant("elasticloadbalancing:CreateTargetGroup", RequestTaggedForTopology),
            grant("elasticloadbalancing:AddTags", TagOnLoadBalancingCreate),
        ],
        WRITES,
    ),
    op(
        Elb,
        "CreateListener",
        &[
            grant("elasticloadbalancing:CreateListener", RequestTaggedForTopology),
            grant("elasticloadbalancing:AddTags", TagOnLoadBalancingCreate),
        ],
        WRITES,
    ),
    op(
        Elb,
        "CreateRule",
        &[
            grant("elasticloadbalancing:CreateRule", RequestTaggedForTopology),
            grant("elasticloadbalancing:AddTags", TagOnLoadBalancingCreate),
        ],
        WRITES,
    ),
    op(Elb, "ModifyListener", &[grant("elasticloadbalancing:ModifyListener", TaggedForTopology)], WRITES),
    op(Elb, "ModifyRule", &[grant("elasticloadbalancing:ModifyRule", TaggedForTopology)], WRITES),
    op(Elb, "ModifyTargetGroup", &[grant("elasticloadbalancing:ModifyTargetGroup", TaggedForTopology)], WRITES),
    op(
        Elb,
        "ModifyTargetGroupAttributes",
        &[grant("elasticloadbalancing:ModifyTargetGroupAttributes", TaggedForTopology)],
        WRITES,
    ),
    op(
        Elb,
        "ModifyLoadBalancerAttributes",
        &[grant("elasticloadbalancing:ModifyLoadBalancerAttributes", TaggedForTopology)],
        WRITES,
    ),
    // The attributes tag (`ecsnet:attributes`) of the topology's own target groups and load balancers.
    // And adoption (`apply --adopt`): the topology's tags on a resource that has none yet, allowed by the request's.
    op(
        Elb,
        "AddTags",
        &[
            grant("elasticloadbalancing:AddTags", TaggedForTopology),
            grant("elasticloadbalancing:AddTags", UnownedToAdopt),
        ],
        WRITES,
    ),
    op(Elb, "RemoveTags", &[grant("elasticloadbalancing:RemoveTags", TaggedForTopology)], WRITES),
    op(Elb, "SetRulePriorities", &[grant("elasticloadbalancing:SetRulePriorities", TaggedForTopology)], WRITES),
    op(Elb, "SetSecurityGroups", &[grant("elasticloadbalancing:SetSecurityGroups", TaggedForTopology)], WRITES),
    op(Elb, "SetSubnets", &[grant("elasticloadbalancing:SetSubnets", TaggedForTopology)], WRITES),
    op(Elb, "DeleteListener", &[grant("elasticloadbalancing:DeleteListener", TaggedForTopology)], REMOVES),
    op(Elb, "DeleteRule", &[grant("elasticloadbalancing:DeleteRule", TaggedForTopology)], REMOVES),
    op(Elb, "DeleteLoadBalancer", &[grant("elasticloadbalancing:DeleteLoadBalancer", TaggedForTopology)], REMOVES),
    op(Elb, "DeleteTargetGroup", &[grant("elasticloadbalancing:DeleteTargetGroup", TaggedForTopology)], REMOVES),
    // Route 53: the private zone and its records.
    op(Route53, "ListHostedZones", &[grant("route53:ListHostedZones", Any)], READS),
    op(Route53, "ListHostedZonesByVPC", &[grant("route53:ListHostedZonesByVPC", Any)], READS),
    op(Route53, "ListResourceRecordSets", &[grant("route53:ListResourceRecordSets", Any)], READS),
    // Apply's wait until its record changes are INSYNC.
    op(Route53, "GetChange", &[grant("route53:GetChange", Any)], WRITES),
    op(Route53, "CreateHostedZone", &[grant("route53:CreateHostedZone", Any), grant("ec2:DescribeVpcs", Any)], WRITES),
    // Route 53 takes no tag condition: zone actions go on every zone (ecsnet's mark is the zone's comment).
    op(Route53, "ChangeTagsForResource", &[grant("route53:ChangeTagsForResource", HostedZones)], WRITES),
    op(Route53, "ChangeResourceRecordSets", &[grant("route53:ChangeResourceRecordSets", RecordsInZone)], REMOVES),
    // Adoption: the zone's comment carries the ownership marker.
    op(Route53, "UpdateHostedZoneComment", &[grant("route53:UpdateHostedZoneComment", ZonesToAdopt)], WRITES),
    op(Route53, "DeleteHostedZone", &[grant("route53:DeleteHostedZone", HostedZones)], REMOVES),
    // Cloud Map (the namespace's own hosted zone is made by Cloud Map with the caller's rights).
    op(Discovery, "ListNamespaces", &[grant("servicediscovery:ListNamespaces", Any)], READS),
    op(Discovery, "ListServices", &[grant("servicediscovery:ListServices", Any)], READS),
    op(Discovery, "GetService", &[grant("servicediscovery:GetService", Any)], READS),
    op(Discovery, "GetOperation", &[grant("servicediscovery:GetOperation", Any)], REMOVES),
    op(
        Discovery,
        "CreatePrivateDnsNamespace",
        &[
            grant("servicediscovery:CreatePrivateDnsNamespace", RequestTaggedForTopology),
            grant("route53:CreateHostedZone", Any),
            grant("route53:GetHostedZone", Any),
            grant("route53:ListHostedZonesByName", Any),
            grant("ec2:DescribeVpcs", Any),
            grant("ec2:DescribeRegions", Any),
        ],
        WRITES,
    ),
    op(Discovery, "CreateService", &[grant("servicediscovery:CreateService", RequestTaggedForTopology)], WRITES),
    // Cloud Map resources ecsnet created carry the topology's tags, and adoption tags what it takes over first
    // (src/aws/execute/adopt.rs): later changes are scoped by the tag.
    op(Discovery, "TagResource", &[grant("servicediscovery:TagResource", UnownedToAdopt)], WRITES),
    op(Discovery, "UpdateService", &[grant("servicediscovery:UpdateService", TaggedForTopology)], WRITES),
    // Adoption: the namespace's description carries the ownership marker.
    op(
        Discovery,
        "UpdatePrivateDnsNamespace",
        &[
            grant("servicediscovery:UpdatePrivateDnsNamespace", TaggedToAdopt),
            grant("route53:UpdateHostedZoneComment", ZonesToAdopt),
        ],
        WRITES,
    ),
    op(Discovery, "ListInstances", &[grant("servicediscovery:ListInstances", Any)], &[Apply, Destroy, Doctor]),
    op(
        Discovery,
        "DeregisterInstance",
        &[
            grant("servicediscovery:DeregisterInstance", TaggedForTopology),
            grant("route53:GetHealthCheck", HealthChecks),
            grant("route53:DeleteHealthCheck", HealthChecks),
            grant("route53:UpdateHealthCheck", HealthChecks),
        ],
        REMOVES,
    ),
    op(Discovery, "DeleteService", &[grant("servicediscovery:DeleteService", TaggedForTopology)], REMOVES),
    op(Discovery, "DeleteNamespace", &[grant("servicediscovery:DeleteNamespace", TaggedForTopology)], REMOVES),
    // ECS: running services are read and updated, never created or deleted.
    // Init lists the cluster it reads; the commands that plan list a cluster only when a service the file names
    // is not in it, and the region's clusters only when the cluster the file names does not exist, to say what
    // does (aws/observe/ecs.rs).
    op(Ecs, "ListServices", &[grant("ecs:ListServices", Any)], READS_AND_INIT),
    op(Ecs, "ListClusters", &[grant("ecs:ListClusters", Any)], READS),
    op(Ecs, "DescribeServices", &[grant("ecs:DescribeServices", Any)], &[Plan, Apply, Destroy, Doctor, Init]),
    op(
        Ecs,
        "DescribeTaskDefinition",
        &[grant("ecs:DescribeTaskDefinition", Any)],
        &[Plan, Apply, Destroy, Doctor, Init],
    ),
    // Service Connect TLS hands its role to ECS (the caller's iam:PassRole, to ecs.amazonaws.com).
    op(
        Ecs,
        "UpdateService",
        &[grant("ecs:UpdateService", EcsServices), grant("iam:PassRole", Scope::ConnectTlsRoles)],
        REMOVES,
    ),
    // The same call again, for the infrastructure role of each `vpcLatticeConfigurations` entry it sends, handed to
    // ECS: apply's own entries, and the entries ecsnet does not own, which apply and destroy send back as read
    // (UpdateService takes the whole list). An entry naming another role needs that role granted by the user.
    op(Ecs, "UpdateService", &[grant("iam:PassRole", InfrastructureRole)], REMOVES),
    // Only the Service Connect tag, on the services the file wires.
    op(Ecs, "TagResource", &[grant("ecs:TagResource", ConnectTag)], WRITES),
    op(Ecs, "UntagResource", &[grant("ecs:UntagResource", ConnectTag)], REMOVES),
    // VPC Lattice (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonvpclattice.html).
    // Reads take no condition ecsnet could know in advance: the plan reads candidates whoever owns them.
    op(Lattice, "ListServices", &[grant("vpc-lattice:ListServices", Any)], READS),
    op(Lattice, "ListTargetGroups", &[grant("vpc-lattice:ListTargetGroups", Any)], READS),
    op(Lattice, "ListServiceNetworks", &[grant("vpc-lattice:ListServiceNetworks", Any)], READS),
    op(
        Lattice,
        "ListServiceNetworkVpcAssociations",
        &[grant("vpc-lattice:ListServiceNetworkVpcAssociations", Any)],
        READS,
    ),
    op(Lattice, "GetServiceNetworkVpcAssociation", &[grant("vpc-lattice:GetServiceNetworkVpcAssociation", Any)], READS),
    op(
        Lattice,
        "ListServiceNetworkServiceAssociations",
        &[grant("vpc-lattice:ListServiceNetworkServiceAssociations", Any)],
        READS,
    ),
    op(Lattice, "ListTagsForResource", &[grant("vpc-lattice:ListTagsForResource", Any)], READS),
    op(Lattice, "GetServiceNetwork", &[grant("vpc-lattice:GetServiceNetwork", Any)], READS),
    op(Lattice, "GetService", &[grant("vpc-lattice:GetService", Any)], READS),
    op(Lattice, "GetAuthPolicy", &[grant("vpc-lattice:GetAuthPolicy", Any)], READS),
    op(Lattice, "ListListeners", &[grant("vpc-lattice:ListListeners", Any)], READS),
    op(Lattice, "GetListener", &[grant("vpc-lattice:GetListener", Any)], READS),
    op(Lattice, "GetTargetGroup", &[grant("vpc-lattice:GetTargetGroup", Any)], READS),
    // doctor: the targets ECS registered in each service's target group, and their health; apply: a migration to
    // VPC Lattice waits until they are registered and none INITIAL or UNHEALTHY (src/aws/execute/serving.rs).
    op(Lattice, "ListTargets", &[grant("vpc-lattice:ListTargets", Any)], &[Apply, Doctor]),
    // Adoption tags what it takes over (src/aws/execute/adopt.rs); later changes are scoped by the tag.
    op(Lattice, "TagResource", &[grant("vpc-lattice:TagResource", UnownedToAdopt)], WRITES),
    // Creates: tagged in the request, the tags written by vpc-lattice:TagResource on the new resource with
    // vpc-lattice:CreateAction; the first service, service network or target group of an account makes VPC
    // Lattice's service-linked role (https://docs.aws.amazon.com/vpc-lattice/latest/ug/using-service-linked-roles.html).
    op(
        Lattice,
        "CreateServiceNetwork",
        &[
            grant("vpc-lattice:CreateServiceNetwork", RequestTaggedForTopology),
            grant("vpc-lattice:TagResource", LatticeTagOnCreate),
            grant("iam:CreateServiceLinkedRole", LinkedRoleForLattice),
        ],
        WRITES,
    ),
    op(
        Lattice,
        "CreateService",
        &[
            grant("vpc-lattice:CreateService", RequestTaggedForTopology),
            grant("vpc-lattice:TagResource", LatticeTagOnCreate),
            grant("iam:CreateServiceLinkedRole", LinkedRoleForLattice),
        ],
        WRITES,
    ),
    op(
        Lattice,
        "CreateTargetGroup",
        &[
            grant("vpc-lattice:CreateTargetGroup", RequestTaggedForTopology),
            grant("vpc-lattice:TagResource", LatticeTagOnCreate),
            grant("iam:CreateServiceLinkedRole", LinkedRoleForLattice),
        ],
        WRITES,
    ),
    op(
        Lattice,
        "CreateListener",
        &[
            grant("vpc-lattice:CreateListener", RequestTaggedForTopology),
            grant("vpc-lattice:TagResource", LatticeTagOnCreate),
        ],
        WRITES,
    ),
    // Also authorized on the service network it joins (the file's, perhaps another account's) and, for a service's
    // association, on the topology's service; VPC Lattice reads the VPC with the caller's ec2:DescribeVpcs.
    op(
        Lattice,
        "CreateServiceNetworkVpcAssociation",
        &[
            grant("vpc-lattice:CreateServiceNetworkVpcAssociation", RequestTaggedForTopology),
            grant("vpc-lattice:CreateServiceNetworkVpcAssociation", LatticeServiceNetwork),
            grant("vpc-lattice:TagResource", LatticeTagOnCreate),
            grant("ec2:DescribeVpcs", Any),
        ],
        WRITES,
    ),
    op(
        Lattice,
        "CreateServiceNetworkServiceAssociation",
        &[
            grant("vpc-lattice:CreateServiceNetworkServiceAssociation", RequestTaggedForTopology),
            grant("vpc-lattice:CreateServiceNetworkServiceAssociation", LatticeServiceNetwork),
            grant("vpc-lattice:CreateServiceNetworkServiceAssociation", TaggedForTopology),
            grant("vpc-lattice:TagResource", LatticeTagOnCreate),
        ],
        WRITES,
    ),
    // Changes and deletes: what the topology tagged.
    op(
        Lattice,
        "UpdateServiceNetworkVpcAssociation",
        &[
            grant("vpc-lattice:UpdateServiceNetworkVpcAssociation", TaggedForTopology),
            grant("ec2:DescribeSecurityGroups", Any),
            grant("ec2:DescribeVpcs", Any),
        ],
        WRITES,
    ),
    op(Lattice, "UpdateService", &[grant("vpc-lattice:UpdateService", TaggedForTopology)], WRITES),
    op(Lattice, "PutAuthPolicy", &[grant("vpc-lattice:PutAuthPolicy", TaggedForTopology)], WRITES),
    op(Lattice, "UpdateListener", &[grant("vpc-lattice:UpdateListener", TaggedForTopology)], WRITES),
    op(Lattice, "DeleteListener", &[grant("vpc-lattice:DeleteListener", TaggedForTopology)], REMOVES),
    op(
        Lattice,
        "DeleteServiceNetworkServiceAssociation",
        &[grant("vpc-lattice:DeleteServiceNetworkServiceAssociation", TaggedForTopology)],
        REMOVES,
    ),
    op(
        Lattice,
        "DeleteServiceNetworkVpcAssociation",
        &[grant("vpc-lattice:DeleteServiceNetworkVpcAssociation", TaggedForTopology)],
        REMOVES,
    ),
    op(Lattice, "DeleteService", &[grant("vpc-lattice:DeleteService", TaggedForTopology)], REMOVES),
    op(Lattice, "DeleteTargetGroup", &[grant("vpc-lattice:DeleteTargetGroup", TaggedForTopology)], REMOVES),
    op(Lattice, "DeleteServiceNetwork", &[grant("vpc-lattice:DeleteServiceNetwork", TaggedForTopology)], REMOVES),
];

/// The table's entry for an operation called through `client`.
pub fn find(client: Client, name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|operation| operation.client == client && operation.name == name)
}
