//! Account-level settings of one region: sandbox, quota, suppression, production access review.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::enums::{
    ContactLanguage, EnforcementStatus, MailType, ReviewStatus, SuppressionListReason,
};

/// Serializes as the `GetAccount` response.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Account {
    pub dedicated_ip_auto_warmup_enabled: bool,
    pub enforcement_status: EnforcementStatus,
    pub production_access_enabled: bool,
    pub send_quota: SendQuota,
    pub sending_enabled: bool,
    pub suppression_attributes: SuppressionAttributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<AccountDetails>,
}

impl Default for Account {
    /// A new account: in the sandbox with the sandbox quota, healthy, sending enabled.
    fn default() -> Self {
        Self {
            dedicated_ip_auto_warmup_enabled: false,
            enforcement_status: EnforcementStatus::Healthy,
            production_access_enabled: false,
            send_quota: SendQuota {
                max24_hour_send: 200.0,
                max_send_rate: 1.0,
                sent_last24_hours: 0.0,
            },
            sending_enabled: true,
            suppression_attributes: SuppressionAttributes::default(),
            details: None,
        }
    }
}

impl Account {
    pub fn review(&self) -> Option<&ReviewDetails> {
        self.details.as_ref()?.review_details.as_ref()
    }

    /// Sets or clears the review; details are created empty if the review is all there is.
    pub fn set_review(&mut self, review: Option<ReviewDetails>) {
        match (&mut self.details, review) {
            (Some(details), review) => details.review_details = review,
            (None, Some(review)) => {
                self.details = Some(AccountDetails {
                    review_details: Some(review),
                    ..AccountDetails::default()
                })
            }
            (None, None) => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendQuota {
    #[serde(rename = "Max24HourSend")]
    pub max24_hour_send: f64,
    #[serde(rename = "MaxSendRate")]
    pub max_send_rate: f64,
    #[serde(rename = "SentLast24Hours")]
    pub sent_last24_hours: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SuppressionAttributes {
    #[serde(default)]
    pub suppressed_reasons: Vec<SuppressionListReason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_attributes: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail_type: Option<MailType>,
    #[serde(rename = "WebsiteURL", skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_language: Option<ContactLanguage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_case_description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub additional_contact_email_addresses: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_details: Option<ReviewDetails>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReviewDetails {
    pub status: ReviewStatus,
    pub case_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn new_account_is_a_healthy_sandbox() {
        assert_eq!(
            serde_json::to_value(Account::default()).unwrap(),
            json!({
                "DedicatedIpAutoWarmupEnabled": false,
                "EnforcementStatus": "HEALTHY",
                "ProductionAccessEnabled": false,
                "SendQuota": {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 0.0},
                "SendingEnabled": true,
                "SuppressionAttributes": {"SuppressedReasons": []}
            })
        );
    }

    #[test]
    fn review_without_details() {
        let mut account = Account::default();
        account.set_review(Some(ReviewDetails {
            status: ReviewStatus::Denied,
            case_id: "42".into(),
        }));
        assert_eq!(
            serde_json::to_value(&account).unwrap()["Details"],
            json!({"ReviewDetails": {"Status": "DENIED", "CaseId": "42"}})
        );
        account.set_review(None);
        assert_eq!(account.review(), None);
    }
}
