//! A local SMTP server that behaves like the SES SMTP interface, for tests and CI: TLS with a
//! certificate made at start (STARTTLS or implicit), AUTH PLAIN/LOGIN against configured
//! credentials (`535 Authentication Credentials Invalid` otherwise), no AUTH or MAIL before TLS
//! (`530 Must issue a STARTTLS command first`), `451 4.4.2` and a close after an idle timeout,
//! and a `421` close once a session has carried its message cap. Messages are accepted and kept
//! in memory for assertions, or, with a [`MailSink`] ([`SesSmtpServer::start_with`]), handed to
//! it to accept or refuse (`sesform local` hands them to the emulator's send path); nothing is
//! delivered. It binds 127.0.0.1 only.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use sesform::smtp::server::{SesSmtpServer, ServerConfig, ServerTls};
//! let server = SesSmtpServer::start(
//!     ServerConfig::new(ServerTls::StartTls).with_credentials("AKIAEXAMPLE", "BPassword"),
//! )
//! .await?;
//! // Point the app at 127.0.0.1:{server.port()} and trust server.ca_pem().
//! server.stop().await;
//! # Ok(())
//! # }
//! ```

mod cert;
mod session;

use std::collections::BTreeMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, ServerConfig as RustlsServerConfig};

pub use cert::SERVER_NAMES;

/// A CA and the server certificate it signed, to share between servers.
#[derive(Clone)]
pub struct Pki(cert::TestPki);

impl Pki {
    pub fn generate() -> io::Result<Pki> {
        cert::generate().map(Pki).map_err(io::Error::other)
    }

    /// The CA certificate, PEM: what clients trust.
    pub fn ca_pem(&self) -> &str {
        &self.0.ca_pem
    }
}

/// How clients get to TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerTls {
    /// Plain greeting, STARTTLS advertised (SES ports 25, 587, 2587).
    StartTls,
    /// TLS from the first byte (SES ports 465, 2465).
    Implicit,
    /// No TLS at all and no STARTTLS offered: unlike SES, for testing how clients react. AUTH
    /// and MAIL are still refused with 530, as SES would on an unencrypted session.
    None,
}

/// Server settings. Defaults follow SES where SES is documented.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub tls: ServerTls,
    /// Accepted user name -> password.
    pub credentials: BTreeMap<String, String>,
    /// Close a session with `451 4.4.2` after this long without a complete line (SES: ~10 s).
    pub idle_timeout: Duration,
    /// Messages one session may carry; the next MAIL FROM gets `421` and the connection is
    /// closed. SES does not publish its cap (reports say a few hundred); the default is lower
    /// on purpose so clients that never reconnect fail in tests first.
    pub max_messages_per_session: usize,
    /// Largest accepted message, in bytes (SES SMTP: 10 MB before encoding is advertised).
    pub max_message_bytes: usize,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Name in the greeting and EHLO reply.
    pub hostname: String,
    /// SASL mechanisms advertised and accepted (SES: `PLAIN LOGIN`).
    pub auth_mechanisms: Vec<String>,
}

impl ServerConfig {
    pub fn new(tls: ServerTls) -> ServerConfig {
        ServerConfig {
            tls,
            credentials: BTreeMap::new(),
            idle_timeout: Duration::from_secs(10),
            max_messages_per_session: 100,
            max_message_bytes: 10 * 1024 * 1024,
            port: 0,
            hostname: "email-smtp.localhost".into(),
            auth_mechanisms: vec!["PLAIN".into(), "LOGIN".into()],
        }
    }

    /// Offers only these SASL mechanisms, e.g. `["LOGIN"]` like some relays.
    pub fn with_auth_mechanisms(mut self, mechanisms: &[&str]) -> ServerConfig {
        self.auth_mechanisms = mechanisms.iter().map(|m| m.to_string()).collect();
        self
    }

    pub fn with_credentials(mut self, username: &str, password: &str) -> ServerConfig {
        self.credentials
            .insert(username.to_string(), password.to_string());
        self
    }

    pub fn with_idle_timeout(mut self, idle: Duration) -> ServerConfig {
        self.idle_timeout = idle;
        self
    }

    pub fn with_max_messages_per_session(mut self, max: usize) -> ServerConfig {
        self.max_messages_per_session = max;
        self
    }

    pub fn with_port(mut self, port: u16) -> ServerConfig {
        self.port = port;
        self
    }
}

/// Counters for assertions. A snapshot; read again for fresh values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub sessions: u64,
    pub auth_successes: u64,
    pub auth_failures: u64,
    pub messages: u64,
    pub idle_timeouts: u64,
    pub session_caps: u64,
}

#[derive(Default)]
struct Counters {
    sessions: AtomicU64,
    auth_successes: AtomicU64,
    auth_failures: AtomicU64,
    messages: AtomicU64,
    idle_timeouts: AtomicU64,
    session_caps: AtomicU64,
}

impl Counters {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> Stats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            sessions: get(&self.sessions),
            auth_successes: get(&self.auth_successes),
            auth_failures: get(&self.auth_failures),
            messages: get(&self.messages),
            idle_timeouts: get(&self.idle_timeouts),
            session_caps: get(&self.session_caps),
        }
    }
}

/// A message the server accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMessage {
    /// The authenticated user that sent it.
    pub username: String,
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as received: dot-unstuffed, CRLF line ends, decoded as UTF-8 (invalid
    /// bytes replaced).
    pub data: Vec<u8>,
}

/// A message at the end of `DATA`, for a [`MailSink`] to accept or refuse.
#[derive(Debug, Clone, Copy)]
pub struct Submission<'a> {
    pub username: &'a str,
    pub mail_from: &'a str,
    pub rcpt_to: &'a [String],
    pub data: &'a [u8],
    /// The session's commands and reply codes so far (`EHLO 250`, `AUTH 235`, ...), never an
    /// argument: no credentials.
    pub transcript: &'a [String],
}

/// Decides what happens to accepted mail: `Ok(message id)` answers `250 Ok <id>`,
/// `Err((code, text))` is the reply instead (e.g. SES's `554 Message rejected: ...`). Without a
/// sink, the server keeps messages in [`SesSmtpServer::messages`] and accepts them all.
pub trait MailSink: Send + Sync {
    fn submit(&self, submission: Submission<'_>) -> Result<String, (u16, String)>;
}

/// What sessions share.
struct Shared {
    sink: Option<Arc<dyn MailSink>>,
    /// Accepted user name -> password; starts as `config.credentials`.
    credentials: Mutex<BTreeMap<String, String>>,
    config: ServerConfig,
    acceptor: Option<TlsAcceptor>,
    counters: Counters,
    messages: Mutex<Vec<ReceivedMessage>>,
}

/// A running server. Dropping it stops it too (without waiting).
pub struct SesSmtpServer {
    addr: SocketAddr,
    ca_pem: String,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SesSmtpServer {
    /// Generates the certificate, binds 127.0.0.1 and starts accepting, on the current Tokio
    /// runtime.
    pub async fn start(config: ServerConfig) -> io::Result<SesSmtpServer> {
        Self::start_with(config, None, None).await
    }

    /// Like [`SesSmtpServer::start`], handing messages to `sink` and serving the certificate
    /// signed by `pki` (so several servers share one CA). `pki: None` makes a new CA.
    pub async fn start_with(
        config: ServerConfig,
        sink: Option<Arc<dyn MailSink>>,
        pki: Option<&Pki>,
    ) -> io::Result<SesSmtpServer> {
        let pki = match pki {
            Some(pki) => pki.clone(),
            None => Pki::generate()?,
        };
        let pki = pki.0;
        let acceptor = match config.tls {
            ServerTls::None => None,
            ServerTls::StartTls | ServerTls::Implicit => {
                let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
                let tls = RustlsServerConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(io::Error::other)?
                    .with_no_client_auth()
                    .with_single_cert(pki.chain, pki.key)
                    .map_err(io::Error::other)?;
                Some(TlsAcceptor::from(Arc::new(tls)))
            }
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            sink,
            credentials: Mutex::new(config.credentials.clone()),
            config,
            acceptor,
            counters: Counters::default(),
            messages: Mutex::new(Vec::new()),
        });
        let (shutdown, stop) = oneshot::channel();
        let task = tokio::spawn(accept_loop(listener, shared.clone(), stop));
        Ok(SesSmtpServer {
            addr,
            ca_pem: pki.ca_pem,
            shared,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// PEM of the CA that signed the server certificate: what clients must trust
    /// (`smtp check --ca-file`, PHP `cafile`, ...). Present even with [`ServerTls::None`].
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// Replaces the accepted credentials (user name -> password), for new logins.
    pub fn set_credentials(&self, credentials: BTreeMap<String, String>) {
        *self.shared.credentials.lock().expect("credentials lock") = credentials;
    }

    pub fn stats(&self) -> Stats {
        self.shared.counters.snapshot()
    }

    /// Messages accepted so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        self.shared
            .messages
            .lock()
            .expect("message store lock")
            .clone()
    }

    /// Stops accepting, ends every open session and waits until they are gone.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SesSmtpServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: oneshot::Receiver<()>) {
    // Sessions live in the set: when this task ends (stop or abort), dropping the set aborts
    // them all.
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => {
                    Counters::bump(&shared.counters.sessions);
                    sessions.spawn(session::run(tcp, shared.clone()));
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    }
    sessions.shutdown().await;
}
