//! The lock as a security group of the VPC: created with its tags, read, deleted.

use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};

use crate::aws::error::ForOperation as _;
use crate::aws::{Aws, AwsError};
use crate::plan::ownership::LOCK_ADDRESS;
use crate::plan::ownership::{ADDRESS_TAG, TOPOLOGY_TAG};

use super::process::{hostname, process_has_ended};
use super::{lock_name, remove, Holder, LockGroups, EXPIRES_TAG, HOLDER_TAG, PROCESS_TAG};
use crate::aws::Code;

/// The lock as a security group of the VPC.
pub(super) struct Ec2LockGroups<'a> {
    pub aws: &'a Aws,
    pub topology: &'a str,
    pub vpc_id: &'a str,
    pub holder: &'a str,
    pub process: &'a str,
}

impl LockGroups for Ec2LockGroups<'_> {
    async fn create(&self, expires: u64) -> Result<Option<String>, AwsError> {
        let topology = self.topology;
        let tags = TagSpecification::builder()
            .resource_type(ResourceType::SecurityGroup)
            .tags(Tag::builder().key(TOPOLOGY_TAG).value(topology).build())
            .tags(Tag::builder().key(ADDRESS_TAG).value(LOCK_ADDRESS).build())
            .tags(Tag::builder().key(HOLDER_TAG).value(self.holder).build())
            .tags(Tag::builder().key(EXPIRES_TAG).value(expires.to_string()).build())
            .tags(Tag::builder().key(PROCESS_TAG).value(self.process).build())
            .build();
        let created = self
            .aws
            .ec2
            .create_security_group()
            .group_name(lock_name(topology))
            .description(format!("ecsnet: lock of topology {topology}; deleted when the run ends"))
            .vpc_id(self.vpc_id)
            .tag_specifications(tags)
            .send()
            .await
            .for_operation("CreateSecurityGroup");
        match created {
            Ok(output) => Ok(Some(output.group_id().unwrap_or_default().to_string())),
            Err(error) if error.has_code(&[Code::GroupDuplicate]) => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn current(&self) -> Result<Option<Holder>, AwsError> {
        let output = self
            .aws
            .ec2
            .describe_security_groups()
            .filters(Filter::builder().name("vpc-id").values(self.vpc_id).build())
            .filters(Filter::builder().name("group-name").values(lock_name(self.topology)).build())
            .send()
            .await
            .for_operation("DescribeSecurityGroups")?;
        Ok(output.security_groups().first().map(|group| {
            let tag = |key: &str| {
                group
                    .tags()
                    .iter()
                    .find(|tag| tag.key() == Some(key))
                    .and_then(|tag| tag.value())
                    .unwrap_or_default()
                    .to_string()
            };
            Holder {
                group_id: group.group_id().unwrap_or_default().to_string(),
                holder: tag(HOLDER_TAG),
                expires: tag(EXPIRES_TAG).parse().unwrap_or(0),
                process: tag(PROCESS_TAG),
            }
        }))
    }

    async fn delete(&self, group_id: &str) -> Result<(), AwsError> {
        remove(self.aws, group_id).await
    }

    fn holder_is_gone(&self, process: &str) -> bool {
        process_has_ended(process, &hostname())
    }
}
