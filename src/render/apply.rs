//! What `apply` and `destroy` did: for people (progress lines, the closing summary, where new
//! SMTP credentials went), and with `--format json` one JSON document (documented in
//! specs/apply-result.md), where issued keys are named by their ID and where their
//! credentials were written, never with a secret.

use serde::Serialize;

use super::style::Style;
use crate::apply::{Outcome, Progress, Report};
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

/// What `destroy` is about to do, above its plan.
pub fn destroying(stack: &str, region: &str) -> String {
    format!("Destroying every resource tagged sesform:stack={stack} in {region}.\n\n")
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

/// `identity.example.com: creating...`, `...: created (0.4s)`, `...: creating failed: why`.
pub fn progress_line(event: &Progress) -> String {
    match event {
        Progress::Started(address, action) => format!("{address}: {}...", verb_ing(*action)),
        Progress::Finished(address, action, took) => format!(
            "{address}: {} ({:.1}s)",
            super::plan::progress_verb(*action),
            took.as_secs_f64()
        ),
        Progress::Failed(address, action, message) => {
            format!("{address}: {} failed: {message}", verb_ing(*action))
        }
    }
}

fn verb_ing(action: Action) -> &'static str {
    match action {
        Action::Create => "creating",
        Action::Update => "updating",
        Action::Replace => "replacing",
        Action::Delete => "deleting",
        Action::NoOp => "checking",
    }
}

/// `apply` -> `Apply`.
pub fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// `Apply complete! 2 created, 0 updated, 0 deleted.`
pub fn complete(command: &str, report: &Report, style: Style) -> String {
    let count = |action: Action| {
        report
            .results
            .iter()
            .filter(|(_, a, o)| *a == action && matches!(o, Outcome::Done(_)))
            .count()
    };
    format!(
        "\n{} {} created, {} updated, {} deleted.\n",
        style.green_bold(&format!("{} complete!", capitalized(command))),
        count(Action::Create),
        count(Action::Update),
        count(Action::Delete)
    )
}

/// A run that stopped at its first failure: what was done, what failed, what did not start.
pub fn stopped(report: &Report, style: Style) -> String {
    let mut text = format!(
        "\n{} the apply stopped at the first failure.\n",
        style.red("Error:")
    );
    for (label, pick) in [("Done", 0u8), ("Failed", 1), ("Not started", 2)] {
        let items: Vec<String> = report
            .results
            .iter()
            .filter(|(_, _, o)| {
                matches!(
                    (pick, o),
                    (0, Outcome::Done(_)) | (1, Outcome::Failed(_)) | (2, Outcome::NotStarted)
                )
            })
            .map(|(address, action, outcome)| match outcome {
                Outcome::Failed(message) => {
                    format!("  {address} ({}): {message}", action.as_str())
                }
                _ => format!("  {address} ({})", action.as_str()),
            })
            .collect();
        if !items.is_empty() {
            text.push_str(&format!("{label}:\n{}\n", items.join("\n")));
        }
    }
    text.push_str("Run `sesform apply` again once the cause is fixed: it plans from live state and converges.\n");
    text
}

/// Where a new key's SMTP credentials went; the password itself only when it was issued to
/// standard output (`--show-secrets`), once.
pub fn issued(key: &Issued, region: &str) -> String {
    let mut text = format!("smtp_user.{}: new access key {}", key.user, key.key_id);
    if let Some(path) = &key.written_to {
        text.push_str(&format!(
            "; SMTP credentials written to {} (mode 0600)",
            path.display()
        ));
    }
    if let Some(password) = &key.password {
        text.push_str(&format!(
            "\n  SMTP host:     {}\n  SMTP port:     {}\n  SMTP username: {}\n  SMTP password: {}\n  (shown once: store it now)",
            crate::credentials::smtp_host(region),
            crate::credentials::SMTP_PORT,
            key.key_id,
            password.expose()
        ));
    }
    text.push('\n');
    text
}
