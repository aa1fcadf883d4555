//! AWS -> live model: reads what the plan needs, concurrently, and sorts what it finds into
//! resources the spec declares, resources this stack manages that the spec no longer declares
//! ("orphans"), and everything else ("unmanaged", never touched). `export` reads through here
//! too ([`ReadOptions::everything`]): every resource of the region, whoever owns it.

use std::collections::{BTreeMap, BTreeSet};

use futures::{StreamExt, TryStreamExt, stream};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::aws::iam::{AccessKey, LiveUser};
use crate::aws::sesv2::{AccountInfo, IdentityStatus};
use crate::aws::{AwsResult, Clients};
use crate::model::*;

/// What `read` found.
#[derive(Debug, Clone, Default)]
pub struct Live {
    /// The account read (STS GetCallerIdentity); set by the caller of [`read`].
    pub account_id: String,
    /// Resources that exist, by address: those the spec declares and this stack's orphans
    /// (every one read, when reading everything for `export`).
    pub resources: BTreeMap<Address, State>,
    /// Addresses of existing resources that belong to this stack but are not in the spec.
    pub orphans: BTreeSet<Address>,
    /// Existing resources neither in the spec nor tagged by this stack.
    pub unmanaged: BTreeSet<Address>,
    pub account: Option<AccountInfo>,
    pub identity_status: BTreeMap<String, IdentityStatus>,
    pub topic_arns: BTreeMap<String, String>,
    /// Every topic of the account (ListTopics), name by ARN: resolves targets given by ARN.
    pub own_topics: BTreeMap<String, String>,
    /// Subscription ARNs by address; `PendingConfirmation` ones are absent.
    pub subscription_arns: BTreeMap<Address, String>,
    pub users: BTreeMap<String, LiveUser>,
    /// Access keys of the users sesform manages, by user name.
    pub access_keys: BTreeMap<String, Vec<AccessKey>>,
    /// Read for export only: the policies other than sesform's own that reach each user
    /// (inline and attached), by user name.
    pub other_policies: BTreeMap<String, Vec<UserPolicy>>,
}

/// A policy that reaches a user: `inline policy NAME` or `attached policy NAME`, and its
/// document as canonical JSON (`None` when it could not be read).
#[derive(Debug, Clone, PartialEq)]
pub struct UserPolicy {
    pub label: String,
    pub document: Option<String>,
}

/// What an AWS managed policy that allows sending (AmazonSESFullAccess) amounts to: known by
/// name, never read.
const SENDS_ANYTHING: &str =
    r#"{"Statement":[{"Effect":"Allow","Action":"ses:*","Resource":"*"}]}"#;

/// Ownership of a live taggable resource, from its tags. The `sesform:` namespace is sesform's
/// own, so the stack tag alone decides: a `managed-by` tag removed by hand is drift to repair,
/// not a reason to disown the resource.
pub fn owned_by(tags: &Tags, stack: &str) -> bool {
    tags.get(STACK_TAG).is_some_and(|v| v == stack)
}

pub struct ReadOptions<'a> {
    pub stack: &'a str,
    pub parallelism: usize,
    /// Read the account (GetAccount): only when the spec manages account settings.
    pub account: bool,
    /// Extra IAM paths to look for SMTP users under.
    pub user_paths: BTreeSet<String>,
    /// Credentials files by SMTP user, to recognise the key a run wrote out.
    pub credential_files: BTreeMap<String, std::path::PathBuf>,
    /// Where the read is, per kind, for progress output.
    pub tally: &'a Tally,
    /// A partial read (`plan --target`): only the desired resources are looked up, by name,
    /// with no listing (SNS topics excepted: they are found by name in ListTopics).
    pub partial: bool,
    /// Read everything for `export`: every resource is kept, whoever owns it, with the
    /// destinations of every set, the subscriptions of every topic, and every user under `/`
    /// with the policies that reach it (no access keys).
    pub everything: bool,
}

/// Resources read so far and to read, per kind (`identities`, `topics`...), for progress.
#[derive(Debug, Default)]
pub struct Tally {
    kinds: std::sync::Mutex<Vec<(&'static str, u64, u64)>>,
}

impl Tally {
    fn update(&self, kind: &'static str, change: impl FnOnce(&mut (&'static str, u64, u64))) {
        let mut kinds = self.kinds.lock().unwrap_or_else(|e| e.into_inner());
        let index = kinds
            .iter()
            .position(|(k, _, _)| *k == kind)
            .unwrap_or_else(|| {
                kinds.push((kind, 0, 0));
                kinds.len() - 1
            });
        change(&mut kinds[index]);
    }

    /// Kinds in the order first seen: (kind, read, to read).
    pub fn snapshot(&self) -> Vec<(&'static str, u64, u64)> {
        self.kinds.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Reads live state for the desired resources, with bounded concurrency per service and the
/// three services in parallel.
pub async fn read(
    clients: &Clients,
    desired: &[State],
    options: &ReadOptions<'_>,
) -> AwsResult<Live> {
    let wanted: BTreeSet<Address> = desired.iter().map(State::address).collect();
    let limit = Limit {
        permits: Semaphore::new(options.parallelism),
        parallelism: options.parallelism,
        tally: options.tally,
    };
    let (ses, sns, iam, event_log) = tokio::join!(
        read_ses(clients, &wanted, options, &limit),
        read_sns(clients, &wanted, options, &limit),
        read_iam(clients, &wanted, options, &limit),
        read_event_log(clients, &wanted, options, &limit),
    );
    let mut live = Live::default();
    for part in [ses?, sns?, iam?, event_log?] {
        live.resources.extend(part.resources);
        live.orphans.extend(part.orphans);
        live.unmanaged.extend(part.unmanaged);
        live.identity_status.extend(part.identity_status);
        live.topic_arns.extend(part.topic_arns);
        live.own_topics.extend(part.own_topics);
        live.subscription_arns.extend(part.subscription_arns);
        live.users.extend(part.users);
        live.access_keys.extend(part.access_keys);
        live.other_policies.extend(part.other_policies);
        live.account = live.account.or(part.account);
    }
    // Destinations name this account's topics, like the spec does; other topics keep their ARN.
    for state in live.resources.values_mut() {
        if let State::EventDestination(EventDestinationState {
            target: Target::SnsTopic(topic),
            ..
        }) = state
        {
            *topic = Target::own_topic(topic, &live.own_topics);
        }
    }
    Ok(live)
}

/// The names of the wanted addresses of one kind (`identity.`).
fn named(wanted: &BTreeSet<Address>, prefix: &str) -> Vec<String> {
    wanted
        .iter()
        .filter_map(|a| a.as_str().strip_prefix(prefix).map(str::to_string))
        .collect()
}

/// Tagged by another sesform stack.
fn other_stack(tags: &Tags, stack: &str) -> bool {
    tags.get(STACK_TAG).is_some_and(|s| s != stack)
}

/// At most `parallelism` requests in flight across the three services.
struct Limit<'a> {
    permits: Semaphore,
    parallelism: usize,
    tally: &'a Tally,
}

impl Limit<'_> {
    async fn run<T>(&self, work: impl Future<Output = AwsResult<T>>) -> AwsResult<T> {
        let _permit = self.permits.acquire().await.expect("never closed");
        work.await
    }

    /// `work` for every item, concurrently within the limit, counted under `kind`.
    async fn each<I, T, Fut>(
        &self,
        kind: &'static str,
        items: I,
        work: impl Fn(I::Item) -> Fut,
    ) -> AwsResult<Vec<T>>
    where
        I: IntoIterator,
        Fut: Future<Output = AwsResult<T>>,
    {
        let items: Vec<I::Item> = items.into_iter().collect();
        self.tally
            .update(kind, |entry| entry.2 += items.len() as u64);
        stream::iter(items)
            .map(|item| {
                let work = work(item);
                self.run(async move {
                    let done = work.await;
                    self.tally.update(kind, |entry| entry.1 += 1);
                    done
                })
            })
            .buffer_unordered(self.parallelism)
            .try_collect()
            .await
    }
}

/// Sorts one taggable resource into spec / orphan / unmanaged; true when it is kept in
/// `resources` (always, when reading everything).
fn classify(
    live: &mut Live,
    state: State,
    wanted: &BTreeSet<Address>,
    options: &ReadOptions,
) -> bool {
    let address = state.address();
    let owned = state.tags().is_some_and(|t| owned_by(t, options.stack));
    if wanted.contains(&address) {
        live.resources.insert(address, state);
        true
    } else if owned {
        live.orphans.insert(address.clone());
        live.resources.insert(address, state);
        true
    } else {
        live.unmanaged.insert(address.clone());
        if options.everything {
            live.resources.insert(address, state);
        }
        options.everything
    }
}

async fn read_ses(
    clients: &Clients,
    wanted: &BTreeSet<Address>,
    options: &ReadOptions<'_>,
    limit: &Limit<'_>,
) -> AwsResult<Live> {
    let ses = &clients.ses;
    let mut live = Live::default();
    let (account, identities, sets) = tokio::join!(
        limit.run(async {
            if options.account {
                ses.get_account().await.map(Some)
            } else {
                Ok(None)
            }
        }),
        limit.run(async {
            match options.partial {
                true => Ok(named(wanted, "identity.")),
                false => ses.list_identities().await,
            }
        }),
        limit.run(async {
            match options.partial {
                true => Ok(named(wanted, "configuration_set.")),
                false => ses.list_configuration_sets().await,
            }
        }),
    );
    live.account = account?;

    let identities: Vec<_> = limit
        .each("identities", identities?, |name| async move {
            ses.get_identity(&name).await
        })
        .await?;
    for (state, status) in identities.into_iter().flatten() {
        let name = state.name.clone();
        if classify(&mut live, State::Identity(state), wanted, options) {
            live.identity_status.insert(name, status);
        }
    }

    let sets: Vec<_> = limit
        .each("configuration sets", sets?, |name| async move {
            ses.get_configuration_set(&name).await
        })
        .await?;
    let mut managed_sets = Vec::new();
    for set in sets.into_iter().flatten() {
        let name = set.name.clone();
        // Another stack's set of the same name: its destinations are not this stack's.
        let orphan = !options.everything
            && (!wanted.contains(&Address::configuration_set(&name))
                || other_stack(&set.tags, options.stack));
        if classify(&mut live, State::ConfigurationSet(set), wanted, options) && !orphan {
            managed_sets.push(name);
        }
    }
    // Destinations are read only for sets in the spec: an orphan set's destinations go with it.
    let destinations: Vec<_> = limit
        .each("event destination lists", managed_sets, |name| async move {
            ses.get_event_destinations(&name).await
        })
        .await?;
    for destination in destinations.into_iter().flatten() {
        let state = State::EventDestination(destination);
        let address = state.address();
        if !wanted.contains(&address) {
            live.orphans.insert(address.clone());
        }
        live.resources.insert(address, state);
    }
    Ok(live)
}

/// The stack's event log: its rule (by the stack's name for it), the log groups the spec and
/// the rule name, and the stack's resource policy. One DescribeRule when there is no event log
/// in the spec and none in AWS.
async fn read_event_log(
    clients: &Clients,
    wanted: &BTreeSet<Address>,
    options: &ReadOptions<'_>,
    limit: &Limit<'_>,
) -> AwsResult<Live> {
    let mut live = Live::default();
    let wants_log = wanted.iter().any(|a| {
        ["event_rule.", "log_group.", "log_policy."]
            .iter()
            .any(|kind| a.as_str().starts_with(kind))
    });
    if options.partial && !wants_log {
        return Ok(live);
    }
    let rule_name = event_log::rule_name(options.stack);
    let rule = limit.run(clients.events.rule(&rule_name)).await?;
    if rule.is_none() && !wants_log {
        return Ok(live);
    }
    let mut groups: BTreeSet<String> = named(wanted, "log_group.").into_iter().collect();
    let target = rule
        .as_ref()
        .and_then(|r| r.target(event_log::TARGET_ID))
        .map(str::to_string);
    if let Some(name) = target.as_deref().and_then(event_log::log_group_of) {
        groups.insert(name.to_string());
    }
    let (found, policies) = tokio::join!(
        limit.each("log groups", groups, |name| async move {
            clients.logs.log_group(&name).await
        }),
        limit.run(clients.logs.resource_policies()),
    );
    for group in found?.into_iter().flatten() {
        let state = State::LogGroup(LogGroupState {
            name: group.name,
            retention_days: group.retention_days.and_then(|d| u32::try_from(d).ok()),
            tags: group.tags,
        });
        classify(&mut live, state, wanted, options);
    }
    if let Some(rule) = rule {
        let state = State::EventRule(EventRuleState {
            name: rule.name,
            event_pattern: event_log::canonical_pattern(&rule.pattern),
            enabled: rule.enabled,
            log_group: target.unwrap_or_default(),
            tags: rule.tags,
        });
        classify(&mut live, state, wanted, options);
    }
    // Untagged: the stack's by its name.
    let policy_name = event_log::policy_name(options.stack);
    if let Some((name, document)) = policies?.into_iter().find(|(name, _)| *name == policy_name) {
        let (log_group, rule, standard_document) =
            event_log::read_policy(&document).unwrap_or_default();
        let state = State::LogPolicy(LogPolicyState {
            name,
            log_group,
            rule,
            standard_document,
        });
        let address = state.address();
        if !wanted.contains(&address) {
            live.orphans.insert(address.clone());
        }
        live.resources.insert(address, state);
    }
    Ok(live)
}

async fn read_sns(
    clients: &Clients,
    wanted: &BTreeSet<Address>,
    options: &ReadOptions<'_>,
    limit: &Limit<'_>,
) -> AwsResult<Live> {
    let sns = &clients.sns;
    let mut live = Live::default();
    // A partial read with no topic and no event destination has nothing to look up in SNS.
    if options.partial
        && !wanted
            .iter()
            .any(|a| a.as_str().starts_with("sns_") || a.as_str().starts_with("event_destination."))
    {
        return Ok(live);
    }
    let mut arns = limit.run(sns.list_topics()).await?;
    if options.partial {
        // Every topic of the account still resolves targets given by ARN.
        for arn in &arns {
            let name = topic_name(arn).to_string();
            live.own_topics.insert(arn.clone(), name);
        }
        arns.retain(|arn| wanted.contains(&Address::sns_topic(topic_name(arn))));
    }
    let topics: Vec<(String, Tags)> = limit
        .each("topics", arns, |arn| async move {
            sns.tags(&arn).await.map(|tags| (arn, tags))
        })
        .await?;
    let mut in_spec = Vec::new();
    for (arn, tags) in topics {
        let name = topic_name(&arn).to_string();
        live.own_topics.insert(arn.clone(), name.clone());
        let orphan = !options.everything
            && (!wanted.contains(&Address::sns_topic(&name)) || other_stack(&tags, options.stack));
        if classify(
            &mut live,
            State::SnsTopic(TopicState {
                name: name.clone(),
                tags,
            }),
            wanted,
            options,
        ) {
            live.topic_arns.insert(name.clone(), arn.clone());
            if !orphan {
                in_spec.push((name, arn));
            }
        }
    }
    // Subscriptions of spec topics; deleting an orphan topic removes its subscriptions.
    read_subscriptions(clients, in_spec, wanted, options, limit, &mut live).await?;
    Ok(live)
}

/// The subscriptions of `topics` (name, ARN), and the attributes of the confirmed ones this
/// read needs.
async fn read_subscriptions(
    clients: &Clients,
    topics: Vec<(String, String)>,
    wanted: &BTreeSet<Address>,
    options: &ReadOptions<'_>,
    limit: &Limit<'_>,
    live: &mut Live,
) -> AwsResult<()> {
    let sns = &clients.sns;
    let subscriptions: Vec<_> = limit
        .each("subscription lists", topics, |(name, arn)| async move {
            sns.subscriptions(&arn).await.map(|subs| (name, subs))
        })
        .await?;
    let mut attribute_reads = Vec::new();
    for (topic, subs) in subscriptions {
        for sub in subs {
            let state = SubscriptionState {
                topic: topic.clone(),
                protocol: sub.protocol.clone(),
                endpoint: sub.endpoint.clone(),
                raw_message_delivery: false,
            };
            let address = State::SnsSubscription(state.clone()).address();
            if !wanted.contains(&address) {
                live.orphans.insert(address.clone());
            }
            if sub.confirmed() {
                live.subscription_arns
                    .insert(address.clone(), sub.arn.clone());
                if wanted.contains(&address) || options.everything {
                    attribute_reads.push((address.clone(), sub.arn.clone()));
                }
            }
            live.resources
                .insert(address, State::SnsSubscription(state));
        }
    }
    let raw: Vec<(Address, bool)> = limit
        .each(
            "subscriptions",
            attribute_reads,
            |(address, arn)| async move {
                sns.raw_message_delivery(&arn)
                    .await
                    .map(|raw| (address, raw))
            },
        )
        .await?;
    for (address, raw) in raw {
        if let Some(State::SnsSubscription(s)) = live.resources.get_mut(&address) {
            s.raw_message_delivery = raw;
        }
    }
    Ok(())
}

async fn read_iam(
    clients: &Clients,
    wanted: &BTreeSet<Address>,
    options: &ReadOptions<'_>,
    limit: &Limit<'_>,
) -> AwsResult<Live> {
    let iam = &clients.iam;
    let mut live = Live::default();
    let mut names: BTreeSet<String> = wanted
        .iter()
        .filter_map(|a| a.as_str().strip_prefix("smtp_user.").map(str::to_string))
        .collect();
    let mut paths = options.user_paths.clone();
    paths.insert(SMTP_USER_PATH.to_string());
    if options.partial {
        paths.clear();
    }
    if options.everything {
        paths = BTreeSet::from(["/".to_string()]);
    }
    let listed: Vec<Vec<String>> = limit
        .each("user lists", paths, |path| async move {
            iam.list_users(&path).await
        })
        .await?;
    names.extend(listed.into_iter().flatten());

    let users: Vec<_> = limit
        .each("users", names, |name| async move {
            let Some(user) = iam.get_user(&name).await? else {
                return Ok(None);
            };
            if options.everything {
                // Another stack's user is not exported: its policies are not read.
                if other_stack(&user.tags, options.stack) {
                    return AwsResult::Ok(Some((user, None, None, Vec::new(), Vec::new())));
                }
                let (own, others) = user_policies(iam, &name).await?;
                return AwsResult::Ok(Some((user, own, None, Vec::new(), others)));
            }
            // Policy and keys matter only for users sesform manages.
            if !(wanted.contains(&Address::smtp_user(&name)) || owned_by(&user.tags, options.stack))
            {
                return AwsResult::Ok(Some((user, None, None, Vec::new(), Vec::new())));
            }
            // One after the other: the task holds one of the `parallelism` permits.
            let policy = iam.get_user_policy(&name, SMTP_POLICY_NAME).await?;
            let keys = iam.list_access_keys(&name).await?;
            let file = options.credential_files.get(&name).map(|f| f.as_path());
            let access_key =
                crate::credentials::key_state(&user.tags, &keys, file).map(str::to_string);
            AwsResult::Ok(Some((user, policy, access_key, keys, Vec::new())))
        })
        .await?;
    for (user, policy, access_key, keys, others) in users.into_iter().flatten() {
        let state = State::SmtpUser(SmtpUserState {
            name: user.name.clone(),
            path: user.path.clone(),
            policy,
            tags: user
                .tags
                .iter()
                .filter(|(k, _)| !internal_tag(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            access_key,
            credentials: None,
        });
        if classify(&mut live, state, wanted, options) {
            live.access_keys.insert(user.name.clone(), keys);
            if options.everything {
                live.other_policies.insert(user.name.clone(), others);
            }
            live.users.insert(user.name.clone(), user);
        }
    }
    Ok(live)
}

/// Every policy that reaches a user: sesform's own inline policy, and the others (inline and
/// attached) in the order IAM lists them. One request after the other: the caller holds one
/// of the `parallelism` permits.
async fn user_policies(
    iam: &crate::aws::iam::Iam,
    user: &str,
) -> AwsResult<(Option<String>, Vec<UserPolicy>)> {
    let mut own = None;
    let mut others = Vec::new();
    for policy in iam.list_user_policies(user).await? {
        let document = iam.get_user_policy(user, &policy).await?;
        if policy == SMTP_POLICY_NAME {
            own = document;
        } else {
            let label = format!("inline policy {policy}");
            others.push(UserPolicy { label, document });
        }
    }
    for policy in iam.list_attached_user_policies(user).await? {
        let label = format!("attached policy {}", policy.name);
        let document = if policy.arn.contains(":iam::aws:policy/") {
            // AWS managed: known by name, no need to read it.
            if !SENDING_MANAGED_POLICIES.contains(&policy.name.as_str()) {
                continue;
            }
            Some(SENDS_ANYTHING.to_string())
        } else {
            iam.managed_policy_document(&policy.arn).await?
        };
        others.push(UserPolicy { label, document });
    }
    Ok((own, others))
}

impl Live {
    /// A digest of everything a plan depends on, so a saved plan can be refused once AWS has
    /// changed under it. Volatile facts (verification progress, send counters) are left out.
    pub fn fingerprint(&self) -> String {
        #[derive(Serialize)]
        struct Fingerprinted<'a> {
            resources: &'a BTreeMap<Address, State>,
            orphans: &'a BTreeSet<Address>,
            unmanaged: &'a BTreeSet<Address>,
            account: Option<(&'a AccountState, SandboxStatus)>,
        }
        let data = Fingerprinted {
            resources: &self.resources,
            orphans: &self.orphans,
            unmanaged: &self.unmanaged,
            account: self.account.as_ref().map(|a| (&a.state, a.sandbox)),
        };
        let bytes = serde_json::to_vec(&data).expect("live state serializes");
        format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
    }
}
