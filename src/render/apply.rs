//! `apply --format json` and `destroy --format json`: one JSON document of what was done
//! (documented in specs/apply-result.md). Issued keys are named by their ID and where their
//! credentials were written, never with a secret.

use serde::Serialize;

use crate::apply::{Outcome, Report};
use crate::credentials::Issued;
use crate::plan::{Action, Plan};

/// Version of the apply result format; bumped on incompatible changes.
pub const FORMAT_VERSION: &str = "1";

/// How the run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Every change was made.
    Applied,
    /// Live state already matched the spec.
    NoChanges,
    /// The plan has errors; nothing was changed.
    PlanErrors,
    /// Not confirmed; nothing was changed.
    Cancelled,
    /// A change failed; the others are reported as done or not started.
    Failed,
}

#[derive(Serialize)]
struct Document<'a> {
    format_version: &'static str,
    command: &'a str,
    status: Status,
    account_id: &'a str,
    region: &'a str,
    stack: &'a str,
    changes: Vec<ChangeResult<'a>>,
    summary: Summary,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    issued_keys: Vec<IssuedKey<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<&'a crate::plan::Message>,
}

#[derive(Serialize)]
struct ChangeResult<'a> {
    address: &'a str,
    action: Action,
    /// `done`, `failed` or `not-started`.
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    seconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

#[derive(Default, Serialize)]
struct Summary {
    created: usize,
    updated: usize,
    replaced: usize,
    deleted: usize,
    failed: usize,
    not_started: usize,
}

#[derive(Serialize)]
struct IssuedKey<'a> {
    user: &'a str,
    access_key_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    credentials_written_to: Option<String>,
}

/// The document for a run of `command` over `plan`; `report` is absent when nothing ran.
pub fn json(
    command: &str,
    plan: &Plan,
    status: Status,
    report: Option<&Report>,
    issued: &[Issued],
) -> String {
    let mut summary = Summary::default();
    let changes = report
        .map(|r| r.results.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|(address, action, outcome)| {
            let (name, seconds, error) = match outcome {
                Outcome::Done(took) => {
                    match action {
                        Action::Create => summary.created += 1,
                        Action::Update => summary.updated += 1,
                        Action::Replace => summary.replaced += 1,
                        Action::Delete => summary.deleted += 1,
                        Action::NoOp => {}
                    }
                    ("done", Some(took.as_secs_f64()), None)
                }
                Outcome::Failed(message) => {
                    summary.failed += 1;
                    ("failed", None, Some(message.as_str()))
                }
                Outcome::NotStarted => {
                    summary.not_started += 1;
                    ("not-started", None, None)
                }
            };
            ChangeResult {
                address: address.as_str(),
                action: *action,
                outcome: name,
                seconds,
                error,
            }
        })
        .collect();
    let document = Document {
        format_version: FORMAT_VERSION,
        command,
        status,
        account_id: &plan.account_id,
        region: &plan.region,
        stack: &plan.stack,
        changes,
        summary,
        issued_keys: issued
            .iter()
            .map(|key| IssuedKey {
                user: &key.user,
                access_key_id: &key.key_id,
                credentials_written_to: key.written_to.as_ref().map(|p| p.display().to_string()),
            })
            .collect(),
        errors: plan.errors.iter().collect(),
    };
    serde_json::to_string_pretty(&document).expect("the result serializes") + "\n"
}
