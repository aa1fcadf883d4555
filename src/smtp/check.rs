//! `smtp check`: connect, EHLO, TLS, EHLO, AUTH, QUIT against an SMTP endpoint, timing each
//! step. No mail is sent. Steps are reported as they finish through a callback, so a caller can
//! show progress before a slow step times out.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_rustls::rustls::ClientConfig;

use super::client::{AuthMechanism, ClientError, Connection};
use super::reply::Reply;
use super::{Secret, TlsMode};

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub host: String,
    pub port: u16,
    pub mode: TlsMode,
    pub username: String,
    pub password: Secret,
    pub tls: Arc<ClientConfig>,
    /// Bound on each network wait (connect, each reply, the TLS handshake).
    pub timeout: Duration,
    /// The name sent with EHLO.
    pub ehlo_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Connect,
    TlsHandshake,
    Greeting,
    Ehlo,
    StartTls,
    EhloAfterTls,
    Auth(Option<AuthMechanism>),
    Quit,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Connect => f.write_str("connect"),
            Step::TlsHandshake => f.write_str("TLS handshake"),
            Step::Greeting => f.write_str("greeting"),
            Step::Ehlo => f.write_str("EHLO"),
            Step::StartTls => f.write_str("STARTTLS"),
            Step::EhloAfterTls => f.write_str("EHLO (TLS)"),
            Step::Auth(Some(m)) => write!(f, "AUTH {}", m.name()),
            Step::Auth(None) => f.write_str("AUTH"),
            Step::Quit => f.write_str("QUIT"),
        }
    }
}

/// A step that went through.
#[derive(Debug, Clone)]
pub struct StepDone {
    pub step: Step,
    pub elapsed: Duration,
    /// What the server said or what was negotiated, one line; never a credential.
    pub detail: String,
}

/// Why the check stopped.
#[derive(Debug)]
pub enum FailureKind {
    /// The client-side error: refused, timeout, TLS, closed, ...
    Client(ClientError),
    /// The server answered with a negative reply.
    Reply(Reply),
    /// EHLO did not offer STARTTLS: credentials are never sent in clear text.
    NoStartTls,
    /// EHLO offered neither AUTH PLAIN nor AUTH LOGIN.
    NoAuthMechanism { advertised: Vec<String> },
}

#[derive(Debug)]
pub struct Failure {
    pub step: Step,
    pub elapsed: Duration,
    pub kind: FailureKind,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FailureKind::Client(e) => write!(f, "{e}"),
            FailureKind::Reply(reply) => write!(f, "{reply}"),
            FailureKind::NoStartTls => f.write_str("the server does not offer STARTTLS"),
            FailureKind::NoAuthMechanism { advertised } if advertised.is_empty() => {
                f.write_str("the server offers no AUTH mechanism")
            }
            FailureKind::NoAuthMechanism { advertised } => write!(
                f,
                "the server offers neither AUTH PLAIN nor LOGIN (only {})",
                advertised.join(", ")
            ),
        }
    }
}

/// Runs a step: times it, turns its error into a [`Failure`].
struct Steps<'a> {
    on_step: &'a mut dyn FnMut(&StepDone),
}

impl Steps<'_> {
    async fn run<T>(
        &mut self,
        step: Step,
        work: impl Future<Output = Result<(T, String), FailureKind>>,
    ) -> Result<T, Failure> {
        let start = Instant::now();
        let result = work.await;
        let elapsed = start.elapsed();
        match result {
            Ok((value, detail)) => {
                (self.on_step)(&StepDone {
                    step,
                    elapsed,
                    detail,
                });
                Ok(value)
            }
            Err(kind) => Err(Failure {
                step,
                elapsed,
                kind,
            }),
        }
    }
}

fn client(e: ClientError) -> FailureKind {
    FailureKind::Client(e)
}

/// A reply with the expected code, or the reply as the failure.
fn expect(reply: Reply, code: u16) -> Result<Reply, FailureKind> {
    if reply.code == code {
        Ok(reply)
    } else {
        Err(FailureKind::Reply(reply))
    }
}

/// EHLO keywords on one line: `8BITMIME, STARTTLS, AUTH PLAIN LOGIN, SIZE 10485760`.
fn extensions_summary(reply: &Reply) -> String {
    reply
        .lines
        .iter()
        .skip(1)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

fn tls_detail(conn: &Connection) -> String {
    conn.tls_info().unwrap_or_default().to_string()
}

/// Runs the whole check; `on_step` sees each step that succeeds, in order.
pub async fn run(
    options: &CheckOptions,
    on_step: &mut dyn FnMut(&StepDone),
) -> Result<(), Failure> {
    let mut steps = Steps { on_step };
    let o = options;

    let mut conn = steps
        .run(Step::Connect, async {
            let conn = Connection::connect(&o.host, o.port, o.timeout)
                .await
                .map_err(client)?;
            let detail = conn.peer().to_string();
            Ok((conn, detail))
        })
        .await?;

    if o.mode == TlsMode::Implicit {
        conn = steps
            .run(Step::TlsHandshake, async {
                let conn = conn
                    .start_tls(o.tls.clone(), &o.host)
                    .await
                    .map_err(client)?;
                let detail = tls_detail(&conn);
                Ok((conn, detail))
            })
            .await?;
    }

    steps
        .run(Step::Greeting, async {
            let reply = expect(conn.read_reply().await.map_err(client)?, 220)?;
            Ok(((), reply.to_string()))
        })
        .await?;

    let ehlo = format!("EHLO {}", o.ehlo_name);
    let mut capabilities = steps
        .run(Step::Ehlo, async {
            let reply = expect(conn.command(&ehlo).await.map_err(client)?, 250)?;
            let detail = extensions_summary(&reply);
            Ok((reply, detail))
        })
        .await?;

    if o.mode == TlsMode::StartTls {
        steps
            .run(Step::StartTls, async {
                if !capabilities.has_extension("STARTTLS") {
                    return Err(FailureKind::NoStartTls);
                }
                let reply = expect(conn.command("STARTTLS").await.map_err(client)?, 220)?;
                Ok(((), reply.to_string()))
            })
            .await?;
        conn = steps
            .run(Step::TlsHandshake, async {
                let conn = conn
                    .start_tls(o.tls.clone(), &o.host)
                    .await
                    .map_err(client)?;
                let detail = tls_detail(&conn);
                Ok((conn, detail))
            })
            .await?;
        // RFC 3207: everything learnt before TLS is discarded; ask again.
        capabilities = steps
            .run(Step::EhloAfterTls, async {
                let reply = expect(conn.command(&ehlo).await.map_err(client)?, 250)?;
                let detail = extensions_summary(&reply);
                Ok((reply, detail))
            })
            .await?;
    }

    let advertised = capabilities.auth_mechanisms();
    let mechanism = AuthMechanism::choose(&advertised);
    steps
        .run(Step::Auth(mechanism), async {
            let mechanism = mechanism.ok_or_else(|| FailureKind::NoAuthMechanism {
                advertised: advertised.clone(),
            })?;
            let reply = conn
                .auth(mechanism, &o.username, &o.password)
                .await
                .map_err(client)?;
            let reply = expect(reply, 235)?;
            Ok(((), format!("{reply} (as {})", o.username)))
        })
        .await?;

    // Authentication is what was being checked: a QUIT that goes wrong does not change the
    // verdict, so its outcome is only reported.
    steps
        .run(Step::Quit, async {
            let detail = match conn.command("QUIT").await {
                Ok(reply) => reply.to_string(),
                Err(e) => format!("no clean goodbye ({e}); ignored"),
            };
            Ok(((), detail))
        })
        .await?;
    Ok(())
}
