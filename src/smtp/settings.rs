//! Where an app's SMTP settings come from: a Symfony mailer DSN (`MAILER_DSN`, `--dsn`), a
//! Laravel `MAIL_URL`, or Laravel's `MAIL_HOST` / `MAIL_PORT` / `MAIL_USERNAME` /
//! `MAIL_PASSWORD` / `MAIL_SCHEME` / `MAIL_ENCRYPTION` variables.
//!
//! DSNs are parsed by [`crate::formats::dsn`], the way Symfony's `Dsn::fromString` does (PHP
//! `parse_url`, then `rawurldecode` of user and password), so a password that breaks the app
//! breaks here too. The env file is read by [`crate::formats::dotenv`] in the app's dialect.
//! Errors never quote the DSN: it holds the password.

use super::{Secret, TlsMode};
use crate::formats;
use crate::formats::dotenv::Values;
use crate::formats::dsn::DsnError;
use crate::formats::url::rawurldecode;

/// Symfony's `ses+smtp` region when the DSN names none.
pub const SYMFONY_SES_DEFAULT_REGION: &str = "eu-west-1";

/// SMTP settings as an app would use them; anything may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SmtpSettings {
    /// Where they came from, for messages: `MAILER_DSN in .env`, `--dsn`, ...
    pub source: String,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// TLS mode the configuration asks for explicitly (`smtps`, `ses+smtp`); `None` means
    /// "decided by the port".
    pub tls: Option<TlsMode>,
    /// Region named by the configuration (`ses+smtp://...?region=`).
    pub region: Option<String>,
    /// Things worth telling the user about the configuration itself.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
    #[error("{origin}: neither MAILER_DSN (Symfony) nor MAIL_URL or MAIL_HOST (Laravel) is set")]
    NothingFound { origin: String },
}

fn invalid(source: &str, message: impl Into<String>) -> SettingsError {
    SettingsError::Invalid {
        origin: source.to_string(),
        message: message.into(),
    }
}

/// Parses a mailer DSN. `source` names it in errors (`--dsn`, `MAILER_DSN in .env`).
pub fn parse_dsn(dsn: &str, source: &str) -> Result<SmtpSettings, SettingsError> {
    let dsn = dsn.trim();
    if dsn.split("://").next().is_some_and(|s| s.contains('(')) {
        return Err(invalid(
            source,
            "failover(...) and roundrobin(...) DSNs are not supported: check each DSN on its own",
        ));
    }
    if !dsn.contains("://") {
        return Err(invalid(source, "not a DSN: expected SCHEME://..."));
    }
    // parse_url ends the credentials at the first `/`, `?` or `#`: say so rather than
    // reporting whatever it makes of the rest.
    if formats::dsn::intended_userinfo(dsn).is_some_and(|r| dsn[r].contains(['/', '?', '#'])) {
        return Err(invalid(
            source,
            "the user name or password contains an unencoded `/`, `?` or `#`: URL-encode \
             them in the DSN (`/` is %2F, `+` is %2B, `=` is %3D)",
        ));
    }
    let parsed = formats::dsn::parse_symfony(dsn).map_err(|e| invalid(source, dsn_error(&e)))?;
    let scheme = dsn[parsed.scheme.clone()].to_ascii_lowercase();
    let (tls, ses) = transport(&scheme).map_err(|m| invalid(source, m))?;
    let mut settings = SmtpSettings {
        source: source.to_string(),
        tls,
        port: parsed.port.as_ref().map(|(port, _)| *port),
        username: parsed.user.clone().map(|r| rawurldecode(&dsn[r])),
        ..SmtpSettings::default()
    };
    if settings.port == Some(0) {
        return Err(invalid(source, "invalid port \"0\""));
    }
    if let Some(pass) = parsed.password.clone().map(|r| &dsn[r]) {
        if pass.contains('+') {
            settings.notes.push(
                "the DSN password contains a literal `+`: Symfony versions that decoded DSNs \
                 with urldecode() read it as a space; writing it as %2B works everywhere"
                    .into(),
            );
        }
        settings.password = Some(Secret::new(rawurldecode(pass)));
    }
    settings.region = parsed
        .options
        .iter()
        .find(|o| o.name == "region" && !o.value.is_empty())
        .map(|o| o.value.clone());
    let host = rawurldecode(
        dsn[parsed.host.clone()]
            .trim_start_matches('[')
            .trim_end_matches(']'),
    )
    .to_ascii_lowercase();
    if host.is_empty() {
        return Err(invalid(
            source,
            "the DSN has no host (Symfony uses `default`)",
        ));
    }
    endpoint(&mut settings, &scheme, host, ses).map_err(|m| invalid(source, m))?;
    Ok(settings)
}

/// Host and port from the DSN's, as the transport of `scheme` connects.
fn endpoint(
    settings: &mut SmtpSettings,
    scheme: &str,
    host: String,
    ses: bool,
) -> Result<(), String> {
    let tls = settings.tls;
    if ses {
        if host == "default" {
            let region = settings
                .region
                .get_or_insert_with(|| SYMFONY_SES_DEFAULT_REGION.to_string());
            settings.host = Some(super::ses_host(region));
            // Symfony's SesSmtpTransport always connects to 465 for `default`, whatever
            // port the DSN names.
            settings.port = Some(465);
        } else {
            settings.host = Some(host);
            settings.port = settings.port.or(Some(465));
        }
    } else if host == "default" {
        return Err(format!(
            "`{scheme}://default` has no real host: name the SMTP host"
        ));
    } else {
        settings.host = Some(host);
        // Symfony: smtps defaults to 465; smtp to 25 (STARTTLS when offered).
        settings.port = settings.port.or(Some(if tls == Some(TlsMode::Implicit) {
            465
        } else {
            25
        }));
    }
    Ok(())
}

/// The TLS mode a scheme asks for and whether it is Symfony's SES bridge; an error for
/// schemes that are not SMTP.
fn transport(scheme: &str) -> Result<(Option<TlsMode>, bool), String> {
    match scheme {
        "smtp" => Ok((None, false)),
        "smtps" => Ok((Some(TlsMode::Implicit), false)),
        // Symfony's SesSmtpTransport connects with TLS to port 465 for both schemes.
        "ses+smtp" | "ses+smtps" => Ok((Some(TlsMode::Implicit), true)),
        "ses" | "ses+api" | "ses+https" => Err(format!(
            "`{scheme}://` sends through the SES API with IAM access keys, not SMTP: \
             there are no SMTP credentials to check"
        )),
        other => Err(format!(
            "`{other}://` is not an SMTP transport (expected smtp, smtps, ses+smtp or ses+smtps)"
        )),
    }
}

/// What is wrong with a DSN Symfony rejects, without quoting it.
fn dsn_error(error: &DsnError) -> String {
    match error {
        DsnError::Invalid => "the DSN is invalid (PHP's parse_url rejects it): check the host \
                              and the port"
            .into(),
        DsnError::NoScheme => "not a DSN: expected SCHEME://...".into(),
        DsnError::NoHost => "the DSN has no host (Symfony uses `default`)".into(),
    }
}

/// Laravel's `env()`: `null`, `(null)` and empty mean unset.
fn laravel_value<'a>(env: &'a Values, key: &str) -> Option<&'a str> {
    env.get(key)
        .map(str::trim)
        .filter(|v| !v.is_empty() && !matches!(v.to_ascii_lowercase().as_str(), "null" | "(null)"))
}

/// The variables [`from_dotenv`] reads.
const READ: [&str; 10] = [
    "MAILER_DSN",
    "MAIL_MAILER",
    "MAIL_DRIVER",
    "MAIL_URL",
    "MAIL_HOST",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_SCHEME",
    "MAIL_ENCRYPTION",
];

/// SMTP settings from a dotenv file: `MAILER_DSN` (Symfony) first, then Laravel's `MAIL_URL`,
/// then Laravel's `MAIL_*` variables. `file` names the file in messages.
pub fn from_dotenv(env: &Values, file: &str) -> Result<SmtpSettings, SettingsError> {
    if let Some(name) = READ.iter().find(|name| env.is_unknown(name)) {
        return Err(invalid(
            &format!("{name} in {file}"),
            "its value runs a command (`$(...)`) or grows past sesform's expansion limits, \
             so sesform cannot know it",
        ));
    }
    if let Some(dsn) = env.get("MAILER_DSN").filter(|v| !v.trim().is_empty()) {
        return parse_dsn(dsn, &format!("MAILER_DSN in {file}"));
    }
    let mut notes = Vec::new();
    let mailer = laravel_value(env, "MAIL_MAILER").or_else(|| laravel_value(env, "MAIL_DRIVER"));
    if let Some(mailer) = mailer.filter(|m| !m.eq_ignore_ascii_case("smtp")) {
        notes.push(format!(
            "MAIL_MAILER is `{mailer}`, so the app does not send over SMTP with this file; \
             checking its MAIL_* SMTP settings anyway"
        ));
    }
    if let Some(url) = laravel_value(env, "MAIL_URL") {
        let mut settings = parse_dsn(url, &format!("MAIL_URL in {file}"))?;
        settings.notes.splice(0..0, notes);
        return Ok(settings);
    }
    let source = format!("MAIL_* in {file}");
    let Some(host) = laravel_value(env, "MAIL_HOST") else {
        return Err(SettingsError::NothingFound {
            origin: file.to_string(),
        });
    };
    let port = match laravel_value(env, "MAIL_PORT") {
        None => None,
        Some(p) => Some(
            p.parse::<u16>()
                .map_err(|_| invalid(&source, format!("MAIL_PORT {p:?} is not a port number")))?,
        ),
    };
    // Laravel 11.35+ uses MAIL_SCHEME; older apps say MAIL_ENCRYPTION=ssl for TLS from the
    // first byte (Swift Mailer). `tls` there means "by port", like no value.
    let tls = match laravel_value(env, "MAIL_SCHEME").map(str::to_ascii_lowercase) {
        Some(s) if s == "smtps" => Some(TlsMode::Implicit),
        Some(s) if s == "smtp" => None,
        Some(s) => {
            return Err(invalid(
                &source,
                format!("MAIL_SCHEME `{s}` is not smtp or smtps"),
            ));
        }
        None => match laravel_value(env, "MAIL_ENCRYPTION").map(str::to_ascii_lowercase) {
            Some(e) if e == "ssl" || e == "smtps" => Some(TlsMode::Implicit),
            _ => None,
        },
    };
    Ok(SmtpSettings {
        source,
        host: Some(host.to_ascii_lowercase()),
        // Laravel's config/mail.php default.
        port: port.or(Some(2525)),
        username: laravel_value(env, "MAIL_USERNAME").map(str::to_string),
        password: laravel_value(env, "MAIL_PASSWORD").map(Secret::new),
        tls,
        region: None,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::dotenv::{self, Dialect, phpdotenv};

    fn dsn(text: &str) -> SmtpSettings {
        parse_dsn(text, "--dsn").unwrap()
    }

    #[test]
    fn ses_smtp_default_host() {
        let s = dsn("ses+smtp://AKIAEXAMPLE:BPass%2Fword%2B%3D@default?region=eu-central-1");
        assert_eq!(
            s.host.as_deref(),
            Some("email-smtp.eu-central-1.amazonaws.com")
        );
        assert_eq!(s.port, Some(465));
        assert_eq!(s.tls, Some(TlsMode::Implicit));
        assert_eq!(s.username.as_deref(), Some("AKIAEXAMPLE"));
        assert_eq!(s.password.unwrap().expose(), "BPass/word+=");
        assert_eq!(s.region.as_deref(), Some("eu-central-1"));
        assert!(s.notes.is_empty());
        let s = dsn("ses+smtps://U:P@default");
        assert_eq!(
            s.host.as_deref(),
            Some("email-smtp.eu-west-1.amazonaws.com")
        );
        // The bridge ignores a port next to `default`.
        let s = dsn("ses+smtp://U:P@default:587");
        assert_eq!((s.port, s.tls), (Some(465), Some(TlsMode::Implicit)));
    }

    #[test]
    fn smtp_with_host_and_port() {
        let s = dsn("smtp://AKIAEXAMPLE:abc@email-smtp.eu-west-1.amazonaws.com:587");
        assert_eq!(
            s.host.as_deref(),
            Some("email-smtp.eu-west-1.amazonaws.com")
        );
        assert_eq!(s.port, Some(587));
        assert_eq!(s.tls, None);
        let s = dsn("smtps://u:p@127.0.0.1");
        assert_eq!((s.port, s.tls), (Some(465), Some(TlsMode::Implicit)));
        let s = dsn("smtp://u:p@[::1]:2525");
        assert_eq!((s.host.as_deref(), s.port), (Some("::1"), Some(2525)));
        let s = dsn("smtp://localhost");
        assert_eq!((s.username, s.password, s.port), (None, None, Some(25)));
    }

    #[test]
    fn literal_plus_is_kept_but_noted() {
        let s = dsn("smtp://u:a+b@localhost:587");
        assert_eq!(s.password.unwrap().expose(), "a+b");
        assert_eq!(s.notes.len(), 1);
    }

    #[test]
    fn bad_dsns_never_echo_the_password() {
        for bad in [
            "smtp://u:se/cret@localhost:587",
            "smtp://u:secret@localhost:99999",
            "ses+api://u:secret@default",
            "sendmail://u:secret@default",
            "smtp://u:secret@default",
            "failover(smtp://u:secret@a smtp://u:secret@b)",
            "u:secret@localhost",
        ] {
            let err = parse_dsn(bad, "--dsn").unwrap_err().to_string();
            assert!(!err.contains("secret"), "{bad} -> {err}");
            assert!(err.starts_with("--dsn: "), "{err}");
        }
        let err = parse_dsn("smtp://u:se/cret@localhost", "--dsn").unwrap_err();
        assert!(err.to_string().contains("URL-encode"));
    }

    fn env(text: &str) -> Values {
        let laravel = Dialect::PhpDotenv(phpdotenv::Version::V5);
        dotenv::read(laravel, text, &Default::default()).unwrap()
    }

    #[test]
    fn laravel_variables() {
        let e = env(
            "MAIL_MAILER=smtp\nMAIL_HOST=email-smtp.us-east-1.amazonaws.com\nMAIL_PORT=465\n\
             MAIL_USERNAME=AKIAEXAMPLE\nMAIL_PASSWORD=\"BSecret+/=\"\nMAIL_ENCRYPTION=tls\n",
        );
        let s = from_dotenv(&e, ".env").unwrap();
        assert_eq!(s.source, "MAIL_* in .env");
        assert_eq!(
            s.host.as_deref(),
            Some("email-smtp.us-east-1.amazonaws.com")
        );
        assert_eq!(s.port, Some(465));
        assert_eq!(s.tls, None);
        assert_eq!(s.password.unwrap().expose(), "BSecret+/=");
        let e = env("MAIL_HOST=h\nMAIL_SCHEME=smtps\nMAIL_USERNAME=null\n");
        let s = from_dotenv(&e, ".env").unwrap();
        assert_eq!(
            (s.tls, s.username, s.port),
            (Some(TlsMode::Implicit), None, Some(2525))
        );
        let e = env("MAIL_HOST=h\nMAIL_ENCRYPTION=ssl\n");
        assert_eq!(
            from_dotenv(&e, ".env").unwrap().tls,
            Some(TlsMode::Implicit)
        );
        let e = env("MAIL_MAILER=ses\nMAIL_HOST=h\n");
        assert!(from_dotenv(&e, ".env").unwrap().notes[0].contains("`ses`"));
        let e = env("MAIL_HOST=h\nMAIL_PORT=abc\n");
        assert!(from_dotenv(&e, ".env").is_err());
    }

    #[test]
    fn dsn_wins_then_mail_url() {
        let e = env("MAIL_HOST=h\nMAILER_DSN=smtp://u:p@dsnhost:587\n");
        let s = from_dotenv(&e, ".env").unwrap();
        assert_eq!(s.host.as_deref(), Some("dsnhost"));
        assert_eq!(s.source, "MAILER_DSN in .env");
        let e = env("MAIL_HOST=h\nMAIL_URL=smtp://u:p@urlhost:2587\n");
        assert_eq!(
            from_dotenv(&e, ".env").unwrap().host.as_deref(),
            Some("urlhost")
        );
        let e = dotenv::read(
            Dialect::Symfony,
            "MAILER_DSN=$(cat dsn)\n",
            &Default::default(),
        );
        let err = from_dotenv(&e.unwrap(), ".env").unwrap_err().to_string();
        assert!(err.starts_with("MAILER_DSN in .env: "), "{err}");
        let e = env("APP_NAME=x\n");
        assert!(matches!(
            from_dotenv(&e, ".env"),
            Err(SettingsError::NothingFound { .. })
        ));
    }
}
