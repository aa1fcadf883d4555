//! ## What it does
//! Checks the credentials inside mailer DSNs (Symfony `MAILER_DSN`, Laravel `MAIL_URL`) for
//! characters that change how the DSN is parsed: `/`, `?` and `#` end the host part, a space
//! or `)` ends the DSN in Symfony. Also checks mail settings read from `.env` files for
//! values the dotenv library changes: a `#` that starts a comment in the middle of an
//! unquoted value (phpdotenv), and `$NAME` expanded from an undefined variable.
//!
//! ## Why is this bad?
//! SES SMTP passwords are base64 and often contain `/` and `+`. PHP's `parse_url` ends the
//! authority at the first `/`, `?` or `#`, so `smtp://AKIA...:ab/cd@host` is rejected ("The
//! mailer DSN is invalid.") or, worse, parsed with the wrong host. phpdotenv treats `#` as a
//! comment even without a space before it, so `MAIL_PASSWORD=ab#cd` is `ab`; symfony/dotenv
//! replaces `$word` in an unquoted or double-quoted value with the variable `word`, an empty
//! string when it is not defined. The result is `535 Authentication Credentials Invalid` with
//! a password that looks right in the file.
//!
//! `+`, `:` and `@` need no encoding in the password: the decoding is `rawurldecode` (which
//! keeps `+`), the user ends at the first `:`, and the host starts after the last `@`.
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

use super::Ctx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::app::{Framework, Transport};
use crate::lint::dotenv::Quirk;
use crate::lint::dsn;
use crate::lint::value::Node;

pub const NAME: &str = "dsn-encoding";

pub fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let mut seen_dsn = BTreeSet::new();
    let mut seen_vars = BTreeSet::new();
    for t in &ctx.app.transports {
        if let Some(node) = &t.dsn
            && seen_dsn.insert((node.at.file, node.at.span.start))
        {
            credentials(ctx, t, node, out);
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

fn credentials(ctx: &Ctx, t: &Transport, node: &Node, out: &mut Vec<Diagnostic>) {
    let Some(text) = node.str() else { return };
    let Some(info) = dsn::intended_userinfo(text) else {
        return;
    };
    let userinfo = &text[info.clone()];
    let (user_len, has_password) = match userinfo.find(':') {
        Some(i) => (i, true),
        None => (userinfo.len(), false),
    };
    let symfony = ctx.app.framework == Framework::Symfony;
    for (offset, c) in userinfo.char_indices() {
        let in_password = has_password && offset > user_len;
        let breaks = match c {
            '/' | '?' | '#' => true,
            ' ' | ')' => symfony,
            _ => false,
        };
        if !breaks {
            continue;
        }
        let at = info.start + offset;
        let part = if in_password { "password" } else { "user" };
        let effect = effect(ctx, text, c);
        let mut d = ctx.at(
            NAME,
            Severity::Error,
            &node.sub(at..at + c.len_utf8(), node.val.clone()),
            format!("unencoded `{c}` in the DSN {part}: {effect}"),
            format!(
                "`{c}` must be written {}",
                dsn::rawurlencode(&c.to_string())
            ),
        );
        d = d.with_help(format!(
            "URL-encode the {part}: `{c}` is `{}`{}",
            dsn::rawurlencode(&c.to_string()),
            if symfony {
                "; or keep it in its own variable and use %env(urlencode:NAME)% in the DSN"
            } else {
                ""
            }
        ));
        if t.username.is_none() && t.password.is_none() {
            d = d.with_note("the transport could not read any credentials from this DSN");
        }
        out.push(d);
        // One finding per DSN: the first character already breaks it.
        return;
    }
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
                    format!(
                        "{name} is cut at `#`: phpdotenv starts a comment at `#` even inside a \
                         value, and drops {} characters",
                        dropped.chars().count()
                    ),
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
            Quirk::Command { .. } => continue,
        };
        out.push(d);
    }
}
