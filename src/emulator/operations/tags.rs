//! Tagging by ARN. Tags live on the resources, so `Get*` shows the same tags.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{configuration_set_mut, identity_mut, to_json};
use crate::emulator::errors::ApiError;
use crate::emulator::model::{Tag, Tags};
use crate::emulator::protocol::ApiRequest;
use crate::emulator::state::{ACCOUNT_ID, RegionState};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagInput {
    resource_arn: String,
    tags: Vec<Tag>,
}

pub fn tag(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: TagInput = request.json()?;
    tags_mut(&request.region, region, &input.resource_arn)?.merge(input.tags)?;
    Ok(json!({}))
}

pub fn untag(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let arn = required_arn(request)?;
    let keys = request.query_all("TagKeys");
    if keys.is_empty() {
        return Err(ApiError::bad_request("TagKeys is required."));
    }
    tags_mut(&request.region, region, arn)?.remove(&keys);
    Ok(json!({}))
}

pub fn list(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let arn = required_arn(request)?;
    let tags = tags_mut(&request.region, region, arn)?;
    Ok(json!({ "Tags": to_json(&tags.to_list())? }))
}

fn required_arn(request: &ApiRequest) -> Result<&str, ApiError> {
    request
        .query_first("ResourceArn")
        .ok_or_else(|| ApiError::bad_request("ResourceArn is required."))
}

/// Resolves `arn:PARTITION:ses:REGION:ACCOUNT:(identity|configuration-set)/NAME` in the request's
/// region; resources of another region or account, or of types the emulator lacks, are not
/// found (SES resources are regional).
fn tags_mut<'a>(
    request_region: &str,
    region: &'a mut RegionState,
    arn: &str,
) -> Result<&'a mut Tags, ApiError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, arn_region, account, resource] = parts[..] else {
        return Err(ApiError::bad_request(format!(
            "Invalid ResourceArn <{arn}>."
        )));
    };
    if prefix != "arn" || service != "ses" || partition != crate::model::partition(request_region) {
        return Err(ApiError::bad_request(format!(
            "Invalid ResourceArn <{arn}>."
        )));
    }
    let not_found = || ApiError::not_found(format!("Resource {arn} does not exist."));
    if arn_region != request_region || account != ACCOUNT_ID {
        return Err(not_found());
    }
    match resource.split_once('/') {
        Some(("identity", name)) => Ok(&mut identity_mut(region, name)?.tags),
        Some(("configuration-set", name)) => Ok(&mut configuration_set_mut(region, name)?.tags),
        _ => Err(not_found()),
    }
}
