//! SESv2 operation handlers: synchronous functions over one region's state.

mod account;
mod configuration_sets;
mod event_destinations;
mod identities;
mod sending;
mod tags;
mod templates;

use serde::Serialize;
use serde_json::{Value, json};

use super::errors::ApiError;
use super::model::{ConfigurationSet, Identity};
use super::protocol::ApiRequest;
use super::routes::Operation;
use super::state::RegionState;

/// Runs `operation`; the result is the 200 response body or a service error.
pub fn dispatch(
    operation: Operation,
    request: &ApiRequest,
    region: &mut RegionState,
) -> Result<Value, ApiError> {
    use Operation as Op;
    let handler = match operation {
        Op::CreateEmailIdentity => identities::create,
        Op::ListEmailIdentities => identities::list,
        Op::GetEmailIdentity => identities::get,
        Op::DeleteEmailIdentity => identities::delete,
        Op::PutEmailIdentityDkimAttributes => identities::put_dkim,
        Op::PutEmailIdentityDkimSigningAttributes => identities::put_dkim_signing,
        Op::PutEmailIdentityMailFromAttributes => identities::put_mail_from,
        Op::PutEmailIdentityFeedbackAttributes => identities::put_feedback,
        Op::PutEmailIdentityConfigurationSetAttributes => identities::put_configuration_set,
        Op::CreateConfigurationSet => configuration_sets::create,
        Op::ListConfigurationSets => configuration_sets::list,
        Op::GetConfigurationSet => configuration_sets::get,
        Op::DeleteConfigurationSet => configuration_sets::delete,
        Op::PutConfigurationSetDeliveryOptions => configuration_sets::put_delivery,
        Op::PutConfigurationSetReputationOptions => configuration_sets::put_reputation,
        Op::PutConfigurationSetSendingOptions => configuration_sets::put_sending,
        Op::PutConfigurationSetSuppressionOptions => configuration_sets::put_suppression,
        Op::PutConfigurationSetTrackingOptions => configuration_sets::put_tracking,
        Op::CreateConfigurationSetEventDestination => event_destinations::create,
        Op::GetConfigurationSetEventDestinations => event_destinations::get_all,
        Op::UpdateConfigurationSetEventDestination => event_destinations::update,
        Op::DeleteConfigurationSetEventDestination => event_destinations::delete,
        Op::TagResource => tags::tag,
        Op::UntagResource => tags::untag,
        Op::ListTagsForResource => tags::list,
        Op::GetAccount => account::get,
        Op::PutAccountDetails => account::put_details,
        Op::PutAccountSendingAttributes => account::put_sending,
        Op::PutAccountSuppressionAttributes => account::put_suppression,
        Op::SendEmail => sending::send_email,
        Op::PutSuppressedDestination => sending::put_suppressed,
        Op::GetSuppressedDestination => sending::get_suppressed,
        Op::DeleteSuppressedDestination => sending::delete_suppressed,
        Op::ListSuppressedDestinations => sending::list_suppressed,
        Op::CreateEmailTemplate => templates::create,
        Op::GetEmailTemplate => templates::get,
        Op::UpdateEmailTemplate => templates::update,
        Op::DeleteEmailTemplate => templates::delete,
        Op::ListEmailTemplates => templates::list,
    };
    handler(request, region)
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|e| {
        ApiError::server_error(hyper::StatusCode::INTERNAL_SERVER_ERROR)
            .with_message(format!("emulator could not serialize its answer: {e}"))
    })
}

/// A `List*` answer; `NextToken` is left out on the last page, as AWS does.
fn list_output<T: Serialize>(key: &str, page: Vec<T>, next_token: Option<String>) -> Value {
    let mut output = json!({ key: page });
    if let Some(token) = next_token {
        output["NextToken"] = json!(token);
    }
    output
}

fn identity_mut<'a>(region: &'a mut RegionState, name: &str) -> Result<&'a mut Identity, ApiError> {
    region
        .identities
        .get_mut(name)
        .ok_or_else(|| identities::identity_not_found(name))
}

fn configuration_set_mut<'a>(
    region: &'a mut RegionState,
    name: &str,
) -> Result<&'a mut ConfigurationSet, ApiError> {
    region
        .configuration_sets
        .get_mut(name)
        .ok_or_else(|| configuration_set_not_found(name))
}

fn configuration_set_not_found(name: &str) -> ApiError {
    ApiError::not_found(format!("Configuration set <{name}> does not exist."))
}
