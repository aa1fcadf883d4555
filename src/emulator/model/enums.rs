//! SESv2 string enums. Deserializing them is the validation: an unknown value is a
//! `BadRequestException` naming the accepted ones, as the real service rejects it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IdentityType {
    Domain,
    EmailAddress,
}

/// Shared by `VerificationStatus` and `DkimStatus`, which have the same values on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VerificationStatus {
    Pending,
    Success,
    Failed,
    TemporaryFailure,
    NotStarted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DkimSigningKeyLength {
    #[serde(rename = "RSA_1024_BIT")]
    Rsa1024Bit,
    #[serde(rename = "RSA_2048_BIT")]
    Rsa2048Bit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BehaviorOnMxFailure {
    UseDefaultValue,
    RejectMessage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MailFromDomainStatus {
    Pending,
    Success,
    Failed,
    TemporaryFailure,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TlsPolicy {
    Require,
    Optional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HttpsPolicy {
    Require,
    RequireOpenOnly,
    Optional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SuppressionListReason {
    Bounce,
    Complaint,
}

/// Variants are declared in the alphabetical order of their wire names so that `Ord` sorts
/// them like strings (we answer in reverse order; see `EventDestination`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventType {
    Bounce,
    Click,
    Complaint,
    Delivery,
    DeliveryDelay,
    Open,
    Reject,
    RenderingFailure,
    Send,
    Subscription,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DimensionValueSource {
    MessageTag,
    EmailHeader,
    LinkTag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MailType {
    Marketing,
    Transactional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContactLanguage {
    En,
    Ja,
}

/// Production-access review state. AWS documents both `FAILED` and `DENIED` for a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewStatus {
    Pending,
    Failed,
    Granted,
    Denied,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EnforcementStatus {
    Healthy,
    Probation,
    Shutdown,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire<T: Serialize>(value: T) -> String {
        serde_json::to_value(value)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn event_type_order_matches_wire_name_order() {
        let all = [
            EventType::Bounce,
            EventType::Click,
            EventType::Complaint,
            EventType::Delivery,
            EventType::DeliveryDelay,
            EventType::Open,
            EventType::Reject,
            EventType::RenderingFailure,
            EventType::Send,
            EventType::Subscription,
        ];
        let names: Vec<String> = all.iter().map(|t| wire(*t)).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert!(all.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn key_lengths_use_aws_spelling() {
        assert_eq!(wire(DkimSigningKeyLength::Rsa2048Bit), "RSA_2048_BIT");
        assert_eq!(wire(HttpsPolicy::RequireOpenOnly), "REQUIRE_OPEN_ONLY");
    }
}
