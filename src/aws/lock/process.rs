//! Which process holds a lock: "<host> <pid> <start time>", and whether that process has ended on this host.

/// "<host> <pid> <start time>" of this process.
pub(super) fn this_process() -> String {
    let pid = std::process::id();
    format!("{} {pid} {}", hostname(), start_time(pid).unwrap_or_default())
}

/// When process `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat), so that a new process
/// that reuses the number is not taken for the holder. `None` where there is no /proc or no such process.
pub(super) fn start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19).map(str::to_string)
}

/// Whether the holder `process` ("<host> <pid> <start time>") ran on `this_host` and has ended: its number is
/// gone from /proc, or taken by a process that started at another time. Unknown (another host, no /proc, a
/// lock from an older ecsnet) counts as running.
pub(super) fn process_has_ended(process: &str, this_host: &str) -> bool {
    let mut fields = process.split(' ');
    let (Some(host), Some(pid), start) =
        (fields.next(), fields.next().and_then(|pid| pid.parse::<u32>().ok()), fields.next().unwrap_or_default())
    else {
        return false;
    };
    if host != this_host || !std::path::Path::new("/proc/self/stat").exists() {
        return false;
    }
    match start_time(pid) {
        None => true,
        Some(now_started) => !start.is_empty() && now_started != start,
    }
}

pub(super) fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holder_is_gone_only_when_it_ran_here_and_its_process_ended_or_was_replaced() {
        let me = std::process::id();
        let started = start_time(me).expect("this test runs where /proc exists");
        assert!(!process_has_ended(&format!("here {me} {started}"), "here"), "this very process runs");
        assert!(
            process_has_ended(&format!("here {me} {}", started.parse::<u64>().unwrap() + 1), "here"),
            "same number, another process"
        );
        assert!(process_has_ended("here 4194304 1", "here"), "no such process (above the largest pid)");
        assert!(!process_has_ended("elsewhere 4194304 1", "here"), "another host's process cannot be checked");
        assert!(!process_has_ended("", "here"), "a lock from an older ecsnet names no process");
        assert!(!process_has_ended(&format!("here {me}"), "here"), "no start time: the number alone is running");
    }

    #[test]
    fn the_start_time_is_read_past_a_command_name_with_spaces_and_parentheses() {
        assert_eq!(this_process().split(' ').count(), 3);
        assert!(this_process().starts_with(&format!("{} {} ", hostname(), std::process::id())));
    }
}
