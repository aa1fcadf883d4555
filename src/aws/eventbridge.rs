//! EventBridge: the rule on the default bus that carries a stack's SES events to its event log.

use std::sync::Arc;

use aws_sdk_eventbridge as eventbridge;
use eventbridge::types::{RuleState, Tag, Target};

use super::{AwsResult, CallCounter, Found, Meter, Pacer};
use crate::model::Tags;

const SERVICE: &str = "events";

#[derive(Clone)]
pub struct EventBridge {
    client: eventbridge::Client,
    meter: Meter,
}

/// A rule as DescribeRule, ListTargetsByRule and ListTagsForResource report it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveRule {
    pub name: String,
    pub arn: String,
    /// The event pattern as EventBridge keeps it (any JSON formatting).
    pub pattern: String,
    pub enabled: bool,
    pub description: String,
    /// Target ARNs by target id.
    pub targets: Vec<(String, String)>,
    pub tags: Tags,
}

impl LiveRule {
    /// The ARN of the target with this id.
    pub fn target(&self, id: &str) -> Option<&str> {
        self.targets
            .iter()
            .find(|(target, _)| target == id)
            .map(|(_, arn)| arn.as_str())
    }
}

/// What sesform writes into a rule.
#[derive(Debug, Clone)]
pub struct RuleSpec<'a> {
    pub name: &'a str,
    pub pattern: &'a str,
    pub enabled: bool,
    pub description: &'a str,
}

impl EventBridge {
    pub fn new(
        config: &aws_config::SdkConfig,
        pacer: Arc<Pacer>,
        counter: Arc<CallCounter>,
    ) -> EventBridge {
        EventBridge {
            client: eventbridge::Client::from_conf(
                eventbridge::config::Builder::from(config)
                    .interceptor(super::observe::Observer::new(SERVICE, Some(pacer.clone())))
                    .build(),
            ),
            meter: Meter::new(SERVICE, pacer, counter),
        }
    }

    /// The rule on the default bus with its targets and tags; `None` when there is none.
    pub async fn rule(&self, name: &str) -> AwsResult<Option<LiveRule>> {
        let Some(rule) = self
            .meter
            .send(
                "DescribeRule",
                name,
                self.client.describe_rule().name(name).send(),
            )
            .await
            .found()?
        else {
            return Ok(None);
        };
        let arn = rule.arn().unwrap_or_default().to_string();
        let targets = self
            .meter
            .send(
                "ListTargetsByRule",
                name,
                self.client.list_targets_by_rule().rule(name).send(),
            )
            .await?;
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
        Ok(Some(LiveRule {
            name: name.to_string(),
            pattern: rule.event_pattern().unwrap_or_default().to_string(),
            enabled: rule.state() != Some(&RuleState::Disabled),
            description: rule.description().unwrap_or_default().to_string(),
            targets: targets
                .targets()
                .iter()
                .map(|t| (t.id().to_string(), t.arn().to_string()))
                .collect(),
            tags: tags
                .tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect(),
            arn,
        }))
    }

    /// Creates or updates the rule (PutRule is both); tags are set only on creation
    /// (`tags`), later through [`EventBridge::retag`]. Answers the rule's ARN.
    pub async fn put_rule(&self, rule: &RuleSpec<'_>, tags: Option<&Tags>) -> AwsResult<String> {
        let state = if rule.enabled {
            RuleState::Enabled
        } else {
            RuleState::Disabled
        };
        let tags = tags.map(|tags| {
            tags.iter()
                .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
                .collect()
        });
        let out = self
            .meter
            .send(
                "PutRule",
                rule.name,
                self.client
                    .put_rule()
                    .name(rule.name)
                    .event_pattern(rule.pattern)
                    .state(state)
                    .description(rule.description)
                    .set_tags(tags)
                    .send(),
            )
            .await?;
        Ok(out.rule_arn().unwrap_or_default().to_string())
    }

    /// Sets the rule's one target (PutTargets replaces a target with the same id).
    pub async fn put_target(&self, rule: &str, id: &str, arn: &str) -> AwsResult<()> {
        let target = Target::builder()
            .id(id)
            .arn(arn)
            .build()
            .map_err(|e| super::AwsError::invalid("PutTargets", rule, e.to_string()))?;
        let out = self
            .meter
            .send(
                "PutTargets",
                rule,
                self.client.put_targets().rule(rule).targets(target).send(),
            )
            .await?;
        match out.failed_entries().first() {
            Some(failed) => Err(super::AwsError::invalid(
                "PutTargets",
                rule,
                format!(
                    "{}: {}",
                    failed.error_code().unwrap_or("failed"),
                    failed.error_message().unwrap_or_default()
                ),
            )),
            None => Ok(()),
        }
    }

    /// Removes the rule's targets, then the rule (EventBridge refuses to delete a rule that
    /// still has targets).
    pub async fn delete_rule(&self, name: &str, target_ids: &[String]) -> AwsResult<()> {
        if !target_ids.is_empty() {
            self.meter
                .send(
                    "RemoveTargets",
                    name,
                    self.client
                        .remove_targets()
                        .rule(name)
                        .set_ids(Some(target_ids.to_vec()))
                        .send(),
                )
                .await
                .gone()?;
        }
        self.meter
            .send(
                "DeleteRule",
                name,
                self.client.delete_rule().name(name).send(),
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
                let tags = tags
                    .iter()
                    .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
                    .collect();
                self.meter
                    .send(
                        "TagResource",
                        arn,
                        self.client
                            .tag_resource()
                            .resource_arn(arn)
                            .set_tags(Some(tags))
                            .send(),
                    )
                    .await
                    .map(|_| ())
            },
        )
        .await
    }
}
