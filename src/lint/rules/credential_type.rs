//! ## What it does
//! Checks that each SES transport is given the kind of credentials it uses: SMTP transports
//! an access key id as username (not an IAM user name, an email address or temporary
//! `ASIA...` keys), and the SES API transports (Symfony `ses`, `ses+https`, `ses+api`;
//! Laravel `ses`, `ses-v2`) an IAM secret access key rather than an SMTP password.
//!
//! ## Why is this bad?
//! SES has two front doors with different credentials. The SMTP interface takes the access
//! key id as username and a password derived from the secret key; the console shows the
//! IAM user name (`ses-smtp-user.2024...`) next to them, and pasting that as the username
//! fails with `535 Authentication Credentials Invalid`. Temporary credentials need a session
//! token, which SMTP cannot carry. The API signs requests with the secret key itself: an SMTP
//! password there fails with `SignatureDoesNotMatch`.
//!
//! See also `smtp-password-format` for an IAM secret key given as the SMTP password.
//!
//! ## Example
//! ```dotenv
//! MAIL_USERNAME=ses-smtp-user.20240101-120000
//! MAILER_DSN=ses+api://AKIAIOSFODNN7EXAMPLE:BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2@default
//! ```
//!
//! ## Use instead
//! ```dotenv
//! MAIL_USERNAME=AKIAIOSFODNN7EXAMPLE
//! MAILER_DSN=ses+api://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI%2FK7MDENG%2FbPxRfiCYEXAMPLEKEY@default
//! ```
//!
//! ## References
//! - Amazon SES guide, "Obtaining Amazon SES SMTP credentials"
//! - Symfony Amazon bridge README: `ses+smtp` takes SMTP credentials, `ses+api` and
//!   `ses+https` take an access key

use super::{Ctx, is_access_key_id, is_placeholder, is_smtp_password_shape};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::app::Kind;

pub const NAME: &str = "credential-type";

pub fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    // Laravel's `ses` and `ses-v2` mailers share services.ses: one finding per place.
    let mut seen = std::collections::BTreeSet::new();
    let mut first_at =
        |node: &crate::lint::value::Node| seen.insert((node.at.file, node.at.span.clone().start));
    for t in &ctx.app.transports {
        if t.is_ses_smtp() {
            let Some(node) = &t.username else { continue };
            let Some(user) = node.str().filter(|u| !u.is_empty() && !is_placeholder(u)) else {
                continue;
            };
            if user.starts_with("ASIA") && is_access_key_id(user) {
                out.push(
                    ctx.at(
                        NAME,
                        Severity::Error,
                        node,
                        "temporary credentials (`ASIA...`) cannot authenticate over SMTP: there is \
                         no way to send their session token",
                        "temporary access key",
                    )
                    .with_help(
                        "create SMTP credentials for an IAM user (long-term `AKIA...` key) that may \
                         call ses:SendRawEmail",
                    ),
                );
            } else if !is_access_key_id(user) {
                let what = if user.contains('@') {
                    "an email address"
                } else if user.starts_with("ses-smtp-user") {
                    "the IAM user name the console shows"
                } else {
                    "not an access key id"
                };
                out.push(
                    ctx.at(
                        NAME,
                        Severity::Error,
                        node,
                        format!(
                            "the SES SMTP username must be the access key id (`AKIA` and 16 more \
                             characters), and this is {what}"
                        ),
                        "not an access key id",
                    )
                    .with_help(
                        "use the \"SMTP user name\" from the SES console (the access key id), not \
                         the IAM user name or your address; SES answers 535 otherwise",
                    ),
                );
            }
        } else if t.kind == Kind::SesApi {
            if let Some(node) = &t.password
                && let Some(secret) = node.str()
                && is_smtp_password_shape(secret)
                && first_at(node)
            {
                out.push(
                    ctx.at(
                        NAME,
                        Severity::Error,
                        node,
                        format!(
                            "`{}` calls the SES API, which needs the IAM secret access key, but this \
                             is an SES SMTP password",
                            t.scheme
                        ),
                        "an SMTP password",
                    )
                    .with_help(
                        "give the secret access key (40 characters), or send over SMTP with these \
                         credentials (Symfony: ses+smtp://, Laravel: the smtp mailer)",
                    ),
                );
            }
            if let Some(node) = &t.username
                && let Some(user) = node.str().filter(|u| !u.is_empty() && !is_placeholder(u))
                && !is_access_key_id(user)
                && first_at(node)
            {
                out.push(
                    ctx.at(
                        NAME,
                        Severity::Error,
                        node,
                        format!("`{}` needs an access key id (`AKIA...`) here", t.scheme),
                        "not an access key id",
                    )
                    .with_help("use the access key id of an IAM user allowed to call SES"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{load, lock, messages, symfony_dsn};

    fn symfony(dsn: &str, packages: &[(&str, &str)]) -> Vec<String> {
        symfony_dsn(super::check, dsn, packages)
    }

    const PASSWORD: &str = "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2";

    #[test]
    fn smtp_usernames_must_be_long_term_access_key_ids() {
        let smtp = |user: &str| {
            symfony(
                &format!("ses+smtp://{user}:{PASSWORD}@default?region=eu-west-1&ping_threshold=9"),
                &[],
            )
        };
        assert!(smtp("AKIAIOSFODNN7EXAMPLE").is_empty());
        let found = smtp("ASIAIOSFODNN7EXAMPLE");
        assert!(found[0].starts_with("temporary credentials"), "{found:?}");
        let found = smtp("shop%40example.com");
        assert!(found[0].contains("this is an email address"), "{found:?}");
        let found = smtp("ses-smtp-user.20240101-120000");
        assert!(
            found[0].contains("the IAM user name the console shows"),
            "{found:?}"
        );
        // Placeholders are left to the people who fill them in.
        assert!(smtp("xxxxxxxx").is_empty());
    }

    #[test]
    fn laravel_ses_mailers_sharing_services_ses_report_once() {
        let mail = "<?php return ['default' => 'ses', 'mailers' => ['ses' => ['transport' => 'ses'], 'ses-v2' => ['transport' => 'ses-v2']]];";
        let services = "<?php return ['ses' => ['key' => env('AWS_ACCESS_KEY_ID'), 'secret' => env('AWS_SECRET_ACCESS_KEY'), 'region' => 'eu-west-1']];";
        let lock = lock(&[("laravel/framework", "v10.48.4")]);
        let app = load(&[
            ("config/mail.php", mail),
            ("config/services.php", services),
            ("composer.lock", &lock),
            (
                ".env",
                "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2\n",
            ),
        ]);
        let found = messages(super::check, &app);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("is an SES SMTP password"), "{found:?}");
    }

    #[test]
    fn api_transports_need_iam_keys() {
        let found = symfony(
            &format!(
                "ses+api://AKIAIOSFODNN7EXAMPLE:{}@default?region=eu-west-1",
                PASSWORD.replace('+', "%2B")
            ),
            &[],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("is an SES SMTP password"), "{found:?}");
        let found = symfony(
            "ses+https://mailer:wJalrXUtnFEMI%2FK7MDENG%2FbPxRfiCYEXAMPLEKEY@default",
            &[],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("needs an access key id"), "{found:?}");
        assert!(
            symfony(
                "ses+https://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI%2FK7MDENG%2FbPxRfiCYEXAMPLEKEY@default",
                &[]
            )
            .is_empty()
        );
    }
}
