//! restJson1 plumbing: what an operation handler gets from a request, and how answers are
//! written back.

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::errors::ApiError;
use super::ids;
use super::routes::PathParams;
use super::state::DEFAULT_REGION;

pub type HttpResponse = Response<Full<Bytes>>;

/// A routed SESv2 request.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub region: String,
    pub params: PathParams,
    pub query: Vec<(String, String)>,
    pub body: Bytes,
}

impl ApiRequest {
    /// A URI label; routing guarantees it, so absence is a bug reported as a bad request.
    pub fn label(&self, name: &str) -> Result<&str, ApiError> {
        self.params
            .get(name)
            .ok_or_else(|| ApiError::bad_request(format!("Missing URI label {name}.")))
    }

    pub fn query_first(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn query_all(&self, name: &str) -> Vec<String> {
        self.query
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    /// The JSON body as `T`; an empty body counts as `{}` (GET/DELETE and bare PUTs).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &self.body
        };
        serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("Invalid request body: {e}")))
    }
}

/// The region from a SigV4 `Authorization` header's credential scope
/// (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`).
pub fn region_from_authorization(header: Option<&str>) -> String {
    header
        .and_then(|value| value.split("Credential=").nth(1))
        .and_then(|credential| credential.split([',', ' ']).next())
        .and_then(|scope| scope.split('/').nth(2))
        .filter(|region| !region.is_empty())
        .unwrap_or(DEFAULT_REGION)
        .to_owned()
}

/// Request bodies of the emulated operations are small; anything bigger is refused.
const MAX_BODY_BYTES: usize = 1 << 20;

pub async fn read_body(body: Incoming) -> Result<Bytes, ApiError> {
    Limited::new(body, MAX_BODY_BYTES)
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .map_err(|e| ApiError::bad_request(format!("Unreadable request body: {e}")))
}

pub fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

pub fn json_response(status: StatusCode, body: &Value) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(id) = HeaderValue::from_str(&ids::request_id()) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

pub fn error_response(error: &ApiError) -> HttpResponse {
    let mut response = json_response(error.status, &error.body());
    if let Ok(value) = HeaderValue::from_str(&error.error_type) {
        response.headers_mut().insert("x-amzn-errortype", value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_from_sigv4_scope() {
        let header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-central-1/ses/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
        assert_eq!(region_from_authorization(Some(header)), "eu-central-1");
        assert_eq!(region_from_authorization(None), DEFAULT_REGION);
        assert_eq!(region_from_authorization(Some("Bearer x")), DEFAULT_REGION);
        assert_eq!(
            region_from_authorization(Some("AWS4-HMAC-SHA256 Credential=AKID/20240101")),
            DEFAULT_REGION
        );
    }

    #[test]
    fn error_response_sets_header_and_body() {
        let response = error_response(&ApiError::conflict("review pending"));
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(response.headers()["x-amzn-errortype"], "ConflictException");
        assert!(response.headers().contains_key("x-amzn-requestid"));
    }

    #[test]
    fn empty_bodies_parse_as_empty_objects() {
        let request = ApiRequest {
            region: DEFAULT_REGION.into(),
            params: PathParams::default(),
            query: parse_query(Some("ResourceArn=arn%3Aaws&TagKeys=a&TagKeys=b")),
            body: Bytes::new(),
        };
        let value: Value = request.json().unwrap();
        assert_eq!(value, serde_json::json!({}));
        assert_eq!(request.query_first("ResourceArn"), Some("arn:aws"));
        assert_eq!(request.query_all("TagKeys"), vec!["a", "b"]);
    }
}
