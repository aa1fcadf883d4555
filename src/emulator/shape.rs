//! Response shapes: AWS answers the same state in more than one JSON shape. Optional
//! structures may be left out or sent with only some members, booleans that are `false` (a
//! Smithy default) may be omitted, and "nothing set" may come back as an empty string. A reader
//! that only ever sees one shape agrees with its emulator and breaks on AWS, so the emulator
//! answers in the shape chosen with `--shape` or `PUT /_emulator/shape`:
//!
//! - `sparse`: every optional structure and member left out where AWS may leave it out
//!   (no `MailFromAttributes` without a custom MAIL FROM, no `DkimAttributes` on addresses, no
//!   empty `Tags` or `Policies`, `false` booleans and default enum values omitted);
//! - `aws` (the default): what AWS returns today, e.g. `MailFromAttributes` with an empty
//!   `MailFromDomain` and a `FAILED` status for an identity without a custom MAIL FROM, and
//!   the DKIM attributes of its domain on an email-address identity;
//! - `dense`: every member present, defaults filled in (empty strings, empty lists, `false`,
//!   `HEALTHY`, `DISABLED`), and `NOT_STARTED` as the MAIL FROM status of an identity without
//!   one: a value outside the documented set, as some servers send, which readers must carry.
//!
//! All three describe the same state: a reader must see no difference between them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::routes::Operation;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    Sparse,
    #[default]
    Aws,
    Dense,
}

impl Shape {
    pub const NAMES: [&str; 3] = ["sparse", "aws", "dense"];

    pub fn parse(name: &str) -> Option<Shape> {
        match name {
            "sparse" => Some(Shape::Sparse),
            "aws" => Some(Shape::Aws),
            "dense" => Some(Shape::Dense),
            _ => None,
        }
    }
}

/// Rewrites the emulator's answer to `operation` (its canonical form: optional structures
/// present only when set) into `shape`.
pub fn reshape(shape: Shape, operation: Operation, output: &mut Value) {
    let Some(output) = output.as_object_mut() else {
        return;
    };
    match operation {
        Operation::GetEmailIdentity => email_identity(shape, output),
        Operation::ListEmailIdentities => {
            for info in objects(output, "EmailIdentities") {
                if shape == Shape::Sparse {
                    // SendingEnabled already says whether it may send.
                    info.remove("VerificationStatus");
                    drop_false(info, "SendingEnabled");
                }
            }
        }
        Operation::GetConfigurationSet => configuration_set(shape, output),
        Operation::GetConfigurationSetEventDestinations => {
            for destination in objects(output, "EventDestinations") {
                if shape == Shape::Sparse {
                    drop_false(destination, "Enabled");
                }
            }
        }
        Operation::GetAccount => account(shape, output),
        Operation::GetEmailTemplate => {
            if let Some(Value::Object(content)) = output.get_mut("TemplateContent") {
                for part in ["Subject", "Text", "Html"] {
                    match shape {
                        // An empty part is no part.
                        Shape::Sparse => drop_empty(content, part),
                        Shape::Aws => {}
                        Shape::Dense => fill(content, part, json!("")),
                    }
                }
            }
        }
        _ => {}
    }
}

fn email_identity(shape: Shape, output: &mut Map<String, Value>) {
    let is_address = output.get("IdentityType") == Some(&json!("EMAIL_ADDRESS"));
    let no_mail_from = !output.contains_key("MailFromAttributes");
    match shape {
        Shape::Sparse => {
            drop_empty(output, "Policies");
            drop_empty(output, "Tags");
            drop_false(output, "FeedbackForwardingStatus");
            if is_address {
                output.remove("DkimAttributes");
            } else if let Some(Value::Object(dkim)) = output.get_mut("DkimAttributes") {
                drop_empty(dkim, "Tokens");
                drop_false(dkim, "SigningEnabled");
                drop_default(dkim, "SigningAttributesOrigin", json!("AWS_SES"));
                dkim.remove("LastKeyGenerationTimestamp");
            }
        }
        Shape::Aws | Shape::Dense => {
            if no_mail_from {
                // `dense` sends a status outside the documented set, as some servers do:
                // readers must carry unknown enum values, never fail on them.
                let status = if shape == Shape::Dense {
                    "NOT_STARTED"
                } else {
                    "FAILED"
                };
                output.insert(
                    "MailFromAttributes".into(),
                    json!({
                        "MailFromDomain": "",
                        "MailFromDomainStatus": status,
                        "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
                    }),
                );
            }
            if is_address {
                // An address signs with its domain's DKIM, and AWS reports that domain's
                // attributes on it: they are not the address's own settings.
                output.insert(
                    "DkimAttributes".into(),
                    json!({
                        "SigningEnabled": true,
                        "Status": "SUCCESS",
                        "Tokens": [],
                        "SigningAttributesOrigin": "AWS_SES",
                        "NextSigningKeyLength": "RSA_2048_BIT",
                        "CurrentSigningKeyLength": "RSA_2048_BIT",
                    }),
                );
            }
            if shape == Shape::Dense {
                fill(output, "ConfigurationSetName", json!(""));
                fill(output, "Policies", json!({}));
                fill(output, "Tags", json!([]));
                fill(output, "VerificationInfo", json!({}));
                if let Some(Value::Object(dkim)) = output.get_mut("DkimAttributes") {
                    fill(dkim, "Tokens", json!([]));
                    fill(dkim, "SigningAttributesOrigin", json!("AWS_SES"));
                }
            }
        }
    }
}

fn configuration_set(shape: Shape, output: &mut Map<String, Value>) {
    match shape {
        Shape::Sparse => {
            drop_empty(output, "Tags");
            if let Some(Value::Object(delivery)) = output.get_mut("DeliveryOptions") {
                drop_default(delivery, "TlsPolicy", json!("OPTIONAL"));
            }
            drop_empty(output, "DeliveryOptions");
            if let Some(Value::Object(reputation)) = output.get_mut("ReputationOptions") {
                drop_false(reputation, "ReputationMetricsEnabled");
            }
            drop_empty(output, "ReputationOptions");
            // A set created without sending options sends.
            if output.get("SendingOptions") == Some(&json!({"SendingEnabled": true})) {
                output.remove("SendingOptions");
            }
            if let Some(Value::Object(tracking)) = output.get_mut("TrackingOptions") {
                drop_default(tracking, "HttpsPolicy", json!("OPTIONAL"));
            }
        }
        Shape::Aws => {}
        Shape::Dense => {
            fill(output, "Tags", json!([]));
            fill(output, "DeliveryOptions", json!({}));
            if let Some(Value::Object(delivery)) = output.get_mut("DeliveryOptions") {
                fill(delivery, "TlsPolicy", json!("OPTIONAL"));
            }
            fill(
                output,
                "TrackingOptions",
                json!({"CustomRedirectDomain": ""}),
            );
            if let Some(Value::Object(tracking)) = output.get_mut("TrackingOptions") {
                fill(tracking, "HttpsPolicy", json!("OPTIONAL"));
            }
            fill(output, "VdmOptions", json!({}));
        }
    }
}

fn account(shape: Shape, output: &mut Map<String, Value>) {
    match shape {
        Shape::Sparse => {
            if let Some(Value::Object(suppression)) = output.get_mut("SuppressionAttributes") {
                drop_empty(suppression, "SuppressedReasons");
            }
            drop_empty(output, "SuppressionAttributes");
            drop_false(output, "DedicatedIpAutoWarmupEnabled");
            drop_false(output, "ProductionAccessEnabled");
            if let Some(Value::Object(details)) = output.get_mut("Details") {
                drop_empty(details, "AdditionalContactEmailAddresses");
            }
        }
        Shape::Aws => {}
        Shape::Dense => {
            fill(output, "SuppressionAttributes", json!({}));
            if let Some(Value::Object(suppression)) = output.get_mut("SuppressionAttributes") {
                fill(suppression, "SuppressedReasons", json!([]));
            }
            fill(output, "DedicatedIpAutoWarmupEnabled", json!(false));
            fill(output, "EnforcementStatus", json!("HEALTHY"));
            fill(output, "VdmAttributes", json!({"VdmEnabled": "DISABLED"}));
            if let Some(Value::Object(details)) = output.get_mut("Details") {
                fill(details, "AdditionalContactEmailAddresses", json!([]));
            }
        }
    }
}

/// The objects of the list under `key`.
fn objects<'a>(
    output: &'a mut Map<String, Value>,
    key: &str,
) -> impl Iterator<Item = &'a mut Map<String, Value>> {
    output
        .get_mut(key)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

/// Drops a member that holds the value its absence means.
fn drop_default(object: &mut Map<String, Value>, key: &str, default: Value) {
    if object.get(key) == Some(&default) {
        object.remove(key);
    }
}

fn drop_false(object: &mut Map<String, Value>, key: &str) {
    drop_default(object, key, Value::Bool(false));
}

/// Drops an empty list, object or string.
fn drop_empty(object: &mut Map<String, Value>, key: &str) {
    let empty = match object.get(key) {
        Some(Value::Array(items)) => items.is_empty(),
        Some(Value::Object(members)) => members.is_empty(),
        Some(Value::String(text)) => text.is_empty(),
        _ => false,
    };
    if empty {
        object.remove(key);
    }
}

fn fill(object: &mut Map<String, Value>, key: &str, default: Value) {
    object.entry(key).or_insert(default);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(extra: Value) -> Value {
        let mut base = json!({
            "IdentityType": "DOMAIN",
            "FeedbackForwardingStatus": true,
            "VerifiedForSendingStatus": false,
            "VerificationStatus": "PENDING",
            "DkimAttributes": {"SigningEnabled": true, "Status": "PENDING", "Tokens": ["a"],
                               "SigningAttributesOrigin": "AWS_SES"},
            "Policies": {},
            "Tags": [],
        });
        for (key, value) in extra.as_object().unwrap() {
            base[key] = value.clone();
        }
        base
    }

    fn reshaped(shape: Shape, operation: Operation, mut value: Value) -> Value {
        reshape(shape, operation, &mut value);
        value
    }

    #[test]
    fn mail_from_without_a_custom_domain_in_each_shape() {
        let sparse = reshaped(
            Shape::Sparse,
            Operation::GetEmailIdentity,
            identity(json!({})),
        );
        assert!(sparse.get("MailFromAttributes").is_none());
        assert!(sparse.get("Tags").is_none());
        let aws = reshaped(Shape::Aws, Operation::GetEmailIdentity, identity(json!({})));
        assert_eq!(aws["MailFromAttributes"]["MailFromDomain"], "");
        assert_eq!(aws["MailFromAttributes"]["MailFromDomainStatus"], "FAILED");
        let dense = reshaped(
            Shape::Dense,
            Operation::GetEmailIdentity,
            identity(json!({})),
        );
        assert_eq!(dense["ConfigurationSetName"], "");
        assert_eq!(
            dense["MailFromAttributes"]["BehaviorOnMxFailure"],
            "USE_DEFAULT_VALUE"
        );
    }

    #[test]
    fn a_custom_mail_from_is_kept_in_every_shape() {
        let custom = json!({"MailFromAttributes": {"MailFromDomain": "mail.example.com",
            "MailFromDomainStatus": "PENDING", "BehaviorOnMxFailure": "REJECT_MESSAGE"}});
        for shape in [Shape::Sparse, Shape::Aws, Shape::Dense] {
            let out = reshaped(shape, Operation::GetEmailIdentity, identity(custom.clone()));
            assert_eq!(
                out["MailFromAttributes"], custom["MailFromAttributes"],
                "{shape:?}"
            );
        }
    }

    #[test]
    fn sparse_sets_leave_out_what_equals_the_default() {
        let set = json!({
            "ConfigurationSetName": "tx",
            "DeliveryOptions": {"TlsPolicy": "OPTIONAL"},
            "ReputationOptions": {"ReputationMetricsEnabled": false},
            "SendingOptions": {"SendingEnabled": true},
            "Tags": [],
        });
        let sparse = reshaped(Shape::Sparse, Operation::GetConfigurationSet, set.clone());
        assert_eq!(sparse, json!({"ConfigurationSetName": "tx"}));
        let dense = reshaped(Shape::Dense, Operation::GetConfigurationSet, set);
        assert_eq!(dense["TrackingOptions"]["CustomRedirectDomain"], "");
        assert_eq!(dense["DeliveryOptions"]["TlsPolicy"], "OPTIONAL");
    }

    #[test]
    fn template_parts_in_each_shape() {
        let template =
            json!({"TemplateName": "t", "TemplateContent": {"Subject": "Hi", "Text": ""}});
        let sparse = reshaped(Shape::Sparse, Operation::GetEmailTemplate, template.clone());
        assert_eq!(sparse["TemplateContent"], json!({"Subject": "Hi"}));
        let dense = reshaped(Shape::Dense, Operation::GetEmailTemplate, template);
        assert_eq!(
            dense["TemplateContent"],
            json!({"Subject": "Hi", "Text": "", "Html": ""})
        );
    }

    #[test]
    fn shape_names_round_trip() {
        for name in Shape::NAMES {
            let shape = Shape::parse(name).unwrap();
            assert_eq!(serde_json::to_value(shape).unwrap(), json!(name));
        }
        assert_eq!(Shape::parse("other"), None);
    }
}
