//! Laravel 6 to 12: `config/mail.php` (the 6.x flat `driver` shape and the 7+ `mailers`
//! shape), `config/services.php` for the SES mailers, `MAIL_URL`, and the env file, resolved
//! as `Illuminate\Mail\MailManager` (or 6.x's `TransportManager`) would; or the config cache
//! (`bootstrap/cache/config.php`), which replaces all of them when it exists.

use std::path::{Path, PathBuf};

use super::{LoadContext, env_load_errors, find_in_code, read_file, read_lock, syntax_error};
use crate::diagnostic::{Diagnostic, Label};
use crate::formats::dotenv::phpdotenv;
use crate::formats::dsn;
use crate::formats::url;
use crate::lint::app::{App, ConfigCache, Endpoint, Engine, Framework, Kind, Tls, Transport};
use crate::lint::composer::{LARAVEL, Lock, PHPDOTENV, SYMFONY_MAILER};
use crate::lint::env::{self, AppEnv, AppEnvSource, Env};
use crate::lint::files::{FileId, Files, Origin, display_path};
use crate::lint::php;
use crate::lint::traced::Traced;
use crate::lint::value::{Node, Val};
use crate::lint::version::Version;

/// laravel/framework's own `config/mail.php`, which Laravel 11+ merges an app's file over (or
/// uses alone), one copy per release that changed its mailers or the keys lint reads; the
/// newest copy at or below the installed version is the one that runs. From each release's
/// file and the framework's CHANGELOG: `roundrobin` added in 11.8.0 (laravel/framework#51400),
/// `resend` with the config sync of 11.17.0 (#52150), `scheme` instead of `encryption` in
/// 11.36.0 (#53874), `retry_after` for failover and roundrobin in 12.5.0 (#55222), `lettermint`
/// in the 12.x file after 12.64.0 (the CHANGELOG up to 12.64.0 names no such change).
const MAIL_COPIES: &[(Version, &str)] = &[
    (
        Version::new(11, 0, 0),
        include_str!("laravel/mail-11.0.php"),
    ),
    (
        Version::new(11, 8, 0),
        include_str!("laravel/mail-11.8.php"),
    ),
    (
        Version::new(11, 17, 0),
        include_str!("laravel/mail-11.17.php"),
    ),
    (
        Version::new(11, 36, 0),
        include_str!("laravel/mail-11.36.php"),
    ),
    (
        Version::new(12, 5, 0),
        include_str!("laravel/mail-12.5.php"),
    ),
    (
        Version::new(12, 65, 0),
        include_str!("laravel/mail-12.65.php"),
    ),
];

/// laravel/framework's own `config/services.php` (its `ses` entry is the same in 11 and 12).
const SERVICES_COPIES: &[(Version, &str)] =
    &[(Version::new(11, 0, 0), include_str!("laravel/services.php"))];

/// The copy of the framework's `config/NAME.php` for this version (the newest when unknown).
fn framework_copy(name: &str, version: Option<Version>) -> (Version, &'static str) {
    let copies = if name == "mail" {
        MAIL_COPIES
    } else {
        SERVICES_COPIES
    };
    let newest = copies[copies.len() - 1];
    version.map_or(newest, |v| {
        copies
            .iter()
            .rev()
            .find(|(since, _)| *since <= v)
            .copied()
            .unwrap_or(copies[0])
    })
}

/// The phpdotenv version that reads the app's env files, from its composer.lock.
pub fn dotenv_version(lock: &Lock) -> phpdotenv::Version {
    phpdotenv::Version::for_app(
        lock.get(PHPDOTENV).map(|p| p.version.major),
        lock.get(LARAVEL).map(|p| p.version.major),
    )
}

pub fn load(ctx: &LoadContext) -> App {
    let root = ctx.root;
    let mut files = Files::default();
    let mut errors = Vec::new();
    let lock = read_lock(root, &mut files, &mut errors);
    let lock_errors = errors.len();
    let version = lock.get(LARAVEL).cloned();
    let mut env_errors = Vec::new();
    let dialect = dotenv_version(&lock);
    let env = env::load_laravel(
        root,
        &mut files,
        &ctx.app_env,
        dialect,
        ctx.process,
        &mut env_errors,
    );
    errors.extend(env_load_errors(&files, env_errors));
    let mut app_env = ctx.app_env.clone();
    app_env.settle_from(&env, &files);
    let v = version.as_ref().map(|p| p.version);
    let mut mail = config(root, "mail", v, &env, &mut files, &mut errors);
    let mut services = config(root, "services", v, &env, &mut files, &mut errors);
    // With a config cache, Laravel reads neither .env nor config/*.php: the cache runs, and
    // what the files say is only compared with it.
    let mut config_cache = None;
    let mut not_read = Vec::new();
    if let Some((file, cached)) = read_config_cache(root, ctx.process, &mut files, &mut errors) {
        // A broken env file or config/*.php does not stop an app that boots from its cache,
        // only the next `config:cache`: reported, but the cache is still checked.
        not_read = errors
            .split_off(lock_errors)
            .into_iter()
            .map(|d| {
                d.with_help(
                    "fix it before the next `php artisan config:cache`, which reads it (so does a \
                     boot without the cache)",
                )
                .with_note(
                    "Laravel boots from the config cache and does not read this file now; the \
                     next `php artisan config:cache` (or a boot without the cache) fails on it",
                )
            })
            .collect();
        app_env = cached_app_env(&cached, app_env, file, &files);
        let mail_files = std::mem::replace(&mut mail, cached.get("mail").cloned());
        let services_files = std::mem::replace(&mut services, cached.get("services").cloned());
        config_cache = Some(ConfigCache {
            file,
            mail_files,
            services_files,
            services: services.clone(),
        });
    }
    let mut app = App {
        root: root.to_path_buf(),
        name: display_path(root),
        framework: Framework::Laravel,
        version,
        mailer_version: lock.get(SYMFONY_MAILER).cloned(),
        amazon_mailer_version: None,
        app_env,
        env,
        transports: Vec::new(),
        from: None,
        headers: Vec::new(),
        config: mail.as_ref().map(|m| m.expr.clone()),
        mail_config: mail.clone(),
        top_level_mailer: None,
        files,
        errors,
        unevaluated: Vec::new(),
        client: ctx.client.clone(),
        config_cache,
    };
    if let Some(mail) = &mail {
        let (transports, from) = transports(&app, mail, services.as_ref());
        app.transports = transports;
        app.from = from;
        app.unevaluated = unevaluated(&app, mail);
    }
    app.unevaluated.extend(not_read);
    // SMTP mailers cannot name a configuration set in config; code adds the header.
    let wants_set = app
        .client
        .as_ref()
        .is_some_and(|c| c.client.configuration_set.is_some());
    if wants_set
        && let Some(at) = find_in_code(root, &["app"], "X-SES-CONFIGURATION-SET", &mut app.files)
    {
        app.headers.push((
            "X-SES-CONFIGURATION-SET".into(),
            Node::new(Val::Unknown, at),
        ));
    }
    app
}

/// Where Laravel looks for its config cache (`Application::getCachedConfigPath`):
/// `APP_CONFIG_CACHE` from the real environment (relative to the app), else
/// `bootstrap/cache/config.php`.
fn config_cache_path(root: &Path, process: &std::collections::HashMap<String, String>) -> PathBuf {
    match process.get("APP_CONFIG_CACHE").filter(|p| !p.is_empty()) {
        Some(p) if Path::new(p).is_absolute() => PathBuf::from(p),
        Some(p) => root.join(p),
        None => root.join("bootstrap/cache/config.php"),
    }
}

/// The config cache, when there is one: `php artisan config:cache` writes every config file
/// as one `return array (...)` (`var_export`), which `LoadConfiguration` loads instead of
/// `config/*.php`, and `LoadEnvironmentVariables` then skips the env files.
fn read_config_cache(
    root: &Path,
    process: &std::collections::HashMap<String, String>,
    files: &mut Files,
    errors: &mut Vec<Diagnostic>,
) -> Option<(FileId, Node)> {
    let path = config_cache_path(root, process);
    if !path.is_file() {
        return None;
    }
    let id = read_file(&path, files, errors)?;
    let help = "Laravel loads this file at every boot and fails the same way; run `php artisan \
                config:cache` to rebuild it (or `php artisan config:clear` to remove it)";
    match php::eval_config(files.text(id), id, &Env::default()) {
        Ok(node) if matches!(node.val, Val::Map(_)) => Some((id, node)),
        Ok(node) => {
            let message = "the config cache does not return an array, which Laravel needs to boot";
            errors.push(syntax_error(files, id, node.expr.span.start, message).with_help(help));
            None
        }
        Err(e) => {
            errors.push(syntax_error(files, id, e.offset, e.message).with_help(help));
            None
        }
    }
}

/// With a config cache, the env is the cache's `app.env` (`LoadConfiguration` detects it from
/// the config), whatever sets APP_ENV.
fn cached_app_env(cached: &Node, before: AppEnv, file: FileId, files: &Files) -> AppEnv {
    let set = cached.path("app.env");
    let name = set
        .and_then(Node::text)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "production".to_string());
    let place = match set {
        Some(node) => files.place(&node.at),
        None => files.name(file).to_string(),
    };
    let requested = match before.source {
        AppEnvSource::Flag | AppEnvSource::Client | AppEnvSource::Process
            if before.name != name =>
        {
            Some(before.name)
        }
        _ => None,
    };
    AppEnv {
        name,
        source: AppEnvSource::ConfigCache {
            place,
            found: set.is_some(),
            requested,
        },
    }
}

/// A note when the mail config, or its `mailers`, is not an array sesform could evaluate.
fn unevaluated(app: &App, mail: &Node) -> Vec<Diagnostic> {
    let source = if app.config_cache.is_some() {
        "the config cache's `mail` is not an array"
    } else {
        "config/mail.php does not return an array"
    };
    let (node, what) = match mail.get("mailers") {
        _ if !matches!(mail.val, Val::Map(_)) => (mail, source),
        Some(m) if !matches!(m.val, Val::Map(_)) && mail.get("driver").is_none() => {
            (m, "`mailers` is not an array")
        }
        _ => return Vec::new(),
    };
    let d = Diagnostic::new(
        NOT_EVALUATED,
        crate::diagnostic::Severity::Info,
        format!(
            "{what} sesform can evaluate (a `require`, a function call, ...): the mail config was \
             not checked"
        ),
    )
    .at(app.files.label(&node.expr, "not evaluated"))
    .with_help("write the array in config/mail.php (with env() calls), so it can be checked");
    vec![d]
}

/// The code of [`unevaluated`] notes.
pub const NOT_EVALUATED: &str = "not-evaluated";

/// Evaluates `config/NAME.php` (on Laravel 11+ merged over the framework's own copy, as
/// `LoadConfiguration` does), or the framework's copy alone when the app has none.
fn config(
    root: &Path,
    name: &str,
    version: Option<Version>,
    env: &Env,
    files: &mut Files,
    errors: &mut Vec<Diagnostic>,
) -> Option<Node> {
    let own = root.join(format!("config/{name}.php")).exists();
    let node = config_file(root, name, version, env, files, errors)?;
    if !own || version.is_some_and(|v| v.major < 11) {
        return Some(node);
    }
    let base = framework_config(root, name, version, env, files, errors)?;
    Some(merge_over_base(node, &base, mergeable(name)))
}

/// `LoadConfiguration::mergeableOptions`: nested arrays merged again, key by key.
fn mergeable(name: &str) -> &'static [&'static str] {
    match name {
        "mail" => &["mailers"],
        _ => &[],
    }
}

/// `array_merge($base, $config)`, then the same for each of `nested`: the base's keys in
/// its order with the app's values, then the app's own keys.
fn merge_over_base(own: Node, base: &Node, nested: &[&str]) -> Node {
    let (Val::Map(own_entries), Val::Map(base_entries)) = (&own.val, &base.val) else {
        return own;
    };
    let mut merged: Vec<(String, Node)> = Vec::with_capacity(base_entries.len());
    for (key, base_value) in base_entries {
        let value = match own_entries.iter().rev().find(|(k, _)| k == key) {
            Some((_, mine)) if nested.contains(&key.as_str()) => {
                merge_over_base(mine.clone(), base_value, &[])
            }
            Some((_, mine)) => mine.clone(),
            None => base_value.clone(),
        };
        merged.push((key.clone(), value));
    }
    for (key, value) in own_entries {
        if !merged.iter().any(|(k, _)| k == key) {
            merged.push((key.clone(), value.clone()));
        }
    }
    Node {
        val: Val::Map(merged),
        ..own
    }
}

/// The framework's own `config/NAME.php`: the vendor copy when installed, else sesform's.
fn framework_config(
    root: &Path,
    name: &str,
    version: Option<Version>,
    env: &Env,
    files: &mut Files,
    errors: &mut Vec<Diagnostic>,
) -> Option<Node> {
    let id = framework_config_file(root, name, version, files, errors)?;
    php::eval_config(files.text(id), id, env).ok()
}

/// The vendor copy of the framework's `config/NAME.php` when installed, else sesform's copy
/// for the installed version (a built-in file findings never point into: see
/// [`relocate_builtin`]).
fn framework_config_file(
    root: &Path,
    name: &str,
    version: Option<Version>,
    files: &mut Files,
    errors: &mut Vec<Diagnostic>,
) -> Option<FileId> {
    let vendor = root.join(format!("vendor/laravel/framework/config/{name}.php"));
    if vendor.is_file() {
        return read_file(&vendor, files, errors);
    }
    let (since, text) = framework_copy(name, version);
    let shown = format!(
        "{} (sesform's copy of laravel/framework {since})",
        display_path(&vendor)
    );
    Some(files.add_builtin(
        &vendor,
        crate::source::SourceFile::new(shown, text.to_string()),
    ))
}

fn config_file(
    root: &Path,
    name: &str,
    version: Option<Version>,
    env: &Env,
    files: &mut Files,
    errors: &mut Vec<Diagnostic>,
) -> Option<Node> {
    let path = root.join(format!("config/{name}.php"));
    let id = if path.exists() {
        read_file(&path, files, errors)?
    } else if version.is_none_or(|v| v.major >= 11) {
        framework_config_file(root, name, version, files, errors)?
    } else {
        if name == "mail" {
            errors.push(
                Diagnostic::error(
                    "io-error",
                    format!(
                        "{}: not found; before Laravel 11 an app must have its own mail config",
                        crate::lint::files::display_path(&path)
                    ),
                )
                .with_help("restore config/mail.php from version control or the Laravel skeleton"),
            );
        }
        return None;
    };
    match php::eval_config(files.text(id), id, env) {
        Ok(node) => Some(node),
        Err(e) => {
            let help = if e.message.starts_with("syntax error") {
                "Laravel cannot load this file either (`php -l` shows the same error); fix it, \
                 then sesform can check the mail config"
            } else {
                "Laravel uses what the file returns: without `return [...]` the config is not an \
                 array and sending fails at run time (`php -l` accepts it); return the array"
            };
            errors.push(syntax_error(files, id, e.offset, e.message).with_help(help));
            None
        }
    }
}

/// Findings must point at the app's own files, never into sesform's copy of the framework's
/// config, which is no file of the app. A finding about a setting that comes from that copy
/// moves to what makes the app use it: the `.env` line (or config line) that selects the mailer,
/// else the framework version in composer.lock; the framework's line is quoted in a note.
/// Secondary labels into the copy (the line that reads a variable) become notes.
pub fn relocate_builtin(app: &App, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let files = &app.files;
    let builtin = |label: &Label| {
        files
            .by_name(&label.file)
            .filter(|id| files.is_builtin(*id))
    };
    let touches = |d: &Diagnostic| {
        d.location
            .iter()
            .chain(&d.related)
            .any(|l| builtin(l).is_some())
    };
    if !diagnostics.iter().any(touches) {
        return diagnostics;
    }
    let anchor = builtin_anchor(app);
    diagnostics
        .into_iter()
        .map(|mut d| {
            let mut notes = Vec::new();
            if let Some(location) = d.location.take() {
                d.location = match (builtin(&location), &anchor) {
                    (Some(id), Some((anchor, shown))) => {
                        notes.push(format!(
                            "{} (what this finding is about); shown is {shown}",
                            quote_builtin(app, id, &location)
                        ));
                        Some(Label {
                            message: location.message,
                            ..anchor.clone()
                        })
                    }
                    _ => Some(location),
                };
            }
            d.related.retain(|l| match builtin(l) {
                Some(id) => {
                    let what = if l.message.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", l.message)
                    };
                    notes.push(format!("{}{what}", quote_builtin(app, id, l)));
                    false
                }
                None => true,
            });
            d.notes.splice(0..0, notes);
            d
        })
        .collect()
}

/// "Laravel's own config/mail.php (laravel/framework 11.44.0, not overridden by the app's
/// config) has `'host' => env('MAIL_HOST', '127.0.0.1'),`".
fn quote_builtin(app: &App, id: FileId, label: &Label) -> String {
    let name = app
        .files
        .path(id)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let line = app
        .files
        .text(id)
        .lines()
        .nth(label.line.saturating_sub(1))
        .unwrap_or_default()
        .trim();
    let version = match &app.version {
        Some(p) => format!("laravel/framework {}", p.version),
        None => "the newest laravel/framework, as composer.lock names none".into(),
    };
    format!(
        "Laravel's own config/{name} ({version}, not overridden by the app's config) has \
         `{line}`"
    )
}

/// The place in the app's own files that makes it use the framework's config, and what it
/// is: the setting that selects the default mailer (a `.env` line, or the app's config), else
/// the framework version in composer.lock, else the app's mail config, env file or `artisan`.
fn builtin_anchor(app: &App) -> Option<(Label, &'static str)> {
    let files = &app.files;
    let real = |o: &Origin| !files.is_builtin(o.file);
    let selector = app
        .mail_config
        .as_ref()
        .and_then(|m| m.get("default"))
        .map(|n| n.at.clone())
        .filter(real);
    let found = selector
        .map(|o| (o, "the setting that selects the mailer"))
        .or_else(|| {
            let version = app.version.as_ref()?;
            Some((version.at.clone(), "the installed laravel/framework"))
        })
        .or_else(|| Some((app.config.clone().filter(real)?, "the app's mail config")))
        .or_else(|| {
            let env = app.env.loaded.first()?;
            Some((Origin::new(*env, 0..0), "the env file Laravel loads"))
        });
    if let Some((origin, shown)) = found {
        return Some((files.label(&origin, ""), shown));
    }
    let artisan = app.root.join("artisan");
    artisan.is_file().then(|| {
        let label = Label {
            file: display_path(&artisan),
            line: 1,
            column: 1,
            span: 0..0,
            message: String::new(),
            lost: false,
        };
        (label, "the app's artisan")
    })
}

/// The transports of the mailers in use (the default and its failover chain), plus any other
/// mailer that sends through SES. Returns them with the sender address.
fn transports(app: &App, mail: &Node, services: Option<&Node>) -> (Vec<Transport>, Option<Node>) {
    let mut out = Vec::new();
    let global_from = mail.path("from.address").cloned();
    // Any Laravel: a truthy `driver` key means the 6.x flat shape.
    if let Some(driver) = mail.get("driver").filter(|d| d.truthy() == Some(true)) {
        let name = driver.text().unwrap_or_default();
        let entries = mail.entries().to_vec();
        if let Some(t) = build(app, &name, true, &entries, mail, services, Some(driver)) {
            out.push(t);
        }
        return (out, global_from);
    }
    let default = mail.get("default").and_then(Node::text).unwrap_or_default();
    let Some(mailers) = mail.get("mailers") else {
        return (out, global_from);
    };
    let mut chain = vec![default.clone()];
    if let Some(cfg) = mailers.get(&default)
        && matches!(
            cfg.get("transport").and_then(Node::str),
            Some("failover" | "roundrobin")
        )
        && let Some(list) = cfg.get("mailers")
    {
        chain.extend(list.entries().iter().filter_map(|(_, n)| n.text()));
    }
    let mut from = None;
    for (name, cfg) in mailers.entries() {
        let in_use = chain.contains(name);
        let entries = cfg.entries().to_vec();
        let Some(t) = build(app, name, in_use, &entries, cfg, services, None) else {
            continue;
        };
        if in_use && from.is_none() {
            from = cfg.path("from.address").cloned();
        }
        if in_use || t.is_ses() {
            out.push(t);
        }
    }
    (out, from.or(global_from))
}

fn get<'a>(entries: &'a [(String, Node)], key: &str) -> Option<&'a Node> {
    entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// PHP `isset`: the key exists and is not null.
fn isset<'a>(entries: &'a [(String, Node)], key: &str) -> Option<&'a Node> {
    get(entries, key).filter(|n| !n.is_null())
}

fn set(entries: &mut Vec<(String, Node)>, key: &str, node: Node) {
    entries.retain(|(k, _)| k != key);
    entries.push((key.to_string(), node));
}

fn build(
    app: &App,
    name: &str,
    in_use: bool,
    entries: &[(String, Node)],
    decl: &Node,
    services: Option<&Node>,
    driver: Option<&Node>,
) -> Option<Transport> {
    let mut entries = entries.to_vec();
    let mut dsn = None;
    // MAIL_URL (Laravel 10.10+): ConfigurationUrlParser, merged over the mailer config.
    if app.at_least(10, 10, 0)
        && let Some(url) = isset(&entries, "url").cloned()
    {
        merge_url(&url, &mut entries);
        dsn = Some(url);
    }
    let transport_node = match driver {
        Some(d) if dsn.is_none() => Some(d.clone()),
        _ => get(&entries, "transport").cloned(),
    };
    let scheme = transport_node
        .as_ref()
        .and_then(Node::text)
        .unwrap_or_default();
    let engine = if app.at_least(9, 0, 0) {
        Engine::SymfonyMailer
    } else {
        Engine::SwiftMailer
    };
    let kind = match scheme.as_str() {
        "smtp" => Kind::Smtp,
        "ses" | "ses-v2" => Kind::SesApi,
        _ if dsn.is_some() => Kind::Other,
        _ => {
            return (in_use)
                .then(|| other(name, in_use, &scheme, engine, decl, &entries, dsn.clone()));
        }
    };
    let mut t = Transport {
        name: name.to_string(),
        default: in_use,
        kind,
        engine,
        scheme: scheme.clone(),
        decl: decl.clone(),
        endpoint: None,
        username: None,
        password: None,
        region: None,
        options: Vec::new(),
        dsn,
        ses_options: None,
    };
    match kind {
        Kind::Smtp => {
            t.endpoint = endpoint(app, &entries);
            t.username = isset(&entries, "username").cloned();
            t.password = isset(&entries, "password").cloned();
            t.options = entries;
        }
        Kind::SesApi => {
            let merged = ses_config(app, &entries, services, driver.is_some());
            t.username = isset(&merged, "key").cloned();
            t.password = isset(&merged, "secret").cloned();
            t.region = isset(&merged, "region").cloned();
            t.ses_options = isset(&merged, "options").cloned();
            t.options = merged;
        }
        _ => t.options = entries,
    }
    Some(t)
}

fn other(
    name: &str,
    in_use: bool,
    scheme: &str,
    engine: Engine,
    decl: &Node,
    entries: &[(String, Node)],
    dsn: Option<Node>,
) -> Transport {
    Transport {
        name: name.to_string(),
        default: in_use,
        kind: Kind::Other,
        engine,
        scheme: scheme.to_string(),
        decl: decl.clone(),
        endpoint: None,
        username: None,
        password: None,
        region: None,
        options: entries.to_vec(),
        dsn,
        ses_options: None,
    }
}

/// The SES config each Laravel version builds: 6.x reads only `services.ses`; 7.x and 8.x
/// use the mailer's own keys only when it has a `secret`; 9+ merges the mailer over
/// `services.ses`.
fn ses_config(
    app: &App,
    entries: &[(String, Node)],
    services: Option<&Node>,
    flat: bool,
) -> Vec<(String, Node)> {
    let services: Vec<(String, Node)> = services
        .and_then(|s| s.get("ses"))
        .map(|s| s.entries().to_vec())
        .unwrap_or_default();
    if flat && !app.at_least(7, 0, 0) {
        return services;
    }
    if !app.at_least(9, 0, 0) {
        return if isset(entries, "secret").is_some() {
            entries.to_vec()
        } else {
            services
        };
    }
    let mut merged = services;
    for (k, v) in entries {
        set(&mut merged, k, v.clone());
    }
    merged
}

/// `ConfigurationUrlParser::parseConfiguration`: scheme becomes the transport; host, port,
/// user and password are `rawurldecode`d and JSON-decoded; query options are merged too.
fn merge_url(url: &Node, entries: &mut Vec<(String, Node)>) {
    let Some(text) = url.str().map(str::to_string) else {
        return;
    };
    let Some(parts) = dsn::parse_url(&text) else {
        // "The database configuration URL is malformed."; reported by framework-version.
        return;
    };
    let component = |range: std::ops::Range<usize>| {
        let decoded = url::rawurldecode(&text[range.clone()]);
        url.sub(
            range.clone(),
            json_decoded(&url.traced().expect("string").slice(range), decoded),
        )
    };
    // The scheme always replaces the transport (`Arr::pull($config, 'driver')`), even when
    // absent, which yields "Unsupported mail transport []".
    let transport = match parts.scheme.clone() {
        Some(r) => component(r),
        None => url.sub(0..0, Val::Null),
    };
    set(entries, "transport", transport);
    if let Some(r) = parts.host.clone() {
        set(entries, "host", component(r));
    }
    if let Some((_, r)) = parts.port.clone() {
        set(entries, "port", component(r));
    }
    if let Some(r) = parts.user.clone() {
        set(entries, "username", component(r));
    }
    if let Some(r) = parts.pass.clone() {
        set(entries, "password", component(r));
    }
    if let Some(q) = parts.query.clone() {
        for p in dsn::parse_query(&text[q.clone()], q.start) {
            let traced = url.traced().expect("string").slice(p.value_span.clone());
            let node = url.sub(p.value_span.clone(), json_decoded(&traced, p.value.clone()));
            set(entries, &p.name, node);
        }
    }
}

/// `parseStringsToNativeTypes`: strings that are JSON become their value.
fn json_decoded(raw: &Traced, decoded: String) -> Val {
    match serde_json::from_str::<serde_json::Value>(&decoded) {
        Ok(serde_json::Value::Bool(b)) => Val::Bool(b),
        Ok(serde_json::Value::Null) => Val::Null,
        Ok(serde_json::Value::Number(n)) if n.is_i64() => Val::Int(n.as_i64().unwrap_or_default()),
        Ok(serde_json::Value::Number(n)) => Val::Float(n.as_f64().unwrap_or_default()),
        Ok(serde_json::Value::String(s)) => Val::Str(raw.map_text(s)),
        _ if decoded == raw.as_str() => Val::Str(raw.clone()),
        _ => Val::Str(raw.map_text(decoded)),
    }
}

/// Where the `smtp` mailer connects and how it encrypts, per Laravel version.
fn endpoint(app: &App, entries: &[(String, Node)]) -> Option<Endpoint> {
    let host_node = isset(entries, "host")?;
    let host = host_node.text()?;
    let port_node = isset(entries, "port").cloned();
    let port = port_node.as_ref().and_then(Node::int).unwrap_or(0);
    let encryption = isset(entries, "encryption").cloned();
    let enc = encryption
        .as_ref()
        .and_then(Node::text)
        .map(|e| e.to_ascii_lowercase());
    let scheme_node = isset(entries, "scheme").cloned();
    let (tls, reason, tls_node, default_port) = if !app.at_least(9, 0, 0) {
        // Swift Mailer: 'ssl' wraps the socket in TLS, 'tls' sends STARTTLS, else plain.
        match enc.as_deref() {
            Some("ssl") => (
                Tls::Implicit,
                "encryption `ssl` is TLS from the start in Swift Mailer".to_string(),
                encryption,
                25,
            ),
            Some("tls") => (
                Tls::StartTls,
                "encryption `tls` is STARTTLS in Swift Mailer".to_string(),
                encryption,
                25,
            ),
            _ => (
                Tls::None,
                "encryption is not `tls` or `ssl`, so Swift Mailer sends in plain text".into(),
                encryption.or_else(|| Some(host_node.clone())),
                25,
            ),
        }
    } else {
        let scheme: Option<(String, Option<Node>, String)> = if !app.at_least(9, 1, 0) {
            // 9.0: `encryption => tls` always meant smtps.
            (enc.as_deref() == Some("tls")).then(|| {
                (
                    "smtps".to_string(),
                    encryption.clone(),
                    "Laravel 9.0 turns encryption `tls` into smtps".to_string(),
                )
            })
        } else {
            let explicit = if app.at_least(10, 0, 0) {
                scheme_node
                    .as_ref()
                    .and_then(Node::text)
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        (
                            s.clone(),
                            scheme_node.clone(),
                            format!("the scheme is `{s}`"),
                        )
                    })
            } else {
                None
            };
            // 11.35.0 alone (laravel/framework#53749, reverted in 11.35.1 by #53863):
            // encryption `tls` means smtps on every port.
            let tls_is_smtps = app.at_least(11, 35, 0) && !app.at_least(11, 35, 1);
            let smtps_for_tls = (tls_is_smtps && enc.as_deref() == Some("tls")).then(|| {
                (
                    "smtps".to_string(),
                    encryption.clone(),
                    "Laravel 11.35.0 turns encryption `tls` into smtps on every port".to_string(),
                )
            });
            explicit.or(smtps_for_tls).or_else(|| {
                let implied = app.at_least(11, 35, 0) || enc.as_deref() == Some("tls");
                (implied && port == 465).then(|| {
                    (
                        "smtps".to_string(),
                        port_node.clone(),
                        "the port is 465".to_string(),
                    )
                })
            })
        };
        match scheme {
            Some((s, node, reason)) if s == "smtps" => (Tls::Implicit, reason, node, 465),
            _ if port == 465 => (
                Tls::Implicit,
                "Symfony Mailer uses TLS from the start on port 465".into(),
                port_node.clone(),
                25,
            ),
            _ => match isset(entries, "auto_tls").and_then(Node::boolean) {
                Some(false) => (
                    Tls::None,
                    "auto_tls is off, so STARTTLS is never sent".into(),
                    isset(entries, "auto_tls").cloned(),
                    25,
                ),
                // EsmtpTransport: no port (and not localhost) means TLS from the start on 465.
                _ if port == 0 && host != "localhost" => (
                    Tls::Implicit,
                    "with no port, Symfony Mailer connects to 465 with TLS from the start".into(),
                    None,
                    465,
                ),
                _ => (
                    Tls::StartTls,
                    "Symfony Mailer upgrades with STARTTLS on ports other than 465".into(),
                    None,
                    25,
                ),
            },
        }
    };
    let port = if port == 0 { default_port } else { port };
    Some(Endpoint {
        host,
        host_node: Some(host_node.clone()),
        region_node: None,
        port: u16::try_from(port).unwrap_or(0),
        port_node,
        tls,
        tls_reason: reason,
        tls_node,
    })
}

/// Where a finding about the mailer as a whole should point: its key in `mailers`.
pub fn mailer_origin(t: &Transport) -> Origin {
    t.decl.key.clone().unwrap_or_else(|| t.decl.expr.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing;

    fn load_app(version: &str, files: &[(&str, &str)]) -> App {
        let lock = testing::lock(&[("laravel/framework", version)]);
        let mut files = files.to_vec();
        files.push(("composer.lock", &lock));
        testing::load(&files)
    }

    const MAIL: &str = "<?php return ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'url' => env('MAIL_URL'), 'host' => 'x', 'port' => 25]]];";

    #[test]
    fn mail_url_overrides_the_mailer_like_configuration_url_parser() {
        let app = load_app(
            "v11.40.0",
            &[
                ("config/mail.php", MAIL),
                (
                    ".env",
                    "MAIL_URL=smtp://AKIAIOSFODNN7EXAMPLE:pa%2Fss@email-smtp.eu-west-1.amazonaws.com:587?ping_threshold=9&verify_peer=false\n",
                ),
            ],
        );
        let t = &app.transports[0];
        assert_eq!(t.kind, Kind::Smtp);
        let e = t.endpoint.as_ref().unwrap();
        assert_eq!(
            (e.host.as_str(), e.port),
            ("email-smtp.eu-west-1.amazonaws.com", 587)
        );
        assert_eq!(t.password.as_ref().unwrap().str(), Some("pa/ss"));
        // Query values are JSON-decoded: 9 is an int, false a bool.
        assert_eq!(t.option("ping_threshold").unwrap().val, Val::Int(9));
        assert_eq!(t.option("verify_peer").unwrap().val, Val::Bool(false));
    }

    #[test]
    fn configs_that_cannot_be_evaluated_are_said_so() {
        let app = load_app(
            "v10.48.4",
            &[(
                "config/mail.php",
                "<?php\nreturn require __DIR__.'/mail.local.php';\n",
            )],
        );
        assert_eq!(app.unevaluated.len(), 1, "{:?}", app.unevaluated);
        assert!(
            app.unevaluated[0]
                .message
                .starts_with("config/mail.php does not return an array")
        );
        let app = load_app(
            "v10.48.4",
            &[(
                "config/mail.php",
                "<?php\nreturn ['default' => 'smtp', 'mailers' => mailers()];\n",
            )],
        );
        assert_eq!(app.unevaluated.len(), 1, "{:?}", app.unevaluated);
        assert_eq!(app.unevaluated[0].location.as_ref().unwrap().line, 2);
        assert!(
            load_app("v10.48.4", &[("config/mail.php", MAIL)])
                .unevaluated
                .is_empty()
        );
    }

    #[test]
    fn mail_url_is_ignored_before_10_10() {
        let app = load_app(
            "v10.9.0",
            &[
                ("config/mail.php", MAIL),
                (".env", "MAIL_URL=smtp://u:p@h:587\n"),
            ],
        );
        assert_eq!(app.transports[0].endpoint.as_ref().unwrap().host, "x");
    }

    #[test]
    fn ses_mailers_merge_services_ses_by_version() {
        let mail = "<?php return ['default' => 'ses', 'mailers' => ['ses' => ['transport' => 'ses', 'region' => 'eu-west-1']]];";
        let services = "<?php return ['ses' => ['key' => 'AKIAIOSFODNN7EXAMPLE', 'secret' => 's', 'region' => 'us-east-1']];";
        let files = [("config/mail.php", mail), ("config/services.php", services)];
        // 9+: the mailer's keys win over services.ses.
        let app = load_app("v10.48.4", &files);
        assert_eq!(
            app.transports[0].region.as_ref().unwrap().str(),
            Some("eu-west-1")
        );
        assert_eq!(
            app.transports[0].username.as_ref().unwrap().str(),
            Some("AKIAIOSFODNN7EXAMPLE")
        );
        // 7/8: a mailer without `secret` uses services.ses only.
        let app = load_app("v8.83.27", &files);
        assert_eq!(
            app.transports[0].region.as_ref().unwrap().str(),
            Some("us-east-1")
        );
    }

    #[test]
    fn tls_mode_by_version() {
        let mail = "<?php return ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'host' => 'email-smtp.eu-west-1.amazonaws.com', 'port' => 587, 'encryption' => 'tls']]];";
        let tls = |v: &str| {
            load_app(v, &[("config/mail.php", mail)]).transports[0]
                .endpoint
                .as_ref()
                .unwrap()
                .tls
        };
        assert_eq!(tls("v8.83.27"), Tls::StartTls);
        // Laravel 9.0 turned encryption `tls` into smtps on every port.
        assert_eq!(tls("v9.0.2"), Tls::Implicit);
        assert_eq!(tls("v9.1.0"), Tls::StartTls);
        assert_eq!(tls("v11.34.2"), Tls::StartTls);
        // 11.35.0 alone turned `tls` into smtps on every port; 11.35.1 reverted it.
        assert_eq!(tls("v11.35.0"), Tls::Implicit);
        assert_eq!(tls("v11.35.1"), Tls::StartTls);
        assert_eq!(tls("v11.40.0"), Tls::StartTls);
    }

    /// The mailers of the framework's own config/mail.php each version merges in.
    fn framework_mailers(version: &str) -> Vec<String> {
        let app = load_app(version, &[("artisan", "")]);
        let mail = app.mail_config.expect("the framework's mail config");
        let mailers = mail.get("mailers").expect("mailers");
        mailers.entries().iter().map(|(k, _)| k.clone()).collect()
    }

    #[test]
    fn the_framework_config_is_the_installed_versions() {
        let base = [
            "smtp", "ses", "postmark", "sendmail", "log", "array", "failover",
        ];
        assert_eq!(framework_mailers("v11.0.0"), base);
        assert_eq!(framework_mailers("v11.7.9"), base);
        let with_roundrobin = [&base[..], &["roundrobin"]].concat();
        assert_eq!(framework_mailers("v11.8.0"), with_roundrobin);
        let mut with_resend = with_roundrobin.clone();
        with_resend.insert(3, "resend");
        assert_eq!(framework_mailers("v11.17.0"), with_resend);
        assert_eq!(framework_mailers("v12.64.0"), with_resend);
        let mut with_lettermint = with_resend.clone();
        with_lettermint.insert(4, "lettermint");
        assert_eq!(framework_mailers("v12.65.0"), with_lettermint);
        // `scheme` replaced `encryption` in 11.36.0.
        let smtp = |v: &str| {
            let app = load_app(v, &[("artisan", "")]);
            let mail = app.mail_config.unwrap();
            let smtp = mail.path("mailers.smtp").unwrap();
            (
                smtp.get("encryption").is_some(),
                smtp.get("scheme").is_some(),
            )
        };
        assert_eq!(smtp("v11.35.1"), (true, false));
        assert_eq!(smtp("v11.36.0"), (false, true));
        // `retry_after` for failover and roundrobin from 12.5.0.
        let retry_after = |v: &str| {
            let app = load_app(v, &[("artisan", "")]);
            let mail = app.mail_config.unwrap();
            mail.path("mailers.failover.retry_after").is_some()
        };
        assert!(!retry_after("v12.4.1"));
        assert!(retry_after("v12.5.0"));
    }

    #[test]
    fn findings_in_the_framework_copy_move_to_the_apps_files() {
        let finding = |app: &App, line: usize| {
            let id = app
                .files
                .ids()
                .find(|id| app.files.is_builtin(*id))
                .unwrap();
            let file = app.files.get(id);
            let at = file
                .text
                .lines()
                .take(line - 1)
                .map(|l| l.len() + 1)
                .sum::<usize>();
            Diagnostic::warning("x", "m").at(Label::new(file, at..at + 1, "here"))
        };
        // Nothing but artisan: no .env, no composer.lock, the default mailer is the framework's.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("artisan"), "").unwrap();
        let app = load_dir(dir.path());
        let moved = relocate_builtin(&app, vec![finding(&app, 16)]);
        let location = moved[0].location.as_ref().unwrap();
        assert!(location.file.ends_with("artisan"), "{moved:?}");
        assert!(
            moved[0].notes[0].contains("shown is the app's artisan"),
            "{moved:?}"
        );
        // MAIL_MAILER in .env selects the mailer: the finding goes to its value.
        let app = load_app(
            "v11.44.0",
            &[("artisan", ""), (".env", "MAIL_MAILER=smtp\n")],
        );
        let moved = relocate_builtin(&app, vec![finding(&app, 16)]);
        let location = moved[0].location.as_ref().unwrap();
        assert!(location.file.ends_with(".env"));
        assert_eq!(
            (location.line, location.column, location.message.as_str()),
            (1, 13, "here")
        );
        assert!(
            moved[0].notes[0].contains("laravel/framework 11.44.0"),
            "{moved:?}"
        );
    }

    /// The app in `root`, which outlives it (`testing::load` removes its directory).
    fn load_dir(root: &Path) -> App {
        let process = std::collections::HashMap::new();
        let ctx = LoadContext {
            root,
            app_env: AppEnv {
                name: "production".into(),
                source: AppEnvSource::Default { ignored: None },
            },
            process: &process,
            client: None,
        };
        load(&ctx)
    }

    const CACHE: &str = "<?php return array (\n  'app' => \n  array (\n    'env' => 'staging',\n  ),\n  'mail' => \n  array (\n    'default' => 'smtp',\n    'mailers' => \n    array (\n      'smtp' => \n      array (\n        'transport' => 'smtp',\n        'host' => 'email-smtp.eu-west-1.amazonaws.com',\n        'port' => 465,\n        'encryption' => NULL,\n        'verify_peer' => false,\n      ),\n    ),\n  ),\n);\n";

    #[test]
    fn a_config_cache_replaces_the_env_files_and_config() {
        let app = load_app(
            "v10.48.4",
            &[
                ("config/mail.php", MAIL),
                (".env", "APP_ENV=local\nMAIL_URL=smtp://u:p@h:587\n"),
                ("bootstrap/cache/config.php", CACHE),
            ],
        );
        let cache = app.config_cache.as_ref().expect("the cache was read");
        assert!(
            app.files
                .name(cache.file)
                .ends_with("bootstrap/cache/config.php")
        );
        // What runs is the cache: its host, port and types (`NULL`, `false`, 465).
        let t = &app.transports[0];
        let e = t.endpoint.as_ref().unwrap();
        assert_eq!(
            (e.host.as_str(), e.port),
            ("email-smtp.eu-west-1.amazonaws.com", 465)
        );
        assert_eq!(t.option("verify_peer").unwrap().val, Val::Bool(false));
        assert!(t.option("encryption").unwrap().is_null());
        assert_eq!(
            app.files.name(e.host_node.as_ref().unwrap().at.file),
            app.files.name(cache.file)
        );
        // Its app.env is the env, whatever .env says.
        assert_eq!(app.app_env.name, "staging");
        assert!(
            app.app_env
                .reason()
                .contains("config cache sets app.env at"),
            "{}",
            app.app_env.reason()
        );
        // What the files say is kept for the comparison.
        let files = cache.mail_files.as_ref().unwrap();
        assert_eq!(
            files.path("mailers.smtp.url").and_then(Node::str),
            Some("smtp://u:p@h:587")
        );
    }

    #[test]
    fn a_broken_env_file_does_not_stop_an_app_that_boots_from_its_cache() {
        let app = load_app_unchecked(
            "v10.48.4",
            &[
                ("config/mail.php", MAIL),
                (".env", "MAIL_HOST=has space\n"),
                ("bootstrap/cache/config.php", CACHE),
            ],
        );
        assert!(app.errors.is_empty(), "{:?}", app.errors);
        assert_eq!(app.unevaluated.len(), 1, "{:?}", app.unevaluated);
        let d = &app.unevaluated[0];
        assert_eq!(d.code, "syntax-error");
        assert!(d.location.as_ref().unwrap().file.ends_with(".env"));
        assert!(d.notes[0].starts_with("Laravel boots from the config cache"));
        // Without the cache the same .env stops the app.
        let app = load_app_unchecked(
            "v10.48.4",
            &[("config/mail.php", MAIL), (".env", "MAIL_HOST=has space\n")],
        );
        assert_eq!(app.errors.len(), 1, "{:?}", app.errors);
    }

    /// [`load_app`] that lets the app have errors.
    fn load_app_unchecked(version: &str, files: &[(&str, &str)]) -> App {
        let dir = tempfile::tempdir().unwrap();
        let lock = testing::lock(&[("laravel/framework", version)]);
        let mut files = files.to_vec();
        files.push(("composer.lock", &lock));
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        load_dir(dir.path())
    }

    #[test]
    fn a_broken_config_cache_is_an_error_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("bootstrap/cache")).unwrap();
        std::fs::write(dir.path().join("artisan"), "").unwrap();
        std::fs::write(
            dir.path().join("bootstrap/cache/config.php"),
            "<?php return array (\n  'mail' => array (\n    'default' => 'smtp'\n    'x' => 1,\n  ),\n);\n",
        )
        .unwrap();
        let app = load_dir(dir.path());
        assert_eq!(app.errors.len(), 1, "{:?}", app.errors);
        let location = app.errors[0].location.as_ref().unwrap();
        assert!(location.file.ends_with("bootstrap/cache/config.php"));
        assert_eq!(location.line, 4);
    }
}
