//! `sesform export`: turn an existing account into a spec. Reads every identity, every
//! configuration set with its event destinations, the SNS topics they publish to (with their
//! subscriptions), IAM users whose inline policies allow sending through SES, and the account
//! settings. Defaults are left out, so the spec reads like one written by hand, and planning it
//! against the same account shows no changes.

use std::collections::{BTreeMap, BTreeSet};

use futures::{StreamExt, TryStreamExt, stream};
use serde_json::Value;

use crate::aws::{AwsResult, Clients};
use crate::live::owned_by;
use crate::model::{self, Target};
use crate::spec::{self, Spec};

pub struct ExportOptions {
    pub region: String,
    pub stack: Option<String>,
    pub parallelism: usize,
}

/// An exported spec and what was left out, with why.
pub struct Exported {
    pub spec: Spec,
    pub skipped: Vec<String>,
}

pub async fn export(clients: &Clients, options: &ExportOptions) -> AwsResult<Exported> {
    let ses = &clients.ses;
    let mut skipped = Vec::new();
    // A spec without `stack` is the `default` stack's, so without `--stack` its resources are
    // the ones to export.
    let stack = options.stack.as_deref().unwrap_or(model::DEFAULT_STACK);
    let foreign =
        |tags: &model::Tags| tags.get(model::STACK_TAG).is_some() && !owned_by(tags, stack);
    let mut spec = Spec {
        version: 1,
        region: options.region.clone(),
        stack: options.stack.clone(),
        account: None,
        identities: BTreeMap::new(),
        configuration_sets: BTreeMap::new(),
        sns_topics: BTreeMap::new(),
        smtp_users: BTreeMap::new(),
        clients: BTreeMap::new(),
    };

    let account = ses.get_account().await?;
    spec.account = Some(spec::Account {
        sending_enabled: account.state.sending_enabled.filter(|enabled| !enabled),
        suppression: account.state.suppression.as_ref().map(reasons),
        production_access: account.state.production_access.as_ref().map(|p| {
            spec::ProductionAccess {
                mail_type: if p.mail_type == "MARKETING" {
                    spec::MailType::Marketing
                } else {
                    spec::MailType::Transactional
                },
                website_url: p.website_url.clone(),
                use_case: p.use_case.clone(),
                contact_language: p.contact_language.as_deref().map(|l| {
                    if l == "JA" {
                        spec::ContactLanguage::Ja
                    } else {
                        spec::ContactLanguage::En
                    }
                }),
                additional_contacts: p.additional_contacts.clone(),
            }
        }),
    });

    let names = ses.list_identities().await?;
    let identities: Vec<_> = stream::iter(names)
        .map(|name| async move { ses.get_identity(&name).await })
        .buffered(options.parallelism)
        .try_collect()
        .await?;
    for (mut identity, _) in identities.into_iter().flatten() {
        if foreign(&identity.tags) {
            skipped.push(format!(
                "identity.{}: managed by another sesform stack",
                identity.name
            ));
            continue;
        }
        if identity.identity_type == "EMAIL_ADDRESS"
            && let Some(mail_from) = identity.mail_from.take()
        {
            skipped.push(format!(
                "identity.{}.mail_from: a custom MAIL FROM domain (`{}`) on an email address; a spec sets MAIL FROM on the domain identity",
                identity.name, mail_from.domain
            ));
        }
        spec.identities
            .insert(identity.name.clone(), identity_spec(&identity));
    }

    let sets = ses.list_configuration_sets().await?;
    let sets: Vec<_> = stream::iter(sets)
        .map(|name| async move {
            let set = ses.get_configuration_set(&name).await?;
            let destinations = ses.get_event_destinations(&name).await?;
            AwsResult::Ok(set.map(|s| (s, destinations)))
        })
        .buffered(options.parallelism)
        .try_collect()
        .await?;
    let sns = &clients.sns;
    let arns = sns.list_topics().await?;
    let own_topics: BTreeMap<String, String> = arns
        .iter()
        .map(|arn| (arn.clone(), model::topic_name(arn).to_string()))
        .collect();
    let mut topics_used = BTreeSet::new();
    for (set, mut destinations) in sets.into_iter().flatten() {
        if foreign(&set.tags) {
            skipped.push(format!(
                "configuration_set.{}: managed by another sesform stack",
                set.name
            ));
            continue;
        }
        let mut out = configuration_set_spec(&set);
        for d in &mut destinations {
            if let Target::SnsTopic(topic) = &mut d.target {
                *topic = Target::own_topic(topic, &own_topics);
                topics_used.insert(topic.clone());
            }
            match destination_spec(d) {
                Some(spec_dest) => {
                    out.event_destinations.insert(d.name.clone(), spec_dest);
                }
                None => skipped.push(format!(
                    "event_destination.{}.{}: its target is not one sesform manages",
                    set.name, d.name
                )),
            }
        }
        spec.configuration_sets.insert(set.name.clone(), out);
    }

    // A default configuration set that is not exported (another stack's, or gone) cannot be
    // referenced: the spec would not validate.
    for (name, identity) in &mut spec.identities {
        if let Some(set) = identity
            .configuration_set
            .take_if(|set| !spec.configuration_sets.contains_key(set.as_str()))
        {
            skipped.push(format!(
                "identity.{name}.configuration_set: `{set}` is not exported, so the reference is left out (applying this spec would clear the identity's default configuration set; add it back once `{set}` is in this spec)"
            ));
        }
    }

    for arn in arns {
        let name = model::topic_name(&arn).to_string();
        if !topics_used.contains(&name) {
            continue;
        }
        let tags = sns.tags(&arn).await?;
        let mut subscriptions = Vec::new();
        for sub in sns.subscriptions(&arn).await? {
            let Ok(protocol) = serde_json::from_value::<spec::SubscriptionProtocol>(Value::from(
                sub.protocol.clone(),
            )) else {
                skipped.push(format!(
                    "sns_subscription.{name}.{}:{}: unknown protocol",
                    sub.protocol, sub.endpoint
                ));
                continue;
            };
            if crate::spec::semantic::find_secret(&sub.endpoint).is_some() {
                // A spec never holds a secret (a webhook password in the URL, a token).
                skipped.push(format!(
                    "sns_subscription.{name}.{}: its endpoint holds a secret, which a spec never does; keep it out of sesform or move the secret out of the URL",
                    sub.protocol
                ));
                continue;
            }
            let raw = if sub.confirmed() {
                sns.raw_message_delivery(&sub.arn).await?
            } else {
                false
            };
            subscriptions.push(spec::Subscription {
                protocol,
                endpoint: sub.endpoint.clone(),
                raw_message_delivery: raw.then_some(true),
            });
        }
        spec.sns_topics.insert(
            name,
            spec::SnsTopic {
                subscriptions,
                tags: user_tags(&tags),
                prevent_destroy: tags.contains_key(model::PREVENT_DESTROY_TAG),
            },
        );
    }
    // Destinations may name topics of this account that no longer exist (another account's
    // topics keep their ARN and need no entry).
    for topic in topics_used
        .iter()
        .filter(|t| !t.starts_with("arn:") && !spec.sns_topics.contains_key(*t))
    {
        skipped.push(format!(
            "sns_topic.{topic}: targeted by an event destination but not found"
        ));
    }

    let iam = &clients.iam;
    for user in iam.list_users("/").await? {
        let Some(live) = iam.get_user(&user).await? else {
            continue;
        };
        if foreign(&live.tags) {
            continue;
        }
        let mut policies = Vec::new();
        for policy in iam.list_user_policies(&user).await? {
            let document = iam.get_user_policy(&user, &policy).await?;
            let own = policy == model::SMTP_POLICY_NAME;
            policies.push((format!("inline policy {policy}"), own, document));
        }
        for policy in iam.list_attached_user_policies(&user).await? {
            let label = format!("attached policy {}", policy.name);
            if policy.arn.contains(":iam::aws:policy/") {
                // AWS managed: known by name, no need to read it.
                if model::SENDING_MANAGED_POLICIES.contains(&policy.name.as_str()) {
                    policies.push((label, false, Some(SENDS_ANYTHING.into())));
                }
            } else {
                let document = iam.managed_policy_document(&policy.arn).await?;
                policies.push((label, false, document));
            }
        }
        let mut allow_from = BTreeSet::new();
        let mut send_email = false;
        let mut sends = false;
        let mut foreign_policies = Vec::new();
        for (label, own, document) in policies {
            let Some(Ok(document)) = document.map(|d| serde_json::from_str::<Value>(&d)) else {
                continue;
            };
            for statement in statements(&document) {
                let actions = strings(&statement["Action"]);
                if statement["Effect"] != "Allow"
                    || !actions
                        .iter()
                        .any(|a| a == "ses:SendRawEmail" || a == "ses:*")
                {
                    continue;
                }
                sends = true;
                if !own && !foreign_policies.contains(&label) {
                    foreign_policies.push(label.clone());
                }
                send_email |= actions.iter().any(|a| a == "ses:SendEmail" || a == "ses:*");
                let from = strings(&statement["Condition"]["StringLike"]["ses:FromAddress"]);
                if from.is_empty() {
                    allow_from.insert("*".to_string());
                } else {
                    allow_from.extend(from);
                }
            }
        }
        if sends && !foreign_policies.is_empty() {
            // sesform expresses a user's permission only as its own least-privilege policy;
            // a spec entry would therefore plan a change, so the user is named, not exported.
            skipped.push(format!(
                "smtp_user.{user}: sends through SES with its own {}; to manage it, declare it under smtp_users (sesform adds its policy `{}`) and remove those",
                foreign_policies.join(", "),
                model::SMTP_POLICY_NAME
            ));
        } else if sends {
            spec.smtp_users.insert(
                user.clone(),
                spec::SmtpUser {
                    path: (live.path != model::SMTP_USER_PATH).then(|| live.path.clone()),
                    allow_from: allow_from.into_iter().collect(),
                    allow_send_email: send_email,
                    credentials: None,
                    tags: user_tags(&live.tags),
                    prevent_destroy: live.tags.contains_key(model::PREVENT_DESTROY_TAG),
                },
            );
        }
    }
    Ok(Exported { spec, skipped })
}

/// What an AWS managed policy that allows sending (AmazonSESFullAccess) amounts to here.
const SENDS_ANYTHING: &str =
    r#"{"Statement":[{"Effect":"Allow","Action":"ses:*","Resource":"*"}]}"#;

fn statements(document: &Value) -> Vec<Value> {
    match &document["Statement"] {
        Value::Array(items) => items.clone(),
        Value::Object(_) => vec![document["Statement"].clone()],
        _ => Vec::new(),
    }
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// The user's own tags, without sesform's.
fn user_tags(tags: &model::Tags) -> model::Tags {
    tags.iter()
        .filter(|(k, _)| k.as_str() != model::MANAGED_BY_TAG && !k.starts_with("sesform:"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn reasons(set: &BTreeSet<String>) -> Vec<spec::SuppressionReason> {
    set.iter()
        .filter_map(|r| match r.as_str() {
            "BOUNCE" => Some(spec::SuppressionReason::Bounce),
            "COMPLAINT" => Some(spec::SuppressionReason::Complaint),
            _ => None,
        })
        .collect()
}

fn enum_from<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(Value::from(text)).ok()
}

fn identity_spec(i: &model::IdentityState) -> spec::Identity {
    let dkim = i.dkim.as_ref().and_then(|d| {
        let enabled = (!d.signing_enabled).then_some(false);
        if d.origin == "EXTERNAL" {
            Some(spec::Dkim {
                enabled,
                easy: None,
                byodkim: Some(spec::Byodkim {
                    selector: d.selector.clone().unwrap_or_default(),
                    private_key: spec::SecretSource {
                        file: None,
                        env: Some(format!(
                            "DKIM_KEY_{}",
                            i.name.to_uppercase().replace(['.', '-'], "_")
                        )),
                    },
                }),
            })
        } else {
            let key = d
                .key_length
                .as_deref()
                .filter(|k| *k != "RSA_2048_BIT")
                .and_then(enum_from);
            (enabled.is_some() || key.is_some()).then(|| spec::Dkim {
                enabled,
                easy: key.map(|k| spec::EasyDkim {
                    key_length: Some(k),
                }),
                byodkim: None,
            })
        }
    });
    spec::Identity {
        dkim,
        mail_from: i.mail_from.as_ref().map(|m| spec::MailFrom {
            domain: m.domain.clone(),
            on_mx_failure: enum_from(&m.on_mx_failure)
                .filter(|b| *b != spec::MxFailure::UseDefaultValue),
        }),
        configuration_set: i.configuration_set.clone(),
        feedback_forwarding: (!i.feedback_forwarding).then_some(false),
        tags: user_tags(&i.tags),
        prevent_destroy: i.tags.contains_key(model::PREVENT_DESTROY_TAG),
    }
}

fn configuration_set_spec(c: &model::ConfigurationSetState) -> spec::ConfigurationSet {
    spec::ConfigurationSet {
        tls: (c.tls == "REQUIRE").then_some(spec::TlsPolicy::Require),
        sending_enabled: (!c.sending_enabled).then_some(false),
        reputation_metrics: c.reputation_metrics.then_some(true),
        suppression: c.suppression.as_ref().map(reasons),
        tracking: c.tracking.as_ref().map(|t| spec::Tracking {
            custom_redirect_domain: t.custom_redirect_domain.clone(),
            https_policy: enum_from(&t.https_policy).filter(|p| *p != spec::HttpsPolicy::Optional),
        }),
        tags: user_tags(&c.tags),
        event_destinations: BTreeMap::new(),
        prevent_destroy: c.tags.contains_key(model::PREVENT_DESTROY_TAG),
    }
}

fn destination_spec(d: &model::EventDestinationState) -> Option<spec::EventDestination> {
    let mut out = spec::EventDestination {
        enabled: (!d.enabled).then_some(false),
        events: d
            .events
            .iter()
            .filter_map(|e| spec::EventType::parse(e))
            .collect(),
        ..Default::default()
    };
    match &d.target {
        Target::SnsTopic(topic) => out.sns_topic = Some(topic.clone()),
        Target::CloudWatch(dims) => {
            out.cloudwatch = Some(spec::CloudWatch {
                dimensions: dims
                    .iter()
                    .filter_map(|dim| {
                        Some(spec::CloudWatchDimension {
                            name: dim.name.clone(),
                            source: enum_from(&dim.source)?,
                            default_value: dim.default_value.clone(),
                        })
                    })
                    .collect(),
            })
        }
        Target::EventBridge(bus) => {
            out.eventbridge = Some(spec::EventBridge {
                event_bus_arn: match bus {
                    model::EventBus::Default { .. } => None,
                    model::EventBus::Arn(arn) => Some(arn.clone()),
                },
            })
        }
        Target::Firehose {
            delivery_stream_arn,
            iam_role_arn,
        } => {
            if delivery_stream_arn.starts_with('(') {
                return None;
            }
            out.firehose = Some(spec::Firehose {
                delivery_stream_arn: delivery_stream_arn.clone(),
                iam_role_arn: iam_role_arn.clone(),
            })
        }
    }
    Some(out)
}

/// The spec as YAML, with a header saying where it came from and what was left out.
pub fn to_yaml(exported: &Exported, source: &str) -> String {
    let mut text = String::from("# yaml-language-server: $schema=./sesform.schema.json\n");
    text.push_str(&format!("# Exported by `sesform export` from {source}.\n"));
    text.push_str(
        "# Review it, then `sesform adopt` tags these resources so sesform manages them.\n",
    );
    for skipped in &exported.skipped {
        text.push_str(&format!("# Not exported: {skipped}\n"));
    }
    let mut spec = exported.spec.clone();
    if spec
        .account
        .as_ref()
        .is_some_and(|a| *a == spec::Account::default())
    {
        spec.account = None;
    }
    text.push_str(&serde_yaml::to_string(&spec).expect("spec serializes"));
    text
}
