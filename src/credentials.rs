//! SMTP credentials: create an access key, derive the SMTP password, and write both where the
//! spec says, in an order that never loses track of a key (docs/smtp.md, "Key issuance").
//!
//! 1. list the user's keys, and tag the user `sesform:access-key-pending` with a marker for this
//!    attempt: the start time, a nonce, and the keys the user already had;
//! 2. CreateAccessKey, with the SDK's automatic retry off. When the answer is lost (timeout,
//!    5xx), list the keys again: one the user did not have before is this attempt's, and its
//!    secret is gone, so it is deleted before trying again;
//! 3. add the new key's id to the marker;
//! 4. write the credentials (dotenv, mode 0600, atomically) or hand them to the caller;
//! 5. tag the user `sesform:access-key=<id>`, and only then remove the marker.
//!
//! If step 4 fails the new key is deleted again. If the process dies on the way, the next run
//! knows the key that run created: the id in the marker or, when it stopped before recording
//! one, the key not among those the marker lists (time only bounds how late that key may have
//! been made). It keeps that key when the credentials file holds it and deletes it when its
//! secret was never written. A marker left next to a record of the same key (a stop between
//! the two calls of step 5) is finished bookkeeping; and a key the credentials file holds but
//! nothing records (a stop after an older sesform removed the marker first) is recorded. Other
//! keys are never deleted for being unrecorded: an app may use them.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::aws::iam::{AccessKey, CreateKeyError, Iam};
use crate::aws::{AwsError, AwsResult, ErrorKind};
use crate::model::{
    ACCESS_KEY_PENDING_TAG, ACCESS_KEY_TAG, CredentialsTarget, KEY_ACTIVE, KEY_INTERRUPTED,
    KEY_UNRECORDED, Tags,
};
use crate::secret::Secret;
use crate::smtp::password::smtp_password;

/// Port written into credentials: STARTTLS on 587 works for every client and is not throttled
/// on EC2 like 25.
pub const SMTP_PORT: u16 = 587;

pub use crate::smtp::ses_host as smtp_host;

/// A freshly issued key, for the caller to report (never the secret unless asked).
#[derive(Debug)]
pub struct Issued {
    pub user: String,
    pub key_id: String,
    pub written_to: Option<PathBuf>,
    /// The SMTP password, kept only when the destination is standard output.
    pub password: Option<Secret>,
}

pub struct IssueRequest<'a> {
    pub user: &'a str,
    pub target: &'a CredentialsTarget,
    pub region: &'a str,
    pub base_dir: &'a Path,
    pub show_secrets: bool,
}

/// Checks the destination before a key exists, so a bad path costs nothing.
pub fn check_destination(request: &IssueRequest) -> Result<Option<PathBuf>, String> {
    match &request.target.dotenv {
        Some(file) => {
            let path = request.base_dir.join(file);
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            if !parent.is_dir() {
                return Err(format!(
                    "credentials file {}: directory {} does not exist; create it first",
                    path.display(),
                    parent.display()
                ));
            }
            if path.is_dir() {
                return Err(format!(
                    "credentials file {} is a directory",
                    path.display()
                ));
            }
            // The file is written through a temp file in the same directory: try one now.
            tempfile::Builder::new()
                .prefix(".sesform-credentials-")
                .tempfile_in(parent)
                .map_err(|e| {
                    format!(
                        "credentials file {}: cannot write in {}: {e}",
                        path.display(),
                        parent.display()
                    )
                })?;
            Ok(Some(path))
        }
        None if request.target.stdout && !request.show_secrets => Err(format!(
            "smtp_users.{}.credentials.stdout prints the new SMTP password, which needs --show-secrets; without it the secret would be lost",
            request.user
        )),
        None => Ok(None),
    }
}

/// Creates a key and delivers its credentials; see the module docs for the order.
pub async fn issue(iam: &Iam, request: &IssueRequest<'_>) -> AwsResult<Issued> {
    let config_error = |message: String| AwsError {
        kind: ErrorKind::Config,
        operation: "write credentials".into(),
        resource: request.user.into(),
        message,
    };
    let user = request.user;
    let path = check_destination(request).map_err(config_error)?;
    let no_tags = Tags::new();
    let before: Vec<String> = iam
        .list_access_keys(user)
        .await?
        .into_iter()
        .map(|k| k.id)
        .collect();
    let mut marker = Pending::start(unix_now() as i64, before);
    let started = marker.tags();
    // TagUser replaces whatever marker an earlier run left.
    iam.retag(user, &no_tags, &started).await?;
    let (key_id, secret) = create_key(iam, user, &marker, &started).await?;
    let password = Secret::new(smtp_password(secret.expose(), request.region));
    drop(secret);
    marker.key = Some(key_id.clone());
    let pending = marker.tags();
    let delivered = match iam.retag(user, &started, &pending).await {
        Err(e) => Err(e),
        Ok(()) => match &path {
            Some(path) => {
                let vars = variables(request.target, &key_id, &password, request.region);
                write_dotenv(path, &vars)
                    .map_err(|e| config_error(format!("writing {}: {e}", path.display())))
            }
            None => Ok(()),
        },
    };
    if let Err(e) = delivered {
        // Undo: a key whose secret is nowhere must not stay behind.
        let _ = iam.delete_access_key(user, &key_id).await;
        let _ = iam.retag(user, &pending, &no_tags).await;
        return Err(e);
    }
    let issued = Issued {
        user: user.into(),
        key_id: key_id.clone(),
        written_to: path.clone(),
        password: path.is_none().then_some(password),
    };
    // The record first, then the marker goes: stopped in between, both name the same key,
    // which every later run reads as finished.
    let recorded = Tags::from([(ACCESS_KEY_TAG.to_string(), key_id)]);
    iam.retag(user, &no_tags, &recorded).await?;
    // The key is recorded and delivered; a marker that stays behind names it and is harmless
    // (the next issue replaces it), so a failure here does not fail the issue.
    let _ = iam.retag(user, &pending, &no_tags).await;
    Ok(issued)
}

/// CreateAccessKey, tried up to `iam.create_attempts` times. Before each retry the user's keys
/// are listed: one not among those the marker lists was made by a lost attempt, and nobody has
/// its secret, so it is deleted. When giving up with nothing of this run's left, the marker
/// goes too; when the keys cannot be listed it stays, for the next run to finish.
async fn create_key(
    iam: &Iam,
    user: &str,
    marker: &Pending,
    started: &Tags,
) -> AwsResult<(String, Secret)> {
    let mut attempt = 1;
    loop {
        let CreateKeyError { error, answer_lost } = match iam.create_access_key(user).await {
            Ok((id, secret)) => {
                if attempt > 1 {
                    // IAM is eventually consistent: a lost attempt's key may have shown up in
                    // ListAccessKeys only now. Best effort; plan reports one left behind.
                    let _ = delete_lost_keys(iam, user, marker, Some(&id)).await;
                }
                return Ok((id, secret));
            }
            Err(e) => e,
        };
        if answer_lost {
            delete_lost_keys(iam, user, marker, None)
                .await
                .map_err(|_| error.clone())?;
        }
        if !answer_lost || attempt >= iam.create_attempts {
            let _ = iam.retag(user, started, &Tags::new()).await;
            return Err(error);
        }
        // Exponential backoff with jitter, as the SDK's own retries.
        let ceiling = 200u64 << attempt.min(5);
        tokio::time::sleep(std::time::Duration::from_millis(fastrand::u64(
            ceiling / 2..=ceiling,
        )))
        .await;
        attempt += 1;
    }
}

/// Deletes the keys lost attempts made: those the marker does not list, but `made`.
async fn delete_lost_keys(
    iam: &Iam,
    user: &str,
    marker: &Pending,
    made: Option<&str>,
) -> AwsResult<()> {
    let keys = iam.list_access_keys(user).await?;
    for key in keys
        .iter()
        .filter(|k| marker.created(k) && Some(k.id.as_str()) != made)
    {
        iam.delete_access_key(user, &key.id).await?;
    }
    Ok(())
}

/// `(name, value)` pairs for a target's preset and overrides.
pub fn variables(
    target: &CredentialsTarget,
    key_id: &str,
    password: &Secret,
    region: &str,
) -> Vec<(String, Secret)> {
    variables_at(target, key_id, password, region, None)
}

/// [`variables`] for another endpoint than SES's (`sesform local`): `host:port`, and a DSN
/// `smtp://KEY:PASSWORD@HOST:PORT?ping_threshold=9` (STARTTLS) instead of `ses+smtp://`.
pub fn variables_at(
    target: &CredentialsTarget,
    key_id: &str,
    password: &Secret,
    region: &str,
    endpoint: Option<(&str, u16)>,
) -> Vec<(String, Secret)> {
    let host = endpoint.map_or_else(|| smtp_host(region), |(host, _)| host.to_string());
    let port = endpoint.map_or(SMTP_PORT, |(_, port)| port);
    target
        .vars
        .iter()
        .map(|(role, name)| {
            let value = match role.as_str() {
                "username" => Secret::new(key_id),
                "password" => password.clone(),
                "host" => Secret::new(host.clone()),
                "port" => Secret::new(port.to_string()),
                _ => Secret::new(match endpoint {
                    None => format!(
                        "ses+smtp://{key_id}:{}@default?region={region}&ping_threshold=9",
                        url_encode(password.expose())
                    ),
                    Some(_) => format!(
                        "smtp://{key_id}:{}@{host}:{port}?ping_threshold=9",
                        url_encode(password.expose())
                    ),
                }),
            };
            (name.clone(), value)
        })
        .collect()
}

/// Percent-encodes everything outside RFC 3986 unreserved characters (`+`, `/`, `=` included),
/// as a DSN's userinfo requires.
pub fn url_encode(text: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(text, SET).to_string()
}

/// Sets `vars` in a dotenv file, keeping its other lines, via a 0600 temp file and a rename.
pub fn write_dotenv(path: &Path, vars: &[(String, Secret)]) -> std::io::Result<()> {
    // A link (a deploy's shared .env) is written through, so its target gets the credentials.
    let resolved;
    let path = if path.is_symlink() {
        resolved = std::fs::canonicalize(path)?;
        resolved.as_path()
    } else {
        path
    };
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    let mut lines: Vec<String> = Vec::new();
    let mut written: Vec<bool> = vec![false; vars.len()];
    for line in existing.lines() {
        let key = line
            .trim_start()
            .trim_start_matches("export ")
            .split('=')
            .next()
            .unwrap_or_default()
            .trim();
        match vars.iter().position(|(name, _)| name == key) {
            Some(i) => {
                lines.push(format!("{}=\"{}\"", vars[i].0, vars[i].1.expose()));
                written[i] = true;
            }
            None => lines.push(line.to_string()),
        }
    }
    for (i, (name, value)) in vars.iter().enumerate() {
        if !written[i] {
            lines.push(format!("{name}=\"{}\"", value.expose()));
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');

    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".sesform-credentials-")
        .tempfile_in(dir)?;
    set_private(tmp.as_file())?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn set_private(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_private(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The recorded key id found in a credentials file, to tell a lost file from a good one.
pub fn file_mentions_key(path: &Path, key_id: &str) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| text.contains(key_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(preset: &str, vars: &[(&str, &str)]) -> CredentialsTarget {
        CredentialsTarget {
            dotenv: Some(".env".into()),
            stdout: false,
            preset: preset.into(),
            vars: vars
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            smtp_password: crate::model::Sensitive,
        }
    }

    #[test]
    fn dotenv_is_merged_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, "APP_NAME=shop\nMAIL_PASSWORD=old\n# comment\n").unwrap();
        let t = target(
            "laravel",
            &[("username", "MAIL_USERNAME"), ("password", "MAIL_PASSWORD")],
        );
        let vars = variables(&t, "AKIAEXAMPLE", &Secret::new("B+pass/word="), "eu-west-1");
        write_dotenv(&path, &vars).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "APP_NAME=shop\nMAIL_PASSWORD=\"B+pass/word=\"\n# comment\nMAIL_USERNAME=\"AKIAEXAMPLE\"\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    #[test]
    fn symfony_dsn_encodes_the_password() {
        let t = target("symfony", &[("dsn", "MAILER_DSN")]);
        let vars = variables(&t, "AKIAEXAMPLE", &Secret::new("B+a/b="), "eu-west-1");
        assert_eq!(
            vars[0].1.expose(),
            "ses+smtp://AKIAEXAMPLE:B%2Ba%2Fb%3D@default?region=eu-west-1&ping_threshold=9"
        );
    }
}

/// How much later than its marker's start time, by IAM's clock, an interrupted attempt's key
/// may have been made: a few seconds of latency plus clock skew between this machine and IAM.
/// A key made later than this is someone else's, so it is kept and reported, never deleted.
pub const LATE_TOLERANCE_SECS: i64 = 600;

/// The marker [`issue`] keeps in the pending tag while it issues a key:
/// `<start time> nonce=<nonce> before=<id>/<id> [key=<id>]`. Markers of older sesform versions
/// (`<start time> [<key id>]`) are read too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// When the attempt started, by the local clock.
    pub since: Option<i64>,
    /// Tells one attempt from another.
    pub nonce: Option<String>,
    /// The keys the user had when the attempt started; `None` in an older marker.
    pub before: Option<Vec<String>>,
    /// The key the attempt created, once it knows.
    pub key: Option<String>,
}

impl Pending {
    fn start(since: i64, before: Vec<String>) -> Pending {
        Pending {
            since: Some(since),
            nonce: Some(format!("{:016x}", fastrand::u64(..))),
            before: Some(before),
            key: None,
        }
    }

    /// The tag value.
    pub fn value(&self) -> String {
        let mut value = self.since.unwrap_or_default().to_string();
        if let Some(nonce) = &self.nonce {
            value.push_str(&format!(" nonce={nonce}"));
        }
        if let Some(before) = &self.before {
            value.push_str(&format!(" before={}", before.join("/")));
        }
        if let Some(key) = &self.key {
            value.push_str(&format!(" key={key}"));
        }
        value
    }

    fn tags(&self) -> Tags {
        Tags::from([(ACCESS_KEY_PENDING_TAG.to_string(), self.value())])
    }

    pub fn parse(value: &str) -> Pending {
        let mut pending = Pending {
            since: None,
            nonce: None,
            before: None,
            key: None,
        };
        for (i, token) in value.split_whitespace().enumerate() {
            if let Some(nonce) = token.strip_prefix("nonce=") {
                pending.nonce = Some(nonce.into());
            } else if let Some(before) = token.strip_prefix("before=") {
                pending.before = Some(
                    before
                        .split('/')
                        .filter(|id| !id.is_empty())
                        .map(str::to_string)
                        .collect(),
                );
            } else if let Some(key) = token.strip_prefix("key=") {
                pending.key = Some(key.into());
            } else if i == 0 {
                pending.since = token.parse().ok();
            } else if i == 1 && !token.contains('=') {
                pending.key = Some(token.into());
            }
        }
        pending
    }

    /// Whether `key` is the one the attempt created: the id it recorded or, when it stopped
    /// before recording one, a key the user did not have when it started (made no later than
    /// [`LATE_TOLERANCE_SECS`] after). An older marker without the list of keys falls back to
    /// comparing IAM's CreateDate with the start time, with no tolerance: a doubtful key is
    /// kept, never deleted.
    pub fn created(&self, key: &AccessKey) -> bool {
        if let Some(id) = &self.key {
            return *id == key.id;
        }
        match (&self.before, self.since, key.created) {
            (Some(before), since, created) => {
                !before.contains(&key.id)
                    && since
                        .zip(created)
                        .is_none_or(|(since, created)| created <= since + LATE_TOLERANCE_SECS)
            }
            (None, Some(since), Some(created)) => created >= since,
            _ => false,
        }
    }
}

/// Where a user's access key comes from, as far as sesform's bookkeeping tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The key `sesform:access-key` names.
    Recorded,
    /// Created by a run that stopped before recording it; `in_file` when the credentials
    /// file holds it (the run stopped after writing it).
    Interrupted { in_file: bool },
    /// Created elsewhere, or an old key a rotation kept: an app may use it.
    Other,
}

/// A user's keys with their origin, from the user's tags and the credentials file.
pub fn classify_keys(
    tags: &Tags,
    keys: &[AccessKey],
    file: Option<&Path>,
) -> Vec<(AccessKey, Origin)> {
    let recorded = tags.get(ACCESS_KEY_TAG);
    let recorded_created = keys
        .iter()
        .find(|k| Some(&k.id) == recorded)
        .map(|k| k.created);
    let pending = tags.get(ACCESS_KEY_PENDING_TAG).map(|v| Pending::parse(v));
    let in_file = |key: &AccessKey| file.is_some_and(|f| file_mentions_key(f, &key.id));
    keys.iter()
        .map(|key| {
            let origin = if recorded == Some(&key.id) {
                Origin::Recorded
            } else if pending.as_ref().is_some_and(|p| p.created(key)) {
                Origin::Interrupted {
                    in_file: in_file(key),
                }
            } else if in_file(key)
                && recorded_created.is_none_or(|r| r.zip(key.created).is_some_and(|(r, c)| c >= r))
            {
                // Written out but not recorded, and newer than any recorded key: a run stopped
                // between removing the marker and recording the key (older sesform did those
                // in that order).
                Origin::Interrupted { in_file: true }
            } else {
                Origin::Other
            };
            (key.clone(), origin)
        })
        .collect()
}

/// The `access_key` of a user's live state: `active` when the recorded key is active,
/// `interrupted` when a run left a key or a marker to finish, `unrecorded` for keys whose
/// secret sesform never saw; `None` without active keys.
pub fn key_state(tags: &Tags, keys: &[AccessKey], file: Option<&Path>) -> Option<&'static str> {
    if !keys.iter().any(|k| k.active) {
        return None;
    }
    let origins = classify_keys(tags, keys, file);
    let active =
        |wanted: &dyn Fn(&Origin) -> bool| origins.iter().any(|(k, o)| k.active && wanted(o));
    Some(if active(&|o| *o == Origin::Recorded) {
        KEY_ACTIVE
    } else if active(&|o| matches!(o, Origin::Interrupted { .. }))
        || tags.contains_key(ACCESS_KEY_PENDING_TAG)
    {
        KEY_INTERRUPTED
    } else {
        KEY_UNRECORDED
    })
}

/// Whether a run left a key to finish with (see [`recover`]).
pub fn unfinished(tags: &Tags, keys: &[AccessKey], file: Option<&Path>) -> bool {
    classify_keys(tags, keys, file)
        .iter()
        .any(|(_, o)| matches!(o, Origin::Interrupted { .. }))
}

/// The credentials file of a target, if it has one.
pub fn target_file(target: &CredentialsTarget, base_dir: &Path) -> Option<PathBuf> {
    target.dotenv.as_ref().map(|f| base_dir.join(f))
}

/// What [`recover`] did with what an interrupted run left.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// The interrupted run's key whose credentials were written: now recorded.
    pub adopted: Option<String>,
    /// The interrupted run's keys whose secret was never written: deleted.
    pub deleted: Vec<String>,
}

/// Finishes what a run that stopped while issuing a key left: the key it created is recorded
/// when the credentials file holds it, deleted when its secret was never written, and the
/// pending marker is cleared (after the record is written). Keys created elsewhere are left
/// alone. Returns `None` if nothing was left.
pub async fn recover(
    iam: &Iam,
    user: &str,
    tags: &Tags,
    keys: &[AccessKey],
    file: Option<&Path>,
) -> AwsResult<Option<Recovery>> {
    let pending_value = tags.get(ACCESS_KEY_PENDING_TAG);
    if pending_value.is_none() && !unfinished(tags, keys, file) {
        return Ok(None);
    }
    let mut recovery = Recovery::default();
    let origins = classify_keys(tags, keys, file);
    // The key the file holds is recorded: the one the marker names, else the newest. A key the
    // file mentions is never deleted.
    let named = pending_value.and_then(|v| Pending::parse(v).key);
    recovery.adopted = origins
        .iter()
        .filter(|(_, o)| *o == Origin::Interrupted { in_file: true })
        .max_by_key(|(k, _)| (Some(&k.id) == named.as_ref(), k.created))
        .map(|(k, _)| k.id.clone());
    for (key, origin) in origins {
        if origin == (Origin::Interrupted { in_file: false }) {
            iam.delete_access_key(user, &key.id).await?;
            recovery.deleted.push(key.id);
        }
    }
    if let Some(id) = &recovery.adopted {
        let recorded = Tags::from([(ACCESS_KEY_TAG.to_string(), id.clone())]);
        iam.retag(user, &Tags::new(), &recorded).await?;
    }
    if let Some(value) = pending_value {
        let marker = Tags::from([(ACCESS_KEY_PENDING_TAG.to_string(), value.clone())]);
        iam.retag(user, &marker, &Tags::new()).await?;
    }
    Ok(Some(recovery))
}

/// What `smtp rotate` did.
#[derive(Debug)]
pub struct Rotation {
    /// The key issued by this run, if it issued one.
    pub issued: Option<Issued>,
    /// What an interrupted earlier run had left, if anything.
    pub recovery: Option<Recovery>,
    /// The recorded key kept in place (no new key needed), when `issued` is `None`.
    pub in_place: Option<String>,
    /// A key deleted to make room for the new one (IAM allows two).
    pub made_room: Option<String>,
    pub old_key: Option<String>,
    pub old_key_fate: OldKey,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OldKey {
    None,
    Deleted,
    /// Kept because it is not idle: last used (or, never used, created) this recently, or
    /// IAM gave no date at all.
    Kept(Option<Activity>),
}

/// When IAM last saw a key used, or, for a key never used, when it was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    Created(i64),
    Used(i64),
}

impl Activity {
    pub fn at(self) -> i64 {
        match self {
            Activity::Created(t) | Activity::Used(t) => t,
        }
    }
}

pub struct RotateRequest<'a> {
    pub issue: IssueRequest<'a>,
    /// Delete the old key without looking at when it was last used.
    pub confirm_old_key_unused: bool,
    /// An old key unused for this long counts as idle and is deleted; a key never used counts
    /// from its creation.
    pub idle_days: u32,
}

/// Whether a key is idle: last used, or never used and created, more than `idle_days` ago.
/// A key without either date is never idle.
pub fn idle(activity: Option<Activity>, idle_days: u32, now: i64) -> bool {
    activity.is_some_and(|a| a.at() < now - i64::from(idle_days) * 86_400)
}

async fn activity(iam: &Iam, key: &AccessKey) -> AwsResult<Option<Activity>> {
    Ok(match iam.access_key_last_used(&key.id).await? {
        Some(used) => Some(Activity::Used(used)),
        None => key.created.map(Activity::Created),
    })
}

/// Creates a new key (IAM allows two), writes its credentials, and retires the old key when it
/// is confirmed or seen idle. Nothing is deleted before the destination is known to be
/// writable, and the key the credentials file holds is never the one deleted to make room.
/// Safe to run again: with a recorded new key and an old one left, it only retires the old one;
/// after a rotation that stopped half way it keeps the key the file holds.
pub async fn rotate(iam: &Iam, request: &RotateRequest<'_>) -> AwsResult<Rotation> {
    let user_name = request.issue.user;
    let not_ready = |message: String| AwsError {
        kind: ErrorKind::Config,
        operation: "rotate".into(),
        resource: user_name.into(),
        message,
    };
    let file = check_destination(&request.issue).map_err(not_ready)?;
    let mut user = iam.get_user(user_name).await?.ok_or_else(|| {
        not_ready("the IAM user does not exist; run `sesform apply` first".into())
    })?;
    let mut keys = iam.list_access_keys(user_name).await?;
    let recovery = recover(iam, user_name, &user.tags, &keys, file.as_deref()).await?;
    if let Some(recovery) = &recovery {
        keys.retain(|k| !recovery.deleted.contains(&k.id));
        user.tags.remove(ACCESS_KEY_PENDING_TAG);
        if let Some(adopted) = &recovery.adopted {
            user.tags.insert(ACCESS_KEY_TAG.into(), adopted.clone());
        }
    }
    let recorded = user
        .tags
        .get(ACCESS_KEY_TAG)
        .filter(|r| keys.iter().any(|k| &k.id == *r))
        .cloned();
    // The recorded key is in place when its credentials are where the spec says.
    let recorded_in_place = recorded
        .as_ref()
        .filter(|r| file.as_deref().is_none_or(|f| file_mentions_key(f, r)));
    let now = unix_now() as i64;
    let retire = |activity: Option<Activity>| {
        request.confirm_old_key_unused || idle(activity, request.idle_days, now)
    };

    let mut rotation = Rotation {
        issued: None,
        recovery: recovery.clone(),
        in_place: None,
        made_room: None,
        old_key: None,
        old_key_fate: OldKey::None,
    };
    let finishing = recovery.as_ref().is_some_and(|r| r.adopted.is_some());
    if let Some(recorded) = recorded_in_place.filter(|_| finishing || keys.len() >= 2) {
        // An earlier rotation made the new key; only the old one is left to retire.
        rotation.in_place = Some(recorded.clone());
    } else {
        if keys.len() >= 2 {
            // No room for a new key but by retiring one: the least recently active one that
            // the credentials file does not hold.
            let mut candidates = Vec::new();
            for key in &keys {
                let held = file
                    .as_deref()
                    .is_some_and(|f| file_mentions_key(f, &key.id));
                let activity = activity(iam, key).await?;
                candidates.push((held, activity.map(Activity::at), key.id.clone(), activity));
            }
            candidates.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
            let (_, _, idlest, activity) = candidates.remove(0);
            if !retire(activity) {
                return Err(not_ready(format!(
                    "the user already has two access keys (IAM's limit), both used or created in the last {} days; after checking which one your apps use, run again with --confirm-old-key-unused to delete {idlest} (the least recently active)",
                    request.idle_days
                )));
            }
            iam.delete_access_key(user_name, &idlest).await?;
            keys.retain(|k| k.id != idlest);
            rotation.made_room = Some(idlest);
        }
        rotation.issued = Some(issue(iam, &request.issue).await?);
    }
    let new_key = rotation
        .issued
        .as_ref()
        .map(|i| i.key_id.clone())
        .or(rotation.in_place.clone());
    if let Some(old) = keys.iter().find(|k| Some(&k.id) != new_key.as_ref()) {
        let activity = activity(iam, old).await?;
        // --confirm-old-key-unused spoke for the key it was asked about: when that one made
        // room, this other key goes only once IAM shows it idle.
        let confirmed = request.confirm_old_key_unused && rotation.made_room.is_none();
        rotation.old_key_fate = if confirmed || idle(activity, request.idle_days, now) {
            iam.delete_access_key(user_name, &old.id).await?;
            OldKey::Deleted
        } else {
            OldKey::Kept(activity)
        };
        rotation.old_key = Some(old.id.clone());
    }
    Ok(rotation)
}

#[cfg(all(test, unix))]
mod dotenv_tests {
    use super::*;

    #[test]
    fn a_linked_credentials_file_is_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::write(
            shared.join(".env"),
            "APP_NAME=shop\nMAIL_PASSWORD=\"old\"\n",
        )
        .unwrap();
        let link = dir.path().join(".env");
        std::os::unix::fs::symlink(shared.join(".env"), &link).unwrap();
        let vars = [("MAIL_PASSWORD".to_string(), Secret::new("new".to_string()))];
        write_dotenv(&link, &vars).unwrap();
        assert!(link.is_symlink());
        assert_eq!(
            std::fs::read_to_string(shared.join(".env")).unwrap(),
            "APP_NAME=shop\nMAIL_PASSWORD=\"new\"\n"
        );
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(shared.join(".env"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[cfg(test)]
mod key_tests {
    use super::*;

    fn origins(tags: &Tags, keys: &[AccessKey], file: Option<&Path>) -> Vec<Origin> {
        classify_keys(tags, keys, file)
            .into_iter()
            .map(|(_, o)| o)
            .collect()
    }

    fn key(id: &str, created: i64) -> AccessKey {
        AccessKey {
            id: id.into(),
            active: true,
            created: Some(created),
        }
    }

    #[test]
    fn the_interrupted_runs_key_is_told_from_keys_made_elsewhere() {
        let keys = [
            key("AKIAOLD", 100),
            key("AKIAELSE", 150),
            key("AKIANEW", 200),
        ];
        let mut tags = Tags::from([
            (ACCESS_KEY_TAG.to_string(), "AKIAOLD".to_string()),
            (ACCESS_KEY_PENDING_TAG.to_string(), "180".to_string()),
        ]);
        assert_eq!(
            origins(&tags, &keys, None),
            [
                Origin::Recorded,
                Origin::Other,
                Origin::Interrupted { in_file: false }
            ]
        );
        // With the id recorded in the pending tag, only that key counts, whatever its date.
        tags.insert(ACCESS_KEY_PENDING_TAG.into(), "180 AKIAELSE".into());
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".env");
        std::fs::write(&file, "MAIL_USERNAME=\"AKIAELSE\"\n").unwrap();
        assert_eq!(
            origins(&tags, &keys, Some(&file)),
            [
                Origin::Recorded,
                Origin::Interrupted { in_file: true },
                Origin::Other
            ]
        );
        // No pending tag: only a key the credentials file holds, newer than the recorded
        // one, is a run's (one that stopped between dropping the marker and recording it).
        tags.remove(ACCESS_KEY_PENDING_TAG);
        assert_eq!(
            origins(&tags, &keys, Some(&file)),
            [
                Origin::Recorded,
                Origin::Interrupted { in_file: true },
                Origin::Other
            ]
        );
        assert!(
            origins(&tags, &keys, None)
                .iter()
                .all(|o| !matches!(o, Origin::Interrupted { .. }))
        );
    }

    #[test]
    fn a_never_used_key_is_idle_only_once_it_is_old() {
        let day = 86_400;
        let now = 100 * day;
        assert!(!idle(Some(Activity::Created(now - 60)), 7, now));
        assert!(idle(Some(Activity::Created(now - 8 * day)), 7, now));
        assert!(!idle(Some(Activity::Used(now - 6 * day)), 7, now));
        assert!(idle(Some(Activity::Used(now - 8 * day)), 7, now));
        assert!(!idle(None, 7, now), "no dates: never idle");
    }

    #[test]
    fn markers_old_and_new_are_read() {
        let legacy = Pending::parse("12 AKIA1");
        assert_eq!(
            (legacy.since, legacy.key.as_deref()),
            (Some(12), Some("AKIA1"))
        );
        assert_eq!(legacy.before, None);
        let junk = Pending::parse("junk");
        assert_eq!((junk.since, junk.key, junk.before), (None, None, None));
        let mut marker = Pending::start(100, vec!["AKIAOLD1".into(), "AKIAOLD2".into()]);
        assert_eq!(Pending::parse(&marker.value()), marker);
        marker.key = Some("AKIANEW".into());
        assert_eq!(Pending::parse(&marker.value()), marker);
        assert!(
            marker.value().starts_with("100 nonce="),
            "{}",
            marker.value()
        );
        assert!(
            marker
                .value()
                .ends_with(" before=AKIAOLD1/AKIAOLD2 key=AKIANEW"),
            "{}",
            marker.value()
        );
        let none_before = Pending::start(100, Vec::new());
        assert_eq!(
            Pending::parse(&none_before.value()).before,
            Some(Vec::new())
        );
    }

    #[test]
    fn the_attempts_key_is_told_by_the_marker_not_the_clock() {
        let marker = Pending::start(1_000, vec!["AKIAOLD".into()]);
        // The local clock ahead of IAM's: the key's CreateDate is before the start time.
        assert!(marker.created(&key("AKIANEW", 990)));
        assert!(marker.created(&key("AKIANEW", 1_000 + LATE_TOLERANCE_SECS)));
        // A key the user already had, however recent, is not the attempt's.
        assert!(!marker.created(&key("AKIAOLD", 1_000)));
        // A key made long after the attempt is someone else's.
        assert!(!marker.created(&key("AKIALATER", 1_001 + LATE_TOLERANCE_SECS)));
        // Older markers compare times, without tolerance: doubtful keys are kept.
        let legacy = Pending::parse("1000");
        assert!(legacy.created(&key("AKIANEW", 1_000)));
        assert!(!legacy.created(&key("AKIANEW", 999)));
    }

    #[test]
    fn a_written_but_unrecorded_key_is_an_interrupted_runs() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".env");
        std::fs::write(&file, "MAIL_USERNAME=\"AKIANEW\"\n").unwrap();
        let keys = [key("AKIAOLD", 100), key("AKIANEW", 200)];
        // Neither recorded nor marked (a stop between removing the marker and recording).
        let tags = Tags::new();
        assert_eq!(
            origins(&tags, &keys[1..], Some(&file)),
            [Origin::Interrupted { in_file: true }]
        );
        assert_eq!(
            key_state(&tags, &keys[1..], Some(&file)),
            Some(KEY_INTERRUPTED)
        );
        assert_eq!(key_state(&tags, &keys[1..], None), Some(KEY_UNRECORDED));
        // The older key recorded (a rotation stopped there): the newer one in the file is it.
        let tags = Tags::from([(ACCESS_KEY_TAG.to_string(), "AKIAOLD".to_string())]);
        assert_eq!(
            origins(&tags, &keys, Some(&file)),
            [Origin::Recorded, Origin::Interrupted { in_file: true }]
        );
        // The newer key recorded and an older one in the file (restored from a backup): no.
        std::fs::write(&file, "MAIL_USERNAME=\"AKIAOLD\"\n").unwrap();
        let tags = Tags::from([(ACCESS_KEY_TAG.to_string(), "AKIANEW".to_string())]);
        assert_eq!(
            origins(&tags, &keys, Some(&file)),
            [Origin::Other, Origin::Recorded]
        );
        // Record and marker naming the same key (a stop before removing the marker): done.
        let tags = Tags::from([
            (ACCESS_KEY_TAG.to_string(), "AKIANEW".to_string()),
            (
                ACCESS_KEY_PENDING_TAG.to_string(),
                "150 nonce=1 before=AKIAOLD key=AKIANEW".to_string(),
            ),
        ]);
        assert_eq!(key_state(&tags, &keys, Some(&file)), Some(KEY_ACTIVE));
        assert!(!unfinished(&tags, &keys, Some(&file)));
    }
}
