//! Configuration sets, their option blocks and event destinations.
//!
//! Option blocks have the same shape in requests and responses, so one type serves both.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::enums::{
    DimensionValueSource, EventType, HttpsPolicy, SuppressionListReason, TlsPolicy,
};
use super::tags::Tags;
use crate::emulator::errors::ApiError;
use crate::emulator::validate;

/// SES allows at most this many event destinations per configuration set.
pub const MAX_EVENT_DESTINATIONS: usize = 10;

#[derive(Debug, Clone)]
pub struct ConfigurationSet {
    pub name: String,
    pub delivery: DeliveryOptions,
    pub reputation: ReputationOptions,
    pub sending: SendingOptions,
    pub suppression: Option<SuppressionOptions>,
    pub tracking: Option<TrackingOptions>,
    /// Blocks the emulator stores but does not interpret (VDM, archiving, message security).
    pub passthrough: BTreeMap<&'static str, Value>,
    pub tags: Tags,
    pub event_destinations: BTreeMap<String, EventDestination>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeliveryOptions {
    /// SES reports `OPTIONAL` when no policy was chosen.
    #[serde(default = "default_tls_policy")]
    pub tls_policy: TlsPolicy,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sending_pool_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_delivery_seconds: Option<i64>,
}

fn default_tls_policy() -> TlsPolicy {
    TlsPolicy::Optional
}

impl Default for DeliveryOptions {
    fn default() -> Self {
        Self {
            tls_policy: default_tls_policy(),
            sending_pool_name: None,
            max_delivery_seconds: None,
        }
    }
}

impl DeliveryOptions {
    pub fn validate(&self) -> Result<(), ApiError> {
        match self.max_delivery_seconds {
            Some(seconds) if !(300..=50_400).contains(&seconds) => Err(ApiError::bad_request(
                "MaxDeliverySeconds must be between 300 and 50400.",
            )),
            _ => Ok(()),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReputationOptions {
    #[serde(default)]
    pub reputation_metrics_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_fresh_start: Option<f64>,
}

/// Defaults differ on purpose: a set created without the block sends, but inside a given
/// block an absent `SendingEnabled` means false, because the SDK omits `false` (a Smithy
/// default value) from the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendingOptions {
    #[serde(default)]
    pub sending_enabled: bool,
}

impl Default for SendingOptions {
    fn default() -> Self {
        Self {
            sending_enabled: true,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SuppressionOptions {
    #[serde(default)]
    pub suppressed_reasons: Vec<SuppressionListReason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression_scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_options: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrackingOptions {
    pub custom_redirect_domain: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub https_policy: Option<HttpsPolicy>,
}

impl TrackingOptions {
    pub fn validate(&self) -> Result<(), ApiError> {
        if validate::is_domain(&self.custom_redirect_domain) {
            Ok(())
        } else {
            Err(ApiError::bad_request(format!(
                "Invalid CustomRedirectDomain <{}>.",
                self.custom_redirect_domain
            )))
        }
    }
}

/// `EventDestinationDefinition` in requests; stored as given once validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventDestinationDefinition {
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub matching_event_types: Vec<EventType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinesis_firehose_destination: Option<KinesisFirehoseDestination>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_watch_destination: Option<CloudWatchDestination>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sns_destination: Option<SnsDestination>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_bridge_destination: Option<EventBridgeDestination>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinpoint_destination: Option<PinpointDestination>,
}

impl EventDestinationDefinition {
    /// Exactly one target and at least one event type, as SES requires.
    pub fn validate(&mut self, region: &str) -> Result<(), ApiError> {
        let targets = [
            self.kinesis_firehose_destination.is_some(),
            self.cloud_watch_destination.is_some(),
            self.sns_destination.is_some(),
            self.event_bridge_destination.is_some(),
            self.pinpoint_destination.is_some(),
        ];
        if targets.iter().filter(|set| **set).count() != 1 {
            return Err(ApiError::bad_request(
                "An event destination needs exactly one of KinesisFirehoseDestination, \
                 CloudWatchDestination, SnsDestination, EventBridgeDestination or PinpointDestination.",
            ));
        }
        if self.matching_event_types.is_empty() {
            return Err(ApiError::bad_request(
                "MatchingEventTypes must name at least one event type.",
            ));
        }
        if let Some(sns) = &self.sns_destination {
            validate::arn("TopicArn", &sns.topic_arn, region)?;
        }
        if let Some(bus) = &self.event_bridge_destination {
            validate::arn("EventBusArn", &bus.event_bus_arn, region)?;
        }
        if let Some(firehose) = &self.kinesis_firehose_destination {
            validate::arn("IamRoleArn", &firehose.iam_role_arn, region)?;
            validate::arn("DeliveryStreamArn", &firehose.delivery_stream_arn, region)?;
        }
        if let Some(arn) = self
            .pinpoint_destination
            .as_ref()
            .and_then(|p| p.application_arn.as_deref())
        {
            validate::arn("ApplicationArn", arn, region)?;
        }
        if let Some(cloud_watch) = &self.cloud_watch_destination {
            for dimension in &cloud_watch.dimension_configurations {
                validate::bounded_name("dimension", &dimension.dimension_name, 256)?;
            }
        }
        self.matching_event_types.sort();
        self.matching_event_types.dedup();
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KinesisFirehoseDestination {
    pub iam_role_arn: String,
    pub delivery_stream_arn: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CloudWatchDestination {
    pub dimension_configurations: Vec<CloudWatchDimensionConfiguration>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CloudWatchDimensionConfiguration {
    pub dimension_name: String,
    pub dimension_value_source: DimensionValueSource,
    pub default_dimension_value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SnsDestination {
    pub topic_arn: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventBridgeDestination {
    pub event_bus_arn: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PinpointDestination {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventDestination {
    pub name: String,
    #[serde(flatten)]
    pub definition: EventDestinationDefinition,
}

impl EventDestination {
    /// The wire form. Event types go out in reverse name order, deliberately unlike the
    /// request, so that clients compare them as the sets they are.
    pub fn to_wire(&self) -> Self {
        let mut wire = self.clone();
        wire.definition.matching_event_types.reverse();
        wire
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn definition(value: Value) -> Result<EventDestinationDefinition, ApiError> {
        let mut definition: EventDestinationDefinition =
            serde_json::from_value(value).map_err(|e| ApiError::bad_request(e.to_string()))?;
        definition.validate("us-east-1")?;
        Ok(definition)
    }

    #[test]
    fn exactly_one_target() {
        let sns = json!({"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"});
        assert!(definition(json!({"MatchingEventTypes": ["SEND"], "SnsDestination": sns})).is_ok());
        assert!(definition(json!({"MatchingEventTypes": ["SEND"]})).is_err());
        assert!(definition(json!({
            "MatchingEventTypes": ["SEND"],
            "SnsDestination": sns,
            "EventBridgeDestination": {"EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/default"}
        }))
        .is_err());
        assert!(
            definition(json!({"SnsDestination": sns})).is_err(),
            "no event types"
        );
        assert!(
            definition(
                json!({"MatchingEventTypes": ["SEND"], "SnsDestination": {"TopicArn": "t"}})
            )
            .is_err()
        );
        assert!(
            definition(json!({"MatchingEventTypes": ["NOPE"], "SnsDestination": sns})).is_err()
        );
    }

    #[test]
    fn event_types_go_out_in_reverse_name_order() {
        let definition = definition(json!({
            "Enabled": true,
            "MatchingEventTypes": ["BOUNCE", "SEND", "COMPLAINT", "SEND"],
            "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"}
        }))
        .unwrap();
        let destination = EventDestination {
            name: "d".into(),
            definition,
        };
        assert_eq!(
            serde_json::to_value(destination.to_wire()).unwrap(),
            json!({
                "Name": "d",
                "Enabled": true,
                "MatchingEventTypes": ["SEND", "COMPLAINT", "BOUNCE"],
                "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"}
            })
        );
    }

    #[test]
    fn option_defaults_match_what_ses_reports() {
        assert_eq!(
            serde_json::to_value(DeliveryOptions::default()).unwrap(),
            json!({"TlsPolicy": "OPTIONAL"})
        );
        let delivery: DeliveryOptions =
            serde_json::from_value(json!({"MaxDeliverySeconds": 100})).unwrap();
        assert!(delivery.validate().is_err());
        assert_eq!(
            serde_json::to_value(SendingOptions::default()).unwrap(),
            json!({"SendingEnabled": true})
        );
        let given: SendingOptions = serde_json::from_value(json!({})).unwrap();
        assert!(!given.sending_enabled, "the SDK omits false");
    }
}
