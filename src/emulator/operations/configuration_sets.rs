//! Configuration set operations (the set and its option blocks).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{configuration_set_mut, list_output, to_json};
use crate::emulator::errors::ApiError;
use crate::emulator::model::{
    ConfigurationSet, DeliveryOptions, HttpsPolicy, ReputationOptions, SendingOptions,
    SuppressionOptions, Tag, Tags, TrackingOptions,
};
use crate::emulator::pagination::ListInput;
use crate::emulator::protocol::ApiRequest;
use crate::emulator::state::RegionState;
use crate::emulator::validate;

/// Blocks stored verbatim: the emulator has no behaviour tied to them.
const PASSTHROUGH_BLOCKS: [&str; 3] = ["VdmOptions", "ArchivingOptions", "MessageSecurityOptions"];

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateInput {
    configuration_set_name: String,
    tracking_options: Option<TrackingOptions>,
    delivery_options: Option<DeliveryOptions>,
    reputation_options: Option<ReputationOptions>,
    sending_options: Option<SendingOptions>,
    suppression_options: Option<SuppressionOptions>,
    #[serde(default)]
    tags: Vec<Tag>,
    #[serde(flatten)]
    other: BTreeMap<String, Value>,
}

pub fn create(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: CreateInput = request.json()?;
    let name = input.configuration_set_name;
    validate::resource_name("configuration set", &name)?;
    if region.configuration_sets.contains_key(&name) {
        return Err(ApiError::already_exists(format!(
            "Configuration set <{name}> already exists."
        )));
    }
    let delivery = input.delivery_options.unwrap_or_default();
    delivery.validate()?;
    if let Some(tracking) = &input.tracking_options {
        tracking.validate()?;
    }
    let mut passthrough = BTreeMap::new();
    for block in PASSTHROUGH_BLOCKS {
        match input.other.get(block) {
            None | Some(Value::Null) => {}
            Some(value @ Value::Object(_)) => {
                passthrough.insert(block, value.clone());
            }
            Some(_) => return Err(ApiError::bad_request(format!("{block} must be an object."))),
        }
    }
    let set = ConfigurationSet {
        name: name.clone(),
        delivery,
        reputation: input.reputation_options.unwrap_or_default(),
        sending: input.sending_options.unwrap_or_default(),
        suppression: input.suppression_options,
        tracking: input.tracking_options,
        passthrough,
        tags: Tags::from_request(input.tags)?,
        event_destinations: BTreeMap::new(),
    };
    region.configuration_sets.insert(name, set);
    Ok(json!({}))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetOutput<'a> {
    configuration_set_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tracking_options: Option<&'a TrackingOptions>,
    delivery_options: &'a DeliveryOptions,
    reputation_options: &'a ReputationOptions,
    sending_options: &'a SendingOptions,
    tags: &'a Tags,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression_options: Option<&'a SuppressionOptions>,
    #[serde(flatten)]
    passthrough: &'a BTreeMap<&'static str, Value>,
}

pub fn get(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let set = configuration_set_mut(region, request.label("ConfigurationSetName")?)?;
    to_json(&GetOutput {
        configuration_set_name: &set.name,
        tracking_options: set.tracking.as_ref(),
        delivery_options: &set.delivery,
        reputation_options: &set.reputation,
        sending_options: &set.sending,
        tags: &set.tags,
        suppression_options: set.suppression.as_ref(),
        passthrough: &set.passthrough,
    })
}

const FILTER_NAME_CONTAINS: &str = "CONFIGURATION_SET_NAME_CONTAINS";

pub fn list(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input = ListInput::from_request(request)?;
    input.check_filter_keys(&[FILTER_NAME_CONTAINS])?;
    let part = input
        .filter
        .get(FILTER_NAME_CONTAINS)
        .map(|p| p.to_lowercase());
    let matching = region
        .configuration_sets
        .keys()
        .filter(|name| {
            part.as_deref()
                .is_none_or(|p| name.to_lowercase().contains(p))
        })
        .map(|name| (name, name.clone()));
    let (page, next_token) = input.page(matching)?;
    Ok(list_output("ConfigurationSets", page, next_token))
}

/// Deleting a set drops its event destinations with it and unlinks identities that used it
/// as their default, so no dangling names remain.
pub fn delete(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let name = request.label("ConfigurationSetName")?;
    if region.configuration_sets.remove(name).is_none() {
        return Err(super::configuration_set_not_found(name));
    }
    for identity in region.identities.values_mut() {
        if identity.configuration_set_name.as_deref() == Some(name) {
            identity.configuration_set_name = None;
        }
    }
    Ok(json!({}))
}

pub fn put_delivery(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let delivery: DeliveryOptions = request.json()?;
    delivery.validate()?;
    configuration_set_mut(region, request.label("ConfigurationSetName")?)?.delivery = delivery;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ReputationInput {
    reputation_metrics_enabled: Option<bool>,
}

pub fn put_reputation(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: ReputationInput = request.json()?;
    let set = configuration_set_mut(region, request.label("ConfigurationSetName")?)?;
    set.reputation.reputation_metrics_enabled = input.reputation_metrics_enabled.unwrap_or(false);
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SendingInput {
    sending_enabled: Option<bool>,
}

pub fn put_sending(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: SendingInput = request.json()?;
    let set = configuration_set_mut(region, request.label("ConfigurationSetName")?)?;
    set.sending.sending_enabled = input.sending_enabled.unwrap_or(false);
    Ok(json!({}))
}

pub fn put_suppression(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let suppression: SuppressionOptions = request.json()?;
    let set = configuration_set_mut(region, request.label("ConfigurationSetName")?)?;
    set.suppression = Some(suppression);
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TrackingInput {
    custom_redirect_domain: Option<String>,
    https_policy: Option<HttpsPolicy>,
}

/// Without a `CustomRedirectDomain` the set goes back to SES's own tracking domain.
pub fn put_tracking(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: TrackingInput = request.json()?;
    let tracking = input
        .custom_redirect_domain
        .filter(|domain| !domain.is_empty())
        .map(|custom_redirect_domain| TrackingOptions {
            custom_redirect_domain,
            https_policy: input.https_policy,
        });
    if let Some(tracking) = &tracking {
        tracking.validate()?;
    }
    configuration_set_mut(region, request.label("ConfigurationSetName")?)?.tracking = tracking;
    Ok(json!({}))
}
