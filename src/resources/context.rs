//! What apply steps share while a plan runs: the clients, topic ARNs learnt on the way, and
//! the SMTP credentials issued.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tokio::sync::Mutex;

use crate::aws::{AwsError, AwsResult, Clients, ErrorKind};
use crate::credentials;
use crate::model::{Address, IdentityState, SmtpUserState, arn};

pub struct Context<'a> {
    pub clients: &'a Clients,
    pub region: &'a str,
    /// Directory that relative paths in the spec (BYODKIM key files) start from.
    pub base_dir: PathBuf,
    pub parallelism: usize,
    /// Print new SMTP credentials whose destination is standard output.
    pub show_secrets: bool,
    topic_arns: Mutex<BTreeMap<String, String>>,
    issued: Mutex<Vec<credentials::Issued>>,
}

impl<'a> Context<'a> {
    /// `topic_arns` are the ARNs of the plan's existing topics, by address.
    pub fn new<'p>(
        clients: &'a Clients,
        region: &'a str,
        topic_arns: impl IntoIterator<Item = (&'p Address, &'p str)>,
        base_dir: &Path,
        parallelism: usize,
    ) -> Context<'a> {
        let topic_arns = topic_arns
            .into_iter()
            .filter_map(|(address, arn)| {
                Some((
                    address.as_str().strip_prefix("sns_topic.")?.to_string(),
                    arn.to_string(),
                ))
            })
            .collect();
        Context {
            clients,
            region,
            base_dir: base_dir.to_path_buf(),
            parallelism: parallelism.max(1),
            show_secrets: false,
            topic_arns: Mutex::new(topic_arns),
            issued: Mutex::new(Vec::new()),
        }
    }

    /// Keys issued during the apply, for the caller to report.
    pub async fn take_issued(&self) -> Vec<credentials::Issued> {
        std::mem::take(&mut *self.issued.lock().await)
    }

    pub(super) async fn issue_key(&self, user: &SmtpUserState) -> AwsResult<()> {
        let Some(target) = &user.credentials else {
            return Ok(());
        };
        let request = credentials::IssueRequest {
            user: &user.name,
            target,
            region: self.region,
            base_dir: &self.base_dir,
            show_secrets: self.show_secrets,
        };
        let issued = credentials::issue(&self.clients.iam, &request).await?;
        self.issued.lock().await.push(issued);
        Ok(())
    }

    /// Finishes what an interrupted run left (see [`credentials::recover`]): true when the key
    /// it created had been written out and is now recorded, so no new key is needed. Keys
    /// created elsewhere are kept; the plan reports them.
    pub(super) async fn recover_interrupted_key(&self, user: &SmtpUserState) -> AwsResult<bool> {
        let iam = &self.clients.iam;
        let Some(live) = iam.get_user(&user.name).await? else {
            return Ok(false);
        };
        let keys = iam.list_access_keys(&user.name).await?;
        let file = user
            .credentials
            .as_ref()
            .and_then(|t| credentials::target_file(t, &self.base_dir));
        let recovery =
            credentials::recover(iam, &user.name, &live.tags, &keys, file.as_deref()).await?;
        Ok(recovery.is_some_and(|r| r.adopted.is_some()))
    }

    pub(super) async fn account_id(&self) -> AwsResult<String> {
        self.clients.sts.account_id().await
    }

    /// The account id when `needed` (tagging SES resources takes their ARN), else empty.
    pub(super) async fn account_id_if(&self, needed: bool) -> AwsResult<String> {
        if needed {
            self.account_id().await
        } else {
            Ok(String::new())
        }
    }

    pub(super) async fn topic_arn(&self, name: &str) -> AwsResult<String> {
        if let Some(arn) = self.topic_arns.lock().await.get(name) {
            return Ok(arn.clone());
        }
        Ok(arn("sns", self.region, &self.account_id().await?, name))
    }

    pub(super) async fn created_topic(&self, name: &str, arn: String) {
        self.topic_arns.lock().await.insert(name.to_string(), arn);
    }

    /// Reads a BYODKIM private key from where the spec says; the key itself never leaves here
    /// except to SES.
    pub(super) fn private_key(&self, identity: &IdentityState) -> AwsResult<Option<String>> {
        let Some(source) = identity
            .dkim
            .as_ref()
            .and_then(|d| d.private_key_from.as_deref())
        else {
            return Ok(None);
        };
        crate::dkim::read_private_key(&self.base_dir, source)
            .map(Some)
            .map_err(|message| AwsError {
                kind: ErrorKind::Config,
                operation: "read BYODKIM key".into(),
                resource: identity.name.clone(),
                message,
            })
    }
}
