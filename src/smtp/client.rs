//! A small SMTP client: connect, commands and replies, STARTTLS or implicit TLS, AUTH PLAIN and
//! LOGIN, and sending a message. Enough for `smtp check` and for tests of the local server; not
//! a general-purpose mailer. Every network wait is bounded by the connection's timeout.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, CertificateError, ClientConfig, RootCertStore};

use super::Secret;
use super::io::{BoxIo, read_line};
use super::reply::{Reply, ReplyError, ReplyParser};

/// Longest reply line accepted; SES's are far shorter.
const MAX_REPLY_LINE: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot resolve {host}: {message}")]
    Resolve { host: String, message: String },
    #[error("connection refused")]
    Refused,
    #[error("no answer within {} s", .0.as_secs_f64())]
    Timeout(Duration),
    #[error("connection closed by the server")]
    Closed,
    #[error("TLS handshake failed: {0}")]
    Tls(#[from] TlsFailure),
    #[error("invalid reply: {0}")]
    Reply(#[from] ReplyError),
    #[error("protocol error: {0}")]
    Protocol(String),
    #[error("{0}")]
    Io(io::Error),
}

impl From<io::Error> for ClientError {
    fn from(e: io::Error) -> ClientError {
        match e.kind() {
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => ClientError::Closed,
            io::ErrorKind::ConnectionRefused => ClientError::Refused,
            _ => ClientError::Io(e),
        }
    }
}

/// Why a TLS handshake failed, in the categories a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsFailure {
    #[error("the certificate is not trusted ({0})")]
    Untrusted(String),
    #[error("the certificate is not valid for this host name")]
    NameMismatch,
    #[error("the certificate has expired or is not valid yet")]
    Expired,
    #[error("the server did not answer with TLS")]
    NotTls,
    #[error("the server closed the connection during the handshake")]
    Closed,
    #[error("the server sent the TLS alert {0}")]
    Alert(String),
    #[error("{0}")]
    Other(String),
}

impl TlsFailure {
    fn classify(e: &io::Error) -> TlsFailure {
        let Some(err) = e.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) else {
            return match e.kind() {
                io::ErrorKind::UnexpectedEof
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::BrokenPipe => TlsFailure::Closed,
                _ => TlsFailure::Other(e.to_string()),
            };
        };
        match err {
            rustls::Error::InvalidCertificate(cert) => match cert {
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => TlsFailure::NameMismatch,
                CertificateError::Expired
                | CertificateError::ExpiredContext { .. }
                | CertificateError::NotValidYet
                | CertificateError::NotValidYetContext { .. } => TlsFailure::Expired,
                CertificateError::UnknownIssuer => {
                    TlsFailure::Untrusted("signed by an unknown issuer".into())
                }
                other => TlsFailure::Untrusted(format!("{other:?}")),
            },
            // Plain-text bytes ("220 ...") parsed as TLS records end up here.
            rustls::Error::InvalidMessage(_)
            | rustls::Error::InappropriateMessage { .. }
            | rustls::Error::InappropriateHandshakeMessage { .. } => TlsFailure::NotTls,
            rustls::Error::AlertReceived(alert) => TlsFailure::Alert(format!("{alert:?}")),
            other => TlsFailure::Other(other.to_string()),
        }
    }
}

/// Parses every certificate in a PEM text (`--ca-file`).
pub fn pem_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("invalid PEM: {e}"))?;
    if certs.is_empty() {
        return Err("no CERTIFICATE block found".into());
    }
    Ok(certs)
}

/// A TLS client configuration trusting `extra_roots` and, with `system_roots`, the operating
/// system's store (what PHP and most mailers trust, so a check sees what the app sees).
pub fn tls_config(
    extra_roots: &[CertificateDer<'static>],
    system_roots: bool,
) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    for cert in extra_roots {
        roots
            .add(cert.clone())
            .map_err(|e| format!("unusable CA certificate: {e}"))?;
    }
    if system_roots {
        let native = rustls_native_certs::load_native_certs();
        let (added, _ignored) = roots.add_parsable_certificates(native.certs);
        if added == 0 && extra_roots.is_empty() {
            return Err(
                "no trusted CA certificates found in the system store: install the \
                 ca-certificates package, or pass --ca-file"
                    .into(),
            );
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// SASL mechanisms the client speaks (the two SES offers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMechanism {
    Plain,
    Login,
}

impl AuthMechanism {
    /// PLAIN when offered (one round trip), else LOGIN.
    pub fn choose(advertised: &[String]) -> Option<AuthMechanism> {
        let offered = |name: &str| advertised.iter().any(|m| m.eq_ignore_ascii_case(name));
        if offered("PLAIN") {
            Some(AuthMechanism::Plain)
        } else if offered("LOGIN") {
            Some(AuthMechanism::Login)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            AuthMechanism::Plain => "PLAIN",
            AuthMechanism::Login => "LOGIN",
        }
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// One SMTP connection, plain or TLS.
pub struct Connection {
    stream: BufReader<BoxIo>,
    timeout: Duration,
    peer: SocketAddr,
    tls: Option<String>,
}

impl Connection {
    /// Resolves `host` and connects to the first address that answers, all within `wait`.
    pub async fn connect(host: &str, port: u16, wait: Duration) -> Result<Connection, ClientError> {
        let attempt = async {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
                .await
                .map_err(|e| ClientError::Resolve {
                    host: host.to_string(),
                    message: e.to_string(),
                })?
                .collect();
            let mut last = ClientError::Resolve {
                host: host.to_string(),
                message: "no addresses".into(),
            };
            for addr in addrs {
                match TcpStream::connect(addr).await {
                    Ok(tcp) => {
                        tcp.set_nodelay(true)?;
                        return Ok(Connection {
                            stream: BufReader::new(Box::new(tcp) as BoxIo),
                            timeout: wait,
                            peer: addr,
                            tls: None,
                        });
                    }
                    Err(e) => last = e.into(),
                }
            }
            Err(last)
        };
        timeout(wait, attempt)
            .await
            .map_err(|_| ClientError::Timeout(wait))?
    }

    /// The address connected to.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// Protocol version and cipher suite once TLS is up, e.g. `TLSv1_3 TLS13_AES_128_GCM_SHA256`.
    pub fn tls_info(&self) -> Option<&str> {
        self.tls.as_deref()
    }

    /// Wraps the connection in TLS (after a `220` to STARTTLS, or right after connecting for
    /// implicit TLS), verifying the certificate against `server_name`.
    pub async fn start_tls(
        self,
        config: Arc<ClientConfig>,
        server_name: &str,
    ) -> Result<Connection, ClientError> {
        // Bytes the server sent after its STARTTLS reply would be read as if they came over
        // TLS: the classic STARTTLS response injection. Refuse instead.
        if !self.stream.buffer().is_empty() {
            return Err(ClientError::Protocol(
                "the server sent data before the TLS handshake".into(),
            ));
        }
        let name = ServerName::try_from(server_name.to_string())
            .map_err(|_| TlsFailure::Other(format!("invalid server name {server_name:?}")))?;
        let handshake = TlsConnector::from(config).connect(name, self.stream.into_inner());
        let tls = timeout(self.timeout, handshake)
            .await
            .map_err(|_| ClientError::Timeout(self.timeout))?
            .map_err(|e| TlsFailure::classify(&e))?;
        let (_, session) = tls.get_ref();
        let info = format!(
            "{} {}",
            session
                .protocol_version()
                .map(|v| format!("{v:?}"))
                .unwrap_or_default(),
            session
                .negotiated_cipher_suite()
                .map(|s| format!("{:?}", s.suite()))
                .unwrap_or_default()
        );
        Ok(Connection {
            stream: BufReader::new(Box::new(tls) as BoxIo),
            timeout: self.timeout,
            peer: self.peer,
            tls: Some(info.trim().to_string()),
        })
    }

    /// Reads one complete (possibly multi-line) reply.
    pub async fn read_reply(&mut self) -> Result<Reply, ClientError> {
        let mut parser = ReplyParser::new();
        loop {
            let line = timeout(self.timeout, read_line(&mut self.stream, MAX_REPLY_LINE))
                .await
                .map_err(|_| ClientError::Timeout(self.timeout))??
                .ok_or(ClientError::Closed)?;
            if let Some(reply) = parser.feed(&String::from_utf8_lossy(&line))? {
                return Ok(reply);
            }
        }
    }

    /// Sends one line; CRLF is added.
    pub async fn send_line(&mut self, line: &str) -> Result<(), ClientError> {
        let data = format!("{line}\r\n");
        let write = async {
            let stream = self.stream.get_mut();
            stream.write_all(data.as_bytes()).await?;
            stream.flush().await
        };
        timeout(self.timeout, write)
            .await
            .map_err(|_| ClientError::Timeout(self.timeout))??;
        Ok(())
    }

    /// Sends a command and reads its reply.
    pub async fn command(&mut self, line: &str) -> Result<Reply, ClientError> {
        self.send_line(line).await?;
        self.read_reply().await
    }

    /// Authenticates. Returns the server's final reply (`235` on success); an unexpected
    /// intermediate reply is returned as is. Credentials only ever go to the socket.
    pub async fn auth(
        &mut self,
        mechanism: AuthMechanism,
        username: &str,
        password: &Secret,
    ) -> Result<Reply, ClientError> {
        match mechanism {
            AuthMechanism::Plain => {
                let token = b64(format!("\0{username}\0{}", password.expose()).as_bytes());
                self.command(&format!("AUTH PLAIN {token}")).await
            }
            AuthMechanism::Login => {
                let reply = self.command("AUTH LOGIN").await?;
                if reply.code != 334 {
                    return Ok(reply);
                }
                let reply = self.command(&b64(username.as_bytes())).await?;
                if reply.code != 334 {
                    return Ok(reply);
                }
                self.command(&b64(password.expose().as_bytes())).await
            }
        }
    }

    /// MAIL FROM, RCPT TO for each recipient, DATA with dot-stuffing. Returns the first
    /// negative reply, or the final reply to the message (`250` when accepted).
    pub async fn send_message(
        &mut self,
        from: &str,
        to: &[&str],
        message: &str,
    ) -> Result<Reply, ClientError> {
        let reply = self.command(&format!("MAIL FROM:<{from}>")).await?;
        if !reply.is_positive() {
            return Ok(reply);
        }
        for rcpt in to {
            let reply = self.command(&format!("RCPT TO:<{rcpt}>")).await?;
            if !reply.is_positive() {
                return Ok(reply);
            }
        }
        let reply = self.command("DATA").await?;
        if reply.code != 354 {
            return Ok(reply);
        }
        let mut body = String::with_capacity(message.len() + 8);
        for line in message.lines() {
            if line.starts_with('.') {
                body.push('.');
            }
            body.push_str(line);
            body.push_str("\r\n");
        }
        body.push('.');
        self.command(&body).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mechanism_choice() {
        let both = vec!["LOGIN".to_string(), "PLAIN".to_string()];
        assert_eq!(AuthMechanism::choose(&both), Some(AuthMechanism::Plain));
        assert_eq!(
            AuthMechanism::choose(&["login".to_string()]),
            Some(AuthMechanism::Login)
        );
        assert_eq!(AuthMechanism::choose(&["CRAM-MD5".to_string()]), None);
    }

    #[test]
    fn io_errors_map_to_categories() {
        let refused: ClientError = io::Error::from(io::ErrorKind::ConnectionRefused).into();
        assert!(matches!(refused, ClientError::Refused));
        let reset: ClientError = io::Error::from(io::ErrorKind::ConnectionReset).into();
        assert!(matches!(reset, ClientError::Closed));
    }

    #[test]
    fn rustls_errors_are_classified() {
        let wrap = |e: rustls::Error| io::Error::new(io::ErrorKind::InvalidData, e);
        assert_eq!(
            TlsFailure::classify(&wrap(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer
            ))),
            TlsFailure::Untrusted("signed by an unknown issuer".into())
        );
        assert_eq!(
            TlsFailure::classify(&wrap(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName
            ))),
            TlsFailure::NameMismatch
        );
        assert_eq!(
            TlsFailure::classify(&wrap(rustls::Error::InvalidMessage(
                rustls::InvalidMessage::InvalidContentType
            ))),
            TlsFailure::NotTls
        );
        assert_eq!(
            TlsFailure::classify(&io::Error::from(io::ErrorKind::UnexpectedEof)),
            TlsFailure::Closed
        );
    }

    #[test]
    fn pem_parsing() {
        assert!(pem_certificates(b"nothing here").is_err());
    }
}
