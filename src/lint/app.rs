//! The resolved model of one app's mail setup: framework and versions, the env files in
//! effect, and every transport with each setting's value and where it was set. Rules read only
//! this model, never files, so Laravel and Symfony apps are checked by the same code.

use std::path::PathBuf;

use super::composer::Package;
use super::env::{AppEnv, Env};
use super::files::{FileId, Files, Origin};
use super::value::Node;
use super::version::Version;
use crate::diagnostic::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framework {
    Laravel,
    Symfony,
}

impl Framework {
    pub fn name(self) -> &'static str {
        match self {
            Framework::Laravel => "Laravel",
            Framework::Symfony => "Symfony",
        }
    }
}

/// The library that talks SMTP: it decides whether connections are reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Laravel 6 to 8: reconnects after every message.
    SwiftMailer,
    /// Symfony, and Laravel 9+: keeps the connection open across messages.
    SymfonyMailer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Plain SMTP: Laravel's `smtp` mailer, Symfony's `smtp://` and `smtps://`.
    Smtp,
    /// Symfony's Amazon bridge over SMTP: `ses+smtp://`, `ses+smtps://`.
    SesSmtp,
    /// The SES HTTP API with IAM keys: Symfony `ses`, `ses+https`, `ses+api`; Laravel `ses`,
    /// `ses-v2`.
    SesApi,
    /// Anything else (sendmail, log, null, other providers): not SES, not checked.
    Other,
}

/// How the SMTP connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// TLS from the first byte (SMTPS): SES ports 465 and 2465.
    Implicit,
    /// Plain connection upgraded with STARTTLS: SES ports 25, 587 and 2587.
    StartTls,
    /// No encryption at all; SES refuses to authenticate.
    None,
}

/// Where an SMTP transport connects, as its library resolves it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The host it connects to (`default` already replaced for `ses+smtp`).
    pub host: String,
    /// The host as written (the DSN host, or the mailer's `host`); for `ses+smtp` it may be
    /// `default`.
    pub host_node: Option<Node>,
    /// `ses+smtp` whose host is derived (`default`, or a custom host the installed bridge
    /// ignores): the `region` option that picks `email-smtp.REGION.amazonaws.com`, if set.
    pub region_node: Option<Node>,
    pub port: u16,
    /// The port setting, when one is set; `None` means the library's default.
    pub port_node: Option<Node>,
    pub tls: Tls,
    /// Why the library picks that TLS mode, e.g. "the scheme is smtps".
    pub tls_reason: String,
    /// The setting that decided the TLS mode, when it is not the port.
    pub tls_node: Option<Node>,
}

impl Endpoint {
    /// The setting that decides where it connects: the region option when the host is
    /// derived from it, else the host.
    pub fn host_setting(&self) -> Option<&Node> {
        self.region_node.as_ref().or(self.host_node.as_ref())
    }

    /// Whether the host is written as `default` (`ses+smtp://USER:PASS@default`).
    pub fn is_default_host(&self) -> bool {
        self.host_node
            .as_ref()
            .and_then(Node::str)
            .is_some_and(|h| h == "default")
    }
}

/// One mail transport (a Laravel mailer, a Symfony transport DSN).
#[derive(Debug, Clone)]
pub struct Transport {
    /// The mailer or transport name (`smtp`, `main`, ...).
    pub name: String,
    /// The app's default mailer, or part of its failover/round-robin chain.
    pub default: bool,
    pub kind: Kind,
    pub engine: Engine,
    /// `smtp`, `ses+smtp`, `ses-v2`, ...
    pub scheme: String,
    /// Where the transport is configured: its DSN, or its mailer array.
    pub decl: Node,
    pub endpoint: Option<Endpoint>,
    pub username: Option<Node>,
    pub password: Option<Node>,
    /// `region` DSN option (Symfony) or `services.ses.region` (Laravel SES mailers).
    pub region: Option<Node>,
    /// DSN query options (Symfony) or the mailer's config keys (Laravel).
    pub options: Vec<(String, Node)>,
    /// The DSN or `url` string this transport was read from.
    pub dsn: Option<Node>,
    /// Laravel SES mailers: the `options` array passed to the AWS SDK call.
    pub ses_options: Option<Node>,
}

impl Transport {
    pub fn option(&self, name: &str) -> Option<&Node> {
        self.options
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// SMTP to SES: the Amazon bridge, or plain SMTP to an SES endpoint.
    pub fn is_ses_smtp(&self) -> bool {
        match self.kind {
            Kind::SesSmtp => true,
            Kind::Smtp => self
                .endpoint
                .as_ref()
                .is_some_and(|e| SesHost::parse(&e.host).is_some()),
            _ => false,
        }
    }

    pub fn is_ses(&self) -> bool {
        self.is_ses_smtp() || self.kind == Kind::SesApi
    }

    pub fn is_smtp(&self) -> bool {
        matches!(self.kind, Kind::Smtp | Kind::SesSmtp)
    }
}

/// An SES SMTP endpoint host: `email-smtp[-fips].REGION.amazonaws.com`, or a VPC endpoint
/// `vpce-....email-smtp.REGION.vpce.amazonaws.com`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SesHost {
    pub region: String,
    pub fips: bool,
}

impl SesHost {
    pub fn parse(host: &str) -> Option<SesHost> {
        let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
        if let Some(rest) = host.strip_suffix(".vpce.amazonaws.com") {
            let (_, region) = rest.rsplit_once(".email-smtp.")?;
            return Some(SesHost {
                region: region.to_string(),
                fips: false,
            });
        }
        let rest = host.strip_suffix(".amazonaws.com")?;
        let (prefix, region) = rest.split_once('.')?;
        let fips = match prefix {
            "email-smtp" => false,
            "email-smtp-fips" => true,
            _ => return None,
        };
        (!region.contains('.')).then(|| SesHost {
            region: region.to_string(),
            fips,
        })
    }
}

/// The spec client an app was linted for.
#[derive(Debug, Clone)]
pub struct ClientRef {
    pub name: String,
    pub client: crate::spec::Client,
}

/// Laravel's config cache (`bootstrap/cache/config.php`, from `php artisan config:cache`):
/// when it exists, Laravel boots from it and reads neither `.env` nor `config/*.php`.
#[derive(Debug)]
pub struct ConfigCache {
    pub file: FileId,
    /// `mail` as `config/mail.php` and the env files give it now: what a rebuilt cache would
    /// hold (the app's `mail_config` is the cache's).
    pub mail_files: Option<Node>,
    /// `services` as `config/services.php` and the env files give it now.
    pub services_files: Option<Node>,
    /// `services` in the cache.
    pub services: Option<Node>,
}

/// One app, resolved.
#[derive(Debug)]
pub struct App {
    pub root: PathBuf,
    /// The root as shown to users.
    pub name: String,
    pub framework: Framework,
    /// `laravel/framework`, or `symfony/framework-bundle`.
    pub version: Option<Package>,
    /// `symfony/mailer` (Symfony, and Laravel 9+).
    pub mailer_version: Option<Package>,
    /// `symfony/amazon-mailer`.
    pub amazon_mailer_version: Option<Package>,
    pub app_env: AppEnv,
    pub env: Env,
    pub transports: Vec<Transport>,
    /// The sender address (Laravel `mail.from.address`, Symfony `envelope.sender` or the
    /// `From` header).
    pub from: Option<Node>,
    /// Headers added to every message (Symfony `framework.mailer.headers`).
    pub headers: Vec<(String, Node)>,
    /// The main mail config (config/mail.php, or the YAML file with the mailer config).
    pub config: Option<Origin>,
    /// Raw config trees rules may need (Laravel: `mail`, `services`).
    pub mail_config: Option<Node>,
    /// Symfony 8.2's top-level `mailer:` key, where it is used.
    pub top_level_mailer: Option<Origin>,
    pub files: Files,
    /// Files that could not be read or parsed; rules do not run when there are any.
    pub errors: Vec<Diagnostic>,
    /// Config that parsed but could not be evaluated (`return require ...`, a `mailers` that
    /// is not an array): reported with the findings, since nothing in it was checked.
    pub unevaluated: Vec<Diagnostic>,
    pub client: Option<ClientRef>,
    /// Laravel's config cache, when the app has one (its values are then the app's config).
    pub config_cache: Option<ConfigCache>,
}

impl App {
    /// The framework version, or `None` when composer.lock does not say.
    pub fn version(&self) -> Option<Version> {
        self.version.as_ref().map(|p| p.version)
    }

    /// Whether the installed version is at least this one; unknown versions count as the
    /// newest, which rules say in a note.
    pub fn at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        self.version()
            .is_none_or(|v| v.at_least(major, minor, patch))
    }

    pub fn mailer_at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        self.mailer_version
            .as_ref()
            .map(|p| p.version)
            .or(match self.framework {
                Framework::Symfony => self.version(),
                Framework::Laravel => None,
            })
            .is_none_or(|v| v.at_least(major, minor, patch))
    }

    pub fn amazon_mailer_at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        self.amazon_mailer_version
            .as_ref()
            .map(|p| p.version)
            .or_else(|| self.mailer_version.as_ref().map(|p| p.version))
            .or(match self.framework {
                Framework::Symfony => self.version(),
                Framework::Laravel => None,
            })
            .is_none_or(|v| v.at_least(major, minor, patch))
    }

    /// "Laravel 10.48.4", or "Laravel (version unknown: no composer.lock)".
    pub fn describe_version(&self) -> String {
        match &self.version {
            Some(p) => format!("{} {}", self.framework.name(), p.version),
            None => format!(
                "{} (version unknown: no composer.lock entry, assuming the latest)",
                self.framework.name()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ses_hosts() {
        assert_eq!(
            SesHost::parse("email-smtp.eu-west-1.amazonaws.com"),
            Some(SesHost {
                region: "eu-west-1".into(),
                fips: false
            })
        );
        assert!(
            SesHost::parse("email-smtp-fips.us-east-1.amazonaws.com")
                .unwrap()
                .fips
        );
        assert_eq!(
            SesHost::parse("vpce-0abc-xyz.email-smtp.eu-central-1.vpce.amazonaws.com")
                .unwrap()
                .region,
            "eu-central-1"
        );
        assert_eq!(SesHost::parse("smtp.mailgun.org"), None);
        assert_eq!(SesHost::parse("email.eu-west-1.amazonaws.com"), None);
    }
}
