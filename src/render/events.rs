//! Views of SES events from the event log: one line per event for people, one JSON object per
//! line for `jq` (the [`EventRecord`] shape, docs/events.md).

use crate::events::{EventKind, EventRecord};
use crate::render::style::Style;

/// `TIME  TYPE  MESSAGE-ID  SENDER -> RECIPIENTS  DETAIL`, newline-terminated.
pub fn human_line(record: &EventRecord, color: bool) -> String {
    let style = Style::new(color);
    let kind = format!("{:<17}", record.kind.event_type());
    let kind = match record.kind {
        EventKind::Delivery => style.green(&kind),
        EventKind::Bounce
        | EventKind::Complaint
        | EventKind::Reject
        | EventKind::RenderingFailure => style.red(&kind),
        EventKind::DeliveryDelay => style.yellow(&kind),
        _ => kind,
    };
    let mut line = format!(
        "{}  {kind}  {}  {} -> {}",
        style.dim(&record.time),
        record.message_id,
        record.sender,
        record.recipients.join(", ")
    );
    let summary = record.summary();
    if !summary.is_empty() {
        line.push_str("  ");
        line.push_str(&summary);
    }
    line.push('\n');
    line
}

/// One JSON object and a newline.
pub fn json_line(record: &EventRecord) -> String {
    format!(
        "{}\n",
        serde_json::to_string(record).expect("an event record serializes")
    )
}
