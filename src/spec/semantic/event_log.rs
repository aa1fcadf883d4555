//! The `event_log` section: retention CloudWatch Logs accepts, sets that exist, a log group name
//! CloudWatch Logs accepts, and room for one more event destination on each selected set.

use std::collections::BTreeSet;

use super::{Checker, MAX_EVENT_DESTINATIONS};
use crate::model::event_log as names;
use crate::spec::model::{EventLog, SetSelection};
use crate::spec_path;

impl Checker<'_> {
    pub(super) fn event_log(&mut self) {
        let Some(log) = &self.spec.event_log else {
            return;
        };
        self.retention(log);
        self.log_group(log);
        self.selected_sets(log);
        self.recorded_events(log);
        self.tags(&["event_log".to_string()], &log.tags);
        let stack = self
            .spec
            .stack
            .as_deref()
            .unwrap_or(crate::model::DEFAULT_STACK);
        if let Err(why) = names::check_stack(stack) {
            self.error_at_key(
                "invalid-name",
                spec_path!["event_log"],
                format!("stack name `{stack}` is too long for the event log: {why}"),
                Some("shorten `stack`".into()),
            );
        }
    }

    fn retention(&mut self, log: &EventLog) {
        let Some(days) = log.retention_days else {
            return;
        };
        if !EventLog::RETENTION_DAYS.contains(&days) {
            let nearest = EventLog::RETENTION_DAYS
                .iter()
                .min_by_key(|d| d.abs_diff(days))
                .copied()
                .unwrap_or(EventLog::DEFAULT_RETENTION_DAYS);
            self.error_at_value(
                "invalid-value",
                spec_path!["event_log", "retention_days"],
                format!("CloudWatch Logs cannot keep events for {days} days"),
                Some(format!(
                    "the nearest value it accepts is {nearest}; all of them: {}",
                    EventLog::RETENTION_DAYS.map(|d| d.to_string()).join(", ")
                )),
            );
        }
    }

    fn log_group(&mut self, log: &EventLog) {
        if let Some(name) = &log.log_group
            && let Err(why) = names::check_log_group_name(name)
        {
            self.error_at_value(
                "invalid-name",
                spec_path!["event_log", "log_group"],
                format!("log group name `{name}` {why}"),
                None,
            );
        }
    }

    fn selected_sets(&mut self, log: &EventLog) {
        let spec = self.spec;
        match &log.configuration_sets {
            Some(SetSelection::Named(list)) => {
                if list.is_empty() {
                    self.error_at_value(
                        "invalid-value",
                        spec_path!["event_log", "configuration_sets"],
                        "the event log selects no configuration set, so it would record nothing"
                            .into(),
                        Some("name the sets whose events to keep, or write `all`".into()),
                    );
                }
                let mut seen = BTreeSet::new();
                for (i, name) in list.iter().enumerate() {
                    let path = spec_path!["event_log", "configuration_sets", i];
                    if !seen.insert(name) {
                        self.error_at_value(
                            "duplicate-name",
                            path,
                            format!("configuration set `{name}` is listed twice"),
                            None,
                        );
                    } else {
                        let declared = spec.configuration_sets.keys();
                        self.reference(path, name, "configuration_sets", declared);
                    }
                }
            }
            None | Some(SetSelection::All(_)) if spec.configuration_sets.is_empty() => {
                self.error_at_key(
                    "invalid-value",
                    spec_path!["event_log"],
                    "the spec declares no configuration set, so the event log would record nothing".into(),
                    Some("SES publishes events only for mail sent with a configuration set: declare one under `configuration_sets`".into()),
                );
            }
            _ => {}
        }
        for set in log.set_names(spec) {
            let Some(declared) = spec.configuration_sets.get(set) else {
                continue;
            };
            if declared
                .event_destinations
                .contains_key(names::DESTINATION_NAME)
            {
                self.error_at_name(
                    "duplicate-name",
                    spec_path![
                        "configuration_sets",
                        set,
                        "event_destinations",
                        names::DESTINATION_NAME
                    ],
                    format!(
                        "event destination `{}` is the one `event_log` adds to `{set}`",
                        names::DESTINATION_NAME
                    ),
                    Some("rename this destination".into()),
                );
            }
            if declared.event_destinations.len() + 1 > MAX_EVENT_DESTINATIONS {
                self.error_at_key(
                    "too-many",
                    spec_path!["configuration_sets", set, "event_destinations"],
                    format!(
                        "{} event destinations plus the event log's; SES allows at most {MAX_EVENT_DESTINATIONS} per configuration set",
                        declared.event_destinations.len()
                    ),
                    Some("merge destinations that share a target, or leave this set out of `event_log.configuration_sets`".into()),
                );
            }
        }
    }

    fn recorded_events(&mut self, log: &EventLog) {
        let Some(events) = &log.events else {
            return;
        };
        if events.is_empty() {
            self.error_at_value(
                "invalid-value",
                spec_path!["event_log", "events"],
                "the event log records no event type".into(),
                Some("leave `events` out to record every type, or list some, e.g. `[SEND, DELIVERY, BOUNCE, COMPLAINT]`".into()),
            );
        }
        let mut seen = BTreeSet::new();
        for (i, event) in events.iter().enumerate() {
            if !seen.insert(*event) {
                self.error_at_value(
                    "duplicate-event",
                    spec_path!["event_log", "events", i],
                    format!("event type {} is listed twice", event.as_str()),
                    Some("event types are a set; remove the repetition".into()),
                );
            }
        }
    }
}
