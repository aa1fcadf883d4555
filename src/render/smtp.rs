//! Views of `sesform smtp password` and `smtp check`. A check is shown as it runs: its first
//! line, a line per step as each finishes (a slow step may take until the timeout), then the
//! verdict with the explanation of a failure. Every line of a check goes through a
//! [`Redactor`], in case a server echoes the credentials it received.

use std::time::Duration;

use base64::Engine;

use super::style::Style;
use crate::smtp::Secret;
use crate::smtp::check::{CheckOptions, Failure, StepDone};
use crate::smtp::diagnose::{Explanation, PasswordShape};

/// The derived SMTP password, alone on its line (what `smtp password` is for).
pub fn password(password: &str) -> String {
    format!("{password}\n")
}

/// Why the input of `smtp password` may not be a secret access key, when it looks otherwise;
/// `length` is its length in characters (never its content).
pub fn password_input_warning(shape: PasswordShape, length: usize) -> Option<String> {
    match shape {
        PasswordShape::IamSecret => None,
        PasswordShape::SmtpV4 => Some(
            "warning: the input looks like an SMTP password already, not a secret access key"
                .to_string(),
        ),
        PasswordShape::Other => Some(format!(
            "warning: the input is {length} characters long; IAM secret access keys are 40"
        )),
    }
}

/// How a check ended.
pub enum Verdict {
    /// The server accepted the credentials.
    Accepted,
    /// A step failed; `explanation` says what that means on SES and what to do.
    Rejected {
        failure: Failure,
        explanation: Explanation,
    },
}

/// The view of one check: what it checks, colored as `style` says, redacting the password.
pub struct CheckView<'a> {
    options: &'a CheckOptions,
    style: Style,
    redact: Redactor,
}

impl<'a> CheckView<'a> {
    pub fn new(options: &'a CheckOptions, style: Style) -> CheckView<'a> {
        CheckView {
            options,
            style,
            redact: Redactor::new(&options.username, &options.password),
        }
    }

    /// A note about the settings read (for standard error).
    pub fn note(&self, note: &str) -> String {
        self.redact.clean(&format!("note: {note}\n"))
    }

    /// `Checking SMTP credentials of USER at HOST:PORT (MODE), from SOURCE; no mail is sent`.
    pub fn header(&self, source: &str) -> String {
        let o = self.options;
        self.redact.clean(&format!(
            "Checking SMTP credentials of {} at {}:{} ({}), from {source}; no mail is sent\n",
            o.username,
            o.host,
            o.port,
            o.mode.label()
        ))
    }

    /// A step that went through, with its time and what the server said.
    pub fn step(&self, done: &StepDone) -> String {
        self.redact.clean(&step_line(
            &self.style.green("ok  "),
            &done.step.to_string(),
            done.elapsed,
            &done.detail,
        ))
    }

    /// The verdict; `with_steps` adds the failed step's line above a failure (left out with
    /// `-q`, like the steps that went through).
    pub fn verdict(&self, verdict: &Verdict, with_steps: bool) -> String {
        let (o, style) = (self.options, self.style);
        let mut out = String::new();
        match verdict {
            Verdict::Accepted => out.push_str(&format!(
                "\n{} {}:{} accepted the credentials of {}\n",
                style.green_bold("OK:"),
                o.host,
                o.port,
                o.username
            )),
            Verdict::Rejected {
                failure,
                explanation,
            } => {
                if with_steps {
                    out.push_str(&step_line(
                        &style.red("FAIL"),
                        &failure.step.to_string(),
                        failure.elapsed,
                        &failure.to_string(),
                    ));
                }
                out.push_str(&format!(
                    "\n{} {}\n",
                    style.red("FAILED:"),
                    explanation.summary
                ));
                for hint in &explanation.hints {
                    out.push_str(&format!("  {hint}\n"));
                }
            }
        }
        self.redact.clean(&out)
    }
}

/// `  ok   EHLO              12 ms  250 ...`: the mark, the step, its time, what happened.
fn step_line(mark: &str, step: &str, elapsed: Duration, detail: &str) -> String {
    format!(
        "  {mark} {step:<14} {:>7}  {detail}\n",
        format!("{} ms", elapsed.as_millis())
    )
}

const MIN_REDACTED_LEN: usize = 8;

/// Replaces every form in which a password could come back (plain, base64 as sent by AUTH
/// LOGIN and PLAIN) with `<redacted>`. Belt and braces: nothing prints them on purpose, but a
/// server could echo what it received.
struct Redactor {
    needles: Vec<String>,
}

impl Redactor {
    fn new(username: &str, password: &Secret) -> Redactor {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let p = password.expose();
        let mut needles = vec![p.to_string(), b64(p), b64(&format!("\0{username}\0{p}"))];
        // Very short passwords would turn ordinary words into `<redacted>` (and so give
        // themselves away); nothing prints them on purpose anyway.
        needles.retain(|n| n.len() >= MIN_REDACTED_LEN);
        // Longest first, so a needle inside another does not leave a partial secret.
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        Redactor { needles }
    }

    fn clean(&self, text: &str) -> String {
        let mut out = text.to_string();
        for needle in &self.needles {
            out = out.replace(needle.as_str(), "<redacted>");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::check::Step;

    #[test]
    fn redactor_hides_every_encoding() {
        let password = Secret::new("BPassword+/=");
        let r = Redactor::new("AKIAEXAMPLE", &password);
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let text = format!(
            "x BPassword+/= y {} z {}",
            b64("BPassword+/="),
            b64("\0AKIAEXAMPLE\0BPassword+/=")
        );
        let clean = r.clean(&text);
        assert!(!clean.contains("BPassword"), "{clean}");
        assert!(!clean.contains(&b64("BPassword+/=")), "{clean}");
        assert_eq!(clean.matches("<redacted>").count(), 3, "{clean}");
        let short = Redactor::new("u", &Secret::new("x"));
        assert_eq!(short.clean("expects"), "expects");
    }

    #[test]
    fn a_step_line_aligns_its_columns_and_hides_an_echoed_password() {
        let options = CheckOptions {
            host: "email-smtp.eu-west-1.amazonaws.com".into(),
            port: 587,
            mode: crate::smtp::TlsMode::StartTls,
            username: "AKIAEXAMPLE".into(),
            password: Secret::new("BPassword+/="),
            tls: crate::smtp::client::tls_config(&[], true).unwrap(),
            timeout: Duration::from_secs(1),
            ehlo_name: "localhost".into(),
        };
        let view = CheckView::new(&options, Style::new(false));
        let done = StepDone {
            step: Step::Ehlo,
            elapsed: Duration::from_millis(12),
            detail: "250 hello BPassword+/=".into(),
        };
        assert_eq!(
            view.step(&done),
            "  ok   EHLO             12 ms  250 hello <redacted>\n"
        );
        assert_eq!(
            view.verdict(&Verdict::Accepted, true),
            "\nOK: email-smtp.eu-west-1.amazonaws.com:587 accepted the credentials of AKIAEXAMPLE\n"
        );
    }
}
