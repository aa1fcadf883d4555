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

use crate::model::{DEFAULT_STACK, event_log};

/// Where a stack's events are: `--log-group` when given; else the spec's `event_log.log_group`
/// (when `--stack` names no other stack); else `/aws/events/sesform/<stack>`, the stack from
/// `--stack`, else the spec's, else `default`. The one place that names it.
pub fn log_group_name(
    explicit: Option<&str>,
    stack: Option<&str>,
    spec: Option<&crate::spec::Spec>,
) -> String {
    if let Some(group) = explicit {
        return group.to_string();
    }
    let spec_stack = spec.map(|s| s.stack.as_deref().unwrap_or(DEFAULT_STACK));
    let stack = stack.or(spec_stack).unwrap_or(DEFAULT_STACK);
    let declared = spec
        .filter(|_| spec_stack == Some(stack))
        .and_then(|s| s.event_log.as_ref())
        .and_then(|log| log.log_group.clone());
    declared.unwrap_or_else(|| event_log::default_log_group(stack))
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

        let spec: crate::spec::Spec = serde_yaml::from_str(
            "version: 1\nregion: eu-west-1\nstack: prod\nevent_log: {log_group: /mail/events}\n",
        )
        .unwrap();
        assert_eq!(log_group_name(None, None, Some(&spec)), "/mail/events");
        assert_eq!(
            log_group_name(None, Some("prod"), Some(&spec)),
            "/mail/events"
        );
        // Another stack's log is its default one, not this spec's.
        assert_eq!(
            log_group_name(None, Some("staging"), Some(&spec)),
            "/aws/events/sesform/staging"
        );
    }
}
