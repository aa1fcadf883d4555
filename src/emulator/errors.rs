//! Service errors as SESv2 returns them over restJson1.
//!
//! The SDK reads the error code from the `x-amzn-ErrorType` header first and falls back to
//! `__type` in the body; we send both so any client (or a human with curl) sees the same thing.

use hyper::StatusCode;
use serde_json::json;

/// An error answer: a modelled SESv2 exception (or a transport-level one such as a 5xx).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub error_type: String,
    pub message: String,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        error_type: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            error_type: error_type.into(),
            message: message.into(),
        }
    }

    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequestException", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NotFoundException", message)
    }

    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "AlreadyExistsException", message)
    }

    pub fn limit_exceeded(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "LimitExceededException", message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "ConflictException", message)
    }

    pub fn too_many_requests() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequestsException",
            "Rate exceeded",
        )
    }

    /// 500 and 503 are what AWS front ends answer when a service is unwell; the SDK retries both.
    pub fn server_error(status: StatusCode) -> Self {
        let error_type = if status == StatusCode::SERVICE_UNAVAILABLE {
            "ServiceUnavailable"
        } else {
            "InternalFailure"
        };
        Self::new(
            status,
            error_type,
            "The request processing has failed because of an unknown error, exception or failure.",
        )
    }

    pub fn unknown_operation(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "UnknownOperationException",
            format!("sesform-emulator does not implement {method} {path}"),
        )
    }

    /// The JSON body of the error response.
    pub fn body(&self) -> serde_json::Value {
        json!({ "__type": self.error_type, "message": self.message })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.error_type,
            self.status.as_u16(),
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_carries_type_and_message() {
        let err = ApiError::not_found("Email identity a.example does not exist.");
        assert_eq!(err.status, StatusCode::NOT_FOUND);
        assert_eq!(
            err.body(),
            json!({"__type": "NotFoundException", "message": "Email identity a.example does not exist."})
        );
    }

    #[test]
    fn server_errors_are_named_by_status() {
        assert_eq!(
            ApiError::server_error(StatusCode::SERVICE_UNAVAILABLE).error_type,
            "ServiceUnavailable"
        );
        assert_eq!(
            ApiError::server_error(StatusCode::INTERNAL_SERVER_ERROR).error_type,
            "InternalFailure"
        );
    }
}
