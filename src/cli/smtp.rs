//! `sesform smtp ...`: SMTP credentials. `password` derives an SMTP password from a secret key
//! on standard input; `check` tries credentials against an endpoint; `serve` (hidden) runs the
//! local SES-like SMTP server as a process for CI.
//! Flags and settings only: what they print is [`crate::render::smtp`]'s.
//!
//! Secrets never reach output: they are read from standard input, a file or the environment,
//! and the check's view redacts every line in case a server echoes them.

use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Read};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::{GlobalArgs, exit, print_stdout, stdout_color};
use crate::formats::dotenv::{self, Dialect, phpdotenv};
use crate::lint::frameworks;
use crate::render::smtp::{self as smtp_view, CheckView, Verdict};
use crate::render::style::Style;
use crate::smtp::check::{self, CheckOptions, StepDone};
use crate::smtp::client;
use crate::smtp::diagnose::{self, PasswordShape};
use crate::smtp::settings::{self, SmtpSettings};
use crate::smtp::{Secret, TlsMode, password, region_of_host, ses_host};
use crate::spec::names;

/// Environment variable holding a DSN for `smtp check`, to keep it out of argv.
const DSN_ENV: &str = "SESFORM_SMTP_DSN";

#[derive(Debug, Args)]
pub struct SmtpArgs {
    #[command(subcommand)]
    pub command: SmtpCommand,
}

#[derive(Debug, Subcommand)]
pub enum SmtpCommand {
    /// Derive the SES SMTP password of --region from an IAM secret access key read on
    /// standard input; print only the password.
    ///
    /// For converting existing access keys (the SMTP user name is the access key id). The key
    /// is read from standard input, never from arguments, so it stays out of shell history
    /// and `ps`: `printf %s "$AWS_SECRET_ACCESS_KEY" | sesform smtp password --region eu-west-1`.
    Password,
    /// Test SMTP credentials against an SMTP endpoint: connect, EHLO, TLS, AUTH, QUIT.
    ///
    /// No mail is sent. Reads the app's settings from --env-file (Symfony MAILER_DSN, or
    /// Laravel MAIL_URL / MAIL_HOST, MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, MAIL_SCHEME,
    /// MAIL_ENCRYPTION), --dsn, or SESFORM_SMTP_DSN. Prints each step with its timing and
    /// explains failures. Exits 0 when the server accepted the credentials, 1 when not, 2
    /// when the settings cannot be read.
    Check(CheckArgs),
    /// Create a new access key for an SMTP user, write its credentials where the spec says,
    /// and delete the old key once it is unused (--confirm-old-key-unused, or IAM shows it idle).
    Rotate(super::rotate::RotateArgs),
    /// Run the local SES-like SMTP server on 127.0.0.1 until interrupted (for CI).
    #[command(hide = true)]
    Serve(ServeArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TlsChoice {
    /// By the configuration (smtps, ses+smtp, MAIL_SCHEME), else by port: implicit TLS on 465
    /// and 2465, STARTTLS elsewhere.
    Auto,
    /// Plain-text greeting, then STARTTLS (SES ports 25, 587, 2587).
    Starttls,
    /// TLS from the first byte (SES ports 465, 2465).
    Implicit,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Dotenv file with the app's mail settings (`.env`, `.env.local`, ...).
    #[arg(long, value_name = "PATH", conflicts_with = "dsn")]
    pub env_file: Option<PathBuf>,
    /// Mailer DSN, e.g. `ses+smtp://USER:PASS@default?region=eu-west-1` or
    /// `smtp://USER:PASS@email-smtp.eu-west-1.amazonaws.com:587`. Prefer the SESFORM_SMTP_DSN
    /// environment variable: arguments are visible to other users in `ps`.
    #[arg(long, value_name = "DSN")]
    pub dsn: Option<String>,
    /// Connect to this host instead of the configured one.
    #[arg(long)]
    pub host: Option<String>,
    /// Connect to this port instead of the configured one.
    #[arg(long)]
    pub port: Option<u16>,
    /// How to get to TLS.
    #[arg(long, value_enum, default_value_t = TlsChoice::Auto)]
    pub tls: TlsChoice,
    /// Also trust the CA certificates in this PEM file (a private CA, the local test server).
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Seconds to wait for the connection, the TLS handshake and each reply.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Name to send with EHLO.
    #[arg(long, value_name = "NAME", default_value = "localhost")]
    pub ehlo_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServeTls {
    /// Plain-text greeting, then STARTTLS.
    Starttls,
    /// TLS from the first byte.
    Implicit,
    /// No TLS, no STARTTLS (unlike SES; for testing clients).
    None,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 = any free port; the chosen one is printed).
    #[arg(long, default_value_t = 2587)]
    pub port: u16,
    #[arg(long, value_enum, default_value_t = ServeTls::Starttls)]
    pub tls: ServeTls,
    /// Accepted credentials, USER:PASSWORD; repeat for more. Also from SESFORM_SMTP_USERS
    /// (comma-separated).
    #[arg(long = "user", value_name = "USER:PASSWORD")]
    pub users: Vec<String>,
    /// Seconds of client silence before `451 4.4.2` and a close.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub idle_timeout: f64,
    /// Messages per session before `421` and a close.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_messages: usize,
    /// Write the CA certificate (PEM) that clients must trust to this file.
    #[arg(long, value_name = "PATH")]
    pub ca_out: Option<PathBuf>,
}

pub fn run(global: &GlobalArgs, args: &SmtpArgs) -> u8 {
    let result = match &args.command {
        SmtpCommand::Password => run_password(global),
        SmtpCommand::Check(check) => run_check(global, check),
        SmtpCommand::Rotate(rotate) => Ok(super::rotate::run(global, rotate)),
        SmtpCommand::Serve(serve) => run_serve(global, serve),
    };
    result.unwrap_or_else(|code| code)
}

/// Prints `error: ...` and gives the exit code for bad input.
fn usage_error(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    exit::ERROR_OR_CHANGES
}

fn checked_region(global: &GlobalArgs) -> Result<&str, u8> {
    let Some(region) = global.region.as_deref() else {
        return Err(usage_error(
            "--region is required: an SMTP password is specific to one region",
        ));
    };
    if !names::is_ses_region(region) {
        let hint = names::suggest(region, names::SES_REGIONS.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(usage_error(format!(
            "`{region}` is not a region with SES{hint}"
        )));
    }
    Ok(region)
}

fn run_password(global: &GlobalArgs) -> Result<u8, u8> {
    let region = checked_region(global)?;
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        // Typed into a terminal, the key would be echoed on screen and kept in scrollback.
        return Err(usage_error(
            "pipe the secret access key on standard input, e.g. \
             `printf %s \"$AWS_SECRET_ACCESS_KEY\" | sesform smtp password --region REGION`",
        ));
    }
    // One line, bounded: a secret key is 40 characters.
    let mut line = String::new();
    stdin
        .lock()
        .take(4096)
        .read_line(&mut line)
        .map_err(|e| usage_error(format!("reading standard input: {e}")))?;
    let secret = Secret::new(line.trim());
    if secret.expose().is_empty() {
        return Err(usage_error(
            "no secret access key on standard input (expected one line)",
        ));
    }
    let shape = PasswordShape::of(&secret);
    if !global.quiet
        && let Some(warning) =
            smtp_view::password_input_warning(shape, secret.expose().chars().count())
    {
        eprintln!("{warning}");
    }
    Ok(print_stdout(&smtp_view::password(
        &password::smtp_password(secret.expose(), region),
    )))
}

/// The dotenv dialect of the app an env file belongs to: its framework's (phpdotenv in the
/// version composer.lock names for Laravel, symfony/dotenv for Symfony) when the file's
/// directory is the app's root; otherwise Symfony's when the file sets MAILER_DSN, else
/// phpdotenv v5.
fn env_file_dialect(path: &std::path::Path, text: &str) -> Dialect {
    let root = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    if let Some(dialect) = frameworks::dotenv_dialect(root) {
        return dialect;
    }
    let sets_mailer_dsn = text.lines().any(|line| {
        let line = line.trim_start();
        line.strip_prefix("export ")
            .unwrap_or(line)
            .trim_start()
            .starts_with("MAILER_DSN=")
    });
    if sets_mailer_dsn {
        Dialect::Symfony
    } else {
        Dialect::PhpDotenv(phpdotenv::Version::V5)
    }
}

/// Where the settings come from, read and parsed.
fn load_settings(args: &CheckArgs) -> Result<SmtpSettings, u8> {
    if let Some(path) = &args.env_file {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| usage_error(format!("reading {name}: {e}")))?;
        let dialect = env_file_dialect(path, &text);
        let process: HashMap<String, String> = std::env::vars().collect();
        let env = dotenv::read(dialect, &text, &process)
            .map_err(|e| usage_error(format!("{name}: {e}")))?;
        return settings::from_dotenv(&env, &name).map_err(usage_error);
    }
    if let Some(dsn) = &args.dsn {
        eprintln!(
            "warning: a DSN in the arguments is visible to other users in `ps` and stays in \
             shell history; prefer {DSN_ENV} or --env-file"
        );
        return settings::parse_dsn(dsn, "--dsn").map_err(usage_error);
    }
    match std::env::var(DSN_ENV) {
        Ok(dsn) if !dsn.trim().is_empty() => {
            settings::parse_dsn(&dsn, DSN_ENV).map_err(usage_error)
        }
        _ => Err(usage_error(format!(
            "nothing to check: pass --env-file PATH or --dsn DSN, or set {DSN_ENV}"
        ))),
    }
}

/// The check to run, from the settings and the command line, and the endpoint's region.
fn resolve(
    global: &GlobalArgs,
    args: &CheckArgs,
    settings: &SmtpSettings,
) -> Result<(CheckOptions, Option<String>), u8> {
    let Some(host) = args
        .host
        .clone()
        .or_else(|| settings.host.clone())
        .or_else(|| global.region.as_deref().map(ses_host))
    else {
        return Err(usage_error(format!("{}: no host", settings.source)));
    };
    let port = args.port.or(settings.port).unwrap_or(587);
    let mode = match args.tls {
        TlsChoice::Starttls => TlsMode::StartTls,
        TlsChoice::Implicit => TlsMode::Implicit,
        // The configuration's mode (smtps, ses+smtp, MAIL_SCHEME) is what the app will use,
        // whatever port is tried; only without one does the port decide.
        TlsChoice::Auto => settings.tls.unwrap_or_else(|| TlsMode::for_port(port)),
    };
    let Some(username) = settings.username.clone() else {
        return Err(usage_error(format!("{}: no user name", settings.source)));
    };
    let Some(password) = settings.password.clone() else {
        return Err(usage_error(format!("{}: no password", settings.source)));
    };
    let timeout = seconds(args.timeout, "--timeout")?;
    let extra_roots = match &args.ca_file {
        Some(path) => {
            let pem = std::fs::read(path)
                .map_err(|e| usage_error(format!("reading {}: {e}", path.display())))?;
            client::pem_certificates(&pem)
                .map_err(|e| usage_error(format!("{}: {e}", path.display())))?
        }
        None => Vec::new(),
    };
    let tls = client::tls_config(&extra_roots, true).map_err(usage_error)?;
    let region = region_of_host(&host)
        .map(str::to_string)
        .or_else(|| settings.region.clone())
        .or_else(|| global.region.clone());

    let options = CheckOptions {
        host,
        port,
        mode,
        username,
        password,
        tls,
        timeout,
        ehlo_name: args.ehlo_name.clone(),
    };
    Ok((options, region))
}

fn run_check(global: &GlobalArgs, args: &CheckArgs) -> Result<u8, u8> {
    let settings = load_settings(args)?;
    let (options, region) = resolve(global, args, &settings)?;
    let view = CheckView::new(&options, Style::new(stdout_color(global)));
    let quiet = global.quiet;

    for note in &settings.notes {
        eprint!("{}", view.note(note));
    }
    if !quiet {
        print_stdout(&view.header(&settings.source));
    }
    let mut on_step = |done: &StepDone| {
        if !quiet {
            print_stdout(&view.step(done));
        }
    };
    let outcome = super::session::runtime().block_on(check::run(&options, &mut on_step));
    let (verdict, code) = match outcome {
        Ok(()) => (Verdict::Accepted, exit::SUCCESS),
        Err(failure) => {
            let context = diagnose::Context {
                host: &options.host,
                port: options.port,
                mode: options.mode,
                region: region.as_deref(),
                username: &options.username,
                password: PasswordShape::of(&options.password),
            };
            let explanation = diagnose::explain(&failure, &context);
            let verdict = Verdict::Rejected {
                failure,
                explanation,
            };
            (verdict, exit::FAILURE)
        }
    };
    print_stdout(&view.verdict(&verdict, !quiet));
    Ok(code)
}

fn seconds(value: f64, flag: &str) -> Result<Duration, u8> {
    if value > 0.0 && value.is_finite() {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(usage_error(format!(
            "{flag} must be a positive number of seconds"
        )))
    }
}

/// `smtp serve` is `sesform local` with one SMTP endpoint and no spec (every sender
/// accepted): the same server, the same send path, the HTTP side on a free port.
fn run_serve(global: &GlobalArgs, args: &ServeArgs) -> Result<u8, u8> {
    let region = global
        .region
        .clone()
        .unwrap_or_else(|| "us-east-1".to_string());
    let mut config = crate::local::LocalConfig::new(&region);
    config.api_port = 0;
    (config.smtp_port, config.smtps_port, config.no_tls) = match args.tls {
        ServeTls::Starttls => (Some(args.port), None, false),
        ServeTls::Implicit => (None, Some(args.port), false),
        ServeTls::None => (Some(args.port), None, true),
    };
    config.idle_timeout = seconds(args.idle_timeout, "--idle-timeout")?;
    config.max_messages_per_session = args.max_messages;
    // As before the merge into `local`: no quota unless asked.
    config.max_send_rate = Some(f64::MAX);
    config.max_24_hour_send = Some(f64::MAX);
    let from_env = std::env::var("SESFORM_SMTP_USERS").unwrap_or_default();
    let users = args
        .users
        .iter()
        .map(String::as_str)
        .chain(from_env.split(',').filter(|u| !u.trim().is_empty()));
    for user in users {
        let Some((name, pass)) = user.trim().split_once(':') else {
            return Err(usage_error("credentials must be USER:PASSWORD"));
        };
        config.users.push((name.to_string(), Secret::new(pass)));
    }
    if config.users.is_empty() {
        eprintln!("warning: no --user given: every AUTH will be refused with 535");
    }
    Ok(super::local::serve(global, config, args.ca_out.as_deref()))
}

/// Ctrl-C, or SIGTERM (what CI runners and `docker stop` send).
pub(super) async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod dialect_tests {
    use super::*;

    #[test]
    fn an_env_file_is_read_in_its_apps_dialect() {
        let dir = tempfile::tempdir().unwrap();
        let env = dir.path().join(".env");
        let v = |major: u32| Dialect::PhpDotenv(phpdotenv::Version::for_app(None, Some(major)));
        // No app around the file: by what it sets.
        assert_eq!(env_file_dialect(&env, "MAIL_HOST=h\n"), v(8));
        assert_eq!(
            env_file_dialect(&env, "export MAILER_DSN=smtp://h\n"),
            Dialect::Symfony
        );
        // A Laravel 6 app reads its .env with phpdotenv v3, whatever the file sets.
        std::fs::write(dir.path().join("artisan"), "").unwrap();
        std::fs::write(
            dir.path().join("composer.lock"),
            r#"{"packages": [{"name": "laravel/framework", "version": "v6.20.0"}]}"#,
        )
        .unwrap();
        assert_eq!(env_file_dialect(&env, "MAILER_DSN=smtp://h\n"), v(6));
        let symfony = tempfile::tempdir().unwrap();
        std::fs::write(symfony.path().join("symfony.lock"), "{}").unwrap();
        assert_eq!(
            env_file_dialect(&symfony.path().join(".env"), "MAIL_HOST=h\n"),
            Dialect::Symfony
        );
    }
}
