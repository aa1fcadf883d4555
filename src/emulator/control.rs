//! Test knobs: the cloneable [`Control`] handle. Every method is synchronous, so it works
//! from async tests and from sync tests driving the emulator in the background alike.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::faults::{Fault, RateLimit, RateLimitStats, TokenBucket};
use super::model::{
    Account, EnforcementStatus, Identity, ReviewDetails, ReviewStatus, VerificationStatus,
};
use super::shape::Shape;
use super::state::{CallRecord, SharedState, lock};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    #[error("no email identity {identity:?} in {region}")]
    IdentityNotFound { region: String, identity: String },
    #[error("invalid fault: {0}")]
    InvalidFault(String),
    #[error("invalid rate limit: {0}")]
    InvalidRateLimit(String),
}

/// Changes to a region's account; `None` fields are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    pub production_access_enabled: Option<bool>,
    pub sending_enabled: Option<bool>,
    pub enforcement_status: Option<EnforcementStatus>,
    pub max_24_hour_send: Option<f64>,
    pub max_send_rate: Option<f64>,
    pub sent_last_24_hours: Option<f64>,
    pub review: Option<ReviewPatch>,
}

impl AccountPatch {
    /// Quotas and counts are never negative (nor NaN): SES reports none such.
    pub fn validate(&self) -> Result<(), String> {
        for (name, value) in [
            ("max_24_hour_send", self.max_24_hour_send),
            ("max_send_rate", self.max_send_rate),
            ("sent_last_24_hours", self.sent_last_24_hours),
        ] {
            if let Some(value) = value
                && !(value >= 0.0 && value.is_finite())
            {
                return Err(format!(
                    "{name} must be a number of at least 0, got {value}"
                ));
            }
        }
        Ok(())
    }
}

impl AccountPatch {
    /// Out of the sandbox with a typical starting production quota (50,000/day, 14/s).
    pub fn production() -> Self {
        Self {
            production_access_enabled: Some(true),
            max_24_hour_send: Some(50_000.0),
            max_send_rate: Some(14.0),
            ..Self::default()
        }
    }

    /// Back in the sandbox with the sandbox quota (200/day, 1/s).
    pub fn sandbox() -> Self {
        Self {
            production_access_enabled: Some(false),
            max_24_hour_send: Some(200.0),
            max_send_rate: Some(1.0),
            ..Self::default()
        }
    }

    pub fn review(status: ReviewStatus) -> Self {
        Self {
            review: Some(ReviewPatch {
                status: Some(status),
                case_id: None,
            }),
            ..Self::default()
        }
    }
}

/// The production access review. `status: None` removes the review altogether.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewPatch {
    pub status: Option<ReviewStatus>,
    /// Kept (or generated for a new review) when absent.
    #[serde(default)]
    pub case_id: Option<String>,
}

/// Handle to a running emulator's state.
#[derive(Clone)]
pub struct Control {
    state: SharedState,
}

/// Deliberately opaque: printing the whole state would drown assertion messages.
impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control").finish_non_exhaustive()
    }
}

impl Control {
    pub(crate) fn new(state: SharedState) -> Self {
        Self { state }
    }

    /// Verification succeeded: `VerificationStatus` SUCCESS, verified for sending, DKIM (and
    /// custom MAIL FROM, if any) SUCCESS.
    pub fn verify_identity(&self, region: &str, identity: &str) -> Result<(), ControlError> {
        self.set_identity_status(region, identity, VerificationStatus::Success)
    }

    /// Verification failed: FAILED everywhere, not verified for sending.
    pub fn fail_identity(&self, region: &str, identity: &str) -> Result<(), ControlError> {
        self.set_identity_status(region, identity, VerificationStatus::Failed)
    }

    pub fn set_identity_status(
        &self,
        region: &str,
        identity: &str,
        status: VerificationStatus,
    ) -> Result<(), ControlError> {
        self.with_identity(region, identity, |found| found.set_verification(status))
    }

    fn with_identity(
        &self,
        region: &str,
        identity: &str,
        change: impl FnOnce(&mut Identity),
    ) -> Result<(), ControlError> {
        let mut state = lock(&self.state);
        let found = state
            .region(region)
            .identities
            .get_mut(identity)
            .ok_or_else(|| ControlError::IdentityNotFound {
                region: region.to_owned(),
                identity: identity.to_owned(),
            })?;
        change(found);
        Ok(())
    }

    /// Sets the DKIM signing host GetEmailIdentity reports as `SigningHostedZone` (SES names a
    /// regional one in some regions), for testing that clients take it from SES.
    pub fn set_signing_hosted_zone(
        &self,
        region: &str,
        identity: &str,
        zone: &str,
    ) -> Result<(), ControlError> {
        self.with_identity(region, identity, |found| {
            found.dkim.signing_hosted_zone = Some(zone.to_owned())
        })
    }

    /// Applies `patch` to the account of `region` and returns the result.
    pub fn set_account(&self, region: &str, patch: AccountPatch) -> Account {
        let mut state = lock(&self.state);
        let account = &mut state.region(region).account;
        if let Some(value) = patch.production_access_enabled {
            account.production_access_enabled = value;
        }
        if let Some(value) = patch.sending_enabled {
            account.sending_enabled = value;
        }
        if let Some(value) = patch.enforcement_status {
            account.enforcement_status = value;
        }
        if let Some(value) = patch.max_24_hour_send {
            account.send_quota.max24_hour_send = value;
        }
        if let Some(value) = patch.max_send_rate {
            account.send_quota.max_send_rate = value;
        }
        if let Some(value) = patch.sent_last_24_hours {
            account.send_quota.sent_last24_hours = value;
        }
        if let Some(review) = patch.review {
            let case_id = review
                .case_id
                .or_else(|| account.review().map(|r| r.case_id.clone()))
                .unwrap_or_else(super::ids::case_id);
            account.set_review(
                review
                    .status
                    .map(|status| ReviewDetails { status, case_id }),
            );
        }
        account.clone()
    }

    /// A snapshot of the account of `region`, without counting as an API call.
    pub fn account(&self, region: &str) -> Account {
        lock(&self.state).region(region).account.clone()
    }

    /// Queues a fault; faults apply in the order queued, each to the calls it matches.
    pub fn inject(&self, fault: Fault) -> Result<(), ControlError> {
        fault.validate().map_err(ControlError::InvalidFault)?;
        lock(&self.state).faults.push(fault);
        Ok(())
    }

    /// Faults not yet used up.
    pub fn pending_faults(&self) -> Vec<Fault> {
        lock(&self.state).faults.pending()
    }

    /// Every later SESv2 call passes a token bucket of `limit` (a full one); `None` removes it.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) -> Result<(), ControlError> {
        if let Some(limit) = &limit {
            limit.validate().map_err(ControlError::InvalidRateLimit)?;
        }
        lock(&self.state).rate_limit = limit.map(TokenBucket::new);
        Ok(())
    }

    /// The rate limit and what it allowed and refused, when one is set.
    pub fn rate_limit(&self) -> Option<RateLimitStats> {
        lock(&self.state)
            .rate_limit
            .as_ref()
            .map(TokenBucket::stats)
    }

    pub fn clear_faults(&self) {
        lock(&self.state).faults.clear();
    }

    /// Every SESv2 request received, in order of arrival, including those answered by an
    /// injected fault (so SDK retries show up as extra calls).
    pub fn calls(&self) -> Vec<CallRecord> {
        lock(&self.state).calls.clone()
    }

    /// How many requests named `operation` (e.g. `"GetEmailIdentity"`) were received.
    pub fn call_count(&self, operation: &str) -> usize {
        lock(&self.state)
            .calls
            .iter()
            .filter(|call| call.operation == operation)
            .count()
    }

    pub fn call_counts(&self) -> BTreeMap<String, usize> {
        lock(&self.state).call_counts()
    }

    pub fn clear_calls(&self) {
        lock(&self.state).calls.clear();
    }

    /// How answers are shaped from now on (see [`Shape`]); kept across [`Control::reset`].
    pub fn set_shape(&self, shape: Shape) {
        lock(&self.state).shape = shape;
    }

    pub fn shape(&self) -> Shape {
        lock(&self.state).shape
    }

    /// Back to a fresh emulator: no resources in any region, no faults, empty call log.
    /// Runs one SESv2 operation directly on a region's state, as if called over HTTP (no
    /// faults, not logged): how `sesform local` applies a spec. `params` are the URI labels.
    pub fn call(
        &self,
        region: &str,
        operation: super::Operation,
        params: &[(&'static str, &str)],
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, String> {
        let request = super::protocol::ApiRequest {
            region: region.to_owned(),
            params: super::routes::PathParams::from_pairs(params),
            query: Vec::new(),
            body: body.to_string().into_bytes().into(),
        };
        let mut state = lock(&self.state);
        super::operations::dispatch(operation, &request, state.region(region))
            .map_err(|e| format!("{}: {}", e.error_type, e.message))
    }

    /// With `open`, every sender and recipient in `region` counts as verified.
    pub fn set_open_sending(&self, region: &str, open: bool) {
        lock(&self.state).region(region).outbox.open = open;
    }

    /// What an SMTP user (its access key id) may send as: `allow_from` patterns of its IAM
    /// policy (`ses:FromAddress`); `["*"]` or no call means anything.
    pub fn set_sender_policy(
        &self,
        region: &str,
        user: &str,
        user_arn: &str,
        allow_from: &[String],
    ) {
        let policy = super::sending::SenderPolicy {
            user_arn: user_arn.to_owned(),
            allow_from: allow_from.to_vec(),
        };
        lock(&self.state)
            .region(region)
            .outbox
            .senders
            .insert(user.to_owned(), policy);
    }

    /// What mail to `address` (not a mailbox simulator address) does in `region`: bounce
    /// (hard), complaint, reject (the whole message), delay, or delivery; `None` = delivered,
    /// the default.
    pub fn set_recipient_outcome(
        &self,
        region: &str,
        address: &str,
        outcome: Option<super::sending::RecipientOutcome>,
    ) {
        let key = address.trim().to_ascii_lowercase();
        let mut state = lock(&self.state);
        let recipients = &mut state.region(region).outbox.recipients;
        match outcome {
            Some(outcome) => recipients.insert(key, outcome),
            None => recipients.remove(&key),
        };
    }

    /// The recipient outcomes set in `region`.
    pub fn recipient_outcomes(
        &self,
        region: &str,
    ) -> std::collections::BTreeMap<String, super::sending::RecipientOutcome> {
        lock(&self.state).region(region).outbox.recipients.clone()
    }

    /// Where configuration sets publish events to SNS and EventBridge (`None`: the local
    /// record only).
    pub fn set_event_endpoints(&self, sns: Option<String>, events: Option<String>) {
        lock(&self.state).endpoints = super::sending::publish::Endpoints { sns, events };
    }

    /// A sink for the local SMTP server that sends through this emulator in `region`.
    pub fn smtp_sink(&self, region: &str) -> std::sync::Arc<dyn crate::smtp::server::MailSink> {
        std::sync::Arc::new(super::sending::SmtpSink {
            state: self.state.clone(),
            region: region.to_owned(),
        })
    }

    /// Every message handed to SES (SMTP and `SendEmail`), oldest first.
    pub fn messages(&self) -> Vec<super::sending::Record> {
        super::local_http::records(&self.state)
    }

    pub fn reset(&self) {
        lock(&self.state).reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_quotas_are_refused() {
        let patch = |json: &str| {
            serde_json::from_str::<AccountPatch>(json)
                .unwrap()
                .validate()
        };
        assert!(patch(r#"{"max_24_hour_send": 200}"#).is_ok());
        assert!(patch(r#"{"max_24_hour_send": 0}"#).is_ok());
        let err = patch(r#"{"max_24_hour_send": -5}"#).unwrap_err();
        assert!(err.contains("max_24_hour_send"), "{err}");
        assert!(patch(r#"{"max_send_rate": -0.5}"#).is_err());
        assert!(patch(r#"{"sent_last_24_hours": -1}"#).is_err());
    }
    use crate::emulator::state::EmulatorState;
    use std::sync::{Arc, Mutex};

    fn control() -> Control {
        Control::new(Arc::new(Mutex::new(EmulatorState::default())))
    }

    #[test]
    fn account_patch_changes_only_given_fields() {
        let control = control();
        let account = control.set_account("eu-west-1", AccountPatch::production());
        assert!(account.production_access_enabled);
        assert_eq!(account.send_quota.max24_hour_send, 50_000.0);
        assert!(account.sending_enabled);
        assert!(!control.account("us-east-1").production_access_enabled);
    }

    #[test]
    fn review_case_id_is_generated_then_kept_and_review_can_be_cleared() {
        let control = control();
        let pending = control.set_account("us-east-1", AccountPatch::review(ReviewStatus::Pending));
        let case_id = pending.review().unwrap().case_id.clone();
        let granted = control.set_account("us-east-1", AccountPatch::review(ReviewStatus::Granted));
        assert_eq!(granted.review().unwrap().case_id, case_id);
        let cleared = control.set_account(
            "us-east-1",
            AccountPatch {
                review: Some(ReviewPatch {
                    status: None,
                    case_id: None,
                }),
                ..AccountPatch::default()
            },
        );
        assert_eq!(cleared.review(), None);
    }

    #[test]
    fn unknown_identities_and_bad_faults_are_errors() {
        let control = control();
        assert!(matches!(
            control.verify_identity("us-east-1", "example.com"),
            Err(ControlError::IdentityNotFound { .. })
        ));
        assert!(control.inject(Fault::throttle().only("Nope")).is_err());
        assert!(control.pending_faults().is_empty());
    }

    #[test]
    fn patch_json_rejects_typos() {
        assert!(
            serde_json::from_str::<AccountPatch>(r#"{"production_acess_enabled": true}"#).is_err()
        );
        let patch: AccountPatch = serde_json::from_str(
            r#"{"max_send_rate": 14, "review": {"status": "DENIED", "case_id": "7"}}"#,
        )
        .unwrap();
        assert_eq!(patch.max_send_rate, Some(14.0));
        assert_eq!(patch.review.unwrap().status, Some(ReviewStatus::Denied));
    }
}
