//! Views of `sesform local` (and `smtp serve`, the same server): where SMTP users' keys went,
//! the one readiness line scripts wait for, and the counts on the way out.

use crate::local::{IssuedLocal, LocalSes};
use crate::smtp::server::Stats;

/// An SMTP user of the spec and where its password went; never the password itself.
pub fn issued(key: &IssuedLocal) -> String {
    match &key.written_to {
        Some(path) => format!(
            "SMTP user {}: key {} and its SMTP password written to {}\n",
            key.user,
            key.key_id,
            path.display()
        ),
        None => format!(
            "SMTP user {}: key {} (no dotenv file in the spec: its password is not shown)\n",
            key.user, key.key_id
        ),
    }
}

/// `sesform local ready: api=URL smtp=127.0.0.1:PORT smtps=... ca=PATH region=REGION`; `ca` is
/// where the CA certificate went.
pub fn ready(local: &LocalSes, ca: &str) -> String {
    let mut line = format!("sesform local ready: api={}", local.api_url());
    if let Some(port) = local.smtp_port() {
        line.push_str(&format!(" smtp=127.0.0.1:{port}"));
    }
    if let Some(port) = local.smtps_port() {
        line.push_str(&format!(" smtps=127.0.0.1:{port}"));
    }
    line.push_str(&format!(" ca={ca} region={}\n", local.region()));
    line
}

/// What the server saw, once stopped.
pub fn stopped(messages: usize, stats: &Stats) -> String {
    format!(
        "stopped: {messages} messages recorded; SMTP: {} sessions, {} accepted, {} good and {} bad logins, {} idle timeouts, {} session caps\n",
        stats.sessions,
        stats.messages,
        stats.auth_successes,
        stats.auth_failures,
        stats.idle_timeouts,
        stats.session_caps
    )
}
