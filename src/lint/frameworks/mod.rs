//! Framework loaders: find what a Laravel or Symfony app configures for mail and resolve it
//! into an [`App`], the way the framework itself would at boot.

pub mod laravel;
pub mod symfony;

use std::collections::HashMap;
use std::path::Path;

use super::app::{App, ClientRef, Framework};
use super::composer::{self, Lock};
use super::env::{AppEnv, LoadError};
use super::files::{FileId, Files, Origin};
use crate::diagnostic::Diagnostic;
use crate::formats::dotenv::Dialect;
use crate::source::SourceError;

/// What a loader needs besides the app's files.
pub struct LoadContext<'a> {
    pub root: &'a Path,
    pub app_env: AppEnv,
    pub process: &'a HashMap<String, String>,
    pub client: Option<ClientRef>,
}

/// Which framework an app directory holds, from its files.
pub fn detect(root: &Path) -> Option<Framework> {
    let has = |p: &str| root.join(p).exists();
    if has("artisan") || has("config/mail.php") {
        return Some(Framework::Laravel);
    }
    if has("config/packages") || has("bin/console") || has("symfony.lock") {
        return Some(Framework::Symfony);
    }
    // Only a composer.lock: look for the framework package.
    let lock = std::fs::read_to_string(root.join("composer.lock")).ok()?;
    if lock.contains("\"laravel/framework\"") {
        Some(Framework::Laravel)
    } else if lock.contains("\"symfony/framework-bundle\"") {
        Some(Framework::Symfony)
    } else {
        None
    }
}

/// The dotenv dialect of the app at `root`, as `load` reads its env files; `None` when the
/// directory is not a Laravel or Symfony app.
pub fn dotenv_dialect(root: &Path) -> Option<Dialect> {
    Some(match detect(root)? {
        Framework::Symfony => Dialect::Symfony,
        Framework::Laravel => {
            let lock = read_lock(root, &mut Files::default(), &mut Vec::new());
            Dialect::PhpDotenv(laravel::dotenv_version(&lock))
        }
    })
}

pub fn load(framework: Framework, ctx: &LoadContext) -> App {
    match framework {
        Framework::Laravel => laravel::load(ctx),
        Framework::Symfony => symfony::load(ctx),
    }
}

/// Reads composer.lock when there is one.
pub(crate) fn read_lock(root: &Path, files: &mut Files, errors: &mut Vec<Diagnostic>) -> Lock {
    let path = root.join("composer.lock");
    if !path.exists() {
        return Lock::default();
    }
    let id = match files.read(&path) {
        Ok(id) => id,
        Err(e) => {
            errors.push(io_error(&e));
            return Lock::default();
        }
    };
    match composer::parse(files.text(id), id) {
        Ok(lock) => lock,
        Err(e) => {
            errors.push(syntax_error(files, id, e.offset, e.message).with_help(
                "run `composer update --lock` to rewrite it; sesform reads it for the \
                     installed framework versions",
            ));
            Lock::default()
        }
    }
}

/// Reads a file that must be text; `None` (with an error) when it cannot be read.
pub(crate) fn read_file(
    path: &Path,
    files: &mut Files,
    errors: &mut Vec<Diagnostic>,
) -> Option<FileId> {
    match files.read(path) {
        Ok(id) => Some(id),
        Err(e) => {
            errors.push(io_error(&e));
            None
        }
    }
}

pub(crate) fn io_error(error: &SourceError) -> Diagnostic {
    let help = match error {
        SourceError::Binary { .. } | SourceError::NotUtf8 { .. } => {
            "config and .env files must be UTF-8 text; restore this file from version control"
        }
        SourceError::TooLarge { .. } => "check that this path is the file you meant",
        SourceError::IsDirectory(_) => "remove or rename the directory so the file can exist",
        _ => "check the file's permissions; sesform must read it to check the mail config",
    };
    Diagnostic::error("io-error", error.to_string()).with_help(help)
}

pub(crate) fn syntax_error(
    files: &Files,
    file: FileId,
    offset: usize,
    message: impl Into<String>,
) -> Diagnostic {
    // One character, but never the line break: a frame spanning two lines points nowhere.
    let end = files.text(file)[offset..]
        .chars()
        .next()
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(offset, |c| offset + c.len_utf8());
    Diagnostic::error("syntax-error", message).at(files.label(&Origin::new(file, offset..end), ""))
}

pub(crate) fn env_load_errors(files: &Files, errors: Vec<LoadError>) -> Vec<Diagnostic> {
    errors
        .into_iter()
        .map(|e| match e {
            LoadError::Read(e) => io_error(&e),
            LoadError::Syntax {
                file,
                error,
                dialect,
            } => syntax_error(files, file, error.offset, error.message).with_help(format!(
                "the app does not boot with this file ({dialect} refuses it); fix it, \
                 then sesform can check the values in it"
            )),
        })
        .collect()
}

/// Finds a mention of `needle` (case-insensitive) in the app's own PHP code, for settings
/// that code rather than config may apply (a header added in a listener).
pub(crate) fn find_in_code(
    root: &Path,
    dirs: &[&str],
    needle: &str,
    files: &mut Files,
) -> Option<Origin> {
    let needle = needle.to_ascii_lowercase();
    let mut stack: Vec<std::path::PathBuf> = dirs.iter().map(|d| root.join(d)).collect();
    let mut budget = 5000usize;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if budget == 0 {
                return None;
            }
            budget -= 1;
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "php")
                && let Ok(text) = std::fs::read_to_string(&path)
                && let Some(at) = text.to_ascii_lowercase().find(&needle)
                && let Ok(id) = files.read(&path)
            {
                return Some(Origin::new(id, at..at + needle.len()));
            }
        }
    }
    None
}
