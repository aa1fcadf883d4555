//! CloudWatch Logs: the event log's log group and resource policy (plan, apply), and reading
//! its events back (`sesform events`, `sesform why`: FilterLogEvents, page by page, paced).

use std::sync::Arc;

use aws_sdk_cloudwatchlogs as logs;

use super::{AwsError, AwsResult, CallCounter, ErrorKind, Found, Meter, Pacer};
use crate::model::Tags;

const SERVICE: &str = "logs";

#[derive(Clone)]
pub struct Logs {
    client: logs::Client,
    meter: Meter,
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
    /// Paced at the `logs` rate of `--api-rate` (default 5/s: FilterLogEvents' quota, so a long
    /// `--follow` and a paged read stay under it).
    pub fn new(
        config: &aws_config::SdkConfig,
        pacer: Arc<Pacer>,
        counter: Arc<CallCounter>,
    ) -> Logs {
        Logs {
            client: logs::Client::from_conf(
                logs::config::Builder::from(config)
                    .interceptor(super::observe::Observer::new(SERVICE, Some(pacer.clone())))
                    .build(),
            ),
            meter: Meter::new(SERVICE, pacer, counter),
        }
    }

    /// One page of FilterLogEvents. A missing log group is `ErrorKind::NotFound`.
    pub async fn filter_page(&self, query: &LogQuery, token: Option<String>) -> AwsResult<LogPage> {
        let out = self
            .meter
            .send(
                "FilterLogEvents",
                &query.group,
                self.client
                    .filter_log_events()
                    .log_group_name(&query.group)
                    .set_start_time(query.start_ms)
                    .set_end_time(query.end_ms)
                    .set_filter_pattern(query.pattern.clone())
                    .set_limit(query.page_size)
                    .set_next_token(token)
                    .send(),
            )
            .await?;
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

/// A log group as DescribeLogGroups and ListTagsForResource report it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveLogGroup {
    pub name: String,
    /// The group's ARN without the `:*` suffix DescribeLogGroups' `arn` carries (the form
    /// tagging and EventBridge targets use).
    pub arn: String,
    /// `None`: events never expire.
    pub retention_days: Option<i32>,
    pub tags: Tags,
}

impl Logs {
    /// The log group named exactly `name`, with its tags; `None` when there is none.
    pub async fn log_group(&self, name: &str) -> AwsResult<Option<LiveLogGroup>> {
        // DescribeLogGroups matches by prefix: one page holds the exact name when it exists,
        // since names sort before their extensions.
        let out = self
            .meter
            .send(
                "DescribeLogGroups",
                name,
                self.client
                    .describe_log_groups()
                    .log_group_name_prefix(name)
                    .limit(1)
                    .send(),
            )
            .await?;
        let Some(group) = out
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(name))
        else {
            return Ok(None);
        };
        let arn = group
            .log_group_arn()
            .map(str::to_string)
            .or_else(|| group.arn().map(|a| a.trim_end_matches(":*").to_string()))
            .unwrap_or_default();
        let tags = self
            .meter
            .send(
                "ListTagsForResource",
                &arn,
                self.client
                    .list_tags_for_resource()
                    .resource_arn(&arn)
                    .send(),
            )
            .await?;
        Ok(Some(LiveLogGroup {
            name: name.to_string(),
            retention_days: group.retention_in_days(),
            tags: tags
                .tags()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .collect(),
            arn,
        }))
    }

    pub async fn create_log_group(&self, name: &str, tags: &Tags) -> AwsResult<()> {
        self.meter
            .send(
                "CreateLogGroup",
                name,
                self.client
                    .create_log_group()
                    .log_group_name(name)
                    .set_tags(Some(tags.clone().into_iter().collect()))
                    .send(),
            )
            .await
            .map(|_| ())
    }

    pub async fn put_retention(&self, name: &str, days: i32) -> AwsResult<()> {
        self.meter
            .send(
                "PutRetentionPolicy",
                name,
                self.client
                    .put_retention_policy()
                    .log_group_name(name)
                    .retention_in_days(days)
                    .send(),
            )
            .await
            .map(|_| ())
    }

    /// Deletes the group and every event in it.
    pub async fn delete_log_group(&self, name: &str) -> AwsResult<()> {
        self.meter
            .send(
                "DeleteLogGroup",
                name,
                self.client.delete_log_group().log_group_name(name).send(),
            )
            .await
            .gone()
    }

    pub async fn retag(&self, arn: &str, before: &Tags, after: &Tags) -> AwsResult<()> {
        super::retag(
            before,
            after,
            |keys| async move {
                self.meter
                    .send(
                        "UntagResource",
                        arn,
                        self.client
                            .untag_resource()
                            .resource_arn(arn)
                            .set_tag_keys(Some(keys))
                            .send(),
                    )
                    .await
                    .map(|_| ())
            },
            |tags| async move {
                self.meter
                    .send(
                        "TagResource",
                        arn,
                        self.client
                            .tag_resource()
                            .resource_arn(arn)
                            .set_tags(Some(tags.into_iter().collect()))
                            .send(),
                    )
                    .await
                    .map(|_| ())
            },
        )
        .await
    }

    /// The account's resource policies in the region (at most 10), by name, with documents.
    pub async fn resource_policies(&self) -> AwsResult<Vec<(String, String)>> {
        let mut policies = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .meter
                .send(
                    "DescribeResourcePolicies",
                    "",
                    self.client
                        .describe_resource_policies()
                        .set_next_token(token)
                        .send(),
                )
                .await?;
            policies.extend(out.resource_policies().iter().map(|p| {
                (
                    p.policy_name().unwrap_or_default().to_string(),
                    p.policy_document().unwrap_or_default().to_string(),
                )
            }));
            match out.next_token() {
                Some(next) => token = Some(next.to_string()),
                None => return Ok(policies),
            }
        }
    }

    /// Creates or replaces a resource policy.
    pub async fn put_resource_policy(&self, name: &str, document: &str) -> AwsResult<()> {
        self.meter
            .send(
                "PutResourcePolicy",
                name,
                self.client
                    .put_resource_policy()
                    .policy_name(name)
                    .policy_document(document)
                    .send(),
            )
            .await
            .map(|_| ())
    }

    pub async fn delete_resource_policy(&self, name: &str) -> AwsResult<()> {
        self.meter
            .send(
                "DeleteResourcePolicy",
                name,
                self.client
                    .delete_resource_policy()
                    .policy_name(name)
                    .send(),
            )
            .await
            .gone()
    }
}

impl Logs {
    /// Events never expire.
    pub async fn delete_retention(&self, name: &str) -> AwsResult<()> {
        self.meter
            .send(
                "DeleteRetentionPolicy",
                name,
                self.client
                    .delete_retention_policy()
                    .log_group_name(name)
                    .send(),
            )
            .await
            .map(|_| ())
    }
}

/// Whether an error means the log group does not exist.
pub fn is_missing_group(error: &AwsError) -> bool {
    error.kind == ErrorKind::NotFound
}
