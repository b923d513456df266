//! ecsnet: stable, private ways for Amazon ECS services to call each other, planned from a short topology file
//! against live AWS state and applied through the AWS APIs.

pub mod aws;
pub mod cli;
pub mod commands;
pub mod doctor;
pub mod events;
pub mod graph;
pub mod iam;
pub mod init;
pub mod live;
pub mod plan;
pub mod route;
pub mod stop;
pub mod suggest;
#[cfg(any(test, feature = "test-support"))]
#[doc(hidden)]
pub mod test_support;
pub mod topology;
pub mod views;
