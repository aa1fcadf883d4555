//! The spec, version 1: the Rust types ARE the format. serde reads them, schemars turns them into
//! the JSON Schema that `sesform schema` prints, and their doc comments are the key reference.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An sesform spec: one AWS account and region's SES setup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "sesform spec, version 1")]
pub struct Spec {
    /// Spec format version. Always `1`.
    pub version: u32,
    /// The AWS region whose SES this spec manages, e.g. `eu-west-1`.
    pub region: String,
    /// Name of this stack. Everything sesform creates is tagged `sesform:stack=<stack>`, so
    /// several specs can share an account without touching each other's resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
    /// Account-level settings of SES in this region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Account>,
    /// Verified identities, keyed by domain (`example.com`) or email address (`noreply@example.com`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub identities: BTreeMap<String, Identity>,
    /// Configuration sets, keyed by name (up to 64 letters, digits, `-` and `_`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub configuration_sets: BTreeMap<String, ConfigurationSet>,
    /// SNS topics that receive SES events, keyed by topic name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sns_topics: BTreeMap<String, SnsTopic>,
    /// A durable, queryable record of every SES event of the stack's configuration sets, in a
    /// CloudWatch Logs log group (read by `sesform events` and `sesform why`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_log: Option<EventLog>,
    /// IAM users for SMTP sending, keyed by IAM user name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub smtp_users: BTreeMap<String, SmtpUser>,
    /// The apps that send through this setup; `sesform lint` checks their mail configuration.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub clients: BTreeMap<String, Client>,
}

/// Account-level SES settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Whether the account may send at all in this region (PutAccountSendingAttributes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sending_enabled: Option<bool>,
    /// Account-level suppression list: which reasons add an address to it. `[]` turns it off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Vec<SuppressionReason>>,
    /// The request to leave the SES sandbox (PutAccountDetails).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub production_access: Option<ProductionAccess>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SuppressionReason {
    Bounce,
    Complaint,
}

/// The production access (sandbox exit) request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductionAccess {
    /// The kind of mail you send.
    pub mail_type: MailType,
    /// The website of the business that sends the mail.
    pub website_url: String,
    /// How you send, how recipients opt in, and how you handle bounces and complaints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_case: Option<String>,
    /// Language AWS support should use: `EN` or `JA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_language: Option<ContactLanguage>,
    /// Up to 4 more addresses that receive messages about the request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_contacts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MailType {
    Transactional,
    Marketing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContactLanguage {
    En,
    Ja,
}

/// A domain or email address identity.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// DKIM signing for a domain identity (domains only). Default: Easy DKIM, 2048-bit keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dkim: Option<Dkim>,
    /// Custom MAIL FROM domain (domains only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_from: Option<MailFrom>,
    /// Configuration set used for mail from this identity when the mail names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_set: Option<String>,
    /// Forward bounces and complaints by email (true), or rely on event destinations (false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_forwarding: Option<bool>,
    /// Tags on the identity. `managed-by` and `sesform:*` are reserved.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Refuse to delete this identity, even with `--prune`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prevent_destroy: bool,
}

/// DKIM: either Easy DKIM (`easy`) or bring your own key (`byodkim`), not both.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dkim {
    /// Sign mail with DKIM. Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Easy DKIM: SES makes the keys; you publish three CNAME records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub easy: Option<EasyDkim>,
    /// Bring your own DKIM key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byodkim: Option<Byodkim>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EasyDkim {
    /// Key length of the DKIM keys SES generates. Default: `RSA_2048_BIT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_length: Option<DkimKeyLength>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(non_camel_case_types)]
pub enum DkimKeyLength {
    RSA_1024_BIT,
    RSA_2048_BIT,
}

impl DkimKeyLength {
    pub fn as_str(self) -> &'static str {
        match self {
            DkimKeyLength::RSA_1024_BIT => "RSA_1024_BIT",
            DkimKeyLength::RSA_2048_BIT => "RSA_2048_BIT",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Byodkim {
    /// DKIM selector; the public key goes in `<selector>._domainkey.<domain>`.
    pub selector: String,
    /// Where the PEM private key is read from at apply time. Never inline.
    pub private_key: SecretSource,
}

/// A secret read at apply time from a file or an environment variable, never written in the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretSource {
    /// Path of a file holding the secret, relative to the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Name of an environment variable holding the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
}

/// Custom MAIL FROM domain: a subdomain of the identity that receives bounces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MailFrom {
    /// The MAIL FROM domain, a subdomain of the identity, e.g. `mail.example.com`.
    pub domain: String,
    /// What SES does when the MX record is missing. Default: `USE_DEFAULT_VALUE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_mx_failure: Option<MxFailure>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MxFailure {
    UseDefaultValue,
    RejectMessage,
}

impl MxFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            MxFailure::UseDefaultValue => "USE_DEFAULT_VALUE",
            MxFailure::RejectMessage => "REJECT_MESSAGE",
        }
    }
}

/// A configuration set: delivery options and where the events of its mail go.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigurationSet {
    /// `REQUIRE`: deliver only over TLS; `OPTIONAL`: fall back to plain text. Default: `OPTIONAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsPolicy>,
    /// Whether mail using this set is sent. Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sending_enabled: Option<bool>,
    /// Publish reputation metrics (bounce and complaint rates) to CloudWatch. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reputation_metrics: Option<bool>,
    /// Suppression reasons for this set, overriding the account's. Omit to use the account's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Vec<SuppressionReason>>,
    /// Open and click tracking through your own redirect domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<Tracking>,
    /// Tags on the configuration set. `managed-by` and `sesform:*` are reserved.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Event destinations, keyed by name. At most 10.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub event_destinations: BTreeMap<String, EventDestination>,
    /// Refuse to delete this configuration set, even with `--prune`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prevent_destroy: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TlsPolicy {
    Require,
    Optional,
}

impl TlsPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            TlsPolicy::Require => "REQUIRE",
            TlsPolicy::Optional => "OPTIONAL",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tracking {
    /// Domain that wraps tracked links, e.g. `click.example.com`.
    pub custom_redirect_domain: String,
    /// HTTPS for tracked links: `REQUIRE`, `REQUIRE_OPEN_ONLY` or `OPTIONAL`. Default: `OPTIONAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https_policy: Option<HttpsPolicy>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HttpsPolicy {
    Require,
    RequireOpenOnly,
    Optional,
}

impl HttpsPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpsPolicy::Require => "REQUIRE",
            HttpsPolicy::RequireOpenOnly => "REQUIRE_OPEN_ONLY",
            HttpsPolicy::Optional => "OPTIONAL",
        }
    }
}

/// Where SES publishes the events of mail sent with the configuration set. Exactly one target:
/// `sns_topic`, `cloudwatch`, `eventbridge` or `firehose`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventDestination {
    /// Whether events are published. Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Which events are published (a set; order does not matter).
    pub events: Vec<EventType>,
    /// Name of a topic in `sns_topics`, or an SNS topic ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sns_topic: Option<String>,
    /// Publish counts to CloudWatch metrics with these dimensions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudwatch: Option<CloudWatch>,
    /// Publish to the default EventBridge bus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eventbridge: Option<EventBridge>,
    /// Publish to an Amazon Data Firehose stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firehose: Option<Firehose>,
}

/// An SES event type. SESv2 names (`BOUNCE`) and the v1/CloudFormation names (`bounce`) are both
/// accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventType {
    #[serde(alias = "send")]
    Send,
    #[serde(alias = "reject")]
    Reject,
    #[serde(alias = "bounce")]
    Bounce,
    #[serde(alias = "complaint")]
    Complaint,
    #[serde(alias = "delivery")]
    Delivery,
    #[serde(alias = "open")]
    Open,
    #[serde(alias = "click")]
    Click,
    #[serde(alias = "renderingFailure")]
    RenderingFailure,
    #[serde(alias = "deliveryDelay")]
    DeliveryDelay,
    #[serde(alias = "subscription")]
    Subscription,
}

impl EventType {
    pub const ALL: [EventType; 10] = [
        EventType::Send,
        EventType::Reject,
        EventType::Bounce,
        EventType::Complaint,
        EventType::Delivery,
        EventType::Open,
        EventType::Click,
        EventType::RenderingFailure,
        EventType::DeliveryDelay,
        EventType::Subscription,
    ];

    /// The SESv2 name, e.g. `RENDERING_FAILURE`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Send => "SEND",
            EventType::Reject => "REJECT",
            EventType::Bounce => "BOUNCE",
            EventType::Complaint => "COMPLAINT",
            EventType::Delivery => "DELIVERY",
            EventType::Open => "OPEN",
            EventType::Click => "CLICK",
            EventType::RenderingFailure => "RENDERING_FAILURE",
            EventType::DeliveryDelay => "DELIVERY_DELAY",
            EventType::Subscription => "SUBSCRIPTION",
        }
    }

    /// The v1 API / CloudFormation name, e.g. `renderingFailure`.
    pub fn v1_name(self) -> &'static str {
        match self {
            EventType::Send => "send",
            EventType::Reject => "reject",
            EventType::Bounce => "bounce",
            EventType::Complaint => "complaint",
            EventType::Delivery => "delivery",
            EventType::Open => "open",
            EventType::Click => "click",
            EventType::RenderingFailure => "renderingFailure",
            EventType::DeliveryDelay => "deliveryDelay",
            EventType::Subscription => "subscription",
        }
    }

    /// Parses either spelling, ignoring case (AWS and older tools differ).
    pub fn parse(name: &str) -> Option<EventType> {
        let folded: String = name
            .chars()
            .filter(|c| *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        EventType::ALL
            .into_iter()
            .find(|e| e.v1_name().to_ascii_lowercase() == folded)
    }
}

// schemars ignores serde aliases; list both spellings so editors accept what serde accepts.
impl JsonSchema for EventType {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EventType".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = EventType::ALL
            .iter()
            .flat_map(|e| [e.as_str(), e.v1_name()])
            .collect();
        schemars::json_schema!({
            "description": "An SES event type: SESv2 names (BOUNCE) or v1 names (bounce).",
            "type": "string",
            "enum": names,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloudWatch {
    /// Metric dimensions (at least one).
    pub dimensions: Vec<CloudWatchDimension>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloudWatchDimension {
    /// Dimension name, e.g. `ses:configuration-set` or a message tag name.
    pub name: String,
    /// Where the value comes from.
    pub source: DimensionSource,
    /// Value used when the mail does not carry one.
    pub default_value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DimensionSource {
    MessageTag,
    EmailHeader,
    LinkTag,
}

impl DimensionSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DimensionSource::MessageTag => "MESSAGE_TAG",
            DimensionSource::EmailHeader => "EMAIL_HEADER",
            DimensionSource::LinkTag => "LINK_TAG",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBridge {
    /// ARN of the event bus. Default: the account's default bus in the spec's region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_bus_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Firehose {
    /// ARN of the Firehose delivery stream.
    pub delivery_stream_arn: String,
    /// ARN of the IAM role SES assumes to write to the stream.
    pub iam_role_arn: String,
}

/// The event log: each selected configuration set gets an EventBridge event destination
/// (`sesform-event-log`, default bus); an EventBridge rule matching `source: aws.ses` and those
/// sets sends the events to a CloudWatch Logs log group, which a resource policy lets
/// EventBridge write to. See docs/events.md.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventLog {
    /// How many days CloudWatch Logs keeps the events: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150,
    /// 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653. Default: 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// Which configuration sets publish to the log: `all` (every set in this spec; the
    /// default) or a list of set names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_sets: Option<SetSelection>,
    /// Which event types are recorded (a set). Default: every type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<EventType>>,
    /// Name of the log group. Default: `/aws/events/sesform/<stack>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group: Option<String>,
    /// Tags on the log group and the rule. `managed-by` and `sesform:*` are reserved.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Refuse to delete the log group (and the events in it), even with `--prune`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prevent_destroy: bool,
}

/// `all`, or a list of configuration set names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SetSelection {
    All(AllSets),
    Named(Vec<String>),
}

/// The keyword `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AllSets {
    #[serde(rename = "all")]
    All,
}

impl EventLog {
    /// Retention values CloudWatch Logs accepts (PutRetentionPolicy).
    pub const RETENTION_DAYS: [u32; 22] = [
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
        2922, 3288, 3653,
    ];
    pub const DEFAULT_RETENTION_DAYS: u32 = 30;

    pub fn retention_days(&self) -> u32 {
        self.retention_days.unwrap_or(Self::DEFAULT_RETENTION_DAYS)
    }

    /// The sets that publish to the log, by name, from the spec's `configuration_sets`.
    pub fn set_names<'a>(&'a self, spec: &'a Spec) -> Vec<&'a str> {
        match &self.configuration_sets {
            None | Some(SetSelection::All(_)) => {
                spec.configuration_sets.keys().map(String::as_str).collect()
            }
            Some(SetSelection::Named(names)) => names.iter().map(String::as_str).collect(),
        }
    }

    /// The recorded event types, every type when the spec names none.
    pub fn event_types(&self) -> Vec<EventType> {
        match &self.events {
            Some(events) => events.clone(),
            None => EventType::ALL.to_vec(),
        }
    }
}

/// An SNS topic for SES events.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnsTopic {
    /// Subscriptions to the topic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscriptions: Vec<Subscription>,
    /// Tags on the topic. `managed-by` and `sesform:*` are reserved.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Refuse to delete this topic, even with `--prune`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prevent_destroy: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscription {
    /// SNS protocol.
    pub protocol: SubscriptionProtocol,
    /// Where messages go: a URL for http/https, an address for email, an ARN for sqs/lambda/firehose.
    pub endpoint: String,
    /// Deliver the raw message without the SNS JSON envelope (sqs, http/https, firehose).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_message_delivery: Option<bool>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SubscriptionProtocol {
    Http,
    Https,
    Email,
    EmailJson,
    Sqs,
    Lambda,
    Firehose,
    Sms,
    Application,
}

impl SubscriptionProtocol {
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionProtocol::Http => "http",
            SubscriptionProtocol::Https => "https",
            SubscriptionProtocol::Email => "email",
            SubscriptionProtocol::EmailJson => "email-json",
            SubscriptionProtocol::Sqs => "sqs",
            SubscriptionProtocol::Lambda => "lambda",
            SubscriptionProtocol::Firehose => "firehose",
            SubscriptionProtocol::Sms => "sms",
            SubscriptionProtocol::Application => "application",
        }
    }
}

/// An IAM user whose access key becomes SMTP credentials.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SmtpUser {
    /// IAM path of the user. Default: `/sesform/` (so a policy can be scoped to
    /// `user/sesform/*`; see docs/iam.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// From addresses the user may send as: addresses, `*@example.com`, or `*` for any.
    pub allow_from: Vec<String>,
    /// Also allow `ses:SendEmail` (the simple API), not only `ses:SendRawEmail` (SMTP).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_send_email: bool,
    /// Where the SMTP username and password are written when sesform creates an access key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Credentials>,
    /// Tags on the IAM user. `managed-by` and `sesform:*` are reserved.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Refuse to delete this user, even with `--prune`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prevent_destroy: bool,
}

/// Destination of SMTP credentials: a dotenv file (mode 0600), or standard output with `--show-secrets`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// Path of the dotenv file to write, relative to the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dotenv: Option<String>,
    /// Variable names to use: `laravel` (MAIL_USERNAME, MAIL_PASSWORD, MAIL_HOST, MAIL_PORT) or
    /// `symfony` (MAILER_DSN). Default: `laravel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<CredentialsPreset>,
    /// Override variable names, e.g. `{username: SES_USER, password: SES_PASS}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<CredentialKey, String>,
    /// Print the credentials to standard output instead (only with `--show-secrets`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stdout: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CredentialsPreset {
    Laravel,
    Symfony,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum CredentialKey {
    Username,
    Password,
    Host,
    Port,
    Dsn,
}

/// An app whose mail configuration `sesform lint` checks against this spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// The app's root directory, relative to the spec.
    pub path: String,
    /// `laravel`, `symfony`, or `auto` to detect it. Default: `auto`.
    #[serde(default)]
    pub framework: Framework,
    /// APP_ENV to evaluate the config for, as if set before boot (selects the .env files).
    /// Default: the environment's APP_ENV; else Symfony `prod` (or what `.env.local` sets),
    /// and Laravel loads `.env`, as it does with APP_ENV unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    /// The IAM user in `smtp_users` whose credentials this app uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_user: Option<String>,
    /// Configuration set the app's mail must carry, so its events are published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_set: Option<String>,
    /// Highest allowed SMTP ping threshold in seconds; SES drops connections idle ~10 s. Default: 9.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ping_threshold: Option<u32>,
    /// Highest allowed number of messages per SMTP connection before reconnecting; SES closes
    /// long sessions (`421 Maximum message count per session`). Default: 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_threshold: Option<u32>,
    /// How `sesform lint` checks this app: which rules run and which findings fail the run.
    /// `sesform lint --select`, `--ignore` and `--fail-on` override each setting they give.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lint: Option<LintSettings>,
}

/// `sesform lint` settings for one app, in the spec's client or, for apps without a spec, in
/// the app's `composer.json` under `extra.sesform.lint`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LintSettings {
    /// Run only these rules (`sesform rule --all` lists them). Default: every offline rule,
    /// and the online ones with `--online`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub select: Vec<String>,
    /// Do not run these rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// The lowest severity that makes `sesform lint` exit 1: `info`, `warning` or `error`.
    /// Default: `warning`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<crate::diagnostic::Severity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    #[default]
    Auto,
    Laravel,
    Symfony,
}

impl Client {
    pub const DEFAULT_PING_THRESHOLD: u32 = 9;
    pub const DEFAULT_RESTART_THRESHOLD: u32 = 100;

    pub fn max_ping_threshold(&self) -> u32 {
        self.ping_threshold.unwrap_or(Self::DEFAULT_PING_THRESHOLD)
    }

    pub fn max_restart_threshold(&self) -> u32 {
        self.restart_threshold
            .unwrap_or(Self::DEFAULT_RESTART_THRESHOLD)
    }
}
