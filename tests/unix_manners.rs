//! The binary among other Unix programs, without AWS: a reader that closes the pipe early, and traces written to
//! a file or a pipe. AWS requests go to a local listener that refuses each at once (AuthFailure, not retried).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};

fn ecsnet(directory: &std::path::Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ecsnet"));
    command
        .args(args)
        .current_dir(directory)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("ECSNET_LOG")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_CONFIG_FILE", directory.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", directory.join("no-credentials"));
    command
}

/// Runs with stdout a pipe whose reader is already gone, as `ecsnet graph | head` once head has its lines.
fn into_closed_pipe(mut command: Command) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    command.stdout(writer).stderr(Stdio::piped()).output().unwrap()
}

#[test]
fn a_closed_pipe_ends_a_printing_command_quietly_with_status_0() {
    let directory = tempfile::tempdir().unwrap();
    for args in [&["iam-policy"][..], &["completions", "bash"]] {
        let output = into_closed_pipe(ecsnet(directory.path(), args));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("error") && !stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

const TOPOLOGY: &str = "name = \"demo\"\n[network]\nvpc = \"vpc-1\"\nsubnets = [\"a\", \"b\"]\n";

/// An endpoint answering every request with EC2's AuthFailure, which the SDK does not retry.
fn refusing_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0_u8; 65_536];
            let _ = stream.read(&mut request);
            let body = "<Response><Errors><Error><Code>AuthFailure</Code><Message>refused</Message></Error>\
                        </Errors><RequestID>1</RequestID></Response>";
            let _ = write!(
                stream,
                "HTTP/1.1 403 Forbidden\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{address}")
}

fn traced(color: &[&str]) -> String {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(directory.path().join("ecsnet.toml"), TOPOLOGY).unwrap();
    let endpoint = refusing_endpoint();
    let mut args = vec!["-vvv", "plan", "--endpoint-url", endpoint.as_str()];
    args.extend_from_slice(color);
    let output = ecsnet(directory.path(), &args).stdout(Stdio::null()).stderr(Stdio::piped()).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("AuthFailure"), "{stderr}");
    stderr
}

#[test]
fn traces_on_a_pipe_carry_no_color_codes_unless_asked() {
    let plain = traced(&[]);
    assert!(plain.contains("TRACE") || plain.contains("DEBUG"), "no trace lines:\n{plain}");
    assert!(!plain.contains('\u{1b}'), "color codes on a pipe:\n{plain}");
    assert!(!traced(&["--color", "never"]).contains('\u{1b}'));
    assert!(traced(&["--color", "always"]).contains('\u{1b}'), "--color always should keep the colors");
}
