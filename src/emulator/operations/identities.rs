//! Email identity operations.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{identity_mut, list_output, to_json};
use crate::emulator::errors::ApiError;
use crate::emulator::model::{
    BehaviorOnMxFailure, DkimAttributes, DkimSigningAttributesInput, Identity, IdentityType,
    MailFromAttributes, MailFromDomainStatus, Tag, Tags, VerificationStatus,
};
use crate::emulator::pagination::ListInput;
use crate::emulator::protocol::ApiRequest;
use crate::emulator::state::RegionState;
use crate::emulator::validate;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateInput {
    email_identity: String,
    #[serde(default)]
    tags: Vec<Tag>,
    dkim_signing_attributes: Option<DkimSigningAttributesInput>,
    configuration_set_name: Option<String>,
}

pub fn create(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: CreateInput = request.json()?;
    let name = input.email_identity;
    let identity_type = validate::identity(&name)?;
    if region.identities.contains_key(&name) {
        return Err(ApiError::already_exists(format!(
            "Email identity {name} already exists."
        )));
    }
    if let Some(set) = &input.configuration_set_name {
        require_configuration_set(region, set)?;
    }
    let dkim = match identity_type {
        IdentityType::Domain => DkimAttributes::for_new_domain(input.dkim_signing_attributes)?,
        IdentityType::EmailAddress if input.dkim_signing_attributes.is_some() => {
            return Err(ApiError::bad_request(
                "DkimSigningAttributes can only be specified for domain identities.",
            ));
        }
        IdentityType::EmailAddress => DkimAttributes::not_started(),
    };
    let mut identity = Identity::new(
        name.clone(),
        identity_type,
        dkim,
        Tags::from_request(input.tags)?,
    );
    identity.configuration_set_name = input.configuration_set_name;
    let output = json!({
        "IdentityType": identity.identity_type,
        "VerifiedForSendingStatus": identity.verified_for_sending(),
        "DkimAttributes": to_json(&identity.dkim)?,
    });
    region.identities.insert(name, identity);
    Ok(output)
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetOutput<'a> {
    identity_type: IdentityType,
    feedback_forwarding_status: bool,
    verified_for_sending_status: bool,
    verification_status: VerificationStatus,
    dkim_attributes: &'a DkimAttributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    mail_from_attributes: Option<&'a MailFromAttributes>,
    policies: &'a BTreeMap<String, String>,
    tags: &'a Tags,
    #[serde(skip_serializing_if = "Option::is_none")]
    configuration_set_name: Option<&'a str>,
}

pub fn get(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let identity = identity_mut(region, request.label("EmailIdentity")?)?;
    to_json(&GetOutput {
        identity_type: identity.identity_type,
        feedback_forwarding_status: identity.feedback_forwarding,
        verified_for_sending_status: identity.verified_for_sending(),
        verification_status: identity.verification_status,
        dkim_attributes: &identity.dkim,
        mail_from_attributes: identity.mail_from.as_ref(),
        policies: &identity.policies,
        tags: &identity.tags,
        configuration_set_name: identity.configuration_set_name.as_deref(),
    })
}

const FILTER_NAME_CONTAINS: &str = "IDENTITY_NAME_CONTAINS";
const FILTER_TYPE: &str = "IDENTITY_TYPE";
const FILTER_STATUS: &str = "VERIFICATION_STATUS";

pub fn list(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input = ListInput::from_request(request)?;
    input.check_filter_keys(&[FILTER_NAME_CONTAINS, FILTER_TYPE, FILTER_STATUS])?;
    let wanted_type = filter_enum::<IdentityType>(&input, FILTER_TYPE)?;
    let wanted_status = filter_enum::<VerificationStatus>(&input, FILTER_STATUS)?;
    let name_part = input
        .filter
        .get(FILTER_NAME_CONTAINS)
        .map(|part| part.to_lowercase());
    let matching = region.identities.iter().filter(|(name, identity)| {
        name_part
            .as_deref()
            .is_none_or(|part| name.to_lowercase().contains(part))
            && wanted_type.is_none_or(|t| identity.identity_type == t)
            && wanted_status.is_none_or(|s| identity.verification_status == s)
    });
    let (page, next_token) = input.page(matching.map(|(name, identity)| {
        let info = json!({
            "IdentityType": identity.identity_type,
            "IdentityName": identity.name,
            "SendingEnabled": identity.verified_for_sending(),
            "VerificationStatus": identity.verification_status,
        });
        (name, info)
    }))?;
    Ok(list_output("EmailIdentities", page, next_token))
}

/// A filter value that must be one of an enum's wire names.
fn filter_enum<T: serde::de::DeserializeOwned>(
    input: &ListInput,
    key: &str,
) -> Result<Option<T>, ApiError> {
    input
        .filter
        .get(key)
        .map(|value| {
            serde_json::from_value(Value::String(value.clone())).map_err(|_| {
                ApiError::bad_request(format!("Invalid value <{value}> for filter {key}."))
            })
        })
        .transpose()
}

pub fn delete(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let name = request.label("EmailIdentity")?;
    region
        .identities
        .remove(name)
        .ok_or_else(|| identity_not_found(name))?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DkimInput {
    signing_enabled: Option<bool>,
}

pub fn put_dkim(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: DkimInput = request.json()?;
    let identity = identity_mut(region, request.label("EmailIdentity")?)?;
    identity.dkim.signing_enabled = input.signing_enabled.unwrap_or(false);
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DkimSigningInput {
    signing_attributes_origin: String,
    signing_attributes: Option<DkimSigningAttributesInput>,
}

pub fn put_dkim_signing(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: DkimSigningInput = request.json()?;
    let identity = identity_mut(region, request.label("EmailIdentity")?)?;
    if identity.identity_type != IdentityType::Domain {
        return Err(ApiError::bad_request(
            "DKIM signing attributes can only be set on domain identities.",
        ));
    }
    identity.dkim = identity
        .dkim
        .with_signing(&input.signing_attributes_origin, input.signing_attributes)?;
    let mut output = json!({
        "DkimStatus": identity.dkim.status,
        "DkimTokens": identity.dkim.tokens,
    });
    if let Some(zone) = &identity.dkim.signing_hosted_zone {
        output["SigningHostedZone"] = json!(zone);
    }
    Ok(output)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MailFromInput {
    mail_from_domain: Option<String>,
    behavior_on_mx_failure: Option<BehaviorOnMxFailure>,
}

pub fn put_mail_from(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: MailFromInput = request.json()?;
    let identity = identity_mut(region, request.label("EmailIdentity")?)?;
    identity.mail_from = match input.mail_from_domain.filter(|d| !d.is_empty()) {
        None => None,
        Some(domain) => {
            let parent = identity.domain();
            if !validate::is_domain(&domain) || !validate::is_subdomain_of(&domain, parent) {
                return Err(ApiError::bad_request(format!(
                    "MailFromDomain <{domain}> must be a subdomain of {parent}."
                )));
            }
            Some(MailFromAttributes {
                mail_from_domain: domain,
                mail_from_domain_status: MailFromDomainStatus::Pending,
                behavior_on_mx_failure: input
                    .behavior_on_mx_failure
                    .unwrap_or(BehaviorOnMxFailure::UseDefaultValue),
            })
        }
    };
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FeedbackInput {
    email_forwarding_enabled: Option<bool>,
}

pub fn put_feedback(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: FeedbackInput = request.json()?;
    let identity = identity_mut(region, request.label("EmailIdentity")?)?;
    identity.feedback_forwarding = input.email_forwarding_enabled.unwrap_or(false);
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ConfigurationSetInput {
    configuration_set_name: Option<String>,
}

pub fn put_configuration_set(
    request: &ApiRequest,
    region: &mut RegionState,
) -> Result<Value, ApiError> {
    let input: ConfigurationSetInput = request.json()?;
    let name = request.label("EmailIdentity")?;
    if !region.identities.contains_key(name) {
        return Err(identity_not_found(name));
    }
    let set = input.configuration_set_name.filter(|s| !s.is_empty());
    if let Some(set) = &set {
        require_configuration_set(region, set)?;
    }
    identity_mut(region, name)?.configuration_set_name = set;
    Ok(json!({}))
}

fn require_configuration_set(region: &RegionState, name: &str) -> Result<(), ApiError> {
    if region.configuration_sets.contains_key(name) {
        Ok(())
    } else {
        Err(super::configuration_set_not_found(name))
    }
}

pub fn identity_not_found(name: &str) -> ApiError {
    ApiError::not_found(format!("Email identity {name} does not exist."))
}
