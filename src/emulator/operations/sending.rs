//! `SendEmail` and the account-level suppression list. Sending goes through the emulator's one
//! send path (`emulator::sending`), the same the local SMTP endpoints use.

use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};

use super::to_json;
use crate::emulator::errors::ApiError;
use crate::emulator::ids;
use crate::emulator::model::{EmailTemplateContent, SuppressionListReason};
use crate::emulator::protocol::ApiRequest;
use crate::emulator::sending::{
    self, Channel, RenderingFailure, SendRequest, SuppressedDestination, render,
};
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
    template: Option<Template>,
}

/// `Content.Template`: a stored template by name or ARN, or the content inline.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Template {
    template_name: Option<String>,
    template_arn: Option<String>,
    template_content: Option<EmailTemplateContent>,
    template_data: Option<String>,
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
    let content = &input.content;
    let mut rendering_failure = None;
    let (data, from) = match (&content.simple, &content.raw, &content.template) {
        (Some(simple), None, None) => {
            let from = required_from(&input, "Simple")?;
            let message = compose(
                &from,
                &input.destination,
                Some(&simple.subject.data),
                simple.body.text.as_ref().map(|p| p.data.as_str()),
                simple.body.html.as_ref().map(|p| p.data.as_str()),
            );
            (message, from)
        }
        (None, None, Some(template)) => {
            let from = required_from(&input, "Template")?;
            let (name, stored) = template_content(template, region)?;
            match render::render(&stored, template.template_data.as_deref()) {
                Ok(rendered) => {
                    let message = compose(
                        &from,
                        &input.destination,
                        rendered.subject.as_deref(),
                        rendered.text.as_deref(),
                        rendered.html.as_deref(),
                    );
                    (message, from)
                }
                // SES accepts the send; the failure is an event, and nothing is delivered.
                Err(error_message) => {
                    rendering_failure = Some(RenderingFailure {
                        template_name: name,
                        error_message,
                    });
                    (compose(&from, &input.destination, None, None, None), from)
                }
            }
        }
        (None, Some(raw), None) => {
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
                "Content needs exactly one of Simple, Raw or Template.",
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
        rendering_failure,
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

fn required_from(input: &SendEmailInput, kind: &str) -> Result<String, ApiError> {
    input.from_email_address.clone().ok_or_else(|| {
        ApiError::bad_request(format!("FromEmailAddress is required for {kind} content."))
    })
}

/// The template's name (for the Rendering Failure event) and content: inline, or stored under
/// `TemplateName` or the name in `TemplateArn` (`arn:aws:ses:REGION:ACCOUNT:template/NAME`).
fn template_content(
    template: &Template,
    region: &RegionState,
) -> Result<(Option<String>, EmailTemplateContent), ApiError> {
    let name = template.template_name.clone().or_else(|| {
        template
            .template_arn
            .as_deref()
            .and_then(|arn| arn.rsplit_once(":template/"))
            .map(|(_, name)| name.to_string())
    });
    if let Some(content) = &template.template_content {
        return Ok((name, content.clone()));
    }
    let name = name.ok_or_else(|| {
        ApiError::bad_request("Template needs a TemplateName, TemplateArn or TemplateContent.")
    })?;
    let stored = region
        .templates
        .get(&name)
        .ok_or_else(|| super::templates::template_not_found(&name))?;
    Ok((Some(name), stored.content.clone()))
}

/// The MIME message SES builds from Simple or rendered Template content: text, HTML, or both
/// as `multipart/alternative`.
fn compose(
    from: &str,
    destination: &Destination,
    subject: Option<&str>,
    text: Option<&str>,
    html: Option<&str>,
) -> Vec<u8> {
    let mut message = format!("From: {from}\r\n");
    if !destination.to_addresses.is_empty() {
        message.push_str(&format!("To: {}\r\n", destination.to_addresses.join(", ")));
    }
    if !destination.cc_addresses.is_empty() {
        message.push_str(&format!("Cc: {}\r\n", destination.cc_addresses.join(", ")));
    }
    if let Some(subject) = subject {
        message.push_str(&format!("Subject: {subject}\r\n"));
    }
    message.push_str("MIME-Version: 1.0\r\n");
    let part = |kind: &str, body: &str| {
        format!("Content-Type: text/{kind}; charset=UTF-8\r\n\r\n{body}\r\n")
    };
    match (text, html) {
        (Some(plain), Some(html)) => {
            let boundary = format!("=_sesform_{}", ids::request_id());
            message.push_str(&format!(
                "Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n--{boundary}\r\n{}--{boundary}\r\n{}--{boundary}--\r\n",
                part("plain", plain),
                part("html", html),
            ));
        }
        (None, Some(html)) => message.push_str(&part("html", html)),
        (Some(plain), None) => message.push_str(&part("plain", plain)),
        (None, None) => message.push_str("\r\n"),
    }
    message.into_bytes()
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
