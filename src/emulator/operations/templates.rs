//! Email template operations: `CreateEmailTemplate`, `GetEmailTemplate`,
//! `UpdateEmailTemplate`, `DeleteEmailTemplate`, `ListEmailTemplates` (SESv2 API reference).

use serde::Deserialize;
use serde_json::{Value, json};

use super::{list_output, to_json};
use crate::emulator::errors::ApiError;
use crate::emulator::ids;
use crate::emulator::model::{EmailTemplate, EmailTemplateContent};
use crate::emulator::pagination::ListInput;
use crate::emulator::protocol::ApiRequest;
use crate::emulator::state::RegionState;
use crate::emulator::validate;

/// `ListEmailTemplates` takes a `PageSize` of 1 to 100 (API reference).
const MAX_PAGE_SIZE: i64 = 100;

pub fn template_not_found(name: &str) -> ApiError {
    ApiError::not_found(format!("Template {name} does not exist."))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateInput {
    template_name: Option<String>,
    template_content: Option<EmailTemplateContent>,
}

pub fn create(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input: CreateInput = request.json()?;
    let name = input
        .template_name
        .ok_or_else(|| ApiError::bad_request("TemplateName is required."))?;
    validate::resource_name("template", &name)?;
    let content = input
        .template_content
        .ok_or_else(|| ApiError::bad_request("TemplateContent is required."))?;
    if region.templates.contains_key(&name) {
        return Err(ApiError::already_exists(format!(
            "Template {name} already exists."
        )));
    }
    region.templates.insert(
        name.clone(),
        EmailTemplate {
            name,
            content,
            created_timestamp: ids::now_epoch_seconds(),
        },
    );
    Ok(json!({}))
}

pub fn get(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let name = request.label("TemplateName")?;
    let template = region
        .templates
        .get(name)
        .ok_or_else(|| template_not_found(name))?;
    Ok(json!({
        "TemplateName": template.name,
        "TemplateContent": to_json(&template.content)?,
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateInput {
    template_content: Option<EmailTemplateContent>,
}

pub fn update(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let name = request.label("TemplateName")?;
    let input: UpdateInput = request.json()?;
    let content = input
        .template_content
        .ok_or_else(|| ApiError::bad_request("TemplateContent is required."))?;
    let template = region
        .templates
        .get_mut(name)
        .ok_or_else(|| template_not_found(name))?;
    template.content = content;
    Ok(json!({}))
}

pub fn delete(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let name = request.label("TemplateName")?;
    region
        .templates
        .remove(name)
        .ok_or_else(|| template_not_found(name))?;
    Ok(json!({}))
}

pub fn list(request: &ApiRequest, region: &mut RegionState) -> Result<Value, ApiError> {
    let input = ListInput::from_request(request)?;
    if let Some(size) = input.page_size
        && !(1..=MAX_PAGE_SIZE).contains(&size)
    {
        return Err(ApiError::bad_request(format!(
            "PageSize must be between 1 and {MAX_PAGE_SIZE}, got {size}."
        )));
    }
    let (page, next_token) = input.page(region.templates.iter().map(|(name, template)| {
        (
            name,
            json!({
                "TemplateName": template.name,
                "CreatedTimestamp": template.created_timestamp,
            }),
        )
    }))?;
    Ok(list_output("TemplatesMetadata", page, next_token))
}
