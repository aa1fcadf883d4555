//! Account operations, including the production access request state machine:
//! no review or GRANTED -> `PutAccountDetails` opens a PENDING review with a new case id;
//! PENDING or refused (FAILED/DENIED) -> `ConflictException`. Tests move reviews on with the
//! control API, as AWS support would.

use serde::Deserialize;
use serde_json::{Value, json};

use super::to_json;
use crate::emulator::errors::ApiError;
use crate::emulator::ids;
use crate::emulator::model::{
    AccountDetails, ContactLanguage, IdentityType, MailType, ReviewDetails, ReviewStatus,
    SuppressionAttributes,
};
use crate::emulator::protocol::ApiRequest;
use crate::emulator::state::RegionState;
use crate::emulator::validate;

pub fn get(_request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    to_json(&region.account)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DetailsInput {
    mail_type: Option<MailType>,
    #[serde(rename = "WebsiteURL")]
    website_url: Option<String>,
    contact_language: Option<ContactLanguage>,
    use_case_description: Option<String>,
    #[serde(default)]
    additional_contact_email_addresses: Vec<String>,
    // `ProductionAccessEnabled` is ignored: the review opens either way.
}

pub fn put_details(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: DetailsInput = request.json()?;
    let mail_type = input
        .mail_type
        .ok_or_else(|| ApiError::bad_request("MailType is required."))?;
    let website_url = input
        .website_url
        .ok_or_else(|| ApiError::bad_request("WebsiteURL is required."))?;
    let url_ok = website_url.len() <= 1000
        && ["http://", "https://"].iter().any(|scheme| {
            website_url
                .strip_prefix(scheme)
                .is_some_and(|rest| !rest.is_empty())
        });
    if !url_ok {
        return Err(ApiError::bad_request(format!(
            "Invalid WebsiteURL <{website_url}>."
        )));
    }
    if input
        .use_case_description
        .as_ref()
        .is_some_and(|d| d.is_empty() || d.chars().count() > 5000)
    {
        return Err(ApiError::bad_request(
            "UseCaseDescription must be 1-5000 characters long.",
        ));
    }
    let contacts = &input.additional_contact_email_addresses;
    if contacts.len() > 4 {
        return Err(ApiError::bad_request(
            "At most 4 AdditionalContactEmailAddresses are allowed.",
        ));
    }
    for address in contacts {
        if !matches!(validate::identity(address), Ok(IdentityType::EmailAddress)) {
            return Err(ApiError::bad_request(format!(
                "Invalid contact email address <{address}>."
            )));
        }
    }
    match region.account.review().map(|review| review.status) {
        Some(ReviewStatus::Pending) => {
            return Err(ApiError::conflict(
                "A review of your account details is already in progress.",
            ));
        }
        Some(ReviewStatus::Failed | ReviewStatus::Denied) => {
            return Err(ApiError::conflict(
                "Your request for production access was denied; contact AWS Support to reopen the case.",
            ));
        }
        Some(ReviewStatus::Granted) | None => {}
    }
    region.account.details = Some(AccountDetails {
        mail_type: Some(mail_type),
        website_url: Some(website_url),
        contact_language: input.contact_language,
        use_case_description: input.use_case_description,
        additional_contact_email_addresses: input.additional_contact_email_addresses,
        review_details: Some(ReviewDetails {
            status: ReviewStatus::Pending,
            case_id: ids::case_id(),
        }),
    });
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SendingInput {
    sending_enabled: Option<bool>,
}

pub fn put_sending(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: SendingInput = request.json()?;
    region.account.sending_enabled = input.sending_enabled.unwrap_or(false);
    Ok(json!({}))
}

pub fn put_suppression(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let attributes: SuppressionAttributes = request.json()?;
    region.account.suppression_attributes = attributes;
    Ok(json!({}))
}
