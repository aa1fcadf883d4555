//! SNS: the topics SES publishes events to, and their subscriptions.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_sns as sns;
use sns::types::Tag;

use super::{AwsError, AwsResult, CallCounter, ErrorKind, Pacer};
use crate::model::Tags;

const SERVICE: &str = "sns";
/// What SNS reports instead of an ARN until an email or HTTP endpoint confirms.
pub const PENDING_CONFIRMATION: &str = "PendingConfirmation";

#[derive(Clone)]
pub struct Sns {
    client: sns::Client,
    pacer: Arc<Pacer>,
    counter: Arc<CallCounter>,
}

/// A subscription as ListSubscriptionsByTopic reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveSubscription {
    pub arn: String,
    pub protocol: String,
    pub endpoint: String,
}

impl LiveSubscription {
    pub fn confirmed(&self) -> bool {
        self.arn.starts_with("arn:")
    }
}

impl Sns {
    pub fn new(
        config: &aws_config::SdkConfig,
        pacer: Arc<Pacer>,
        counter: Arc<CallCounter>,
    ) -> Sns {
        Sns {
            client: sns::Client::from_conf(
                sns::config::Builder::from(config)
                    .interceptor(super::observe::Observer::new("sns", Some(pacer.clone())))
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

    /// Every topic ARN in the region, 100 per page.
    pub async fn list_topics(&self) -> AwsResult<Vec<String>> {
        let mut arns = Vec::new();
        let mut pages = self.client.list_topics().into_paginator().send();
        // Paced page by page: the paginator sends the next request only when polled.
        loop {
            self.call("ListTopics").await;
            let Some(page) = pages.next().await else {
                return Ok(arns);
            };
            let page =
                page.map_err(|e| AwsError::from_sdk("ListTopics", "", &e.into_service_error()))?;
            arns.extend(
                page.topics()
                    .iter()
                    .filter_map(|t| t.topic_arn().map(str::to_string)),
            );
            if page.next_token().is_none() {
                return Ok(arns);
            }
        }
    }

    pub async fn tags(&self, arn: &str) -> AwsResult<Tags> {
        self.call("ListTagsForResource").await;
        let out = self
            .client
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListTagsForResource", arn, &e.into_service_error()))?;
        Ok(out
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect())
    }

    pub async fn subscriptions(&self, topic_arn: &str) -> AwsResult<Vec<LiveSubscription>> {
        let mut subs = Vec::new();
        let mut pages = self
            .client
            .list_subscriptions_by_topic()
            .topic_arn(topic_arn)
            .into_paginator()
            .send();
        loop {
            self.call("ListSubscriptionsByTopic").await;
            let Some(page) = pages.next().await else {
                return Ok(subs);
            };
            let page = page.map_err(|e| {
                AwsError::from_sdk(
                    "ListSubscriptionsByTopic",
                    topic_arn,
                    &e.into_service_error(),
                )
            })?;
            subs.extend(page.subscriptions().iter().map(|s| LiveSubscription {
                arn: s.subscription_arn().unwrap_or_default().to_string(),
                protocol: s.protocol().unwrap_or_default().to_string(),
                endpoint: s.endpoint().unwrap_or_default().to_string(),
            }));
            if page.next_token().is_none() {
                return Ok(subs);
            }
        }
    }

    pub async fn raw_message_delivery(&self, subscription_arn: &str) -> AwsResult<bool> {
        self.call("GetSubscriptionAttributes").await;
        let out = self
            .client
            .get_subscription_attributes()
            .subscription_arn(subscription_arn)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    "GetSubscriptionAttributes",
                    subscription_arn,
                    &e.into_service_error(),
                )
            })?;
        Ok(out
            .attributes()
            .and_then(|a| a.get("RawMessageDelivery"))
            .is_some_and(|v| v.eq_ignore_ascii_case("true")))
    }

    /// Creates the topic (idempotent in SNS: an existing topic's ARN is returned).
    pub async fn create_topic(&self, name: &str, tags: &Tags) -> AwsResult<String> {
        self.call("CreateTopic").await;
        let out = self
            .client
            .create_topic()
            .name(name)
            .set_tags(Some(sdk_tags(tags)))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("CreateTopic", name, &e.into_service_error()))?;
        Ok(out.topic_arn().unwrap_or_default().to_string())
    }

    pub async fn retag(&self, arn: &str, before: &Tags, after: &Tags) -> AwsResult<()> {
        let (removed, changed) = super::tag_changes(before, after);
        if !removed.is_empty() {
            self.call("UntagResource").await;
            self.client
                .untag_resource()
                .resource_arn(arn)
                .set_tag_keys(Some(removed))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("UntagResource", arn, &e.into_service_error()))?;
        }
        if !changed.is_empty() {
            self.call("TagResource").await;
            self.client
                .tag_resource()
                .resource_arn(arn)
                .set_tags(Some(sdk_tags(&changed)))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("TagResource", arn, &e.into_service_error()))?;
        }
        Ok(())
    }

    pub async fn delete_topic(&self, arn: &str) -> AwsResult<()> {
        self.call("DeleteTopic").await;
        match self.client.delete_topic().topic_arn(arn).send().await {
            Ok(_) => Ok(()),
            Err(e) => ignore_not_found(AwsError::from_sdk(
                "DeleteTopic",
                arn,
                &e.into_service_error(),
            )),
        }
    }

    /// Subscribes an endpoint. Email and HTTP endpoints stay pending until they confirm.
    pub async fn subscribe(
        &self,
        topic_arn: &str,
        protocol: &str,
        endpoint: &str,
        raw: bool,
    ) -> AwsResult<()> {
        self.call("Subscribe").await;
        let attributes: HashMap<String, String> = if raw {
            HashMap::from([("RawMessageDelivery".to_string(), "true".to_string())])
        } else {
            HashMap::new()
        };
        self.client
            .subscribe()
            .topic_arn(topic_arn)
            .protocol(protocol)
            .endpoint(endpoint)
            .set_attributes((!attributes.is_empty()).then_some(attributes))
            .return_subscription_arn(true)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    "Subscribe",
                    &format!("{protocol}:{endpoint}"),
                    &e.into_service_error(),
                )
            })?;
        Ok(())
    }

    pub async fn set_raw_message_delivery(
        &self,
        subscription_arn: &str,
        raw: bool,
    ) -> AwsResult<()> {
        self.call("SetSubscriptionAttributes").await;
        self.client
            .set_subscription_attributes()
            .subscription_arn(subscription_arn)
            .attribute_name("RawMessageDelivery")
            .attribute_value(raw.to_string())
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    "SetSubscriptionAttributes",
                    subscription_arn,
                    &e.into_service_error(),
                )
            })?;
        Ok(())
    }

    pub async fn unsubscribe(&self, subscription_arn: &str) -> AwsResult<()> {
        self.call("Unsubscribe").await;
        match self
            .client
            .unsubscribe()
            .subscription_arn(subscription_arn)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => ignore_not_found(AwsError::from_sdk(
                "Unsubscribe",
                subscription_arn,
                &e.into_service_error(),
            )),
        }
    }
}

fn ignore_not_found(e: AwsError) -> AwsResult<()> {
    if e.kind == ErrorKind::NotFound {
        Ok(())
    } else {
        Err(e)
    }
}

fn sdk_tags(tags: &Tags) -> Vec<Tag> {
    tags.iter()
        .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
        .collect()
}
