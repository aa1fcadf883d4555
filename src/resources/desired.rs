//! spec -> desired model: every resource the spec declares, normalized, with its tags.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use crate::model::*;
use crate::spec::{self, Spec};

/// The desired resources, in a stable order (by address).
pub fn resources(spec: &Spec) -> Vec<State> {
    let stack = spec.stack.as_deref().unwrap_or(DEFAULT_STACK);
    let mut out = Vec::new();
    if let Some(account) = &spec.account {
        out.push(State::Account(account_state(account)));
    }
    for (name, topic) in &spec.sns_topics {
        out.push(State::SnsTopic(TopicState {
            name: name.clone(),
            tags: managed_tags(&topic.tags, stack, topic.prevent_destroy),
        }));
        for sub in &topic.subscriptions {
            out.push(State::SnsSubscription(SubscriptionState {
                topic: name.clone(),
                protocol: sub.protocol.as_str().to_string(),
                endpoint: sub.endpoint.clone(),
                raw_message_delivery: sub.raw_message_delivery.unwrap_or(false),
            }));
        }
    }
    for (name, set) in &spec.configuration_sets {
        out.push(State::ConfigurationSet(configuration_set_state(
            name, set, stack,
        )));
        for (dest_name, dest) in &set.event_destinations {
            out.push(State::EventDestination(event_destination_state(
                spec, name, dest_name, dest,
            )));
        }
    }
    for (name, identity) in &spec.identities {
        out.push(State::Identity(identity_state(name, identity, stack)));
    }
    for (name, user) in &spec.smtp_users {
        out.push(State::SmtpUser(SmtpUserState {
            name: name.clone(),
            path: user.path.clone().unwrap_or_else(|| SMTP_USER_PATH.into()),
            policy: Some(smtp_policy(user, &spec.region)),
            tags: managed_tags(&user.tags, stack, user.prevent_destroy),
            access_key: user.credentials.as_ref().map(|_| KEY_ACTIVE.to_string()),
            credentials: user.credentials.as_ref().map(credentials_target),
        }));
    }
    out.sort_by_key(State::address);
    out
}

/// The spec's tags plus sesform's own: `managed-by`, `sesform:stack`, and the
/// `prevent_destroy` marker.
pub fn managed_tags(tags: &Tags, stack: &str, prevent_destroy: bool) -> Tags {
    let mut out = tags.clone();
    out.insert(MANAGED_BY_TAG.into(), MANAGED_BY_VALUE.into());
    out.insert(STACK_TAG.into(), stack.into());
    if prevent_destroy {
        out.insert(PREVENT_DESTROY_TAG.into(), "true".into());
    }
    out
}

fn reasons(list: &[spec::SuppressionReason]) -> BTreeSet<String> {
    list.iter()
        .map(|r| match r {
            spec::SuppressionReason::Bounce => "BOUNCE".to_string(),
            spec::SuppressionReason::Complaint => "COMPLAINT".to_string(),
        })
        .collect()
}

fn account_state(account: &spec::Account) -> AccountState {
    AccountState {
        sending_enabled: account.sending_enabled,
        suppression: account.suppression.as_deref().map(reasons),
        production_access: account
            .production_access
            .as_ref()
            .map(|p| ProductionAccessState {
                mail_type: match p.mail_type {
                    spec::MailType::Transactional => "TRANSACTIONAL".into(),
                    spec::MailType::Marketing => "MARKETING".into(),
                },
                website_url: p.website_url.clone(),
                use_case: p.use_case.clone(),
                contact_language: p.contact_language.map(|l| match l {
                    spec::ContactLanguage::En => "EN".into(),
                    spec::ContactLanguage::Ja => "JA".into(),
                }),
                additional_contacts: p.additional_contacts.clone(),
            }),
    }
}

fn configuration_set_state(
    name: &str,
    set: &spec::ConfigurationSet,
    stack: &str,
) -> ConfigurationSetState {
    ConfigurationSetState {
        name: name.to_string(),
        tls: set.tls.unwrap_or(spec::TlsPolicy::Optional).as_str().into(),
        sending_enabled: set.sending_enabled.unwrap_or(true),
        reputation_metrics: set.reputation_metrics.unwrap_or(false),
        suppression: set.suppression.as_deref().map(reasons),
        tracking: set.tracking.as_ref().map(|t| TrackingState {
            custom_redirect_domain: t.custom_redirect_domain.clone(),
            https_policy: t
                .https_policy
                .unwrap_or(spec::HttpsPolicy::Optional)
                .as_str()
                .into(),
        }),
        tags: managed_tags(&set.tags, stack, set.prevent_destroy),
    }
}

fn event_destination_state(
    spec: &Spec,
    set: &str,
    name: &str,
    dest: &spec::EventDestination,
) -> EventDestinationState {
    let target = if let Some(topic) = &dest.sns_topic {
        // An ARN stays an ARN: only the live account can tell whether it is one of its own
        // topics (see `Target::own_topic`), and another account's topic must keep its account.
        Target::SnsTopic(topic.clone())
    } else if let Some(cw) = &dest.cloudwatch {
        let mut dims: Vec<Dimension> = cw
            .dimensions
            .iter()
            .map(|d| Dimension {
                name: d.name.clone(),
                source: d.source.as_str().into(),
                default_value: d.default_value.clone(),
            })
            .collect();
        dims.sort();
        Target::CloudWatch(dims)
    } else if let Some(eb) = &dest.eventbridge {
        Target::EventBridge(match &eb.event_bus_arn {
            Some(arn) => EventBus::from_arn(arn),
            // The account id is not known offline.
            None => EventBus::Default {
                region: spec.region.clone(),
            },
        })
    } else if let Some(fh) = &dest.firehose {
        Target::Firehose {
            delivery_stream_arn: fh.delivery_stream_arn.clone(),
            iam_role_arn: fh.iam_role_arn.clone(),
        }
    } else {
        unreachable!("validation guarantees exactly one target")
    };
    EventDestinationState {
        configuration_set: set.to_string(),
        name: name.to_string(),
        enabled: dest.enabled.unwrap_or(true),
        events: dest.events.iter().map(|e| e.as_str().to_string()).collect(),
        target,
    }
}

fn identity_state(name: &str, identity: &spec::Identity, stack: &str) -> IdentityState {
    let is_domain = !name.contains('@');
    let dkim = is_domain.then(|| {
        let spec_dkim = identity.dkim.clone().unwrap_or_default();
        match &spec_dkim.byodkim {
            Some(byo) => DkimState {
                signing_enabled: spec_dkim.enabled.unwrap_or(true),
                origin: "EXTERNAL".into(),
                key_length: None,
                selector: Some(byo.selector.clone()),
                private_key_from: Some(match (&byo.private_key.file, &byo.private_key.env) {
                    (Some(file), _) => format!("file:{file}"),
                    (_, Some(env)) => format!("env:{env}"),
                    _ => unreachable!("validation guarantees one secret source"),
                }),
            },
            None => DkimState {
                signing_enabled: spec_dkim.enabled.unwrap_or(true),
                origin: "AWS_SES".into(),
                key_length: Some(
                    spec_dkim
                        .easy
                        .and_then(|e| e.key_length)
                        .unwrap_or(spec::DkimKeyLength::RSA_2048_BIT)
                        .as_str()
                        .into(),
                ),
                selector: None,
                private_key_from: None,
            },
        }
    });
    IdentityState {
        name: name.to_string(),
        identity_type: if is_domain { "DOMAIN" } else { "EMAIL_ADDRESS" }.into(),
        dkim,
        mail_from: identity.mail_from.as_ref().map(|m| MailFromState {
            domain: m.domain.clone(),
            on_mx_failure: m
                .on_mx_failure
                .unwrap_or(spec::MxFailure::UseDefaultValue)
                .as_str()
                .into(),
        }),
        configuration_set: identity.configuration_set.clone(),
        feedback_forwarding: identity.feedback_forwarding.unwrap_or(true),
        tags: managed_tags(&identity.tags, stack, identity.prevent_destroy),
    }
}

fn credentials_target(c: &spec::Credentials) -> CredentialsTarget {
    let preset = c.preset.unwrap_or(spec::CredentialsPreset::Laravel);
    let mut vars: BTreeMap<String, String> = match preset {
        spec::CredentialsPreset::Laravel => [
            ("username", "MAIL_USERNAME"),
            ("password", "MAIL_PASSWORD"),
            ("host", "MAIL_HOST"),
            ("port", "MAIL_PORT"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
        spec::CredentialsPreset::Symfony => {
            BTreeMap::from([("dsn".to_string(), "MAILER_DSN".to_string())])
        }
    };
    for (role, name) in &c.keys {
        let role = serde_json::to_value(role)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        vars.insert(role, name.clone());
    }
    CredentialsTarget {
        dotenv: c.dotenv.clone(),
        stdout: c.stdout,
        preset: match preset {
            spec::CredentialsPreset::Laravel => "laravel".into(),
            spec::CredentialsPreset::Symfony => "symfony".into(),
        },
        vars,
        smtp_password: Sensitive,
    }
}

/// The least-privilege inline policy of an SMTP user: send only, only as the allowed From
/// addresses, only in the spec's region.
pub fn smtp_policy(user: &spec::SmtpUser, region: &str) -> String {
    let mut actions = vec!["ses:SendRawEmail"];
    if user.allow_send_email {
        actions.push("ses:SendEmail");
    }
    let mut condition = json!({ "StringEquals": { "aws:RequestedRegion": region } });
    if !user.allow_from.iter().any(|p| p == "*") {
        condition["StringLike"] = json!({ "ses:FromAddress": user.allow_from });
    }
    canonical_json(&json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "SesformSmtpSend",
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*",
            "Condition": condition,
        }]
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn full_spec_resources_have_stable_addresses() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/full.yaml"))
            .unwrap();
        let spec: Spec = serde_yaml::from_str(&text).unwrap();
        let addresses: Vec<String> = resources(&spec).iter().map(|r| r.address().0).collect();
        assert!(addresses.contains(&"identity.example.com".to_string()));
        assert!(addresses.contains(&"event_destination.transactional.to-sns".to_string()));
        assert!(addresses.contains(
            &"sns_subscription.ses-events.https:https://hooks.example.com/ses".to_string()
        ));
        assert!(addresses.contains(&"smtp_user.app-mailer".to_string()));
        assert!(addresses.contains(&"account".to_string()));
        let mut sorted = addresses.clone();
        sorted.sort();
        assert_eq!(addresses, sorted);
    }

    #[test]
    fn policy_is_least_privilege() {
        let user = spec::SmtpUser {
            allow_from: vec!["*@example.com".into()],
            ..Default::default()
        };
        let policy: Value = serde_json::from_str(&smtp_policy(&user, "eu-west-1")).unwrap();
        let statement = &policy["Statement"][0];
        assert_eq!(statement["Action"], json!(["ses:SendRawEmail"]));
        assert_eq!(
            statement["Condition"]["StringLike"]["ses:FromAddress"],
            json!(["*@example.com"])
        );
        assert_eq!(
            statement["Condition"]["StringEquals"]["aws:RequestedRegion"],
            "eu-west-1"
        );
    }
}
