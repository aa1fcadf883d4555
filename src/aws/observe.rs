//! Watches every HTTP attempt the SDK makes (retries included): feeds throttles and answers back
//! to the service's [`Pacer`] (the adaptive rate), and logs each attempt at debug level
//! (`--debug`, `SESFORM_LOG`) with its service, operation, resource, status, latency and attempt
//! number. Nothing else of a request is logged: never a header (the Authorization header), a
//! body or an answer, so no secret key, SMTP password or signature can reach the log.

use std::sync::Arc;
use std::time::Instant;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

use super::Pacer;

/// The tracing target of the request log.
pub const TARGET: &str = "sesform::aws";

#[derive(Debug)]
pub(crate) struct Observer {
    service: &'static str,
    pacer: Option<Arc<Pacer>>,
}

impl Observer {
    pub(crate) fn new(service: &'static str, pacer: Option<Arc<Pacer>>) -> Observer {
        Observer { service, pacer }
    }
}

/// What is known of an attempt when it is sent.
#[derive(Debug, Clone)]
struct Sent {
    at: Instant,
    generation: u64,
    resource: String,
}

impl Storable for Sent {
    type Storer = StoreReplace<Self>;
}

impl Intercept for Observer {
    fn name(&self) -> &'static str {
        "sesform-observer"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        let sent = Sent {
            at: Instant::now(),
            generation: self.pacer.as_ref().map_or(0, |p| p.generation()),
            resource: resource(request.uri(), request.body().bytes()),
        };
        cfg.interceptor_state().store_put(sent);
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(sent) = cfg.load::<Sent>().cloned() else {
            return Ok(());
        };
        let status = context.response().map(|r| r.status().as_u16());
        let body = context.response().and_then(|r| r.body().bytes());
        let throttled = is_throttle(status, body);
        if let (Some(pacer), Some(_)) = (&self.pacer, status) {
            pacer.answered(sent.generation, throttled);
        }
        let operation = cfg.load::<Metadata>().map_or("", |m| m.name());
        let attempt = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
        let latency_ms = sent.at.elapsed().as_millis() as u64;
        match status {
            Some(status) => tracing::debug!(
                target: TARGET,
                service = self.service,
                operation,
                resource = %sent.resource,
                status,
                latency_ms,
                attempt,
                retry = attempt > 1,
                throttled,
                "request"
            ),
            None => tracing::debug!(
                target: TARGET,
                service = self.service,
                operation,
                resource = %sent.resource,
                status = "no answer",
                latency_ms,
                attempt,
                retry = attempt > 1,
                "request"
            ),
        }
        Ok(())
    }
}

/// A throttled answer: 429, or a throttling error code (IAM's 400 `Throttling`, SNS's
/// `Throttled`) in the body.
fn is_throttle(status: Option<u16>, body: Option<&[u8]>) -> bool {
    match status {
        Some(429) => true,
        Some(400..=503) => body.is_some_and(|body| {
            let text = String::from_utf8_lossy(&body[..body.len().min(2048)]);
            [
                "<Code>Throttling",
                "<Code>Throttled",
                "ThrottlingException",
                "TooManyRequests",
            ]
            .iter()
            .any(|code| text.contains(code))
        }),
        _ => false,
    }
}

/// The resource a request is about, from the parts that name it and nothing else: the path of
/// a REST call (SESv2: `identities/example.com`), or for query and JSON protocols (SNS, IAM,
/// STS, SSM) the one parameter that names the resource. Never a value that could hold a secret
/// (subscription endpoints, parameter values, policy documents).
fn resource(uri: &str, body: Option<&[u8]>) -> String {
    const NAMING: [&str; 6] = [
        "UserName",
        "TopicArn",
        "SubscriptionArn",
        "ResourceArn",
        "Name",
        "PathPrefix",
    ];
    let path = uri
        .split_once("://")
        .map_or(uri, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let path = path.split('?').next().unwrap_or_default();
    if let Some(rest) = path.strip_prefix("/v2/email/") {
        let mut named = percent_encoding::percent_decode_str(rest)
            .decode_utf8_lossy()
            .into_owned();
        // A create names its resource in the body.
        let created = body
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
            .and_then(|v| {
                ["EmailIdentity", "ConfigurationSetName"]
                    .iter()
                    .find_map(|k| v.get(*k)?.as_str().map(str::to_string))
            });
        if let Some(name) = created.filter(|name| !named.contains(name.as_str())) {
            named = format!("{named}/{name}");
        }
        return named;
    }
    let Some(body) = body else {
        return String::new();
    };
    if body.first() == Some(&b'{') {
        // JSON protocol (SSM): only the name.
        return serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v.get("Name")?.as_str().map(str::to_string))
            .unwrap_or_default();
    }
    let params: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    NAMING
        .iter()
        .find_map(|name| params.iter().find(|(k, _)| k == name))
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_are_named_without_secrets() {
        assert_eq!(
            resource(
                "http://127.0.0.1:1/v2/email/identities/noreply%40example.com?x=1",
                None
            ),
            "identities/noreply@example.com"
        );
        assert_eq!(
            resource(
                "http://127.0.0.1:1/v2/email/identities",
                Some(br#"{"EmailIdentity":"example.com","DkimSigningAttributes":{"DomainSigningPrivateKey":"secret"}}"#)
            ),
            "identities/example.com"
        );
        assert_eq!(
            resource(
                "https://iam.amazonaws.com/",
                Some(b"Action=CreateAccessKey&Version=2010-05-08&UserName=mailer")
            ),
            "mailer"
        );
        // A subscription's endpoint may carry a token: only the topic is named.
        assert_eq!(
            resource(
                "https://sns.eu-west-1.amazonaws.com/",
                Some(b"Action=Subscribe&TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A1%3At&Endpoint=https%3A%2F%2Fu%3Asecret%40h%2F")
            ),
            "arn:aws:sns:eu-west-1:1:t"
        );
        assert_eq!(
            resource(
                "https://ssm/",
                Some(br#"{"Name":"/sesform/lock","Value":"{\"id\":1}"}"#)
            ),
            "/sesform/lock"
        );
        assert_eq!(
            resource(
                "https://iam/",
                Some(b"Action=PutUserPolicy&PolicyDocument=x")
            ),
            ""
        );
    }

    #[test]
    fn throttles_are_recognised() {
        assert!(is_throttle(Some(429), None));
        assert!(is_throttle(
            Some(400),
            Some(b"<ErrorResponse><Error><Code>Throttling</Code>".as_slice())
        ));
        assert!(!is_throttle(
            Some(400),
            Some(b"<Code>NoSuchEntity</Code>".as_slice())
        ));
        assert!(!is_throttle(Some(200), None));
        assert!(!is_throttle(None, None));
    }
}
