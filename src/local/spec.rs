//! A spec applied to local SES: what `apply` would create in SES, done through the emulator's
//! own operations (so the API answers what it was given), and SMTP credentials issued the way
//! `apply` issues them: a key per SMTP user with `credentials:`, its SES SMTP password derived
//! for the region and written to the user's dotenv file (mode 0600, other lines kept), pointing
//! at the local STARTTLS endpoint.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::emulator::{ACCOUNT_ID, Control, Operation, VerificationStatus};
use crate::model::{EventBus, State, Target};
use crate::secret::Secret;
use crate::spec::LoadedSpec;

/// Which identities start verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    All,
    None,
    List(Vec<String>),
}

impl Verified {
    /// `all`, `none`, or a comma-separated list of identities.
    pub fn parse(text: &str) -> Verified {
        match text.trim() {
            "all" => Verified::All,
            "none" | "" => Verified::None,
            list => Verified::List(
                list.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
            ),
        }
    }

    fn covers(&self, identity: &str) -> bool {
        match self {
            Verified::All => true,
            Verified::None => false,
            Verified::List(list) => list.iter().any(|i| i.eq_ignore_ascii_case(identity)),
        }
    }
}

/// SMTP credentials made for a spec's user.
#[derive(Debug, Clone)]
pub struct IssuedLocal {
    pub user: String,
    pub key_id: String,
    pub password: Secret,
    pub written_to: Option<PathBuf>,
}

fn call(
    control: &Control,
    region: &str,
    operation: Operation,
    params: &[(&'static str, &str)],
    body: Value,
) -> Result<Value, String> {
    control
        .call(region, operation, params, &body)
        .map_err(|e| format!("{}: {e}", operation.name()))
}

pub fn apply(
    control: &Control,
    region: &str,
    loaded: &LoadedSpec,
    verified: &Verified,
    endpoint: Option<(&str, u16)>,
) -> Result<Vec<IssuedLocal>, String> {
    let resources = crate::resources::desired(&loaded.spec);
    // In dependency order: sets, their destinations, identities, the account, users.
    for state in &resources {
        if let State::ConfigurationSet(set) = state {
            create_set(control, region, set)?;
        }
    }
    for state in &resources {
        if let State::EventDestination(dest) = state {
            create_destination(control, region, dest)?;
        }
    }
    create_identities(control, region, &resources, verified)?;
    for state in &resources {
        if let State::Account(account) = state {
            apply_account(control, region, account)?;
        }
    }
    let mut issued = Vec::new();
    for state in &resources {
        if let State::SmtpUser(user) = state
            && let Some(one) = issue_credentials(control, region, loaded, user, endpoint)?
        {
            issued.push(one);
        }
    }
    Ok(issued)
}

fn create_set(
    control: &Control,
    region: &str,
    set: &crate::model::ConfigurationSetState,
) -> Result<(), String> {
    let mut body = json!({
        "ConfigurationSetName": set.name,
        "DeliveryOptions": {"TlsPolicy": set.tls},
        "SendingOptions": {"SendingEnabled": set.sending_enabled},
        "ReputationOptions": {"ReputationMetricsEnabled": set.reputation_metrics},
    });
    if let Some(reasons) = &set.suppression {
        body["SuppressionOptions"] = json!({"SuppressedReasons": reasons});
    }
    if let Some(tracking) = &set.tracking {
        body["TrackingOptions"] = json!({
            "CustomRedirectDomain": tracking.custom_redirect_domain,
            "HttpsPolicy": tracking.https_policy,
        });
    }
    call(
        control,
        region,
        Operation::CreateConfigurationSet,
        &[],
        body,
    )
    .map(|_| ())
}

fn create_destination(
    control: &Control,
    region: &str,
    dest: &crate::model::EventDestinationState,
) -> Result<(), String> {
    let mut definition = destination_target(region, &dest.target);
    definition["Enabled"] = json!(dest.enabled);
    definition["MatchingEventTypes"] = json!(dest.events);
    call(
        control,
        region,
        Operation::CreateConfigurationSetEventDestination,
        &[("ConfigurationSetName", &dest.configuration_set)],
        json!({"EventDestinationName": dest.name, "EventDestination": definition}),
    )
    .map(|_| ())
}

/// A destination's target in the SESv2 request's terms; the spec's own topics and the default
/// bus by the local account's ARNs.
fn destination_target(region: &str, target: &Target) -> Value {
    let own_arn =
        |service: &str, resource: &str| crate::model::arn(service, region, ACCOUNT_ID, resource);
    match target {
        Target::SnsTopic(topic) if topic.starts_with("arn:") => {
            json!({"SnsDestination": {"TopicArn": topic}})
        }
        Target::SnsTopic(topic) => {
            json!({"SnsDestination": {"TopicArn": own_arn("sns", topic)}})
        }
        Target::EventBridge(bus) => {
            let arn = match bus {
                EventBus::Arn(arn) => arn.clone(),
                EventBus::Default { .. } => own_arn("events", "event-bus/default"),
            };
            json!({"EventBridgeDestination": {"EventBusArn": arn}})
        }
        Target::CloudWatch(dimensions) => json!({"CloudWatchDestination": {
            "DimensionConfigurations": dimensions.iter().map(|d| json!({
                "DimensionName": d.name,
                "DimensionValueSource": d.source,
                "DefaultDimensionValue": d.default_value,
            })).collect::<Vec<_>>()
        }}),
        Target::Firehose {
            delivery_stream_arn,
            iam_role_arn,
        } => json!({"KinesisFirehoseDestination": {
            "DeliveryStreamArn": delivery_stream_arn,
            "IamRoleArn": iam_role_arn,
        }}),
    }
}

/// The spec's identities, verified as `--verified` says; a name it lists that the spec does not
/// declare is an error.
fn create_identities(
    control: &Control,
    region: &str,
    resources: &[State],
    verified: &Verified,
) -> Result<(), String> {
    for state in resources {
        if let State::Identity(identity) = state {
            let mut body = json!({"EmailIdentity": identity.name});
            if let Some(set) = &identity.configuration_set {
                body["ConfigurationSetName"] = json!(set);
            }
            call(control, region, Operation::CreateEmailIdentity, &[], body)?;
            let status = if verified.covers(&identity.name) {
                VerificationStatus::Success
            } else {
                VerificationStatus::Pending
            };
            control
                .set_identity_status(region, &identity.name, status)
                .map_err(|e| e.to_string())?;
        }
    }
    if let Verified::List(list) = verified {
        for name in list {
            if !resources
                .iter()
                .any(|s| matches!(s, State::Identity(i) if i.name.eq_ignore_ascii_case(name)))
            {
                return Err(format!(
                    "--verified names {name:?}, which is not an identity of the spec"
                ));
            }
        }
    }
    Ok(())
}

fn apply_account(
    control: &Control,
    region: &str,
    account: &crate::model::AccountState,
) -> Result<(), String> {
    if let Some(enabled) = account.sending_enabled {
        call(
            control,
            region,
            Operation::PutAccountSendingAttributes,
            &[],
            json!({"SendingEnabled": enabled}),
        )?;
    }
    if let Some(reasons) = &account.suppression {
        call(
            control,
            region,
            Operation::PutAccountSuppressionAttributes,
            &[],
            json!({"SuppressedReasons": reasons}),
        )?;
    }
    Ok(())
}

/// A user with `credentials:` gets a local key, its SMTP password written where the spec says,
/// and SES's check of its IAM policy (only the spec's `allow_from` senders).
fn issue_credentials(
    control: &Control,
    region: &str,
    loaded: &LoadedSpec,
    user: &crate::model::SmtpUserState,
    endpoint: Option<(&str, u16)>,
) -> Result<Option<IssuedLocal>, String> {
    let Some(target) = &user.credentials else {
        return Ok(None);
    };
    let key_id = access_key_id();
    let secret = secret_access_key();
    let password = Secret::new(crate::smtp::password::smtp_password(&secret, region));
    let written_to = match crate::credentials::target_file(target, &loaded.base_dir) {
        Some(path) => {
            let vars =
                crate::credentials::variables_at(target, &key_id, &password, region, endpoint);
            crate::credentials::write_dotenv(&path, &vars).map_err(|e| {
                format!(
                    "writing the credentials of SMTP user {} to {}: {e}",
                    user.name,
                    path.display()
                )
            })?;
            Some(path)
        }
        None => None,
    };
    let allow_from = loaded
        .spec
        .smtp_users
        .get(&user.name)
        .map(|u| u.allow_from.clone())
        .unwrap_or_default();
    if !allow_from.iter().any(|pattern| pattern == "*") {
        let user_arn = format!(
            "arn:{}:iam::{ACCOUNT_ID}:user{}{}",
            crate::model::partition(region),
            user.path,
            user.name
        );
        control.set_sender_policy(region, &key_id, &user_arn, &allow_from);
    }
    Ok(Some(IssuedLocal {
        user: user.name.clone(),
        key_id,
        password,
        written_to,
    }))
}

/// Without a spec: the identities `--verified` names, created and verified.
pub fn identities(control: &Control, region: &str, names: &[String]) -> Result<(), String> {
    for name in names {
        call(
            control,
            region,
            Operation::CreateEmailIdentity,
            &[],
            json!({"EmailIdentity": name}),
        )?;
        control
            .set_identity_status(region, name, VerificationStatus::Success)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `AKIA` and 16 characters, the shape of a long-term access key id.
fn access_key_id() -> String {
    let tail: String = (0..16)
        .map(|_| char::from(UPPER[fastrand::usize(..UPPER.len())]))
        .collect();
    format!("AKIA{tail}")
}

/// 40 characters of the secret access key alphabet.
fn secret_access_key() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..40)
        .map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verified_lists() {
        assert_eq!(Verified::parse("all"), Verified::All);
        assert_eq!(Verified::parse("none"), Verified::None);
        let list = Verified::parse("example.com, a@b.c");
        assert!(list.covers("EXAMPLE.com"));
        assert!(!list.covers("other.org"));
        assert_eq!(access_key_id().len(), 20);
        assert_eq!(secret_access_key().len(), 40);
    }
}
