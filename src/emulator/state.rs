//! The in-memory store: one independent SES "account view" per region, plus the test
//! machinery (faults, call log) that spans regions.
//!
//! Everything sits behind one `std::sync::Mutex`: operations are short and synchronous, so
//! each request sees and leaves a consistent state, and sync test code can use it directly.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use super::faults::FaultPlan;
use super::model::{Account, ConfigurationSet, EmailTemplate, Identity};
use super::shape::Shape;

/// The account id in every ARN the emulator hands out.
pub const ACCOUNT_ID: &str = "123456789012";

/// The region of requests without a SigV4 credential scope.
pub const DEFAULT_REGION: &str = "us-east-1";

#[derive(Debug, Default)]
pub struct RegionState {
    pub identities: BTreeMap<String, Identity>,
    pub configuration_sets: BTreeMap<String, ConfigurationSet>,
    pub templates: BTreeMap<String, EmailTemplate>,
    pub account: Account,
    /// Messages handed to SES here, recent sends and the account-level suppression list.
    pub outbox: super::sending::Outbox,
}

/// One SESv2 request as the emulator saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallRecord {
    /// Arrival order, from 1; survives `clear_calls` so records stay distinguishable.
    pub seq: u64,
    /// AWS operation name, or `Unknown` for requests matching no route.
    pub operation: String,
    pub region: String,
    pub method: String,
    pub path: String,
    /// The HTTP status answered; `None` while in flight, or when no answer was given (a
    /// dropped-connection fault, or the client hung up during a delay).
    pub status: Option<u16>,
}

#[derive(Debug, Default)]
pub struct EmulatorState {
    regions: HashMap<String, RegionState>,
    /// How answers are shaped (see `shape`); kept across `reset`, like the call sequence.
    pub shape: Shape,
    pub faults: FaultPlan,
    /// The token bucket every SESv2 call must pass, when one is set (`/_emulator/rate-limit`).
    pub rate_limit: Option<super::faults::TokenBucket>,
    pub calls: Vec<CallRecord>,
    /// Where events of configuration sets are published; kept across `reset`.
    pub endpoints: super::sending::publish::Endpoints,
    last_seq: u64,
}

impl EmulatorState {
    /// The state of `region`, created on first use like a fresh account's.
    pub fn region(&mut self, region: &str) -> &mut RegionState {
        self.regions.entry(region.to_owned()).or_default()
    }

    /// Every region with its name, for views across regions.
    pub fn regions(&self) -> impl Iterator<Item = (&String, &RegionState)> {
        self.regions.iter()
    }

    /// Every region, mutable (clearing the local record).
    pub fn regions_mut(&mut self) -> impl Iterator<Item = &mut RegionState> {
        self.regions.values_mut()
    }

    pub fn reset(&mut self) {
        *self = Self {
            last_seq: self.last_seq,
            shape: self.shape,
            endpoints: self.endpoints.clone(),
            ..Self::default()
        };
    }

    /// Logs a call on arrival, so calls the client abandons are counted too.
    pub fn begin_call(&mut self, mut record: CallRecord) -> u64 {
        self.last_seq += 1;
        record.seq = self.last_seq;
        record.status = None;
        self.calls.push(record);
        self.last_seq
    }

    /// Records the status a logged call was answered with.
    pub fn end_call(&mut self, seq: u64, status: u16) {
        if let Some(call) = self.calls.iter_mut().rev().find(|call| call.seq == seq) {
            call.status = Some(status);
        }
    }

    pub fn call_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for call in &self.calls {
            *counts.entry(call.operation.clone()).or_insert(0) += 1;
        }
        counts
    }
}

pub type SharedState = Arc<Mutex<EmulatorState>>;

/// Locks the state. A panic while holding the lock cannot leave it half-updated in a way
/// that matters for tests, so poisoning is ignored rather than cascading into every request.
pub fn lock(state: &SharedState) -> MutexGuard<'_, EmulatorState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The ARN of an email identity, e.g. for `TagResource`.
pub fn identity_arn(region: &str, identity: &str) -> String {
    crate::model::arn("ses", region, ACCOUNT_ID, &format!("identity/{identity}"))
}

/// The ARN of a configuration set.
pub fn configuration_set_arn(region: &str, name: &str) -> String {
    crate::model::arn(
        "ses",
        region,
        ACCOUNT_ID,
        &format!("configuration-set/{name}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_independent_and_reset_clears_everything() {
        let mut state = EmulatorState::default();
        state.region("eu-west-1").account.sending_enabled = false;
        assert!(state.region("us-east-1").account.sending_enabled);
        assert!(!state.region("eu-west-1").account.sending_enabled);
        let seq = state.begin_call(CallRecord {
            seq: 0,
            operation: "GetAccount".into(),
            region: "eu-west-1".into(),
            method: "GET".into(),
            path: "/v2/email/account".into(),
            status: None,
        });
        assert_eq!(state.calls[0].status, None);
        state.end_call(seq, 200);
        assert_eq!(state.calls[0].status, Some(200));
        assert_eq!(state.call_counts().get("GetAccount"), Some(&1));
        state.reset();
        assert!(state.calls.is_empty());
        assert_eq!(
            state.begin_call(state_record()),
            seq + 1,
            "sequence survives reset"
        );
        assert!(state.region("eu-west-1").account.sending_enabled);
    }

    fn state_record() -> CallRecord {
        CallRecord {
            seq: 0,
            operation: "GetAccount".into(),
            region: DEFAULT_REGION.into(),
            method: "GET".into(),
            path: "/v2/email/account".into(),
            status: None,
        }
    }

    #[test]
    fn arns() {
        assert_eq!(
            configuration_set_arn("eu-west-1", "main"),
            "arn:aws:ses:eu-west-1:123456789012:configuration-set/main"
        );
        assert_eq!(
            identity_arn("us-east-1", "example.com"),
            "arn:aws:ses:us-east-1:123456789012:identity/example.com"
        );
    }
}
