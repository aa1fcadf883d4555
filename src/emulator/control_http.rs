//! The control API over HTTP, under `/_emulator/`, for the standalone process. JSON in and
//! out; the region is the `region` query parameter (default `us-east-1`). Its calls are not
//! SESv2 calls: they are neither logged nor subject to faults.
//!
//! | method + path                                   | body / answer                                  |
//! |-------------------------------------------------|------------------------------------------------|
//! | `GET /_emulator/health`                         | `{"status": "ok"}`                             |
//! | `POST /_emulator/reset`                         | forget everything                              |
//! | `POST /_emulator/identities/{name}/verify`      | verification SUCCESS                           |
//! | `POST /_emulator/identities/{name}/fail`        | verification FAILED                            |
//! | `PUT /_emulator/identities/{name}/verification` | `{"status": "TEMPORARY_FAILURE"}` etc.         |
//! | `GET /_emulator/account`                        | the account, in `GetAccount` form              |
//! | `POST /_emulator/account`                       | an `AccountPatch`; answers the new account     |
//! | `GET/POST/DELETE /_emulator/faults`             | pending faults / queue a `Fault` / clear       |
//! | `GET/PUT/DELETE /_emulator/rate-limit`          | stats / `{"per_second": 5, "burst": 5}` / none |
//! | `GET/DELETE /_emulator/calls`                   | `{"calls": [...], "counts": {...}}` / clear    |
//! | `GET/PUT /_emulator/shape`                      | `{"shape": "sparse" \| "aws" \| "dense"}`       |
//! | `GET /_emulator/recipients`                     | `{"recipients": {"a@b.c": "bounce"}}`          |
//! | `PUT/DELETE /_emulator/recipients/{address}`    | `{"outcome": "bounce" \| "complaint" \| "reject" \| "delay" \| "delivery"}` / default |

use hyper::body::Incoming;
use hyper::{Request, StatusCode};
use percent_encoding::percent_decode_str;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::control::{AccountPatch, Control, ControlError};
use super::faults::Fault;
use super::model::VerificationStatus;
use super::protocol::{self, HttpResponse};
use super::shape::Shape;
use super::state::{DEFAULT_REGION, SharedState};

pub const PREFIX: &str = "/_emulator";

pub fn is_control_path(path: &str) -> bool {
    path.strip_prefix(PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

type Answer = Result<Value, (StatusCode, String)>;

pub async fn handle(request: Request<Incoming>, state: &SharedState) -> HttpResponse {
    let control = Control::new(state.clone());
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let query = protocol::parse_query(request.uri().query());
    let region = query
        .iter()
        .find(|(key, _)| key == "region")
        .map_or(DEFAULT_REGION.to_owned(), |(_, value)| value.clone());
    let answer = match protocol::read_body(request.into_body()).await {
        Ok(body) => route(&control, &method, &path, &region, &body),
        Err(error) => Err((StatusCode::BAD_REQUEST, error.message)),
    };
    match answer {
        Ok(body) => protocol::json_response(StatusCode::OK, &body),
        Err((status, message)) => protocol::json_response(status, &json!({ "error": message })),
    }
}

fn route(control: &Control, method: &str, path: &str, region: &str, body: &[u8]) -> Answer {
    let segments: Vec<String> = path
        .trim_start_matches(PREFIX)
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| percent_decode_str(segment).decode_utf8_lossy().into_owned())
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (method, segments.as_slice()) {
        ("GET", ["health"]) => Ok(json!({ "status": "ok" })),
        ("POST", ["reset"]) => {
            control.reset();
            Ok(json!({}))
        }
        ("POST", ["identities", identity, "verify"]) => {
            set_status(control, region, identity, VerificationStatus::Success)
        }
        ("POST", ["identities", identity, "fail"]) => {
            set_status(control, region, identity, VerificationStatus::Failed)
        }
        ("PUT", ["identities", identity, "verification"]) => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct StatusBody {
                status: VerificationStatus,
            }
            let StatusBody { status } = parse(body)?;
            set_status(control, region, identity, status)
        }
        ("GET", ["account"]) => to_value(&control.account(region)),
        ("POST", ["account"]) => {
            let patch: AccountPatch = parse(body)?;
            patch.validate().map_err(|e| (StatusCode::BAD_REQUEST, e))?;
            to_value(&control.set_account(region, patch))
        }
        ("GET", ["faults"]) => Ok(json!({ "pending": control.pending_faults() })),
        ("POST", ["faults"]) => {
            let fault: Fault = parse(body)?;
            control.inject(fault).map_err(control_error)?;
            Ok(json!({ "pending": control.pending_faults() }))
        }
        ("DELETE", ["faults"]) => {
            control.clear_faults();
            Ok(json!({}))
        }
        ("GET", ["rate-limit"]) => Ok(json!({ "rate_limit": control.rate_limit() })),
        ("PUT", ["rate-limit"]) => {
            let limit: super::faults::RateLimit = parse(body)?;
            control.set_rate_limit(Some(limit)).map_err(control_error)?;
            Ok(json!({ "rate_limit": control.rate_limit() }))
        }
        ("DELETE", ["rate-limit"]) => {
            control.set_rate_limit(None).map_err(control_error)?;
            Ok(json!({}))
        }
        ("GET", ["shape"]) => Ok(json!({ "shape": control.shape() })),
        ("PUT", ["shape"]) => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct ShapeBody {
                shape: Shape,
            }
            let ShapeBody { shape } = parse(body)?;
            control.set_shape(shape);
            Ok(json!({ "shape": shape }))
        }
        ("GET", ["recipients"]) => Ok(json!({ "recipients": control.recipient_outcomes(region) })),
        ("PUT", ["recipients", address]) => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct OutcomeBody {
                outcome: super::sending::RecipientOutcome,
            }
            let OutcomeBody { outcome } = parse(body)?;
            control.set_recipient_outcome(region, address, Some(outcome));
            Ok(json!({ "recipients": control.recipient_outcomes(region) }))
        }
        ("DELETE", ["recipients", address]) => {
            control.set_recipient_outcome(region, address, None);
            Ok(json!({ "recipients": control.recipient_outcomes(region) }))
        }
        ("GET", ["calls"]) => Ok(json!({
            "calls": control.calls(),
            "counts": control.call_counts(),
        })),
        ("DELETE", ["calls"]) => {
            control.clear_calls();
            Ok(json!({}))
        }
        _ => Err((
            StatusCode::NOT_FOUND,
            format!("no control endpoint {method} {path}"),
        )),
    }
}

fn set_status(
    control: &Control,
    region: &str,
    identity: &str,
    status: VerificationStatus,
) -> Answer {
    control
        .set_identity_status(region, identity, status)
        .map_err(control_error)?;
    Ok(json!({}))
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, (StatusCode, String)> {
    let body = if body.is_empty() {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| (StatusCode::BAD_REQUEST, format!("invalid JSON body: {e}")))
}

fn to_value<T: serde::Serialize>(value: &T) -> Answer {
    serde_json::to_value(value).map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

fn control_error(error: ControlError) -> (StatusCode, String) {
    let status = match error {
        ControlError::IdentityNotFound { .. } => StatusCode::NOT_FOUND,
        ControlError::InvalidFault(_) | ControlError::InvalidRateLimit(_) => {
            StatusCode::BAD_REQUEST
        }
    };
    (status, error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_paths() {
        assert!(is_control_path("/_emulator"));
        assert!(is_control_path("/_emulator/faults"));
        assert!(!is_control_path("/_emulatorx"));
        assert!(!is_control_path("/v2/email/account"));
    }
}
