//! SNS: the topics SES publishes events to, and their subscriptions.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_sns as sns;
use sns::types::Tag;

use super::{AwsResult, CallCounter, Found, Meter, Pacer};
use crate::model::Tags;

const SERVICE: &str = "sns";
/// What SNS reports instead of an ARN until an email or HTTP endpoint confirms.
pub const PENDING_CONFIRMATION: &str = "PendingConfirmation";

#[derive(Clone)]
pub struct Sns {
    client: sns::Client,
    meter: Meter,
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
            meter: Meter::new(SERVICE, pacer, counter),
        }
    }

    /// Every topic ARN in the region, 100 per page.
    pub async fn list_topics(&self) -> AwsResult<Vec<String>> {
        let mut arns = Vec::new();
        let mut pages = self.client.list_topics().into_paginator().send();
        // Paced page by page: the paginator sends the next request only when polled.
        loop {
            let Some(page) = self.meter.page("ListTopics", "", pages.next()).await? else {
                return Ok(arns);
            };
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
        let out = self
            .meter
            .send(
                "ListTagsForResource",
                arn,
                self.client
                    .list_tags_for_resource()
                    .resource_arn(arn)
                    .send(),
            )
            .await?;
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
            let Some(page) = self
                .meter
                .page("ListSubscriptionsByTopic", topic_arn, pages.next())
                .await?
            else {
                return Ok(subs);
            };
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
        let out = self
            .meter
            .send(
                "GetSubscriptionAttributes",
                subscription_arn,
                self.client
                    .get_subscription_attributes()
                    .subscription_arn(subscription_arn)
                    .send(),
            )
            .await?;
        Ok(out
            .attributes()
            .and_then(|a| a.get("RawMessageDelivery"))
            .is_some_and(|v| v.eq_ignore_ascii_case("true")))
    }

    /// Creates the topic (idempotent in SNS: an existing topic's ARN is returned).
    pub async fn create_topic(&self, name: &str, tags: &Tags) -> AwsResult<String> {
        let out = self
            .meter
            .send(
                "CreateTopic",
                name,
                self.client
                    .create_topic()
                    .name(name)
                    .set_tags(Some(sdk_tags(tags)))
                    .send(),
            )
            .await?;
        Ok(out.topic_arn().unwrap_or_default().to_string())
    }

    pub async fn retag(&self, arn: &str, before: &Tags, after: &Tags) -> AwsResult<()> {
        super::retag(
            before,
            after,
            |keys| async move {
                let request = self
                    .client
                    .untag_resource()
                    .resource_arn(arn)
                    .set_tag_keys(Some(keys))
                    .send();
                self.meter
                    .send("UntagResource", arn, request)
                    .await
                    .map(|_| ())
            },
            |tags| async move {
                let request = self
                    .client
                    .tag_resource()
                    .resource_arn(arn)
                    .set_tags(Some(sdk_tags(&tags)))
                    .send();
                self.meter
                    .send("TagResource", arn, request)
                    .await
                    .map(|_| ())
            },
        )
        .await
    }

    pub async fn delete_topic(&self, arn: &str) -> AwsResult<()> {
        self.meter
            .send(
                "DeleteTopic",
                arn,
                self.client.delete_topic().topic_arn(arn).send(),
            )
            .await
            .gone()
    }

    /// Subscribes an endpoint. Email and HTTP endpoints stay pending until they confirm.
    pub async fn subscribe(
        &self,
        topic_arn: &str,
        protocol: &str,
        endpoint: &str,
        raw: bool,
    ) -> AwsResult<()> {
        let attributes: HashMap<String, String> = if raw {
            HashMap::from([("RawMessageDelivery".to_string(), "true".to_string())])
        } else {
            HashMap::new()
        };
        self.meter
            .send(
                "Subscribe",
                &format!("{protocol}:{endpoint}"),
                self.client
                    .subscribe()
                    .topic_arn(topic_arn)
                    .protocol(protocol)
                    .endpoint(endpoint)
                    .set_attributes((!attributes.is_empty()).then_some(attributes))
                    .return_subscription_arn(true)
                    .send(),
            )
            .await?;
        Ok(())
    }

    pub async fn set_raw_message_delivery(
        &self,
        subscription_arn: &str,
        raw: bool,
    ) -> AwsResult<()> {
        self.meter
            .send(
                "SetSubscriptionAttributes",
                subscription_arn,
                self.client
                    .set_subscription_attributes()
                    .subscription_arn(subscription_arn)
                    .attribute_name("RawMessageDelivery")
                    .attribute_value(raw.to_string())
                    .send(),
            )
            .await?;
        Ok(())
    }

    pub async fn unsubscribe(&self, subscription_arn: &str) -> AwsResult<()> {
        self.meter
            .send(
                "Unsubscribe",
                subscription_arn,
                self.client
                    .unsubscribe()
                    .subscription_arn(subscription_arn)
                    .send(),
            )
            .await
            .gone()
    }
}

fn sdk_tags(tags: &Tags) -> Vec<Tag> {
    tags.iter()
        .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
        .collect()
}
