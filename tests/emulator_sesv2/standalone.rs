//! The `sesform-emulator` binary: ready line, SDK traffic, clean exit on SIGTERM.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

use super::support::{REGION, client, raw_http};

const BINARY: &str = env!("CARGO_BIN_EXE_sesform-emulator");

async fn spawn(args: &[&str]) -> Child {
    Command::new(BINARY)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn sesform-emulator")
}

/// The URL from the one ready line, and the rest of stdout.
async fn ready(child: &mut Child) -> (String, BufReader<tokio::process::ChildStdout>) {
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(30), stdout.read_line(&mut line))
        .await
        .expect("ready line within 30s")
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("sesform-emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected ready line {line:?}"))
        .to_owned();
    (url, stdout)
}

#[tokio::test]
async fn binary_announces_serves_and_stops_on_sigterm() {
    let mut child = spawn(&["--port", "0"]).await;
    let (url, mut stdout) = ready(&mut child).await;
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let ses = client(&url, REGION).await;
    ses.create_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    let verified = raw_http(&url, "POST", "/_emulator/identities/example.com/verify", "").await;
    assert_eq!(verified.status, 200);
    let got = ses
        .get_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    assert!(got.verified_for_sending_status());

    let pid = child.id().expect("running").to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("exits within 10s of SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "", "exactly one line on stdout");
}

#[tokio::test]
async fn binary_refuses_non_loopback_hosts() {
    let child = spawn(&["--host", "0.0.0.0"]).await;
    let output = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("exits")
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback"));
}

#[tokio::test]
async fn binary_answers_in_the_shape_given_and_the_control_api_switches_it() {
    let mut child = spawn(&["--port", "0", "--shape", "sparse"]).await;
    let (url, _stdout) = ready(&mut child).await;
    let ses = client(&url, REGION).await;
    ses.create_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    let mail_from = |body: &str| -> Option<serde_json::Value> {
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        json.get("MailFromAttributes").cloned()
    };
    let get = "/v2/email/identities/example.com";
    let shape = raw_http(&url, "GET", "/_emulator/shape", "").await;
    assert_eq!(shape.body, r#"{"shape":"sparse"}"#);
    assert_eq!(mail_from(&raw_http(&url, "GET", get, "").await.body), None);

    let switched = raw_http(&url, "PUT", "/_emulator/shape", r#"{"shape": "aws"}"#).await;
    assert_eq!(switched.status, 200, "{}", switched.body);
    let aws = mail_from(&raw_http(&url, "GET", get, "").await.body).unwrap();
    assert_eq!(aws["MailFromDomain"], "");
    assert_eq!(aws["BehaviorOnMxFailure"], "USE_DEFAULT_VALUE");

    let refused = raw_http(&url, "PUT", "/_emulator/shape", r#"{"shape": "round"}"#).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
}

#[tokio::test]
async fn binary_refuses_an_unknown_shape() {
    let child = spawn(&["--shape", "round"]).await;
    let output = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("exits")
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("sparse, aws, dense"), "{stderr}");
}
