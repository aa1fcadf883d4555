//! The one send path of the emulator. SESv2 `SendEmail` and the local SMTP endpoints both hand
//! a message to [`send`], which decides as SES does (configuration set, verified identities,
//! sandbox, quotas), records the message, and turns it into events (mailbox simulator, the
//! account-level suppression list) for the configuration set's destinations.
//!
//! The decision is synchronous, under the emulator's state lock; publishing the events to SNS
//! or EventBridge endpoints happens afterwards ([`publish`]), outside the lock.

pub mod events;
pub mod message;
pub mod publish;
pub mod render;
mod smtp;

pub use smtp::SmtpSink;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;
use serde_json::{Value, json};

use self::events::{BounceSubType, Event};
use self::message::{Mail, bare_address, domain_of};
use super::errors::ApiError;
#[cfg(test)]
use super::model::EventType;
use super::model::SuppressionListReason;
use super::state::{RegionState, SharedState, lock};

/// The mailbox simulator's domain (SES developer guide, "Using the mailbox simulator").
pub const SIMULATOR_DOMAIN: &str = "simulator.amazonses.com";

/// Where a message came in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Smtp,
    Api,
}

/// One message handed to SES.
#[derive(Debug, Clone)]
pub struct SendRequest {
    pub channel: Channel,
    /// The SMTP user (access key id) for SMTP.
    pub user: Option<String>,
    /// The envelope sender (`MAIL FROM`, or `FromEmailAddress`).
    pub source: String,
    /// Every recipient (`RCPT TO`, or To+Cc+Bcc).
    pub destinations: Vec<String>,
    /// The raw message (headers and body).
    pub data: Vec<u8>,
    /// `ConfigurationSetName` of the API call; SMTP takes the `X-SES-CONFIGURATION-SET` header.
    pub configuration_set: Option<String>,
    /// SMTP only: the session's commands and reply codes so far, e.g. `EHLO 250`.
    pub transcript: Vec<String>,
    /// `EmailTags` of an API call (SMTP: the `X-SES-MESSAGE-TAGS` header).
    pub tags: Option<Vec<(String, String)>>,
    /// A `SendEmail` with Template content whose render failed: SES accepts the message,
    /// publishes Send and Rendering Failure, and delivers nothing.
    pub rendering_failure: Option<RenderingFailure>,
}

/// Why a template did not render (the Rendering Failure event's `failure` object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderingFailure {
    /// `None` for inline `TemplateContent` sent without a name.
    pub template_name: Option<String>,
    pub error_message: String,
}

/// Why SES refused a message. Each has SES's SMTP reply and API error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The SMTP user's IAM policy does not allow this From address (`ses:FromAddress`).
    AccessDenied {
        user_arn: String,
        resource_arn: String,
    },
    ConfigurationSetDoesNotExist(String),
    ConfigurationSetSendingPaused(String),
    AccountSendingPaused,
    NotVerified {
        region: String,
        identities: Vec<String>,
    },
    MaxSendRate,
    DailyQuota,
}

impl Rejection {
    /// The SMTP reply: code and text (docs/local.md lists each with its source).
    pub fn smtp(&self) -> (u16, String) {
        match self {
            Rejection::AccessDenied { .. } => (554, format!("Access denied: {}", self.message())),
            Rejection::ConfigurationSetDoesNotExist(name) => (
                554,
                format!(
                    "Configuration Set does not exist: Configuration set <{name}> does not exist."
                ),
            ),
            Rejection::ConfigurationSetSendingPaused(name) => (
                554,
                format!("Sending is paused for this configuration set: <{name}>."),
            ),
            Rejection::AccountSendingPaused => {
                (554, "Sending paused for this account.".to_string())
            }
            Rejection::NotVerified { .. } => (554, format!("Message rejected: {}", self.message())),
            Rejection::MaxSendRate | Rejection::DailyQuota => {
                (454, format!("Throttling failure: {}", self.message()))
            }
        }
    }

    fn message(&self) -> String {
        match self {
            Rejection::AccessDenied {
                user_arn,
                resource_arn,
            } => format!(
                "User `{user_arn}' is not authorized to perform `ses:SendRawEmail' on resource `{resource_arn}'"
            ),
            Rejection::NotVerified { region, identities } => format!(
                "Email address is not verified. The following identities failed the check in region {}: {}",
                region.to_ascii_uppercase(),
                identities.join(", ")
            ),
            Rejection::MaxSendRate => "Maximum sending rate exceeded.".into(),
            Rejection::DailyQuota => "Daily message quota exceeded.".into(),
            Rejection::ConfigurationSetDoesNotExist(name) => {
                format!("Configuration set <{name}> does not exist.")
            }
            Rejection::ConfigurationSetSendingPaused(name) => {
                format!("Sending is paused for configuration set <{name}>.")
            }
            Rejection::AccountSendingPaused => "Sending is paused for this account.".into(),
        }
    }

    /// The SESv2 API error.
    pub fn api(&self) -> ApiError {
        use hyper::StatusCode;
        match self {
            Rejection::AccessDenied { .. } => ApiError::new(
                StatusCode::FORBIDDEN,
                "AccessDeniedException",
                self.message(),
            ),
            Rejection::ConfigurationSetDoesNotExist(_) => ApiError::not_found(self.message()),
            Rejection::ConfigurationSetSendingPaused(_) | Rejection::AccountSendingPaused => {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "SendingPausedException",
                    self.message(),
                )
            }
            Rejection::NotVerified { .. } => {
                ApiError::new(StatusCode::BAD_REQUEST, "MessageRejected", self.message())
            }
            Rejection::MaxSendRate | Rejection::DailyQuota => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequestsException",
                self.message(),
            ),
        }
    }
}

/// An event for an outside endpoint: where, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    pub region: String,
    /// The record and event it publishes, and the destination (`SET/NAME`), to note the
    /// outcome on the record.
    pub record_seq: u64,
    pub event_index: usize,
    pub destination: String,
    pub target: Target,
    pub detail_type: &'static str,
    pub event: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Sns { topic_arn: String },
    EventBridge { bus_arn: String },
}

/// One event as the local record keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedEvent {
    #[serde(rename = "type")]
    pub event_type: &'static str,
    /// The destinations of the configuration set that selected it (`SET/NAME`).
    pub destinations: Vec<String>,
    pub event: Value,
    /// What publishing it to SNS or EventBridge gave, per destination, once done.
    pub published: Vec<Published>,
}

/// The outcome of one publication: the endpoint's HTTP status, or why there was none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Published {
    pub destination: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A message SES was handed, accepted or not (`GET /_local/messages`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// Arrival order across regions, from 1.
    pub seq: u64,
    pub region: String,
    pub received_at: String,
    pub channel: Channel,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    pub status: &'static str,
    /// The SMTP reply given (also for API sends, for comparison).
    pub reply: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    pub envelope: Envelope,
    pub headers: Vec<Header>,
    pub subject: Option<String>,
    pub size: usize,
    pub configuration_set: Option<String>,
    pub transcript: Vec<String>,
    pub events: Vec<RecordedEvent>,
    /// The raw message, for `GET /_local/messages/{seq}/raw`.
    #[serde(skip)]
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Envelope {
    pub from: String,
    pub to: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// What [`send`] accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    pub message_id: String,
    pub publications: Vec<Publication>,
}

/// An address on the account-level suppression list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SuppressedDestination {
    pub email_address: String,
    pub reason: SuppressionListReason,
    pub last_update_time: f64,
    /// The message and feedback id of the bounce or complaint that listed it (not set for
    /// addresses put on the list by hand).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<SuppressedAttributes>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SuppressedAttributes {
    pub message_id: String,
    pub feedback_id: String,
}

/// What a real (non-simulator) recipient does with mail, set with the control API
/// (`PUT /_emulator/recipients/{address}`): without one, it is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientOutcome {
    /// Delivered (the default).
    Delivery,
    /// A hard bounce, `550 5.1.1 user unknown`, as the simulator's bounce@ gives; listed on the
    /// account-level suppression list when the set's or account's reasons include BOUNCE.
    Bounce,
    /// Delivered, then a complaint (`abuse`); listed when the reasons include COMPLAINT.
    Complaint,
    /// SES finds a virus in the message: Send, then Reject (`Bad content`), and nothing is
    /// delivered, to any recipient of that message (the content is rejected, not an address).
    Reject,
    /// The recipient's server cannot be reached for now: a DeliveryDelay event
    /// (`TransientCommunicationFailure`) instead of a delivery; SES keeps retrying.
    Delay,
}

/// What one region keeps for sending: the record, recent sends (rate), the suppression list.
#[derive(Debug, Default)]
pub struct Outbox {
    pub records: Vec<Record>,
    recent: Vec<Instant>,
    pub suppressed: BTreeMap<String, SuppressedDestination>,
    /// Publications of API sends, taken by the HTTP server after the call.
    pub pending: Vec<Publication>,
    /// Every address counts as verified (`sesform local` without a spec).
    pub open: bool,
    /// SMTP user name (access key id) -> what its IAM policy lets it send as.
    pub senders: BTreeMap<String, SenderPolicy>,
    /// Lowercased recipient -> what it does with mail (test knob; simulator addresses keep
    /// their documented behaviour).
    pub recipients: BTreeMap<String, RecipientOutcome>,
}

/// An SMTP user's send policy, as sesform's `smtp_users` policy grants it: `ses:SendRawEmail`
/// only as the `allow_from` patterns (`ses:FromAddress`, IAM `StringLike`: `*` and `?`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderPolicy {
    pub user_arn: String,
    pub allow_from: Vec<String>,
}

impl SenderPolicy {
    pub fn allows(&self, from: &str) -> bool {
        self.allow_from
            .iter()
            .any(|pattern| string_like(pattern, from))
    }
}

/// IAM `StringLike`: `*` any run of characters, `?` one character, case-sensitive.
fn string_like(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// How long after a delay the emulator says SES gives up (`expirationTime`): its own choice,
/// as SES documents no fixed retry window.
const DELAY_EXPIRY: Duration = Duration::from_secs(24 * 3600);

static SEQ: AtomicU64 = AtomicU64::new(0);

/// Decides, records, and produces the events of one message.
pub fn send(
    region_name: &str,
    region: &mut RegionState,
    request: SendRequest,
) -> Result<Accepted, Rejection> {
    let now = SystemTime::now();
    let received_at = rfc3339_millis(now);
    let headers = message::parse_headers(&request.data);
    let header_set = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("X-SES-CONFIGURATION-SET"))
        .map(|(_, v)| v.clone());
    let explicit_set = request.configuration_set.clone().or(header_set);
    let decision = decide(
        region_name,
        region,
        &request,
        explicit_set.as_deref(),
        &headers,
    );
    let mut record = new_record(region_name, &received_at, &request, &headers);
    let configuration_set = match decision {
        Ok(set) => set,
        Err(rejection) => {
            let (code, text) = rejection.smtp();
            record.reply = format!("{code} {text}");
            record.configuration_set = explicit_set;
            region.outbox.records.push(record);
            return Err(rejection);
        }
    };
    let message_id = message_id();
    let mail = Mail::parse(
        region_name,
        &message_id,
        &received_at,
        &request.source,
        &request.destinations,
        &request.data,
        configuration_set.as_deref(),
        request.user.as_deref(),
    );
    let mut mail = mail;
    mail.api_tags = request.tags.clone();
    if let Some(arn) = authorizing_identity(region, &request.source) {
        mail.source_arn = super::state::identity_arn(region_name, &arn);
    }
    let happened = match &request.rendering_failure {
        Some(failure) => vec![
            Event::Send,
            Event::RenderingFailure {
                template_name: failure.template_name.clone(),
                error_message: failure.error_message.clone(),
            },
        ],
        None => outcomes(region, &request.destinations),
    };
    suppress(
        region,
        configuration_set.as_deref(),
        &happened,
        &mail.message_id,
    );
    count_sent(region, &request.destinations);
    let destinations = enabled_destinations(region, configuration_set.as_deref());
    let at = rfc3339_millis(SystemTime::now());
    let mut publications = Vec::new();
    for (event_index, event) in happened.into_iter().enumerate() {
        let json = event.to_json(&mail, &at);
        let mut selected_by = Vec::new();
        for (name, definition) in &destinations {
            if !definition
                .matching_event_types
                .contains(&event.event_type())
            {
                continue;
            }
            selected_by.push(name.clone());
            let target = if let Some(sns) = &definition.sns_destination {
                Target::Sns {
                    topic_arn: sns.topic_arn.clone(),
                }
            } else if let Some(bus) = &definition.event_bridge_destination {
                Target::EventBridge {
                    bus_arn: bus.event_bus_arn.clone(),
                }
            } else {
                continue;
            };
            publications.push(Publication {
                region: region_name.to_string(),
                record_seq: record.seq,
                event_index,
                destination: name.clone(),
                target,
                detail_type: event.detail_type(),
                event: json.clone(),
            });
        }
        record.events.push(RecordedEvent {
            event_type: event.name(),
            destinations: selected_by,
            event: json,
            published: Vec::new(),
        });
    }
    record.status = "accepted";
    record.reply = format!("250 Ok {message_id}");
    record.message_id = Some(message_id.clone());
    record.configuration_set = configuration_set;
    region.outbox.records.push(record);
    Ok(Accepted {
        message_id,
        publications,
    })
}

/// What the outbox keeps of a message, before SES has decided on it.
fn new_record(
    region_name: &str,
    received_at: &str,
    request: &SendRequest,
    headers: &[(String, String)],
) -> Record {
    Record {
        seq: SEQ.fetch_add(1, Ordering::Relaxed) + 1,
        region: region_name.to_string(),
        received_at: received_at.to_string(),
        channel: request.channel.clone(),
        user: request.user.clone(),
        status: "rejected",
        reply: String::new(),
        message_id: None,
        envelope: Envelope {
            from: request.source.clone(),
            to: request.destinations.clone(),
        },
        subject: headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("Subject"))
            .map(|(_, v)| v.clone()),
        headers: headers
            .iter()
            .map(|(name, value)| Header {
                name: name.clone(),
                value: value.clone(),
            })
            .collect(),
        size: request.data.len(),
        configuration_set: None,
        transcript: request.transcript.clone(),
        events: Vec::new(),
        data: request.data.clone(),
    }
}

/// Counts an accepted message against the quota and the rate: one per recipient, the mailbox
/// simulator's excepted (SES does not count them).
fn count_sent(region: &mut RegionState, recipients: &[String]) {
    let counted = recipients.iter().filter(|r| !is_simulator(r)).count();
    region.account.send_quota.sent_last24_hours += counted as f64;
    let stamp = Instant::now();
    region
        .outbox
        .recent
        .extend(std::iter::repeat_n(stamp, counted));
}

/// The enabled event destinations of a set, named `set/destination`.
fn enabled_destinations(
    region: &RegionState,
    set: Option<&str>,
) -> Vec<(String, super::model::EventDestinationDefinition)> {
    set.and_then(|name| region.configuration_sets.get(name))
        .map(|set| {
            set.event_destinations
                .values()
                .filter(|d| d.definition.enabled)
                .map(|d| (format!("{}/{}", set.name, d.name), d.definition.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The configuration set that applies, or why SES refuses the message.
fn decide(
    region_name: &str,
    region: &mut RegionState,
    request: &SendRequest,
    explicit_set: Option<&str>,
    headers: &[(String, String)],
) -> Result<Option<String>, Rejection> {
    // IAM first: the SMTP user may send only as its policy's From addresses.
    if let Some(policy) = request
        .user
        .as_ref()
        .and_then(|u| region.outbox.senders.get(u))
    {
        let from = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("From"))
            .map_or_else(|| request.source.clone(), |(_, v)| bare_address(v));
        if !policy.allows(&from) {
            let identity =
                authorizing_identity(region, &from).unwrap_or_else(|| domain_of(&from).to_string());
            return Err(Rejection::AccessDenied {
                user_arn: policy.user_arn.clone(),
                resource_arn: super::state::identity_arn(region_name, &identity),
            });
        }
    }
    if let Some(name) = explicit_set {
        let Some(set) = region.configuration_sets.get(name) else {
            return Err(Rejection::ConfigurationSetDoesNotExist(name.to_string()));
        };
        if !set.sending.sending_enabled {
            return Err(Rejection::ConfigurationSetSendingPaused(name.to_string()));
        }
    }
    if !region.account.sending_enabled {
        return Err(Rejection::AccountSendingPaused);
    }
    // SES checks the envelope sender and the From address (and Sender, Return-Path).
    let mut senders = vec![request.source.clone()];
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("From") || name.eq_ignore_ascii_case("Sender") {
            let address = bare_address(value);
            if !address.is_empty() && !senders.iter().any(|s| s.eq_ignore_ascii_case(&address)) {
                senders.push(address);
            }
        }
    }
    let open = region.outbox.open;
    let mut unverified: Vec<String> = senders
        .iter()
        .filter(|s| !open && authorizing_identity(region, s).is_none())
        .cloned()
        .collect();
    if unverified.is_empty() && !region.account.production_access_enabled {
        unverified = request
            .destinations
            .iter()
            .filter(|r| !open && !is_simulator(r) && authorizing_identity(region, r).is_none())
            .cloned()
            .collect();
    }
    if !unverified.is_empty() {
        return Err(Rejection::NotVerified {
            region: region_name.to_string(),
            identities: unverified,
        });
    }
    let counted = request
        .destinations
        .iter()
        .filter(|r| !is_simulator(r))
        .count() as f64;
    let quota = &region.account.send_quota;
    if counted > 0.0 && quota.sent_last24_hours + counted > quota.max24_hour_send {
        return Err(Rejection::DailyQuota);
    }
    let window = Instant::now()
        .checked_sub(Duration::from_secs(1))
        .unwrap_or_else(Instant::now);
    region.outbox.recent.retain(|t| *t > window);
    if counted > 0.0 && region.outbox.recent.len() as f64 + counted > quota.max_send_rate {
        return Err(Rejection::MaxSendRate);
    }
    let default_set = authorizing_identity(region, &request.source).and_then(|name| {
        region
            .identities
            .get(&name)
            .and_then(|identity| identity.configuration_set_name.clone())
    });
    match explicit_set {
        Some(name) => Ok(Some(name.to_string())),
        None => match default_set {
            // An identity's default set that was deleted: SES fails the send.
            Some(name) if !region.configuration_sets.contains_key(&name) => {
                Err(Rejection::ConfigurationSetDoesNotExist(name))
            }
            other => Ok(other),
        },
    }
}

/// The verified identity that covers `address`: the address itself, else its domain.
fn authorizing_identity(region: &RegionState, address: &str) -> Option<String> {
    let lower = address.to_ascii_lowercase();
    let domain = domain_of(&lower).to_string();
    [lower, domain]
        .into_iter()
        .find(|name| {
            region.identities.iter().any(|(key, identity)| {
                key.eq_ignore_ascii_case(name) && identity.verified_for_sending()
            })
        })
        .and_then(|name| {
            region
                .identities
                .keys()
                .find(|key| key.eq_ignore_ascii_case(&name))
                .cloned()
        })
}

pub fn is_simulator(address: &str) -> bool {
    domain_of(address).eq_ignore_ascii_case(SIMULATOR_DOMAIN)
}

/// The events of an accepted message: Send, then per recipient what SES (or the simulator)
/// makes of it, grouped by kind; or Send and Reject when a recipient's knob says the content
/// carries a virus (SES then delivers to no one).
fn outcomes(region: &RegionState, recipients: &[String]) -> Vec<Event> {
    let mut delivered = Vec::new();
    let mut complained = Vec::new();
    let mut delayed = Vec::new();
    let mut rejected = false;
    let mut bounced: BTreeMap<&'static str, (BounceSubType, Vec<String>)> = BTreeMap::new();
    let mut bounce = |subtype: BounceSubType, key: &'static str, r: &String| {
        bounced
            .entry(key)
            .or_insert_with(|| (subtype, Vec::new()))
            .1
            .push(r.clone())
    };
    for r in recipients {
        let local = r
            .rsplit_once('@')
            .map_or(r.as_str(), |(l, _)| l)
            .to_ascii_lowercase();
        // SES simulator addresses may carry a +label: bounce+test1@...
        let local = local.split('+').next().unwrap_or_default().to_string();
        if is_simulator(r) {
            match local.as_str() {
                "bounce" => bounce(BounceSubType::General, "general", r),
                "suppressionlist" => bounce(BounceSubType::Suppressed, "suppressed", r),
                "complaint" => {
                    delivered.push(r.clone());
                    complained.push(r.clone());
                }
                // success@, ooto@ (the autoresponse is not an event) and anything else.
                _ => delivered.push(r.clone()),
            }
        } else if suppressed(region, r) {
            bounce(BounceSubType::OnAccountSuppressionList, "account", r);
        } else {
            match region.outbox.recipients.get(&r.to_ascii_lowercase()) {
                Some(RecipientOutcome::Bounce) => bounce(BounceSubType::General, "general", r),
                Some(RecipientOutcome::Complaint) => {
                    delivered.push(r.clone());
                    complained.push(r.clone());
                }
                Some(RecipientOutcome::Reject) => rejected = true,
                Some(RecipientOutcome::Delay) => delayed.push(r.clone()),
                Some(RecipientOutcome::Delivery) | None => delivered.push(r.clone()),
            }
        }
    }
    let mut events = vec![Event::Send];
    if rejected {
        events.push(Event::Reject);
        return events;
    }
    if !delivered.is_empty() {
        events.push(Event::Delivery {
            recipients: delivered,
        });
    }
    for (_, (subtype, recipients)) in bounced {
        events.push(Event::Bounce {
            subtype,
            recipients,
        });
    }
    if !complained.is_empty() {
        events.push(Event::Complaint {
            recipients: complained,
        });
    }
    if !delayed.is_empty() {
        events.push(Event::DeliveryDelay {
            recipients: delayed,
            expires_at: rfc3339_millis(SystemTime::now() + DELAY_EXPIRY),
        });
    }
    events
}

/// Puts the hard-bounced and complaining recipients of a message on the account-level
/// suppression list, for the reasons the configuration set (when it overrides them) or the
/// account suppresses. Mailbox simulator addresses are never listed (SES developer guide,
/// "Using the mailbox simulator").
fn suppress(region: &mut RegionState, set: Option<&str>, events: &[Event], message_id: &str) {
    let reasons = set
        .and_then(|name| region.configuration_sets.get(name))
        .and_then(|set| set.suppression.as_ref())
        .map(|options| options.suppressed_reasons.clone())
        .unwrap_or_else(|| {
            region
                .account
                .suppression_attributes
                .suppressed_reasons
                .clone()
        });
    for event in events {
        let (reason, recipients) = match event {
            Event::Bounce {
                subtype: BounceSubType::General,
                recipients,
            } => (SuppressionListReason::Bounce, recipients),
            Event::Complaint { recipients } => (SuppressionListReason::Complaint, recipients),
            _ => continue,
        };
        if !reasons.contains(&reason) {
            continue;
        }
        for r in recipients.iter().filter(|r| !is_simulator(r)) {
            region.outbox.suppressed.insert(
                r.to_ascii_lowercase(),
                SuppressedDestination {
                    email_address: r.clone(),
                    reason,
                    last_update_time: super::ids::now_epoch_seconds(),
                    attributes: Some(SuppressedAttributes {
                        message_id: message_id.to_string(),
                        feedback_id: events::feedback_id(message_id),
                    }),
                },
            );
        }
    }
}

/// On the account-level list, for a reason the account suppresses.
fn suppressed(region: &RegionState, address: &str) -> bool {
    region
        .outbox
        .suppressed
        .get(&address.to_ascii_lowercase())
        .is_some_and(|entry| {
            region
                .account
                .suppression_attributes
                .suppressed_reasons
                .contains(&entry.reason)
        })
}

/// `0102018c...-....-000000`, the shape of SES message ids.
fn message_id() -> String {
    let millis = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let id = super::ids::request_id();
    format!("0100{millis:012x}-{id}-000000")
}

/// RFC 3339 UTC with milliseconds, as SES events write times.
pub fn rfc3339_millis(time: SystemTime) -> String {
    let since = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// Publishes events to the configured endpoints (outside the state lock), then notes each
/// outcome on its record.
pub(crate) async fn deliver(state: SharedState, publications: Vec<Publication>) {
    if publications.is_empty() {
        return;
    }
    let endpoints = lock(&state).endpoints.clone();
    let outcomes = publish::publish(&endpoints, &publications).await;
    let mut state = lock(&state);
    for (publication, outcome) in publications.iter().zip(outcomes) {
        let region = state.region(&publication.region);
        let event = region
            .outbox
            .records
            .iter_mut()
            .find(|r| r.seq == publication.record_seq)
            .and_then(|r| r.events.get_mut(publication.event_index));
        if let Some(event) = event {
            let (status, error) = match outcome {
                publish::Outcome::Sent { status } => (Some(status), None),
                publish::Outcome::NoEndpoint => (None, Some(publish::NO_ENDPOINT.to_string())),
                publish::Outcome::Failed(error) => (None, Some(error)),
            };
            event.published.push(Published {
                destination: publication.destination.clone(),
                status,
                error,
            });
        }
    }
}

/// The records of every region, oldest first, as `GET /_local/messages` answers.
pub fn records_json(records: &[&Record]) -> Value {
    json!({ "messages": records })
}

/// The SESv2 event types a set of events covers (for tests and `why`).
pub fn types_of(events: &[RecordedEvent]) -> Vec<&'static str> {
    events.iter().map(|e| e.event_type).collect()
}

#[cfg(test)]
mod tests;
