//! SMTP credentials: create an access key, derive the SMTP password, and write both where the
//! spec says, in an order that never loses track of a key.
//!
//! 1. tag the user `sesform:access-key-pending` (so an interruption is recognisable),
//! 2. CreateAccessKey,
//! 3. write the credentials (dotenv, mode 0600, atomically) or hand them to the caller,
//! 4. tag the user `sesform:access-key=<id>` and drop the pending tag.
//!
//! If step 3 fails the new key is deleted again. If the process dies between 2 and 4, the next
//! plan sees the pending tag and replaces the unrecorded key.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::aws::iam::Iam;
use crate::aws::{AwsError, AwsResult, ErrorKind};
use crate::model::{ACCESS_KEY_PENDING_TAG, ACCESS_KEY_TAG, CredentialsTarget, Tags};
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
    let path = check_destination(request).map_err(config_error)?;
    let no_tags = Tags::new();
    let pending = Tags::from([(ACCESS_KEY_PENDING_TAG.to_string(), unix_now().to_string())]);
    iam.retag(request.user, &no_tags, &pending).await?;
    let (key_id, secret) = iam.create_access_key(request.user).await?;
    let password = Secret::new(smtp_password(secret.expose(), request.region));
    drop(secret);

    let mut issued = Issued {
        user: request.user.into(),
        key_id: key_id.clone(),
        written_to: None,
        password: None,
    };
    match &path {
        Some(path) => {
            let vars = variables(request.target, &key_id, &password, request.region);
            if let Err(e) = write_dotenv(path, &vars) {
                // Undo: a key whose secret is nowhere must not stay behind.
                let _ = iam.delete_access_key(request.user, &key_id).await;
                let _ = iam.retag(request.user, &pending, &no_tags).await;
                return Err(config_error(format!("writing {}: {e}", path.display())));
            }
            issued.written_to = Some(path.clone());
        }
        None => issued.password = Some(password),
    }
    let recorded = Tags::from([(ACCESS_KEY_TAG.to_string(), key_id)]);
    iam.retag(request.user, &pending, &recorded).await?;
    Ok(issued)
}

/// `(name, value)` pairs for a target's preset and overrides.
pub fn variables(
    target: &CredentialsTarget,
    key_id: &str,
    password: &Secret,
    region: &str,
) -> Vec<(String, Secret)> {
    let host = smtp_host(region);
    target
        .vars
        .iter()
        .map(|(role, name)| {
            let value = match role.as_str() {
                "username" => Secret::new(key_id),
                "password" => password.clone(),
                "host" => Secret::new(host.clone()),
                "port" => Secret::new(SMTP_PORT.to_string()),
                _ => Secret::new(format!(
                    "ses+smtp://{key_id}:{}@default?region={region}&ping_threshold=9",
                    url_encode(password.expose())
                )),
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

/// What `smtp rotate` did.
#[derive(Debug)]
pub struct Rotation {
    pub issued: Option<Issued>,
    pub old_key: Option<String>,
    pub old_key_fate: OldKey,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OldKey {
    None,
    Deleted,
    /// Kept because it was used recently; seconds since the epoch of its last use.
    Kept {
        last_used: i64,
    },
}

pub struct RotateRequest<'a> {
    pub issue: IssueRequest<'a>,
    /// Delete the old key without looking at when it was last used.
    pub confirm_old_key_unused: bool,
    /// An old key unused for this long counts as idle and is deleted.
    pub idle_days: u32,
}

/// Creates a new key (IAM allows two), writes its credentials, and retires the old key when it
/// is confirmed or seen idle. Safe to run again: with a recorded new key and an old one left, it
/// only retires the old one.
pub async fn rotate(iam: &Iam, request: &RotateRequest<'_>) -> AwsResult<Rotation> {
    let user_name = request.issue.user;
    let not_ready = |message: String| AwsError {
        kind: ErrorKind::Config,
        operation: "rotate".into(),
        resource: user_name.into(),
        message,
    };
    let user = iam.get_user(user_name).await?.ok_or_else(|| {
        not_ready("the IAM user does not exist; run `sesform apply` first".into())
    })?;
    let recorded = user.tags.get(ACCESS_KEY_TAG).cloned();
    let mut keys: Vec<String> = iam
        .list_access_keys(user_name)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();

    let idle_before = unix_now() as i64 - i64::from(request.idle_days) * 86_400;
    let retire = |last_used: Option<i64>| {
        request.confirm_old_key_unused || last_used.is_none_or(|t| t < idle_before)
    };

    let mut issued = None;
    if keys.len() >= 2 && recorded.as_ref().is_some_and(|r| keys.contains(r)) {
        // A previous rotation made the new key; only the old one is left to retire.
    } else {
        if keys.len() >= 2 {
            // Two keys and neither recorded: room for a new one only by retiring the idlest.
            let mut by_use = Vec::new();
            for key in &keys {
                by_use.push((iam.access_key_last_used(key).await?, key.clone()));
            }
            by_use.sort();
            let (last_used, idlest) = by_use.remove(0);
            if !retire(last_used) {
                return Err(not_ready(format!(
                    "the user already has two access keys (IAM's limit), both used in the last {} days; after checking which one your apps use, run again with --confirm-old-key-unused to delete the least recently used ({idlest})",
                    request.idle_days
                )));
            }
            iam.delete_access_key(user_name, &idlest).await?;
            keys.retain(|k| k != &idlest);
        }
        issued = Some(issue(iam, &request.issue).await?);
    }
    let new_key = issued.as_ref().map(|i| i.key_id.clone()).or(recorded);
    let old_key = keys.into_iter().find(|k| Some(k) != new_key.as_ref());
    let old_key_fate = match &old_key {
        None => OldKey::None,
        Some(old) => {
            let last_used = iam.access_key_last_used(old).await?;
            if retire(last_used) {
                iam.delete_access_key(user_name, old).await?;
                OldKey::Deleted
            } else {
                OldKey::Kept {
                    last_used: last_used.unwrap_or_default(),
                }
            }
        }
    };
    Ok(Rotation {
        issued,
        old_key,
        old_key_fate,
    })
}
