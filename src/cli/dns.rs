//! `sesform dns`, and the records shown after apply.

use futures::{StreamExt, TryStreamExt, stream};

use super::args::DnsArgs;
use super::session::{self, CliResult, Reported, Session, error};
use super::{GlobalArgs, exit, print_stdout};
use crate::dns::{self, DnsRecord};
use crate::render;
use crate::render::style::Style;

pub fn run(global: &GlobalArgs, args: &DnsArgs) -> u8 {
    session::runtime().block_on(async {
        let result: CliResult<u8> = async {
            let session = session::open(global, &args.spec, &args.aws).await?;
            let (records, not_created) = records(&session).await?;
            if !not_created.is_empty() {
                eprintln!(
                    "{}: {} not created yet, so SES has no records for {}: run `sesform apply` first",
                    if records.is_empty() { "error" } else { "warning" },
                    not_created.join(", "),
                    if not_created.len() == 1 { "it" } else { "them" }
                );
                if records.is_empty() {
                    return Ok(exit::FAILURE);
                }
            } else if records.is_empty() {
                eprintln!("No DNS records: the spec has no domain identities.");
                return Ok(exit::SUCCESS);
            }
            print_stdout(&render::dns::render(&records, args.format));
            Ok(exit::SUCCESS)
        }
        .await;
        match result {
            Ok(code) | Err(Reported(code)) => code,
        }
    })
}

/// Records for every domain identity of the spec, as SES reports it now (one
/// GetEmailIdentity per domain), and the domains that do not exist yet.
pub async fn records(session: &Session) -> CliResult<(Vec<DnsRecord>, Vec<String>)> {
    let spec = &session.loaded.spec;
    let domains: Vec<&String> = spec
        .identities
        .keys()
        .filter(|n| !n.contains('@'))
        .collect();
    let ses = &session.clients.ses;
    let found: Vec<_> = stream::iter(domains)
        .map(|name| async move { ses.get_identity(name).await.map(|f| (name, f)) })
        .buffered(session.parallelism)
        .try_collect()
        .await
        .map_err(|e| error(format!("reading identities: {e}")))?;
    let mut records = Vec::new();
    let mut not_created = Vec::new();
    // Where each BYODKIM identity's private key is read from (desired side only), built once.
    let key_sources: std::collections::BTreeMap<String, String> = session
        .desired()
        .into_iter()
        .filter_map(|state| match state {
            crate::model::State::Identity(identity) => {
                let source = identity.dkim?.private_key_from?;
                Some((identity.name, source))
            }
            _ => None,
        })
        .collect();
    for (name, found) in found {
        match found {
            Some((state, status)) => {
                let public_key = key_sources
                    .get(name)
                    .and_then(|source| byodkim_public_key(session, name, source));
                records.extend(dns::records(
                    &state,
                    &status,
                    &spec.region,
                    public_key.as_deref(),
                ))
            }
            None => not_created.push(name.clone()),
        }
    }
    Ok((records, not_created))
}

/// The `p=` value for a BYODKIM identity, from its private key at `source`; `None` (with a
/// warning saying why) when the key cannot be read.
fn byodkim_public_key(session: &Session, name: &str, source: &str) -> Option<String> {
    let derived = crate::dkim::read_private_key(&session.loaded.base_dir, source)
        .and_then(|pem| crate::dkim::public_key(&pem));
    match derived {
        Ok(key) => Some(key),
        Err(why) => {
            eprintln!(
                "warning: identity.{name}: the BYODKIM TXT record is left out, since its public key cannot be derived from the private key ({source}): {why}; make the key readable and run `sesform dns` again"
            );
            None
        }
    }
}

pub async fn print_after_apply(session: &Session, style: Style) {
    match records(session).await {
        Ok((records, _)) if !records.is_empty() => {
            print_stdout(&render::dns::after_apply(&records, style));
        }
        Ok(_) => {}
        Err(Reported(_)) => {}
    }
}
