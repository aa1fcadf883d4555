//! ## What it does
//! (Laravel 7+.) Checks that the default mailer (`mail.default`, usually `MAIL_MAILER`) and
//! every mailer a `failover` or `roundrobin` default lists are defined in `mailers`. On
//! Laravel 11+ the mailers of the framework's own `config/mail.php` count, since Laravel
//! merges them into the app's `mailers`: those of the installed version (`smtp`, `ses`,
//! `postmark`, `sendmail`, `log`, `array`, `failover`; `roundrobin` from 11.8, `resend` from
//! 11.17). An app without `config/mail.php` uses that file alone.
//!
//! ## Why is this bad?
//! Laravel builds the mailer when the first message is sent and throws
//! `InvalidArgumentException: Mailer [ses-v2] is not defined.`: the app boots, the queue
//! accepts the job, and no mail leaves. A typo in `MAIL_MAILER`, or a mailer removed from
//! `config/mail.php` while a server's `.env` still names it, is enough.
//!
//! ## Example
//! ```dotenv
//! MAIL_MAILER=ses-v2   # config/mail.php defines smtp, ses and log only
//! ```
//!
//! ## Use instead
//! ```dotenv
//! MAIL_MAILER=ses
//! ```
//! or add the mailer to `mailers` in `config/mail.php`:
//! ```php
//! 'ses-v2' => ['transport' => 'ses-v2'],
//! ```
//!
//! ## References
//! - Laravel `Illuminate\Mail\MailManager::resolve` ("Mailer [name] is not defined.")
//! - Laravel `LoadConfiguration::mergeableOptions` (`mail.mailers` merged on 11+)

use super::Ctx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::app::Framework;
use crate::lint::value::{Node, Val};

pub const NAME: &str = "undefined-mailer";

pub fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    if ctx.app.framework != Framework::Laravel {
        return;
    }
    let Some(mail) = &ctx.app.mail_config else {
        return;
    };
    // The 6.x flat shape names a driver, not a mailer.
    if mail.get("driver").is_some_and(|d| d.truthy() == Some(true)) {
        return;
    }
    let Some(mailers) = mail.get("mailers").filter(|m| matches!(m.val, Val::Map(_))) else {
        return;
    };
    let Some(default) = mail.get("default") else {
        return;
    };
    let Some(name) = default.text() else { return };
    let defined: Vec<&str> = mailers.entries().iter().map(|(k, _)| k.as_str()).collect();
    let Some(config) = mailers.get(&name) else {
        out.push(undefined(
            ctx,
            default,
            &name,
            "the default mailer",
            &defined,
        ));
        return;
    };
    let pool = config.get("transport").and_then(Node::str);
    if !matches!(pool, Some("failover" | "roundrobin")) {
        return;
    }
    let Some(list) = config.get("mailers") else {
        return;
    };
    for (_, member) in list.entries() {
        let Some(member_name) = member.text() else {
            continue;
        };
        if mailers.get(&member_name).is_none() {
            let what = format!("`{name}` ({}) lists a mailer", pool.unwrap_or_default());
            out.push(undefined(ctx, member, &member_name, &what, &defined));
        }
    }
}

fn undefined(ctx: &Ctx, node: &Node, name: &str, what: &str, defined: &[&str]) -> Diagnostic {
    let message = if name.is_empty() {
        format!(
            "{what} is empty: Laravel fails with \"Mailer [] is not defined.\" when it sends, \
             and no mail leaves"
        )
    } else {
        format!(
            "{what}, `{name}`, is not defined in `mailers`: Laravel fails with \"Mailer [{name}] \
             is not defined.\" when it sends, and no mail leaves"
        )
    };
    ctx.at(NAME, Severity::Error, node, message, "not a defined mailer")
        .with_help(format!(
            "use one of the defined mailers ({}), or add `{name}` to `mailers` in config/mail.php",
            defined.join(", ")
        ))
}
