//! The resource model shared by the desired side (built from the spec, see
//! [`crate::resources`]) and the live side (read from AWS): one normalized shape per resource
//! kind, so a diff is a plain comparison. The model is the vocabulary the rest of sesform
//! shares (states, typed enums, names, ARNs, tags) and imports nothing of sesform's.
//!
//! Normalization happens when a model is built, never in the diff: event types are sets, enum
//! values are typed ([`TlsPolicy`]...) and keep their wire form, tags are sorted maps, defaults AWS fills in are written out on both
//! sides, and the account's own SNS topics are named, not addressed by ARN (another account's
//! keep their ARN).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

mod enums;
mod event_bus;
pub mod event_log;
mod json;
mod names;

pub use enums::{
    ContactLanguage, DimensionSource, DkimOrigin, EventType, HttpsPolicy, IdentityType, KeyLength,
    MailType, MxFailure, SuppressionReason, TlsPolicy,
};
pub use event_bus::EventBus;
pub use json::canonical_json;
pub use names::{SENDING_MANAGED_POLICIES, SMTP_POLICY_NAME, SMTP_USER_PATH, topic_name};

/// Tags sesform puts on everything it creates.
pub const MANAGED_BY_TAG: &str = "managed-by";
pub const MANAGED_BY_VALUE: &str = "sesform";
pub const STACK_TAG: &str = "sesform:stack";
/// Set on resources with `prevent_destroy: true`, so deletion stays blocked even after the
/// resource is removed from the spec.
pub const PREVENT_DESTROY_TAG: &str = "sesform:prevent-destroy";
/// The stack name used when the spec names none.
pub const DEFAULT_STACK: &str = "default";

pub type Tags = BTreeMap<String, String>;

/// The AWS partition a region belongs to: `aws-cn` for China, `aws-us-gov` for GovCloud, the
/// isolated partitions by their prefixes, `aws` for everything else.
pub fn partition(region: &str) -> &'static str {
    const PARTITIONS: [(&str, &str); 6] = [
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("us-iso-", "aws-iso"),
        ("eu-isoe-", "aws-iso-e"),
    ];
    PARTITIONS
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("aws", |(_, partition)| partition)
}

/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, with the region's partition.
pub fn arn(service: &str, region: &str, account_id: &str, resource: &str) -> String {
    format!(
        "arn:{}:{service}:{region}:{account_id}:{resource}",
        partition(region)
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Account,
    SnsTopic,
    SnsSubscription,
    ConfigurationSet,
    EventDestination,
    Identity,
    SmtpUser,
    LogGroup,
    LogPolicy,
    EventRule,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Account => "account",
            Kind::SnsTopic => "sns_topic",
            Kind::SnsSubscription => "sns_subscription",
            Kind::ConfigurationSet => "configuration_set",
            Kind::EventDestination => "event_destination",
            Kind::Identity => "identity",
            Kind::SmtpUser => "smtp_user",
            Kind::LogGroup => "log_group",
            Kind::LogPolicy => "log_policy",
            Kind::EventRule => "event_rule",
        }
    }
}

/// What a plan does to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Create,
    Update,
    Replace,
    Delete,
    NoOp,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
            Action::NoOp => "no-op",
        }
    }
}

/// A resource's stable, readable address: `identity.example.com`,
/// `event_destination.transactional.to-sns`, `sns_subscription.events.https:https://x/y`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Address(pub String);

impl Address {
    pub fn account() -> Address {
        Address("account".into())
    }

    pub fn identity(name: &str) -> Address {
        Address(format!("identity.{name}"))
    }

    pub fn configuration_set(name: &str) -> Address {
        Address(format!("configuration_set.{name}"))
    }

    pub fn event_destination(set: &str, name: &str) -> Address {
        Address(format!("event_destination.{set}.{name}"))
    }

    pub fn sns_topic(name: &str) -> Address {
        Address(format!("sns_topic.{name}"))
    }

    pub fn sns_subscription(topic: &str, protocol: &str, endpoint: &str) -> Address {
        Address(format!("sns_subscription.{topic}.{protocol}:{endpoint}"))
    }

    pub fn smtp_user(name: &str) -> Address {
        Address(format!("smtp_user.{name}"))
    }

    pub fn log_group(name: &str) -> Address {
        Address(format!("log_group.{name}"))
    }

    pub fn log_policy(name: &str) -> Address {
        Address(format!("log_policy.{name}"))
    }

    pub fn event_rule(name: &str) -> Address {
        Address(format!("event_rule.{name}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One resource's state. Serialized with a `kind` tag; the other fields are what the plan
/// compares and shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum State {
    Account(AccountState),
    SnsTopic(TopicState),
    SnsSubscription(SubscriptionState),
    ConfigurationSet(ConfigurationSetState),
    EventDestination(EventDestinationState),
    Identity(IdentityState),
    SmtpUser(SmtpUserState),
    LogGroup(LogGroupState),
    LogPolicy(LogPolicyState),
    EventRule(EventRuleState),
}

impl State {
    pub fn kind(&self) -> Kind {
        match self {
            State::Account(_) => Kind::Account,
            State::SnsTopic(_) => Kind::SnsTopic,
            State::SnsSubscription(_) => Kind::SnsSubscription,
            State::ConfigurationSet(_) => Kind::ConfigurationSet,
            State::EventDestination(_) => Kind::EventDestination,
            State::Identity(_) => Kind::Identity,
            State::SmtpUser(_) => Kind::SmtpUser,
            State::LogGroup(_) => Kind::LogGroup,
            State::LogPolicy(_) => Kind::LogPolicy,
            State::EventRule(_) => Kind::EventRule,
        }
    }

    pub fn address(&self) -> Address {
        match self {
            State::Account(_) => Address::account(),
            State::SnsTopic(t) => Address::sns_topic(&t.name),
            State::SnsSubscription(s) => {
                Address::sns_subscription(&s.topic, &s.protocol, &s.endpoint)
            }
            State::ConfigurationSet(c) => Address::configuration_set(&c.name),
            State::EventDestination(d) => Address::event_destination(&d.configuration_set, &d.name),
            State::Identity(i) => Address::identity(&i.name),
            State::SmtpUser(u) => Address::smtp_user(&u.name),
            State::LogGroup(g) => Address::log_group(&g.name),
            State::LogPolicy(p) => Address::log_policy(&p.name),
            State::EventRule(r) => Address::event_rule(&r.name),
        }
    }

    /// Tags of taggable resources; event destinations, subscriptions and the account have none
    /// (the first two belong to their tagged parent).
    pub fn tags(&self) -> Option<&Tags> {
        match self {
            State::SnsTopic(t) => Some(&t.tags),
            State::ConfigurationSet(c) => Some(&c.tags),
            State::Identity(i) => Some(&i.tags),
            State::SmtpUser(u) => Some(&u.tags),
            State::LogGroup(g) => Some(&g.tags),
            State::EventRule(r) => Some(&r.tags),
            _ => None,
        }
    }

    pub fn prevent_destroy(&self) -> bool {
        self.tags()
            .is_some_and(|t| t.get(PREVENT_DESTROY_TAG).is_some_and(|v| v == "true"))
    }

    /// The address of the parent whose ownership this resource follows.
    pub fn parent(&self) -> Option<Address> {
        match self {
            State::SnsSubscription(s) => Some(Address::sns_topic(&s.topic)),
            State::EventDestination(d) => Some(Address::configuration_set(&d.configuration_set)),
            _ => None,
        }
    }
}

/// Account-level settings. Only the keys the spec sets are managed (`None` = not managed).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AccountState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sending_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<BTreeSet<SuppressionReason>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub production_access: Option<ProductionAccessState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductionAccessState {
    pub mail_type: MailType,
    pub website_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_case: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_language: Option<ContactLanguage>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_contacts: Vec<String>,
}

/// Where the account stands on production access (live only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SandboxStatus {
    /// In the sandbox, no request under review.
    Sandboxed,
    /// A request is under review.
    Pending,
    /// The last request was denied.
    Denied,
    /// Production access granted.
    Granted,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicState {
    pub name: String,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionState {
    pub topic: String,
    pub protocol: String,
    pub endpoint: String,
    pub raw_message_delivery: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigurationSetState {
    pub name: String,
    pub tls: TlsPolicy,
    pub sending_enabled: bool,
    pub reputation_metrics: bool,
    /// `None`: the account-level list applies; `Some(empty)`: suppression off for this set.
    pub suppression: Option<BTreeSet<SuppressionReason>>,
    pub tracking: Option<TrackingState>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackingState {
    pub custom_redirect_domain: String,
    pub https_policy: HttpsPolicy,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDestinationState {
    pub configuration_set: String,
    pub name: String,
    pub enabled: bool,
    pub events: BTreeSet<EventType>,
    pub target: Target,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A topic of this account by name, or any other topic by its full ARN (see
    /// [`Target::own_topic`]).
    SnsTopic(String),
    CloudWatch(Vec<Dimension>),
    EventBridge(EventBus),
    Firehose {
        delivery_stream_arn: String,
        iam_role_arn: String,
    },
}

impl Target {
    /// Names the topic when `topic` is the ARN of one this account has (`own` maps ARNs to
    /// names, from ListTopics), so a name and the ARN of the same topic compare equal while a
    /// topic of another account keeps its ARN.
    pub fn own_topic(topic: &str, own: &BTreeMap<String, String>) -> String {
        own.get(topic).cloned().unwrap_or_else(|| topic.to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Dimension {
    pub name: String,
    pub source: DimensionSource,
    pub default_value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityState {
    pub name: String,
    pub identity_type: IdentityType,
    /// DKIM of a domain identity; `None` for addresses, which inherit their domain's.
    pub dkim: Option<DkimState>,
    pub mail_from: Option<MailFromState>,
    pub configuration_set: Option<String>,
    pub feedback_forwarding: bool,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DkimState {
    pub signing_enabled: bool,
    pub origin: DkimOrigin,
    /// Easy DKIM key length for the next key (`RSA_2048_BIT`).
    pub key_length: Option<KeyLength>,
    /// BYODKIM selector.
    pub selector: Option<String>,
    /// Where the BYODKIM private key is read at apply time (desired side only; never the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailFromState {
    pub domain: String,
    pub on_mx_failure: MxFailure,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmtpUserState {
    pub name: String,
    pub path: String,
    /// The inline policy document, canonical JSON.
    pub policy: Option<String>,
    pub tags: Tags,
    /// Desired: `active` when the spec wants SMTP credentials. Live: `active` (a key whose
    /// secret sesform wrote out), `unrecorded` (keys sesform never saw the secret of),
    /// `interrupted` (a key created by an apply that stopped before recording it), or absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key: Option<String>,
    /// Where new credentials go (desired side only; never the credentials themselves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<CredentialsTarget>,
}

/// Destination of SMTP credentials when a key is created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialsTarget {
    /// Dotenv file, relative to the spec's directory.
    pub dotenv: Option<String>,
    /// Print instead (only with `--show-secrets`).
    pub stdout: bool,
    /// `laravel` or `symfony`.
    pub preset: String,
    /// Variable name per role (`username`, `password`, `host`, `port`, `dsn`).
    pub vars: BTreeMap<String, String>,
    /// The SMTP password apply derives and writes: never in a plan, only its marker.
    #[serde(default)]
    pub smtp_password: Sensitive,
}

/// A secret that apply produces and a plan never holds; always written as `(sensitive)`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sensitive;

impl Sensitive {
    pub const MARKER: &str = "(sensitive)";
}

impl Serialize for Sensitive {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(Sensitive::MARKER)
    }
}

impl<'de> Deserialize<'de> for Sensitive {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| Sensitive)
    }
}

pub const KEY_ACTIVE: &str = "active";
pub const KEY_UNRECORDED: &str = "unrecorded";
pub const KEY_INTERRUPTED: &str = "interrupted";
/// User tag naming the access key whose secret sesform wrote out.
pub const ACCESS_KEY_TAG: &str = "sesform:access-key";
/// User tag set while a key is being created; left behind only by an interrupted apply.
pub const ACCESS_KEY_PENDING_TAG: &str = "sesform:access-key-pending";

/// Tags sesform keeps for its own bookkeeping; they never show up as drift.
pub fn internal_tag(key: &str) -> bool {
    key == ACCESS_KEY_TAG || key == ACCESS_KEY_PENDING_TAG
}

/// A CloudWatch Logs log group: where the event log keeps SES events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogGroupState {
    pub name: String,
    /// `None`: events never expire.
    pub retention_days: Option<u32>,
    pub tags: Tags,
}

/// A CloudWatch Logs resource policy that lets one EventBridge rule write to one log group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogPolicyState {
    pub name: String,
    /// The log group it opens (by name), read from the document's `Resource`.
    pub log_group: String,
    /// The rule it opens it to (by name), read from the document's `aws:SourceArn` condition.
    pub rule: String,
    /// Whether the document is exactly the one sesform writes for these two; an edited one is
    /// drift, rewritten on apply.
    pub standard_document: bool,
}

/// An EventBridge rule on the default bus, with one CloudWatch Logs log group target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRuleState {
    pub name: String,
    /// The event pattern, canonical JSON.
    pub event_pattern: String,
    pub enabled: bool,
    /// The log group its `sesform-event-log` target writes to: a name in this account and
    /// region, else the target's ARN; empty without that target.
    pub log_group: String,
    pub tags: Tags,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_carry_the_partition_of_their_region() {
        assert_eq!(
            arn("ses", "eu-west-1", "123456789012", "identity/example.com"),
            "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
        );
        assert_eq!(
            arn("sns", "cn-north-1", "123456789012", "events"),
            "arn:aws-cn:sns:cn-north-1:123456789012:events"
        );
        assert_eq!(
            arn(
                "events",
                "us-gov-west-1",
                "123456789012",
                "event-bus/default"
            ),
            "arn:aws-us-gov:events:us-gov-west-1:123456789012:event-bus/default"
        );
        assert_eq!(partition("us-isob-east-1"), "aws-iso-b");
        assert_eq!(partition("us-iso-east-1"), "aws-iso");
        assert_eq!(partition("us-east-1"), "aws");
    }
}
