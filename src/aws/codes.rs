//! The AWS error codes ecsnet acts on, in one table: every decision on an error is a match on a `Code`, never on
//! AWS's text. Codes ecsnet has no name for stay text in `AwsError::code`, shown and never matched.

use crate::topology::AwsName;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    // EC2 (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
    /// `InvalidGroup.NotFound`: no such security group, or not visible yet (eventual consistency).
    GroupNotFound,
    /// `InvalidGroup.Duplicate`: a group of that name exists in the VPC.
    GroupDuplicate,
    /// `InvalidPermission.NotFound`: the rule to revoke does not exist.
    PermissionNotFound,
    /// `InvalidSecurityGroupRuleId.NotFound`.
    RuleIdNotFound,
    /// `InvalidID`: a malformed or unknown resource ID in a tag or filter.
    InvalidId,
    /// `DependencyViolation`: the group is still referenced (by a network interface, a rule, a load balancer).
    DependencyViolation,
    /// `UnauthorizedOperation`: IAM refused the call.
    UnauthorizedOperation,
    // Elastic Load Balancing (each operation's Errors section in
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/).
    LoadBalancerNotFound,
    TargetGroupNotFound,
    ListenerNotFound,
    RuleNotFound,
    /// `PriorityInUse`: another rule of the listener has the priority.
    PriorityInUse,
    /// `InvalidSecurityGroup`: CreateLoadBalancer/SetSecurityGroups naming a group it cannot see (yet).
    InvalidSecurityGroup,
    /// `ResourceInUse`: ELBv2's target group still used by a listener or rule, and Cloud Map's namespace or
    /// service that still has services or instances (the same code in both).
    ResourceInUse,
    // Route 53 (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html#API_ChangeResourceRecordSets_Errors).
    NoSuchHostedZone,
    /// `PriorRequestNotComplete`: the zone's previous change is still being applied.
    PriorRequestNotComplete,
    // Cloud Map (https://docs.aws.amazon.com/cloud-map/latest/api/CommonErrors.html and each operation's Errors).
    ServiceNotFound,
    NamespaceNotFound,
    InstanceNotFound,
    // VPC Lattice (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/CommonErrors.html and each
    // operation's Errors).
    /// `ConflictException`: the resource's state refuses the call for now (an association still being created or
    /// deleted, a service or service network still associated, a target group still forwarded to), or a name
    /// already taken.
    Conflict,
    /// `ResourceNotFoundException`: no such service, service network, association, listener, target group or
    /// auth policy.
    ResourceNotFound,
    /// `AccessDeniedException`: IAM refused the call, or the resource is another account's and this one may not
    /// read it (a service network shared through AWS RAM).
    AccessDeniedException,
}

impl AwsName for Code {
    const NAMES: &'static [(Self, &'static str)] = &[
        (Code::GroupNotFound, "InvalidGroup.NotFound"),
        (Code::GroupDuplicate, "InvalidGroup.Duplicate"),
        (Code::PermissionNotFound, "InvalidPermission.NotFound"),
        (Code::RuleIdNotFound, "InvalidSecurityGroupRuleId.NotFound"),
        (Code::InvalidId, "InvalidID"),
        (Code::DependencyViolation, "DependencyViolation"),
        (Code::UnauthorizedOperation, "UnauthorizedOperation"),
        (Code::LoadBalancerNotFound, "LoadBalancerNotFound"),
        (Code::TargetGroupNotFound, "TargetGroupNotFound"),
        (Code::ListenerNotFound, "ListenerNotFound"),
        (Code::RuleNotFound, "RuleNotFound"),
        (Code::PriorityInUse, "PriorityInUse"),
        (Code::InvalidSecurityGroup, "InvalidSecurityGroup"),
        (Code::ResourceInUse, "ResourceInUse"),
        (Code::NoSuchHostedZone, "NoSuchHostedZone"),
        (Code::PriorRequestNotComplete, "PriorRequestNotComplete"),
        (Code::ServiceNotFound, "ServiceNotFound"),
        (Code::NamespaceNotFound, "NamespaceNotFound"),
        (Code::InstanceNotFound, "InstanceNotFound"),
        (Code::Conflict, "ConflictException"),
        (Code::ResourceNotFound, "ResourceNotFoundException"),
        (Code::AccessDeniedException, "AccessDeniedException"),
    ];
}
