//! The lint rules a spec may name (`clients.<name>.lint.select` / `ignore`). The spec checks
//! names against this list instead of importing lint, which reads the spec: the arrow between
//! the two points one way. A test in `lint::registry` keeps the list equal to the registry.

pub const RULE_NAMES: &[&str] = &[
    "ping-threshold",
    "restart-threshold",
    "smtp-password-format",
    "credential-type",
    "hardcoded-secret",
    "smtp-endpoint",
    "dsn-encoding",
    "config-set-header",
    "framework-version",
    "undefined-mailer",
    "stale-config-cache",
    "sandbox",
    "smtp-user",
    "sender-identity",
    "send-rate",
    "unused-suppression",
];

/// The rule a misspelt name probably meant.
pub fn suggest(name: &str) -> Option<&'static str> {
    super::names::suggest(name, RULE_NAMES.iter().copied())
}
