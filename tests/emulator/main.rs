//! Emulator tests: the real `ecsnet` binary against a real AWS API emulator (moto or LocalStack), never mocks.
//! Each test has its own VPC and topology name, so they run in parallel.

mod support;

mod adoption;
mod cli;
mod connect;
mod iam;
mod init_adoption;
mod lattice;
mod lattice_migration;
mod lifecycle;
mod load_balancer;
mod lock;
mod migration;
mod network;
mod operator;
mod resilience;
mod wiring;
