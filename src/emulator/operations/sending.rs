//! `SendEmail` and the account-level suppression list. Sending goes through the emulator's one
//! send path (`emulator::sending`), the same the local SMTP endpoints use.

use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};

use super::to_json;
use crate::emulator::errors::ApiError;
use crate::emulator::ids;
use crate::emulator::model::SuppressionListReason;
use crate::emulator::protocol::ApiRequest;
use crate::emulator::sending::{self, Channel, SendRequest, SuppressedDestination};
use crate::emulator::state::RegionState;

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct Destination {
    #[serde(default)]
    to_addresses: Vec<String>,
    #[serde(default)]
    cc_addresses: Vec<String>,
    #[serde(default)]
    bcc_addresses: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Content {
    simple: Option<Simple>,
    raw: Option<Raw>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Simple {
    subject: Part,
    body: Body,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Part {
    data: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Body {
    text: Option<Part>,
    html: Option<Part>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Raw {
    /// Base64, as restJson1 sends blobs.
    data: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Tag {
    name: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SendEmailInput {
    from_email_address: Option<String>,
    #[serde(default)]
    destination: Destination,
    content: Content,
    configuration_set_name: Option<String>,
    #[serde(default)]
    email_tags: Vec<Tag>,
}

pub fn send_email(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: SendEmailInput = request.json()?;
    let (data, from) = match (&input.content.simple, &input.content.raw) {
        (Some(simple), None) => {
            let from = input.from_email_address.clone().ok_or_else(|| {
                ApiError::bad_request("FromEmailAddress is required for Simple content.")
            })?;
            (simple_message(&from, &input.destination, simple), from)
        }
        (None, Some(raw)) => {
            let data = base64::engine::general_purpose::STANDARD
                .decode(raw.data.trim())
                .map_err(|_| ApiError::bad_request("Content.Raw.Data is not valid base64."))?;
            let from = match &input.from_email_address {
                Some(from) => from.clone(),
                None => sending::message::parse_headers(&data)
                    .into_iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("From"))
                    .map(|(_, v)| sending::message::bare_address(&v))
                    .ok_or_else(|| ApiError::bad_request("The message has no From address."))?,
            };
            (data, from)
        }
        _ => {
            return Err(ApiError::bad_request(
                "Content needs exactly one of Simple or Raw (Template is not emulated).",
            ));
        }
    };
    let mut destinations: Vec<String> = input
        .destination
        .to_addresses
        .iter()
        .chain(&input.destination.cc_addresses)
        .chain(&input.destination.bcc_addresses)
        .map(|a| sending::message::bare_address(a))
        .collect();
    if destinations.is_empty() && input.content.raw.is_some() {
        destinations = sending::message::parse_headers(&data)
            .into_iter()
            .filter(|(n, _)| {
                ["To", "Cc", "Bcc"]
                    .iter()
                    .any(|h| n.eq_ignore_ascii_case(h))
            })
            .flat_map(|(_, v)| {
                v.split(',')
                    .map(sending::message::bare_address)
                    .collect::<Vec<_>>()
            })
            .filter(|a| !a.is_empty())
            .collect();
    }
    if destinations.is_empty() {
        return Err(ApiError::bad_request("Missing required header 'To'."));
    }
    let send = SendRequest {
        channel: Channel::Api,
        user: None,
        source: sending::message::bare_address(&from),
        destinations,
        data,
        configuration_set: input.configuration_set_name,
        transcript: Vec::new(),
        tags: (!input.email_tags.is_empty()).then(|| {
            input
                .email_tags
                .iter()
                .map(|t| (t.name.clone(), t.value.clone()))
                .collect()
        }),
    };
    let name = request.region.clone();
    match sending::send(&name, region, send) {
        Ok(accepted) => {
            region.outbox.pending.extend(accepted.publications);
            Ok(json!({"MessageId": accepted.message_id}))
        }
        Err(rejection) => Err(rejection.api()),
    }
}

fn simple_message(from: &str, destination: &Destination, simple: &Simple) -> Vec<u8> {
    let mut text = format!("From: {from}\r\n");
    if !destination.to_addresses.is_empty() {
        text.push_str(&format!("To: {}\r\n", destination.to_addresses.join(", ")));
    }
    if !destination.cc_addresses.is_empty() {
        text.push_str(&format!("Cc: {}\r\n", destination.cc_addresses.join(", ")));
    }
    text.push_str(&format!("Subject: {}\r\n", simple.subject.data));
    text.push_str("MIME-Version: 1.0\r\n");
    match (&simple.body.text, &simple.body.html) {
        (_, Some(html)) => {
            text.push_str("Content-Type: text/html; charset=UTF-8\r\n\r\n");
            text.push_str(&html.data);
        }
        (Some(plain), None) => {
            text.push_str("Content-Type: text/plain; charset=UTF-8\r\n\r\n");
            text.push_str(&plain.data);
        }
        (None, None) => text.push_str("\r\n"),
    }
    text.push_str("\r\n");
    text.into_bytes()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PutSuppressedInput {
    email_address: String,
    reason: SuppressionListReason,
}

pub fn put_suppressed(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: PutSuppressedInput = request.json()?;
    let address = input.email_address.to_ascii_lowercase();
    region.outbox.suppressed.insert(
        address.clone(),
        SuppressedDestination {
            email_address: input.email_address,
            reason: input.reason,
            last_update_time: ids::now_epoch_seconds(),
            attributes: None,
        },
    );
    Ok(json!({}))
}

fn not_listed(address: &str) -> ApiError {
    ApiError::not_found(format!(
        "Email address {address} does not exist on your suppression list."
    ))
}

pub fn get_suppressed(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let address = request.label("EmailAddress")?;
    let entry = region
        .outbox
        .suppressed
        .get(&address.to_ascii_lowercase())
        .ok_or_else(|| not_listed(address))?;
    Ok(json!({"SuppressedDestination": to_json(entry)?}))
}

pub fn delete_suppressed(
    request: &ApiRequest,
    region: &mut RegionState,
) -> Result<Value, ApiError> {
    let address = request.label("EmailAddress")?;
    region
        .outbox
        .suppressed
        .remove(&address.to_ascii_lowercase())
        .ok_or_else(|| not_listed(address))?;
    Ok(json!({}))
}

pub fn list_suppressed(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let reasons = request.query_all("Reason");
    let summaries: Vec<Value> = region
        .outbox
        .suppressed
        .values()
        .filter(|entry| {
            reasons.is_empty() || reasons.iter().any(|r| json!(entry.reason) == json!(r))
        })
        .map(|entry| {
            json!({
                "EmailAddress": entry.email_address,
                "Reason": entry.reason,
                "LastUpdateTime": entry.last_update_time,
            })
        })
        .collect();
    Ok(json!({"SuppressedDestinationSummaries": summaries}))
}
