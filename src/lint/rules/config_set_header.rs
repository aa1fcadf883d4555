//! ## What it does
//! When the spec gives a client a `configuration_set`, checks that the app's mail carries
//! it: the `X-SES-CONFIGURATION-SET` header (Symfony `framework.mailer.headers`, or a header
//! added in the app's code), `options.ConfigurationSetName` for Laravel's `ses` and `ses-v2`
//! mailers, or the sender identity's default configuration set in the spec.
//!
//! ## Why is this bad?
//! SES publishes events (bounces, complaints, deliveries, opens) only for mail sent with a
//! configuration set that has event destinations. Mail without one is delivered normally, so
//! nothing looks wrong, but bounces and complaints are never recorded, suppression lists are
//! not fed, and reputation problems are found only when AWS pauses the account.
//!
//! ## Example
//! ```yaml
//! # sesform.yaml
//! clients:
//!   shop: { path: ../shop, configuration_set: transactional }
//! ```
//! ```yaml
//! # shop/config/packages/mailer.yaml
//! framework:
//!   mailer:
//!     dsn: '%env(MAILER_DSN)%'
//! ```
//!
//! ## Use instead
//! ```yaml
//! framework:
//!   mailer:
//!     dsn: '%env(MAILER_DSN)%'
//!     headers:
//!       X-SES-CONFIGURATION-SET: transactional
//! ```
//! Or set `configuration_set: transactional` on the sender identity in the spec, so SES
//! applies it to all mail from that identity.
//!
//! ## References
//! - Amazon SES guide, "Using configuration sets" and "Specifying a configuration set when you
//!   send email" (header `X-SES-CONFIGURATION-SET`, API `ConfigurationSetName`)
//! - SESv2 `PutEmailIdentityConfigurationSetAttributes` (default configuration set)

use super::Ctx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::app::{Framework, Kind, Transport};
use crate::lint::value::Node;

pub const NAME: &str = "config-set-header";
const HEADER: &str = "X-SES-CONFIGURATION-SET";

pub fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let Some(client) = &ctx.app.client else {
        return;
    };
    let Some(want) = &client.client.configuration_set else {
        return;
    };
    let Some(t) = ctx.app.transports.iter().find(|t| t.default && t.is_ses()) else {
        return;
    };
    let carried = carried(ctx, t);
    let identity_default = identity_default(ctx);
    match carried {
        Some((node, Some(name))) if &name != want => out.push(
            ctx.at(
                NAME,
                Severity::Warning,
                node,
                format!(
                    "mail carries configuration set `{name}`, but the spec wants `{want}` for \
                     client `{}`",
                    client.name
                ),
                format!("not `{want}`"),
            )
            .with_help(format!(
                "use `{want}`, or change the client's configuration_set"
            )),
        ),
        // A set named in code or by an unresolved value: trust it.
        Some(_) => {}
        None => match identity_default {
            Some((_, set)) if set == *want => {}
            Some((identity, set)) => out.push(missing(
                ctx,
                t,
                want,
                &client.name,
                Some(format!(
                    "the sender identity `{identity}` defaults to `{set}`, not `{want}`"
                )),
            )),
            None => out.push(missing(ctx, t, want, &client.name, None)),
        },
    }
}

/// The configuration set the mail names, if it names one: the node and, when known, the name.
fn carried<'a>(ctx: &'a Ctx, t: &'a Transport) -> Option<(&'a Node, Option<String>)> {
    if let Some((_, node)) = ctx
        .app
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(HEADER))
    {
        return Some((node, node.text()));
    }
    if t.kind == Kind::SesApi
        && let Some(node) = t
            .ses_options
            .as_ref()
            .and_then(|o| o.get("ConfigurationSetName"))
        && !node.is_null()
    {
        return Some((node, node.text()));
    }
    None
}

/// The spec's default configuration set of the sender's identity (address, then domains).
fn identity_default(ctx: &Ctx) -> Option<(String, String)> {
    let spec = ctx.spec?;
    let from = ctx.app.from.as_ref()?.text()?;
    let address = extract_address(&from)?.to_ascii_lowercase();
    let mut candidates = vec![address.clone()];
    let mut domain = address.split_once('@')?.1.to_string();
    loop {
        candidates.push(domain.clone());
        match domain.split_once('.') {
            Some((_, parent)) if parent.contains('.') => domain = parent.to_string(),
            _ => break,
        }
    }
    candidates.into_iter().find_map(|c| {
        let (name, identity) = spec
            .identities
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&c))?;
        Some((name.clone(), identity.configuration_set.clone()?))
    })
}

/// `Name <a@b.c>` or `a@b.c`.
pub fn extract_address(text: &str) -> Option<String> {
    let text = text.trim();
    let address = match (text.rfind('<'), text.rfind('>')) {
        (Some(l), Some(r)) if l < r => &text[l + 1..r],
        _ => text,
    };
    address.contains('@').then(|| address.trim().to_string())
}

fn missing(
    ctx: &Ctx,
    t: &Transport,
    want: &str,
    client: &str,
    extra: Option<String>,
) -> Diagnostic {
    let message = format!(
        "client `{client}` should send with configuration set `{want}`, but its mail names none: \
         SES publishes no bounce, complaint or delivery events for it"
    );
    let help = match (ctx.app.framework, t.kind) {
        (Framework::Symfony, _) => format!(
            "add `headers: {{ {HEADER}: {want} }}` under framework.mailer in \
             config/packages/mailer.yaml"
        ),
        (Framework::Laravel, Kind::SesApi) => format!(
            "add `'options' => ['ConfigurationSetName' => '{want}']` to the `{}` mailer (or to \
             services.ses)",
            t.name
        ),
        (Framework::Laravel, _) => format!(
            "add the header in a MessageSending listener: \
             $event->message->getHeaders()->addTextHeader('{HEADER}', '{want}')"
        ),
    };
    let mut d = match (ctx.app.framework, &ctx.app.config) {
        (Framework::Symfony, Some(config)) => Diagnostic::new(NAME, Severity::Warning, message)
            .at(ctx.label(config, format!("no {HEADER} header"))),
        _ => ctx.at_transport(NAME, Severity::Warning, t, message, "no configuration set"),
    };
    d = d.with_help(help).with_note(format!(
        "or give the sender identity `configuration_set: {want}` in the spec, so SES applies it \
         by default"
    ));
    if let Some(extra) = extra {
        d = d.with_note(extra);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::extract_address;

    #[test]
    fn addresses() {
        assert_eq!(
            extract_address("Shop <noreply@shop.example>").as_deref(),
            Some("noreply@shop.example")
        );
        assert_eq!(extract_address("a@b.c").as_deref(), Some("a@b.c"));
        assert_eq!(extract_address("nobody"), None);
    }
}
