//! Fault injection: make the next N calls (of one operation, or any) misbehave.

use std::time::Duration;

use hyper::StatusCode;
use serde::{Deserialize, Serialize};

use super::errors::ApiError;
use super::routes::Operation;

/// A fault rule. JSON (control API): `{"kind": "throttle", "operation": "GetAccount", "times": 2}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Only calls of this operation (AWS name, e.g. `GetEmailIdentity`); all calls when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// How many matching calls are affected.
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// 429 `TooManyRequestsException`; the SDK retries it.
    Throttle,
    /// A 5xx answer (500 `InternalFailure`, 503 `ServiceUnavailable`, ...); the SDK retries it.
    ServerError { status: u16 },
    /// Any error answer, e.g. 500 `ConcurrentModificationException`.
    Error {
        status: u16,
        error_type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// Sleep, then answer normally.
    Delay { millis: u64 },
    /// Close the TCP connection without answering.
    DropConnection,
}

impl Fault {
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            operation: None,
            times: 1,
        }
    }

    pub fn throttle() -> Self {
        Self::new(FaultKind::Throttle)
    }

    pub fn server_error(status: u16) -> Self {
        Self::new(FaultKind::ServerError { status })
    }

    pub fn error(status: u16, error_type: impl Into<String>) -> Self {
        Self::new(FaultKind::Error {
            status,
            error_type: error_type.into(),
            message: None,
        })
    }

    pub fn delay(delay: Duration) -> Self {
        let millis = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        Self::new(FaultKind::Delay { millis })
    }

    pub fn drop_connection() -> Self {
        Self::new(FaultKind::DropConnection)
    }

    /// Restricts the fault to one operation, by its AWS name.
    pub fn only(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    /// Applies the fault to this many matching calls (default 1).
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// Rejects rules that could never fire or would answer something the SDK cannot parse.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(name) = &self.operation {
            name.parse::<Operation>().map_err(|e| e.to_string())?;
        }
        if self.times == 0 {
            return Err("times must be at least 1".into());
        }
        match &self.kind {
            FaultKind::ServerError { status } if !(500..=599).contains(status) => {
                Err(format!("server_error needs a 5xx status, got {status}"))
            }
            FaultKind::Error { status, .. } if !(400..=599).contains(status) => {
                Err(format!("error needs a 4xx or 5xx status, got {status}"))
            }
            FaultKind::Error { error_type, .. } if error_type.is_empty() => {
                Err("error needs an error_type".into())
            }
            _ => Ok(()),
        }
    }
}

/// What the server does with a request hit by a fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultAction {
    Respond(ApiError),
    Delay(Duration),
    DropConnection,
}

impl FaultKind {
    fn action(&self) -> FaultAction {
        let status =
            |code: u16| StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match self {
            Self::Throttle => FaultAction::Respond(ApiError::too_many_requests()),
            Self::ServerError { status: code } => {
                FaultAction::Respond(ApiError::server_error(status(*code)))
            }
            Self::Error {
                status: code,
                error_type,
                message,
            } => FaultAction::Respond(ApiError::new(
                status(*code),
                error_type.clone(),
                message
                    .clone()
                    .unwrap_or_else(|| format!("Injected {error_type}")),
            )),
            Self::Delay { millis } => FaultAction::Delay(Duration::from_millis(*millis)),
            Self::DropConnection => FaultAction::DropConnection,
        }
    }
}

/// Pending fault rules, consumed first-in first-out among those matching a call.
#[derive(Debug, Default)]
pub struct FaultPlan {
    pending: Vec<Fault>,
}

impl FaultPlan {
    pub fn push(&mut self, fault: Fault) {
        self.pending.push(fault);
    }

    pub fn clear(&mut self) {
        self.pending.clear();
    }

    pub fn pending(&self) -> Vec<Fault> {
        self.pending.clone()
    }

    /// Consumes one use of the first rule matching `operation`.
    pub fn take(&mut self, operation: Operation) -> Option<FaultAction> {
        let index = self.pending.iter().position(|fault| {
            fault
                .operation
                .as_deref()
                .is_none_or(|name| name == operation.name())
        })?;
        let fault = &mut self.pending[index];
        let action = fault.kind.action();
        fault.times -= 1;
        if fault.times == 0 {
            self.pending.remove(index);
        }
        Some(action)
    }
}

/// A token bucket over every SESv2 call, like AWS's per-account limit: `per_second` tokens a
/// second, holding at most `burst` (default: one second's worth); a call that finds it empty is
/// answered 429 `TooManyRequestsException`. JSON: `{"per_second": 5, "burst": 5}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub per_second: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<f64>,
}

impl RateLimit {
    pub fn validate(&self) -> Result<(), String> {
        if !(self.per_second > 0.0 && self.per_second.is_finite()) {
            return Err(format!(
                "per_second must be a positive number, got {}",
                self.per_second
            ));
        }
        match self.burst {
            Some(burst) if !(burst >= 1.0 && burst.is_finite()) => {
                Err(format!("burst must be at least 1, got {burst}"))
            }
            _ => Ok(()),
        }
    }

    fn capacity(&self) -> f64 {
        self.burst.unwrap_or(self.per_second.max(1.0))
    }
}

/// What the bucket let through and refused since it was set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RateLimitStats {
    #[serde(flatten)]
    pub limit: RateLimit,
    pub allowed: u64,
    pub throttled: u64,
    /// Seconds from the first call the bucket saw to the last one it allowed.
    pub allowed_span_secs: f64,
}

#[derive(Debug)]
pub struct TokenBucket {
    limit: RateLimit,
    tokens: f64,
    last: std::time::Instant,
    first_call: Option<std::time::Instant>,
    last_allowed: Option<std::time::Instant>,
    allowed: u64,
    throttled: u64,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(limit: RateLimit) -> TokenBucket {
        TokenBucket {
            limit,
            tokens: limit.capacity(),
            last: std::time::Instant::now(),
            first_call: None,
            last_allowed: None,
            allowed: 0,
            throttled: 0,
        }
    }

    /// Takes a token for a call arriving at `now`: false when there is none (answer 429).
    pub fn take(&mut self, now: std::time::Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now.max(self.last);
        self.tokens = (self.tokens + elapsed * self.limit.per_second).min(self.limit.capacity());
        self.first_call.get_or_insert(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            self.allowed += 1;
            self.last_allowed = Some(now);
            true
        } else {
            self.throttled += 1;
            false
        }
    }

    pub fn stats(&self) -> RateLimitStats {
        RateLimitStats {
            limit: self.limit,
            allowed: self.allowed,
            throttled: self.throttled,
            allowed_span_secs: match (self.first_call, self.last_allowed) {
                (Some(first), Some(last)) => last.saturating_duration_since(first).as_secs_f64(),
                _ => 0.0,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_bucket_allows_its_rate_and_refuses_beyond_it() {
        let limit = RateLimit {
            per_second: 5.0,
            burst: Some(2.0),
        };
        let mut bucket = TokenBucket::new(limit);
        let start = std::time::Instant::now();
        assert!(bucket.take(start));
        assert!(bucket.take(start));
        assert!(!bucket.take(start), "the burst is spent");
        let later = start + std::time::Duration::from_millis(200);
        assert!(bucket.take(later), "one token back after 1/5 s");
        assert!(!bucket.take(later));
        let much_later = start + std::time::Duration::from_secs(10);
        assert!(bucket.take(much_later) && bucket.take(much_later));
        assert!(!bucket.take(much_later), "never more than the burst");
        let stats = bucket.stats();
        assert_eq!((stats.allowed, stats.throttled), (5, 3));
        assert!(
            RateLimit {
                per_second: 0.0,
                burst: None
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn rules_fire_for_matching_operations_only_and_expire() {
        let mut plan = FaultPlan::default();
        plan.push(Fault::throttle().only("GetAccount").times(2));
        plan.push(Fault::drop_connection());
        assert_eq!(
            plan.take(Operation::GetAccount),
            Some(FaultAction::Respond(ApiError::too_many_requests()))
        );
        assert_eq!(
            plan.take(Operation::GetEmailIdentity),
            Some(FaultAction::DropConnection)
        );
        assert!(plan.take(Operation::GetAccount).is_some());
        assert_eq!(plan.take(Operation::GetAccount), None);
        assert!(plan.pending().is_empty());
    }

    #[test]
    fn json_form() {
        let fault: Fault = serde_json::from_str(
            r#"{"kind": "server_error", "status": 503, "operation": "GetAccount", "times": 3}"#,
        )
        .unwrap();
        assert_eq!(fault, Fault::server_error(503).only("GetAccount").times(3));
        let fault: Fault = serde_json::from_str(r#"{"kind": "delay", "millis": 250}"#).unwrap();
        assert_eq!(fault, Fault::delay(Duration::from_millis(250)));
        assert!(serde_json::from_str::<Fault>(r#"{"kind": "explode"}"#).is_err());
    }

    #[test]
    fn validation() {
        assert!(Fault::throttle().only("GetAccount").validate().is_ok());
        assert!(Fault::throttle().only("GetAcount").validate().is_err());
        assert!(Fault::server_error(404).validate().is_err());
        assert!(Fault::throttle().times(0).validate().is_err());
        assert!(
            Fault::error(500, "ConcurrentModificationException")
                .validate()
                .is_ok()
        );
    }
}
