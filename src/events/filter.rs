//! Which events to show: by type, recipient, message and configuration set. The filter runs
//! twice: as a FilterLogEvents pattern, so CloudWatch Logs sends back less, and on each record,
//! since a pattern only narrows (a quoted term matches anywhere in the event) and emulators may
//! ignore it.

use serde::Serialize;

use super::record::EventRecord;

/// The SES event types (the `eventType` values of event publishing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(into = "&'static str")]
pub enum EventKind {
    Send,
    Delivery,
    Bounce,
    Complaint,
    Reject,
    DeliveryDelay,
    RenderingFailure,
    Open,
    Click,
    Subscription,
}

impl From<EventKind> for &'static str {
    fn from(kind: EventKind) -> &'static str {
        kind.event_type()
    }
}

const ALL: [EventKind; 10] = [
    EventKind::Send,
    EventKind::Delivery,
    EventKind::Bounce,
    EventKind::Complaint,
    EventKind::Reject,
    EventKind::DeliveryDelay,
    EventKind::RenderingFailure,
    EventKind::Open,
    EventKind::Click,
    EventKind::Subscription,
];

impl EventKind {
    /// `eventType` as SES writes it.
    pub fn event_type(self) -> &'static str {
        match self {
            EventKind::Send => "Send",
            EventKind::Delivery => "Delivery",
            EventKind::Bounce => "Bounce",
            EventKind::Complaint => "Complaint",
            EventKind::Reject => "Reject",
            EventKind::DeliveryDelay => "DeliveryDelay",
            EventKind::RenderingFailure => "Rendering Failure",
            EventKind::Open => "Open",
            EventKind::Click => "Click",
            EventKind::Subscription => "Subscription",
        }
    }

    /// The key of the type's own object in the event (`failure` for Rendering Failure).
    pub fn object_key(self) -> &'static str {
        match self {
            EventKind::Send => "send",
            EventKind::Delivery => "delivery",
            EventKind::Bounce => "bounce",
            EventKind::Complaint => "complaint",
            EventKind::Reject => "reject",
            EventKind::DeliveryDelay => "deliveryDelay",
            EventKind::RenderingFailure => "failure",
            EventKind::Open => "open",
            EventKind::Click => "click",
            EventKind::Subscription => "subscription",
        }
    }

    pub fn from_event_type(name: &str) -> Option<EventKind> {
        ALL.into_iter().find(|k| k.event_type() == name)
    }
}

/// What `--type`, `--recipient`, `--message-id` and `--set` select; all must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventFilter {
    /// Empty = every type.
    pub kinds: Vec<EventKind>,
    pub recipient: Option<String>,
    pub message_id: Option<String>,
    pub configuration_set: Option<String>,
}

/// A string as a filter pattern's quoted value: `"` and `\` escaped.
fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

impl EventFilter {
    pub fn matches(&self, record: &EventRecord) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&record.kind))
            && self.recipient.as_deref().is_none_or(|r| record.concerns(r))
            && self
                .message_id
                .as_deref()
                .is_none_or(|id| record.message_id == id)
            && self
                .configuration_set
                .as_deref()
                .is_none_or(|set| record.configuration_set.as_deref() == Some(set))
    }

    /// The FilterLogEvents pattern. A recipient is a quoted term: it matches the address
    /// anywhere in the event, which covers `mail.destination` and the type's recipient arrays
    /// alike (JSON patterns compare one array element by index only). Otherwise a JSON pattern
    /// on the message id, configuration set and types.
    pub fn pattern(&self) -> Option<String> {
        if let Some(recipient) = &self.recipient {
            return Some(quoted(recipient));
        }
        let mut terms = Vec::new();
        if let Some(id) = &self.message_id {
            terms.push(format!("($.detail.mail.messageId = {})", quoted(id)));
        }
        if let Some(set) = &self.configuration_set {
            terms.push(format!(
                "($.detail.mail.tags.ses:configuration-set[0] = {})",
                quoted(set)
            ));
        }
        if !self.kinds.is_empty() {
            let kinds: Vec<String> = self
                .kinds
                .iter()
                .map(|k| format!("$.detail.eventType = {}", quoted(k.event_type())))
                .collect();
            terms.push(format!("({})", kinds.join(" || ")));
        }
        (!terms.is_empty()).then(|| format!("{{ {} }}", terms.join(" && ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert_eq!(EventFilter::default().pattern(), None);
        let f = EventFilter {
            kinds: vec![EventKind::Bounce, EventKind::Complaint],
            message_id: Some("m\"1".into()),
            ..EventFilter::default()
        };
        assert_eq!(
            f.pattern().unwrap(),
            r#"{ ($.detail.mail.messageId = "m\"1") && ($.detail.eventType = "Bounce" || $.detail.eventType = "Complaint") }"#
        );
        let f = EventFilter {
            recipient: Some("a@b.c".into()),
            kinds: vec![EventKind::Bounce],
            ..EventFilter::default()
        };
        assert_eq!(f.pattern().unwrap(), "\"a@b.c\"");
    }

    #[test]
    fn kinds_round_trip() {
        for kind in ALL {
            assert_eq!(EventKind::from_event_type(kind.event_type()), Some(kind));
        }
        assert_eq!(
            serde_json::to_value(EventKind::RenderingFailure).unwrap(),
            "Rendering Failure"
        );
    }
}
