//! The target group's health check: AWS's ranges for its timings and thresholds, its path and its matcher.

use crate::topology::file::HealthCheckSection;
use crate::topology::HealthCheck;

use super::Errors;

pub(super) fn validate_health_check(
    errors: &mut Errors,
    index: usize,
    section: Option<&HealthCheckSection>,
) -> HealthCheck {
    let defaults = HealthCheck::default();
    let Some(section) = section else { return defaults };
    let at = |key: &str| format!("service[{index}].health_check.{key}");
    let mut bounded = |key: &str, value: Option<i64>, default: i32, low: i64, high: i64| -> i32 {
        match value {
            None => default,
            Some(value) if (low..=high).contains(&value) => value as i32,
            Some(value) => {
                errors.push(
                    at(key),
                    format!("{value} is outside {low}–{high}"),
                    format!("AWS accepts {low} to {high}; leave it out for {default}"),
                );
                default
            }
        }
    };
    let interval = bounded("interval", section.interval, defaults.interval, 5, 300);
    let timeout = bounded("timeout", section.timeout, defaults.timeout, 2, 120);
    let healthy_threshold = bounded("healthy_threshold", section.healthy_threshold, defaults.healthy_threshold, 2, 10);
    let unhealthy_threshold =
        bounded("unhealthy_threshold", section.unhealthy_threshold, defaults.unhealthy_threshold, 2, 10);
    if timeout >= interval {
        errors.push(
            at("timeout"),
            format!("the timeout ({timeout} s) must be shorter than the interval ({interval} s)"),
            "lower the timeout or raise the interval",
        );
    }
    let path = section.path.clone().unwrap_or(defaults.path);
    if !path.starts_with('/') || path.len() > 1024 {
        errors.push(
            at("path"),
            format!("\"{path}\" must begin with \"/\" and be at most 1024 characters"),
            "write a path such as \"/health\"",
        );
    }
    let matcher = section.matcher.clone().unwrap_or(defaults.matcher);
    if !is_http_code_matcher(&matcher) {
        errors.push(
            at("matcher"),
            format!("\"{matcher}\" is not a list or range of HTTP codes 200–499"),
            "write \"200\", \"200,202\" or \"200-299\"",
        );
    }
    HealthCheck { path, interval, timeout, healthy_threshold, unhealthy_threshold, matcher }
}

pub(super) fn is_http_code_matcher(matcher: &str) -> bool {
    let is_code = |code: &str| code.len() == 3 && code.parse::<u16>().is_ok_and(|code| (200..=499).contains(&code));
    !matcher.is_empty()
        && matcher.split(',').all(|part| match part.split_once('-') {
            Some((low, high)) => is_code(low) && is_code(high) && low <= high,
            None => is_code(part),
        })
}
