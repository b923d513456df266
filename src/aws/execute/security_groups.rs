//! Security groups and their rules (EC2).

use aws_sdk_ec2::types::{IpPermission, IpRange, PrefixListId, ResourceType, Tag, TagSpecification, UserIdGroupPair};

use crate::aws::error::{AlreadyGone as _, ForOperation as _};
use crate::aws::AwsError;
use crate::live::{Direction, Peer, Permission, SecurityGroupRule};
use crate::plan::{Address, Ec2Op, IngressSpec, PrefixListIngressSpec};

use super::{Created, Run};
use crate::aws::wait;
use crate::aws::Code;
use crate::events::Subject;
use crate::live::IpProtocol;

/// Carries out a change of a security group or its rules.
pub async fn run(run: &Run<'_>, address: &Address, operation: &Ec2Op) -> Result<(), AwsError> {
    match operation {
        Ec2Op::CreateSecurityGroup { name, description, vpc_id, rules } => {
            let id = create(run, address, name, description, vpc_id, rules).await?;
            run.outputs.record(address, Created { id, dns_name: None });
        }
        Ec2Op::UpdateSecurityGroupRules { group_id, authorize, revoke } => {
            update_rules(run, address, group_id, authorize, revoke).await?
        }
        Ec2Op::DeleteSecurityGroup { group_id } => delete(run, group_id).await?,
        Ec2Op::SetIngress { revoke, authorize } => set_ingress(run, address, revoke, authorize.as_ref()).await?,
        Ec2Op::SetPrefixListIngress { revoke, authorize } => {
            set_prefix_list_ingress(run, address, revoke, authorize.as_ref()).await?
        }
    }
    Ok(())
}

fn tag_specification(run: &Run<'_>, address: &Address, kind: ResourceType, name: Option<&str>) -> TagSpecification {
    let mut tags: Vec<Tag> =
        run.tags(address).into_iter().map(|(key, value)| Tag::builder().key(key).value(value).build()).collect();
    if let Some(name) = name {
        tags.push(Tag::builder().key("Name").value(name).build());
    }
    TagSpecification::builder().resource_type(kind).set_tags(Some(tags)).build()
}

fn ip_permission(permission: &Permission) -> IpPermission {
    let mut builder = IpPermission::builder().ip_protocol(permission.protocol.as_aws());
    if !permission.protocol.is(IpProtocol::All) {
        builder = builder.from_port(permission.from_port).to_port(permission.to_port);
    }
    match &permission.peer {
        Peer::Cidr(cidr) => builder.ip_ranges(IpRange::builder().cidr_ip(cidr).build()),
        Peer::Group(id) => builder.user_id_group_pairs(UserIdGroupPair::builder().group_id(id).build()),
        Peer::PrefixList(id) => builder.prefix_list_ids(PrefixListId::builder().prefix_list_id(id).build()),
    }
    .build()
}

/// Creates the group tagged in the call itself, replaces AWS's default allow-all egress with the wanted rules.
pub async fn create(
    run: &Run<'_>,
    address: &Address,
    name: &str,
    description: &str,
    vpc_id: &str,
    rules: &[Permission],
) -> Result<String, AwsError> {
    let output = run
        .aws
        .ec2
        .create_security_group()
        .group_name(name)
        .description(description)
        .vpc_id(vpc_id)
        .tag_specifications(tag_specification(run, address, ResourceType::SecurityGroup, Some(name)))
        .send()
        .await
        .for_operation("CreateSecurityGroup")?;
    let group_id = output.group_id().ok_or_else(|| AwsError::missing("CreateSecurityGroup", "GroupId"))?.to_string();
    // EC2 is eventually consistent: the group just created may not be found yet by the next calls.
    // https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html
    let what = Subject::Visible(format!("security group {group_id}"));
    let allow_all = Permission {
        direction: Direction::Egress,
        protocol: IpProtocol::All.into(),
        from_port: -1,
        to_port: -1,
        peer: Peer::Cidr("0.0.0.0/0".into()),
    };
    if !rules.contains(&allow_all) {
        wait::until_visible(run.progress, what.clone(), &[Code::GroupNotFound], || async {
            run.aws
                .ec2
                .revoke_security_group_egress()
                .group_id(&group_id)
                .ip_permissions(ip_permission(&allow_all))
                .send()
                .await
                .map(|_| ())
                .for_operation("RevokeSecurityGroupEgress")
        })
        .await
        .or_gone(&[Code::PermissionNotFound])?;
    }
    wait::until_visible(run.progress, what.clone(), &[Code::GroupNotFound], || {
        authorize(run, address, &group_id, rules)
    })
    .await?;
    Ok(group_id)
}

async fn authorize(run: &Run<'_>, address: &Address, group_id: &str, rules: &[Permission]) -> Result<(), AwsError> {
    let side =
        |direction| rules.iter().filter(|rule| rule.direction == direction).map(ip_permission).collect::<Vec<_>>();
    let (ingress, egress) = (side(Direction::Ingress), side(Direction::Egress));
    let tags = || tag_specification(run, address, ResourceType::SecurityGroupRule, None);
    if !ingress.is_empty() {
        run.aws
            .ec2
            .authorize_security_group_ingress()
            .group_id(group_id)
            .set_ip_permissions(Some(ingress))
            .tag_specifications(tags())
            .send()
            .await
            .for_operation("AuthorizeSecurityGroupIngress")?;
    }
    if !egress.is_empty() {
        run.aws
            .ec2
            .authorize_security_group_egress()
            .group_id(group_id)
            .set_ip_permissions(Some(egress))
            .tag_specifications(tags())
            .send()
            .await
            .for_operation("AuthorizeSecurityGroupEgress")?;
    }
    Ok(())
}

async fn revoke(
    run: &Run<'_>,
    group_id: &str,
    rules: &[&SecurityGroupRule],
    direction: Direction,
) -> Result<(), AwsError> {
    let ids: Vec<String> =
        rules.iter().filter(|rule| rule.permission.direction == direction).map(|rule| rule.id.clone()).collect();
    if ids.is_empty() {
        return Ok(());
    }
    revoke_ids(run, group_id, ids, direction).await
}

async fn revoke_ids(run: &Run<'_>, group_id: &str, ids: Vec<String>, direction: Direction) -> Result<(), AwsError> {
    let result = match direction {
        Direction::Ingress => run
            .aws
            .ec2
            .revoke_security_group_ingress()
            .group_id(group_id)
            .set_security_group_rule_ids(Some(ids))
            .send()
            .await
            .map(|_| ())
            .for_operation("RevokeSecurityGroupIngress"),
        Direction::Egress => run
            .aws
            .ec2
            .revoke_security_group_egress()
            .group_id(group_id)
            .set_security_group_rule_ids(Some(ids))
            .send()
            .await
            .map(|_| ())
            .for_operation("RevokeSecurityGroupEgress"),
    };
    result.or_gone(&[Code::PermissionNotFound, Code::RuleIdNotFound, Code::GroupNotFound])
}

pub async fn update_rules(
    run: &Run<'_>,
    address: &Address,
    group_id: &str,
    add: &[Permission],
    remove: &[SecurityGroupRule],
) -> Result<(), AwsError> {
    let remove: Vec<&SecurityGroupRule> = remove.iter().collect();
    revoke(run, group_id, &remove, Direction::Ingress).await?;
    revoke(run, group_id, &remove, Direction::Egress).await?;
    authorize(run, address, group_id, add).await
}

/// Revokes ecsnet's old ingress rules, then authorizes the wanted one, tagged in the call.
pub async fn set_ingress(
    run: &Run<'_>,
    address: &Address,
    revoke: &[(String, Vec<String>)],
    wanted: Option<&IngressSpec>,
) -> Result<(), AwsError> {
    for (group_id, ids) in revoke {
        revoke_ids(run, group_id, ids.clone(), Direction::Ingress).await?;
    }
    if let Some(wanted) = wanted {
        let source = run.outputs.id(&wanted.source_group)?;
        let permission = Permission::tcp(Direction::Ingress, wanted.port, Peer::Group(source.clone()));
        // A rule that refers to a group this apply just created may find it not yet visible.
        let codes = wait::codes_for_new(&[(&wanted.source_group, Code::GroupNotFound)]);
        let what = Subject::Visible(format!("security group {source}"));
        wait::until_visible(run.progress, what.clone(), &codes, || {
            authorize(run, address, &wanted.group_id, std::slice::from_ref(&permission))
        })
        .await?;
    }
    Ok(())
}

/// Revokes ecsnet's old ingress rules from a prefix list, then authorizes the wanted one (VPC Lattice's managed
/// prefix list on the tasks' port), tagged in the call as `set_ingress` tags its rule, which is how the next plan
/// tells it from the user's rules.
pub async fn set_prefix_list_ingress(
    run: &Run<'_>,
    address: &Address,
    revoke: &[(String, Vec<String>)],
    wanted: Option<&PrefixListIngressSpec>,
) -> Result<(), AwsError> {
    for (group_id, ids) in revoke {
        revoke_ids(run, group_id, ids.clone(), Direction::Ingress).await?;
    }
    if let Some(wanted) = wanted {
        authorize(run, address, &wanted.group_id, &[prefix_list_permission(wanted)]).await?;
    }
    Ok(())
}

/// TCP on the port from the prefix list, as `ip_permission` sends it and the next plan reads it back.
fn prefix_list_permission(wanted: &PrefixListIngressSpec) -> Permission {
    Permission::tcp(Direction::Ingress, wanted.port, Peer::PrefixList(wanted.prefix_list_id.clone()))
}

/// Deletes the group, waiting while AWS still counts it in use (a deleted load balancer's network interfaces
/// linger for minutes).
pub async fn delete(run: &Run<'_>, group_id: &str) -> Result<(), AwsError> {
    let result = wait::while_code(
        run.progress,
        Subject::Free(format!("security group {group_id}")),
        &[Code::DependencyViolation],
        || async {
            run.aws
                .ec2
                .delete_security_group()
                .group_id(group_id)
                .send()
                .await
                .map(|_| ())
                .for_operation("DeleteSecurityGroup")
        },
    )
    .await;
    result.or_gone(&[Code::GroupNotFound])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_list_ingress_is_tcp_on_the_port_from_the_list() {
        let wanted = PrefixListIngressSpec { group_id: "sg-1".into(), port: 8080, prefix_list_id: "pl-0123".into() };
        let permission = ip_permission(&prefix_list_permission(&wanted));
        assert_eq!(
            (permission.ip_protocol(), permission.from_port(), permission.to_port()),
            (Some("tcp"), Some(8080), Some(8080))
        );
        let lists: Vec<Option<&str>> = permission.prefix_list_ids().iter().map(|list| list.prefix_list_id()).collect();
        assert_eq!(lists, vec![Some("pl-0123")]);
        assert!(permission.ip_ranges().is_empty() && permission.user_id_group_pairs().is_empty());
    }
}
