//! `sesform local`: SES for an app's tests and CI, in one process (see `crate::local` and
//! docs/local.md). Prints one readiness line on standard output, runs until Ctrl-C or SIGTERM.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::{GlobalArgs, exit};
use crate::local::{LocalConfig, LocalSes, Verified};
use crate::render;
use crate::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Args)]
pub struct LocalArgs {
    /// Start from this spec applied: identities, configuration sets and their event
    /// destinations, account settings, and SMTP users (credentials written to their dotenv
    /// files, 0600, pointing at the local STARTTLS port).
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Identities that start verified: `all`, `none`, or a comma-separated list. Without
    /// --spec, `all` accepts every sender and a list creates those identities.
    #[arg(long, value_name = "all|none|LIST", default_value = "all")]
    pub verified: String,
    /// In the sandbox (only verified recipients and the mailbox simulator, 200 a day, 1 a
    /// second) or out of it (50,000 a day, 14 a second).
    #[arg(long, value_enum, default_value_t = OnOff::Off)]
    pub sandbox: OnOff,
    /// HTTP port: SESv2 API, /_emulator control, /_local/messages and the page at /. 0 = free.
    #[arg(long, value_name = "PORT", default_value_t = 4566)]
    pub api_port: u16,
    /// SMTP port with STARTTLS (like 587). 0 = free.
    #[arg(long, value_name = "PORT", default_value_t = 2587)]
    pub smtp_port: u16,
    /// SMTP port with implicit TLS (like 465). 0 = free.
    #[arg(long, value_name = "PORT", default_value_t = 2465)]
    pub smtps_port: u16,
    /// Write the CA certificate clients must trust (PEM) here.
    #[arg(long, value_name = "PATH", default_value = "sesform-local-ca.pem")]
    pub ca_out: PathBuf,
    /// Seconds of client silence before `451 4.4.2 Timeout waiting for data from client.`
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub idle_timeout: f64,
    /// Messages per SMTP session before `421 ... Maximum message count per session reached.`
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_messages: usize,
    /// Largest message in bytes (SES: 10 MB).
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_message_bytes: usize,
    /// Messages (recipients) per second before `454 Throttling failure` (default: the
    /// account's, 1 in the sandbox, 14 out of it).
    #[arg(long, value_name = "N")]
    pub max_send_rate: Option<f64>,
    /// Recipients per 24 hours before `454 Throttling failure: Daily message quota exceeded.`
    #[arg(long, value_name = "N")]
    pub max_24_hour_send: Option<f64>,
    /// Also accept these SMTP credentials as given, USER:PASSWORD (also SESFORM_SMTP_USERS,
    /// comma-separated). IAM keys whose derived password is accepted: SESFORM_LOCAL_IAM_KEYS
    /// (ID:SECRET, comma-separated; environment only, to keep secrets out of `ps`).
    #[arg(long = "user", value_name = "USER:PASSWORD")]
    pub users: Vec<String>,
    /// Publish configuration set events to SNS here (e.g. moto_server: http://127.0.0.1:5000).
    #[arg(long, value_name = "URL")]
    pub sns_endpoint: Option<String>,
    /// Publish EventBridge destinations' events here (e.g. moto_server).
    #[arg(long, value_name = "URL")]
    pub events_endpoint: Option<String>,
    /// Mail to this address hard-bounces (550 5.1.1 user unknown), and the address goes on the
    /// suppression list when BOUNCE is suppressed (repeatable; also PUT /_emulator/recipients).
    #[arg(long = "bounce", value_name = "ADDRESS")]
    pub bounces: Vec<String>,
    /// Mail to this address is delivered, then complained about (repeatable).
    #[arg(long = "complaint", value_name = "ADDRESS")]
    pub complaints: Vec<String>,
    /// Mail to this address is rejected as carrying a virus: Send, then Reject (Bad content),
    /// and the message goes to none of its recipients (repeatable).
    #[arg(long = "reject", value_name = "ADDRESS")]
    pub rejects: Vec<String>,
    /// Mail to this address is delayed: a DeliveryDelay event (TransientCommunicationFailure)
    /// instead of a delivery (repeatable).
    #[arg(long = "delay", value_name = "ADDRESS")]
    pub delays: Vec<String>,
}

/// Every error of `local` (bad option values, a spec that does not load, a port in use)
/// exits 1, like the other commands but `lint` and `smtp`.
fn usage_error(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    exit::FAILURE
}

fn pairs(values: impl Iterator<Item = String>, what: &str) -> Result<Vec<(String, Secret)>, u8> {
    let mut out = Vec::new();
    for value in values {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let Some((name, secret)) = value.split_once(':') else {
            return Err(usage_error(format!(
                "{what} must be NAME:SECRET (the value is not shown)"
            )));
        };
        out.push((name.to_string(), Secret::new(secret)));
    }
    Ok(out)
}

fn env_list(name: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_default()
        .split(',')
        .map(str::to_string)
        .collect()
}

pub fn run(global: &GlobalArgs, args: &LocalArgs) -> u8 {
    match build(global, args) {
        Ok(config) => serve(global, config, Some(&args.ca_out)),
        Err(code) => code,
    }
}

pub fn build(global: &GlobalArgs, args: &LocalArgs) -> Result<LocalConfig, u8> {
    let loaded = match &args.spec {
        Some(path) => {
            Some(super::session::load_spec(global, path, super::exit::FAILURE).map_err(|r| r.0)?)
        }
        None => None,
    };
    let region = match (&global.region, &loaded) {
        (Some(region), Some(loaded)) if *region != loaded.spec.region => {
            return Err(usage_error(format!(
                "--region {region} (or SESFORM_REGION) differs from the spec's region {}: a spec manages one region",
                loaded.spec.region
            )));
        }
        (Some(region), _) => region.clone(),
        (None, Some(loaded)) => loaded.spec.region.clone(),
        (None, None) => "us-east-1".to_string(),
    };
    let mut config = LocalConfig::new(&region);
    config.spec = loaded;
    config.verified = Verified::parse(&args.verified);
    config.sandbox = args.sandbox == OnOff::On;
    config.api_port = args.api_port;
    config.smtp_port = Some(args.smtp_port);
    config.smtps_port = Some(args.smtps_port);
    if !(args.idle_timeout > 0.0 && args.idle_timeout.is_finite()) {
        return Err(usage_error(
            "--idle-timeout must be a positive number of seconds",
        ));
    }
    config.idle_timeout = Duration::from_secs_f64(args.idle_timeout);
    config.max_messages_per_session = args.max_messages;
    config.max_message_bytes = args.max_message_bytes;
    config.max_send_rate = args.max_send_rate;
    config.max_24_hour_send = args.max_24_hour_send;
    config.users = pairs(
        args.users
            .iter()
            .cloned()
            .chain(env_list("SESFORM_SMTP_USERS")),
        "--user",
    )?;
    use crate::emulator::sending::RecipientOutcome;
    config.recipient_outcomes = [
        (&args.bounces, RecipientOutcome::Bounce),
        (&args.complaints, RecipientOutcome::Complaint),
        (&args.rejects, RecipientOutcome::Reject),
        (&args.delays, RecipientOutcome::Delay),
    ]
    .into_iter()
    .flat_map(|(addresses, outcome)| addresses.iter().map(move |a| (a.clone(), outcome)))
    .collect();
    config.iam_keys = pairs(
        env_list("SESFORM_LOCAL_IAM_KEYS").into_iter(),
        "SESFORM_LOCAL_IAM_KEYS",
    )?;
    for (flag, url) in [
        ("--sns-endpoint", &args.sns_endpoint),
        ("--events-endpoint", &args.events_endpoint),
    ] {
        if let Some(url) = url
            && !url.starts_with("http://")
        {
            return Err(usage_error(format!(
                "{flag} must be an http:// URL (a local emulator such as moto_server)"
            )));
        }
    }
    config.sns_endpoint = args.sns_endpoint.clone();
    config.events_endpoint = args.events_endpoint.clone();
    Ok(config)
}

/// Runs until Ctrl-C or SIGTERM. Without `ca_out` the CA's PEM goes to standard output,
/// before the readiness line.
pub fn serve(global: &GlobalArgs, config: LocalConfig, ca_out: Option<&std::path::Path>) -> u8 {
    let quiet = global.quiet;
    super::session::runtime().block_on(async move {
        let local = match LocalSes::start(config).await {
            Ok(local) => local,
            Err(e) => return usage_error(e),
        };
        let ca = match ca_out {
            Some(path) => {
                if let Err(e) = std::fs::write(path, local.ca_pem()) {
                    return usage_error(format!(
                        "writing the CA certificate to {}: {e}",
                        path.display()
                    ));
                }
                std::fs::canonicalize(path)
                    .unwrap_or_else(|_| path.to_path_buf())
                    .display()
                    .to_string()
            }
            None => {
                super::print_stdout(local.ca_pem());
                "(standard output)".to_string()
            }
        };
        if !quiet {
            for issued in local.issued() {
                eprint!("{}", render::local::issued(issued));
            }
        }
        super::print_stdout(&render::local::ready(&local, &ca));
        super::smtp::wait_for_stop().await;
        let stats = local.smtp_stats();
        let messages = local.control().messages();
        local.stop().await;
        if !quiet {
            eprint!("{}", render::local::stopped(messages.len(), &stats));
        }
        exit::SUCCESS
    })
}
