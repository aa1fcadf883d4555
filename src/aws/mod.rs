//! The AWS side: one module per service, the only code that imports an aws-sdk crate. Each
//! turns SDK types into sesform's own model ([`crate::model`]) and back, and imports nothing
//! above the model.
//!
//! Every call goes through its service's [`Meter`], which names the operation once: it waits
//! for the service's [`Pacer`] (SES allows one control-plane request per second per account
//! and region; a steady-state run should never be throttled), counts the call, so plans can be
//! held to the minimum number of calls, and maps the error. [`retag`] is the one way tags
//! change.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_smithy_runtime_api::client::result::{CreateUnhandledError, SdkError};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::time::Instant;

pub mod eventbridge;
pub mod iam;
pub mod logs;
mod observe;
pub mod permissions;
pub mod sesv2;
pub mod sns;
pub mod ssm;
pub mod sts;

/// How sesform talks to AWS.
#[derive(Debug, Clone)]
pub struct AwsOptions {
    pub region: String,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub retry: RetryMode,
    pub max_attempts: u32,
    pub rates: Rates,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RetryMode {
    Standard,
    Adaptive,
}

/// How fast sesform sends one service's requests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rate {
    /// Evenly spaced at this many requests per second.
    Fixed(f64),
    /// Adaptive (AIMD): start at this rate, climb while no throttle comes back, halve on one.
    Auto(f64),
}

/// Client-side request rates per service; `None` = unpaced.
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    pub sesv2: Option<Rate>,
    pub sns: Option<Rate>,
    pub iam: Option<Rate>,
    /// EventBridge and CloudWatch Logs: the event log.
    pub events: Option<Rate>,
    pub logs: Option<Rate>,
}

/// The documented (or, for IAM, a conservative) rate of each service: SES 1/s (the
/// control-plane limit), SNS 30/s (ListTopics and ListSubscriptionsByTopic), IAM 10/s
/// (unpublished), EventBridge 50/s (the lowest of the rule and target operations' quotas),
/// CloudWatch Logs 5/s (FilterLogEvents and DescribeLogGroups).
const DOCUMENTED: [(&str, f64); 5] = [
    ("sesv2", 1.0),
    ("sns", 30.0),
    ("iam", 10.0),
    ("events", 50.0),
    ("logs", 5.0),
];

fn documented(service: &str) -> f64 {
    DOCUMENTED
        .iter()
        .find(|(name, _)| *name == service)
        .map_or(1.0, |(_, rate)| *rate)
}

impl Default for Rates {
    fn default() -> Self {
        Rates {
            sesv2: Some(Rate::Fixed(documented("sesv2"))),
            sns: Some(Rate::Fixed(documented("sns"))),
            iam: Some(Rate::Fixed(documented("iam"))),
            events: Some(Rate::Fixed(documented("events"))),
            logs: Some(Rate::Fixed(documented("logs"))),
        }
    }
}

impl Rates {
    /// Parses `sesv2=5,sns=auto,iam=off` on top of the defaults; `auto` starts at the service's
    /// documented rate.
    pub fn parse(text: &str) -> Result<Rates, String> {
        let mut rates = Rates::default();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (service, value) = item
                .split_once('=')
                .ok_or_else(|| format!("`{item}`: expected SERVICE=RATE, e.g. sesv2=1"))?;
            let rate = |service: &str| match value {
                "off" | "0" | "unlimited" => Ok(None),
                "auto" => Ok(Some(Rate::Auto(documented(service)))),
                v => match v.parse::<f64>() {
                    Ok(r) if r > 0.0 && r.is_finite() => Ok(Some(Rate::Fixed(r))),
                    _ => Err(format!(
                        "`{item}`: rate must be a positive number, `auto` or `off`"
                    )),
                },
            };
            match service {
                "sesv2" | "ses" => rates.sesv2 = rate("sesv2")?,
                "sns" => rates.sns = rate("sns")?,
                "iam" => rates.iam = rate("iam")?,
                "events" | "eventbridge" => rates.events = rate("events")?,
                "logs" => rates.logs = rate("logs")?,
                "all" => {
                    rates = Rates {
                        sesv2: rate("sesv2")?,
                        sns: rate("sns")?,
                        iam: rate("iam")?,
                        events: rate("events")?,
                        logs: rate("logs")?,
                    }
                }
                other => {
                    return Err(format!(
                        "`{other}` is not a service; use sesv2, sns, iam, events, logs or all"
                    ));
                }
            }
        }
        Ok(rates)
    }
}

/// Spaces calls to one service evenly at its rate. With [`Rate::Auto`] the rate moves (AIMD,
/// as TCP does): every answer that is not a throttle adds `start / rate`, so the rate climbs
/// by `start` requests per second each second; a throttle halves it, once per round of
/// requests sent at the same rate (the generation), since a burst of requests in flight
/// comes back throttled together.
#[derive(Debug)]
pub struct Pacer {
    state: std::sync::Mutex<PaceState>,
    /// Callers sleeping in [`Pacer::wait`] right now, for progress output.
    waiting: AtomicU64,
    throttles: AtomicU64,
}

#[derive(Debug)]
struct PaceState {
    rate: Option<f64>,
    /// `Some(start)` when adaptive.
    auto: Option<f64>,
    next: Instant,
    generation: u64,
}

impl Pacer {
    pub fn new(rate: Option<Rate>) -> Pacer {
        let (rate, auto) = match rate {
            None => (None, None),
            Some(Rate::Fixed(r)) => (Some(r), None),
            Some(Rate::Auto(start)) => (Some(start), Some(start)),
        };
        Pacer {
            state: std::sync::Mutex::new(PaceState {
                rate,
                auto,
                next: Instant::now(),
                generation: 0,
            }),
            waiting: AtomicU64::new(0),
            throttles: AtomicU64::new(0),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, PaceState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub async fn wait(&self) {
        let slot = {
            let mut state = self.state();
            let Some(rate) = state.rate else {
                return;
            };
            let slot = state.next.max(Instant::now());
            state.next = slot + Duration::from_secs_f64(1.0 / rate);
            slot
        };
        if slot > Instant::now() {
            self.waiting.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep_until(slot).await;
            self.waiting.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Whether the rate adapts ([`Rate::Auto`]).
    pub fn is_auto(&self) -> bool {
        self.state().auto.is_some()
    }

    /// The current rate (requests per second), `None` when unpaced.
    pub fn rate(&self) -> Option<f64> {
        self.state().rate
    }

    /// Callers waiting for their turn right now.
    pub fn waiting(&self) -> u64 {
        self.waiting.load(Ordering::Relaxed)
    }

    /// Throttled answers seen (429 or a throttling error code), retried by the SDK.
    pub fn throttles(&self) -> u64 {
        self.throttles.load(Ordering::Relaxed)
    }

    /// Which round of rate a request is sent in; pass it back to [`Pacer::answered`].
    pub fn generation(&self) -> u64 {
        self.state().generation
    }

    /// An answer came back for a request sent in `generation`.
    pub fn answered(&self, generation: u64, throttled: bool) {
        if throttled {
            self.throttles.fetch_add(1, Ordering::Relaxed);
        }
        let mut state = self.state();
        let (Some(start), Some(rate)) = (state.auto, state.rate) else {
            return;
        };
        if throttled {
            if generation == state.generation {
                let halved = (rate / 2.0).max(start / 4.0);
                state.rate = Some(halved);
                state.generation += 1;
                // Let the bucket refill before the next request.
                state.next = state.next.max(Instant::now()) + Duration::from_secs_f64(1.0 / halved);
            }
        } else {
            state.rate = Some((rate + start / rate).min(start * 100.0));
        }
    }
}

/// Calls made, per service and operation, for `-v` output and the benchmark.
#[derive(Debug, Default)]
pub struct CallCounter {
    counts: std::sync::Mutex<BTreeMap<String, u64>>,
    total: AtomicU64,
}

impl CallCounter {
    pub fn record(&self, service: &str, operation: &str) {
        self.total.fetch_add(1, Ordering::Relaxed);
        *self
            .counts
            .lock()
            .expect("counter lock")
            .entry(format!("{service}:{operation}"))
            .or_default() += 1;
    }

    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    pub fn by_operation(&self) -> BTreeMap<String, u64> {
        self.counts.lock().expect("counter lock").clone()
    }
}

/// One service's pacing and call counting. Every request goes through [`Meter::send`] (a
/// paginator's pages through [`Meter::page`]), which names the operation once: it waits for the
/// service's pace, counts the call, sends, and maps an error to [`AwsError`].
#[derive(Clone)]
pub(crate) struct Meter {
    service: &'static str,
    pacer: Arc<Pacer>,
    counter: Arc<CallCounter>,
}

impl Meter {
    pub(crate) fn new(
        service: &'static str,
        pacer: Arc<Pacer>,
        counter: Arc<CallCounter>,
    ) -> Meter {
        Meter {
            service,
            pacer,
            counter,
        }
    }

    pub(crate) async fn call(&self, operation: &str) {
        self.pacer.wait().await;
        self.counter.record(self.service, operation);
    }

    /// Sends `request` (an SDK `send()` future, which sends nothing until awaited here).
    pub(crate) async fn send<T, E, R>(
        &self,
        operation: &str,
        resource: &str,
        request: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> AwsResult<T>
    where
        E: std::error::Error + Send + Sync + CreateUnhandledError + ProvideErrorMetadata + 'static,
        R: fmt::Debug + Send + Sync + 'static,
    {
        self.call(operation).await;
        request
            .await
            .map_err(|e| AwsError::from_sdk(operation, resource, &e.into_service_error()))
    }

    /// The next page of a paginator (`pages.next()`), paced and counted like any request:
    /// the paginator sends the next request only when polled. `None` after the last page.
    pub(crate) async fn page<T, E, R>(
        &self,
        operation: &str,
        resource: &str,
        next: impl Future<Output = Option<Result<T, SdkError<E, R>>>>,
    ) -> AwsResult<Option<T>>
    where
        E: std::error::Error + Send + Sync + CreateUnhandledError + ProvideErrorMetadata + 'static,
        R: fmt::Debug + Send + Sync + 'static,
    {
        self.call(operation).await;
        next.await
            .transpose()
            .map_err(|e| AwsError::from_sdk(operation, resource, &e.into_service_error()))
    }
}

/// The three service clients, built once and cloned.
#[derive(Clone)]
pub struct Clients {
    pub ses: sesv2::Ses,
    pub sns: sns::Sns,
    pub iam: iam::Iam,
    pub sts: sts::Sts,
    pub ssm: ssm::Ssm,
    /// CloudWatch Logs and EventBridge: the event log (plan, apply, `events`, `why`).
    pub logs: logs::Logs,
    pub events: eventbridge::EventBridge,
    pub counter: Arc<CallCounter>,
    pub pacers: Pacers,
    pub region: String,
}

/// The pacers of the paced services, for progress output and the rate reached.
#[derive(Clone)]
pub struct Pacers {
    pub sesv2: Arc<Pacer>,
    pub sns: Arc<Pacer>,
    pub iam: Arc<Pacer>,
    pub events: Arc<Pacer>,
    pub logs: Arc<Pacer>,
}

impl Pacers {
    pub fn each(&self) -> [(&'static str, &Pacer); 5] {
        [
            ("sesv2", &self.sesv2),
            ("sns", &self.sns),
            ("iam", &self.iam),
            ("events", &self.events),
            ("logs", &self.logs),
        ]
    }
}

impl Clients {
    pub async fn connect(options: &AwsOptions) -> Result<Clients, AwsError> {
        let retry = match options.retry {
            RetryMode::Standard => RetryConfig::standard(),
            RetryMode::Adaptive => RetryConfig::adaptive(),
        }
        .with_max_attempts(options.max_attempts.max(1));
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(aws_config::Region::new(options.region.clone()))
            .retry_config(retry)
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(10))
                    .operation_attempt_timeout(Duration::from_secs(30))
                    .build(),
            );
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(url) = &options.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let config = loader.load().await;
        check_credentials(&config).await?;
        let counter = Arc::new(CallCounter::default());
        let pacers = Pacers {
            sesv2: Arc::new(Pacer::new(options.rates.sesv2)),
            sns: Arc::new(Pacer::new(options.rates.sns)),
            iam: Arc::new(Pacer::new(options.rates.iam)),
            events: Arc::new(Pacer::new(options.rates.events)),
            logs: Arc::new(Pacer::new(options.rates.logs)),
        };
        Ok(Clients {
            ses: sesv2::Ses::new(&config, pacers.sesv2.clone(), counter.clone()),
            sns: sns::Sns::new(&config, pacers.sns.clone(), counter.clone()),
            iam: iam::Iam::new(&config, pacers.iam.clone(), counter.clone())
                .with_create_attempts(options.max_attempts.max(1)),
            sts: sts::Sts::new(&config, counter.clone()),
            ssm: ssm::Ssm::new(&config, counter.clone()),
            logs: logs::Logs::new(&config, pacers.logs.clone(), counter.clone()),
            events: eventbridge::EventBridge::new(&config, pacers.events.clone(), counter.clone()),
            counter,
            pacers,
            region: options.region.clone(),
        })
    }
}

/// The region the AWS CLI would use without `--region`: `AWS_REGION` (or
/// `AWS_DEFAULT_REGION`), else the profile's `region` in the shared config file. Instance
/// metadata is not asked: sesform never calls off-box for a default.
pub async fn default_region(profile: Option<&str>) -> Option<String> {
    use aws_config::meta::region::RegionProviderChain;
    let mut from_profile = aws_config::profile::ProfileFileRegionProvider::builder();
    if let Some(profile) = profile {
        from_profile = from_profile.profile_name(profile);
    }
    RegionProviderChain::first_try(
        aws_config::environment::EnvironmentVariableRegionProvider::new(),
    )
    .or_else(from_profile.build())
    .region()
    .await
    .map(|region| region.to_string())
}

async fn check_credentials(config: &aws_config::SdkConfig) -> Result<(), AwsError> {
    use aws_credential_types::provider::ProvideCredentials;
    let Some(provider) = config.credentials_provider() else {
        return Err(AwsError::config(
            "no AWS credentials provider is configured".into(),
        ));
    };
    provider.provide_credentials().await.map(|_| ()).map_err(|e| {
        use aws_credential_types::provider::error::CredentialsError;
        let next_step = "set AWS_PROFILE (or --profile) to a profile with credentials, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
        AwsError::config(match &e {
            CredentialsError::CredentialsNotLoaded(_) => {
                format!("no AWS credentials found; {next_step}.\n{}", error_chain(&e))
            }
            _ => format!(
                "the AWS credentials could not be loaded: {}\n({next_step})",
                error_chain(&e)
            ),
        })
    })
}

/// An error and its sources in words (`Display` only: the SDK's `Debug` forms are not for
/// people), each cause once.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// What went wrong, in categories callers act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    AlreadyExists,
    Conflict,
    Throttled,
    AccessDenied,
    Invalid,
    Config,
    Other,
}

/// A failed AWS call: which operation, on what, and the service's own words.
#[derive(Debug, Clone)]
pub struct AwsError {
    pub kind: ErrorKind,
    pub operation: String,
    pub resource: String,
    pub message: String,
}

impl AwsError {
    /// A request AWS refused for its content (a failed entry of a batch call, say).
    pub fn invalid(operation: &str, resource: &str, message: String) -> AwsError {
        AwsError {
            kind: ErrorKind::Invalid,
            operation: operation.to_string(),
            resource: resource.to_string(),
            message,
        }
    }

    pub fn config(message: String) -> AwsError {
        AwsError {
            kind: ErrorKind::Config,
            operation: String::new(),
            resource: String::new(),
            message,
        }
    }

    /// Builds an error from any SDK error, classifying it by its error code.
    pub(crate) fn from_sdk<E>(operation: &str, resource: &str, error: &E) -> AwsError
    where
        E: std::error::Error + aws_smithy_types::error::metadata::ProvideErrorMetadata + 'static,
    {
        let code = error.code().unwrap_or_default();
        let kind = match code {
            "NotFoundException"
            | "NoSuchEntity"
            | "NotFound"
            | "ResourceNotFoundException"
            | "ParameterNotFound" => ErrorKind::NotFound,
            "AlreadyExistsException"
            | "ResourceAlreadyExistsException"
            | "EntityAlreadyExists"
            | "ParameterAlreadyExists" => ErrorKind::AlreadyExists,
            "ConflictException" | "ConcurrentModificationException" => ErrorKind::Conflict,
            "TooManyRequestsException" | "Throttling" | "ThrottlingException" | "Throttled" => {
                ErrorKind::Throttled
            }
            "AccessDenied"
            | "AccessDeniedException"
            | "AuthorizationError"
            | "UnrecognizedClientException"
            | "InvalidClientTokenId"
            | "SignatureDoesNotMatch" => ErrorKind::AccessDenied,
            "BadRequestException"
            | "InvalidParameter"
            | "InvalidParameterValue"
            | "ValidationError"
            | "MalformedPolicyDocument"
            | "LimitExceededException"
            | "LimitExceeded" => ErrorKind::Invalid,
            _ => ErrorKind::Other,
        };
        let message = match (error.code(), error.message()) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.to_string(),
            _ => {
                let context = aws_smithy_types::error::display::DisplayErrorContext(error);
                with_endpoint_hint(context.to_string())
            }
        };
        AwsError {
            kind,
            operation: operation.to_string(),
            resource: resource.to_string(),
            message,
        }
    }
}

/// An error with no service error code never came from the service: say where to look.
fn with_endpoint_hint(message: String) -> String {
    let hint = if message.contains("timed out") || message.contains("timeout") {
        "the endpoint did not answer in time; it may be overloaded, or unreachable (check the network, --endpoint-url and AWS_ENDPOINT_URL_*)"
    } else if message.contains("dispatch failure") {
        "the endpoint could not be reached; check the network, --endpoint-url and AWS_ENDPOINT_URL_*"
    } else if message.contains("pars") || message.contains("deserializ") {
        "the endpoint answered, but not as this AWS service does; check that --endpoint-url or AWS_ENDPOINT_URL_<SERVICE> points at it"
    } else {
        return message;
    };
    format!("{message} ({hint})")
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operation.is_empty() {
            return f.write_str(&self.message);
        }
        if self.resource.is_empty() {
            return write!(f, "{}: {}", self.operation, self.message);
        }
        write!(f, "{} {}: {}", self.operation, self.resource, self.message)
    }
}

impl std::error::Error for AwsError {}

pub type AwsResult<T> = Result<T, AwsError>;

/// Reads and deletes of something that may not exist.
pub(crate) trait Found<T> {
    /// `Ok(None)` for NotFound.
    fn found(self) -> AwsResult<Option<T>>;
    /// Success either way for NotFound: what a delete wants gone is gone.
    fn gone(self) -> AwsResult<()>;
}

impl<T> Found<T> for AwsResult<T> {
    fn found(self) -> AwsResult<Option<T>> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn gone(self) -> AwsResult<()> {
        self.found().map(|_| ())
    }
}

/// Brings a resource's tags from `before` to `after` with the service's own calls: `untag`
/// the keys removed, then `tag` the new or changed values; one call of each at most, none
/// when nothing changed. SESv2, SNS and IAM all tag this way.
pub(crate) async fn retag<U, T>(
    before: &crate::model::Tags,
    after: &crate::model::Tags,
    untag: impl FnOnce(Vec<String>) -> U,
    tag: impl FnOnce(crate::model::Tags) -> T,
) -> AwsResult<()>
where
    U: Future<Output = AwsResult<()>>,
    T: Future<Output = AwsResult<()>>,
{
    let (removed, changed) = tag_changes(before, after);
    if !removed.is_empty() {
        untag(removed).await?;
    }
    if !changed.is_empty() {
        tag(changed).await?;
    }
    Ok(())
}

/// Keys to remove, and tags to set (new or changed values).
fn tag_changes(
    before: &crate::model::Tags,
    after: &crate::model::Tags,
) -> (Vec<String>, crate::model::Tags) {
    let removed = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .cloned()
        .collect();
    let changed = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (removed, changed)
}

/// A time (seconds since the epoch) as RFC 3339 UTC, e.g. `2026-12-05T07:30:00Z`.
pub fn rfc3339(epoch_seconds: i64) -> String {
    aws_smithy_types::DateTime::from_secs(epoch_seconds)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| epoch_seconds.to_string())
}

/// Why `url` cannot be an AWS endpoint, if it cannot: an endpoint is an `http://` or
/// `https://` URL with a host (and, optionally, a port and a path).
pub fn check_endpoint_url(url: &str) -> Result<(), String> {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = ["https://", "http://"]
        .iter()
        .find_map(|scheme| lower.starts_with(scheme).then(|| &url[scheme.len()..]))
    else {
        return Err("is not an http:// or https:// URL (e.g. `http://127.0.0.1:4566`)".into());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        match v6.split_once(']') {
            Some((host, rest)) => (host, rest.strip_prefix(':')),
            None => return Err("has an unclosed `[` in its host".into()),
        }
    } else {
        match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return Err("has no host (e.g. `http://127.0.0.1:4566`)".into());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains whitespace".into());
    }
    if let Some(port) = port
        && port.parse::<u16>().map_or(true, |p| p == 0)
    {
        return Err(format!("has an invalid port `{port}`"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls() {
        for ok in [
            "http://127.0.0.1:4566",
            "https://email.eu-west-1.amazonaws.com",
            "HTTP://localhost:8080/path",
            "http://[::1]:9000",
        ] {
            assert_eq!(check_endpoint_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "not-a-url",
            "ftp://example.com",
            "http://",
            "http://:80",
            "http://h:port",
            "http://h:0",
            "http://a b",
        ] {
            assert!(check_endpoint_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rates_parse_over_the_defaults() {
        let rates = Rates::parse("sns=5, iam=off").unwrap();
        assert_eq!(rates.sesv2, Some(Rate::Fixed(1.0)));
        assert_eq!(rates.sns, Some(Rate::Fixed(5.0)));
        assert_eq!(rates.iam, None);
        assert_eq!(
            Rates::parse("all=off").unwrap(),
            Rates {
                sesv2: None,
                sns: None,
                iam: None,
                events: None,
                logs: None,
            }
        );
        assert_eq!(
            Rates::parse("all=auto").unwrap(),
            Rates {
                sesv2: Some(Rate::Auto(1.0)),
                sns: Some(Rate::Auto(30.0)),
                iam: Some(Rate::Auto(10.0)),
                events: Some(Rate::Auto(50.0)),
                logs: Some(Rate::Auto(5.0)),
            }
        );
        assert_eq!(Rates::parse("logs=2").unwrap().logs, Some(Rate::Fixed(2.0)));
        assert_eq!(Rates::parse("").unwrap(), Rates::default());
    }

    #[test]
    fn auto_rates_climb_while_answered_and_halve_once_per_generation() {
        let pacer = Pacer::new(Some(Rate::Auto(1.0)));
        for _ in 0..20 {
            pacer.answered(pacer.generation(), false);
        }
        let climbed = pacer.rate().unwrap();
        assert!(climbed > 5.0, "{climbed}");
        let sent_in = pacer.generation();
        // A burst in flight comes back throttled together: one halving.
        for _ in 0..4 {
            pacer.answered(sent_in, true);
        }
        assert_eq!(pacer.rate(), Some(climbed / 2.0));
        assert_eq!(pacer.throttles(), 4);
        // Never below a quarter of the start.
        for _ in 0..20 {
            pacer.answered(pacer.generation(), true);
        }
        assert_eq!(pacer.rate(), Some(0.25));
        let fixed = Pacer::new(Some(Rate::Fixed(2.0)));
        fixed.answered(0, true);
        fixed.answered(0, false);
        assert_eq!(fixed.rate(), Some(2.0));
    }

    #[test]
    fn errors_without_a_service_code_point_at_the_endpoint() {
        assert!(
            with_endpoint_hint("unhandled error: error parsing XML: no root element".into())
                .contains("AWS_ENDPOINT_URL_<SERVICE>")
        );
        assert!(
            with_endpoint_hint("dispatch failure: io error: Connection refused".into())
                .contains("could not be reached")
        );
        assert_eq!(with_endpoint_hint("other".into()), "other");
    }

    #[test]
    fn bad_rates_say_what_is_wrong() {
        assert!(Rates::parse("ses").unwrap_err().contains("SERVICE=RATE"));
        assert!(Rates::parse("sns=-1").unwrap_err().contains("positive"));
        assert!(Rates::parse("sns=NaN").unwrap_err().contains("positive"));
        assert!(Rates::parse("ec2=1").unwrap_err().contains("not a service"));
    }
}
