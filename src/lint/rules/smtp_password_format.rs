//! ## What it does
//! Checks that the password of an SMTP transport to Amazon SES has the shape of an SES SMTP
//! password: 44 characters of base64 starting with `B`. Reports a 40-character value (the
//! shape of an IAM secret access key) and any other shape.
//!
//! ## Why is this bad?
//! SES SMTP does not accept the IAM secret access key as the password. The SMTP password is
//! derived from it (HMAC-SHA256 signing chain for the region, version byte 4, base64), so it
//! is 44 characters long and starts with `B`. Giving the secret key itself fails with
//! `535 Authentication Credentials Invalid`, as does a password truncated or mangled on the
//! way. A 44-character value starting with `A` is a legacy Signature Version 2 password,
//! which AWS replaced with SigV4 and newer regions do not accept.
//!
//! See also `credential-type` for usernames and for SMTP passwords given to the SES API.
//!
//! ## Example
//! ```dotenv
//! MAIL_USERNAME=AKIAIOSFODNN7EXAMPLE
//! MAIL_PASSWORD=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
//! ```
//!
//! ## Use instead
//! ```dotenv
//! MAIL_USERNAME=AKIAIOSFODNN7EXAMPLE
//! MAIL_PASSWORD=BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2
//! ```
//! Derive it for the region you send through (SES console: "Create SMTP credentials", or the
//! algorithm in the SES guide), and keep the access key id as the username.
//!
//! ## References
//! - Amazon SES guide, "Obtaining Amazon SES SMTP credentials" (converting a secret key)
//! - `535 Authentication Credentials Invalid` in the SES SMTP troubleshooting page

use super::{Ctx, is_iam_secret_shape, is_placeholder, is_smtp_password_shape};
use crate::diagnostic::{Diagnostic, Severity};

pub const NAME: &str = "smtp-password-format";

pub fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for t in &ctx.app.transports {
        if !t.is_ses_smtp() {
            continue;
        }
        let Some(node) = &t.password else { continue };
        let Some(password) = node.str() else { continue };
        if password.is_empty() || is_placeholder(password) || is_smtp_password_shape(password) {
            continue;
        }
        let region = t
            .endpoint
            .as_ref()
            .and_then(|e| crate::lint::app::SesHost::parse(&e.host))
            .map_or_else(|| "the region".to_string(), |h| h.region);
        let d = if password.trim() != password && is_smtp_password_shape(password.trim()) {
            ctx.at(
                NAME,
                Severity::Error,
                node,
                "the SES SMTP password has spaces around it, which are sent as part of it",
                "surrounding whitespace",
            )
            .with_help("remove the spaces (and the quotes that keep them)")
        } else if is_iam_secret_shape(password) {
            ctx.at(
                NAME,
                Severity::Error,
                node,
                "this SMTP password has the shape of an IAM secret access key (40 characters); \
                 SES SMTP needs the password derived from it (44 characters, starting with `B`)",
                "an IAM secret access key?",
            )
            .with_help(format!(
                "derive the SMTP password from this secret key for {region} (or create SMTP \
                 credentials in the SES console); SES answers 535 Authentication Credentials \
                 Invalid otherwise"
            ))
        } else if password.len() == 44 && password.starts_with('A') {
            ctx.at(
                NAME,
                Severity::Warning,
                node,
                "this looks like a legacy Signature Version 2 SMTP password (starts with `A`)",
                "SigV2 password",
            )
            .with_help(format!(
                "derive a Signature Version 4 SMTP password for {region}; they start with `B`"
            ))
        } else {
            ctx.at(
                NAME,
                Severity::Warning,
                node,
                format!(
                    "this is not the shape of an SES SMTP password (44 base64 characters starting \
                     with `B`; this one has {})",
                    match password.chars().count() {
                        1 => "1 character".to_string(),
                        n => format!("{n} characters"),
                    }
                ),
                "unexpected shape",
            )
            .with_help(
                "use the SMTP password SES derived for the access key (SES console: Create SMTP \
                 credentials), not an IAM secret or a console password",
            )
        };
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::symfony_dsn;

    fn symfony(dsn: &str, packages: &[(&str, &str)]) -> Vec<String> {
        symfony_dsn(super::check, dsn, packages)
    }

    fn password(p: &str) -> Vec<String> {
        symfony(
            &format!("smtp://AKIAIOSFODNN7EXAMPLE:{p}@email-smtp.eu-west-1.amazonaws.com:587"),
            &[],
        )
    }

    #[test]
    fn password_shapes() {
        // A derived SigV4 password (`/` and `+` encoded for the DSN).
        assert!(password("BKVmjjMDFk%2Fqqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF").is_empty());
        let found = password("wJalrXUtnFEMI%2FK7MDENG%2FbPxRfiCYEXAMPLEKEY");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("shape of an IAM secret access key"),
            "{found:?}"
        );
        let found = password("AKVmjjMDFk%2Fqqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF");
        assert!(found[0].contains("Signature Version 2"), "{found:?}");
        let found = password("hunter2");
        assert!(found[0].contains("this one has 7 characters"), "{found:?}");
        let found = password("%20BKVmjjMDFk%2Fqqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF");
        assert!(found[0].contains("spaces around it"), "{found:?}");
        // Placeholders and non-SES hosts are not checked.
        assert!(password("changeme").is_empty());
        assert!(symfony("smtp://u:hunter2@smtp.mailgun.org:587", &[]).is_empty());
    }
}
