//! Validation tests, by area as validate/ itself, and where errors are placed in the file: the fixtures here.

mod connect;
mod discovery;
mod ecs;
mod health_check;
mod listeners;
mod load_balancer;
mod network;
mod places;
mod routing;
mod services;
mod syntax;

use std::path::Path;

use super::ValidationError;
use crate::topology::{parse, TopologyError};

const BASE: &str = r#"
name = "demo"
[network]
vpc = "demo-vpc"
subnets = ["a", "b"]
[load_balancer]
[dns]
zone = "in.example.com"
"#;

fn errors_of(extra: &str) -> Vec<ValidationError> {
    match parse(Path::new("t.toml"), &format!("{BASE}{extra}")) {
        Err(TopologyError::Invalid { errors, .. }) => errors,
        other => panic!("expected validation errors, got {other:?}"),
    }
}

fn service(fields: &str) -> String {
    format!("[[service]]\nsecurity_group = \"sg-1\"\nport = 8080\n{fields}\n")
}

fn invalid(text: &str) -> Vec<ValidationError> {
    match parse(Path::new("t.toml"), text) {
        Err(TopologyError::Invalid { errors, .. }) => errors,
        other => panic!("expected validation errors, got {other:?}"),
    }
}

/// Each error's key with its line and column; BASE ends on line 8, so what follows it starts on line 9.
fn placed(errors: &[ValidationError]) -> Vec<(&str, usize, usize)> {
    errors.iter().map(|error| (error.key.as_str(), error.line, error.column)).collect()
}
