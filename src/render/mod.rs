//! Views: turn sesform's data models into text for people or machines. Nothing here decides
//! anything; the same model always renders the same way, and the CLI only picks the view.
//!
//! - `diagnostics`: code frames, and the one JSON shape of a diagnostic (specs/diagnostics.md);
//!   `concise`, `sarif`, `github`, `gitlab`: the other formats of diagnostics; `paths` makes
//!   their files relative to the repository root.
//! - `lint`, `validate`: each command's report around its diagnostics (summaries, the rules'
//!   documentation, each code's URL).
//! - `plan`, `apply`, `dns`, `status`, `events`, `why`, `local`: the views of those commands;
//!   `init` (and export), `lock` (force-unlock), `smtp` (`smtp password` and `smtp check`, whose
//!   every line is redacted), `rotate` (`smtp rotate`).
//! - `progress`: the texts of progress lines and of `-v`'s AWS call report; `style` colors the
//!   views; [`pretty_json`] is the JSON of the commands that print a value as it is.

pub mod apply;
pub mod concise;
pub mod diagnostics;
pub mod dns;
pub mod events;
pub mod github;
pub mod gitlab;
pub mod init;
pub mod lint;
pub mod local;
pub mod lock;
pub mod paths;
pub mod plan;
pub mod progress;
pub mod rotate;
pub mod sarif;
pub mod smtp;
pub mod status;
pub mod style;
pub mod validate;
pub mod why;

/// A value as indented JSON and a newline: the JSON of `status`, `dns`, `iam-policy`, `schema`.
pub fn pretty_json(value: &impl serde::Serialize) -> String {
    // Only types whose serialization cannot fail come here (no maps with non-string keys).
    serde_json::to_string_pretty(value).expect("a view's JSON serializes") + "\n"
}

/// What a spec declares, counted: `1 identity, 2 configuration sets, 1 SNS topic, 0 SMTP users`.
pub fn spec_counts(spec: &crate::spec::Spec) -> String {
    [
        count(spec.identities.len(), "identity", "identities"),
        count(
            spec.configuration_sets.len(),
            "configuration set",
            "configuration sets",
        ),
        count(spec.sns_topics.len(), "SNS topic", "SNS topics"),
        count(spec.smtp_users.len(), "SMTP user", "SMTP users"),
    ]
    .join(", ")
        + if spec.event_log.is_some() {
            ", an event log"
        } else {
            ""
        }
}

/// `1 identity`, `3 identities`: a count with its noun in the right number.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A duration as people write it: `7 days`, `1 hour`, `90 minutes`, `45 seconds`.
pub fn duration_words(duration: std::time::Duration) -> String {
    let secs = duration.as_secs();
    let (n, one, many) = match secs {
        s if s >= 86_400 && s % 86_400 == 0 => (s / 86_400, "day", "days"),
        s if s >= 3_600 && s % 3_600 == 0 => (s / 3_600, "hour", "hours"),
        s if s >= 60 && s % 60 == 0 => (s / 60, "minute", "minutes"),
        s => (s, "second", "seconds"),
    };
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn durations_in_words() {
        assert_eq!(
            super::duration_words(Duration::from_secs(7 * 86_400)),
            "7 days"
        );
        assert_eq!(super::duration_words(Duration::from_secs(3_600)), "1 hour");
        assert_eq!(
            super::duration_words(Duration::from_secs(5_400)),
            "90 minutes"
        );
        assert_eq!(super::duration_words(Duration::from_secs(45)), "45 seconds");
    }
}
