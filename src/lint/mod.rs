//! lint: checks the mail configuration of Laravel (6 to 12) and Symfony (5 to 8) apps for what
//! breaks with Amazon SES.
//!
//! The driver finds apps, resolves each one into an [`app::App`] with its framework's own
//! rules (env file cascade, config shapes, DSN parsing), runs the enabled rules over it,
//! applies inline suppressions and returns diagnostics. Nothing here prints. The files are
//! read by the shared readers of [`crate::formats`] (dotenv dialects, DSNs, YAML).

#[doc(hidden)]
pub mod adversarial;
pub mod app;
pub mod composer;
pub mod config;
pub mod env;
pub mod files;
pub mod fix;
pub mod frameworks;
mod mask;
pub mod online;
pub mod php;
pub mod registry;
pub mod rules;
pub mod suppress;
pub use crate::formats::traced;
pub mod value;
pub mod version;

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod testing;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use app::{ClientRef, Framework};
use env::{AppEnv, AppEnvSource};
use online::LiveFacts;
use registry::{Check, Rule};
use rules::Ctx;

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;
use crate::spec::Spec;

/// An app to lint, with the spec client it belongs to, if any.
#[derive(Debug, Clone)]
pub struct Target {
    pub root: PathBuf,
    pub client: Option<ClientRef>,
}

/// How to lint.
pub struct Settings<'a> {
    pub spec: Option<&'a Spec>,
    /// `--env`: the APP_ENV to evaluate; wins over the client's `env`.
    pub env: Option<String>,
    /// `--select`, `--ignore`, `--fail-on` and `--online`, which override each app's settings.
    pub flags: config::Flags,
    pub facts: Option<&'a LiveFacts>,
    /// The process environment, which wins over env files as it does in the frameworks.
    pub process: HashMap<String, String>,
    pub threads: usize,
}

/// What a lint run found.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// The files the diagnostics point into, for code frames.
    pub sources: Vec<SourceFile>,
    pub apps: usize,
    pub files: usize,
    /// Apps that could not be checked (unreadable or malformed files).
    pub broken: usize,
    /// Apps with a finding at or above their `fail_on`.
    pub failed: usize,
    /// Each app's framework and the APP_ENV it was checked as, with the reason.
    pub checked: Vec<Checked>,
}

/// Which env an app was checked as, and why: shown with every run, since the env decides
/// which files and values are checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Checked {
    pub app: String,
    pub framework: &'static str,
    pub app_env: String,
    pub app_env_reason: String,
}

/// Why linting could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LintError {
    NotFound(PathBuf),
    NotADirectory(PathBuf),
    NoApps(PathBuf),
    UnknownRule {
        name: String,
        suggestion: Option<&'static str>,
    },
    NeedsOnline(&'static str),
}

impl fmt::Display for LintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LintError::NotFound(p) => write!(f, "{}: no such directory", p.display()),
            LintError::NotADirectory(p) => write!(
                f,
                "{}: not a directory; give the root directory of a Laravel or Symfony app",
                p.display()
            ),
            LintError::NoApps(p) => write!(
                f,
                "{}: no Laravel or Symfony app found (looked for artisan, config/mail.php, \
                 config/packages/, composer.lock)",
                p.display()
            ),
            LintError::UnknownRule { name, suggestion } => {
                write!(f, "unknown rule `{name}`")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => write!(f, "; `sesform rule --all` lists the rules"),
                }
            }
            LintError::NeedsOnline(name) => {
                write!(f, "rule `{name}` reads live AWS facts; add --online")
            }
        }
    }
}

impl std::error::Error for LintError {}

/// The rules to run: `select` (default: every offline rule, and the online ones with
/// `online`) minus `ignore`.
pub fn select_rules(
    select: &[String],
    ignore: &[String],
    online: bool,
) -> Result<Vec<&'static Rule>, LintError> {
    let lookup = |name: &String| {
        registry::find(name).ok_or_else(|| LintError::UnknownRule {
            name: name.clone(),
            suggestion: registry::suggest(name),
        })
    };
    let ignored = ignore.iter().map(lookup).collect::<Result<Vec<_>, _>>()?;
    let selected: Vec<&'static Rule> = if select.is_empty() {
        registry::RULES
            .iter()
            .filter(|r| online || !r.online())
            .collect()
    } else {
        let selected = select.iter().map(lookup).collect::<Result<Vec<_>, _>>()?;
        if let Some(r) = selected.iter().find(|r| r.online() && !online) {
            return Err(LintError::NeedsOnline(r.name));
        }
        selected
    };
    Ok(selected
        .into_iter()
        .filter(|r| !ignored.iter().any(|i| i.name == r.name))
        .collect())
}

/// Directories never searched for apps.
const SKIP_DIRS: &[&str] = &[
    "vendor",
    "node_modules",
    ".git",
    "var",
    "storage",
    "bootstrap",
    "public",
    "resources",
    "database",
    "tests",
    "target",
];

/// The app roots at or under each path.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LintError> {
    let mut out = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(LintError::NotFound(path.clone()));
        }
        if !path.is_dir() {
            return Err(LintError::NotADirectory(path.clone()));
        }
        let before = out.len();
        walk(path, 0, &mut out);
        if out.len() == before {
            return Err(LintError::NoApps(path.clone()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if frameworks::detect(dir).is_some() {
        out.push(dir.to_path_buf());
        return;
    }
    if depth >= 8 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !SKIP_DIRS.contains(&n) && !n.starts_with('.'))
        })
        .collect();
    dirs.sort();
    for d in dirs {
        walk(&d, depth + 1, out);
    }
}

/// The APP_ENV to evaluate: `--env`, the client's `env`, the process's APP_ENV. Then:
/// - Laravel chooses its env file only from those (`.env.$APP_ENV` replaces `.env`); with none
///   it loads `.env` and takes APP_ENV from it, else `production`, exactly as at boot.
/// - Symfony: the APP_ENV a deploy-time file sets (`.env.local.php`, else `.env.local`, which
///   `Dotenv::loadEnv` reads APP_ENV from again); else `prod`. A committed `.env` APP_ENV
///   (Symfony's recipe writes `dev`) is a development default: lint checks prod unless told
///   otherwise, and says so.
fn app_env(
    settings: &Settings,
    client: Option<&ClientRef>,
    framework: Framework,
    root: &Path,
) -> AppEnv {
    let (name, source) = if let Some(e) = &settings.env {
        (e.clone(), AppEnvSource::Flag)
    } else if let Some(e) = client.and_then(|c| c.client.env.clone()) {
        (e, AppEnvSource::Client)
    } else if let Some(e) = settings.process.get("APP_ENV") {
        (e.clone(), AppEnvSource::Process)
    } else {
        match framework {
            // Laravel reads APP_ENV from the `.env` it loads: filled in then (see
            // `AppEnv::settle_from`), `production` until.
            Framework::Laravel => (
                "production".to_string(),
                AppEnvSource::DotenvOnly {
                    set_in: None,
                    alternatives: env::laravel_env_files(root),
                },
            ),
            Framework::Symfony => {
                if let Some((e, place)) = [".env.local.php", ".env.local"]
                    .iter()
                    .find_map(|f| env::app_env_in(&root.join(f)))
                {
                    (e, AppEnvSource::DeployFile(place))
                } else {
                    let ignored = [".env", ".env.dist"]
                        .iter()
                        .find_map(|f| env::app_env_in(&root.join(f)))
                        .filter(|(e, _)| e != "prod")
                        .map(|(e, place)| (place, e));
                    ("prod".to_string(), AppEnvSource::Default { ignored })
                }
            }
        }
    };
    AppEnv { name, source }
}

/// One app's findings and the files they point into.
pub struct AppResult {
    diagnostics: Vec<Diagnostic>,
    sources: Vec<SourceFile>,
    files: usize,
    broken: bool,
    failed: bool,
    checked: Option<Checked>,
}

/// An app resolved and ready for the rules, or the reason it cannot be checked.
pub enum Loaded {
    Ready(Box<app::App>, Checked, config::AppLint),
    Broken(AppResult),
}

impl Loaded {
    /// The app, when it loaded without errors (what the online facts are read for).
    pub fn app(&self) -> Option<&app::App> {
        match self {
            Loaded::Ready(app, _, _) if app.errors.is_empty() => Some(app),
            _ => None,
        }
    }
}

fn load_app(target: &Target, settings: &Settings) -> Loaded {
    let framework = match target.client.as_ref().map(|c| c.client.framework) {
        Some(crate::spec::Framework::Laravel) => Some(Framework::Laravel),
        Some(crate::spec::Framework::Symfony) => Some(Framework::Symfony),
        _ => frameworks::detect(&target.root),
    };
    let Some(framework) = framework else {
        let d = Diagnostic::error(
            "io-error",
            format!(
                "{}: no Laravel or Symfony app here (no artisan, config/mail.php, config/packages/ \
                 or composer.lock)",
                files::display_path(&target.root)
            ),
        )
        .with_help("check the client's path in the spec, or set its `framework`");
        return Loaded::Broken(AppResult {
            diagnostics: vec![d],
            sources: Vec::new(),
            files: 0,
            broken: true,
            failed: true,
            checked: None,
        });
    };
    let app_env = app_env(settings, target.client.as_ref(), framework, &target.root);
    let mut process = settings.process.clone();
    if app_env.selects_file() {
        // Chosen before boot, so the app sees it as a real environment variable.
        process.insert("APP_ENV".into(), app_env.name.clone());
    }
    let ctx = frameworks::LoadContext {
        root: &target.root,
        app_env,
        process: &process,
        client: target.client.clone(),
    };
    let mut app = frameworks::load(framework, &ctx);
    let mut found = Vec::new();
    let own = config::app_settings(
        &target.root,
        target.client.as_ref().and_then(|c| c.client.lint.as_ref()),
        &mut app.files,
        &mut found,
    );
    let lint = config::resolve(
        &settings.flags,
        own.as_ref().map(|(s, _)| s),
        own.as_ref()
            .and_then(|(_, at)| at.as_ref())
            .map(|at| (&app.files, at)),
        &mut found,
    );
    app.unevaluated.extend(found);
    // After loading: Laravel without APP_ENV before boot takes it from the `.env` it loaded.
    let checked = Checked {
        app: files::display_path(&target.root),
        framework: framework.name(),
        app_env: app.app_env.name.clone(),
        app_env_reason: app.app_env.reason(),
    };
    Loaded::Ready(Box::new(app), checked, lint)
}

fn check_app(loaded: Loaded, settings: &Settings) -> AppResult {
    let (app, checked, lint) = match loaded {
        Loaded::Ready(app, checked, lint) => (app, checked, lint),
        Loaded::Broken(result) => return result,
    };
    let files = app.files.len();
    let (diagnostics, broken) = if app.errors.is_empty() {
        (run_rules(&app, &lint.rules, settings), false)
    } else {
        (app.errors.clone(), true)
    };
    let failed = diagnostics.iter().any(|d| d.severity >= lint.fail_on);
    let mut app = app;
    mask::mask_secrets(&mut app, &diagnostics);
    let mut sources: Vec<SourceFile> = Vec::new();
    for source in app.files.into_sources() {
        let used = diagnostics.iter().any(|d| {
            d.location
                .iter()
                .chain(d.related.iter())
                .any(|l| l.file == source.name)
        });
        if used {
            sources.push(source);
        }
    }
    AppResult {
        diagnostics,
        sources,
        files,
        broken,
        failed,
        checked: Some(checked),
    }
}

fn run_rules(app: &app::App, rules: &[&'static Rule], settings: &Settings) -> Vec<Diagnostic> {
    let ctx = Ctx {
        app,
        spec: settings.spec,
    };
    let mut found = app.unevaluated.clone();
    found.extend(too_large(app));
    for rule in rules {
        match rule.check {
            Check::Offline(check) => check(&ctx, &mut found),
            Check::Online(check) => {
                if let Some(facts) = settings.facts {
                    check(&ctx, facts, &mut found);
                }
            }
            Check::Driver => {}
        }
    }
    // Before suppressions, which can only be written in the app's own files.
    let found = frameworks::laravel::relocate_builtin(app, found);
    let enabled = |name: &str| rules.iter().any(|r| r.name == name);
    let suppressions = suppress::scan(&app.files);
    let mut diagnostics = suppress::apply(
        found,
        &suppressions,
        &app.files,
        &enabled,
        enabled(registry::UNUSED_SUPPRESSION),
    );
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            d.location
                .as_ref()
                .map(|l| (l.file.clone(), l.line, l.column))
        };
        key(a).cmp(&key(b)).then_with(|| a.code.cmp(&b.code))
    });
    diagnostics.dedup();
    diagnostics
}

/// The code of findings about env values too large to expand: see [`too_large`].
pub const EXPANSION_LIMIT: &str = "expansion-limit";

/// A warning for each env value that `${NAME}` expansion made too large for sesform to read
/// ([`crate::formats::dotenv::MAX_EXPANDED_VALUE`], [`crate::formats::dotenv::MAX_EXPANSION`]): it is unknown, so nothing
/// that reads it was checked.
fn too_large(app: &app::App) -> Vec<Diagnostic> {
    app.env
        .too_large
        .iter()
        .map(|(at, message)| {
            Diagnostic::new(
                EXPANSION_LIMIT,
                crate::diagnostic::Severity::Warning,
                message.clone(),
            )
            .at(app.files.label(at, "expanded here"))
            .with_help(
                "no mail setting is this long: check the references in it (`${NAME}`, `$NAME`, \
                 `%name%`), each copies the whole value it names",
            )
        })
        .collect()
}

/// Stack size of the worker threads of [`par_map`].
const WORKER_STACK: usize = 16 * 1024 * 1024;

/// `f` over every item on `threads` threads, keeping the items' order.
fn par_map<T: Send, R: Send>(items: Vec<T>, threads: usize, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    let slots: Vec<Mutex<(Option<T>, Option<R>)>> = items
        .into_iter()
        .map(|t| Mutex::new((Some(t), None)))
        .collect();
    let next = AtomicUsize::new(0);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = slots.get(i) else { break };
            let item = slot.lock().expect("no panics while holding").0.take();
            if let Some(item) = item {
                let result = f(item);
                slot.lock().expect("no panics while holding").1 = Some(result);
            }
        }
    };
    if threads == 1 {
        work();
    } else {
        std::thread::scope(|s| {
            let mut spawned = 0;
            for _ in 0..threads {
                // The PHP evaluator and the rules recurse; give them the main thread's room.
                let builder = std::thread::Builder::new().stack_size(WORKER_STACK);
                if builder.spawn_scoped(s, work).is_ok() {
                    spawned += 1;
                }
            }
            if spawned == 0 {
                work();
            }
        });
    }
    slots
        .into_iter()
        .filter_map(|s| s.into_inner().expect("no panics while holding").1)
        .collect()
}

/// Resolves every target (in parallel), before any rule runs: the online facts to read
/// depend on what the apps configure.
pub fn load(targets: &[Target], settings: &Settings) -> Vec<Loaded> {
    par_map(targets.iter().collect(), settings.threads, |t| {
        load_app(t, settings)
    })
}

/// Runs the rules over loaded apps (in parallel), keeping their order in the report.
pub fn check(loaded: Vec<Loaded>, settings: &Settings) -> Report {
    let mut report = Report {
        apps: loaded.len(),
        ..Report::default()
    };
    let results = par_map(loaded, settings.threads, |l| check_app(l, settings));
    let mut names = std::collections::HashSet::new();
    for r in results {
        report.files += r.files;
        report.broken += usize::from(r.broken);
        report.failed += usize::from(r.failed);
        report.checked.extend(r.checked);
        report.diagnostics.extend(r.diagnostics);
        for s in r.sources {
            if names.insert(s.name.clone()) {
                report.sources.push(s);
            }
        }
    }
    report
}

/// Lints every target: [`load`], then [`check`].
pub fn lint(targets: &[Target], settings: &Settings) -> Report {
    check(load(targets, settings), settings)
}

#[cfg(test)]
mod robustness {
    //! Parsers meet hostile input: random text made of the characters that matter to them.
    //! They may refuse it, never panic.

    use std::collections::HashMap;

    use super::traced::Traced;
    use crate::formats::dotenv::{self, Scope};

    /// A small deterministic generator (no dependency, reproducible failures).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
    }

    const ALPHABET: &[&str] = &[
        "A",
        "_",
        "=",
        "\"",
        "'",
        "\\",
        "#",
        "$",
        "{",
        "}",
        "(",
        ")",
        "\n",
        "\r",
        "\r\n",
        " ",
        "\t",
        "é",
        "ß",
        ":",
        "/",
        "@",
        "?",
        "%",
        "%2F",
        "export ",
        "<?php ",
        "return [",
        "]",
        "=>",
        ",",
        ";",
        "env('",
        "'A'",
        "-",
        "[",
        "smtp://",
        "a",
        "1",
        "%env(",
        ")%",
        "when@",
        "framework:",
        "  ",
        "- ",
        "&",
        "*",
        "!",
        "|",
        ">",
        "\u{feff}",
    ];

    fn random_text(rng: &mut Lcg) -> String {
        let len = (rng.next() % 60) as usize;
        (0..len)
            .map(|_| ALPHABET[(rng.next() as usize) % ALPHABET.len()])
            .collect()
    }

    #[test]
    fn parsers_never_panic() {
        let mut rng = Lcg(0x5e5f_0a11);
        let process = HashMap::from([("A".to_string(), "x".to_string())]);
        let earlier = HashMap::from([("B".to_string(), Traced::detached("y"))]);
        let scope = Scope {
            process: &process,
            earlier: &earlier,
            budget: &Default::default(),
        };
        for _ in 0..3000 {
            let text = random_text(&mut rng);
            let _ = dotenv::phpdotenv::parse(&text, 0, &scope);
            let _ = dotenv::symfony::parse(&text, 0, &scope);
            let _ = crate::formats::yaml::parse(&text);
            let _ = super::php::eval_config(&text, 0, &super::env::Env::default());
            let _ = super::php::eval_env_local_php(&text, 0);
            let _ = crate::formats::dsn::parse_symfony(&text);
            let _ = crate::formats::dsn::split_composite(&text);
            let _ = crate::formats::dsn::intended_userinfo(&text);
            let _ = super::composer::parse(&text, 0);
        }
    }
}
