//! The stack's event log, read back: SES events that EventBridge delivered to CloudWatch Logs.
//!
//! `record.rs` turns one log message (the EventBridge envelope whose `detail` is the SES event)
//! into an [`EventRecord`]; `filter.rs` selects records (server side as a FilterLogEvents
//! pattern, and again client side, since a pattern only narrows); `read.rs` pages through a
//! time window and follows the log. `sesform events tail` and `sesform why` both read here.

pub mod filter;
pub mod read;
pub mod record;

pub use filter::{EventFilter, EventKind};
pub use record::EventRecord;

use crate::model::DEFAULT_STACK;

/// The log group prefix of every stack's event log.
pub const LOG_GROUP_PREFIX: &str = "/aws/events/sesform/";

/// The name of the destination sesform puts on each configuration set whose events it logs.
pub const DESTINATION_NAME: &str = "sesform-event-log";

/// Where a stack's events are: `--log-group` when given, else `/aws/events/sesform/<stack>`
/// (the stack from `--stack`, else the spec's, else `default`). The one place that names it.
pub fn log_group_name(
    explicit: Option<&str>,
    stack: Option<&str>,
    spec: Option<&crate::spec::Spec>,
) -> String {
    if let Some(group) = explicit {
        return group.to_string();
    }
    let stack = stack
        .or_else(|| spec.and_then(|s| s.stack.as_deref()))
        .unwrap_or(DEFAULT_STACK);
    format!("{LOG_GROUP_PREFIX}{stack}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_group_names() {
        assert_eq!(
            log_group_name(None, None, None),
            "/aws/events/sesform/default"
        );
        assert_eq!(
            log_group_name(None, Some("prod"), None),
            "/aws/events/sesform/prod"
        );
        assert_eq!(log_group_name(Some("/x"), Some("prod"), None), "/x");
    }
}
