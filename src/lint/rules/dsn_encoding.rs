//! ## What it does
//! Checks the credentials inside mailer DSNs (Symfony `MAILER_DSN`, Laravel `MAIL_URL`) for
//! characters that change how the DSN is parsed: `/`, `?` and `#` end the host part, a space
//! or `)` ends the DSN in Symfony; a `%` not followed by two hex digits (unencoded: `%` with
//! hex digits after it is decoded to another byte); and `$NAME` / `${NAME}` in the `.env` line
//! that expands another variable into the credentials, where its value is used as written,
//! not URL-encoded (an access key ID expanded into the user is fine: it is letters and digits
//! only). Also checks mail settings read from `.env` files for values the dotenv
//! library changes: a `#` that starts a comment in the middle of an unquoted value
//! (phpdotenv), or after a space in symfony/dotenv when the "comment" has no space of its own
//! and so looks like the rest of the value (`...ORx #lVa...@host:587`), and `$NAME` expanded
//! from an undefined variable. A Symfony DSN that `Dsn::fromString` rejects outright ("The
//! mailer DSN is invalid.", no scheme, no host) is reported too.
//!
//! ## Why is this bad?
//! SES SMTP passwords are base64 and often contain `/` and `+`. PHP's `parse_url` ends the
//! authority at the first `/`, `?` or `#`, so `smtp://AKIA...:ab/cd@host` is rejected ("The
//! mailer DSN is invalid.") or, worse, parsed with the wrong host. phpdotenv treats `#` as a
//! comment even without a space before it, so `MAIL_PASSWORD=ab#cd` is `ab`; symfony/dotenv
//! replaces `$word` in an unquoted or double-quoted value with the variable `word`, an empty
//! string when it is not defined. A password expanded from another variable
//! (`MAILER_DSN=ses+smtp://$SES_USER:$SES_PASS@default`) works until a rotation gives it a
//! `/`. The result is `535 Authentication Credentials Invalid` with a password that looks
//! right in the file.
//!
//! A `+` in Symfony DSN credentials: symfony/mailer before 5.4.35, 6.3.12, 6.4.3 and 7.0.3
//! decodes them with `urldecode`, which turns it into a space (an error when composer.lock
//! names such a version, a warning when no lock says which; later versions use
//! `rawurldecode`, which keeps it, and Laravel's `MAIL_URL` always did).
//!
//! Deliberately not reported: `:` and `@` in the password. They need no encoding there:
//! `parse_url` ends the user at the first `:`, so later `:` stay in the password; and the host
//! starts after the last `@`, so earlier `@` stay in the credentials. Encoding them (`%2B`,
//! `%3A`, `%40`) is fine too. A `:` in the user, or an `@` followed by something host-like in
//! the password, would move the split, and then the host or user this rule reports looks wrong.
//!
//! ## Example
//! ```dotenv
//! MAILER_DSN=ses+smtp://AKIAIOSFODNN7EXAMPLE:BKVmjjMDFk/qqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF@default
//! MAIL_PASSWORD=BKVmjjMDFk#qqw8
//! ```
//!
//! ## Use instead
//! ```dotenv
//! MAILER_DSN=ses+smtp://AKIAIOSFODNN7EXAMPLE:BKVmjjMDFk%2Fqqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF@default
//! MAIL_PASSWORD="BKVmjjMDFk#qqw8"
//! ```
//! In Symfony, `%env(urlencode:SES_PASSWORD)%` can encode a password kept in its own variable.
//!
//! ## References
//! - Symfony docs, Mailer: "credentials with special characters must be URL-encoded"
//! - PHP `parse_url`, `rawurldecode`; vlucas/phpdotenv and symfony/dotenv parsers

use std::collections::BTreeSet;

use super::{Ctx, overlaps};
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::formats::dotenv::Quirk;
use crate::formats::dsn;
use crate::formats::url;
use crate::lint::app::{Framework, Transport};
use crate::lint::files::Origin;
use crate::lint::value::Node;

pub const NAME: &str = "dsn-encoding";

pub fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let mut seen_dsn = BTreeSet::new();
    let mut seen_vars = BTreeSet::new();
    for t in &ctx.app.transports {
        if let Some(node) = &t.dsn
            && seen_dsn.insert((node.at.file, node.at.span.start))
        {
            let before = out.len();
            credentials(ctx, t, node, out);
            if out.len() == before && ctx.app.framework == Framework::Symfony {
                rejected(ctx, node, out);
            }
        }
        for node in settings(t) {
            if let Some(env) = &node.env
                && seen_vars.insert(env.name.clone())
            {
                quirks(ctx, &env.name, node, out);
            }
        }
    }
}

/// A Symfony DSN that `Dsn::fromString` throws on ("The mailer DSN is invalid.", no scheme,
/// no host): the app fails at the first mail.
fn rejected(ctx: &Ctx, node: &Node, out: &mut Vec<Diagnostic>) {
    let Some(text) = node.str() else { return };
    if text.is_empty() {
        return;
    }
    let Err(e) = dsn::parse_symfony(text) else {
        return;
    };
    let name = node.env.as_ref().map(|e| e.name.as_str());
    out.push(
        ctx.at(
            NAME,
            Severity::Error,
            node,
            format!("Symfony rejects this DSN: \"{}\"", e.message()),
            "not a valid mailer DSN",
        )
        .with_help(format!(
            "write it as scheme://user:password@host:port with the user and password \
             URL-encoded, e.g. {}=ses+smtp://USER:PASSWORD@default?region=eu-west-1",
            name.unwrap_or("MAILER_DSN")
        )),
    );
}

/// Every setting of a transport that may have been read from an env var.
fn settings(t: &Transport) -> Vec<&Node> {
    let mut nodes: Vec<&Node> = Vec::new();
    nodes.extend(t.dsn.iter());
    nodes.extend(t.username.iter());
    nodes.extend(t.password.iter());
    nodes.extend(t.region.iter());
    if let Some(e) = &t.endpoint {
        nodes.extend(e.host_node.iter());
        nodes.extend(e.port_node.iter());
    }
    nodes.extend(t.options.iter().map(|(_, n)| n));
    nodes
}

/// A `$NAME` / `${NAME}` in the DSN's env var: where it is written and which variable.
struct Expansion {
    at: Origin,
    name: String,
    /// Where the expanded value is written (the variable's own line), if in a file.
    value_at: Option<Origin>,
}

/// The expansions of defined variables in the env var a DSN is read from.
fn expansions(ctx: &Ctx, node: &Node) -> Vec<Expansion> {
    let Some(var) = node.env.as_ref().and_then(|e| ctx.app.env.get(&e.name)) else {
        return Vec::new();
    };
    var.quirks
        .iter()
        .filter_map(|q| match q {
            Quirk::Expanded { at, name } => Some(Expansion {
                at: at.clone(),
                name: name.clone(),
                value_at: ctx.app.env.get(name).and_then(|v| v.value_origin()),
            }),
            _ => None,
        })
        .collect()
}

/// Which expansion the DSN bytes written at `origin` come from.
fn expansion_of(origin: &Origin, expansions: &[Expansion]) -> Option<usize> {
    expansions.iter().position(|e| {
        overlaps(origin, &e.at) || e.value_at.as_ref().is_some_and(|v| overlaps(origin, v))
    })
}

/// What is wrong with one expansion inside the credentials.
#[derive(Default, Clone)]
struct InCredentials {
    used: bool,
    part: &'static str,
    breaks: Option<char>,
}

fn credentials(ctx: &Ctx, t: &Transport, node: &Node, out: &mut Vec<Diagnostic>) {
    let Some(text) = node.str() else { return };
    let Some(info) = dsn::intended_userinfo(text) else {
        return;
    };
    let traced = node.traced().cloned().unwrap_or_default();
    let expansions = expansions(ctx, node);
    let mut expanded = vec![InCredentials::default(); expansions.len()];
    let userinfo = &text[info.clone()];
    let (user_len, has_password) = match userinfo.find(':') {
        Some(i) => (i, true),
        None => (userinfo.len(), false),
    };
    let symfony = ctx.app.framework == Framework::Symfony;
    let fix = if has_password && expansions.is_empty() {
        password_fix(ctx, node, info.start + user_len + 1..info.end)
    } else {
        None
    };
    let mut broken = false;
    let mut plus_reported = false;
    for (offset, c) in userinfo.char_indices() {
        let in_password = has_password && offset > user_len;
        let part = if in_password { "password" } else { "user" };
        let at = info.start + offset;
        let breaks = match c {
            '/' | '?' | '#' => true,
            ' ' | ')' => symfony,
            _ => false,
        };
        let from = traced
            .origin_of(at..at + c.len_utf8())
            .and_then(|o| expansion_of(&o, &expansions));
        if let Some(i) = from {
            let e = &mut expanded[i];
            e.used = true;
            e.part = part;
            if breaks && e.breaks.is_none() {
                e.breaks = Some(c);
            }
            continue;
        }
        if c == '%' && !is_percent_escape(&userinfo[offset..]) {
            out.push(
                raw_percent(ctx, node, at, part)
                    .with_fix(in_password.then(|| fix.clone()).flatten()),
            );
            continue;
        }
        if c == '+' && symfony && !plus_reported {
            plus_reported = true;
            if let Some(d) = raw_plus(ctx, node, at, part) {
                out.push(d.with_fix(in_password.then(|| fix.clone()).flatten()));
            }
            continue;
        }
        if !breaks || broken {
            continue;
        }
        // One finding per DSN: the first character already breaks it.
        broken = true;
        let effect = effect(ctx, text, c);
        let mut d = ctx.at(
            NAME,
            Severity::Error,
            &node.sub(at..at + c.len_utf8(), node.val.clone()),
            format!("unencoded `{c}` in the DSN {part}: {effect}"),
            format!(
                "`{c}` must be written {}",
                url::rawurlencode(&c.to_string())
            ),
        );
        d = d.with_help(format!(
            "URL-encode the {part}: `{c}` is `{}`{}",
            url::rawurlencode(&c.to_string()),
            if symfony {
                "; or keep it in its own variable and use %env(urlencode:NAME)% in the DSN"
            } else {
                ""
            }
        ));
        if t.username.is_none() && t.password.is_none() {
            d = d.with_note("the transport could not read any credentials from this DSN");
        }
        out.push(d.with_fix(in_password.then(|| fix.clone()).flatten()));
    }
    for (e, found) in expansions.iter().zip(expanded) {
        // An SES SMTP username is an access key ID, `[A-Z0-9]{20}`: it never needs encoding.
        let access_key_user = found.part == "user"
            && found.breaks.is_none()
            && ctx
                .app
                .env
                .get(&e.name)
                .and_then(|v| v.value.as_ref())
                .is_some_and(|v| super::is_access_key_id(v.as_str()));
        if found.used && !access_key_user {
            out.push(expansion(ctx, text, node, e, &found));
        }
    }
}

/// The edit that URL-encodes the password (`password`, a range of the DSN) where the DSN is
/// written as read in an env file (in YAML, `%` starts a parameter): every byte but letters,
/// digits, `-._~` and the `%XX` escapes already there, as `rawurlencode` would. Shown masked.
fn password_fix(ctx: &Ctx, node: &Node, password: std::ops::Range<usize>) -> Option<Fix> {
    let (file, start, text) = ctx.literal(node)?;
    let files = &ctx.app.files;
    let name = files.name(file);
    let base = name.rsplit('/').next().unwrap_or(name);
    if !base.starts_with(".env") || base.ends_with(".php") {
        return None;
    }
    let raw = text.get(password.clone())?;
    let mut encoded = String::new();
    for (i, c) in raw.char_indices() {
        if c == '%' && is_percent_escape(&raw[i..]) {
            encoded.push(c);
        } else {
            encoded.push_str(&url::rawurlencode(&c.to_string()));
        }
    }
    if encoded == raw {
        return None;
    }
    Some(Fix {
        title: "URL-encode the DSN password".into(),
        path: files.path(file).to_path_buf(),
        file: name.to_string(),
        span: start + password.start..start + password.end,
        // Masked like the password it replaces, and marked, so the diff has a line to show.
        shown: Some(
            crate::lint::mask::masked(&encoded).replace("(redacted)", "(redacted, URL-encoded)"),
        ),
        text: encoded,
    })
}

/// `%` followed by two hex digits: a percent-encoded byte.
fn is_percent_escape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 3 && b[1].is_ascii_hexdigit() && b[2].is_ascii_hexdigit()
}

fn raw_percent(ctx: &Ctx, node: &Node, at: usize, part: &str) -> Diagnostic {
    ctx.at(
        NAME,
        Severity::Warning,
        &node.sub(at..at + 1, node.val.clone()),
        format!(
            "unencoded `%` in the DSN {part}: it is kept only because no two hex digits follow; \
             `%` followed by hex digits is decoded to another character"
        ),
        "`%` must be written %25",
    )
    .with_help(format!(
        "URL-encode the {part}: `%` is `%25`, so the value survives any later change"
    ))
}

/// `+` in Symfony DSN credentials: a space to symfony/mailer before 5.4.35, 6.3.12, 6.4.3 and
/// 7.0.3 (`urldecode`), a `+` since (`rawurldecode`). Known old: an error; unknown: a warning.
fn raw_plus(ctx: &Ctx, node: &Node, at: usize, part: &str) -> Option<Diagnostic> {
    let installed = ctx.app.mailer_version.as_ref();
    let (severity, message) = match installed {
        Some(p) if crate::lint::frameworks::symfony::mailer_decodes_plus_as_space(p.version) => (
            Severity::Error,
            format!(
                "unencoded `+` in the DSN {part}: symfony/mailer {} decodes it as a space, so \
                 SES rejects the login (535 Authentication Credentials Invalid)",
                p.raw
            ),
        ),
        Some(_) => return None,
        None => (
            Severity::Warning,
            format!(
                "unencoded `+` in the DSN {part}: symfony/mailer before 5.4.35, 6.3.12, 6.4.3 \
                 and 7.0.3 decodes it as a space (no composer.lock says which is installed)"
            ),
        ),
    };
    Some(
        ctx.at(
            NAME,
            severity,
            &node.sub(at..at + 1, node.val.clone()),
            message,
            "`+` must be written %2B",
        )
        .with_help(format!(
            "URL-encode the {part}: `+` is `%2B`, which every version decodes to `+`"
        )),
    )
}

/// A defined variable expanded into the DSN credentials: used as written, not URL-encoded.
fn expansion(
    ctx: &Ctx,
    text: &str,
    node: &Node,
    e: &Expansion,
    found: &InCredentials,
) -> Diagnostic {
    let dsn_var = node.env.as_ref().map_or("the DSN", |v| v.name.as_str());
    let reference = &ctx.app.files.text(e.at.file)[e.at.span.clone()];
    let (severity, effect) = match found.breaks {
        Some(c) => (
            Severity::Error,
            format!(
                "its value contains `{c}`, which breaks the DSN: {}",
                effect(ctx, text, c)
            ),
        ),
        None => (
            Severity::Warning,
            "the value is used as written, not URL-encoded: it works only while it holds no \
             `/ ? # %`"
                .to_string(),
        ),
    };
    let help = match ctx.app.framework {
        Framework::Symfony => format!(
            "compose the DSN in config with %env(urlencode:{})%, or write the {} URL-encoded in {dsn_var}",
            e.name, found.part
        ),
        Framework::Laravel => format!(
            "write the {} URL-encoded in {dsn_var}, or set the mailer's username and password \
             instead of a URL",
            found.part
        ),
    };
    let mut d = ctx
        .at(
            NAME,
            severity,
            &Node {
                at: e.at.clone(),
                ..node.clone()
            },
            format!(
                "`{reference}` in {dsn_var} expands {} into the DSN {}: {effect}",
                e.name, found.part
            ),
            "expanded here",
        )
        .with_help(help);
    if let Some(value_at) = &e.value_at {
        d = d.with_related(ctx.label(value_at, format!("{} is set here", e.name)));
    }
    d
}

/// What the framework makes of a DSN with `c` unencoded in its credentials.
fn effect(ctx: &Ctx, text: &str, c: char) -> String {
    let host_of = |r: Option<std::ops::Range<usize>>| r.map(|r| text[r].to_string());
    match ctx.app.framework {
        Framework::Symfony => {
            if matches!(c, ' ' | ')') {
                return "the DSN ends there, and Symfony fails with \"The mailer DSN has some \
                        garbage at the end.\""
                    .into();
            }
            match dsn::parse_symfony(text) {
                Err(e) => format!("Symfony fails with \"{}\"", e.message()),
                Ok(d) => format!(
                    "Symfony reads the host as `{}` and loses the rest",
                    &text[d.host]
                ),
            }
        }
        Framework::Laravel => match dsn::parse_url(text) {
            None => "Laravel fails with \"The database configuration URL is malformed.\"".into(),
            Some(p) => format!(
                "Laravel reads the host as `{}` and loses the rest",
                host_of(p.host).unwrap_or_default()
            ),
        },
    }
}

fn quirks(ctx: &Ctx, name: &str, node: &Node, out: &mut Vec<Diagnostic>) {
    let Some(var) = ctx.app.env.get(name) else {
        return;
    };
    for quirk in &var.quirks {
        let d = match quirk {
            Quirk::CutByHash { at, dropped } => ctx
                .at(
                    NAME,
                    Severity::Error,
                    &Node {
                        at: at.clone(),
                        ..node.clone()
                    },
                    match ctx.app.framework {
                        Framework::Laravel => format!(
                            "{name} is cut at `#`: phpdotenv starts a comment at `#` even \
                             inside a value, and drops {} characters",
                            dropped.chars().count()
                        ),
                        Framework::Symfony => format!(
                            "{name} is cut at ` #`: symfony/dotenv starts a comment at a `#` \
                             after whitespace, and drops {} characters",
                            dropped.chars().count()
                        ),
                    },
                    "a comment starts here",
                )
                .with_help(format!("quote the value: {name}=\"...\"")),
            Quirk::UndefinedVariable { at, name: var_name } => {
                let what = match ctx.app.framework {
                    Framework::Symfony => "replaced by an empty string",
                    Framework::Laravel => "kept as is",
                };
                ctx.at(
                    NAME,
                    Severity::Error,
                    &Node {
                        at: at.clone(),
                        ..node.clone()
                    },
                    format!("`${var_name}` in {name} is {what}: no variable {var_name} is defined"),
                    "variable expansion",
                )
                .with_help(match ctx.app.framework {
                    Framework::Symfony => {
                        format!("if `$` is part of the value, single-quote it: {name}='...'")
                    }
                    Framework::Laravel => format!("define {var_name}, or single-quote the value"),
                })
            }
            Quirk::Command { .. } | Quirk::Expanded { .. } | Quirk::TooLarge { .. } => continue,
        };
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{load, lock, run, symfony_env};

    /// (severity, message) of each finding on a Symfony app with this `.env`.
    fn symfony(env: &str) -> Vec<(String, String)> {
        run(super::check, &symfony_env(env, &[]))
            .into_iter()
            .map(|d| (d.severity.as_str().to_string(), d.message))
            .collect()
    }

    fn laravel(env: &str) -> Vec<String> {
        let mail = "<?php return ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'url' => env('MAIL_URL'), 'host' => 'x', 'port' => 587, 'username' => env('MAIL_USERNAME'), 'password' => env('MAIL_PASSWORD')]]];";
        let lock = lock(&[("laravel/framework", "v11.40.0")]);
        let app = load(&[
            ("config/mail.php", mail),
            ("composer.lock", &lock),
            (".env", env),
        ]);
        run(super::check, &app)
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    const KEY: &str = "AKIAIOSFODNN7EXAMPLE";

    #[test]
    fn unencoded_slash_in_the_password() {
        let found = symfony(&format!(
            "MAILER_DSN=ses+smtp://{KEY}:BKVmjjMDFk/qqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF@default\n"
        ));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].1.starts_with("unencoded `/` in the DSN password"),
            "{found:?}"
        );
        // Encoded, it is fine.
        let found = symfony(&format!(
            "MAILER_DSN=ses+smtp://{KEY}:BKVmjjMDFk%2Fqqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF@default\n"
        ));
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn colon_and_at_in_the_password_are_not_reported_and_plus_depends_on_the_mailer() {
        let env = format!("MAILER_DSN=ses+smtp://{KEY}:BKVm+jj:MD@Fk@default?region=eu-west-1\n");
        let with = |mailer: &[(&str, &str)]| -> Vec<(String, String)> {
            run(super::check, &symfony_env(&env, mailer))
                .into_iter()
                .map(|d| (d.severity.as_str().to_string(), d.message))
                .collect()
        };
        // rawurldecode keeps `+` since 5.4.35 / 6.3.12 / 6.4.3 / 7.0.3; `:` and `@` always work.
        assert!(with(&[("symfony/mailer", "v7.2.3")]).is_empty());
        let found = with(&[("symfony/mailer", "v6.4.2")]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "error");
        assert!(
            found[0]
                .1
                .contains("symfony/mailer v6.4.2 decodes it as a space"),
            "{found:?}"
        );
        // Unknown version: a warning.
        let found = with(&[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "warning");
        // Encoded, fine everywhere.
        let encoded = format!("MAILER_DSN=ses+smtp://{KEY}:BKVm%2Bjj@default?region=eu-west-1\n");
        assert!(
            run(
                super::check,
                &symfony_env(&encoded, &[("symfony/mailer", "v6.4.2")])
            )
            .is_empty()
        );
    }

    #[test]
    fn raw_percent_in_credentials() {
        let found = symfony(&format!(
            "MAILER_DSN=ses+smtp://{KEY}:ab%zz@default?region=eu-west-1\n"
        ));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "warning");
        assert!(
            found[0].1.starts_with("unencoded `%` in the DSN password"),
            "{found:?}"
        );
        // `%` at the very end, too.
        assert_eq!(
            symfony(&format!("MAILER_DSN=smtp://{KEY}:ab%@h:587\n")).len(),
            1
        );
        assert!(symfony(&format!("MAILER_DSN=smtp://{KEY}:ab%2B@h:587\n")).is_empty());
    }

    #[test]
    fn a_defined_variable_expanded_into_the_password_is_named() {
        let found = symfony(&format!(
            "SES_PASS=BKVmjjMDFk/qqw8\nMAILER_DSN=ses+smtp://{KEY}:$SES_PASS@default\n"
        ));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "error");
        assert!(
            found[0]
                .1
                .starts_with("`$SES_PASS` in MAILER_DSN expands SES_PASS into the DSN password"),
            "{found:?}"
        );
        assert!(found[0].1.contains("contains `/`"), "{found:?}");
        // Without a breaking character it is still reported, as fragile.
        let found = symfony(&format!(
            "SES_PASS=BKVmjjMDFkqqw8\nMAILER_DSN=ses+smtp://{KEY}:${{SES_PASS}}@default\n"
        ));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "warning");
        assert!(
            found[0].1.contains("used as written, not URL-encoded"),
            "{found:?}"
        );
        // An expansion outside the credentials is fine.
        let found = symfony(&format!(
            "REGION=eu-west-1\nMAILER_DSN=ses+smtp://{KEY}:abc@default?region=$REGION\n"
        ));
        assert!(found.is_empty(), "{found:?}");
        // So is an access key ID as the user: it is letters and digits only.
        let found = symfony(&format!(
            "SES_USER={KEY}\nMAILER_DSN=ses+smtp://${{SES_USER}}:abc@default\n"
        ));
        assert!(found.is_empty(), "{found:?}");
        // Another user name is fragile.
        let found = symfony("SES_USER=shop\nMAILER_DSN=ses+smtp://${SES_USER}:abc@default\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("into the DSN user"), "{found:?}");
    }

    #[test]
    fn laravel_mail_url_expansion_and_cut_values() {
        let found = laravel(&format!(
            "PASS=ab/cd\nMAIL_URL=\"smtp://{KEY}:${{PASS}}@email-smtp.eu-west-1.amazonaws.com:587\"\n"
        ));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("`${PASS}` in MAIL_URL expands PASS"),
            "{found:?}"
        );
        let found = laravel("MAIL_PASSWORD=ab#cd\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("cut at `#`"), "{found:?}");
    }
}
