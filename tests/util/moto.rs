//! moto_server (IAM and SNS) on a free loopback port, one per test.
//!
//! `scripts/test` installs the pinned moto into `.venv`; SESFORM_MOTO_SERVER overrides the
//! path. A missing moto fails the test with the command that installs it: never a silent skip.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// moto_server with extra environment, e.g. `MOTO_IAM_LOAD_MANAGED_POLICIES=true`.
    pub fn start_with(env: &[(&str, &str)]) -> Moto {
        let server = std::env::var_os("SESFORM_MOTO_SERVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| super::repo_file(".venv/bin/moto_server"));
        assert!(
            server.exists(),
            "moto_server not found at {}; run ./scripts/install-emulators (scripts/test does)",
            server.display()
        );
        Moto::launch(env, |port| {
            let mut cmd = Command::new(&server);
            cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
            cmd
        })
    }

    /// moto_server for the event log (EventBridge rule -> CloudWatch Logs), started through
    /// scripts/moto-event-log.py, which gives the log events a rule delivers integer
    /// timestamps (moto 5.2.5 writes floats, which the AWS SDK for Rust refuses).
    pub fn start_for_event_log() -> Moto {
        let python = super::repo_file(".venv/bin/python");
        assert!(
            python.exists(),
            "{} not found; run ./scripts/install-emulators (scripts/test does)",
            python.display()
        );
        let launcher = super::repo_file("scripts/moto-event-log.py");
        Moto::launch(&[], |port| {
            let mut cmd = Command::new(&python);
            cmd.arg(&launcher)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()]);
            cmd
        })
    }

    fn launch(env: &[(&str, &str)], command: impl Fn(u16) -> Command) -> Moto {
        // Another test may grab the port between probe and bind; retry a few times.
        for _ in 0..5 {
            let port = free_port();
            let mut child = command(port)
                .envs(env.iter().copied())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start moto_server");
            if wait_for_port(port, &mut child) {
                // moto logs every request to stderr: drain it, or a long test fills the pipe
                // and moto blocks mid-request.
                if let Some(stderr) = child.stderr.take() {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut BufReader::new(stderr), &mut std::io::sink());
                    });
                }
                return Moto { child, port };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("moto_server did not start");
    }

    pub fn endpoint_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind a free port")
}

fn wait_for_port(port: u16, child: &mut Child) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            if let Some(stderr) = child.stderr.take() {
                for line in BufReader::new(stderr)
                    .lines()
                    .map_while(Result::ok)
                    .take(20)
                {
                    eprintln!("moto_server: {line}");
                }
            }
            return false;
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

impl Moto {
    /// moto's internal state dump (`/moto-api/data.json`), which includes secret keys: the
    /// only way a test can learn the secret IAM returned to sesform.
    pub fn data(&self) -> serde_json::Value {
        use std::io::{Read, Write};
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to moto");
        write!(
            stream,
            "GET /moto-api/data.json HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("read moto data");
        let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        serde_json::from_str(body).expect("moto data is JSON")
    }

    /// The secret of an access key, from moto's state.
    pub fn secret_of(&self, access_key_id: &str) -> String {
        find_secret(&self.data()["iam"], access_key_id)
            .unwrap_or_else(|| panic!("access key {access_key_id} not in moto's state"))
    }
}

fn find_secret(value: &serde_json::Value, access_key_id: &str) -> Option<String> {
    match value {
        serde_json::Value::Object(map) => {
            if map.get("access_key_id").and_then(|v| v.as_str()) == Some(access_key_id) {
                return map
                    .get("secret_access_key")
                    .and_then(|v| v.as_str())
                    .map(str::to_string);
            }
            map.values().find_map(|v| find_secret(v, access_key_id))
        }
        serde_json::Value::Array(items) => items.iter().find_map(|v| find_secret(v, access_key_id)),
        _ => None,
    }
}
