//! The reads behind `why`, all read-only: GetAccount, GetEmailIdentity (the recipient in the
//! sandbox; the sender's address, domain and parent domains), GetConfigurationSet and its event
//! destinations, GetSuppressedDestination, and the event log (FilterLogEvents).

use serde::Serialize;

use crate::aws::sesv2::{AccountInfo, IdentityStatus, SuppressedDestination};
use crate::aws::{AwsResult, Clients, logs};
use crate::events::read::Reader;
use crate::events::{EventFilter, EventRecord};
use crate::model::{ConfigurationSetState, EventDestinationState};

/// The identity that covers an address, as GetEmailIdentity tells it.
#[derive(Debug, Clone, Serialize)]
pub struct IdentityFacts {
    pub name: String,
    pub status: IdentityStatus,
    /// The identity's default configuration set.
    pub default_set: Option<String>,
}

/// Where the configuration set's name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SetSource {
    Flag,
    Events,
    IdentityDefault,
    Spec,
}

#[derive(Debug, Clone, Serialize)]
pub struct SetFacts {
    pub name: String,
    pub source: SetSource,
    /// `None`: the set does not exist.
    pub state: Option<ConfigurationSetState>,
    pub destinations: Vec<EventDestinationState>,
}

/// Everything `why` read.
#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    pub account: AccountInfo,
    /// In the sandbox only: the verified identity covering the recipient (address or domain).
    pub recipient_identity: Option<Option<IdentityFacts>>,
    /// The sender's address (`--from`, else the newest event's `mail.source`).
    pub sender: Option<String>,
    /// The identity that covers the sender: `None` when no sender is known, `Some(None)` when
    /// no identity covers it.
    pub sender_identity: Option<Option<IdentityFacts>>,
    pub set: Option<SetFacts>,
    pub suppressed: Option<SuppressedDestination>,
    /// The recipient's events, newest first; `None` when the log group does not exist.
    pub history: Option<Vec<EventRecord>>,
}

/// What to look for, beyond the recipient.
pub struct Lookup<'a> {
    pub recipient: &'a str,
    pub message_id: Option<&'a str>,
    pub from: Option<&'a str>,
    pub configuration_set: Option<&'a str>,
    /// A spec's default set (the one client's `configuration_set`), tried last.
    pub spec_set: Option<&'a str>,
    pub log_group: &'a str,
    pub since_ms: i64,
}

/// `a@mail.example.com` -> `a@mail.example.com`, `mail.example.com`, `example.com`: the
/// identities that can cover it, most specific first (a verified domain covers its
/// subdomains).
pub fn covering_names(address: &str) -> Vec<String> {
    let address = address.trim().to_ascii_lowercase();
    let mut names = vec![address.clone()];
    let mut domain = address
        .rsplit_once('@')
        .map_or(address.as_str(), |(_, d)| d);
    if domain != address {
        names.push(domain.to_string());
    }
    while let Some((_, parent)) = domain.split_once('.') {
        if !parent.contains('.') {
            break;
        }
        names.push(parent.to_string());
        domain = parent;
    }
    names
}

async fn covering_identity(clients: &Clients, address: &str) -> AwsResult<Option<IdentityFacts>> {
    for name in covering_names(address) {
        if let Some((state, status)) = clients.ses.get_identity(&name).await? {
            return Ok(Some(IdentityFacts {
                name,
                status,
                default_set: state.configuration_set,
            }));
        }
    }
    Ok(None)
}

/// `Name <a@b>` -> `a@b`.
fn bare(address: &str) -> String {
    let address = address.trim();
    match (address.rfind('<'), address.rfind('>')) {
        (Some(start), Some(end)) if start < end => address[start + 1..end].to_string(),
        _ => address.to_string(),
    }
}

pub async fn gather(clients: &Clients, lookup: &Lookup<'_>) -> AwsResult<Facts> {
    let account = clients.ses.get_account().await?;
    let recipient_identity = if account.sandbox == crate::model::SandboxStatus::Granted {
        None
    } else {
        Some(covering_identity(clients, lookup.recipient).await?)
    };
    let history = read_history(clients, lookup).await?;
    let newest = history.as_ref().and_then(|h| h.first());
    let sender = lookup
        .from
        .map(str::to_string)
        .or_else(|| newest.map(|e| bare(&e.sender)))
        .filter(|s| !s.is_empty());
    let sender_identity = match &sender {
        Some(sender) => Some(covering_identity(clients, sender).await?),
        None => None,
    };
    let from_identity = sender_identity
        .as_ref()
        .and_then(|i| i.as_ref())
        .and_then(|i| i.default_set.clone());
    let set_name = lookup
        .configuration_set
        .map(|s| (s.to_string(), SetSource::Flag))
        .or_else(|| {
            newest
                .and_then(|e| e.configuration_set.clone())
                .map(|s| (s, SetSource::Events))
        })
        .or_else(|| from_identity.map(|s| (s, SetSource::IdentityDefault)))
        .or_else(|| lookup.spec_set.map(|s| (s.to_string(), SetSource::Spec)));
    let set = match set_name {
        Some((name, source)) => {
            let state = clients.ses.get_configuration_set(&name).await?;
            let destinations = if state.is_some() {
                clients.ses.get_event_destinations(&name).await?
            } else {
                Vec::new()
            };
            Some(SetFacts {
                name,
                source,
                state,
                destinations,
            })
        }
        None => None,
    };
    let suppressed = clients
        .ses
        .get_suppressed_destination(lookup.recipient)
        .await?;
    Ok(Facts {
        account,
        recipient_identity,
        sender,
        sender_identity,
        set,
        suppressed,
        history,
    })
}

async fn read_history(
    clients: &Clients,
    lookup: &Lookup<'_>,
) -> AwsResult<Option<Vec<EventRecord>>> {
    let filter = EventFilter {
        recipient: Some(lookup.recipient.to_string()),
        message_id: lookup.message_id.map(str::to_string),
        ..EventFilter::default()
    };
    let mut reader = Reader::new(&clients.logs, lookup.log_group, lookup.since_ms, filter);
    match reader.read_all().await {
        Ok(mut records) => {
            records.reverse();
            Ok(Some(records))
        }
        Err(e) if logs::is_missing_group(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_that_cover_an_address() {
        assert_eq!(
            covering_names("App@Mail.Example.com"),
            ["app@mail.example.com", "mail.example.com", "example.com"]
        );
        assert_eq!(covering_names("example.com"), ["example.com"]);
        assert_eq!(bare("App <app@example.com>"), "app@example.com");
    }
}
