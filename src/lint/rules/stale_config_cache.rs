//! ## What it does
//! (Laravel.) When the app has a config cache (`bootstrap/cache/config.php`, written by
//! `php artisan config:cache`), compares its mail settings (`mail`, and `services.ses` for
//! the SES mailers) with what `config/mail.php`, `config/services.php` and the env files give
//! now, and reports each value that differs: a mailer, host, port, region or sender the cache
//! still holds while the files say otherwise, or a setting the files add that the cache lacks.
//! The other rules check the cache, since it is what runs.
//!
//! ## Why is this bad?
//! With a config cache, Laravel boots from the cache and reads neither `.env` nor
//! `config/*.php` (`LoadConfiguration`, `LoadEnvironmentVariables`). A fix made in `.env` (new
//! SMTP credentials, `ping_threshold`, another region) does nothing until the cache is rebuilt,
//! and a deploy that forgets `config:cache` keeps sending with the old settings, or keeps
//! failing, while the files look right.
//!
//! ## Example
//! ```php
//! // bootstrap/cache/config.php, written before .env changed MAIL_PORT to 587
//! 'port' => '465',
//! ```
//!
//! ## Use instead
//! Rebuild the cache after every change to `.env` or `config/*.php`, as part of the deploy:
//! ```console
//! $ php artisan config:cache
//! ```
//! or remove it (`php artisan config:clear`) to boot from the files again.
//!
//! ## References
//! - laravel/framework `Illuminate\Foundation\Bootstrap\LoadConfiguration` (loads the cache
//!   instead of `config/*.php`), `LoadEnvironmentVariables` (skips `.env` when it exists)
//! - Laravel documentation, "Configuration Caching"

use super::Ctx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::app::Framework;
use crate::lint::value::{Node, Val};

pub const NAME: &str = "stale-config-cache";

/// Findings per app; the last one says how many more values differ.
const MAX_REPORTED: usize = 10;

/// Keys whose values are never shown (secrets, or URLs that may hold one).
const HIDDEN: &[&str] = &["password", "secret", "key", "token", "url", "username"];

/// One value that differs: where it is in the cache (or the cache's array that lacks it), and
/// in the files.
struct Difference<'a> {
    path: String,
    cached: Option<&'a Node>,
    /// The cache's array that lacks the key, when `cached` is `None`.
    cached_parent: &'a Node,
    files: Option<&'a Node>,
}

pub fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    if ctx.app.framework != Framework::Laravel {
        return;
    }
    let Some(cache) = &ctx.app.config_cache else {
        return;
    };
    let mut found = Vec::new();
    if let (Some(cached), Some(files)) = (&ctx.app.mail_config, &cache.mail_files) {
        compare("mail", cached, files, &mut found);
    }
    let ses = |n: &Option<Node>| n.as_ref().and_then(|s| s.get("ses")).cloned();
    let (cached_ses, files_ses) = (ses(&cache.services), ses(&cache.services_files));
    if let (Some(cached), Some(files)) = (&cached_ses, &files_ses) {
        compare("services.ses", cached, files, &mut found);
    }
    let more = found.len().saturating_sub(MAX_REPORTED);
    for (i, difference) in found.iter().take(MAX_REPORTED).enumerate() {
        let mut d = report(ctx, difference);
        if more > 0 && i + 1 == MAX_REPORTED {
            d = d.with_note(format!(
                "{more} more mail setting{} differ between the cache and the files",
                if more == 1 { "" } else { "s" }
            ));
        }
        out.push(d);
    }
}

/// Keys that do not change how mail is sent (`mail.markdown`: templates).
const NOT_COMPARED: &[&str] = &["mail.markdown"];

/// A key PHP reads the same whether it is missing or holds this: `null` (not `isset`), an
/// empty array, or a value lint cannot evaluate.
fn as_good_as_missing(node: &Node) -> bool {
    match &node.val {
        Val::Null | Val::Unknown => true,
        Val::Map(entries) => entries.is_empty(),
        _ => false,
    }
}

/// The differences under two arrays, in the cache's order, then the keys only the files have.
fn compare<'a>(path: &str, cached: &'a Node, files: &'a Node, out: &mut Vec<Difference<'a>>) {
    for (key, value) in cached.entries() {
        let path = format!("{path}.{key}");
        if NOT_COMPARED.contains(&path.as_str()) {
            continue;
        }
        match files.get(key) {
            Some(theirs) => leaf_or_array(path, value, cached, theirs, out),
            None if as_good_as_missing(value) => {}
            None => out.push(Difference {
                path,
                cached: Some(value),
                cached_parent: cached,
                files: None,
            }),
        }
    }
    for (key, value) in files.entries() {
        let path = format!("{path}.{key}");
        if cached.get(key).is_none()
            && !as_good_as_missing(value)
            && !NOT_COMPARED.contains(&path.as_str())
        {
            out.push(Difference {
                path,
                cached: None,
                cached_parent: cached,
                files: Some(value),
            });
        }
    }
}

fn leaf_or_array<'a>(
    path: String,
    cached: &'a Node,
    parent: &'a Node,
    files: &'a Node,
    out: &mut Vec<Difference<'a>>,
) {
    match (&cached.val, &files.val) {
        (Val::Map(_), Val::Map(_)) => compare(&path, cached, files, out),
        (Val::Unknown, _) | (_, Val::Unknown) => {}
        _ if same(cached, files) => {}
        _ => out.push(Difference {
            path,
            cached: Some(cached),
            cached_parent: parent,
            files: Some(files),
        }),
    }
}

/// The same value as PHP would use it: `var_export` keeps the types `env()` gave.
fn same(a: &Node, b: &Node) -> bool {
    match (&a.val, &b.val) {
        (Val::Null, Val::Null) => true,
        (Val::Null, _) | (_, Val::Null) => false,
        (Val::Map(_), _) | (_, Val::Map(_)) => false,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        _ => a.text() == b.text(),
    }
}

/// The value as PHP writes it, or nothing for secrets.
fn shown(path: &str, node: &Node) -> Option<String> {
    let key = path.rsplit('.').next().unwrap_or_default();
    if HIDDEN.contains(&key) {
        return None;
    }
    Some(match &node.val {
        Val::Null => "null".into(),
        Val::Bool(b) => b.to_string(),
        Val::Str(s) => {
            let text: String = s.as_str().chars().take(60).collect();
            let cut = if s.as_str().chars().count() > 60 {
                "..."
            } else {
                ""
            };
            format!("'{text}{cut}'")
        }
        Val::Map(_) => "an array".into(),
        _ => node.text().unwrap_or_default(),
    })
}

fn report(ctx: &Ctx, d: &Difference) -> Diagnostic {
    let path = &d.path;
    let why = "Laravel keeps using the cached value until the cache is rebuilt";
    let (message, label) = match (d.cached, d.files) {
        (Some(cached), Some(files)) => match (shown(path, cached), shown(path, files)) {
            (Some(c), Some(f)) => (
                format!(
                    "the config cache has `{path}` = {c}, but config/*.php and the env files now \
                     give {f}: {why}"
                ),
                format!("cached {c}"),
            ),
            _ => (
                format!(
                    "the config cache has another `{path}` than config/*.php and the env files \
                     now give: {why}"
                ),
                "cached value".to_string(),
            ),
        },
        (Some(_), None) => (
            format!(
                "the config cache has `{path}`, which config/*.php and the env files no longer \
                 set: {why}"
            ),
            "only in the cache".to_string(),
        ),
        (None, files) => {
            let value = files.and_then(|f| shown(path, f));
            let value = value.map(|v| format!(" ({v})")).unwrap_or_default();
            (
                format!(
                    "config/*.php and the env files now set `{path}`{value}, which the config \
                     cache lacks: {why}"
                ),
                format!("no `{}` here", path.rsplit('.').next().unwrap_or_default()),
            )
        }
    };
    let mut diagnostic = match d.cached {
        Some(cached) => ctx.at(NAME, Severity::Warning, cached, message, label),
        None => {
            let at = d
                .cached_parent
                .key
                .clone()
                .unwrap_or_else(|| d.cached_parent.expr.clone());
            Diagnostic::new(NAME, Severity::Warning, message).at(ctx.label(&at, label))
        }
    };
    if let Some(files) = d.files {
        let said = shown(path, files).map_or_else(
            || "the files now say otherwise here".to_string(),
            |v| format!("now {v} here"),
        );
        diagnostic = diagnostic.with_related(ctx.label(&files.at, said));
    }
    diagnostic.with_help(
        "rebuild the cache where the app runs, `php artisan config:cache`, after every change \
         to .env or config/*.php (or remove it with `php artisan config:clear`)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing;

    const MAIL: &str = "<?php return ['default' => env('MAIL_MAILER', 'smtp'), 'mailers' => ['smtp' => ['transport' => 'smtp', 'host' => env('MAIL_HOST'), 'port' => env('MAIL_PORT', 587), 'password' => env('MAIL_PASSWORD')]]];";

    fn app(env: &str, cache: &str) -> crate::lint::app::App {
        let lock = testing::lock(&[("laravel/framework", "v10.48.4")]);
        testing::load(&[
            ("composer.lock", &lock),
            ("config/mail.php", MAIL),
            (".env", env),
            ("bootstrap/cache/config.php", cache),
        ])
    }

    const CACHE: &str = "<?php return array (\n  'mail' => \n  array (\n    'default' => 'smtp',\n    'mailers' => \n    array (\n      'smtp' => \n      array (\n        'transport' => 'smtp',\n        'host' => 'email-smtp.eu-west-1.amazonaws.com',\n        'port' => '465',\n        'password' => 'BOld',\n      ),\n    ),\n  ),\n);\n";

    #[test]
    fn reports_values_the_files_changed_and_hides_secrets() {
        let app = app(
            "MAIL_HOST=email-smtp.eu-west-1.amazonaws.com\nMAIL_PORT=587\nMAIL_PASSWORD=BNew\n",
            CACHE,
        );
        let found = testing::run(check, &app);
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(found.len(), 2, "{messages:?}");
        assert!(messages[0].starts_with(
            "the config cache has `mail.mailers.smtp.port` = '465', but config/*.php and the env \
             files now give '587'"
        ));
        assert!(messages[1].contains("another `mail.mailers.smtp.password`"));
        assert!(!format!("{found:?}").contains("BOld") && !format!("{found:?}").contains("BNew"));
        let location = found[0].location.as_ref().unwrap();
        assert!(location.file.ends_with("bootstrap/cache/config.php"));
        assert_eq!(location.line, 11);
        assert!(found[0].related[0].file.ends_with(".env"));
    }

    #[test]
    fn null_empty_arrays_and_markdown_are_not_differences() {
        let cache = CACHE.replace(
            "        'password' => 'BOld',\n",
            "        'password' => 'BOld',\n        'timeout' => NULL,\n        'stream' => \n        array (\n        ),\n",
        );
        let cache = cache.replace(
            "  'mail' => \n  array (\n",
            "  'mail' => \n  array (\n    'markdown' => \n    array (\n      'theme' => 'old',\n    ),\n",
        );
        let app = app(
            "MAIL_HOST=email-smtp.eu-west-1.amazonaws.com\nMAIL_PORT=465\nMAIL_PASSWORD=BOld\n",
            &cache,
        );
        assert!(testing::run(check, &app).is_empty());
    }

    #[test]
    fn a_cache_that_matches_the_files_is_not_reported() {
        let app = app(
            "MAIL_HOST=email-smtp.eu-west-1.amazonaws.com\nMAIL_PORT=465\nMAIL_PASSWORD=BOld\n",
            CACHE,
        );
        assert!(testing::run(check, &app).is_empty());
    }
}
