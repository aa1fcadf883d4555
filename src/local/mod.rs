//! `sesform local`: one process that is SES for an app. The SESv2 emulator (API, control API,
//! `/_local/messages` and the page at `/`) and two SMTP endpoints (STARTTLS and implicit TLS)
//! share one state, so a message sent over SMTP is decided, recorded and published by the same
//! send path as `SendEmail` (`emulator::sending`). The state starts as a spec applied.

mod spec;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use crate::emulator::sending::publish;
use crate::emulator::{AccountPatch, Control, Emulator};
use crate::secret::Secret;
use crate::smtp::server::{Pki, ServerConfig, ServerTls, SesSmtpServer, Stats};

pub use spec::{IssuedLocal, Verified};

/// How to start local SES. [`LocalConfig::new`] gives SES's defaults.
#[derive(Debug, Clone)]
pub struct LocalConfig {
    pub region: String,
    /// The spec whose state to start from.
    pub spec: Option<crate::spec::LoadedSpec>,
    pub verified: Verified,
    /// In the sandbox: only verified recipients (and the mailbox simulator), 200/day, 1/s.
    pub sandbox: bool,
    /// Port of the HTTP side (SESv2 API, control, messages, page); 0 = free port.
    pub api_port: u16,
    /// STARTTLS SMTP port (`None`: none); 0 = free port.
    pub smtp_port: Option<u16>,
    /// Implicit-TLS SMTP port (`None`: none); 0 = free port.
    pub smtps_port: Option<u16>,
    /// `smtp serve --tls none` compatibility: the STARTTLS port offers no TLS at all.
    pub no_tls: bool,
    pub idle_timeout: Duration,
    pub max_messages_per_session: usize,
    pub max_message_bytes: usize,
    pub max_send_rate: Option<f64>,
    pub max_24_hour_send: Option<f64>,
    /// SMTP user name -> SMTP password, accepted as given.
    pub users: Vec<(String, Secret)>,
    /// Access key id -> secret access key: the SES SMTP password derived from the secret is
    /// accepted (the raw secret is not, as on SES).
    pub iam_keys: Vec<(String, Secret)>,
    pub sns_endpoint: Option<String>,
    pub events_endpoint: Option<String>,
    /// Recipients that hard-bounce, complain, are rejected or delayed (`--bounce`,
    /// `--complaint`, `--reject`, `--delay`).
    pub recipient_outcomes: Vec<(String, crate::emulator::sending::RecipientOutcome)>,
}

impl LocalConfig {
    pub fn new(region: &str) -> LocalConfig {
        LocalConfig {
            region: region.to_string(),
            spec: None,
            verified: Verified::All,
            sandbox: false,
            api_port: 0,
            smtp_port: Some(0),
            smtps_port: Some(0),
            no_tls: false,
            idle_timeout: Duration::from_secs(10),
            max_messages_per_session: 100,
            max_message_bytes: 10 * 1024 * 1024,
            max_send_rate: None,
            max_24_hour_send: None,
            users: Vec::new(),
            iam_keys: Vec::new(),
            sns_endpoint: None,
            events_endpoint: None,
            recipient_outcomes: Vec::new(),
        }
    }
}

/// A running local SES.
pub struct LocalSes {
    emulator: Emulator,
    starttls: Option<SesSmtpServer>,
    implicit: Option<SesSmtpServer>,
    ca_pem: String,
    region: String,
    issued: Vec<IssuedLocal>,
}

impl LocalSes {
    /// Applies the spec, then starts the API and the SMTP endpoints on 127.0.0.1.
    pub async fn start(config: LocalConfig) -> Result<LocalSes, String> {
        let emulator = Emulator::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, config.api_port)))
            .await
            .map_err(|e| format!("starting the API on port {}: {e}", config.api_port))?;
        let control = emulator.control();
        control.set_event_endpoints(config.sns_endpoint.clone(), config.events_endpoint.clone());
        account(&control, &config);
        let pki = Pki::generate().map_err(|e| format!("making the TLS certificates: {e}"))?;
        let mut credentials: Vec<(String, String)> = config
            .users
            .iter()
            .map(|(user, password)| (user.clone(), password.expose().to_string()))
            .collect();
        for (key_id, secret) in &config.iam_keys {
            let password = crate::smtp::password::smtp_password(secret.expose(), &config.region);
            credentials.push((key_id.clone(), password));
        }
        // Ports first: credentials written for the spec's SMTP users name the STARTTLS port.
        let smtp_config = |tls: ServerTls, port: u16| {
            let mut server = ServerConfig::new(tls)
                .with_port(port)
                .with_idle_timeout(config.idle_timeout)
                .with_max_messages_per_session(config.max_messages_per_session);
            server.max_message_bytes = config.max_message_bytes;
            server.hostname = format!("email-smtp.{}.localhost", config.region);
            server
        };
        let sink = control.smtp_sink(&config.region);
        let starttls = match config.smtp_port {
            Some(port) => {
                let tls = if config.no_tls {
                    ServerTls::None
                } else {
                    ServerTls::StartTls
                };
                Some(
                    SesSmtpServer::start_with(
                        smtp_config(tls, port),
                        Some(sink.clone()),
                        Some(&pki),
                    )
                    .await
                    .map_err(|e| format!("starting SMTP (STARTTLS) on port {port}: {e}"))?,
                )
            }
            None => None,
        };
        let implicit = match config.smtps_port {
            Some(port) => Some(
                SesSmtpServer::start_with(
                    smtp_config(ServerTls::Implicit, port),
                    Some(sink.clone()),
                    Some(&pki),
                )
                .await
                .map_err(|e| format!("starting SMTP (implicit TLS) on port {port}: {e}"))?,
            ),
            None => None,
        };
        for (address, outcome) in &config.recipient_outcomes {
            control.set_recipient_outcome(&config.region, address, Some(*outcome));
        }
        let issued = match &config.spec {
            Some(loaded) => {
                let endpoint = starttls
                    .as_ref()
                    .or(implicit.as_ref())
                    .map(|server| ("127.0.0.1", server.port()));
                spec::apply(&control, &config.region, loaded, &config.verified, endpoint)?
            }
            None => {
                control.set_open_sending(&config.region, config.verified == Verified::All);
                if let Verified::List(names) = &config.verified {
                    spec::identities(&control, &config.region, names)?;
                }
                Vec::new()
            }
        };
        // Where events go to SNS, the spec's topics must exist (CreateTopic is idempotent).
        if let (Some(endpoint), Some(loaded)) = (&config.sns_endpoint, &config.spec) {
            for name in loaded.spec.sns_topics.keys() {
                let status = publish::create_topic(endpoint, &config.region, name)
                    .await
                    .map_err(|e| format!("creating SNS topic {name} at {endpoint}: {e}"))?;
                if status != 200 {
                    return Err(format!(
                        "creating SNS topic {name} at {endpoint}: HTTP {status}"
                    ));
                }
            }
        }
        // The spec may set the account; the command line's sandbox and quotas win.
        account(&control, &config);
        for issued in &issued {
            credentials.push((issued.key_id.clone(), issued.password.expose().to_string()));
        }
        for server in starttls.iter().chain(implicit.iter()) {
            server.set_credentials(credentials.iter().cloned().collect());
        }
        Ok(LocalSes {
            emulator,
            starttls,
            implicit,
            ca_pem: pki.ca_pem().to_string(),
            region: config.region,
            issued,
        })
    }

    pub fn api_url(&self) -> String {
        self.emulator.endpoint_url()
    }

    pub fn smtp_port(&self) -> Option<u16> {
        self.starttls.as_ref().map(SesSmtpServer::port)
    }

    pub fn smtps_port(&self) -> Option<u16> {
        self.implicit.as_ref().map(SesSmtpServer::port)
    }

    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn control(&self) -> Control {
        self.emulator.control()
    }

    /// Credentials issued for the spec's SMTP users (where they were written).
    pub fn issued(&self) -> &[IssuedLocal] {
        &self.issued
    }

    /// SMTP counters of both endpoints, summed.
    pub fn smtp_stats(&self) -> Stats {
        let mut total = Stats::default();
        for server in self.starttls.iter().chain(self.implicit.iter()) {
            let s = server.stats();
            total.sessions += s.sessions;
            total.auth_successes += s.auth_successes;
            total.auth_failures += s.auth_failures;
            total.messages += s.messages;
            total.idle_timeouts += s.idle_timeouts;
            total.session_caps += s.session_caps;
        }
        total
    }

    pub async fn stop(self) {
        if let Some(server) = self.starttls {
            server.stop().await;
        }
        if let Some(server) = self.implicit {
            server.stop().await;
        }
        self.emulator.shutdown().await;
    }
}

fn account(control: &Control, config: &LocalConfig) {
    let mut patch = if config.sandbox {
        AccountPatch::sandbox()
    } else {
        AccountPatch::production()
    };
    if config.max_send_rate.is_some() {
        patch.max_send_rate = config.max_send_rate;
    }
    if config.max_24_hour_send.is_some() {
        patch.max_24_hour_send = config.max_24_hour_send;
    }
    control.set_account(&config.region, patch);
}

/// Where `--ca-out` goes when not given: next to nothing the user owns.
pub fn default_ca_path() -> PathBuf {
    std::env::temp_dir().join("sesform-local-ca.pem")
}
