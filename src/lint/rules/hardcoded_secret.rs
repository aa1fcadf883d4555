//! ## What it does
//! Reports mail passwords and secret keys written in files that are committed: config files
//! (`config/mail.php`, `config/services.php`, `config/packages/*.yaml`), the default of an
//! `env()` call, and Symfony's committed env files (`.env`, `.env.dist`, `.env.$APP_ENV`),
//! unless the app's `.gitignore` excludes them. Every committed definition counts, also one
//! that a private `.env.local` or the real environment overrides at run time: the committed
//! secret is in the repository all the same. Laravel's config cache
//! (`bootstrap/cache/config.php`) is generated on the server and not counted; the files it
//! was built from still are.
//!
//! ## Why is this bad?
//! Anyone with read access to the repository, its forks, CI logs or backups can send mail as
//! you, and SES credentials leaked to a public repository are found and abused within
//! minutes. A secret in git history stays there after it is removed from the file. Laravel's
//! `.env` is not committed by convention; Symfony's `.env` is, and only `.env.local` and
//! `.env.*.local` are private.
//!
//! ## Example
//! ```php
//! 'password' => env('MAIL_PASSWORD', 'BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2'),
//! ```
//! ```yaml
//! framework:
//!   mailer:
//!     dsn: 'ses+smtp://AKIAIOSFODNN7EXAMPLE:BMXh...@default'
//! ```
//!
//! ## Use instead
//! ```php
//! 'password' => env('MAIL_PASSWORD'),
//! ```
//! ```yaml
//! framework:
//!   mailer:
//!     dsn: '%env(MAILER_DSN)%'   # MAILER_DSN in .env.local, a secret store or the environment
//! ```
//! Then rotate the credential: removing it from the file does not remove it from history.
//!
//! ## References
//! - Symfony docs, "Configuring Environment Variables in .env Files" (what to commit)
//! - Symfony secrets management (`secrets:set`)

use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::{Ctx, is_iam_secret_shape, is_placeholder, is_smtp_password_shape};
use crate::diagnostic::{Diagnostic, Severity};
use crate::formats::dsn;
use crate::formats::url;
use crate::lint::app::{Framework, Kind, Transport};
use crate::lint::traced::Traced;
use crate::lint::value::{EnvOutcome, Node, Val};

pub const NAME: &str = "hardcoded-secret";

pub fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let ignored = gitignore(&ctx.app.root);
    let mut seen = Vec::new();
    let running = ctx
        .app
        .transports
        .iter()
        .filter_map(|t| Some((t.password.as_ref()?, env_var_for(t))));
    for (node, var) in running.chain(cached_away(ctx)) {
        let Some(secret) = node.str() else { continue };
        if secret.is_empty() || is_placeholder(secret) || seen.contains(&node.at) {
            continue;
        }
        if matches!(
            node.env.as_ref().map(|e| &e.outcome),
            Some(EnvOutcome::Process)
        ) {
            continue;
        }
        let path = ctx.app.files.path(node.at.file);
        let Some(kind) = committed(ctx, path, node, &ignored) else {
            continue;
        };
        seen.push(node.at.clone());
        report(ctx, node, secret, &kind, var, None, out);
    }
    // Definitions that lost (to `.env.local`, `.env.$APP_ENV.local`, a later line or the
    // environment) are still in their committed file.
    for t in &ctx.app.transports {
        let env_var = env_var_for(t);
        let dsn_var = t.dsn.as_ref().and_then(|n| n.env.as_ref()).map(|e| &e.name);
        let password_var = t
            .password
            .as_ref()
            .and_then(|n| n.env.as_ref())
            .map(|e| &e.name);
        let vars = [
            (dsn_var, true),
            (password_var.filter(|p| Some(*p) != dsn_var), false),
        ];
        for (name, is_dsn) in vars {
            let Some(var) = name.and_then(|n| ctx.app.env.get(n)) else {
                continue;
            };
            for lost in &var.overridden {
                let Some(value) = &lost.value else { continue };
                for secret in lost_secrets(value, is_dsn) {
                    let at = secret.origin().unwrap_or_else(|| lost.entry.clone());
                    if seen.contains(&at) {
                        continue;
                    }
                    let text = secret.as_str().to_string();
                    if text.is_empty() || is_placeholder(&text) {
                        continue;
                    }
                    let node = Node::new(Val::Str(secret), at.clone());
                    let path = ctx.app.files.path(at.file);
                    let Some(kind) = committed(ctx, path, &node, &ignored) else {
                        continue;
                    };
                    seen.push(at);
                    let why = format!(
                        "{} {}, but the committed line still holds it",
                        var.name,
                        lost.describe(&ctx.app.files)
                    );
                    report(ctx, &node, &text, &kind, env_var, Some(why), out);
                }
            }
        }
    }
}

/// With a Laravel config cache, the transports hold the cache's values, but the files the
/// cache was built from are still committed: their mail passwords and SES secret.
fn cached_away<'a>(ctx: &Ctx<'a>) -> Vec<(&'a Node, &'static str)> {
    let Some(cache) = &ctx.app.config_cache else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(mail) = &cache.mail_files {
        // The 6.x flat shape, then each mailer.
        let mailers = mail.get("mailers").map(Node::entries).unwrap_or_default();
        let configs = std::iter::once(mail).chain(mailers.iter().map(|(_, m)| m));
        for config in configs {
            out.extend(config.get("password").map(|n| (n, "MAIL_PASSWORD")));
            out.extend(config.get("secret").map(|n| (n, "AWS_SECRET_ACCESS_KEY")));
        }
    }
    let ses = cache
        .services_files
        .as_ref()
        .and_then(|s| s.path("ses.secret"));
    out.extend(ses.map(|n| (n, "AWS_SECRET_ACCESS_KEY")));
    out
}

/// The passwords in a definition that lost: the value itself, or each DSN's password.
fn lost_secrets(value: &Traced, is_dsn: bool) -> Vec<Traced> {
    if !is_dsn {
        return vec![value.clone()];
    }
    let text = value.as_str();
    dsn::split_composite(text)
        .dsns
        .into_iter()
        .filter_map(|range| {
            let member = &text[range.clone()];
            let password = dsn::parse_symfony(member).ok()?.password?;
            let raw = &member[password.clone()];
            let slice = value.slice(range.start + password.start..range.start + password.end);
            let decoded = url::rawurldecode(raw);
            Some(if decoded == raw {
                slice
            } else {
                slice.map_text(decoded)
            })
        })
        .collect()
}

/// The variable Laravel's skeleton reads this transport's secret from.
fn env_var_for(t: &Transport) -> &'static str {
    if t.kind == Kind::SesApi {
        "AWS_SECRET_ACCESS_KEY"
    } else {
        "MAIL_PASSWORD"
    }
}

fn report(
    ctx: &Ctx,
    node: &Node,
    secret: &str,
    kind: &str,
    env_var: &str,
    overridden: Option<String>,
    out: &mut Vec<Diagnostic>,
) {
    let shaped = is_smtp_password_shape(secret) || is_iam_secret_shape(secret);
    let what = if is_smtp_password_shape(secret) {
        "an SES SMTP password"
    } else if is_iam_secret_shape(secret) {
        "an AWS secret access key"
    } else {
        "a mail password"
    };
    let mut d = ctx
        .at(
            NAME,
            if shaped {
                Severity::Error
            } else {
                Severity::Warning
            },
            node,
            format!("{what} is written in {kind}, which is committed"),
            "secret in a committed file",
        )
        .with_help(help(ctx, node, env_var));
    if let Some(note) = overridden {
        d = d.with_note(note);
    }
    out.push(d);
}

fn help(ctx: &Ctx, node: &Node, env_var: &str) -> String {
    let rotate = "then rotate it: git history keeps it";
    match (&node.env, ctx.app.framework) {
        (Some(env), Framework::Laravel) if env.outcome == EnvOutcome::Default => format!(
            "drop the default, `env('{}')`, and set {} in .env or the environment; {rotate}",
            env.name, env.name
        ),
        (_, Framework::Laravel) => {
            format!("read it with env('{env_var}') and set it in .env or the environment; {rotate}")
        }
        (_, Framework::Symfony) => format!(
            "move it to .env.local (not committed), a Symfony secret or the environment, and \
             reference it with %env(...)%; {rotate}"
        ),
    }
}

/// Whether the file holding the value is committed; the description of it when it is.
fn committed(ctx: &Ctx, path: &Path, node: &Node, ignored: &Option<Gitignore>) -> Option<String> {
    // Laravel's config cache is generated on the server (bootstrap/cache/ is git-ignored).
    if ctx
        .app
        .config_cache
        .as_ref()
        .is_some_and(|c| c.file == node.at.file)
    {
        return None;
    }
    let name = path.file_name()?.to_string_lossy().to_string();
    let relative = path
        .strip_prefix(&ctx.app.root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| name.clone());
    if ignored
        .as_ref()
        .is_some_and(|ignored| is_ignored(ignored, &relative))
    {
        return None;
    }
    if name.starts_with(".env") {
        if name.ends_with(".local") || name.ends_with(".local.php") || name == ".env.example" {
            return None;
        }
        return match ctx.app.framework {
            // Symfony commits .env and .env.$APP_ENV by convention. Laravel ignores .env by
            // convention: only a .gitignore that does not list it says otherwise.
            Framework::Symfony => Some(format!("`{name}`")),
            Framework::Laravel if ignored.is_some() => {
                Some(format!("`{name}` (not in .gitignore)"))
            }
            Framework::Laravel => None,
        };
    }
    let default_of = node
        .env
        .as_ref()
        .filter(|e| e.outcome == EnvOutcome::Default);
    Some(match (default_of, ctx.app.framework) {
        (Some(_), Framework::Laravel) => format!("the env() default in `{relative}`"),
        (Some(e), Framework::Symfony) => {
            format!("the default for %env({})% in `{relative}`", e.name)
        }
        (None, _) => format!("`{relative}`"),
    })
}

/// The app's root `.gitignore`, with git's own matching rules (the `ignore` crate, as in
/// ripgrep): anchored and directory patterns, `**`, negations. `None` without a .gitignore.
/// The file is read like any lint input (bounded, text only); unparsable lines are skipped.
fn gitignore(root: &Path) -> Option<Gitignore> {
    let text = crate::source::read_text(&root.join(".gitignore"))
        .ok()?
        .text;
    let mut builder = GitignoreBuilder::new(root);
    for line in text.lines() {
        // A bad glob only loses that line, as with git.
        let _ = builder.add_line(None, line);
    }
    builder.build().ok()
}

/// Whether git ignores the file at `relative` (a path inside the app, `/`-separated): the file
/// itself or one of its directories matches.
fn is_ignored(ignored: &Gitignore, relative: &str) -> bool {
    let relative = Path::new(relative);
    // The matcher wants a path below its root, never an absolute or `..` one.
    if relative.has_root()
        || relative
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return false;
    }
    ignored
        .matched_path_or_any_parents(relative, false)
        .is_ignore()
}

#[cfg(test)]
mod tests {
    use super::{gitignore, is_ignored};
    use crate::lint::testing;

    #[test]
    fn a_config_cache_does_not_hide_a_secret_in_committed_config() {
        let lock = testing::lock(&[("laravel/framework", "v10.48.4")]);
        let mail = "<?php\nreturn ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'host' => 'email-smtp.eu-west-1.amazonaws.com', 'port' => 587,\n 'password' => env('MAIL_PASSWORD', 'BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2')]]];\n";
        let cache = "<?php return array (\n  'mail' => \n  array (\n    'default' => 'smtp',\n    'mailers' => \n    array (\n      'smtp' => \n      array (\n        'transport' => 'smtp',\n        'password' => 'BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2',\n      ),\n    ),\n  ),\n);\n";
        let app = testing::load(&[
            ("composer.lock", &lock),
            ("config/mail.php", mail),
            ("bootstrap/cache/config.php", cache),
        ]);
        let found = testing::run(super::check, &app);
        // Reported once, in the committed config, not in the generated cache.
        assert_eq!(found.len(), 1, "{found:?}");
        let location = found[0].location.as_ref().unwrap();
        assert!(location.file.ends_with("config/mail.php"), "{location:?}");
        assert_eq!(location.line, 3);
    }

    #[test]
    fn gitignore_globs() {
        let glob = |pattern: &str, path: &str| {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join(".gitignore"), format!("{pattern}\n")).unwrap();
            is_ignored(&gitignore(dir.path()).unwrap(), path)
        };
        assert!(glob(".env", ".env"));
        assert!(glob(".env.*.local", ".env.prod.local"));
        assert!(glob(".env*", ".env.production"));
        assert!(!glob(".env.local", ".env"));
        // git's rules, which a hand-written glob got wrong: a pattern without `/` matches
        // at any depth, one with a leading `/` only at the root, a directory pattern every
        // file below it, and a negation takes a file back.
        assert!(glob("*.php", "config/mail.php"));
        assert!(!glob("/mail.php", "config/mail.php"));
        assert!(glob("config/", "config/packages/mailer.yaml"));
        assert!(glob("**/packages/*.yaml", "config/packages/mailer.yaml"));
        assert!(!glob(".env*\n!.env", ".env"));
        assert!(!glob("[", ".env"), "a bad pattern is skipped, not a panic");
        assert!(!glob(".env", "../.env"));
    }
}
