//! `sesform status`: the account, each identity's verification, and what is still missing, as
//! [`StatusReport`] (also its JSON) and for people.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use super::style::Style;
use crate::aws::sesv2::{AccountInfo, IdentityStatus};
use crate::model::SandboxStatus;

/// One identity of the spec: its status, and what it lacks to send.
#[derive(Serialize)]
pub struct IdentityReport {
    pub identity: String,
    pub status: IdentityStatus,
    pub missing: Vec<String>,
}

/// What `status` found; `--format json` prints it as it is.
#[derive(Serialize)]
pub struct StatusReport {
    pub region: String,
    pub account: AccountInfo,
    pub identities: Vec<IdentityReport>,
    pub missing: Vec<String>,
}

/// `status --format json`: the report as it is.
pub fn json(report: &StatusReport) -> String {
    super::pretty_json(report)
}

/// `apply --wait-verified` is done: `The identity` or `All 3 identities verified after 40s.`
pub fn all_verified(identities: usize, elapsed: Duration) -> String {
    let all = match identities {
        1 => "The identity".to_string(),
        n => format!("All {n} identities"),
    };
    format!("{all} verified after {}s.", elapsed.as_secs())
}

/// `waiting for 1 of 2 identities to verify (30s of 600s): example.com (PENDING)`; `waiting`
/// names each identity still waiting, with its status.
pub fn waiting(
    waiting: &[String],
    identities: usize,
    elapsed: Duration,
    timeout: Duration,
) -> String {
    format!(
        "waiting for {} of {} to verify ({}s of {}s): {}",
        waiting.len(),
        super::count(identities, "identity", "identities"),
        elapsed.as_secs(),
        timeout.as_secs(),
        waiting.join(", ")
    )
}

/// ` (case ID)` of the production access review, when AWS gave one.
fn case(a: &AccountInfo) -> String {
    a.case_id
        .as_deref()
        .map(|c| format!(" (case {c})"))
        .unwrap_or_default()
}

/// The report for people: the account, each identity, and what is still missing.
pub fn human(report: &StatusReport, style: Style) -> String {
    let a = &report.account;
    let mut out = String::new();
    let sandbox = match a.sandbox {
        SandboxStatus::Granted => style.green("production access granted"),
        SandboxStatus::Pending => style.yellow(&format!(
            "in the sandbox; production access review pending{}",
            case(a)
        )),
        SandboxStatus::Denied => style.red(&format!(
            "in the sandbox; production access denied{}",
            case(a)
        )),
        SandboxStatus::Sandboxed => style.yellow("in the sandbox (verified recipients only)"),
    };
    let _ = writeln!(out, "{} {}", style.bold("SES account in"), report.region);
    let _ = writeln!(out, "  sandbox:      {sandbox}");
    let _ = writeln!(
        out,
        "  quota:        {:.0} messages / 24 h ({:.0} sent), {:.0} / s",
        a.max_24_hour_send, a.sent_last_24_hours, a.max_send_rate
    );
    let _ = writeln!(
        out,
        "  sending:      {}",
        if a.state.sending_enabled == Some(false) {
            style.red("disabled")
        } else {
            "enabled".into()
        }
    );
    let _ = writeln!(
        out,
        "  enforcement:  {}",
        a.enforcement_status.as_deref().unwrap_or("unknown")
    );
    let _ = writeln!(out, "\n{}", style.bold("Identities"));
    for i in &report.identities {
        let verified = if i.status.verified_for_sending {
            style.green("verified")
        } else {
            style.yellow(&i.status.verification_status)
        };
        let dkim = i.status.dkim_status.as_deref().unwrap_or("-");
        let mail_from = i.status.mail_from_status.as_deref().unwrap_or("-");
        let _ = writeln!(
            out,
            "  {:<40} {verified}  DKIM {dkim}  MAIL FROM {mail_from}",
            i.identity
        );
    }
    if report.missing.is_empty() {
        let _ = writeln!(out, "\n{}", style.green_bold("Nothing missing."));
    } else {
        let _ = writeln!(out, "\n{}", style.bold("Still missing"));
        for m in &report.missing {
            let _ = writeln!(out, "  - {m}");
        }
    }
    out
}
