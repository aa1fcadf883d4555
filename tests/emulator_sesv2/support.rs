//! Shared helpers: SDK clients aimed at an emulator, error inspection, raw HTTP.

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::config::{Credentials, Region};
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const REGION: &str = "us-east-1";

/// A real SDK client for `region`, with static test credentials and the SDK's standard retry
/// policy (3 attempts); only the backoff is shortened to keep retry tests fast.
pub async fn client(endpoint_url: &str, region: &str) -> Client {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .credentials_provider(Credentials::new(
            "AKIDEMULATORTEST",
            "emulator-test-secret",
            None,
            None,
            "static",
        ))
        .region(Region::new(region.to_owned()))
        .endpoint_url(endpoint_url)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(10)),
        )
        .load()
        .await;
    Client::new(&config)
}

/// The service error's code (as the SDK parsed it) and the HTTP status it came with.
pub fn error_of<T: std::fmt::Debug, E: ProvideErrorMetadata + std::fmt::Debug>(
    result: Result<T, SdkError<E>>,
) -> (String, u16) {
    let error = result.expect_err("the call should fail");
    let status = error
        .raw_response()
        .map(|response| response.status().as_u16())
        .unwrap_or_else(|| panic!("no HTTP response in {error:?}"));
    let code = error
        .code()
        .unwrap_or_else(|| panic!("no error code in {error:?}"))
        .to_owned();
    (code, status)
}

/// The error code with its status, for one-line assertions.
pub fn expect_error<T: std::fmt::Debug, E: ProvideErrorMetadata + std::fmt::Debug>(
    result: Result<T, SdkError<E>>,
    code: &str,
    status: u16,
) {
    assert_eq!(error_of(result), (code.to_owned(), status));
}

/// A raw HTTP/1.1 answer.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }
}

/// Sends one request on a fresh connection (`Connection: close`) and reads the whole answer:
/// enough for the control API and for checking headers the SDK hides.
pub async fn raw_http(endpoint_url: &str, method: &str, path: &str, body: &str) -> RawResponse {
    let host = endpoint_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).await.expect("connect to emulator");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
        .await
        .expect("answer within 10s")
        .expect("read");
    parse_raw(&String::from_utf8(raw).expect("UTF-8 answer"))
}

pub fn parse_raw(raw: &str) -> RawResponse {
    let (head, body) = raw.split_once("\r\n\r\n").expect("HTTP head");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
        .collect();
    RawResponse {
        status,
        headers,
        body: body.to_owned(),
    }
}
