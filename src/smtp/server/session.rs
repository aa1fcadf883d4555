//! One SMTP session of the local server: a loop of command line -> reply, with SES's replies
//! for the cases clients get wrong (no TLS, bad credentials, idling, too many messages).

use std::io;
use std::sync::Arc;

use base64::Engine;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::time::timeout;

use super::{Counters, ReceivedMessage, ServerTls, Shared};
use crate::smtp::io::{BoxIo, is_line_too_long, read_line, trim_eol};
use crate::smtp::reply::Reply;

/// Command lines: RFC 5321 says 512; AUTH PLAIN tokens fit easily.
const MAX_COMMAND_LINE: usize = 2048;
/// Message lines: RFC 5321 says 1000, real clients sometimes send more; stay lenient but bounded.
const MAX_DATA_LINE: usize = 64 * 1024;

// SES's wording, which clients and their users match on.
const NEED_TLS: &str = "Must issue a STARTTLS command first";
const BAD_CREDENTIALS: &str = "Authentication Credentials Invalid";
const IDLE: &str = "4.4.2 Timeout waiting for data from client.";
const SESSION_CAP: &str = "Connection closed by server. Maximum message count per session reached.";

enum Line {
    Text(String),
    Idle,
    Eof,
    TooLong,
}

enum Flow {
    Continue,
    Close,
}

struct Session {
    conn: BufReader<BoxIo>,
    shared: Arc<Shared>,
    tls: bool,
    greeted: bool,
    user: Option<String>,
    messages: usize,
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
    /// The command being answered, and what was answered so far (`VERB code`).
    verb: String,
    transcript: Vec<String>,
}

/// Transcripts are a summary: a session that runs long keeps its first lines only.
const MAX_TRANSCRIPT: usize = 200;

pub(super) async fn run(tcp: TcpStream, shared: Arc<Shared>) {
    let _ = tcp.set_nodelay(true);
    let io: BoxIo = match (shared.config.tls, &shared.acceptor) {
        (ServerTls::Implicit, Some(acceptor)) => {
            // A client that never starts the handshake is dropped after the idle timeout; there
            // is no channel yet to send it a 451 on.
            match timeout(shared.config.idle_timeout, acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => Box::new(tls),
                _ => return,
            }
        }
        _ => Box::new(tcp),
    };
    let mut session = Session {
        conn: BufReader::new(io),
        tls: shared.config.tls == ServerTls::Implicit,
        shared,
        greeted: false,
        user: None,
        messages: 0,
        mail_from: None,
        rcpt_to: Vec::new(),
        verb: "connect".into(),
        transcript: Vec::new(),
    };
    // I/O errors just end the session, as a disconnect would.
    if session.serve().await.is_ok() {
        let _ = session.conn.get_mut().shutdown().await;
    }
}

fn split_command(line: &str) -> (String, &str) {
    let (verb, arg) = line.split_once(' ').unwrap_or((line, ""));
    (verb.to_ascii_uppercase(), arg.trim())
}

/// `FROM:<a@b> SIZE=10` with `prefix` `FROM:` -> `a@b`; `None` when malformed.
fn path_argument<'a>(arg: &'a str, prefix: &str) -> Option<&'a str> {
    let head = arg.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = arg[prefix.len()..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let end = rest.find('>')?;
    Some(&rest[..end])
}

impl Session {
    async fn reply(&mut self, code: u16, text: &str) -> io::Result<()> {
        self.send(&Reply::new(code, text)).await
    }

    async fn send(&mut self, reply: &Reply) -> io::Result<()> {
        if self.transcript.len() < MAX_TRANSCRIPT {
            self.transcript
                .push(format!("{} {}", self.verb, reply.code));
        }
        let stream = self.conn.get_mut();
        stream.write_all(reply.to_wire().as_bytes()).await?;
        stream.flush().await
    }

    async fn next_line(&mut self, max: usize) -> io::Result<Line> {
        match timeout(
            self.shared.config.idle_timeout,
            read_line(&mut self.conn, max),
        )
        .await
        {
            Err(_) => Ok(Line::Idle),
            Ok(Ok(Some(line))) => Ok(Line::Text(trim_eol(&line))),
            Ok(Ok(None)) => Ok(Line::Eof),
            Ok(Err(e)) if is_line_too_long(&e) => Ok(Line::TooLong),
            Ok(Err(e)) => Err(e),
        }
    }

    /// Reads a line inside a command (AUTH continuation, DATA). `None`: the session is over,
    /// and the caller closes it.
    async fn continuation(&mut self, max: usize) -> io::Result<Option<String>> {
        match self.next_line(max).await? {
            Line::Text(text) => Ok(Some(text)),
            Line::Idle => {
                self.idle().await?;
                Ok(None)
            }
            Line::TooLong => {
                self.reply(500, "5.5.2 Line too long").await?;
                Ok(None)
            }
            Line::Eof => Ok(None),
        }
    }

    async fn idle(&mut self) -> io::Result<()> {
        self.verb = "idle".into();
        Counters::bump(&self.shared.counters.idle_timeouts);
        self.reply(451, IDLE).await
    }

    async fn serve(&mut self) -> io::Result<()> {
        let greeting = format!(
            "{} ESMTP SimpleEmailService-sesform",
            self.shared.config.hostname
        );
        self.reply(220, &greeting).await?;
        loop {
            let line = match self.next_line(MAX_COMMAND_LINE).await? {
                Line::Text(line) => line,
                Line::Idle => return self.idle().await,
                Line::Eof => return Ok(()),
                Line::TooLong => return self.reply(500, "5.5.2 Line too long").await,
            };
            let (verb, arg) = split_command(&line);
            self.verb = verb.clone();
            if let Flow::Close = self.command(&verb, arg).await? {
                return Ok(());
            }
        }
    }

    fn reset_transaction(&mut self) {
        self.mail_from = None;
        self.rcpt_to.clear();
    }

    async fn command(&mut self, verb: &str, arg: &str) -> io::Result<Flow> {
        let needs_ehlo = matches!(verb, "STARTTLS" | "AUTH" | "MAIL" | "RCPT" | "DATA");
        if needs_ehlo && !self.greeted {
            self.reply(503, "5.5.1 Error: send HELO/EHLO first").await?;
            return Ok(Flow::Continue);
        }
        match verb {
            "EHLO" => self.ehlo().await?,
            "HELO" => {
                self.greeted = true;
                self.reset_transaction();
                let name = self.shared.config.hostname.clone();
                self.reply(250, &name).await?;
            }
            "STARTTLS" => return self.starttls().await,
            "AUTH" => return self.auth(arg).await,
            "MAIL" => return self.mail(arg).await,
            "RCPT" => self.rcpt(arg).await?,
            "DATA" => return self.data().await,
            "RSET" => {
                self.reset_transaction();
                self.reply(250, "Ok").await?;
            }
            "NOOP" => self.reply(250, "Ok").await?,
            "QUIT" => {
                self.reply(221, "Bye").await?;
                return Ok(Flow::Close);
            }
            _ => self.reply(500, "5.5.1 Unrecognized command").await?,
        }
        Ok(Flow::Continue)
    }

    async fn ehlo(&mut self) -> io::Result<()> {
        self.greeted = true;
        self.reset_transaction();
        let config = &self.shared.config;
        let mut lines = vec![
            config.hostname.clone(),
            "8BITMIME".to_string(),
            format!("SIZE {}", config.max_message_bytes),
        ];
        if config.tls == ServerTls::StartTls && !self.tls {
            lines.push("STARTTLS".into());
        }
        // SES advertises AUTH before TLS too, and answers 530 when a client uses it.
        lines.push(format!("AUTH {}", config.auth_mechanisms.join(" ")));
        lines.push("Ok".into());
        self.send(&Reply { code: 250, lines }).await
    }

    async fn starttls(&mut self) -> io::Result<Flow> {
        let acceptor = match (&self.shared.acceptor, self.shared.config.tls, self.tls) {
            (_, _, true) => {
                self.reply(503, "5.5.1 TLS already active").await?;
                return Ok(Flow::Continue);
            }
            (Some(acceptor), ServerTls::StartTls, false) => acceptor.clone(),
            _ => {
                self.reply(454, "4.7.0 TLS not available").await?;
                return Ok(Flow::Continue);
            }
        };
        self.reply(220, "Ready to start TLS").await?;
        // Anything the client pipelined after STARTTLS is dropped with the buffer (RFC 3207).
        let (placeholder, _) = tokio::io::duplex(1);
        let plain = std::mem::replace(&mut self.conn, BufReader::new(Box::new(placeholder)));
        let handshake = acceptor.accept(plain.into_inner());
        match timeout(self.shared.config.idle_timeout, handshake).await {
            Ok(Ok(tls)) => {
                self.conn = BufReader::new(Box::new(tls));
                self.tls = true;
                self.greeted = false;
                self.user = None;
                self.reset_transaction();
                Ok(Flow::Continue)
            }
            _ => Ok(Flow::Close),
        }
    }

    async fn auth(&mut self, arg: &str) -> io::Result<Flow> {
        if !self.tls {
            self.reply(530, NEED_TLS).await?;
            return Ok(Flow::Continue);
        }
        if self.user.is_some() {
            self.reply(503, "5.5.1 Already authenticated").await?;
            return Ok(Flow::Continue);
        }
        let (mechanism, initial) = split_command(arg);
        let initial = (!initial.is_empty()).then(|| initial.to_string());
        let offered = self.shared.config.auth_mechanisms.contains(&mechanism);
        let credentials = match mechanism.as_str() {
            "PLAIN" if offered => {
                let Some(token) = self.sasl_step(initial, "").await? else {
                    return Ok(Flow::Close);
                };
                token.and_then(|t| {
                    let mut parts = t.split(|&b| b == 0);
                    let (_authzid, user, pass) = (parts.next()?, parts.next()?, parts.next()?);
                    Some((user.to_vec(), pass.to_vec()))
                })
            }
            "LOGIN" if offered => {
                // "Username:" and "Password:", base64-encoded.
                let Some(user) = self.sasl_step(initial, "VXNlcm5hbWU6").await? else {
                    return Ok(Flow::Close);
                };
                let Some(user) = user else {
                    self.reply(501, "5.5.2 Cannot decode AUTH parameter")
                        .await?;
                    return Ok(Flow::Continue);
                };
                let Some(pass) = self.sasl_step(None, "UGFzc3dvcmQ6").await? else {
                    return Ok(Flow::Close);
                };
                pass.map(|pass| (user, pass))
            }
            _ => {
                self.reply(504, "5.5.4 Unrecognized authentication type")
                    .await?;
                return Ok(Flow::Continue);
            }
        };
        let Some((user, pass)) = credentials else {
            self.reply(501, "5.5.2 Cannot decode AUTH parameter")
                .await?;
            return Ok(Flow::Continue);
        };
        let user = String::from_utf8_lossy(&user).into_owned();
        let accepted = self
            .shared
            .credentials
            .lock()
            .expect("credentials lock")
            .get(&user)
            .is_some_and(|expected| expected.as_bytes() == pass.as_slice());
        if accepted {
            Counters::bump(&self.shared.counters.auth_successes);
            self.user = Some(user);
            self.reply(235, "Authentication successful.").await?;
        } else {
            Counters::bump(&self.shared.counters.auth_failures);
            self.reply(535, BAD_CREDENTIALS).await?;
        }
        Ok(Flow::Continue)
    }

    /// One SASL exchange: the initial response if the client gave one, else a `334 prompt` and
    /// the client's line. `Ok(None)`: session over. `Ok(Some(None))`: undecodable or cancelled.
    async fn sasl_step(
        &mut self,
        initial: Option<String>,
        prompt: &str,
    ) -> io::Result<Option<Option<Vec<u8>>>> {
        let line = match initial {
            Some(line) => line,
            None => {
                self.reply(334, prompt).await?;
                match self.continuation(MAX_COMMAND_LINE).await? {
                    Some(line) => line,
                    None => return Ok(None),
                }
            }
        };
        if line.trim() == "*" {
            return Ok(Some(None));
        }
        Ok(Some(
            base64::engine::general_purpose::STANDARD
                .decode(line.trim())
                .ok(),
        ))
    }

    async fn mail(&mut self, arg: &str) -> io::Result<Flow> {
        if !self.tls {
            self.reply(530, NEED_TLS).await?;
            return Ok(Flow::Continue);
        }
        if self.user.is_none() {
            self.reply(530, "Authentication required").await?;
            return Ok(Flow::Continue);
        }
        if self.messages >= self.shared.config.max_messages_per_session {
            Counters::bump(&self.shared.counters.session_caps);
            self.reply(421, SESSION_CAP).await?;
            return Ok(Flow::Close);
        }
        if self.mail_from.is_some() {
            self.reply(503, "5.5.1 Error: nested MAIL command").await?;
            return Ok(Flow::Continue);
        }
        match path_argument(arg, "FROM:") {
            Some(from) => {
                self.mail_from = Some(from.to_string());
                self.reply(250, "Ok").await?;
            }
            None => self.reply(501, "5.5.4 Syntax: MAIL FROM:<address>").await?,
        }
        Ok(Flow::Continue)
    }

    async fn rcpt(&mut self, arg: &str) -> io::Result<()> {
        if self.mail_from.is_none() {
            return self.reply(503, "5.5.1 Error: need MAIL command").await;
        }
        match path_argument(arg, "TO:") {
            Some(to) if !to.is_empty() => {
                self.rcpt_to.push(to.to_string());
                self.reply(250, "Ok").await
            }
            _ => self.reply(501, "5.5.4 Syntax: RCPT TO:<address>").await,
        }
    }

    async fn data(&mut self) -> io::Result<Flow> {
        if self.rcpt_to.is_empty() {
            self.reply(503, "5.5.1 Error: need RCPT command").await?;
            return Ok(Flow::Continue);
        }
        self.reply(354, "End data with <CR><LF>.<CR><LF>").await?;
        let max = self.shared.config.max_message_bytes;
        let mut data = Vec::new();
        let mut too_big = false;
        loop {
            let Some(line) = self.continuation(MAX_DATA_LINE).await? else {
                return Ok(Flow::Close);
            };
            if line == "." {
                break;
            }
            let line = line.strip_prefix('.').unwrap_or(&line);
            if data.len() + line.len() + 2 > max {
                too_big = true;
            }
            if !too_big {
                data.extend_from_slice(line.as_bytes());
                data.extend_from_slice(b"\r\n");
            }
        }
        let mail_from = self.mail_from.take().unwrap_or_default();
        let rcpt_to = std::mem::take(&mut self.rcpt_to);
        self.verb = "DATA end".into();
        if too_big {
            self.reply(552, "5.3.4 Message too long").await?;
            return Ok(Flow::Continue);
        }
        if let Some(sink) = self.shared.sink.clone() {
            let username = self.user.clone().unwrap_or_default();
            let outcome = sink.submit(super::Submission {
                username: &username,
                mail_from: &mail_from,
                rcpt_to: &rcpt_to,
                data: &data,
                transcript: &self.transcript,
            });
            match outcome {
                Ok(message_id) => {
                    self.messages += 1;
                    Counters::bump(&self.shared.counters.messages);
                    self.reply(250, &format!("Ok {message_id}")).await?;
                }
                Err((code, text)) => self.reply(code, &text).await?,
            }
            return Ok(Flow::Continue);
        }
        self.messages += 1;
        let number = self
            .shared
            .counters
            .messages
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        self.shared
            .messages
            .lock()
            .expect("message store lock")
            .push(ReceivedMessage {
                username: self.user.clone().unwrap_or_default(),
                mail_from,
                rcpt_to,
                data,
            });
        self.reply(250, &format!("Ok {number:016x}-sesform-000000"))
            .await?;
        Ok(Flow::Continue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split() {
        assert_eq!(split_command("ehlo me"), ("EHLO".to_string(), "me"));
        assert_eq!(split_command("QUIT"), ("QUIT".to_string(), ""));
        assert_eq!(
            split_command("AUTH PLAIN  abc "),
            ("AUTH".to_string(), "PLAIN  abc")
        );
    }

    #[test]
    fn paths() {
        assert_eq!(path_argument("FROM:<a@b.c>", "FROM:"), Some("a@b.c"));
        assert_eq!(
            path_argument("from: <a@b.c> SIZE=10", "FROM:"),
            Some("a@b.c")
        );
        assert_eq!(path_argument("FROM:<>", "FROM:"), Some(""));
        assert_eq!(path_argument("FROM:a@b.c", "FROM:"), None);
        assert_eq!(path_argument("TO:<x>", "FROM:"), None);
        assert_eq!(path_argument("", "FROM:"), None);
    }
}
