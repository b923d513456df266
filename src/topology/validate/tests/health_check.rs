//! `[service.health_check]`.

use crate::topology::validate::health_check::is_http_code_matcher;

use super::{errors_of, service};

#[test]
fn health_check_limits_are_aws_limits() {
    let errors = errors_of(&service(
        "name = \"a\"\n[service.health_check]\ninterval = 5\ntimeout = 5\nhealthy_threshold = 11\npath = \"health\"\nmatcher = \"600\"",
    ));
    let keys: Vec<_> = errors.iter().map(|error| error.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "service[0].health_check.healthy_threshold",
            "service[0].health_check.timeout",
            "service[0].health_check.path",
            "service[0].health_check.matcher"
        ]
    );
}

#[test]
fn matchers_accept_aws_forms() {
    assert!(is_http_code_matcher("200"));
    assert!(is_http_code_matcher("200,202"));
    assert!(is_http_code_matcher("200-299"));
    assert!(!is_http_code_matcher("2xx"));
    assert!(!is_http_code_matcher("299-200"));
}
