//! Executes a plan: changes run as soon as what they depend on is done, up to `parallelism` at
//! a time. On the first failure no new change starts; those in flight finish, and the report
//! says exactly what was done, what failed and what never started. Every step is idempotent
//! against what a re-plan would find, so running again after any interruption converges.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::sync::Mutex;

use crate::aws::{AwsError, AwsResult, Clients, ErrorKind};
use crate::credentials;
use crate::model::*;
use crate::plan::{Action, Change, Plan, order};

/// What happened to one change.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Done(Duration),
    Failed(String),
    NotStarted,
}

#[derive(Debug, Clone)]
pub struct Report {
    /// Every pending change of the plan, in plan order, with its outcome.
    pub results: Vec<(Address, Action, Outcome)>,
}

impl Report {
    pub fn succeeded(&self) -> bool {
        self.results
            .iter()
            .all(|(_, _, o)| matches!(o, Outcome::Done(_)))
    }
}

/// Progress, reported as it happens; the CLI decides how to show it.
#[derive(Debug, Clone)]
pub enum Progress<'a> {
    Started(&'a Address, Action),
    Finished(&'a Address, Action, Duration),
    Failed(&'a Address, Action, &'a str),
}

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
    pub fn new(
        clients: &'a Clients,
        plan: &'a Plan,
        base_dir: &Path,
        parallelism: usize,
    ) -> Context<'a> {
        let topic_arns = plan
            .changes
            .iter()
            .filter(|c| c.kind == Kind::SnsTopic)
            .filter_map(|c| {
                Some((
                    c.address.as_str().strip_prefix("sns_topic.")?.to_string(),
                    c.arn.clone()?,
                ))
            })
            .collect();
        Context {
            clients,
            region: &plan.region,
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

    async fn issue_key(&self, user: &SmtpUserState) -> AwsResult<()> {
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
    async fn recover_interrupted_key(&self, user: &SmtpUserState) -> AwsResult<bool> {
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

    async fn account_id(&self) -> AwsResult<String> {
        self.clients.sts.account_id().await
    }

    async fn topic_arn(&self, name: &str) -> AwsResult<String> {
        if let Some(arn) = self.topic_arns.lock().await.get(name) {
            return Ok(arn.clone());
        }
        Ok(format!(
            "arn:{}:sns:{}:{}:{name}",
            partition(self.region),
            self.region,
            self.account_id().await?
        ))
    }
}

fn partition(region: &str) -> &'static str {
    if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("cn-") {
        "aws-cn"
    } else {
        "aws"
    }
}

/// Applies the pending changes of `plan`.
pub async fn apply(plan: &Plan, ctx: &Context<'_>, progress: &(dyn Fn(Progress) + Sync)) -> Report {
    let changes: Vec<&Change> = plan.pending().collect();
    let owned: Vec<Change> = changes.iter().map(|c| (*c).clone()).collect();
    let deps = order::dependencies(&owned);
    let mut outcomes: Vec<Option<Outcome>> = vec![None; changes.len()];
    let mut started = vec![false; changes.len()];
    let mut stop = false;
    let mut running = FuturesUnordered::new();

    loop {
        if !stop {
            for i in 0..changes.len() {
                if running.len() >= ctx.parallelism {
                    break;
                }
                let ready = !started[i]
                    && deps[i]
                        .iter()
                        .all(|&d| matches!(outcomes[d], Some(Outcome::Done(_))));
                if ready {
                    started[i] = true;
                    let change = changes[i];
                    progress(Progress::Started(&change.address, change.action));
                    running.push(async move {
                        let start = Instant::now();
                        (i, execute(change, ctx).await, start.elapsed())
                    });
                }
            }
        }
        let Some((i, result, elapsed)) = running.next().await else {
            break;
        };
        let change = changes[i];
        outcomes[i] = Some(match result {
            Ok(()) => {
                progress(Progress::Finished(&change.address, change.action, elapsed));
                Outcome::Done(elapsed)
            }
            Err(e) => {
                let message = e.to_string();
                progress(Progress::Failed(&change.address, change.action, &message));
                stop = true;
                Outcome::Failed(message)
            }
        });
    }
    Report {
        results: changes
            .iter()
            .zip(outcomes)
            .map(|(c, o)| {
                (
                    c.address.clone(),
                    c.action,
                    o.unwrap_or(Outcome::NotStarted),
                )
            })
            .collect(),
    }
}

fn mismatch(change: &Change) -> AwsError {
    AwsError {
        kind: ErrorKind::Invalid,
        operation: "apply".into(),
        resource: change.address.to_string(),
        message: "the plan's change does not match its resource kind; make a new plan".into(),
    }
}

async fn execute(change: &Change, ctx: &Context<'_>) -> AwsResult<()> {
    if change.action == Action::Replace {
        // Delete, then create: a re-run after a failure in between plans a plain create.
        let delete = Change {
            action: Action::Delete,
            after: None,
            ..change.clone()
        };
        let create = Change {
            action: Action::Create,
            before: None,
            ..change.clone()
        };
        Box::pin(execute(&delete, ctx)).await?;
        return Box::pin(execute(&create, ctx)).await;
    }
    let c = ctx.clients;
    match (&change.before, &change.after, change.action) {
        (_, Some(State::Account(after)), _) => {
            let before = match &change.before {
                Some(State::Account(b)) => b.clone(),
                _ => AccountState::default(),
            };
            apply_account(ctx, &before, after).await
        }
        (_, Some(State::Identity(after)), Action::Create) => {
            let key = load_private_key(ctx, after)?;
            c.ses
                .create_identity(after, key.as_deref())
                .await
                .or_else(already_exists)?;
            // What CreateEmailIdentity leaves at AWS defaults (DKIM signing on, no MAIL FROM,
            // feedback forwarding on) is set next.
            let created = IdentityState {
                mail_from: None,
                feedback_forwarding: true,
                dkim: after.dkim.clone().map(|dkim| DkimState {
                    signing_enabled: true,
                    ..dkim
                }),
                ..after.clone()
            };
            c.ses
                .update_identity(&created, after, key.as_deref(), "")
                .await
        }
        (Some(State::Identity(before)), Some(State::Identity(after)), _) => {
            let key = if before.dkim.as_ref().map(|d| (&d.origin, &d.selector))
                != after.dkim.as_ref().map(|d| (&d.origin, &d.selector))
            {
                load_private_key(ctx, after)?
            } else {
                None
            };
            let account = if before.tags != after.tags {
                ctx.account_id().await?
            } else {
                String::new()
            };
            c.ses
                .update_identity(before, after, key.as_deref(), &account)
                .await
        }
        (Some(State::Identity(before)), None, Action::Delete) => {
            c.ses.delete_identity(&before.name).await
        }

        (_, Some(State::ConfigurationSet(after)), Action::Create) => c
            .ses
            .create_configuration_set(after)
            .await
            .or_else(already_exists),
        (Some(State::ConfigurationSet(before)), Some(State::ConfigurationSet(after)), _) => {
            let account = if before.tags != after.tags {
                ctx.account_id().await?
            } else {
                String::new()
            };
            c.ses
                .update_configuration_set(before, after, &account)
                .await
        }
        (Some(State::ConfigurationSet(before)), None, Action::Delete) => {
            c.ses.delete_configuration_set(&before.name).await
        }

        (_, Some(State::EventDestination(after)), action) => {
            let topic_arn = match &after.target {
                Target::SnsTopic(arn) if arn.starts_with("arn:") => Some(arn.clone()),
                Target::SnsTopic(name) => Some(ctx.topic_arn(name).await?),
                _ => None,
            };
            let account = match &after.target {
                Target::EventBridge(bus) if bus.is_default() => ctx.account_id().await?,
                _ => String::new(),
            };
            let create = action == Action::Create;
            match c
                .ses
                .put_event_destination(after, create, topic_arn.as_deref(), &account)
                .await
            {
                // Created by an interrupted earlier run: update it instead.
                Err(e) if create && e.kind == ErrorKind::AlreadyExists => {
                    c.ses
                        .put_event_destination(after, false, topic_arn.as_deref(), &account)
                        .await
                }
                other => other,
            }
        }
        (Some(State::EventDestination(before)), None, Action::Delete) => {
            c.ses
                .delete_event_destination(&before.configuration_set, &before.name)
                .await
        }

        (_, Some(State::SnsTopic(after)), Action::Create) => {
            let arn = c.sns.create_topic(&after.name, &after.tags).await?;
            ctx.topic_arns.lock().await.insert(after.name.clone(), arn);
            Ok(())
        }
        (Some(State::SnsTopic(before)), Some(State::SnsTopic(after)), _) => {
            let arn = ctx.topic_arn(&after.name).await?;
            c.sns.retag(&arn, &before.tags, &after.tags).await
        }
        (Some(State::SnsTopic(before)), None, Action::Delete) => {
            let arn = match &change.arn {
                Some(arn) => arn.clone(),
                None => ctx.topic_arn(&before.name).await?,
            };
            c.sns.delete_topic(&arn).await
        }

        (_, Some(State::SnsSubscription(after)), Action::Create) => {
            let topic = ctx.topic_arn(&after.topic).await?;
            c.sns
                .subscribe(
                    &topic,
                    &after.protocol,
                    &after.endpoint,
                    after.raw_message_delivery,
                )
                .await
        }
        (Some(State::SnsSubscription(_)), Some(State::SnsSubscription(after)), _) => {
            match &change.arn {
                Some(arn) => {
                    c.sns
                        .set_raw_message_delivery(arn, after.raw_message_delivery)
                        .await
                }
                None => Ok(()),
            }
        }
        (Some(State::SnsSubscription(_)), None, Action::Delete) => match &change.arn {
            Some(arn) => c.sns.unsubscribe(arn).await,
            None => Ok(()),
        },

        (_, Some(State::SmtpUser(after)), Action::Create) => {
            c.iam
                .create_user(&after.name, &after.path, &after.tags)
                .await
                .or_else(already_exists)?;
            if let Some(policy) = &after.policy {
                c.iam
                    .put_user_policy(&after.name, SMTP_POLICY_NAME, policy)
                    .await?;
            }
            if after.access_key.as_deref() == Some(KEY_ACTIVE) {
                ctx.issue_key(after).await?;
            }
            Ok(())
        }
        (Some(State::SmtpUser(before)), Some(State::SmtpUser(after)), _) => {
            if before.path != after.path {
                c.iam.set_path(&after.name, &after.path).await?;
                c.iam.retag(&after.name, &before.tags, &after.tags).await?;
                // Re-assert every tag after a move: IAM keeps them, but some IAM emulators
                // (moto 5) drop them, and TagUser with the same tags is a no-op.
                c.iam.retag(&after.name, &Tags::new(), &after.tags).await?;
            } else if before.tags != after.tags {
                c.iam.retag(&after.name, &before.tags, &after.tags).await?;
            }
            if before.policy != after.policy {
                match &after.policy {
                    Some(policy) => {
                        c.iam
                            .put_user_policy(&after.name, SMTP_POLICY_NAME, policy)
                            .await?
                    }
                    None => {
                        c.iam
                            .delete_user_policy(&after.name, SMTP_POLICY_NAME)
                            .await?
                    }
                }
            }
            if after.access_key.as_deref() == Some(KEY_ACTIVE)
                && before.access_key != after.access_key
            {
                let adopted = before.access_key.as_deref() == Some(KEY_INTERRUPTED)
                    && ctx.recover_interrupted_key(after).await?;
                if !adopted {
                    ctx.issue_key(after).await?;
                }
            }
            Ok(())
        }
        (Some(State::SmtpUser(before)), None, Action::Delete) => {
            c.iam.delete_user(&before.name, SMTP_POLICY_NAME).await
        }
        _ => Err(mismatch(change)),
    }
}

fn already_exists(e: AwsError) -> AwsResult<()> {
    // Created by an interrupted earlier run; the attributes are set by what follows.
    if e.kind == ErrorKind::AlreadyExists {
        Ok(())
    } else {
        Err(e)
    }
}

async fn apply_account(
    ctx: &Context<'_>,
    before: &AccountState,
    after: &AccountState,
) -> AwsResult<()> {
    let ses = &ctx.clients.ses;
    if let Some(enabled) = after.sending_enabled
        && before.sending_enabled != Some(enabled)
    {
        ses.put_account_sending(enabled).await?;
    }
    if let Some(reasons) = &after.suppression
        && before.suppression.as_ref() != Some(reasons)
    {
        ses.put_account_suppression(reasons).await?;
    }
    if let Some(request) = &after.production_access
        && before.production_access.as_ref() != Some(request)
        && let Err(e) = ses.put_account_details(request).await
    {
        if e.kind != ErrorKind::Conflict {
            return Err(e);
        }
        // Which case to answer: one more read, only on this error.
        let case = match ses.get_account().await.ok().and_then(|a| a.case_id) {
            Some(id) => format!("support case {id}"),
            None => "support case of the review".into(),
        };
        return Err(AwsError {
            message: format!(
                "{}; AWS takes no new production access request while a review is pending or after a denial: reply on the {case} in the AWS Support Center (https://console.aws.amazon.com/support/home) to ask for a new review",
                e.message
            ),
            ..e
        });
    }
    Ok(())
}

/// Reads a BYODKIM private key from where the spec says; the key itself never leaves here
/// except to SES.
fn load_private_key(ctx: &Context<'_>, identity: &IdentityState) -> AwsResult<Option<String>> {
    let Some(source) = identity
        .dkim
        .as_ref()
        .and_then(|d| d.private_key_from.as_deref())
    else {
        return Ok(None);
    };
    crate::dkim::read_private_key(&ctx.base_dir, source)
        .map(Some)
        .map_err(|message| AwsError {
            kind: ErrorKind::Config,
            operation: "read BYODKIM key".into(),
            resource: identity.name.clone(),
            message,
        })
}
