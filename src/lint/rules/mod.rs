//! The lint rules, one file each. A rule reads the resolved [`App`] (and the spec) and reports
//! [`Diagnostic`]s whose code is the rule's name; its module doc comment is its user
//! documentation, printed by `sesform rule NAME`.

pub mod config_set_header;
pub mod credential_type;
pub mod dsn_encoding;
pub mod framework_version;
pub mod hardcoded_secret;
pub mod ping_threshold;
pub mod restart_threshold;
pub mod sandbox;
pub mod send_rate;
pub mod sender_identity;
pub mod smtp_endpoint;
pub mod smtp_password_format;
pub mod smtp_user;
pub mod stale_config_cache;
pub mod undefined_mailer;
pub mod unused_suppression;

use super::app::{App, Transport};
use super::files::Origin;
use super::value::{EnvOutcome, Node};
use crate::diagnostic::{Diagnostic, Fix, Label, Severity};
use crate::spec::{Client, Spec};

/// What a rule sees.
pub struct Ctx<'a> {
    pub app: &'a App,
    pub spec: Option<&'a Spec>,
}

impl<'a> Ctx<'a> {
    pub fn client(&self) -> Option<&'a Client> {
        self.app.client.as_ref().map(|c| &c.client)
    }

    pub fn max_ping_threshold(&self) -> u32 {
        self.client()
            .map_or(Client::DEFAULT_PING_THRESHOLD, Client::max_ping_threshold)
    }

    pub fn max_restart_threshold(&self) -> u32 {
        self.client().map_or(
            Client::DEFAULT_RESTART_THRESHOLD,
            Client::max_restart_threshold,
        )
    }

    /// A finding about a setting: points where its value is written, shows the config line
    /// that reads it, and says which env file won when several define it.
    pub fn at(
        &self,
        code: &str,
        severity: Severity,
        node: &Node,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        let files = &self.app.files;
        let mut d = Diagnostic::new(code, severity, message).at(files.label(&node.at, label));
        if let Some(env) = &node.env {
            let name = &env.name;
            if node.expr.file != node.at.file || !overlaps(&node.expr, &node.at) {
                let read = match env.outcome {
                    EnvOutcome::Default => format!("{name} is not set; this default applies"),
                    EnvOutcome::Unset => format!("{name} is not set"),
                    _ => format!("read from {name} here"),
                };
                d = d.with_related(files.label(&node.expr, read));
            }
            match env.outcome {
                EnvOutcome::Process => {
                    d = d.with_note(format!(
                        "{name} comes from the process environment, which wins over the env files"
                    ));
                }
                EnvOutcome::Default | EnvOutcome::Unset => {
                    let loaded: Vec<&str> =
                        self.app.env.loaded.iter().map(|f| files.name(*f)).collect();
                    if !loaded.is_empty() {
                        d = d.with_note(format!("{name} is not set in {}", loaded.join(", ")));
                    }
                }
                EnvOutcome::File => {}
            }
            if let Some(var) = self.app.env.get(name) {
                for o in var.overridden.iter().take(3) {
                    d = d.with_related(
                        files
                            .label(&o.entry, format!("also set here ({})", o.describe(files)))
                            .lost(),
                    );
                }
                // Only when the reported text ends where the value was cut: a password in
                // the middle of a DSN cut after its query string was not shortened.
                let text = files.text(node.at.file);
                let cut = var.quirks.iter().any(|q| match q {
                    crate::formats::dotenv::Quirk::CutByHash { at, .. } => {
                        at.file == node.at.file
                            && at.span.start >= node.at.span.end
                            && text
                                .get(node.at.span.end..at.span.start)
                                .is_some_and(|gap| gap.trim().is_empty())
                    }
                    _ => false,
                });
                if cut && code != "dsn-encoding" {
                    d = d.with_note(format!(
                        "{name} was cut at `#` by the dotenv parser (see dsn-encoding)"
                    ));
                }
            }
            if let Some(note) = self.app.env.winner_note(name, files) {
                d = d.with_note(note);
            }
        }
        d
    }

    /// A finding about a transport as a whole (a missing option): at its DSN or mailer key.
    pub fn at_transport(
        &self,
        code: &str,
        severity: Severity,
        t: &Transport,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        match &t.dsn {
            Some(dsn) => self.at(code, severity, dsn, message, label),
            None => {
                let origin = t.decl.key.clone().unwrap_or_else(|| t.decl.expr.clone());
                Diagnostic::new(code, severity, message).at(self.app.files.label(&origin, label))
            }
        }
    }

    pub fn label(&self, origin: &Origin, message: impl Into<String>) -> Label {
        self.app.files.label(origin, message)
    }

    /// A string written in one of the app's files exactly as it is read (bare or quoted, one
    /// line, nothing expanded into it): its file, where its text starts there, and the text.
    /// Never in a config cache, which an edit would not change until `config:cache`.
    pub fn literal<'n>(&self, node: &'n Node) -> Option<(super::files::FileId, usize, &'n str)> {
        let files = &self.app.files;
        if self.app.config_cache.is_some() || files.is_builtin(node.at.file) {
            return None;
        }
        let written = files.text(node.at.file).get(node.at.span.clone())?;
        let val = node.str()?;
        let inner = written
            .strip_prefix(['"', '\''])
            .and_then(|w| w.strip_suffix(['"', '\'']))
            .unwrap_or(written);
        if inner != val || val.contains(['\n', '\r']) {
            return None;
        }
        let start = node.at.span.start + (inner.as_ptr() as usize - written.as_ptr() as usize);
        Some((node.at.file, start, val))
    }

    /// The edit that adds the option `name=value` to a transport, when it is mechanical: to
    /// its DSN where the DSN is written literally in one of the app's files (no `$VAR`,
    /// `%env()%` or `#` in it), else to its mailer array in the app's own config/mail.php.
    pub fn add_option_fix(&self, t: &Transport, name: &str, value: u32) -> Option<Fix> {
        let files = &self.app.files;
        // Laravel boots from its config cache: an edit elsewhere changes nothing.
        if self.app.config_cache.is_some() {
            return None;
        }
        let (origin, text) = match &t.dsn {
            Some(dsn) => {
                let (file, start, val) = self.literal(dsn)?;
                if val.contains('#') {
                    return None;
                }
                let end = start + val.len();
                let sep = match val.chars().last() {
                    Some('?' | '&') => "",
                    _ if val.contains('?') => "&",
                    _ => "?",
                };
                (Origin::new(file, end..end), format!("{sep}{name}={value}"))
            }
            None => {
                let origin = &t.decl.expr;
                if !files.name(origin.file).ends_with(".php") {
                    return None;
                }
                let written = files.text(origin.file).get(origin.span.clone())?;
                let body = written.strip_prefix('[')?.strip_suffix(']')?;
                let last = body.trim_end();
                // A comment ending the last entry would swallow the comma added after it.
                let last_line = last.rsplit('\n').next().unwrap_or_default();
                if ["//", "#", "*/"].iter().any(|c| last_line.contains(c)) {
                    return None;
                }
                let comma = if last.is_empty() || last.ends_with(',') {
                    ""
                } else {
                    ","
                };
                let at = origin.span.start + 1 + last.len();
                let entry = format!("'{name}' => {value},");
                let text = if body.contains('\n') {
                    // The indentation of the last entry's line.
                    let before = &files.text(origin.file)[..at];
                    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
                    let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
                    format!("{comma}\n{indent}{entry}")
                } else {
                    format!("{comma} {}", entry.trim_end_matches(','))
                };
                (Origin::new(origin.file, at..at), text)
            }
        };
        if files.is_builtin(origin.file) {
            return None;
        }
        Some(Fix {
            title: format!("add {name}={value}"),
            path: files.path(origin.file).to_path_buf(),
            file: files.name(origin.file).to_string(),
            span: origin.span,
            text,
            shown: None,
        })
    }

    /// A note when a rule assumed the newest framework because the version is unknown.
    pub fn version_note(&self, d: Diagnostic) -> Diagnostic {
        if self.app.version.is_none() {
            d.with_note(format!(
                "composer.lock does not say which {} is installed; sesform assumed the latest",
                self.app.framework.name()
            ))
        } else {
            d
        }
    }
}

/// Whether two places share a byte (an empty span counts as its first byte).
pub(crate) fn overlaps(a: &Origin, b: &Origin) -> bool {
    a.file == b.file && a.span.start < b.span.end.max(b.span.start + 1) && b.span.start < a.span.end
}

/// `AKIA` + 16 (long-term) or `ASIA` + 16 (temporary) upper-case letters and digits.
pub fn is_access_key_id(s: &str) -> bool {
    s.len() == 20
        && (s.starts_with("AKIA") || s.starts_with("ASIA"))
        && s.bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// 40 characters of base64: the shape of an IAM secret access key.
pub fn is_iam_secret_shape(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(is_base64_char)
}

/// 44 characters of base64 starting with `B` (version byte 0x04): an SES SigV4 SMTP password.
pub fn is_smtp_password_shape(s: &str) -> bool {
    s.len() == 44 && s.starts_with('B') && s.bytes().all(is_base64_char)
}

fn is_base64_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'+' || c == b'/'
}

/// Obvious placeholders that are not real secrets.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim().to_ascii_lowercase();
    t.is_empty()
        || t == "null"
        || t.starts_with('<')
        || t.starts_with("${")
        || t.starts_with("%env(")
        || t.chars()
            .all(|c| c == 'x' || c == '*' || c == '.' || c == '-')
        || [
            "password",
            "secret",
            "changeme",
            "change-me",
            "change_me",
            "your-password",
            "your_password",
            "yourpassword",
            "mypassword",
            "example",
            "test",
            "todo",
            "fixme",
            "pass",
            "smtp_password",
            "your-secret",
            "your_secret",
        ]
        .contains(&t.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_shapes() {
        assert!(is_access_key_id("AKIAIOSFODNN7EXAMPLE"));
        assert!(!is_access_key_id("ses-smtp-user.20240101-120000"));
        assert!(is_iam_secret_shape(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        ));
        assert!(is_smtp_password_shape(
            "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2"
        ));
        assert!(!is_smtp_password_shape(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        ));
        assert!(is_placeholder("xxxxxxxx"));
        assert!(is_placeholder("null"));
        assert!(!is_placeholder("hunter2!"));
    }
}
