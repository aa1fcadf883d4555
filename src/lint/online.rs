//! Live facts for the online rules (`--online`): what AWS says about the account, read-only.
//!
//! SES is regional: each app is checked against the region it actually sends through (its SES
//! host, its `region` option, else AWS_DEFAULT_REGION, else `--region` or the spec's), and the
//! facts of each distinct region are read once. IAM is global, and only the access keys the
//! apps log in with are looked up: GetAccessKeyLastUsed names a key's user, then only that
//! user's keys, policies and groups are read (never a listing of every user).
//!
//! [`needs`] says what to read, [`fetch`] reads it (the AWS calls are in `sesform::aws`), and
//! the online rules are pure functions over the app, the spec and these facts, so they are
//! tested with hand-built facts.

use std::collections::{BTreeMap, BTreeSet};

use futures::{StreamExt, TryStreamExt, stream};

use super::app::{App, Kind, SesHost, Transport};
use super::rules::is_access_key_id;
use crate::aws::iam::{AttachedPolicy, Iam};
use crate::aws::{AwsError, AwsOptions, AwsResult, Clients};
use crate::spec::names::SES_REGIONS;

/// What the online rules know: SES facts per region, IAM facts per access key.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveFacts {
    /// The region of apps whose transports do not say (`--region`, or the spec's).
    pub default_region: String,
    /// SES facts of each region an app sends through.
    pub regions: BTreeMap<String, RegionFacts>,
    /// The access keys the apps log in with, by id; a key that was looked up and is not here
    /// does not exist in the account.
    pub access_keys: BTreeMap<String, AccessKeyFacts>,
}

/// What SES says about the account in one region.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RegionFacts {
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
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessKeyFacts {
    /// The IAM user the key belongs to.
    pub user_name: String,
    /// `Status == Active`.
    pub active: bool,
    /// Whether a policy of the user (inline, attached, or of one of its groups) allows
    /// `ses:SendRawEmail`, what SMTP needs.
    pub user_allows_send_raw_email: bool,
}

impl RegionFacts {
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

impl LiveFacts {
    /// Facts of one region, which is also the default.
    pub fn single(region: RegionFacts) -> LiveFacts {
        LiveFacts {
            default_region: region.region.clone(),
            regions: BTreeMap::from([(region.region.clone(), region)]),
            access_keys: BTreeMap::new(),
        }
    }

    /// The facts of the region a transport sends through; `None` when that is not an SES
    /// region (smtp-endpoint reports it).
    pub fn for_transport(&self, app: &App, t: &Transport) -> Option<&RegionFacts> {
        let region = sending_region(app, t).unwrap_or_else(|| self.default_region.clone());
        self.regions.get(&region)
    }
}

/// The region a transport sends through: the region of its SES SMTP host (for `ses+smtp`, the
/// host its `region` picks), the `region` of the SES API transports, else AWS_DEFAULT_REGION
/// from the app's environment. `None` when nothing says.
pub fn sending_region(app: &App, t: &Transport) -> Option<String> {
    let from_host = t
        .endpoint
        .as_ref()
        .and_then(|e| SesHost::parse(&e.host))
        .map(|h| h.region);
    let from_option = || {
        (t.kind == Kind::SesApi)
            .then(|| t.region.as_ref().and_then(|r| r.text()))
            .flatten()
            .filter(|r| !r.is_empty())
    };
    let from_env = || {
        app.env
            .get("AWS_DEFAULT_REGION")
            .and_then(|v| v.value.as_ref())
            .map(|v| v.as_str().trim().to_string())
            .filter(|r| !r.is_empty())
    };
    from_host.or_else(from_option).or_else(from_env)
}

/// What to read for a set of apps: the SES regions they send through, the access keys their
/// SES SMTP transports log in with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Needs {
    pub regions: BTreeSet<String>,
    pub access_keys: BTreeSet<String>,
}

pub fn needs<'a>(apps: impl IntoIterator<Item = &'a App>, default_region: &str) -> Needs {
    let mut needs = Needs::default();
    for app in apps {
        for t in app.transports.iter().filter(|t| t.is_ses()) {
            match sending_region(app, t) {
                Some(r) if SES_REGIONS.contains(&r.as_str()) => {
                    needs.regions.insert(r);
                }
                Some(_) => {}
                None => {
                    needs.regions.insert(default_region.to_string());
                }
            }
            if t.is_ses_smtp()
                && let Some(key) = t.username.as_ref().and_then(|u| u.str())
                && is_access_key_id(key)
            {
                needs.access_keys.insert(key.to_string());
            }
        }
    }
    needs
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

/// AWS managed policies known to allow `ses:SendRawEmail`; their documents are not read.
/// Other managed policies (AWS or customer) are read with GetPolicy and GetPolicyVersion.
pub use crate::model::SENDING_MANAGED_POLICIES;

/// Reads what `needs` asks for, with read-only calls: per region GetAccount and
/// ListEmailIdentities (verification status comes with the list); per access key
/// GetAccessKeyLastUsed (its user), then per user ListAccessKeys and its policies until one
/// allows `ses:SendRawEmail`.
pub async fn fetch(
    options: &AwsOptions,
    needs: &Needs,
    parallelism: usize,
) -> Result<LiveFacts, OnlineError> {
    let failed = |e: AwsError| OnlineError(format!("reading live facts: {e}"));
    let clients = Clients::connect(options).await.map_err(failed)?;
    let per_region = needs.regions.iter().map(|region| async {
        let regional;
        let ses = if *region == options.region {
            &clients.ses
        } else {
            let mut o = options.clone();
            o.region = region.clone();
            regional = Clients::connect(&o).await?;
            &regional.ses
        };
        let (account, identities) =
            tokio::join!(ses.get_account(), ses.list_identities_with_status());
        let account = account?;
        Ok::<_, AwsError>(RegionFacts {
            region: region.clone(),
            production_access_enabled: account.sandbox == crate::model::SandboxStatus::Granted,
            sending_enabled: account.state.sending_enabled.unwrap_or(true),
            max_send_rate: account.max_send_rate,
            max_24h_send: account.max_24_hour_send,
            verified_identities: identities?
                .into_iter()
                .filter(|(_, verified)| *verified)
                .map(|(name, _)| name.to_ascii_lowercase())
                .collect(),
        })
    });
    let regions = futures::future::try_join_all(per_region)
        .await
        .map_err(failed)?;
    let access_keys = access_keys(&clients.iam, &needs.access_keys, parallelism)
        .await
        .map_err(failed)?;
    Ok(LiveFacts {
        default_region: options.region.clone(),
        regions: regions.into_iter().map(|r| (r.region.clone(), r)).collect(),
        access_keys,
    })
}

/// The owner, status and sending permission of each key that exists.
async fn access_keys(
    iam: &Iam,
    keys: &BTreeSet<String>,
    parallelism: usize,
) -> AwsResult<BTreeMap<String, AccessKeyFacts>> {
    let owners: Vec<(String, Option<String>)> = stream::iter(keys.iter().cloned())
        .map(|key| async move {
            let owner = iam.access_key_owner(&key).await?;
            Ok::<_, AwsError>((key, owner))
        })
        .buffer_unordered(parallelism.max(1))
        .try_collect()
        .await?;
    let users: BTreeSet<String> = owners.iter().filter_map(|(_, u)| u.clone()).collect();
    /// A user, its access keys with their status, and whether it may send.
    type UserFacts = (String, Vec<crate::aws::iam::AccessKey>, bool);
    let per_user: Vec<UserFacts> = stream::iter(users)
        .map(|user| async move {
            let keys = iam.list_access_keys(&user).await?;
            let allows = user_may_send(iam, &user).await?;
            Ok::<_, AwsError>((user, keys, allows))
        })
        .buffer_unordered(parallelism.max(1))
        .try_collect()
        .await?;
    let mut out = BTreeMap::new();
    for (key, owner) in owners {
        let Some(user) = owner else { continue };
        let Some((_, keys, allows)) = per_user.iter().find(|(u, _, _)| *u == user) else {
            continue;
        };
        let active = keys.iter().any(|k| k.id == key && k.active);
        out.insert(
            key,
            AccessKeyFacts {
                user_name: user,
                active,
                user_allows_send_raw_email: *allows,
            },
        );
    }
    Ok(out)
}

/// Whether any policy reaching the user allows `ses:SendRawEmail`: its inline policies, its
/// attached managed policies, then those of its groups; it stops at the first that does.
async fn user_may_send(iam: &Iam, user: &str) -> AwsResult<bool> {
    for name in iam.list_user_policies(user).await? {
        if let Some(doc) = iam.get_user_policy(user, &name).await?
            && policy_allows_send_raw_email(&doc)
        {
            return Ok(true);
        }
    }
    if managed_allows(iam, &iam.list_attached_user_policies(user).await?).await? {
        return Ok(true);
    }
    for group in iam.list_groups_for_user(user).await? {
        for name in iam.list_group_policies(&group).await? {
            if let Some(doc) = iam.get_group_policy(&group, &name).await?
                && policy_allows_send_raw_email(&doc)
            {
                return Ok(true);
            }
        }
        if managed_allows(iam, &iam.list_attached_group_policies(&group).await?).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

async fn managed_allows(iam: &Iam, policies: &[AttachedPolicy]) -> AwsResult<bool> {
    for p in policies {
        let aws_managed = p.arn.contains(":iam::aws:policy/");
        if aws_managed && SENDING_MANAGED_POLICIES.contains(&p.name.as_str()) {
            return Ok(true);
        }
        if let Some(doc) = iam.managed_policy_document(&p.arn).await?
            && policy_allows_send_raw_email(&doc)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether a policy document allows `ses:SendRawEmail`: an Allow statement whose `Action`
/// matches it (wildcards such as `ses:Send*`, `ses:*` and `*` included, case-insensitive) or
/// whose `NotAction` does not, and no Deny statement in the same document that matches it.
pub fn policy_allows_send_raw_email(document: &str) -> bool {
    const ACTION: &str = "ses:sendrawemail";
    let Ok(document) = serde_json::from_str::<serde_json::Value>(document) else {
        return false;
    };
    let statements = match &document["Statement"] {
        serde_json::Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let list = |v: &serde_json::Value| -> Vec<String> {
        match v {
            serde_json::Value::String(a) => vec![a.to_ascii_lowercase()],
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_ascii_lowercase))
                .collect(),
            _ => Vec::new(),
        }
    };
    let applies = |s: &serde_json::Value| {
        let actions = list(&s["Action"]);
        let not_actions = list(&s["NotAction"]);
        if !actions.is_empty() {
            actions.iter().any(|a| wildcard_match(a, ACTION))
        } else {
            !not_actions.is_empty() && !not_actions.iter().any(|a| wildcard_match(a, ACTION))
        }
    };
    let denied = statements
        .iter()
        .any(|s| s["Effect"] == "Deny" && applies(s));
    !denied
        && statements
            .iter()
            .any(|s| s["Effect"] == "Allow" && applies(s))
}

/// IAM's action wildcards: `*` any run of characters, `?` one character.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    // Classic two-pointer glob match with backtracking to the last `*`.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(statements: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":{statements}}}"#)
    }

    #[test]
    fn policies_allow_send_raw_email_with_wildcards() {
        for action in [
            "ses:SendRawEmail",
            "ses:Send*",
            "ses:*",
            "*",
            "SES:sendraw?mail",
        ] {
            let d = doc(&format!(
                r#"[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]"#
            ));
            assert!(policy_allows_send_raw_email(&d), "{action}");
        }
        for action in ["ses:SendEmail", "ses:Get*", "sns:*", "ses:SendRawEmails"] {
            let d = doc(&format!(
                r#"{{"Effect":"Allow","Action":["{action}"],"Resource":"*"}}"#
            ));
            assert!(!policy_allows_send_raw_email(&d), "{action}");
        }
        // NotAction, and a Deny in the same document.
        assert!(policy_allows_send_raw_email(&doc(
            r#"[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]"#
        )));
        assert!(!policy_allows_send_raw_email(&doc(
            r#"[{"Effect":"Allow","Action":"ses:*"},{"Effect":"Deny","Action":"ses:SendRaw*"}]"#
        )));
        assert!(!policy_allows_send_raw_email("not json"));
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("a*c", "abbbc"));
        assert!(wildcard_match("*", ""));
        assert!(!wildcard_match("a*c", "abbb"));
        assert!(wildcard_match("a?c", "abc"));
        assert!(!wildcard_match("a?c", "ac"));
    }

    #[test]
    fn verified_senders_inherit_parent_domains() {
        let facts = RegionFacts {
            verified_identities: ["example.com".to_string()].into(),
            ..RegionFacts::default()
        };
        assert!(facts.is_verified_sender("a@mail.example.com"));
        assert!(!facts.is_verified_sender("a@example.org"));
    }

    #[test]
    fn needs_the_regions_apps_send_through() {
        use crate::lint::testing::symfony_env;
        let app = |dsn: &str| symfony_env(&format!("MAILER_DSN={dsn}\n"), &[]);
        let a = app("ses+smtp://AKIAIOSFODNN7EXAMPLE:p@default?region=eu-central-1");
        let b = app("smtp://AKIAI44QH8DHBEXAMPLE:p@email-smtp.us-west-2.amazonaws.com:587");
        let c = app("ses+api://AKIAI44QH8DHBEXAMPLE:secret@default?region=ap-south-1");
        let d = app("smtp://u:p@smtp.mailgun.org:587");
        let n = needs([&a, &b, &c, &d], "eu-west-1");
        assert_eq!(
            n.regions.into_iter().collect::<Vec<_>>(),
            vec!["ap-south-1", "eu-central-1", "us-west-2"]
        );
        // Only SMTP logins are access keys to check (ses+api's key is an IAM key in use).
        assert_eq!(
            n.access_keys.into_iter().collect::<Vec<_>>(),
            vec!["AKIAI44QH8DHBEXAMPLE", "AKIAIOSFODNN7EXAMPLE"]
        );
        // ses+smtp without a region sends through the bridge's eu-west-1.
        let e = app("ses+smtp://AKIAIOSFODNN7EXAMPLE:p@default");
        assert_eq!(
            sending_region(&e, &e.transports[0]).as_deref(),
            Some("eu-west-1")
        );
    }
}
