//! ## What it does
//! Reports mail settings that the installed framework version (from `composer.lock`)
//! ignores or refuses: `encryption` on Laravel 11.35+ (but `tls` on 11.35.0, which made it
//! smtps), the empty scheme Laravel 11.0 to 11.34 give symfony/mailer 7.2+ when neither
//! `scheme` nor `encryption => 'tls'` is set, `scheme` before Laravel 10, Symfony
//! Mailer options (`ping_threshold`, `restart_threshold`, `verify_peer`, ...) on Laravel 6 to
//! 8, `stream` on Laravel 9+, `Tags`/`EmailTags` given to the wrong SES mailer, `ses-v2` before
//! Laravel 9.52, `MAIL_URL` before Laravel 10.10 (ignored), empty, or `smtps://`, DSN options
//! newer than the installed symfony/mailer, `ses+smtp` hosts and ports the installed bridge
//! ignores, and Symfony 8.2's top-level `mailer:` key on older versions.
//!
//! ## Why is this bad?
//! A setting that does nothing looks like it does something: a team sets `MAIL_ENCRYPTION=ssl`
//! or `ping_threshold` and believes the problem is handled. Settings the framework refuses
//! (an empty `MAIL_URL` gives "Unsupported mail transport []") break all mail at the first
//! message, not at deploy time. Findings only appear when `composer.lock` says which version is
//! installed.
//!
//! ## Example
//! ```dotenv
//! # Laravel 11.40
//! MAIL_PORT=465
//! MAIL_ENCRYPTION=ssl
//! MAIL_URL=
//! ```
//!
//! ## Use instead
//! ```dotenv
//! MAIL_PORT=465
//! MAIL_SCHEME=smtps
//! # no MAIL_URL line, or a full smtp:// URL
//! ```
//!
//! ## References
//! - laravel/framework `MailManager::createSmtpTransport` (9.x to 12.x), `getConfig` (MAIL_URL,
//!   laravel/framework#46964), Laravel 11.35 release notes (`scheme`); laravel/framework#53704
//!   (symfony/mailer 7.2 refuses the empty scheme of 11.34), #53585 (11.35.0), #53749 and its
//!   revert #53863 (11.35.1)
//! - symfony/mailer `EsmtpTransportFactory` options by version (ping_threshold 5.2,
//!   max_per_second 6.2, peer_fingerprint 6.4, auto_tls 7.1, require_tls and source_ip 7.3)
//! - symfony/amazon-mailer: custom `ses+smtp` host (6.1), port (8.1)

use super::Ctx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::formats::dsn;
use crate::lint::app::{Framework, Kind, Transport};
use crate::lint::value::{EnvOutcome, Node};
use crate::lint::version::Version;

pub const NAME: &str = "framework-version";

/// Options Symfony Mailer reads and Swift Mailer (Laravel 6-8) does not.
const SYMFONY_MAILER_ONLY: &[&str] = &[
    "ping_threshold",
    "restart_threshold",
    "restart_threshold_sleep",
    "verify_peer",
    "max_per_second",
    "auto_tls",
    "require_tls",
    "peer_fingerprint",
];

/// DSN options of `smtp://` and the symfony/mailer version that added them.
const SMTP_OPTIONS_SINCE: &[(&str, Version)] = &[
    ("ping_threshold", Version::new(5, 2, 0)),
    ("max_per_second", Version::new(6, 2, 0)),
    ("peer_fingerprint", Version::new(6, 4, 0)),
    ("auto_tls", Version::new(7, 1, 0)),
    ("require_tls", Version::new(7, 3, 0)),
    ("source_ip", Version::new(7, 3, 0)),
];

pub fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    match ctx.app.framework {
        Framework::Laravel => laravel(ctx, out),
        Framework::Symfony => symfony(ctx, out),
    }
}

/// The known version, compared; `None` when composer.lock does not say.
fn known(version: Option<Version>, at_least: Version) -> Option<bool> {
    version.map(|v| v >= at_least)
}

/// Whether a setting was given on purpose: from an env var the user set, or a literal.
fn set_on_purpose(node: &Node) -> bool {
    !node.is_null()
        && node.text().is_some_and(|t| !t.is_empty())
        && !matches!(
            node.env.as_ref().map(|e| &e.outcome),
            Some(EnvOutcome::Default | EnvOutcome::Unset)
        )
}

fn laravel(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let version = ctx.app.version();
    let shown = version.map(|v| format!("Laravel {v}")).unwrap_or_default();
    for t in &ctx.app.transports {
        if let Some(url) = &t.dsn {
            mail_url(ctx, t, url, out);
        } else if known(version, Version::new(10, 10, 0)) == Some(false)
            && let Some(url) = t.option("url").filter(|n| set_on_purpose(n))
        {
            let setting = url
                .env
                .as_ref()
                .map_or_else(|| "`url`".to_string(), |e| e.name.clone());
            out.push(ignored(
                ctx,
                url,
                format!(
                    "{setting} is ignored by this Laravel version ({shown}): mailers read `url` \
                     from Laravel 10.10, so the `{}` mailer's host, port, username and password \
                     apply instead",
                    t.name
                ),
                "set MAIL_HOST, MAIL_PORT, MAIL_USERNAME and MAIL_PASSWORD (and remove the URL), \
                 or upgrade to Laravel 10.10 or later",
            ));
        }
        if t.kind == Kind::Smtp {
            empty_scheme(ctx, t, version, out);
            // 11.35.0 alone turned `tls` into smtps (see smtp-endpoint); 11.35.1 reverted it.
            let only_11_35_0 = version == Some(Version::new(11, 35, 0));
            if known(version, Version::new(11, 35, 0)) == Some(true)
                && let Some(node) = t
                    .option("encryption")
                    .filter(|n| set_on_purpose(n))
                    .filter(|n| !(only_11_35_0 && n.str() == Some("tls")))
            {
                out.push(ignored(
                    ctx,
                    node,
                    format!(
                        "`encryption` is ignored since Laravel 11.35 ({shown}): the scheme decides, \
                         or port 465 means TLS"
                    ),
                    "use MAIL_SCHEME=smtps for TLS from the start, or nothing for STARTTLS, and \
                     remove `encryption`",
                ));
            }
            if known(version, Version::new(10, 0, 0)) == Some(false)
                && let Some(node) = t.option("scheme").filter(|n| set_on_purpose(n))
            {
                out.push(ignored(
                    ctx,
                    node,
                    format!("`scheme` is ignored before Laravel 10 ({shown})"),
                    "on Laravel 9, `encryption => 'tls'` with port 465 selects TLS from the start",
                ));
            }
            if known(version, Version::new(9, 0, 0)) == Some(false) {
                for (name, node) in &t.options {
                    if SYMFONY_MAILER_ONLY.contains(&name.as_str()) && !node.is_null() {
                        out.push(ignored(
                            ctx,
                            node,
                            format!(
                                "`{name}` is ignored by Swift Mailer ({shown}); it is a Symfony \
                                 Mailer option, read from Laravel 9"
                            ),
                            "remove it, or upgrade to Laravel 9+; Laravel 6-8 reconnect for every \
                             message anyway",
                        ));
                    }
                }
            }
            if known(version, Version::new(9, 0, 0)) == Some(true)
                && let Some(node) = t.option("stream").filter(|n| !n.is_null())
            {
                out.push(ignored(
                    ctx,
                    node,
                    format!("`stream` is ignored since Laravel 9 ({shown}): Symfony Mailer does not read it"),
                    "use the mailer key `verify_peer` instead of stream.ssl.verify_peer",
                ));
            }
        }
        if t.kind == Kind::SesApi {
            ses(ctx, t, version, &shown, out);
        }
    }
}

fn ses(ctx: &Ctx, t: &Transport, version: Option<Version>, shown: &str, out: &mut Vec<Diagnostic>) {
    if t.scheme == "ses-v2" && known(version, Version::new(9, 52, 0)) == Some(false) {
        out.push(
            ctx.at_transport(
                NAME,
                Severity::Error,
                t,
                format!(
                    "the `ses-v2` transport exists from Laravel 9.52 ({shown}): sending fails with \
                     \"Unsupported mail transport [ses-v2]\""
                ),
                "unknown transport",
            )
            .with_help("use `ses`, or upgrade Laravel"),
        );
    }
    let (wrong, right) = if t.scheme == "ses-v2" {
        ("Tags", "EmailTags")
    } else {
        ("EmailTags", "Tags")
    };
    if let Some(node) = t.ses_options.as_ref().and_then(|o| o.get(wrong)) {
        out.push(ignored(
            ctx,
            node,
            format!(
                "`{wrong}` is not read by the `{}` transport, which takes `{right}`",
                t.scheme
            ),
            &format!("rename it to `{right}`"),
        ));
    }
}

fn mail_url(ctx: &Ctx, t: &Transport, url: &Node, out: &mut Vec<Diagnostic>) {
    let Some(text) = url.str() else { return };
    if text.is_empty() {
        out.push(
            ctx.at(
                NAME,
                Severity::Error,
                url,
                "MAIL_URL is set but empty: Laravel still parses it and fails with \"Unsupported \
                 mail transport []\"",
                "empty",
            )
            .with_help("remove the MAIL_URL line, or write `'url' => env('MAIL_URL') ?: null` in config/mail.php"),
        );
        return;
    }
    let breaks_in_credentials =
        dsn::intended_userinfo(text).is_some_and(|r| text[r].contains(['/', '?', '#']));
    match dsn::parse_url(text) {
        None if !breaks_in_credentials => out.push(
            ctx.at(
                NAME,
                Severity::Error,
                url,
                "Laravel cannot parse this MAIL_URL: \"The database configuration URL is \
                 malformed.\"",
                "malformed URL",
            )
            .with_help("write it as smtp://USER:PASSWORD@HOST:PORT with the credentials URL-encoded"),
        ),
        Some(_) if t.scheme == "smtps" => out.push(
            ctx.at(
                NAME,
                Severity::Error,
                url,
                "Laravel has no `smtps` transport: a smtps:// MAIL_URL fails with \"Unsupported mail \
                 transport [smtps]\"",
                "smtps://",
            )
            .with_help("use smtp://...:465 (Symfony Mailer uses TLS on 465), or smtp://...?scheme=smtps"),
        ),
        // Symfony's bridge DSNs: Laravel takes the scheme as a transport name it has not.
        Some(_) if t.scheme.starts_with("ses+") => out.push(
            ctx.at(
                NAME,
                Severity::Error,
                url,
                format!(
                    "Laravel has no `{}` transport: this MAIL_URL fails with \"Unsupported mail \
                     transport [{}]\" (it is a Symfony DSN scheme)",
                    t.scheme, t.scheme
                ),
                format!("{}://", t.scheme),
            )
            .with_help("use smtp://USER:PASSWORD@email-smtp.REGION.amazonaws.com:587, or MAIL_MAILER=ses with services.ses"),
        ),
        _ => {}
    }
}

fn symfony(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let app = ctx.app;
    let mailer = app.mailer_version.as_ref().map(|p| p.version);
    for t in &app.transports {
        if t.kind == Kind::Smtp
            && let Some(installed) = mailer
        {
            for (name, since) in SMTP_OPTIONS_SINCE {
                if installed < *since
                    && let Some(node) = t.option(name)
                {
                    out.push(ignored(
                        ctx,
                        node,
                        format!(
                            "`{name}` is ignored by symfony/mailer {installed}; it is read from {since}"
                        ),
                        &format!("upgrade symfony/mailer to {since} or later"),
                    ));
                }
            }
        }
        if t.kind == Kind::SesSmtp {
            let bridge = app
                .amazon_mailer_version
                .as_ref()
                .map(|p| p.version)
                .or(mailer);
            let Some(e) = &t.endpoint else { continue };
            // The endpoint keeps only the port the bridge uses: read the written one.
            if known(bridge, Version::new(8, 1, 0)) == Some(false)
                && let Some(dsn) = &t.dsn
                && let Some(text) = dsn.str()
                && let Ok(d) = dsn::parse_symfony(text)
                && let Some((port, range)) = d.port
            {
                out.push(ignored(
                    ctx,
                    &dsn.sub(range, crate::lint::value::Val::Int(i64::from(port))),
                    format!(
                        "`{}` ignores the port before symfony/amazon-mailer 8.1 and always connects \
                         to 465",
                        t.scheme
                    ),
                    "remove the port",
                ));
            }
            if known(bridge, Version::new(6, 1, 0)) == Some(false)
                && !e.is_default_host()
                && let Some(host) = &e.host_node
            {
                out.push(ignored(
                    ctx,
                    host,
                    format!(
                        "`{}` ignores custom hosts before symfony/amazon-mailer 6.1 and connects to \
                         email-smtp.REGION.amazonaws.com",
                        t.scheme
                    ),
                    "use `default` and the `region` option, or upgrade",
                ));
            }
        }
    }
    if let Some(origin) = &app.top_level_mailer
        && known(app.version(), Version::new(8, 2, 0)) == Some(false)
    {
        out.push(
            Diagnostic::new(
                NAME,
                Severity::Error,
                format!(
                    "the top-level `mailer:` key needs Symfony 8.2 ({}): older versions fail with \
                     \"There is no extension able to load the configuration for \\\"mailer\\\"\"",
                    app.describe_version()
                ),
            )
            .at(ctx.label(origin, "Symfony 8.2+ only"))
            .with_help("put the settings under `framework: mailer:`"),
        );
    }
}

/// Laravel 11.0 to 11.34 give Symfony Mailer an empty scheme unless `scheme` is set or
/// `encryption` is exactly `tls` (`MailManager::createSmtpTransport`), and symfony/mailer 7.2
/// refuses it (`EsmtpTransportFactory` checks the scheme since 7.2.0): every send fails.
/// Laravel 11.35 derives the scheme from the port (laravel/framework#53585).
fn empty_scheme(ctx: &Ctx, t: &Transport, version: Option<Version>, out: &mut Vec<Diagnostic>) {
    let Some(laravel) = version.filter(|v| v.major == 11 && *v < Version::new(11, 35, 0)) else {
        return;
    };
    let Some(mailer) = ctx
        .app
        .mailer_version
        .as_ref()
        .map(|p| p.version)
        .filter(|v| *v >= Version::new(7, 2, 0))
    else {
        return;
    };
    let scheme_set = t
        .option("scheme")
        .and_then(Node::text)
        .is_some_and(|s| !s.is_empty());
    let encryption = t.option("encryption");
    if scheme_set || encryption.and_then(Node::str) == Some("tls") {
        return;
    }
    let message = format!(
        "Laravel {laravel} gives this SMTP mailer an empty scheme (no `scheme`, and `encryption` \
         is not `tls`), which symfony/mailer {mailer} refuses: \"The \"\" scheme is not \
         supported\", and no mail is sent"
    );
    let label = "empty scheme";
    let d = match encryption.filter(|n| !n.is_unknown()) {
        Some(node) => ctx.at(NAME, Severity::Warning, node, message, label),
        None => ctx.at_transport(NAME, Severity::Warning, t, message, label),
    };
    out.push(d.with_help(
        "upgrade laravel/framework to 11.35.1 or later (it derives the scheme from the port), or \
         set the mailer's `scheme` (`smtp`, or `smtps` for port 465), or keep symfony/mailer \
         below 7.2",
    ));
}

fn ignored(ctx: &Ctx, node: &Node, message: String, help: &str) -> Diagnostic {
    ctx.at(NAME, Severity::Warning, node, message, "ignored")
        .with_help(help.to_string())
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{load, lock, messages, symfony_dsn};

    /// The findings on a Symfony app with this DSN and symfony/amazon-mailer version.
    fn symfony(bridge: &str, dsn: &str) -> Vec<String> {
        let packages = [
            ("symfony/framework-bundle", "v7.2.0"),
            ("symfony/mailer", "v7.2.0"),
            ("symfony/amazon-mailer", bridge),
        ];
        symfony_dsn(super::check, dsn, &packages)
    }

    const SES: &str =
        "ses+smtp://AKIAIOSFODNN7EXAMPLE:BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2";

    #[test]
    fn default_host_with_a_region_is_not_a_custom_host() {
        for bridge in ["v5.3.0", "v6.0.19"] {
            let found = symfony(bridge, &format!("{SES}@default?region=eu-west-1"));
            assert!(found.is_empty(), "{bridge}: {found:?}");
        }
    }

    #[test]
    fn custom_hosts_before_6_1() {
        let dsn = format!("{SES}@email-smtp.us-east-1.amazonaws.com");
        let found = symfony("v6.0.19", &dsn);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("ignores custom hosts"), "{found:?}");
        assert!(symfony("v6.1.0", &dsn).is_empty());
    }

    #[test]
    fn ports_before_8_1() {
        let dsn = format!("{SES}@default:587?region=eu-west-1");
        let found = symfony("v8.0.3", &dsn);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("ignores the port"), "{found:?}");
        assert!(symfony("v8.1.0", &dsn).is_empty());
    }

    #[test]
    fn smtp_options_newer_than_symfony_mailer() {
        let packages = [
            ("symfony/framework-bundle", "v6.1.0"),
            ("symfony/mailer", "v6.1.0"),
        ];
        let found = symfony_dsn(
            super::check,
            "smtp://u:p@email-smtp.eu-west-1.amazonaws.com:587?ping_threshold=9&max_per_second=5",
            &packages,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`max_per_second` is ignored by symfony/mailer 6.1.0"));
    }

    #[test]
    fn top_level_mailer_key_needs_symfony_8_2() {
        let yaml = "mailer:\n    dsn: 'null://null'\n";
        let app = |version: &str| {
            let lock = lock(&[("symfony/framework-bundle", version)]);
            load(&[
                ("config/packages/mailer.yaml", yaml),
                ("composer.lock", &lock),
            ])
        };
        let found = messages(super::check, &app("v8.1.4"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("top-level `mailer:` key needs Symfony 8.2"));
        assert!(messages(super::check, &app("v8.2.0")).is_empty());
    }

    /// The findings on a Laravel app with this config/mail.php and .env.
    fn laravel(version: &str, mail: &str, env: &str) -> Vec<String> {
        laravel_with(&[("laravel/framework", version)], mail, env)
    }

    fn laravel_with(packages: &[(&str, &str)], mail: &str, env: &str) -> Vec<String> {
        let lock = lock(packages);
        let services = "<?php return ['ses' => ['key' => env('AWS_ACCESS_KEY_ID'), 'secret' => env('AWS_SECRET_ACCESS_KEY'), 'region' => 'eu-west-1']];";
        let app = load(&[
            ("config/mail.php", mail),
            ("config/services.php", services),
            ("composer.lock", &lock),
            (".env", env),
        ]);
        messages(super::check, &app)
    }

    const URL_MAIL: &str = "<?php return ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'url' => env('MAIL_URL'), 'host' => 'email-smtp.eu-west-1.amazonaws.com', 'port' => 587, 'ping_threshold' => 9]]];";

    #[test]
    fn mail_url_before_10_10_is_ignored() {
        let env =
            "MAIL_URL=smtp://AKIAIOSFODNN7EXAMPLE:secret@email-smtp.us-east-1.amazonaws.com:587\n";
        let found = laravel("v10.9.0", URL_MAIL, env);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("MAIL_URL is ignored by this Laravel version (Laravel 10.9.0)"),
            "{found:?}"
        );
        assert!(laravel("v10.10.0", URL_MAIL, env).is_empty());
        // Unset, nothing to say.
        assert!(laravel("v10.9.0", URL_MAIL, "").is_empty());
    }

    #[test]
    fn smtps_and_empty_mail_urls() {
        let found = laravel(
            "v11.40.0",
            URL_MAIL,
            "MAIL_URL=smtps://u:p@email-smtp.eu-west-1.amazonaws.com:465\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("no `smtps` transport"), "{found:?}");
        let found = laravel("v11.40.0", URL_MAIL, "MAIL_URL=\n");
        assert!(found[0].contains("set but empty"), "{found:?}");
    }

    #[test]
    fn ses_mailers_and_their_tags() {
        let mail = |transport: &str, tags: &str| {
            format!(
                "<?php return ['default' => '{transport}', 'mailers' => ['{transport}' => ['transport' => '{transport}', 'options' => ['ConfigurationSetName' => 'tx', '{tags}' => [['Name' => 'app', 'Value' => 'shop']]]]]];"
            )
        };
        let found = laravel("v10.48.4", &mail("ses", "EmailTags"), "");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("`EmailTags` is not read by the `ses` transport, which takes `Tags`"),
            "{found:?}"
        );
        assert!(laravel("v10.48.4", &mail("ses", "Tags"), "").is_empty());
        let found = laravel("v10.48.4", &mail("ses-v2", "Tags"), "");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("which takes `EmailTags`"), "{found:?}");
        // ses-v2 exists from 9.52.
        let found = laravel("v9.51.0", &mail("ses-v2", "EmailTags"), "");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("exists from Laravel 9.52"), "{found:?}");
        assert!(laravel("v9.52.0", &mail("ses-v2", "EmailTags"), "").is_empty());
    }

    #[test]
    fn encryption_on_11_35_and_symfony_options_on_swift_mailer() {
        let mail = "<?php return ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'host' => 'email-smtp.eu-west-1.amazonaws.com', 'port' => 587, 'encryption' => env('MAIL_ENCRYPTION'), 'ping_threshold' => 9]]];";
        let found = laravel("v11.35.1", mail, "MAIL_ENCRYPTION=tls\n");
        assert!(found[0].contains("`encryption` is ignored since Laravel 11.35"));
        let found = laravel("v11.35.0", mail, "MAIL_ENCRYPTION=ssl\n");
        assert!(found[0].contains("`encryption` is ignored since Laravel 11.35"));
        // 11.35.0 alone made `tls` smtps: not ignored there.
        assert!(laravel("v11.35.0", mail, "MAIL_ENCRYPTION=tls\n").is_empty());
        assert!(laravel("v11.34.0", mail, "MAIL_ENCRYPTION=tls\n").is_empty());
        let found = laravel("v8.83.27", mail, "MAIL_ENCRYPTION=tls\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`ping_threshold` is ignored by Swift Mailer"));
    }

    #[test]
    fn laravel_11_34_gives_symfony_mailer_7_2_an_empty_scheme() {
        let mail = "<?php return ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'scheme' => env('MAIL_SCHEME'), 'host' => 'email-smtp.eu-west-1.amazonaws.com', 'port' => 587, 'encryption' => env('MAIL_ENCRYPTION', 'tls'), 'ping_threshold' => 9]]];";
        let run = |laravel: &str, mailer: &str, env: &str| {
            laravel_with(
                &[("laravel/framework", laravel), ("symfony/mailer", mailer)],
                mail,
                env,
            )
        };
        let found = run("v11.34.2", "v7.2.0", "MAIL_ENCRYPTION=null\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("symfony/mailer 7.2.0 refuses"),
            "{found:?}"
        );
        // `tls` (the config's default) or a scheme give a scheme; 7.1 accepts the empty one;
        // 11.35 derives it from the port.
        assert!(run("v11.34.2", "v7.2.0", "").is_empty());
        assert!(
            run(
                "v11.34.2",
                "v7.2.0",
                "MAIL_ENCRYPTION=null\nMAIL_SCHEME=smtp\n"
            )
            .is_empty()
        );
        assert!(run("v11.34.2", "v7.1.6", "MAIL_ENCRYPTION=null\n").is_empty());
        assert!(run("v11.35.1", "v7.2.0", "MAIL_ENCRYPTION=null\n").is_empty());
    }
}
