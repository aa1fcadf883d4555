//! ## What it does
//! Reports `sesform: ignore` comments that suppress nothing: the named rule reports no
//! finding on that line or the next one, or the name is not a rule.
//!
//! ## Why is this bad?
//! A suppression outlives the problem it hid. Left in place, it hides the next, different
//! finding on that line, and readers believe something is wrong there. A misspelled rule name
//! suppresses nothing at all.
//!
//! ## Example
//! ```dotenv
//! # sesform: ignore ping-treshold
//! MAILER_DSN=ses+smtp://...@default?ping_threshold=9
//! ```
//!
//! ## Use instead
//! Remove the comment, or fix the rule name.
//!
//! ## Suppression syntax
//! In PHP (`//` or `#`), YAML and `.env` (`#`), on the line of the finding or the line above:
//! `# sesform: ignore ping-threshold, dsn-encoding -- reason`. Without names it suppresses
//! every rule. A finding can be suppressed at any place it shows: the `.env` line or the
//! config line that reads it (useful when `.env` is not committed).
//!
//! ## References
//! - ruff's RUF100 (unused `noqa`), the model for this rule

pub const NAME: &str = "unused-suppression";
