//! CloudWatch Logs: reading the stack's event log (`sesform events`, `sesform why`). Read-only:
//! FilterLogEvents, page by page, paced.

use std::sync::Arc;

use aws_sdk_cloudwatchlogs as logs;

use super::{AwsError, AwsResult, CallCounter, ErrorKind, Pacer};

const SERVICE: &str = "logs";

/// FilterLogEvents allows 5 requests a second per account and region (CloudWatch Logs
/// quotas); the pacer keeps a long `--follow` and a paged read under it.
pub const DOCUMENTED_RATE: f64 = 5.0;

#[derive(Clone)]
pub struct Logs {
    client: logs::Client,
    pacer: Arc<Pacer>,
    counter: Arc<CallCounter>,
}

/// One log event as FilterLogEvents returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEvent {
    pub id: String,
    /// Milliseconds since the epoch.
    pub timestamp: i64,
    pub message: String,
}

/// What to read: a time window and an optional server-side filter pattern.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    pub group: String,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub pattern: Option<String>,
    /// Events per page (FilterLogEvents `limit`, at most 10,000); `None` = the service's default.
    pub page_size: Option<i32>,
}

/// One page: its events and the token of the next, if any.
#[derive(Debug, Clone, Default)]
pub struct LogPage {
    pub events: Vec<LogEvent>,
    pub next_token: Option<String>,
}

impl Logs {
    pub fn new(config: &aws_config::SdkConfig, counter: Arc<CallCounter>) -> Logs {
        let pacer = Arc::new(Pacer::new(Some(super::Rate::Fixed(DOCUMENTED_RATE))));
        Logs {
            client: logs::Client::from_conf(
                logs::config::Builder::from(config)
                    .interceptor(super::observe::Observer::new("logs", Some(pacer.clone())))
                    .build(),
            ),
            pacer,
            counter,
        }
    }

    async fn call(&self, operation: &str) {
        self.pacer.wait().await;
        self.counter.record(SERVICE, operation);
    }

    /// One page of FilterLogEvents. A missing log group is `ErrorKind::NotFound`.
    pub async fn filter_page(&self, query: &LogQuery, token: Option<String>) -> AwsResult<LogPage> {
        self.call("FilterLogEvents").await;
        let out = self
            .client
            .filter_log_events()
            .log_group_name(&query.group)
            .set_start_time(query.start_ms)
            .set_end_time(query.end_ms)
            .set_filter_pattern(query.pattern.clone())
            .set_limit(query.page_size)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("FilterLogEvents", &query.group, &e.into_service_error())
            })?;
        Ok(LogPage {
            events: out
                .events()
                .iter()
                .map(|e| LogEvent {
                    id: e.event_id().unwrap_or_default().to_string(),
                    timestamp: e.timestamp().unwrap_or_default(),
                    message: e.message().unwrap_or_default().to_string(),
                })
                .collect(),
            next_token: out.next_token().map(str::to_string),
        })
    }
}

/// Whether an error means the log group does not exist.
pub fn is_missing_group(error: &AwsError) -> bool {
    error.kind == ErrorKind::NotFound
}
