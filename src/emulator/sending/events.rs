//! SES event JSON, field for field as the SES developer guide's "Examples of event data"
//! (event publishing through a configuration set: `eventType`, `mail`, and one object named
//! after the type). The same JSON is the SNS message, the EventBridge `detail`, and what the
//! local record keeps.

use serde_json::{Value, json};

use super::message::Mail;
use crate::emulator::model::EventType;

/// What happened to one message, from SES's side.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Send,
    Delivery {
        recipients: Vec<String>,
    },
    Bounce {
        subtype: BounceSubType,
        recipients: Vec<String>,
    },
    Complaint {
        recipients: Vec<String>,
    },
    /// SES found a virus: nothing is delivered.
    Reject,
    DeliveryDelay {
        recipients: Vec<String>,
        /// When SES stops retrying (RFC 3339).
        expires_at: String,
    },
    RenderingFailure {
        template_name: Option<String>,
        error_message: String,
    },
}

/// The delay the emulator reports: the guide's example (`TransientCommunicationFailure`,
/// `4.4.1`, `smtp; 421 4.4.1 Unable to connect to remote host`).
const DELAY_TYPE: &str = "TransientCommunicationFailure";
const DELAY_STATUS: &str = "4.4.1";
const DELAY_DIAGNOSTIC: &str = "smtp; 421 4.4.1 Unable to connect to remote host";
/// The reason of every Reject event: SES rejects only messages with a virus.
const REJECT_REASON: &str = "Bad content";

/// The bounces the emulator produces (all `Permanent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BounceSubType {
    /// The mailbox simulator's `bounce@`: the address does not exist.
    General,
    /// The mailbox simulator's `suppressionlist@`: on SES's global suppression list.
    Suppressed,
    /// On the account-level suppression list.
    OnAccountSuppressionList,
}

impl BounceSubType {
    fn name(self) -> &'static str {
        match self {
            BounceSubType::General => "General",
            BounceSubType::Suppressed => "Suppressed",
            BounceSubType::OnAccountSuppressionList => "OnAccountSuppressionList",
        }
    }

    fn diagnostic_code(self) -> &'static str {
        match self {
            BounceSubType::General => "smtp; 550 5.1.1 user unknown",
            BounceSubType::Suppressed => {
                "Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address. For more information about how to remove an address from the suppression list, see the Amazon SES Developer Guide: https://docs.aws.amazon.com/ses/latest/DeveloperGuide/remove-from-suppressionlist.html "
            }
            BounceSubType::OnAccountSuppressionList => {
                "Amazon SES did not send the message to this address because it is on the suppression list for your account. For more information about removing addresses from the suppression list, see the Amazon SES Developer Guide at https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html"
            }
        }
    }
}

impl Event {
    /// The SESv2 event type a destination selects it by.
    pub fn event_type(&self) -> EventType {
        match self {
            Event::Send => EventType::Send,
            Event::Delivery { .. } => EventType::Delivery,
            Event::Bounce { .. } => EventType::Bounce,
            Event::Complaint { .. } => EventType::Complaint,
            Event::Reject => EventType::Reject,
            Event::DeliveryDelay { .. } => EventType::DeliveryDelay,
            Event::RenderingFailure { .. } => EventType::RenderingFailure,
        }
    }

    /// `eventType` in the JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Send => "Send",
            Event::Delivery { .. } => "Delivery",
            Event::Bounce { .. } => "Bounce",
            Event::Complaint { .. } => "Complaint",
            Event::Reject => "Reject",
            Event::DeliveryDelay { .. } => "DeliveryDelay",
            Event::RenderingFailure { .. } => "Rendering Failure",
        }
    }

    /// The EventBridge `detail-type` (SES developer guide, "Monitoring with Amazon
    /// EventBridge").
    pub fn detail_type(&self) -> &'static str {
        match self {
            Event::Send => "Email Sent",
            Event::Delivery { .. } => "Email Delivered",
            Event::Bounce { .. } => "Email Bounced",
            Event::Complaint { .. } => "Email Complaint Received",
            Event::Reject => "Email Rejected",
            Event::DeliveryDelay { .. } => "Email Delivery Delayed",
            Event::RenderingFailure { .. } => "Email Rendering Failed",
        }
    }

    /// The whole event JSON; `at` is the event's own time (RFC 3339 with milliseconds).
    pub fn to_json(&self, mail: &Mail, at: &str) -> Value {
        let mut event = json!({
            "eventType": self.name(),
            "mail": mail.to_json(),
        });
        let (key, body) = match self {
            Event::Send => ("send", json!({})),
            Event::Delivery { recipients } => (
                "delivery",
                json!({
                    "timestamp": at,
                    "processingTimeMillis": 0,
                    "recipients": recipients,
                    "smtpResponse": "250 2.6.0 Message received",
                    "reportingMTA": "a1-1.smtp-out.local.amazonses.com",
                }),
            ),
            Event::Bounce {
                subtype,
                recipients,
            } => (
                "bounce",
                json!({
                    "feedbackId": feedback_id(&mail.message_id),
                    "bounceType": "Permanent",
                    "bounceSubType": subtype.name(),
                    "bouncedRecipients": recipients.iter().map(|r| json!({
                        "emailAddress": r,
                        "action": "failed",
                        "status": "5.1.1",
                        "diagnosticCode": subtype.diagnostic_code(),
                    })).collect::<Vec<_>>(),
                    "timestamp": at,
                    "reportingMTA": "dsn; a1-1.smtp-out.local.amazonses.com",
                }),
            ),
            Event::Complaint { recipients } => (
                "complaint",
                json!({
                    "feedbackId": feedback_id(&mail.message_id),
                    "complaintSubType": null,
                    "complainedRecipients": recipients.iter().map(|r| json!({"emailAddress": r})).collect::<Vec<_>>(),
                    "timestamp": at,
                    "userAgent": "Amazon SES Mailbox Simulator",
                    "complaintFeedbackType": "abuse",
                    "arrivalDate": at,
                }),
            ),
            Event::Reject => ("reject", json!({"reason": REJECT_REASON})),
            Event::DeliveryDelay {
                recipients,
                expires_at,
            } => (
                "deliveryDelay",
                json!({
                    "timestamp": at,
                    "delayType": DELAY_TYPE,
                    "expirationTime": expires_at,
                    "delayedRecipients": recipients.iter().map(|r| json!({
                        "emailAddress": r,
                        "status": DELAY_STATUS,
                        "diagnosticCode": DELAY_DIAGNOSTIC,
                    })).collect::<Vec<_>>(),
                }),
            ),
            Event::RenderingFailure {
                template_name,
                error_message,
            } => {
                // The message was never rendered: the guide's example has no headers.
                if let Some(mail) = event["mail"].as_object_mut() {
                    mail.remove("headers");
                    mail.remove("commonHeaders");
                }
                let mut failure = json!({"errorMessage": error_message});
                if let Some(name) = template_name {
                    failure["templateName"] = json!(name);
                }
                ("failure", failure)
            }
        };
        event[key] = body;
        event
    }
}

pub fn feedback_id(message_id: &str) -> String {
    format!("{message_id}-feedback")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::sending::message::Mail;

    fn mail() -> Mail {
        Mail::parse(
            "eu-west-1",
            "0100018c-test-000000",
            "2026-12-05T08:00:00.000Z",
            "app@example.com",
            &["bounce@simulator.amazonses.com".to_string()],
            b"From: App <app@example.com>\r\nTo: bounce@simulator.amazonses.com\r\nSubject: Hi\r\nX-SES-CONFIGURATION-SET: main\r\n\r\nbody\r\n",
            Some("main"),
            Some("smtp-user"),
        )
    }

    #[test]
    fn bounce_follows_the_guide() {
        let event = Event::Bounce {
            subtype: BounceSubType::General,
            recipients: vec!["bounce@simulator.amazonses.com".into()],
        }
        .to_json(&mail(), "2026-12-05T08:00:01.000Z");
        assert_eq!(event["eventType"], "Bounce");
        assert_eq!(event["bounce"]["bounceType"], "Permanent");
        assert_eq!(event["bounce"]["bounceSubType"], "General");
        assert_eq!(
            event["bounce"]["bouncedRecipients"][0]["emailAddress"],
            "bounce@simulator.amazonses.com"
        );
        assert_eq!(event["mail"]["messageId"], "0100018c-test-000000");
        assert_eq!(event["mail"]["sendingAccountId"], "123456789012");
        assert_eq!(
            event["mail"]["sourceArn"],
            "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
        );
        assert_eq!(event["mail"]["commonHeaders"]["subject"], "Hi");
        assert_eq!(
            event["mail"]["tags"]["ses:configuration-set"],
            serde_json::json!(["main"])
        );
        assert_eq!(event["mail"]["headersTruncated"], false);
    }

    /// The member names of `value`'s object at `key`, sorted.
    fn keys(value: &Value) -> Vec<String> {
        let mut keys: Vec<String> = value
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn reject_follows_the_guide() {
        let event = Event::Reject.to_json(&mail(), "2026-12-05T08:00:01.000Z");
        assert_eq!(event["eventType"], "Reject");
        // The guide's Reject record: `reject: {reason: "Bad content"}`, and the full mail.
        assert_eq!(event["reject"], json!({"reason": "Bad content"}));
        assert_eq!(event["mail"]["commonHeaders"]["subject"], "Hi");
        assert_eq!(Event::Reject.detail_type(), "Email Rejected");
    }

    #[test]
    fn delivery_delay_follows_the_guide() {
        let event = Event::DeliveryDelay {
            recipients: vec!["x@y.z".into()],
            expires_at: "2026-12-06T08:00:01.000Z".into(),
        }
        .to_json(&mail(), "2026-12-05T08:00:01.000Z");
        assert_eq!(event["eventType"], "DeliveryDelay");
        let delay = &event["deliveryDelay"];
        assert_eq!(
            keys(delay),
            [
                "delayType",
                "delayedRecipients",
                "expirationTime",
                "timestamp"
            ]
        );
        assert_eq!(delay["delayType"], "TransientCommunicationFailure");
        assert_eq!(delay["timestamp"], "2026-12-05T08:00:01.000Z");
        assert_eq!(delay["expirationTime"], "2026-12-06T08:00:01.000Z");
        assert_eq!(
            delay["delayedRecipients"],
            json!([{
                "emailAddress": "x@y.z",
                "status": "4.4.1",
                "diagnosticCode": "smtp; 421 4.4.1 Unable to connect to remote host",
            }])
        );
    }

    #[test]
    fn rendering_failure_follows_the_guide() {
        let failure = Event::RenderingFailure {
            template_name: Some("MyTemplate".into()),
            error_message: "Attribute 'attributeName' is not present in the rendering data.".into(),
        };
        let event = failure.to_json(&mail(), "2026-12-05T08:00:01.000Z");
        assert_eq!(event["eventType"], "Rendering Failure");
        assert_eq!(keys(&event), ["eventType", "failure", "mail"]);
        assert_eq!(
            event["failure"],
            json!({
                "errorMessage": "Attribute 'attributeName' is not present in the rendering data.",
                "templateName": "MyTemplate",
            })
        );
        // The guide's example mail has no headers: the message was never rendered.
        assert_eq!(
            keys(&event["mail"]),
            [
                "destination",
                "headersTruncated",
                "messageId",
                "sendingAccountId",
                "source",
                "sourceArn",
                "tags",
                "timestamp"
            ]
        );
        assert_eq!(failure.event_type(), EventType::RenderingFailure);
        assert_eq!(failure.detail_type(), "Email Rendering Failed");
    }

    #[test]
    fn send_has_an_empty_object() {
        let event = Event::Send.to_json(&mail(), "t");
        assert_eq!(event["send"], serde_json::json!({}));
        assert_eq!(Event::Send.detail_type(), "Email Sent");
    }
}
