//! What plan, apply, dns and destroy share: load the spec, connect to AWS, read live state and
//! build a plan. Errors are printed here, once, and turned into an exit code.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::args::{AwsArgs, LockArgs};
use super::{GlobalArgs, exit, stderr_color};
use crate::aws::{AwsOptions, Clients, Rates};
use crate::live::{self, Live, ReadOptions};
use crate::lock;
use crate::model::{ACCESS_KEY_TAG, Address, DEFAULT_STACK, State};
use crate::plan::{self, DiffInput, Plan, PlanOptions, SpecRef};
use crate::render;
use crate::resources;
use crate::spec::{self, LoadedSpec, SpecError};

/// An error already shown to the user, carrying the exit code.
#[derive(Debug)]
pub struct Reported(pub u8);

pub type CliResult<T> = Result<T, Reported>;

pub fn error(message: impl std::fmt::Display) -> Reported {
    eprintln!("error: {message}");
    Reported(exit::FAILURE)
}

pub struct Session {
    pub loaded: LoadedSpec,
    pub spec_path: String,
    pub clients: Clients,
    pub stack: String,
    pub parallelism: usize,
    pub quiet: bool,
    /// How progress is shown (spinner, plain lines, nothing).
    pub progress: super::progress::Mode,
}

/// Reads and checks the spec, the one way every command but `validate` (which is its view)
/// does: an invalid spec shows its code frames and exits with `exit_code` (1, or lint's usage
/// error 2).
pub fn load_spec(global: &GlobalArgs, path: &Path, exit_code: u8) -> CliResult<LoadedSpec> {
    let failed = |message: String| {
        eprintln!("error: {message}");
        Reported(exit_code)
    };
    match spec::load(path) {
        Ok(loaded) => Ok(loaded),
        Err(e @ SpecError::Read(_)) => Err(failed(e.to_string())),
        Err(SpecError::Invalid {
            source,
            diagnostics,
        }) => {
            eprint!(
                "{}",
                render::diagnostics::human(&diagnostics, &[&source], stderr_color(global))
            );
            Err(failed(format!(
                "{}: invalid spec ({}); `sesform validate {}` shows the problems",
                source.name,
                render::count(diagnostics.len(), "error", "errors"),
                path.display()
            )))
        }
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// A URL for an error message, with a password in it masked and a long one cut short.
fn shown_url(url: &str) -> String {
    let url = crate::secret::masked(url);
    crate::spec::load::shorten(&url)
}

pub fn aws_options(global: &GlobalArgs, aws: &AwsArgs, region: &str) -> CliResult<AwsOptions> {
    let rates = match &aws.api_rate {
        Some(text) => Rates::parse(text).map_err(|e| error(format!("--api-rate {e}")))?,
        None => Rates::default(),
    };
    if let Some(url) = &global.endpoint_url {
        crate::aws::check_endpoint_url(url)
            .map_err(|why| error(format!("--endpoint-url `{}` {why}", shown_url(url))))?;
    }
    // The SDK reads these itself, and answers a bad one with a debug dump on the first call.
    let mut from_env: Vec<(String, String)> = std::env::vars()
        .filter(|(name, _)| name == "AWS_ENDPOINT_URL" || name.starts_with("AWS_ENDPOINT_URL_"))
        .collect();
    from_env.sort();
    for (name, url) in from_env {
        crate::aws::check_endpoint_url(&url)
            .map_err(|why| error(format!("{name}=`{}` {why}", shown_url(&url))))?;
    }
    Ok(AwsOptions {
        region: region.to_string(),
        profile: global.profile.clone(),
        endpoint_url: global.endpoint_url.clone(),
        retry: aws.retry_mode,
        max_attempts: aws.max_attempts,
        rates,
    })
}

/// Resolves on Ctrl-C or SIGTERM, naming it. Once awaited, those signals no longer end the
/// process by themselves: whatever runs after must watch for them too.
pub async fn interrupted() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = int.recv() => "interrupted",
            _ = term.recv() => "terminated",
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        "interrupted"
    }
}

pub async fn open(global: &GlobalArgs, spec_path: &Path, aws: &AwsArgs) -> CliResult<Session> {
    let loaded = load_spec(global, spec_path, exit::FAILURE)?;
    let region = loaded.spec.region.clone();
    if let Some(flag) = &global.region
        && flag != &region
    {
        return Err(error(format!(
            "--region {flag} does not match the spec's region {region}; a spec manages one region"
        )));
    }
    let options = aws_options(global, aws, &region)?;
    let clients = Clients::connect(&options).await.map_err(error)?;
    Ok(Session {
        stack: loaded
            .spec
            .stack
            .clone()
            .unwrap_or_else(|| DEFAULT_STACK.to_string()),
        // Absolute, so a saved plan finds its spec from any working directory.
        spec_path: std::path::absolute(spec_path)
            .unwrap_or_else(|_| spec_path.to_path_buf())
            .display()
            .to_string(),
        loaded,
        clients,
        parallelism: aws.parallelism.max(1),
        quiet: global.quiet,
        progress: super::progress::Mode::of(global),
    })
}

impl Session {
    /// Runs `work` holding the stack's lock, and releases it after, also when interrupted
    /// (Ctrl-C, SIGTERM): the work then stops where it was, which a new run finishes.
    pub async fn with_lock<T>(
        &self,
        operation: &str,
        args: &LockArgs,
        work: impl std::future::Future<Output = CliResult<T>>,
    ) -> CliResult<T> {
        let held = self.lock(operation, args).await?;
        let result = tokio::select! {
            result = work => result,
            signal = interrupted() => Err(error(format!(
                "{signal}: {operation} stopped where it was; run it again to finish (every step converges)"
            ))),
        };
        self.unlock(held).await;
        result
    }

    /// Takes the stack's lock (see [`crate::lock`]), waiting as `--lock-timeout` says.
    async fn lock(&self, operation: &str, args: &LockArgs) -> CliResult<lock::Held> {
        let quiet = self.quiet;
        let timeout = args.lock_timeout;
        let on_event = move |event: lock::Event| match event {
            lock::Event::Waiting(holder) if !quiet => eprintln!(
                "Waiting for the lock {} (up to {}s)...",
                holder.describe(),
                timeout.as_secs()
            ),
            lock::Event::Waiting(_) => {}
            lock::Event::TookOver(holder) => eprintln!(
                "warning: taking over the lock {}: its lease ran out, so the run that held it is gone",
                holder.describe()
            ),
        };
        let region = &self.loaded.spec.region;
        let name = lock::parameter_name(&self.stack, region);
        match lock::acquire(
            &self.clients.ssm,
            &self.stack,
            region,
            operation,
            timeout,
            &on_event,
        )
        .await
        {
            Ok(held) => Ok(held),
            Err(lock::LockError::Held(holder)) => Err(error(format!(
                "stack {} in {region} is locked by another sesform run: {}{}. The lock goes when that run ends; if no run is going on (it was killed), remove the lock with:\n  sesform force-unlock {}",
                self.stack,
                holder.describe(),
                if timeout.is_zero() {
                    String::new()
                } else {
                    format!(
                        "; gave up after waiting {}s (--lock-timeout)",
                        timeout.as_secs()
                    )
                },
                holder.id
            ))),
            Err(lock::LockError::Aws(e)) => Err(error(format!(
                "taking the lock {name}: {e} (sesform needs ssm:PutParameter, ssm:GetParameter and ssm:DeleteParameter on it; see the README)"
            ))),
        }
    }

    /// Releases the lock; a failure is reported, not fatal (the lease runs out).
    async fn unlock(&self, held: lock::Held) {
        let id = held.info.id.clone();
        if let Err(e) = held.release().await {
            eprintln!(
                "warning: releasing the lock {id}: {e}; its lease runs out within {} minutes, or run `sesform force-unlock {id}`",
                (lock::LEASE_SECS + lock::SKEW_SECS) / 60
            );
        }
    }

    /// AWS calls made so far, per service and operation (`-v`).
    pub fn call_report(&self, elapsed: std::time::Duration) -> String {
        render::progress::call_report(&self.clients.counter, &self.clients.pacers, elapsed)
    }

    pub fn desired(&self) -> Vec<State> {
        resources::desired(&self.loaded.spec)
    }

    pub fn spec_ref(&self) -> SpecRef {
        SpecRef {
            path: self.spec_path.clone(),
            sha256: format!(
                "sha256:{}",
                hex::encode(Sha256::digest(self.loaded.source.text.as_bytes()))
            ),
        }
    }

    /// The desired resources `targets` name (an address, or a parent: `configuration_set.tx`
    /// takes its event destinations, `sns_topic.x` its subscriptions), with what they need
    /// (an identity's configuration set, a destination's set and topic), transitively.
    pub fn targeted(&self, targets: &[String]) -> CliResult<Vec<State>> {
        let desired = self.desired();
        let mut selected = std::collections::BTreeSet::new();
        for target in targets {
            let children = |address: &Address| {
                let (kind, name) = target.split_once('.').unwrap_or((target, ""));
                let child = match kind {
                    "configuration_set" => "event_destination",
                    "sns_topic" => "sns_subscription",
                    _ => return false,
                };
                address
                    .as_str()
                    .strip_prefix(child)
                    .and_then(|rest| rest.strip_prefix('.'))
                    .and_then(|rest| rest.strip_prefix(name))
                    .is_some_and(|rest| rest.starts_with('.'))
            };
            let found: Vec<Address> = desired
                .iter()
                .map(State::address)
                .filter(|address| address.as_str() == target || children(address))
                .collect();
            if found.is_empty() {
                let known: Vec<String> = desired.iter().map(|s| s.address().to_string()).collect();
                let hint = crate::spec::names::suggest(target, known.iter().map(String::as_str))
                    .map(|close| format!("; did you mean `{close}`?"))
                    .unwrap_or_default();
                return Err(error(format!(
                    "--target {target}: no such resource in the spec{hint} (addresses look like identity.example.com, configuration_set.NAME, sns_topic.NAME, smtp_user.NAME, account)"
                )));
            }
            selected.extend(found);
        }
        // What they need, until nothing is added.
        loop {
            let needed: Vec<Address> = desired
                .iter()
                .filter(|state| selected.contains(&state.address()))
                .flat_map(crate::plan::order::references)
                .filter(|address| !selected.contains(address))
                .filter(|address| desired.iter().any(|s| s.address() == *address))
                .collect();
            if needed.is_empty() {
                break;
            }
            selected.extend(needed);
        }
        Ok(desired
            .into_iter()
            .filter(|state| selected.contains(&state.address()))
            .collect())
    }

    /// Reads live state; `partial` reads only `desired` (see [`Session::targeted`]).
    pub async fn read_live(&self, desired: &[State], partial: bool) -> CliResult<Live> {
        let spec = &self.loaded.spec;
        let tally = live::Tally::default();
        let options = ReadOptions {
            tally: &tally,
            partial,
            everything: false,
            stack: &self.stack,
            parallelism: self.parallelism,
            account: spec.account.is_some()
                && (!partial || desired.iter().any(|s| matches!(s, State::Account(_)))),
            user_paths: spec
                .smtp_users
                .values()
                .filter_map(|u| u.path.clone())
                .collect(),
            credential_files: desired
                .iter()
                .filter_map(|state| match state {
                    State::SmtpUser(user) => Some((
                        user.name.clone(),
                        crate::credentials::target_file(
                            user.credentials.as_ref()?,
                            &self.loaded.base_dir,
                        )?,
                    )),
                    _ => None,
                })
                .collect(),
        };
        // STS is not SES-throttled: asking who we are costs one call beside the read.
        let read = async {
            tokio::join!(
                live::read(&self.clients, desired, &options),
                self.clients.sts.account_id()
            )
        };
        let progress = super::progress::Progress::new(self.progress);
        let describe = || {
            render::progress::reading_live(
                progress.elapsed(),
                &tally.snapshot(),
                &render::progress::pacing(&self.clients.pacers),
            )
        };
        let (live, account_id) = progress.during(read, describe).await;
        progress.finish();
        if progress.printed.load(std::sync::atomic::Ordering::Relaxed) {
            eprintln!(
                "{}",
                render::progress::read_live(progress.elapsed(), &tally.snapshot())
            );
        }
        let mut live = live.map_err(|e| error(format!("reading live state: {e}")))?;
        live.account_id = account_id.map_err(|e| error(format!("finding the AWS account: {e}")))?;
        Ok(live)
    }

    /// SMTP users whose recorded key is active but whose credentials file no longer has it.
    fn lost_credentials(&self, desired: &[State], live: &Live) -> Vec<plan::Message> {
        desired
            .iter()
            .filter_map(|state| match state {
                State::SmtpUser(user) => Some(user),
                _ => None,
            })
            .filter_map(|user| {
                let file = user.credentials.as_ref()?.dotenv.as_ref()?;
                let tags = &live.users.get(&user.name)?.tags;
                let path = self.loaded.base_dir.join(file);
                // A half-finished run is reported by `extra_keys`, with its own next step.
                let keys = live.access_keys.get(&user.name)?;
                if crate::credentials::unfinished(tags, keys, Some(&path)) {
                    return None;
                }
                let key = tags.get(ACCESS_KEY_TAG)?;
                (!crate::credentials::file_mentions_key(&path, key)).then(|| plan::Message {
                    address: Address::smtp_user(&user.name),
                    message: format!(
                        "the credentials of access key {key} are no longer in {}; IAM never returns a secret twice, so run `sesform smtp rotate {}` to issue new ones",
                        path.display(),
                        user.name
                    ),
                })
            })
            .collect()
    }

    /// Keys besides the recorded one, when there is a recorded key or an interrupted run: never
    /// silent, since an app may use them. (Without either, the plan warns of unrecorded keys.)
    fn extra_keys(&self, desired: &[State], live: &Live) -> Vec<plan::Message> {
        use crate::credentials::{Origin, classify_keys, target_file};
        let mut out = Vec::new();
        for user in desired.iter().filter_map(|state| match state {
            State::SmtpUser(user) => Some(user),
            _ => None,
        }) {
            let (Some(target), Some(live_user), Some(keys)) = (
                &user.credentials,
                live.users.get(&user.name),
                live.access_keys.get(&user.name),
            ) else {
                continue;
            };
            let file = target_file(target, &self.loaded.base_dir);
            let origins = classify_keys(&live_user.tags, keys, file.as_deref());
            let recorded = origins
                .iter()
                .find(|(_, o)| *o == Origin::Recorded)
                .map(|(k, _)| k.id.as_str());
            let name = &user.name;
            for (key, origin) in &origins {
                let message = match (origin, recorded) {
                    (Origin::Interrupted { in_file: true }, Some(old)) => format!(
                        "an earlier run stopped after writing access key {} to the credentials file but before recording it; run `sesform smtp rotate {name}` to record it and retire {old} once it is unused",
                        key.id
                    ),
                    (Origin::Interrupted { in_file: false }, Some(_)) => format!(
                        "an earlier run stopped right after creating access key {}, before its secret was written anywhere; run `sesform smtp rotate {name}` to delete it and finish the rotation",
                        key.id
                    ),
                    (Origin::Other, Some(recorded)) => format!(
                        "has access key {} besides the recorded {recorded} (kept by an earlier rotation, or created elsewhere); an app may use it, so sesform leaves it alone: once nothing uses it, run `sesform smtp rotate {name} --confirm-old-key-unused` or delete it in IAM",
                        key.id
                    ),
                    (Origin::Other, None)
                        if live_user
                            .tags
                            .contains_key(crate::model::ACCESS_KEY_PENDING_TAG) =>
                    {
                        format!(
                            "has access key {} that sesform did not create; an app may use it, so apply keeps it (delete it in IAM once nothing uses it)",
                            key.id
                        )
                    }
                    _ => continue,
                };
                out.push(plan::Message {
                    address: Address::smtp_user(name),
                    message,
                });
            }
        }
        out
    }

    pub async fn plan(&self, options: PlanOptions) -> CliResult<(Plan, Live)> {
        let desired = self.desired();
        self.plan_for(&desired, options).await
    }

    pub async fn plan_for(
        &self,
        desired: &[State],
        options: PlanOptions,
    ) -> CliResult<(Plan, Live)> {
        let live = self.read_live(desired, options.partial).await?;
        let plan = self.plan_from(desired, &live, options);
        Ok((plan, live))
    }

    /// The plan from a live state already read.
    pub fn plan_from(&self, desired: &[State], live: &Live, options: PlanOptions) -> Plan {
        let input = DiffInput {
            desired,
            live,
            stack: &self.stack,
            options,
        };
        let mut plan = plan::build(&input, &self.loaded.spec.region, self.spec_ref());
        plan.warnings.extend(self.lost_credentials(desired, live));
        plan.warnings.extend(self.extra_keys(desired, live));
        plan
    }
}
