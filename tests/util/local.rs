//! `sesform local` as a process, the way CI runs it: free ports, its readiness line parsed,
//! stopped with SIGTERM when the test ends. Plus a tiny HTTP client for its JSON endpoints.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::TestDir;

pub struct LocalSes {
    child: Child,
    pub api: String,
    pub smtp_port: u16,
    pub smtps_port: u16,
    pub ca: String,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl LocalSes {
    /// Starts `sesform local --api-port 0 --smtp-port 0 --smtps-port 0 --ca-out ca.pem ARGS`
    /// in `dir` and waits for its readiness line.
    pub fn start(dir: &TestDir, args: &[&str]) -> LocalSes {
        Self::start_env(dir, args, &[])
    }

    pub fn start_env(dir: &TestDir, args: &[&str], env: &[(&str, &str)]) -> LocalSes {
        let mut child = dir
            .sesform()
            .args([
                "local",
                "--api-port",
                "0",
                "--smtp-port",
                "0",
                "--smtps-port",
                "0",
            ])
            .args(["--ca-out", "ca.pem"])
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start sesform local");
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("stderr");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            sink.lock().expect("stderr lock").push_str(&text);
        });
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        out.read_line(&mut line).expect("read readiness line");
        if !line.starts_with("sesform local ready:") {
            let _ = child.wait();
            std::thread::sleep(Duration::from_millis(100));
            panic!(
                "no readiness line: {line:?}; stderr: {}",
                stderr.lock().expect("stderr lock")
            );
        }
        let field = |name: &str| {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("no {name}= in {line:?}"))
                .to_string()
        };
        let port = |name: &str| {
            field(name)
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .expect("port")
        };
        LocalSes {
            api: field("api"),
            smtp_port: port("smtp"),
            smtps_port: port("smtps"),
            ca: field("ca"),
            child,
            stderr,
        }
    }

    /// Sends SIGTERM and waits; returns the exit code and standard error.
    pub fn stop(mut self) -> (Option<i32>, String) {
        let status = terminate(&mut self.child);
        std::thread::sleep(Duration::from_millis(50));
        let stderr = self.stderr.lock().expect("stderr lock").clone();
        (status, stderr)
    }

    pub fn get_json(&self, path: &str) -> serde_json::Value {
        let (status, body) = http(&self.api, "GET", path, "");
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }

    /// SESv2 `SendEmail` with Simple content: (status, body).
    pub fn send_email(&self, from: &str, to: &str, subject: &str) -> (u16, String) {
        let body = serde_json::json!({
            "FromEmailAddress": from,
            "Destination": {"ToAddresses": [to]},
            "Content": {"Simple": {"Subject": {"Data": subject}, "Body": {"Text": {"Data": "Hello"}}}},
        });
        http(
            &self.api,
            "POST",
            "/v2/email/outbound-emails",
            &body.to_string(),
        )
    }

    pub fn messages(&self) -> Vec<serde_json::Value> {
        self.get_json("/_local/messages")["messages"]
            .as_array()
            .expect("messages array")
            .clone()
    }
}

fn terminate(child: &mut Child) -> Option<i32> {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    for _ in 0..100 {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    child.wait().ok().and_then(|s| s.code())
}

impl Drop for LocalSes {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            terminate(&mut self.child);
        }
    }
}

/// What the SDK would send for eu-west-1: the emulator takes the region from the scope.
const SCOPE: &str = "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/ses/aws4_request, SignedHeaders=host, Signature=0\r\n";

/// One HTTP/1.0 request to `base` (`http://127.0.0.1:PORT`): (status, body).
pub fn http(base: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let authority = base.strip_prefix("http://").expect("http URL");
    let mut stream = TcpStream::connect(authority).expect("connect to local API");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: {authority}\r\n{SCOPE}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("send request");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read answer");
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}
