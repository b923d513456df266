//! Counts with their noun agreeing: "1 step", "2 steps", never "1 steps" or "step(s)".

/// `count` and `noun`, with an `s` unless there is exactly one (every noun ecsnet counts takes a plain `s`).
pub fn counted(count: impl Into<u64>, noun: &str) -> String {
    let count = count.into();
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(counted(0_u64, "step"), "0 steps");
        assert_eq!(counted(1_u64, "step"), "1 step");
        assert_eq!(counted(2_u64, "AWS request"), "2 AWS requests");
    }
}
