//! Live facts for the online rules (`--online`): what AWS says about the account, read-only.
//!
//! The AWS side (`sesform::aws`) fills a [`LiveFacts`]; the online rules are pure functions
//! over the app, the spec and these facts, so they are tested with hand-built facts.

use std::collections::{BTreeMap, BTreeSet};

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

/// Reads live facts for a region. The AWS reader (`sesform::aws::lint_facts`) is not wired in
/// yet; until it is, `--online` stops here with this error.
pub fn fetch(region: &str) -> Result<LiveFacts, OnlineError> {
    Err(OnlineError(format!(
        "--online is not wired yet: reading live SES facts for {region} needs \
         sesform::aws::lint_facts, which is not part of this build; run without --online"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_inherit_verification() {
        let facts = LiveFacts {
            verified_identities: ["example.com".to_string(), "ops@other.org".to_string()].into(),
            ..LiveFacts::default()
        };
        assert!(facts.is_verified_sender("noreply@mail.example.com"));
        assert!(facts.is_verified_sender("NoReply@Example.com"));
        assert!(facts.is_verified_sender("ops@other.org"));
        assert!(!facts.is_verified_sender("sales@other.org"));
        assert!(!facts.is_verified_sender("a@example.org"));
    }
}
