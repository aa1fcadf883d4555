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

#[cfg(test)]
mod tests {
    use super::*;

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
