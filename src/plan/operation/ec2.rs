//! Security groups and their rules: what EC2 carries out.

use serde::{Deserialize, Serialize};

use crate::live::{Permission, SecurityGroupRule};
use crate::plan::spec::{IngressSpec, PrefixListIngressSpec};
use crate::plan::Ref;

/// A change EC2 carries out: security groups and their rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Ec2Op {
    CreateSecurityGroup {
        name: String,
        description: String,
        vpc_id: String,
        rules: Vec<Permission>,
    },
    UpdateSecurityGroupRules {
        group_id: String,
        authorize: Vec<Permission>,
        revoke: Vec<SecurityGroupRule>,
    },
    DeleteSecurityGroup {
        group_id: String,
    },
    /// Revoke ecsnet's old rules (any group), then authorize the wanted one.
    SetIngress {
        revoke: Vec<(String, Vec<String>)>,
        authorize: Option<IngressSpec>,
    },
    /// Revoke ecsnet's old rules from a prefix list (any group), then authorize the wanted one: VPC Lattice's
    /// traffic to a service's tasks.
    SetPrefixListIngress {
        revoke: Vec<(String, Vec<String>)>,
        authorize: Option<PrefixListIngressSpec>,
    },
}

impl Ec2Op {
    pub(super) fn references(&self) -> Vec<&Ref> {
        match self {
            Ec2Op::SetIngress { authorize, .. } => authorize.iter().map(|spec| &spec.source_group).collect(),
            Ec2Op::SetPrefixListIngress { .. }
            | Ec2Op::CreateSecurityGroup { .. }
            | Ec2Op::UpdateSecurityGroupRules { .. }
            | Ec2Op::DeleteSecurityGroup { .. } => vec![],
        }
    }
}
