//! Live facts for the online rules (`--online`): what AWS says about the account, read-only.
//!
//! The AWS side (`sesform::aws`) fills a [`LiveFacts`]; the online rules are pure functions
//! over the app, the spec and these facts, so they are tested with hand-built facts.

use std::collections::{BTreeMap, BTreeSet};

use futures::{StreamExt, TryStreamExt, stream};

use crate::aws::Clients;

/// What the online rules need to know about one account and region.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveFacts {
    /// The region these facts are about.
    pub region: String,
    /// SESv2 GetAccount `ProductionAccessEnabled` (false: the sandbox).
    pub production_access_enabled: bool,
    /// GetAccount `SendingEnabled`.
    pub sending_enabled: bool,
    /// GetAccount `SendQuota.MaxSendRate`, messages per second.
    pub max_send_rate: f64,
    /// GetAccount `SendQuota.Max24HourSend`.
    pub max_24h_send: f64,
    /// Identities verified for sending in this region, lower-cased: domains and addresses.
    pub verified_identities: BTreeSet<String>,
    /// IAM access keys of the account, by access key id.
    pub access_keys: BTreeMap<String, AccessKeyFacts>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessKeyFacts {
    /// The IAM user the key belongs to.
    pub user_name: String,
    /// `Status == Active`.
    pub active: bool,
    /// Whether the user's policies allow `ses:SendRawEmail` (what SMTP needs).
    pub user_allows_send_raw_email: bool,
}

impl LiveFacts {
    /// Whether mail from `address` may be sent: the address, its domain or a parent domain
    /// is verified (subdomains inherit a parent domain's verification).
    pub fn is_verified_sender(&self, address: &str) -> bool {
        let address = address.trim().to_ascii_lowercase();
        if self.verified_identities.contains(&address) {
            return true;
        }
        let Some((_, mut domain)) = address.split_once('@') else {
            return false;
        };
        loop {
            if self.verified_identities.contains(domain) {
                return true;
            }
            match domain.split_once('.') {
                Some((_, parent)) if parent.contains('.') => domain = parent,
                _ => return false,
            }
        }
    }
}

/// Why live facts could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnlineError(pub String);

impl std::fmt::Display for OnlineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OnlineError {}

/// Managed policies known to allow `ses:SendRawEmail`; other attached policies are not read.
pub const SENDING_MANAGED_POLICIES: &[&str] = &["AmazonSESFullAccess"];

/// Reads live facts with read-only calls: GetAccount, ListEmailIdentities (verification status
/// comes with the list), and for every IAM user its access keys and whether its inline
/// policies (or a known AWS managed policy) allow `ses:SendRawEmail`.
pub async fn fetch(clients: &Clients, parallelism: usize) -> Result<LiveFacts, OnlineError> {
    let failed = |e: crate::aws::AwsError| OnlineError(format!("reading live facts: {e}"));
    let (account, identities, users) = tokio::join!(
        clients.ses.get_account(),
        clients.ses.list_identities_with_status(),
        clients.iam.list_users("/"),
    );
    let account = account.map_err(failed)?;
    let iam = &clients.iam;
    let per_user: Vec<_> = stream::iter(users.map_err(failed)?)
        .map(|user| async move {
            let keys = iam.list_access_keys(&user).await?;
            let mut allows = iam
                .list_attached_user_policies(&user)
                .await?
                .iter()
                .any(|p| SENDING_MANAGED_POLICIES.contains(&p.as_str()));
            if !allows {
                for policy in iam.list_user_policies(&user).await? {
                    if let Some(document) = iam.get_user_policy(&user, &policy).await? {
                        allows |= policy_allows_send_raw_email(&document);
                    }
                }
            }
            Ok::<_, crate::aws::AwsError>((user, keys, allows))
        })
        .buffer_unordered(parallelism.max(1))
        .try_collect()
        .await
        .map_err(failed)?;
    let mut access_keys = BTreeMap::new();
    for (user, keys, allows) in per_user {
        for key in keys {
            access_keys.insert(
                key.id,
                AccessKeyFacts {
                    user_name: user.clone(),
                    active: key.active,
                    user_allows_send_raw_email: allows,
                },
            );
        }
    }
    Ok(LiveFacts {
        region: clients.region.clone(),
        production_access_enabled: account.sandbox == crate::model::SandboxStatus::Granted,
        sending_enabled: account.state.sending_enabled.unwrap_or(true),
        max_send_rate: account.max_send_rate,
        max_24h_send: account.max_24_hour_send,
        verified_identities: identities
            .map_err(failed)?
            .into_iter()
            .filter(|(_, verified)| *verified)
            .map(|(name, _)| name.to_ascii_lowercase())
            .collect(),
        access_keys,
    })
}

/// Whether a policy document has an Allow statement for `ses:SendRawEmail` (or `ses:*`, `*`).
fn policy_allows_send_raw_email(document: &str) -> bool {
    let Ok(document) = serde_json::from_str::<serde_json::Value>(document) else {
        return false;
    };
    let statements = match &document["Statement"] {
        serde_json::Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    statements.iter().any(|s| {
        let actions = match &s["Action"] {
            serde_json::Value::String(a) => vec![a.clone()],
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        s["Effect"] == "Allow"
            && actions.iter().any(|a| {
                let a = a.to_ascii_lowercase();
                a == "ses:sendrawemail" || a == "ses:*" || a == "*"
            })
    })
}
