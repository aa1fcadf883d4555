//! `sesform why RECIPIENT`: why mail to one address did (not) arrive, as an ordered diagnosis
//! that ends in a verdict.
//!
//! `facts.rs` makes the read-only calls (account, sender identity, configuration set,
//! suppression list, event log) and collects [`Facts`]; `diagnose.rs` turns facts into
//! [`Diagnosis`] steps and a [`Verdict`] without any I/O, so every verdict is unit-tested;
//! `render::why` shows it. The JSON shape and exit codes are documented in docs/events.md.

pub mod diagnose;
pub mod facts;

use serde::Serialize;

pub use diagnose::diagnose;
pub use facts::Facts;

use crate::events::EventRecord;

/// What was asked.
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub recipient: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration_set: Option<String>,
    /// The history window, as given (`7d`).
    pub since: String,
    pub region: String,
    pub log_group: String,
}

/// How one step came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nothing here stops mail.
    Ok,
    /// This stops (or stopped) mail to the recipient.
    Problem,
    /// Worth fixing, but not what stops this mail.
    Warning,
    /// Not checked: nothing to check it against (say, no sender known).
    Skipped,
}

/// One step of the diagnosis: what was checked, what was found, and what to do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// `account`, `sender`, `configuration_set`, `suppression`, `history`.
    pub check: &'static str,
    pub status: Status,
    /// One line: what was found.
    pub summary: String,
    /// The facts behind it, one per line.
    pub evidence: Vec<String>,
    /// What to do next, when something needs doing (a command or a spec snippet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The answer, in categories with an exit code each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The recipient's server accepted the mail (exit 0).
    Delivered,
    /// Not delivered, or delivered and complained about: a cause was found (exit 1).
    NotDelivered,
    /// Nothing to decide on: no event, and nothing that would stop the mail (exit 2).
    NoRecord,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Delivered => 0,
            Outcome::NotDelivered => 1,
            Outcome::NoRecord => 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub outcome: Outcome,
    /// One sentence.
    pub sentence: String,
}

/// The whole answer: the question, the steps in order, the recipient's events (newest
/// first) and the verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    pub question: Question,
    pub steps: Vec<Step>,
    pub timeline: Vec<EventRecord>,
    pub verdict: Verdict,
}
