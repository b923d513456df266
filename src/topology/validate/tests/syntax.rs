//! Resource names.

use super::{errors_of, service};

#[test]
fn names_longer_than_32_characters_are_refused() {
    let errors = errors_of(&service("name = \"a-service-name-that-is-far-too-long-for-aws\""));
    assert_eq!(errors[0].key, "service[0].name");
    assert!(errors[0].problem.contains("AWS allows 1 to 32"));
}
