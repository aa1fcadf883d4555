//! Configuration set event destination operations.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{configuration_set_mut, to_json};
use crate::emulator::errors::ApiError;
use crate::emulator::model::{
    EventDestination, EventDestinationDefinition, MAX_EVENT_DESTINATIONS,
};
use crate::emulator::protocol::ApiRequest;
use crate::emulator::state::RegionState;
use crate::emulator::validate;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateInput {
    event_destination_name: String,
    event_destination: EventDestinationDefinition,
}

pub fn create(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let mut input: CreateInput = request.json()?;
    let name = input.event_destination_name;
    validate::resource_name("event destination", &name)?;
    let set = configuration_set_mut(region, request.label("ConfigurationSetName")?)?;
    if set.event_destinations.contains_key(&name) {
        return Err(ApiError::already_exists(format!(
            "Event destination <{name}> already exists in configuration set <{}>.",
            set.name
        )));
    }
    if set.event_destinations.len() >= MAX_EVENT_DESTINATIONS {
        return Err(ApiError::limit_exceeded(format!(
            "Configuration set <{}> already has the maximum of {MAX_EVENT_DESTINATIONS} event destinations.",
            set.name
        )));
    }
    input.event_destination.validate(&request.region)?;
    set.event_destinations.insert(
        name.clone(),
        EventDestination {
            name,
            definition: input.event_destination,
        },
    );
    Ok(json!({}))
}

pub fn get_all(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let set = configuration_set_mut(region, request.label("ConfigurationSetName")?)?;
    let destinations: Vec<EventDestination> = set
        .event_destinations
        .values()
        .map(EventDestination::to_wire)
        .collect();
    Ok(json!({ "EventDestinations": to_json(&destinations)? }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateInput {
    event_destination: EventDestinationDefinition,
}

/// Replaces the whole definition, as SES does: omitted members are not kept.
pub fn update(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let mut input: UpdateInput = request.json()?;
    let set = configuration_set_mut(region, request.label("ConfigurationSetName")?)?;
    let name = request.label("EventDestinationName")?;
    let set_name = set.name.clone();
    let destination = set
        .event_destinations
        .get_mut(name)
        .ok_or_else(|| destination_not_found(&set_name, name))?;
    input.event_destination.validate(&request.region)?;
    destination.definition = input.event_destination;
    Ok(json!({}))
}

pub fn delete(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let set = configuration_set_mut(region, request.label("ConfigurationSetName")?)?;
    let name = request.label("EventDestinationName")?;
    if set.event_destinations.remove(name).is_none() {
        return Err(destination_not_found(&set.name, name));
    }
    Ok(json!({}))
}

fn destination_not_found(set: &str, name: &str) -> ApiError {
    ApiError::not_found(format!(
        "Event destination <{name}> does not exist in configuration set <{set}>."
    ))
}
