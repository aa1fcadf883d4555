//! The environment an app sees: which env files its framework loads, in which order, and which
//! definition of each variable wins.
//!
//! Laravel reads `.env`, or `.env.$APP_ENV` INSTEAD when APP_ENV is set before boot (the real
//! environment or `--env`) and that file exists.
//! Symfony reads `.env` < `.env.local` < `.env.$APP_ENV` < `.env.$APP_ENV.local` (later files
//! win; `.env.local` is skipped for `test`), or `.env.local.php` alone when it exists. In both,
//! the process environment wins over every file.

use std::collections::HashMap;
use std::path::Path;

use super::files::{FileId, Files, Origin};
use super::traced::Traced;
use crate::formats::dotenv::{self, Budget, DotenvError, Entry, Quirk, Scope};
use crate::source::SourceError;

/// Where the winning definition of a variable is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarSource {
    File {
        file: FileId,
        /// The whole `NAME=value` assignment.
        entry: Origin,
        /// The raw value after `=`.
        raw_value: Origin,
    },
    Process,
}

#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: String,
    /// `None` when the value comes from a shell command sesform does not run.
    pub value: Option<Traced>,
    pub source: VarSource,
    /// Definitions that lost, in load order: earlier lines and files, files the process
    /// environment overrides, and files the framework does not load at all.
    pub overridden: Vec<Overridden>,
    pub quirks: Vec<Quirk>,
}

#[derive(Debug, Clone)]
pub struct Overridden {
    pub entry: Origin,
    pub why: Why,
    /// The value this definition would have given (`None`: a shell command).
    pub value: Option<Traced>,
}

/// Why a definition lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// The same file sets it again further down.
    LaterLine,
    /// A file loaded later sets it.
    LaterFile(FileId),
    Process,
    /// The framework does not load this file at all.
    NotLoaded(String),
}

impl Overridden {
    pub fn describe(&self, files: &Files) -> String {
        match &self.why {
            Why::LaterLine => "set again further down".into(),
            Why::LaterFile(f) => format!("overridden by {}", files.name(*f)),
            Why::Process => "the process environment overrides it".into(),
            Why::NotLoaded(why) => why.clone(),
        }
    }
}

impl EnvVar {
    /// Where the value is written: the value in the env file, or `None` for the process.
    pub fn value_origin(&self) -> Option<Origin> {
        match &self.source {
            VarSource::Process => None,
            VarSource::File { raw_value, .. } => Some(
                self.value
                    .as_ref()
                    .and_then(Traced::origin)
                    .unwrap_or_else(|| raw_value.clone()),
            ),
        }
    }
}

/// How APP_ENV was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppEnvSource {
    /// `--env`.
    Flag,
    /// The spec client's `env`.
    Client,
    /// APP_ENV in the process environment.
    Process,
    /// A deploy-time file sets it (Symfony `.env.local` or `.env.local.php`): the place.
    DeployFile(String),
    /// Nothing did: the framework's production env. `ignored` is a committed `.env` that sets
    /// another APP_ENV (its place and value), a development default lint does not follow.
    Default { ignored: Option<(String, String)> },
    /// Laravel with nothing setting APP_ENV before boot: it loads `.env` and takes APP_ENV
    /// from there (`set_in`: its place), else `production`. `alternatives` are the
    /// `.env.NAME` files `--env NAME` would load instead.
    DotenvOnly {
        set_in: Option<String>,
        alternatives: Vec<String>,
    },
    /// Laravel with a config cache: its `app.env` decides (`place`: where the cache sets it,
    /// or the cache file when it does not, `found`), as no env file is read. `requested` is the
    /// APP_ENV lint was asked for (flag, client, environment) when it differs.
    ConfigCache {
        place: String,
        found: bool,
        requested: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct AppEnv {
    pub name: String,
    pub source: AppEnvSource,
}

impl AppEnv {
    /// Why lint evaluates this APP_ENV, for people.
    pub fn reason(&self) -> String {
        match &self.source {
            AppEnvSource::Flag => "given with --env".into(),
            AppEnvSource::Client => "the spec client's `env`".into(),
            AppEnvSource::Process => "APP_ENV in the environment".into(),
            AppEnvSource::DeployFile(place) => format!("set in {place}"),
            AppEnvSource::Default { ignored: None } => {
                "the production default, as nothing sets APP_ENV for deployment".into()
            }
            AppEnvSource::Default {
                ignored: Some((place, value)),
            } => format!(
                "the production default; {place} sets APP_ENV={value}, a committed development \
                 default lint does not follow (--env {value} checks {value})"
            ),
            AppEnvSource::DotenvOnly {
                set_in,
                alternatives,
            } => {
                let mut reason = match set_in {
                    Some(place) => format!(
                        "nothing sets APP_ENV before boot, so Laravel loads .env, which sets it at \
                         {place}"
                    ),
                    None => "nothing sets APP_ENV before boot, so Laravel loads .env, and \
                             config/app.php defaults to production"
                        .into(),
                };
                if let Some(first) = alternatives.first() {
                    let name = first.strip_prefix(".env.").unwrap_or(first);
                    reason.push_str(&format!(" (--env {name} loads {first} instead)"));
                }
                reason
            }
            AppEnvSource::ConfigCache {
                place,
                found,
                requested,
            } => {
                let mut reason = if *found {
                    format!("the config cache sets app.env at {place}")
                } else {
                    format!("the config cache {place} sets no app.env, so production")
                };
                reason.push_str(
                    "; Laravel boots from the cache and reads neither .env nor config/*.php, so \
                     the cache was checked",
                );
                if let Some(requested) = requested {
                    reason.push_str(&format!(
                        " (APP_ENV={requested} does not change a cached config)"
                    ));
                }
                reason
            }
        }
    }

    /// For Laravel with nothing setting APP_ENV before boot: the APP_ENV the loaded `.env`
    /// sets, as `app()->environment()` sees it (else `production`).
    pub fn settle_from(&mut self, env: &Env, files: &Files) {
        let AppEnvSource::DotenvOnly { set_in, .. } = &mut self.source else {
            return;
        };
        if let Some(var) = env.get("APP_ENV")
            && let VarSource::File { entry, .. } = &var.source
            && let Some(value) = var.value.as_ref().map(|v| v.as_str().trim().to_string())
            && !value.is_empty()
        {
            self.name = value;
            *set_in = Some(files.place(entry));
        }
    }

    /// Whether the env was chosen before the env files were read, so `.env.$APP_ENV` applies.
    pub fn selects_file(&self) -> bool {
        !matches!(self.source, AppEnvSource::DotenvOnly { .. })
    }
}

/// The `.env.NAME` files in `root` that `--env NAME` would make Laravel load, sorted.
/// `.env.example` and friends are templates, not environments.
pub fn laravel_env_files(root: &Path) -> Vec<String> {
    const TEMPLATES: [&str; 4] = [".env.example", ".env.dist", ".env.sample", ".env.template"];
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with(".env.") && n.len() > 5 && !TEMPLATES.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

/// The last `APP_ENV` a Symfony env file sets: its value and place (`app/.env.local:3`).
/// `.env.local.php` is evaluated as PHP, the others with symfony/dotenv's dialect.
pub fn app_env_in(path: &Path) -> Option<(String, String)> {
    if !path.is_file() {
        return None;
    }
    let mut files = Files::default();
    let id = files.read(path).ok()?;
    let entries = if path.extension().is_some_and(|e| e == "php") {
        super::php::eval_env_local_php(files.text(id), id).ok()?
    } else {
        let empty = HashMap::new();
        let earlier = HashMap::new();
        let budget = Budget::default();
        let scope = Scope {
            process: &empty,
            earlier: &earlier,
            budget: &budget,
        };
        dotenv::symfony::parse(files.text(id), id, &scope).ok()?
    };
    let entry = entries.iter().rev().find(|e| e.name == "APP_ENV")?;
    let value = entry.value.as_ref()?.as_str().trim().to_string();
    (!value.is_empty()).then(|| (value, files.place(&entry.span)))
}

/// A file that could not be used.
#[derive(Debug)]
pub enum LoadError {
    Read(SourceError),
    Syntax {
        file: FileId,
        error: DotenvError,
        dialect: &'static str,
    },
}

#[derive(Debug, Default)]
pub struct Env {
    vars: HashMap<String, EnvVar>,
    /// Env files loaded, in order.
    pub loaded: Vec<FileId>,
    /// Why some env files were not loaded, for notes.
    pub skipped: Vec<String>,
    /// Values expansion made too large to read (see [`Budget`]): where, and why.
    pub too_large: Vec<(Origin, String)>,
    /// The expansion budget all of the app's env files share.
    budget: Budget,
}

impl Env {
    pub fn get(&self, name: &str) -> Option<&EnvVar> {
        self.vars.get(name)
    }

    /// Every variable, in no particular order.
    pub fn vars(&self) -> impl Iterator<Item = &EnvVar> {
        self.vars.values()
    }

    /// A short account of which files define `name` and which one wins, when several do.
    pub fn winner_note(&self, name: &str, files: &Files) -> Option<String> {
        let var = self.vars.get(name)?;
        if var.overridden.is_empty() {
            return None;
        }
        let winner = match &var.source {
            VarSource::Process => "the process environment".to_string(),
            VarSource::File { entry, .. } => files.place(entry),
        };
        let losers: Vec<String> = var
            .overridden
            .iter()
            .map(|o| match o.why {
                Why::LaterLine | Why::LaterFile(_) => files.place(&o.entry),
                _ => format!("{} ({})", files.place(&o.entry), o.describe(files)),
            })
            .collect();
        Some(format!(
            "{name} is set in {winner}, which wins over {}",
            losers.join(", ")
        ))
    }

    fn define(&mut self, file: FileId, entry: &Entry, process: &HashMap<String, String>) {
        let definition = VarSource::File {
            file,
            entry: entry.span.clone(),
            raw_value: entry.raw_value.clone(),
        };
        if let Some(value) = process.get(&entry.name) {
            let var = self
                .vars
                .entry(entry.name.clone())
                .or_insert_with(|| EnvVar {
                    name: entry.name.clone(),
                    value: Some(Traced::detached(value.clone())),
                    source: VarSource::Process,
                    overridden: Vec::new(),
                    quirks: Vec::new(),
                });
            var.overridden.push(Overridden {
                entry: entry.span.clone(),
                why: Why::Process,
                value: entry.value.clone(),
            });
            return;
        }
        let previous = self.vars.insert(
            entry.name.clone(),
            EnvVar {
                name: entry.name.clone(),
                value: entry.value.clone(),
                source: definition,
                overridden: Vec::new(),
                quirks: entry.quirks.clone(),
            },
        );
        if let Some(previous) = previous
            && let VarSource::File { entry: lost, .. } = previous.source
        {
            let var = self.vars.get_mut(&entry.name).expect("just inserted");
            var.overridden = previous.overridden;
            var.overridden.push(Overridden {
                value: previous.value,
                why: if lost.file == file {
                    Why::LaterLine
                } else {
                    Why::LaterFile(file)
                },
                entry: lost,
            });
        }
    }

    /// Records the definitions of a file the framework does not load.
    fn shadow(&mut self, entries: &[Entry], why: &str) {
        for entry in entries {
            if let Some(var) = self.vars.get_mut(&entry.name) {
                var.overridden.push(Overridden {
                    entry: entry.span.clone(),
                    why: Why::NotLoaded(why.to_string()),
                    value: entry.value.clone(),
                });
            }
        }
    }

    /// Remembers the values of `entries` that expansion made too large.
    fn note_too_large(&mut self, entries: &[Entry]) {
        for quirk in entries.iter().flat_map(|e| &e.quirks) {
            if let Quirk::TooLarge { at, message } = quirk {
                self.too_large.push((at.clone(), message.clone()));
            }
        }
    }

    fn add_process(&mut self, process: &HashMap<String, String>) {
        for (name, value) in process {
            self.vars.entry(name.clone()).or_insert_with(|| EnvVar {
                name: name.clone(),
                value: Some(Traced::detached(value.clone())),
                source: VarSource::Process,
                overridden: Vec::new(),
                quirks: Vec::new(),
            });
        }
    }

    fn values(&self) -> HashMap<String, Traced> {
        self.vars
            .iter()
            .filter(|(_, v)| matches!(v.source, VarSource::File { .. }))
            .filter_map(|(k, v)| v.value.clone().map(|t| (k.clone(), t)))
            .collect()
    }
}

fn read_if_exists(files: &mut Files, path: &Path, errors: &mut Vec<LoadError>) -> Option<FileId> {
    if !path.exists() {
        return None;
    }
    match files.read(path) {
        Ok(id) => Some(id),
        Err(e) => {
            errors.push(LoadError::Read(e));
            None
        }
    }
}

/// Laravel (`LoadEnvironmentVariables::checkForSpecificEnvironmentFile`): `.env.$APP_ENV`
/// replaces `.env` when APP_ENV was set before boot and that file exists.
pub fn load_laravel(
    root: &Path,
    files: &mut Files,
    app_env: &AppEnv,
    dialect: dotenv::phpdotenv::Version,
    process: &HashMap<String, String>,
    errors: &mut Vec<LoadError>,
) -> Env {
    let mut env = Env::default();
    let specific = root.join(format!(".env.{}", app_env.name));
    let base = root.join(".env");
    let (chosen, unused) = if app_env.selects_file() && specific.is_file() {
        (specific, Some(base))
    } else {
        (base, None)
    };
    let empty = HashMap::new();
    let budget = std::mem::take(&mut env.budget);
    let scope = Scope {
        process,
        earlier: &empty,
        budget: &budget,
    };
    if let Some(id) = read_if_exists(files, &chosen, errors) {
        match dotenv::phpdotenv::parse_as(dialect, files.text(id), id, &scope) {
            Ok(entries) => {
                for entry in &entries {
                    env.define(id, entry, process);
                }
                env.note_too_large(&entries);
                env.loaded.push(id);
            }
            Err(error) => errors.push(LoadError::Syntax {
                file: id,
                error,
                dialect: dialect.name(),
            }),
        }
    }
    if let Some(unused) = unused.filter(|p| p.is_file())
        && let Ok(id) = files.read(&unused)
    {
        let why = format!(
            "not loaded: {} replaces it when APP_ENV={}",
            files.name(env.loaded.first().copied().unwrap_or(id)),
            app_env.name
        );
        env.skipped.push(format!("{} {why}", files.name(id)));
        // A broken file that is not loaded does not matter; its definitions are only context.
        if let Ok(entries) = dotenv::phpdotenv::parse_as(dialect, files.text(id), id, &scope) {
            env.shadow(&entries, &why);
            env.note_too_large(&entries);
        }
    }
    env.add_process(process);
    env.budget = budget;
    env
}

/// The `.env` files `.env.local.php` replaces: their definitions are shown as not loaded.
fn shadow_replaced_files(
    root: &Path,
    files: &mut Files,
    env: &mut Env,
    app_env: &str,
    dump: FileId,
) {
    let why = format!("not loaded: {} replaces the .env files", files.name(dump));
    let names = [
        ".env".to_string(),
        ".env.local".to_string(),
        format!(".env.{app_env}"),
        format!(".env.{app_env}.local"),
    ];
    for name in names {
        let path = root.join(name);
        if !path.is_file() {
            continue;
        }
        let Ok(id) = files.read(&path) else { continue };
        let (process, earlier) = (HashMap::new(), HashMap::new());
        let budget = std::mem::take(&mut env.budget);
        let scope = Scope {
            process: &process,
            earlier: &earlier,
            budget: &budget,
        };
        // A broken file that is not loaded does not matter; its definitions are only context.
        if let Ok(entries) = dotenv::symfony::parse(files.text(id), id, &scope) {
            env.shadow(&entries, &why);
            env.note_too_large(&entries);
        }
        env.budget = budget;
    }
}

/// Symfony (`Dotenv::bootEnv`): `.env.local.php` alone, or the `.env` cascade.
pub fn load_symfony(
    root: &Path,
    files: &mut Files,
    app_env: &AppEnv,
    process: &HashMap<String, String>,
    errors: &mut Vec<LoadError>,
) -> Env {
    let mut env = Env::default();
    if let Some(id) = read_if_exists(files, &root.join(".env.local.php"), errors) {
        match super::php::eval_env_local_php(files.text(id), id) {
            Ok(entries) => {
                let env_of_file = entries
                    .iter()
                    .find(|e| e.name == "APP_ENV")
                    .and_then(|e| e.value.as_ref().map(|v| v.as_str().to_string()));
                // bootEnv uses the dump only when it was made for the APP_ENV in effect.
                if env_of_file.as_deref().is_none_or(|e| e == app_env.name) {
                    for entry in &entries {
                        env.define(id, entry, process);
                    }
                    env.loaded.push(id);
                    shadow_replaced_files(root, files, &mut env, &app_env.name, id);
                    env.add_process(process);
                    return env;
                }
                env.skipped.push(format!(
                    "{} ignored: it was dumped for APP_ENV={}",
                    files.name(id),
                    env_of_file.unwrap_or_default()
                ));
            }
            Err(e) => errors.push(LoadError::Syntax {
                file: id,
                error: DotenvError {
                    cause: e.message.clone(),
                    message: e.message,
                    offset: e.offset,
                },
                dialect: "PHP",
            }),
        }
    }
    let base = root.join(".env");
    let dist = root.join(".env.dist");
    let mut chain = vec![if base.is_file() || !dist.is_file() {
        base
    } else {
        dist
    }];
    if app_env.name != "test" {
        chain.push(root.join(".env.local"));
    } else if root.join(".env.local").is_file() {
        env.skipped
            .push(".env.local is not loaded when APP_ENV=test".to_string());
    }
    if app_env.name != "local" {
        chain.push(root.join(format!(".env.{}", app_env.name)));
        chain.push(root.join(format!(".env.{}.local", app_env.name)));
    }
    for path in chain {
        let Some(id) = read_if_exists(files, &path, errors) else {
            continue;
        };
        let earlier = env.values();
        let budget = std::mem::take(&mut env.budget);
        let scope = Scope {
            process,
            earlier: &earlier,
            budget: &budget,
        };
        let parsed = dotenv::symfony::parse(files.text(id), id, &scope);
        env.budget = budget;
        match parsed {
            Ok(entries) => {
                for entry in &entries {
                    env.define(id, entry, process);
                }
                env.note_too_large(&entries);
                env.loaded.push(id);
            }
            Err(error) => {
                errors.push(LoadError::Syntax {
                    file: id,
                    error,
                    dialect: "symfony/dotenv",
                });
                break;
            }
        }
    }
    env.add_process(process);
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app_env(name: &str) -> AppEnv {
        AppEnv {
            name: name.into(),
            source: AppEnvSource::Flag,
        }
    }

    fn value(env: &Env, name: &str) -> Option<String> {
        env.get(name)
            .and_then(|v| v.value.as_ref())
            .map(|v| v.as_str().to_string())
    }

    #[test]
    fn laravel_env_specific_file_replaces_dot_env() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), "A=base\nB=only-base\n").unwrap();
        std::fs::write(dir.path().join(".env.production"), "A=prod\n").unwrap();
        let mut files = Files::default();
        let mut errors = Vec::new();
        let process = HashMap::new();
        let env = load_laravel(
            dir.path(),
            &mut files,
            &app_env("production"),
            Default::default(),
            &process,
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(value(&env, "A").as_deref(), Some("prod"));
        // No cascade: `.env` is not read at all.
        assert_eq!(value(&env, "B"), None);
        let note = env.winner_note("A", &files).unwrap();
        assert!(
            note.contains(".env.production:1, which wins over"),
            "{note}"
        );
        assert!(note.contains("not loaded"), "{note}");

        let env = load_laravel(
            dir.path(),
            &mut files,
            &app_env("staging"),
            Default::default(),
            &process,
            &mut errors,
        );
        assert_eq!(value(&env, "A").as_deref(), Some("base"));

        // APP_ENV=production read from `.env` itself does not choose `.env.production`.
        let from_dotenv = AppEnv {
            name: "production".into(),
            source: AppEnvSource::DotenvOnly {
                set_in: None,
                alternatives: laravel_env_files(dir.path()),
            },
        };
        let env = load_laravel(
            dir.path(),
            &mut files,
            &from_dotenv,
            Default::default(),
            &process,
            &mut errors,
        );
        assert_eq!(value(&env, "A").as_deref(), Some("base"));
        assert_eq!(value(&env, "B").as_deref(), Some("only-base"));
        assert!(
            from_dotenv
                .reason()
                .contains("--env production loads .env.production")
        );
    }

    #[test]
    fn symfony_cascade_and_process_environment() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write(".env", "A=env\nB=env\nC=env\nD=env\n");
        write(".env.local", "B=local\n");
        write(".env.prod", "C=prod\nE=$B\n");
        write(".env.prod.local", "D=prod-local\n");
        write(".env.test", "A=test\n");
        let mut files = Files::default();
        let mut errors = Vec::new();
        let process: HashMap<String, String> = [("A".to_string(), "process".to_string())].into();
        let env = load_symfony(
            dir.path(),
            &mut files,
            &app_env("prod"),
            &process,
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(value(&env, "A").as_deref(), Some("process"));
        assert_eq!(value(&env, "B").as_deref(), Some("local"));
        assert_eq!(value(&env, "C").as_deref(), Some("prod"));
        assert_eq!(value(&env, "D").as_deref(), Some("prod-local"));
        assert_eq!(value(&env, "E").as_deref(), Some("local"));
        assert!(matches!(env.get("A").unwrap().source, VarSource::Process));
        let note = env.winner_note("D", &files).unwrap();
        assert!(note.starts_with("D is set in "), "{note}");

        // `.env.local` is skipped for the test env.
        let env = load_symfony(
            dir.path(),
            &mut files,
            &app_env("test"),
            &HashMap::new(),
            &mut errors,
        );
        assert_eq!(value(&env, "B").as_deref(), Some("env"));
        assert_eq!(value(&env, "A").as_deref(), Some("test"));
    }

    #[test]
    fn symfony_dot_env_local_php_replaces_the_cascade() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), "A=env\n").unwrap();
        std::fs::write(
            dir.path().join(".env.local.php"),
            "<?php\n\n// dumped\nreturn array (\n  'APP_ENV' => 'prod',\n  'A' => 'dumped',\n);\n",
        )
        .unwrap();
        let mut files = Files::default();
        let mut errors = Vec::new();
        let env = load_symfony(
            dir.path(),
            &mut files,
            &app_env("prod"),
            &HashMap::new(),
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(value(&env, "A").as_deref(), Some("dumped"));
        // The `.env` definition it replaces is named, as not loaded.
        let note = env.winner_note("A", &files).unwrap();
        assert!(note.contains("replaces the .env files"), "{note}");
        let env = load_symfony(
            dir.path(),
            &mut files,
            &app_env("dev"),
            &HashMap::new(),
            &mut errors,
        );
        assert_eq!(value(&env, "A").as_deref(), Some("env"));
    }
}
