//! One run at a time per stack, account and region: a lease kept in AWS as the SSM parameter
//! `/sesform/lock/<stack>/<region>`, created with PutParameter without overwrite (atomic: of two
//! runs, one gets ParameterAlreadyExists). Its value says who holds it, for what, since when and
//! until when. apply, destroy and `smtp rotate` take it; plan does not.
//!
//! A holder renews its lease while it runs; a lock past its expiry (by more than
//! [`SKEW_SECS`], for clocks that disagree) was left by a run that died and may be taken over.
//! `sesform force-unlock ID` removes one at once.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::aws::ssm::Ssm;
use crate::aws::{AwsError, AwsResult, ErrorKind};

/// How long a lease lasts without renewal.
pub const LEASE_SECS: i64 = 600;
/// How often a holder renews its lease.
const RENEW_EVERY: Duration = Duration::from_secs(120);
/// How far two machines' clocks may disagree: a lock counts as stale only this long after its
/// expiry.
pub const SKEW_SECS: i64 = 300;

/// The lock's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    pub id: String,
    /// `user@host`.
    pub owner: String,
    pub pid: u32,
    /// `apply`, `destroy`, `smtp rotate`.
    pub operation: String,
    /// Seconds since the epoch, by the holder's clock.
    pub created: i64,
    pub expires: i64,
}

impl LockInfo {
    /// `ID held by OWNER (OPERATION, pid N) since TIME, expires TIME`.
    pub fn describe(&self) -> String {
        format!(
            "{} held by {} ({}, pid {}) since {}, lease until {}",
            self.id,
            self.owner,
            self.operation,
            self.pid,
            crate::aws::rfc3339(self.created),
            crate::aws::rfc3339(self.expires)
        )
    }

    /// Past its expiry by more than the clock skew allowed for.
    pub fn stale(&self, now: i64) -> bool {
        now > self.expires + SKEW_SECS
    }
}

/// The parameter that is the lock of a stack in a region.
pub fn parameter_name(stack: &str, region: &str) -> String {
    format!("/sesform/lock/{stack}/{region}")
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another run holds it, still when the wait ran out.
    Held(LockInfo),
    Aws(AwsError),
}

impl From<AwsError> for LockError {
    fn from(e: AwsError) -> Self {
        LockError::Aws(e)
    }
}

/// What happened while taking the lock, for the caller to show.
#[derive(Debug)]
pub enum Event<'a> {
    /// Another run holds the lock; waiting for it.
    Waiting(&'a LockInfo),
    /// A stale lock (its holder died) was removed.
    TookOver(&'a LockInfo),
}

/// A held lock; renewed in the background until released.
pub struct Held {
    ssm: Ssm,
    name: String,
    pub info: LockInfo,
    renewal: tokio::task::JoinHandle<()>,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn owner() -> String {
    let user = ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".into());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".into());
    format!("{user}@{host}")
}

fn parse(name: &str, value: &str) -> AwsResult<LockInfo> {
    serde_json::from_str(value).map_err(|e| AwsError {
        kind: ErrorKind::Invalid,
        operation: "read lock".into(),
        resource: name.into(),
        message: format!(
            "not a sesform lock ({e}); if nothing else uses it, delete the parameter in SSM"
        ),
    })
}

/// The lock as it stands, if any.
pub async fn read(ssm: &Ssm, name: &str) -> AwsResult<Option<LockInfo>> {
    match ssm.get(name).await? {
        Some(value) => parse(name, &value).map(Some),
        None => Ok(None),
    }
}

fn value(info: &LockInfo) -> String {
    serde_json::to_string(info).expect("lock info serializes")
}

const DESCRIPTION: &str = "sesform lock: one apply, destroy or smtp rotate at a time (sesform force-unlock ID removes it)";

/// Takes the lock, waiting up to `timeout` (with backoff) while another run holds it.
pub async fn acquire(
    ssm: &Ssm,
    stack: &str,
    region: &str,
    operation: &str,
    timeout: Duration,
    on_event: &(dyn Fn(Event) + Sync),
) -> Result<Held, LockError> {
    let name = parameter_name(stack, region);
    let deadline = tokio::time::Instant::now() + timeout;
    let id = format!("{:016x}", fastrand::u64(..));
    let mut delay = Duration::from_millis(500);
    let mut waited_on: Option<String> = None;
    loop {
        let created = now();
        let info = LockInfo {
            id: id.clone(),
            owner: owner(),
            pid: std::process::id(),
            operation: operation.into(),
            created,
            expires: created + LEASE_SECS,
        };
        if ssm.create(&name, &value(&info), DESCRIPTION).await? {
            return Ok(Held::start(ssm, name, info));
        }
        let Some(holder) = read(ssm, &name).await? else {
            // Released in between: try again at once.
            continue;
        };
        if holder.id == id {
            // This run's own lock: the SDK retried a PutParameter whose answer was lost.
            return Ok(Held::start(ssm, name, holder));
        }
        if holder.stale(now()) {
            // Its holder died without releasing it. Remove it only if it is still that lock;
            // two runs taking over at once are sorted out by the create above.
            on_event(Event::TookOver(&holder));
            if read(ssm, &name).await?.as_ref() == Some(&holder) {
                ssm.delete(&name).await?;
            }
            continue;
        }
        if tokio::time::Instant::now() + delay > deadline {
            return Err(LockError::Held(holder));
        }
        if waited_on.as_deref() != Some(&holder.id) {
            on_event(Event::Waiting(&holder));
            waited_on = Some(holder.id.clone());
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(10));
    }
}

/// Extends the lease while the run goes on; stops if the lock is no longer this run's.
async fn renew(ssm: Ssm, name: String, mut info: LockInfo) {
    loop {
        tokio::time::sleep(RENEW_EVERY).await;
        match read(&ssm, &name).await {
            Ok(Some(current)) if current.id == info.id => {}
            Ok(_) => return,
            Err(_) => continue,
        }
        info.expires = now() + LEASE_SECS;
        let _ = ssm.overwrite(&name, &value(&info), DESCRIPTION).await;
    }
}

impl Held {
    /// A lock just taken, with its renewal running.
    fn start(ssm: &Ssm, name: String, info: LockInfo) -> Held {
        let renewal = tokio::spawn(renew(ssm.clone(), name.clone(), info.clone()));
        Held {
            ssm: ssm.clone(),
            name,
            info,
            renewal,
        }
    }

    /// Releases the lock: deletes the parameter if it is still this run's.
    pub async fn release(self) -> AwsResult<()> {
        self.renewal.abort();
        match read(&self.ssm, &self.name).await? {
            Some(current) if current.id == self.info.id => self.ssm.delete(&self.name).await,
            _ => Ok(()),
        }
    }
}

/// Why `force-unlock` did nothing.
#[derive(Debug)]
pub enum UnlockError {
    /// No lock is held.
    NotLocked,
    /// The lock held has another id.
    OtherId(LockInfo),
    Aws(AwsError),
}

impl From<AwsError> for UnlockError {
    fn from(e: AwsError) -> Self {
        UnlockError::Aws(e)
    }
}

/// The lock `id`, if it is the one held (for `force-unlock` to show before asking).
pub async fn find(ssm: &Ssm, stack: &str, region: &str, id: &str) -> Result<LockInfo, UnlockError> {
    let name = parameter_name(stack, region);
    match read(ssm, &name).await? {
        None => Err(UnlockError::NotLocked),
        Some(info) if info.id == id => Ok(info),
        Some(info) => Err(UnlockError::OtherId(info)),
    }
}

/// Removes the lock `id` whoever holds it.
pub async fn force_unlock(
    ssm: &Ssm,
    stack: &str,
    region: &str,
    id: &str,
) -> Result<LockInfo, UnlockError> {
    let info = find(ssm, stack, region, id).await?;
    ssm.delete(&parameter_name(stack, region)).await?;
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_is_stale_only_past_expiry_and_skew() {
        let info = LockInfo {
            id: "1".into(),
            owner: "me@host".into(),
            pid: 1,
            operation: "apply".into(),
            created: 1_000,
            expires: 1_000 + LEASE_SECS,
        };
        assert!(!info.stale(1_000 + LEASE_SECS + SKEW_SECS));
        assert!(info.stale(1_001 + LEASE_SECS + SKEW_SECS));
        assert_eq!(
            parameter_name("web", "eu-west-1"),
            "/sesform/lock/web/eu-west-1"
        );
        let text = info.describe();
        assert!(
            text.contains("me@host (apply, pid 1) since 1970-01-01T00:16:40Z"),
            "{text}"
        );
    }
}
