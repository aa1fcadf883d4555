//! One SES event from the log: the EventBridge envelope (`detail-type`, `time`, `detail`) with
//! the SES event in `detail` (`eventType`, `mail`, and one object named after the type, as the
//! SES developer guide's "Examples of event data" show). A bare SES event (no envelope) is read
//! too. What `events tail --format json` prints per line is [`EventRecord`] (docs/events.md).

use serde::Serialize;
use serde_json::Value;

use super::filter::EventKind;

/// One event, reduced to what says what happened to which recipient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRecord {
    /// When it happened (the event object's `timestamp`, else the envelope's `time`), RFC 3339.
    pub time: String,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub message_id: String,
    /// `mail.source`: the envelope sender.
    pub sender: String,
    /// The recipients the event is about (the bounced, complained, delivered, delayed ones);
    /// for Send, Reject and Rendering Failure every recipient of the message.
    pub recipients: Vec<String>,
    /// The configuration set (`mail.tags["ses:configuration-set"]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration_set: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounce: Option<Bounce>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complaint: Option<Complaint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay: Option<Delay>,
    /// Reject: SES's reason (e.g. `Bad content`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reject_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rendering_failure: Option<RenderingFailure>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bounce {
    /// `Permanent`, `Transient` or `Undetermined`.
    #[serde(rename = "type")]
    pub bounce_type: String,
    pub subtype: String,
    /// The remote server's diagnostic code of the first bounced recipient, e.g.
    /// `smtp; 550 5.1.1 user unknown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostic_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Complaint {
    /// `complaintFeedbackType` (`abuse`, ...), when the feedback report has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp_response: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delay {
    /// `delayType`: `MailboxFull`, `TransientCommunicationFailure`, ...
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostic_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderingFailure {
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

/// `Name <a@b>` -> `a@b`.
fn bare(address: &str) -> &str {
    let address = address.trim();
    match (address.rfind('<'), address.rfind('>')) {
        (Some(start), Some(end)) if start < end => &address[start + 1..end],
        _ => address,
    }
}

fn text(value: &Value, pointer: &str) -> Option<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The addresses in an array of `{"emailAddress": ...}` objects.
fn addresses(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.get("emailAddress").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn strings(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

impl EventRecord {
    /// Reads one log message; `None` when it is not an SES event (another source's event in a
    /// shared group, or text).
    pub fn parse(message: &str) -> Option<EventRecord> {
        let value: Value = serde_json::from_str(message).ok()?;
        EventRecord::from_json(&value)
    }

    pub fn from_json(value: &Value) -> Option<EventRecord> {
        let (event, envelope_time) = match value.get("detail") {
            Some(detail) if detail.is_object() => (detail, text(value, "/time")),
            _ => (value, None),
        };
        let kind = EventKind::from_event_type(event.get("eventType")?.as_str()?)?;
        let mail = event.get("mail")?;
        let all_recipients = strings(mail.get("destination"));
        let object = event.get(kind.object_key());
        let at = |o: Option<&Value>| o.and_then(|o| text(o, "/timestamp"));
        let mut record = EventRecord {
            time: millis(
                &at(object)
                    .or(envelope_time)
                    .or_else(|| text(mail, "/timestamp"))
                    .unwrap_or_default(),
            ),
            kind,
            message_id: text(mail, "/messageId").unwrap_or_default(),
            sender: text(mail, "/source").unwrap_or_default(),
            recipients: all_recipients.clone(),
            configuration_set: text(mail, "/tags/ses:configuration-set/0"),
            subject: text(mail, "/commonHeaders/subject"),
            bounce: None,
            complaint: None,
            delivery: None,
            delay: None,
            reject_reason: None,
            rendering_failure: None,
        };
        let Some(object) = object else {
            return Some(record);
        };
        let affected = match kind {
            EventKind::Bounce => {
                record.bounce = Some(Bounce {
                    bounce_type: text(object, "/bounceType").unwrap_or_default(),
                    subtype: text(object, "/bounceSubType").unwrap_or_default(),
                    diagnostic_code: text(object, "/bouncedRecipients/0/diagnosticCode"),
                });
                addresses(object.get("bouncedRecipients"))
            }
            EventKind::Complaint => {
                record.complaint = Some(Complaint {
                    feedback_type: text(object, "/complaintFeedbackType"),
                    subtype: text(object, "/complaintSubType"),
                });
                addresses(object.get("complainedRecipients"))
            }
            EventKind::Delivery => {
                record.delivery = Some(Delivery {
                    smtp_response: text(object, "/smtpResponse"),
                });
                strings(object.get("recipients"))
            }
            EventKind::DeliveryDelay => {
                record.delay = Some(Delay {
                    reason: text(object, "/delayType").unwrap_or_default(),
                    diagnostic_code: text(object, "/delayedRecipients/0/diagnosticCode"),
                });
                addresses(object.get("delayedRecipients"))
            }
            EventKind::Reject => {
                record.reject_reason = text(object, "/reason");
                Vec::new()
            }
            EventKind::RenderingFailure => {
                record.rendering_failure = Some(RenderingFailure {
                    error: text(object, "/errorMessage").unwrap_or_default(),
                    template: text(object, "/templateName"),
                });
                Vec::new()
            }
            _ => Vec::new(),
        };
        if !affected.is_empty() {
            record.recipients = affected;
        }
        Some(record)
    }

    /// Whether the event is about `address` (case-insensitive, as mail systems compare the
    /// domain; SES keeps the local part as sent).
    pub fn concerns(&self, address: &str) -> bool {
        self.recipients
            .iter()
            .any(|r| bare(r).eq_ignore_ascii_case(bare(address)))
    }

    /// The detail that matters for this type, in a few words: the bounce's type/subtype and
    /// diagnostic code, the complaint's feedback type, the delay's or reject's reason.
    pub fn summary(&self) -> String {
        if let Some(b) = &self.bounce {
            let mut s = format!("{}/{}", b.bounce_type, b.subtype);
            if let Some(code) = &b.diagnostic_code {
                s.push_str(&format!(" ({code})"));
            }
            return s;
        }
        if let Some(c) = &self.complaint {
            return format!(
                "feedback type {}",
                c.feedback_type.as_deref().unwrap_or("not given")
            );
        }
        if let Some(d) = &self.delay {
            return match &d.diagnostic_code {
                Some(code) => format!("{} ({code})", d.reason),
                None => d.reason.clone(),
            };
        }
        if let Some(reason) = &self.reject_reason {
            return reason.clone();
        }
        if let Some(f) = &self.rendering_failure {
            return match &f.template {
                Some(t) => format!("template {t}: {}", f.error),
                None => f.error.clone(),
            };
        }
        if let Some(d) = &self.delivery {
            return d.smtp_response.clone().unwrap_or_default();
        }
        String::new()
    }
}

/// An RFC 3339 time with milliseconds (`2026-12-05T11:53:51.000Z`), so times line up and sort
/// as text; SES writes `Z` times with and without fractions. Kept as given when it does not parse.
fn millis(time: &str) -> String {
    humantime::parse_rfc3339_weak(time.trim_end_matches('Z'))
        .map(|t| humantime::format_rfc3339_millis(t).to_string())
        .unwrap_or_else(|_| time.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_carry_milliseconds() {
        assert_eq!(millis("2026-12-05T11:53:51Z"), "2026-12-05T11:53:51.000Z");
        assert_eq!(millis("2026-12-05T11:53:51.5Z"), "2026-12-05T11:53:51.500Z");
        assert_eq!(
            millis("2026-12-05T11:53:51.539Z"),
            "2026-12-05T11:53:51.539Z"
        );
        assert_eq!(millis("yesterday"), "yesterday");
    }

    /// The bounce example of the SES developer guide ("Examples of event data"), as
    /// EventBridge delivers it.
    const BOUNCE: &str = r#"{"version":"0","id":"e1","detail-type":"Email Bounced","source":"aws.ses","account":"123456789012","time":"2026-12-05T08:00:02Z","region":"eu-west-1","resources":["arn:aws:ses:eu-west-1:123456789012:configuration-set/main"],"detail":{"eventType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"recipient@example.com","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}],"timestamp":"2026-12-05T08:00:01.000Z","feedbackId":"f1","reportingMTA":"dsn; mta.example.com"},"mail":{"timestamp":"2026-12-05T08:00:00.000Z","source":"Sender <sender@example.com>","messageId":"m1","destination":["recipient@example.com","other@example.com"],"tags":{"ses:configuration-set":["main"]},"commonHeaders":{"subject":"Hello"}}}}"#;

    #[test]
    fn a_bounce_from_eventbridge() {
        let r = EventRecord::parse(BOUNCE).unwrap();
        assert_eq!(r.kind, EventKind::Bounce);
        assert_eq!(r.time, "2026-12-05T08:00:01.000Z");
        assert_eq!(r.message_id, "m1");
        assert_eq!(r.recipients, ["recipient@example.com"]);
        assert_eq!(r.configuration_set.as_deref(), Some("main"));
        assert_eq!(r.subject.as_deref(), Some("Hello"));
        assert_eq!(
            r.summary(),
            "Permanent/General (smtp; 550 5.1.1 user unknown)"
        );
        assert!(r.concerns("Recipient@Example.com"));
        assert!(!r.concerns("other@example.com"));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["type"], "Bounce");
        assert_eq!(json["bounce"]["subtype"], "General");
    }

    #[test]
    fn other_kinds_and_non_events() {
        let delay = r#"{"eventType":"DeliveryDelay","mail":{"messageId":"m2","source":"a@b.c","destination":["x@y.z"]},"deliveryDelay":{"timestamp":"t","delayType":"MailboxFull","delayedRecipients":[{"emailAddress":"x@y.z","status":"4.2.2","diagnosticCode":"smtp; 452 4.2.2 full"}]}}"#;
        let r = EventRecord::parse(delay).unwrap();
        assert_eq!(r.kind, EventKind::DeliveryDelay);
        assert_eq!(r.summary(), "MailboxFull (smtp; 452 4.2.2 full)");
        let failure = r#"{"eventType":"Rendering Failure","mail":{"messageId":"m3","source":"a@b.c","destination":["x@y.z"]},"failure":{"errorMessage":"Attribute 'name' is not present","templateName":"welcome"}}"#;
        let r = EventRecord::parse(failure).unwrap();
        assert_eq!(r.kind, EventKind::RenderingFailure);
        assert_eq!(r.recipients, ["x@y.z"]);
        assert!(r.summary().starts_with("template welcome: "));
        assert!(EventRecord::parse("not json").is_none());
        assert!(EventRecord::parse(r#"{"detail":{"other":1}}"#).is_none());
    }
}
