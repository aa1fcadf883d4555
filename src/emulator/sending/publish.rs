//! Delivers events to outside endpoints (moto_server for SNS and EventBridge, typically) with
//! plain HTTP/1.1 POSTs: SNS `Publish` (query protocol) and EventBridge `PutEvents` (JSON 1.1).
//! moto accepts any credentials; the Authorization header only carries the region in its
//! credential scope, so requests are not signed. Only `http://` endpoints on loopback are
//! used: this is a test tool.

use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{Publication, Target};

/// Where events go; `None` keeps them in the local record only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoints {
    pub sns: Option<String>,
    pub events: Option<String>,
}

/// What happened to one publication, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent { status: u16 },
    NoEndpoint,
    Failed(String),
}

/// Why an event went to the local record only.
pub const NO_ENDPOINT: &str =
    "not published: no --sns-endpoint / --events-endpoint for this destination";

/// Sends every publication, one after the other; never fails as a whole.
pub async fn publish(endpoints: &Endpoints, publications: &[Publication]) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for publication in publications {
        outcomes.push(publish_one(endpoints, publication).await);
    }
    outcomes
}

/// SNS `CreateTopic` (idempotent), so a spec's topics exist where events are published.
pub async fn create_topic(endpoint: &str, region: &str, name: &str) -> Result<u16, String> {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("Action", "CreateTopic")
        .append_pair("Version", "2010-03-31")
        .append_pair("Name", name)
        .finish();
    let headers = vec![
        (
            "Content-Type",
            "application/x-www-form-urlencoded".to_string(),
        ),
        ("Authorization", authorization(region, "sns")),
    ];
    tokio::time::timeout(Duration::from_secs(5), post(endpoint, &headers, &body))
        .await
        .map_err(|_| format!("no answer from {endpoint} within 5 s"))?
}

/// An `Authorization` header that only carries the region and service (moto routes by them).
fn authorization(region: &str, service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=local/20260101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0"
    )
}

async fn publish_one(endpoints: &Endpoints, publication: &Publication) -> Outcome {
    let message = publication.event.to_string();
    let (endpoint, service, headers, body) = match &publication.target {
        Target::Sns { topic_arn } => {
            let Some(endpoint) = &endpoints.sns else {
                return Outcome::NoEndpoint;
            };
            let body = form_urlencoded::Serializer::new(String::new())
                .append_pair("Action", "Publish")
                .append_pair("Version", "2010-03-31")
                .append_pair("TopicArn", topic_arn)
                .append_pair("Message", &message)
                .finish();
            (
                endpoint,
                "sns",
                vec![(
                    "Content-Type",
                    "application/x-www-form-urlencoded".to_string(),
                )],
                body,
            )
        }
        Target::EventBridge { bus_arn } => {
            let Some(endpoint) = &endpoints.events else {
                return Outcome::NoEndpoint;
            };
            let body = json!({"Entries": [{
                "Source": "aws.ses",
                "DetailType": publication.detail_type,
                "Detail": message,
                "EventBusName": bus_arn,
            }]})
            .to_string();
            (
                endpoint,
                "events",
                vec![
                    ("Content-Type", "application/x-amz-json-1.1".to_string()),
                    ("X-Amz-Target", "AWSEvents.PutEvents".to_string()),
                ],
                body,
            )
        }
    };
    let mut headers = headers;
    headers.push(("Authorization", authorization(&publication.region, service)));
    match tokio::time::timeout(Duration::from_secs(5), post(endpoint, &headers, &body)).await {
        Ok(Ok(status)) => Outcome::Sent { status },
        Ok(Err(error)) => Outcome::Failed(error),
        Err(_) => Outcome::Failed(format!("no answer from {endpoint} within 5 s")),
    }
}

/// `http://HOST:PORT[/path]` -> (host:port, path).
fn split_url(url: &str) -> Result<(String, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url}: only http:// endpoints are supported"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let authority = if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    Ok((authority, path.to_string()))
}

async fn post(url: &str, headers: &[(&str, String)], body: &str) -> Result<u16, String> {
    let (authority, path) = split_url(url)?;
    let mut stream = TcpStream::connect(&authority)
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let status_line = String::from_utf8_lossy(&answer);
    status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("{url}: not an HTTP answer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            split_url("http://127.0.0.1:5000").unwrap(),
            ("127.0.0.1:5000".into(), "/".into())
        );
        assert_eq!(
            split_url("http://localhost/x").unwrap(),
            ("localhost:80".into(), "/x".into())
        );
        assert!(split_url("https://a").is_err());
    }
}
