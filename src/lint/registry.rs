//! The rule table: every rule's stable name, default severity, one-line summary and checker.
//! `sesform rule NAME` prints the rule's module doc comment, its user documentation.

use super::online::LiveFacts;
use super::rules::{self, Ctx};
use crate::diagnostic::{Diagnostic, Severity};

pub type OfflineCheck = fn(&Ctx, &mut Vec<Diagnostic>);
pub type OnlineCheck = fn(&Ctx, &LiveFacts, &mut Vec<Diagnostic>);

#[derive(Clone, Copy)]
pub enum Check {
    Offline(OfflineCheck),
    /// Needs live AWS facts (`--online`).
    Online(OnlineCheck),
    /// Computed by the driver (unused suppressions).
    Driver,
}

pub struct Rule {
    pub name: &'static str,
    /// The most severe level the rule reports.
    pub severity: Severity,
    pub summary: &'static str,
    pub check: Check,
    /// The rule's source file; its `//!` lines are the documentation.
    source: &'static str,
}

impl Rule {
    pub fn online(&self) -> bool {
        matches!(self.check, Check::Online(_))
    }

    /// The module doc comment, as Markdown.
    pub fn doc(&self) -> String {
        let mut doc = String::new();
        for line in self.source.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                break;
            };
            doc.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            doc.push('\n');
        }
        doc
    }
}

macro_rules! rule {
    ($module:ident, $severity:ident, $check:expr, $summary:literal) => {
        Rule {
            name: rules::$module::NAME,
            severity: Severity::$severity,
            summary: $summary,
            check: $check,
            source: include_str!(concat!("rules/", stringify!($module), ".rs")),
        }
    };
}

/// Every rule, in the order `sesform rule --all` lists them.
pub static RULES: &[Rule] = &[
    rule!(
        ping_threshold,
        Warning,
        Check::Offline(rules::ping_threshold::check),
        "SES SMTP through Symfony Mailer without ping_threshold below SES's ~10 s idle timeout"
    ),
    rule!(
        restart_threshold,
        Warning,
        Check::Offline(rules::restart_threshold::check),
        "messages per SMTP connection above SES's per-session cap; options ses+smtp ignores"
    ),
    rule!(
        smtp_password_format,
        Error,
        Check::Offline(rules::smtp_password_format::check),
        "SES SMTP password with the shape of an IAM secret key (or any non-SMTP shape)"
    ),
    rule!(
        credential_type,
        Error,
        Check::Offline(rules::credential_type::check),
        "IAM user names or temporary keys given to SMTP; SMTP passwords given to the SES API"
    ),
    rule!(
        hardcoded_secret,
        Error,
        Check::Offline(rules::hardcoded_secret::check),
        "mail password or secret key written in a committed file"
    ),
    rule!(
        smtp_endpoint,
        Error,
        Check::Offline(rules::smtp_endpoint::check),
        "SES region mismatches, unknown regions, ports and TLS modes that do not match"
    ),
    rule!(
        dsn_encoding,
        Error,
        Check::Offline(rules::dsn_encoding::check),
        "unencoded `/ ? #` in DSN credentials; dotenv values cut by `#` or emptied by `$`"
    ),
    rule!(
        config_set_header,
        Warning,
        Check::Offline(rules::config_set_header::check),
        "mail without the configuration set the spec wants for this client"
    ),
    rule!(
        framework_version,
        Warning,
        Check::Offline(rules::framework_version::check),
        "mail settings the installed Laravel or Symfony version ignores or refuses"
    ),
    rule!(
        undefined_mailer,
        Error,
        Check::Offline(rules::undefined_mailer::check),
        "(Laravel) a default or failover mailer that `mailers` does not define"
    ),
    rule!(
        stale_config_cache,
        Warning,
        Check::Offline(rules::stale_config_cache::check),
        "(Laravel) a config cache whose mail settings differ from config/*.php and .env"
    ),
    rule!(
        sandbox,
        Warning,
        Check::Online(rules::sandbox::check),
        "(online) SES account still in the sandbox in the region the app sends through"
    ),
    rule!(
        smtp_user,
        Error,
        Check::Online(rules::smtp_user::check),
        "(online) SMTP access key missing, inactive, not allowed to send, or another user's"
    ),
    rule!(
        sender_identity,
        Error,
        Check::Online(rules::sender_identity::check),
        "(online) sender address not verified in the region"
    ),
    rule!(
        send_rate,
        Warning,
        Check::Online(rules::send_rate::check),
        "(online) max_per_second above the account's SES sending rate"
    ),
    rule!(
        unused_suppression,
        Warning,
        Check::Driver,
        "`sesform: ignore` comments that suppress nothing, or name no rule"
    ),
];

pub const UNUSED_SUPPRESSION: &str = rules::unused_suppression::NAME;

pub fn find(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

/// The closest rule name, for "did you mean".
pub fn suggest(name: &str) -> Option<&'static str> {
    crate::spec::names::suggest(name, RULES.iter().map(|r| r.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spec checks rule names against its own copy of the list (so spec never imports
    /// lint); it must name exactly the registered rules.
    #[test]
    fn the_spec_knows_every_rule_name() {
        let registered: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        assert_eq!(crate::spec::rule_names::RULE_NAMES, registered.as_slice());
    }

    #[test]
    fn every_rule_is_documented_in_the_fixed_sections() {
        for rule in RULES {
            let doc = rule.doc();
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
                "## References",
            ] {
                assert!(doc.contains(section), "{}: missing {section}", rule.name);
            }
            assert!(
                rule.name
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c == b'-'),
                "{} is not kebab-case",
                rule.name
            );
        }
        let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len());
    }

    /// docs/lint.md has one `### `rule`` section per rule, in the registry's order, opening
    /// with the rule's severity: the table of rules cannot drift from the registry.
    #[test]
    fn docs_lint_md_lists_every_rule_with_its_severity() {
        let doc = include_str!("../../docs/lint.md");
        let documented: Vec<(String, String)> = doc
            .split("\n### `")
            .skip(1)
            .filter_map(|section| {
                let (name, rest) = section.split_once("`\n")?;
                let severity = rest.trim_start().split('.').next()?.to_lowercase();
                Some((name.to_string(), severity))
            })
            .filter(|(name, _)| find(name).is_some())
            .collect();
        let registered: Vec<(String, String)> = RULES
            .iter()
            .map(|rule| (rule.name.to_string(), rule.severity.as_str().to_string()))
            .collect();
        assert_eq!(documented, registered, "docs/lint.md's rule sections");
    }

    #[test]
    fn did_you_mean() {
        assert_eq!(suggest("ping-treshold"), Some("ping-threshold"));
        assert_eq!(suggest("dsn"), None);
    }
}
