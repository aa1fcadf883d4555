//! `sesform dns`, and the records shown after apply.

use futures::{StreamExt, TryStreamExt, stream};

use super::args::DnsArgs;
use super::session::{self, CliResult, Reported, Session, error};
use super::{GlobalArgs, exit, print_stdout};
use crate::dns::{self, DnsRecord};
use crate::render;
use crate::render::dns::DnsFormat;
use crate::render::style::Style;

pub fn run(global: &GlobalArgs, args: &DnsArgs) -> u8 {
    session::runtime().block_on(async {
        let result: CliResult<u8> = async {
            let session = session::open(global, &args.spec, &args.aws).await?;
            let records = records(&session).await?;
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
/// GetEmailIdentity per domain).
pub async fn records(session: &Session) -> CliResult<Vec<DnsRecord>> {
    let spec = &session.loaded.spec;
    let domains: Vec<&String> = spec
        .identities
        .keys()
        .filter(|n| !n.contains('@'))
        .collect();
    let ses = &session.clients.ses;
    let found: Vec<_> = stream::iter(domains)
        .map(|name| async move { ses.get_identity(name).await })
        .buffered(session.parallelism)
        .try_collect()
        .await
        .map_err(|e| error(format!("reading identities: {e}")))?;
    Ok(found
        .into_iter()
        .flatten()
        .flat_map(|(state, status)| dns::records(&state, &status, &spec.region))
        .collect())
}

pub async fn print_after_apply(session: &Session, style: Style) {
    match records(session).await {
        Ok(records) if !records.is_empty() => {
            print_stdout(&format!(
                "\n{} publish these records at your DNS provider (`sesform dns --format bind|route53` for other formats):\n\n{}",
                style.bold("DNS:"),
                render::dns::render(&records, DnsFormat::Table)
            ));
        }
        Ok(_) => {}
        Err(Reported(_)) => {}
    }
}
