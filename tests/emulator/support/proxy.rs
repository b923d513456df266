//! The latency-and-fault proxy in front of the emulator, for the tests that hold, throttle or break requests.

use super::*;

/// localstack/proxy.py between ecsnet and the emulator: latency, faults, a hold after the K-th mutation, stats.
pub struct Proxy {
    child: std::process::Child,
    pub endpoint: String,
}

impl Proxy {
    pub fn start(upstream: &str, delay_ms: u32) -> Proxy {
        use std::io::BufRead;
        let mut child = Command::new("python3")
            .arg(repo_path("localstack/proxy.py"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--upstream",
                upstream,
                "--delay-ms",
                &delay_ms.to_string(),
                "--seed",
                "7",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs localstack/proxy.py");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line).unwrap();
        let endpoint = line
            .trim()
            .strip_prefix("proxy listening on ")
            .unwrap_or_else(|| panic!("the proxy did not start: {line:?}"))
            .to_string();
        Proxy { child, endpoint }
    }

    /// One HTTP request to the proxy's control API; the response body.
    fn control(&self, method: &str, path: &str, body: &str) -> String {
        control_request(&self.endpoint, method, path, body).1
    }

    pub fn configure(&self, config: serde_json::Value) {
        self.control("POST", "/__proxy/config", &config.to_string());
    }

    pub fn stats(&self) -> serde_json::Value {
        serde_json::from_str(&self.control("GET", "/__proxy/stats", "")).unwrap()
    }

    pub fn held(&self) -> bool {
        let held: serde_json::Value = serde_json::from_str(&self.control("GET", "/__proxy/held", "")).unwrap();
        held["held"] == true
    }

    /// Holds the request after a run's `k`-th mutation; `None` lets a held request go.
    pub fn hold_after_mutations(&self, k: Option<u64>) {
        self.configure(serde_json::json!({ "hold_after_mutations": k }));
    }

    /// Waits until a request of `child` is held, failing the test with "`what` was never reached" after `limit`,
    /// or at once with the run's exit status and output when it ended first.
    pub async fn until_held(&self, child: &mut std::process::Child, limit: Duration, what: &str) {
        if let Some((status, output)) = self.until_held_or_ended(child, limit, what).await {
            panic!("{what} was never reached: the run ended first ({status}):\n{output}");
        }
    }

    /// As `until_held`, but a run that ends first is answered with its exit status and output, not a failure.
    pub async fn until_held_or_ended(
        &self,
        child: &mut std::process::Child,
        limit: Duration,
        what: &str,
    ) -> Option<(std::process::ExitStatus, String)> {
        let started = std::time::Instant::now();
        while !self.held() {
            if let Some(status) = child.try_wait().unwrap() {
                use std::io::Read;
                let mut output = String::new();
                if let Some(mut stdout) = child.stdout.take() {
                    let _ = stdout.read_to_string(&mut output);
                }
                if let Some(mut stderr) = child.stderr.take() {
                    let _ = stderr.read_to_string(&mut output);
                }
                return Some((status, output));
            }
            assert!(started.elapsed() < limit, "{what} was never reached within {limit:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }
}

/// One HTTP/1.1 request to a control endpoint of localstack/proxy.py (the proxy's, or the rules layer's) on
/// loopback, the tests having no HTTP client crate: the status line and headers, and the body.
pub fn control_request(endpoint: &str, method: &str, path: &str, body: &str) -> (String, String) {
    use std::io::{Read, Write};
    let address = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(address).unwrap_or_else(|error| panic!("cannot reach {address}: {error}"));
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((response.as_str(), ""));
    (head.to_string(), body.to_string())
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
