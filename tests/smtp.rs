//! `sesform smtp password`, `sesform smtp check` against the local SES-like SMTP server, and the
//! server's own SES behaviours (530 before TLS, 535, 451 on idle, 421 at the session cap),
//! driven by a small client. Every `check` run also asserts the password never shows.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use sesform::smtp::Secret;
use sesform::smtp::client::{self, AuthMechanism, ClientError, Connection};
use sesform::smtp::password::smtp_password;
use sesform::smtp::server::{ServerConfig, ServerTls, SesSmtpServer, Stats};

use crate::util::{Run, TestDir};

const USER: &str = "AKIAIOSFODNN7EXAMPLE";
/// A derived-looking SMTP password with the characters that need URL-encoding in a DSN.
const PASSWORD: &str = "BFx3/Qm+Y2vT1kLz9RwP0aJ8sHc7dE6fG5hI4jK3lM2n";
const IAM_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const WRONG: &str = "BWrongWrongWrongWrongWrongWrongWrongWrongWro";

// ---------------------------------------------------------------- harness

/// A server on its own runtime, so the test thread can block on `sesform` meanwhile.
struct Local {
    rt: tokio::runtime::Runtime,
    server: Option<SesSmtpServer>,
}

impl Local {
    fn start(config: ServerConfig) -> Local {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let server = rt
            .block_on(SesSmtpServer::start(config))
            .expect("start server");
        Local {
            rt,
            server: Some(server),
        }
    }

    fn with_user(tls: ServerTls) -> Local {
        Local::start(ServerConfig::new(tls).with_credentials(USER, PASSWORD))
    }

    fn server(&self) -> &SesSmtpServer {
        self.server.as_ref().expect("running")
    }

    fn port(&self) -> u16 {
        self.server().port()
    }

    fn stats(&self) -> Stats {
        self.server().stats()
    }

    /// Writes the server's CA into `dir` and returns the path.
    fn ca_file(&self, dir: &TestDir) -> String {
        dir.write("ca.pem", self.server().ca_pem())
            .display()
            .to_string()
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.rt.block_on(server.stop());
        }
    }
}

fn dsn(scheme: &str, password: &str, port: u16) -> String {
    let encoded: String = password
        .chars()
        .map(|c| match c {
            '/' => "%2F".to_string(),
            '+' => "%2B".to_string(),
            '=' => "%3D".to_string(),
            c => c.to_string(),
        })
        .collect();
    format!("{scheme}://{USER}:{encoded}@127.0.0.1:{port}")
}

/// `sesform smtp check` with the DSN in the environment (not argv) and the server's CA.
fn check_dsn(dir: &TestDir, local: &Local, dsn: &str, extra: &[&str]) -> Run {
    let ca = local.ca_file(dir);
    let mut cmd = dir.sesform();
    cmd.env("SESFORM_SMTP_DSN", dsn)
        .args(["--color", "never", "--region", "eu-west-1", "smtp", "check"])
        .args(["--ca-file", &ca])
        .args(extra);
    if !extra.contains(&"--timeout") {
        cmd.args(["--timeout", "5"]);
    }
    Run::of(&mut cmd)
}

/// Fails if any form of a password appears in the output.
fn assert_no_secret(run: &Run, secret: &str) {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(secret);
    let all = run.all();
    assert!(!all.contains(secret), "password in output\n{run:?}");
    assert!(
        !all.contains(&encoded),
        "base64 password in output\n{run:?}"
    );
    for part in [&secret[..12], &secret[secret.len() - 12..]] {
        assert!(
            !all.contains(part),
            "part of the password in output\n{run:?}"
        );
    }
}

fn with_stdin(cmd: &mut Command, input: &str) -> Run {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

// ---------------------------------------------------------------- smtp password

fn password_run(region: &str, input: &str) -> Run {
    let dir = TestDir::new();
    with_stdin(
        dir.sesform().args(["--region", region, "smtp", "password"]),
        input,
    )
}

#[test]
fn password_from_stdin_matches_the_reference_vectors() {
    for (region, secret, expected) in [
        (
            "eu-central-1",
            "some+secret+key",
            "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2",
        ),
        (
            "us-west-1",
            "another+secret+key",
            "BKVmjjMDFk/qqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF",
        ),
    ] {
        let run = password_run(region, &format!("{secret}\n"));
        assert_eq!(run.code, 0, "{run:?}");
        assert_eq!(run.stdout, format!("{expected}\n"), "{run:?}");
        assert_eq!(run.stdout.trim(), smtp_password(secret, region));
        assert!(!run.all().contains(secret), "{run:?}");
    }
}

#[test]
fn password_reads_one_trimmed_line() {
    let run = password_run(
        "eu-west-1",
        &format!("  {IAM_SECRET}\r\nignored second line\n"),
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        format!("{}\n", smtp_password(IAM_SECRET, "eu-west-1"))
    );
    // A 40-character key is the expected shape: no warning.
    assert_eq!(run.stderr, "", "{run:?}");
    let run = password_run("eu-west-1", "no-newline-at-end-of-the-key-00000000000");
    assert_eq!(
        run.stdout.trim(),
        smtp_password("no-newline-at-end-of-the-key-00000000000", "eu-west-1")
    );
}

#[test]
fn password_refuses_empty_input() {
    for input in ["", "\n", "   \n"] {
        let run = password_run("eu-west-1", input);
        assert_eq!(run.code, 2, "{input:?}: {run:?}");
        assert_eq!(run.stdout, "", "{run:?}");
        assert!(run.stderr.contains("no secret access key"), "{run:?}");
    }
}

#[test]
fn password_needs_a_valid_region() {
    let dir = TestDir::new();
    let run = with_stdin(dir.sesform().args(["smtp", "password"]), "key\n");
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--region is required"), "{run:?}");
    let run = password_run("eu-wst-1", "key\n");
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("did you mean `eu-west-1`?"), "{run:?}");
}

#[test]
fn password_warns_about_odd_input_without_echoing_it() {
    let smtp_like = smtp_password("x", "eu-west-1");
    let run = password_run("eu-west-1", &format!("{smtp_like}\n"));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("looks like an SMTP password already"),
        "{run:?}"
    );
    assert!(!run.stderr.contains(&smtp_like), "{run:?}");
    let run = password_run("eu-west-1", "short\n");
    assert!(run.stderr.contains("5 characters long"), "{run:?}");
}

// ---------------------------------------------------------------- smtp check: success

#[test]
fn check_succeeds_with_starttls_from_a_laravel_env_file() {
    let local = Local::with_user(ServerTls::StartTls);
    let dir = TestDir::new();
    let ca = local.ca_file(&dir);
    dir.write(
        ".env",
        format!(
            "APP_NAME=demo\nMAIL_MAILER=smtp\nMAIL_HOST=127.0.0.1\nMAIL_PORT={}\n\
             MAIL_USERNAME={USER}\nMAIL_PASSWORD=\"{PASSWORD}\"\nMAIL_ENCRYPTION=tls\n",
            local.port()
        ),
    );
    let run = Run::of(dir.sesform().args([
        "--color",
        "never",
        "smtp",
        "check",
        "--env-file",
        ".env",
        "--ca-file",
        &ca,
    ]));
    assert_eq!(run.code, 0, "{run:?}");
    for step in [
        "connect",
        "greeting",
        "EHLO",
        "STARTTLS",
        "TLS handshake",
        "EHLO (TLS)",
        "AUTH PLAIN",
        "QUIT",
    ] {
        assert!(
            run.stdout.contains(&format!("ok   {step}")),
            "{step}\n{run:?}"
        );
    }
    assert!(run.stdout.contains(" ms "), "timings\n{run:?}");
    assert!(
        run.stdout.contains("(STARTTLS), from MAIL_* in .env"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains(&format!("accepted the credentials of {USER}")),
        "{run:?}"
    );
    assert_no_secret(&run, PASSWORD);
    let stats = local.stats();
    assert_eq!(
        (stats.auth_successes, stats.messages),
        (1, 0),
        "no mail is sent"
    );
}

#[test]
fn check_succeeds_with_implicit_tls_from_a_dsn() {
    let local = Local::with_user(ServerTls::Implicit);
    let dir = TestDir::new();
    // smtps:// asks for implicit TLS even on a port that is not 465.
    let run = check_dsn(&dir, &local, &dsn("smtps", PASSWORD, local.port()), &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("(implicit TLS), from SESFORM_SMTP_DSN"),
        "{run:?}"
    );
    assert!(!run.stdout.contains("STARTTLS"), "{run:?}");
    assert!(run.stdout.contains("ok   TLS handshake"), "{run:?}");
    assert!(run.stdout.contains("TLSv1_3"), "{run:?}");
    assert_eq!(
        run.stderr, "",
        "no warning for a DSN from the environment\n{run:?}"
    );
    assert_no_secret(&run, PASSWORD);
    assert_eq!(local.stats().auth_successes, 1);
}

#[test]
fn check_reads_a_symfony_dsn_with_interpolation_from_an_env_file() {
    let local = Local::with_user(ServerTls::Implicit);
    let dir = TestDir::new();
    let ca = local.ca_file(&dir);
    let encoded = PASSWORD.replace('/', "%2F").replace('+', "%2B");
    dir.write(
        ".env.local",
        format!(
            "SES_USER={USER}\nSES_PASS='{encoded}'\n\
             MAILER_DSN=smtps://${{SES_USER}}:${{SES_PASS}}@localhost:{}  # local server\n",
            local.port()
        ),
    );
    let run = Run::of(dir.sesform().args([
        "smtp",
        "check",
        "--env-file",
        ".env.local",
        "--ca-file",
        &ca,
    ]));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("from MAILER_DSN in .env.local"),
        "{run:?}"
    );
    assert_no_secret(&run, PASSWORD);
}

#[test]
fn check_uses_auth_login_when_the_server_offers_only_that() {
    let local = Local::start(
        ServerConfig::new(ServerTls::StartTls)
            .with_credentials(USER, PASSWORD)
            .with_auth_mechanisms(&["LOGIN"]),
    );
    let dir = TestDir::new();
    let run = check_dsn(&dir, &local, &dsn("smtp", PASSWORD, local.port()), &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("AUTH LOGIN, Ok"), "advertised: {run:?}");
    assert!(run.stdout.contains("ok   AUTH LOGIN"), "{run:?}");
    assert!(!run.stdout.contains("AUTH PLAIN"), "{run:?}");
    assert_no_secret(&run, PASSWORD);
    assert_eq!(local.stats().auth_successes, 1);

    // The wrong password over LOGIN is still a 535, explained.
    let run = check_dsn(&dir, &local, &dsn("smtp", WRONG, local.port()), &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("FAIL AUTH LOGIN"), "{run:?}");
    assert!(run.stdout.contains("535"), "{run:?}");
    assert_no_secret(&run, WRONG);
}

#[test]
fn check_reads_the_dsn_the_symfony_preset_writes() {
    use sesform::model::CredentialsTarget;
    let local = Local::with_user(ServerTls::Implicit);
    let dir = TestDir::new();
    let ca = local.ca_file(&dir);
    let target = CredentialsTarget {
        dotenv: Some(".env.ses".into()),
        stdout: false,
        preset: "symfony".into(),
        vars: [("dsn".to_string(), "MAILER_DSN".to_string())].into(),
        smtp_password: sesform::model::Sensitive,
    };
    let vars = sesform::credentials::variables(&target, USER, &Secret::new(PASSWORD), "eu-west-1");
    sesform::credentials::write_dotenv(&dir.join(".env.ses"), &vars).unwrap();
    assert!(
        dir.read(".env.ses")
            .starts_with(&format!("MAILER_DSN=\"ses+smtp://{USER}:")),
        "{}",
        dir.read(".env.ses")
    );
    // ses+smtp://...@default means email-smtp.eu-west-1.amazonaws.com:465 with implicit TLS;
    // --host and --port point the check at the local server instead (a port on the command
    // line decides the TLS mode, so it is named too).
    let port = local.port().to_string();
    let run = Run::of(dir.sesform().args([
        "--color",
        "never",
        "smtp",
        "check",
        "--env-file",
        ".env.ses",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--tls",
        "implicit",
        "--ca-file",
        &ca,
    ]));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("(implicit TLS), from MAILER_DSN in .env.ses"),
        "{run:?}"
    );
    assert!(run.stdout.contains("ok   AUTH PLAIN"), "{run:?}");
    assert_no_secret(&run, PASSWORD);
    assert_eq!(local.stats().auth_successes, 1);
}

#[test]
fn check_with_a_dsn_argument_warns_about_ps() {
    let local = Local::with_user(ServerTls::StartTls);
    let dir = TestDir::new();
    let ca = local.ca_file(&dir);
    let dsn = dsn("smtp", PASSWORD, local.port());
    let run = Run::of(
        dir.sesform()
            .args(["smtp", "check", "--dsn", &dsn, "--ca-file", &ca]),
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("visible to other users in `ps`"),
        "{run:?}"
    );
    assert_no_secret(&run, PASSWORD);
}

#[test]
fn quiet_check_prints_only_the_verdict() {
    let local = Local::with_user(ServerTls::StartTls);
    let dir = TestDir::new();
    let run = check_dsn(&dir, &local, &dsn("smtp", PASSWORD, local.port()), &["-q"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.trim().lines().count(), 1, "{run:?}");
    assert!(run.stdout.contains("OK:"), "{run:?}");
}

// ---------------------------------------------------------------- smtp check: failures

#[test]
fn wrong_password_is_a_535_explained() {
    let local = Local::with_user(ServerTls::StartTls);
    let dir = TestDir::new();
    let run = check_dsn(&dir, &local, &dsn("smtp", WRONG, local.port()), &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("FAIL AUTH PLAIN"), "{run:?}");
    assert!(
        run.stdout
            .contains("535 Authentication Credentials Invalid"),
        "{run:?}"
    );
    assert!(run.stdout.contains("credentials rejected"), "{run:?}");
    assert!(
        run.stdout
            .contains("(1) an IAM secret access key used as the password"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("another region than eu-west-1"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("(3) a deleted or inactive access key"),
        "{run:?}"
    );
    assert!(!run.stdout.contains("40 characters long"), "{run:?}");
    assert_no_secret(&run, WRONG);
    assert_no_secret(&run, PASSWORD);
    assert_eq!(local.stats().auth_failures, 1);
}

#[test]
fn an_iam_secret_as_password_is_named_as_such() {
    let local = Local::with_user(ServerTls::StartTls);
    let dir = TestDir::new();
    let run = check_dsn(&dir, &local, &dsn("smtp", IAM_SECRET, local.port()), &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("credentials rejected"), "{run:?}");
    assert!(
        run.stdout
            .contains("40 characters long, the shape of an IAM secret access key"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("sesform smtp password --region eu-west-1"),
        "{run:?}"
    );
    assert_no_secret(&run, IAM_SECRET);
}

#[test]
fn a_server_without_starttls_gets_no_credentials() {
    let local = Local::with_user(ServerTls::None);
    let dir = TestDir::new();
    let run = check_dsn(&dir, &local, &dsn("smtp", PASSWORD, local.port()), &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("FAIL STARTTLS"), "{run:?}");
    assert!(run.stdout.contains("does not offer STARTTLS"), "{run:?}");
    assert!(
        run.stdout.contains("never sends credentials unencrypted"),
        "{run:?}"
    );
    let stats = local.stats();
    assert_eq!((stats.auth_successes, stats.auth_failures), (0, 0));
    assert_no_secret(&run, PASSWORD);
}

#[test]
fn implicit_tls_against_a_starttls_port_is_explained() {
    let local = Local::with_user(ServerTls::StartTls);
    let dir = TestDir::new();
    let run = check_dsn(
        &dir,
        &local,
        &dsn("smtp", PASSWORD, local.port()),
        &["--tls", "implicit"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("FAIL TLS handshake"), "{run:?}");
    assert!(run.stdout.contains("did not answer with TLS"), "{run:?}");
    assert!(run.stdout.contains("probably expects STARTTLS"), "{run:?}");
    assert_no_secret(&run, PASSWORD);
}

#[test]
fn starttls_against_an_implicit_tls_port_is_explained() {
    let local = Local::with_user(ServerTls::Implicit);
    let dir = TestDir::new();
    let run = check_dsn(
        &dir,
        &local,
        &dsn("smtp", PASSWORD, local.port()),
        &["--tls", "starttls", "--timeout", "0.5"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("FAIL greeting"), "{run:?}");
    assert!(
        run.stdout.contains("sent no greeting within 0.5 s"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("expects TLS from the first byte"),
        "{run:?}"
    );
    assert_no_secret(&run, PASSWORD);
}

#[test]
fn an_untrusted_certificate_is_explained() {
    let local = Local::with_user(ServerTls::StartTls);
    // Trusting another server's CA: the certificate chains to nothing trusted.
    let other = Local::with_user(ServerTls::StartTls);
    let dir = TestDir::new();
    let run = check_dsn(&dir, &other, &dsn("smtp", PASSWORD, local.port()), &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("FAIL TLS handshake"), "{run:?}");
    assert!(
        run.stdout
            .contains("not trusted (signed by an unknown issuer)"),
        "{run:?}"
    );
    assert!(run.stdout.contains("--ca-file"), "{run:?}");
    assert_eq!(
        local.stats().auth_failures + local.stats().auth_successes,
        0
    );
    assert_no_secret(&run, PASSWORD);
}

#[test]
fn a_closed_port_is_connection_refused() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let local = Local::with_user(ServerTls::StartTls);
    let dir = TestDir::new();
    let run = check_dsn(&dir, &local, &dsn("smtp", PASSWORD, port), &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("FAIL connect"), "{run:?}");
    assert!(
        run.stdout.contains("connection refused by 127.0.0.1"),
        "{run:?}"
    );
    assert_no_secret(&run, PASSWORD);
}

#[test]
fn unusable_settings_exit_2_without_echoing_secrets() {
    let dir = TestDir::new();
    let cases: [(&str, &str, &str); 4] = [
        (".env", "APP_NAME=x\n", "neither MAILER_DSN"),
        (
            ".env",
            &format!("MAILER_DSN=smtp://{USER}:{PASSWORD}@localhost:587\n"),
            "URL-encode",
        ),
        (
            ".env",
            &format!("MAIL_HOST=h\nMAIL_PASSWORD='{PASSWORD}\n"),
            "line 2",
        ),
        (
            ".env",
            "MAILER_DSN=ses+api://KEY:SECRET@default\n",
            "SES API",
        ),
    ];
    for (file, contents, expected) in cases {
        dir.write(file, contents);
        let run = Run::of(dir.sesform().args(["smtp", "check", "--env-file", file]));
        assert_eq!(run.code, 2, "{contents}\n{run:?}");
        assert!(run.stderr.contains(expected), "{expected}\n{run:?}");
        assert_no_secret(&run, PASSWORD);
    }
    let run = Run::of(dir.sesform().args(["smtp", "check"]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("SESFORM_SMTP_DSN"), "{run:?}");
}

// ---------------------------------------------------------------- the server, wire level

fn connect_plain(local: &Local) -> Connection {
    local
        .rt
        .block_on(Connection::connect(
            "127.0.0.1",
            local.port(),
            Duration::from_secs(5),
        ))
        .expect("connect")
}

/// A connection that is through TLS (either mode), EHLO'd, and authenticated.
async fn logged_in(server: &SesSmtpServer, tls: ServerTls) -> Connection {
    let roots = client::pem_certificates(server.ca_pem().as_bytes()).expect("ca");
    let config = client::tls_config(&roots, false).expect("tls config");
    let mut conn = Connection::connect("127.0.0.1", server.port(), Duration::from_secs(5))
        .await
        .expect("connect");
    if tls == ServerTls::Implicit {
        conn = conn
            .start_tls(config.clone(), "localhost")
            .await
            .expect("tls");
    }
    assert_eq!(conn.read_reply().await.expect("greeting").code, 220);
    assert_eq!(conn.command("EHLO test").await.expect("ehlo").code, 250);
    if tls == ServerTls::StartTls {
        assert_eq!(conn.command("STARTTLS").await.expect("starttls").code, 220);
        conn = conn.start_tls(config, "127.0.0.1").await.expect("tls");
        assert_eq!(conn.command("EHLO test").await.expect("ehlo").code, 250);
    }
    let reply = conn
        .auth(AuthMechanism::Login, USER, &Secret::new(PASSWORD))
        .await
        .expect("auth");
    assert_eq!(reply.code, 235, "{reply}");
    conn
}

#[test]
fn auth_and_mail_before_tls_get_530() {
    let local = Local::with_user(ServerTls::StartTls);
    let mut conn = connect_plain(&local);
    local.rt.block_on(async {
        assert_eq!(conn.read_reply().await.unwrap().code, 220);
        let ehlo = conn.command("EHLO test").await.unwrap();
        assert!(ehlo.has_extension("STARTTLS"), "{ehlo}");
        let reply = conn
            .auth(AuthMechanism::Plain, USER, &Secret::new(PASSWORD))
            .await
            .unwrap();
        assert_eq!(reply.to_string(), "530 Must issue a STARTTLS command first");
        let reply = conn.command("MAIL FROM:<a@example.com>").await.unwrap();
        assert_eq!(reply.to_string(), "530 Must issue a STARTTLS command first");
    });
    assert_eq!(local.stats().auth_failures, 0);
}

#[test]
fn auth_login_and_plain_accept_and_reject() {
    let local = Local::with_user(ServerTls::Implicit);
    let server = local.server();
    local.rt.block_on(async {
        // LOGIN accepted inside logged_in; now PLAIN, wrong then right, on a new session.
        let mut conn = logged_in(server, ServerTls::Implicit).await;
        let again = conn
            .auth(AuthMechanism::Plain, USER, &Secret::new(PASSWORD))
            .await
            .unwrap();
        assert_eq!(again.code, 503, "{again}");
        let roots = client::pem_certificates(server.ca_pem().as_bytes()).unwrap();
        let config = client::tls_config(&roots, false).unwrap();
        let conn = Connection::connect("127.0.0.1", server.port(), Duration::from_secs(5))
            .await
            .unwrap();
        let mut conn = conn.start_tls(config, "localhost").await.unwrap();
        conn.read_reply().await.unwrap();
        conn.command("EHLO test").await.unwrap();
        let bad = conn
            .auth(AuthMechanism::Plain, USER, &Secret::new(WRONG))
            .await
            .unwrap();
        assert_eq!(bad.to_string(), "535 Authentication Credentials Invalid");
        let bad_user = conn
            .auth(AuthMechanism::Login, "AKIAOTHER", &Secret::new(PASSWORD))
            .await
            .unwrap();
        assert_eq!(bad_user.code, 535);
        let good = conn
            .auth(AuthMechanism::Plain, USER, &Secret::new(PASSWORD))
            .await
            .unwrap();
        assert_eq!(good.code, 235, "{good}");
    });
    let stats = local.stats();
    assert_eq!((stats.auth_successes, stats.auth_failures), (2, 2));
}

#[test]
fn idle_sessions_get_451_and_are_closed() {
    let local = Local::start(
        ServerConfig::new(ServerTls::StartTls)
            .with_credentials(USER, PASSWORD)
            .with_idle_timeout(Duration::from_millis(300)),
    );
    let mut conn = connect_plain(&local);
    local.rt.block_on(async {
        assert_eq!(conn.read_reply().await.unwrap().code, 220);
        assert_eq!(conn.command("EHLO test").await.unwrap().code, 250);
        // Stay quiet past the idle timeout: the server speaks first, then hangs up.
        tokio::time::sleep(Duration::from_millis(600)).await;
        let reply = conn.read_reply().await.unwrap();
        assert_eq!(
            reply.to_string(),
            "451 4.4.2 Timeout waiting for data from client."
        );
        assert!(matches!(conn.read_reply().await, Err(ClientError::Closed)));
    });
    // The same after TLS and AUTH, mid-session.
    let server = local.server();
    local.rt.block_on(async {
        let mut conn = logged_in(server, ServerTls::StartTls).await;
        assert_eq!(conn.command("NOOP").await.unwrap().code, 250);
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(conn.read_reply().await.unwrap().code, 451);
    });
    assert_eq!(local.stats().idle_timeouts, 2);
}

#[test]
fn a_busy_session_is_not_idle() {
    let local = Local::start(
        ServerConfig::new(ServerTls::StartTls).with_idle_timeout(Duration::from_millis(1000)),
    );
    let mut conn = connect_plain(&local);
    local.rt.block_on(async {
        conn.read_reply().await.unwrap();
        // NOOPs every 200 ms keep the session alive well past one idle timeout.
        for _ in 0..8 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            assert_eq!(conn.command("NOOP").await.unwrap().code, 250);
        }
    });
    assert_eq!(local.stats().idle_timeouts, 0);
}

#[test]
fn the_session_cap_answers_421_and_closes() {
    let local = Local::start(
        ServerConfig::new(ServerTls::Implicit)
            .with_credentials(USER, PASSWORD)
            .with_max_messages_per_session(3),
    );
    let server = local.server();
    local.rt.block_on(async {
        let mut conn = logged_in(server, ServerTls::Implicit).await;
        for n in 0..3 {
            let body = format!("Subject: {n}\r\n\r\nline\r\n.leading dot\r\n");
            let reply = conn
                .send_message(
                    "from@example.com",
                    &["to@example.com", "cc@example.com"],
                    &body,
                )
                .await
                .unwrap();
            assert_eq!(reply.code, 250, "message {n}: {reply}");
        }
        let reply = conn.command("MAIL FROM:<from@example.com>").await.unwrap();
        assert_eq!(
            reply.to_string(),
            "421 Connection closed by server. Maximum message count per session reached."
        );
        assert!(matches!(conn.read_reply().await, Err(ClientError::Closed)));
        // A new connection starts a new count.
        let mut conn = logged_in(server, ServerTls::Implicit).await;
        let reply = conn
            .send_message(
                "from@example.com",
                &["to@example.com"],
                "Subject: 4\r\n\r\nx\r\n",
            )
            .await
            .unwrap();
        assert_eq!(reply.code, 250, "{reply}");
    });
    let stats = local.stats();
    assert_eq!(
        (stats.messages, stats.session_caps, stats.sessions),
        (4, 1, 2)
    );
    let messages = server.messages();
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[0].username, USER);
    assert_eq!(messages[0].mail_from, "from@example.com");
    assert_eq!(
        messages[0].rcpt_to,
        vec!["to@example.com", "cc@example.com"]
    );
    assert_eq!(
        String::from_utf8_lossy(&messages[0].data),
        "Subject: 0\r\n\r\nline\r\n.leading dot\r\n"
    );
}

#[test]
fn mail_needs_auth_and_order() {
    let local = Local::with_user(ServerTls::Implicit);
    let server = local.server();
    local.rt.block_on(async {
        let roots = client::pem_certificates(server.ca_pem().as_bytes()).unwrap();
        let config = client::tls_config(&roots, false).unwrap();
        let conn = Connection::connect("127.0.0.1", server.port(), Duration::from_secs(5))
            .await
            .unwrap();
        let mut conn = conn.start_tls(config, "localhost").await.unwrap();
        conn.read_reply().await.unwrap();
        let early = conn.command("MAIL FROM:<a@example.com>").await.unwrap();
        assert_eq!(early.code, 503, "EHLO first: {early}");
        conn.command("EHLO test").await.unwrap();
        let reply = conn.command("MAIL FROM:<a@example.com>").await.unwrap();
        assert_eq!(reply.to_string(), "530 Authentication required");
        assert_eq!(conn.command("DATA").await.unwrap().code, 503);
        assert_eq!(conn.command("QUIT").await.unwrap().code, 221);
    });
}
