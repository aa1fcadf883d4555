//! `sesform lint` and `sesform rule`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{GlobalArgs, exit, print_stdout, stderr_color, stdout_color};
use crate::diagnostic::Severity;
use crate::lint::app::ClientRef;
use crate::lint::registry::{self, RULES};
use crate::lint::{self, LintError, Settings, Target, fix, online};
use crate::render::count;
use crate::render::findings::Summary;
use crate::render::paths::{Paths, normalize};
use crate::render::sarif::SarifRule;
use crate::render::{concise, diagnostics, findings, github, gitlab, sarif};
use crate::source::SourceFile;
use crate::spec::{self, LoadedSpec, SpecError};

#[derive(Debug, Args)]
pub struct LintArgs {
    /// App directories, or directories holding apps. Default: the spec's clients, else the
    /// current directory.
    pub paths: Vec<PathBuf>,
    /// The spec to check apps against (regions, configuration sets, per-client limits).
    /// Default: ./sesform.yaml when it exists.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Output format: human (code frames), concise (a line per finding), json, sarif (2.1.0),
    /// github (Actions annotations) or gitlab (Code Quality report).
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    pub format: LintFormat,
    /// Run only these rules (comma-separated, or repeat the flag).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,
    /// Do not run these rules.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Exit with 1 when a finding is at least this severe. Default: the app's `fail_on`, else
    /// warning.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// The APP_ENV to evaluate, which selects the env files. Default: the client's `env`,
    /// then APP_ENV; else Laravel loads `.env` and Symfony checks `prod`.
    #[arg(long, value_name = "ENV")]
    pub env: Option<String>,
    /// Also run the rules that read live facts from AWS (read-only calls).
    #[arg(long)]
    pub online: bool,
    /// Apply the mechanical fixes (add ping_threshold or restart_threshold, URL-encode a DSN
    /// password) to the files, then report what is left.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the fixes as a unified diff (secrets masked) and write nothing; exit 1 when there
    /// are any.
    #[arg(long)]
    pub diff: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The rule's name, e.g. ping-threshold.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub name: Option<String>,
    /// List every rule.
    #[arg(long)]
    pub all: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RuleFormat::Text)]
    pub format: RuleFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RuleFormat {
    Text,
    Json,
}

/// Codes lint reports besides rules: files it could not check, with the docs/lint.md section
/// that explains them.
const PROBLEMS: &[(&str, &str, &str)] = &[
    (
        "syntax-error",
        "a config, .env or composer.lock file sesform could not parse",
        "exit-codes",
    ),
    (
        "io-error",
        "a file or app sesform could not read",
        "exit-codes",
    ),
    (
        crate::lint::frameworks::laravel::NOT_EVALUATED,
        "a mail config sesform could not evaluate, so nothing in it was checked",
        "what-it-reads",
    ),
    (
        crate::lint::config::LINT_CONFIG,
        "lint settings in composer.json's extra.sesform.lint that sesform could not use",
        "settings-per-app",
    ),
    (
        crate::lint::EXPANSION_LIMIT,
        "an env or %parameter% value that grows past 64 KiB (or an app's expansion past its \
         budget) after $NAME / ${NAME} / %name% expansion, so nothing that reads it was checked",
        "untrusted-input",
    ),
];

fn usage(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    exit::ERROR_OR_CHANGES
}

pub fn run(global: &GlobalArgs, args: &LintArgs) -> u8 {
    // Unknown names are a usage error before anything is read.
    if let Err(e) = lint::select_rules(&args.select, &args.ignore, args.online) {
        return usage(e);
    }
    let spec = match load_spec(global, args) {
        Ok(spec) => spec,
        Err(code) => return code,
    };
    let targets = match targets(args, spec.as_ref()) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    // Apps without a region of their own are checked against --region or the spec's.
    let default_region = global
        .region
        .clone()
        .or_else(|| spec.as_ref().map(|s| s.spec.region.clone()));
    if args.online && default_region.is_none() {
        return usage("--online needs a region: give --region, or a spec with `region`");
    }
    let mut settings = Settings {
        spec: spec.as_ref().map(|s| &s.spec),
        env: args.env.clone(),
        flags: lint::config::Flags {
            select: args.select.clone(),
            ignore: args.ignore.clone(),
            fail_on: args.fail_on,
            online: args.online,
        },
        facts: None,
        process: std::env::vars().collect::<HashMap<_, _>>(),
        threads: threads(),
    };
    let loaded = lint::load(&targets, &settings);
    let facts = match (&default_region, args.online) {
        (Some(region), true) => {
            let needs = online::needs(loaded.iter().filter_map(lint::Loaded::app), region);
            match fetch_facts(global, region, &needs) {
                Ok(facts) => Some(facts),
                Err(code) => return code,
            }
        }
        _ => None,
    };
    settings.facts = facts.as_ref();
    let mut report = lint::check(loaded, &settings);
    if args.diff {
        let sources: Vec<&SourceFile> = report.sources.iter().collect();
        let plan = fix::plan(&report.diagnostics);
        let printed = print_stdout(&fix::diff(&plan, &sources));
        return if printed != exit::SUCCESS {
            exit::ERROR_OR_CHANGES
        } else if plan.is_empty() {
            exit::SUCCESS
        } else {
            exit::FAILURE
        };
    }
    if args.fix {
        let plan = fix::plan(&report.diagnostics);
        match apply_fixes(&plan, &report.sources) {
            Ok(fixed) if fixed > 0 => {
                eprintln!(
                    "Fixed {} in {}.",
                    count(fixed, "finding", "findings"),
                    count(plan.len(), "file", "files")
                );
                report = lint::check(lint::load(&targets, &settings), &settings);
            }
            Ok(_) => {}
            Err(e) => return usage(e),
        }
    }
    let sources: Vec<&SourceFile> = report.sources.iter().collect();
    let summary = Summary::of(&report.diagnostics, report.apps, report.files);
    let text = match args.format {
        LintFormat::Human => {
            let color = stdout_color(global);
            let mut text = diagnostics::human(&report.diagnostics, &sources, color);
            if !(global.quiet && summary.total() == 0) {
                text.push_str(&env_lines(&report.checked));
                text.push_str(&summary_line(&summary, report.broken));
            }
            text
        }
        LintFormat::Json => format!(
            "{}\n",
            findings::json(
                &report.diagnostics,
                &sources,
                summary,
                serde_json::json!(report.checked)
            )
        ),
        LintFormat::Sarif => {
            format!(
                "{}\n",
                sarif::sarif(
                    &report.diagnostics,
                    &sources,
                    &sarif_rules(),
                    &Paths::discover()
                )
            )
        }
        LintFormat::Concise => concise::concise(&report.diagnostics),
        LintFormat::Github => github::github(&report.diagnostics, &sources, &Paths::discover()),
        LintFormat::Gitlab => format!(
            "{}\n",
            gitlab::gitlab(&report.diagnostics, &Paths::discover())
        ),
    };
    let printed = print_stdout(&text);
    if printed != exit::SUCCESS {
        return exit::ERROR_OR_CHANGES;
    }
    if report.broken > 0 {
        exit::ERROR_OR_CHANGES
    } else if report.failed > 0 {
        exit::FAILURE
    } else {
        exit::SUCCESS
    }
}

/// Writes the fixes; a file that changed since lint read it is left alone. The number of
/// findings fixed.
fn apply_fixes(plan: &[fix::FileEdits], sources: &[SourceFile]) -> Result<usize, String> {
    let mut fixed = 0;
    for file in plan {
        let Some(read) = sources.iter().find(|s| s.name == file.file) else {
            continue;
        };
        let now = crate::source::read_text(&file.path).map_err(|e| e.to_string())?;
        if now.text != read.text {
            eprintln!("warning: {} changed while lint ran; not fixed", file.file);
            continue;
        }
        let Some(after) = fix::apply(&read.text, &file.edits) else {
            continue;
        };
        std::fs::write(&file.path, after)
            .map_err(|e| format!("{}: cannot write the fix: {e}", file.file))?;
        fixed += file.fixes;
    }
    Ok(fixed)
}

/// Which APP_ENV each app was checked as, and why: apps with the same env and reason on one
/// line.
fn env_lines(checked: &[lint::Checked]) -> String {
    let mut groups: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for c in checked {
        match groups
            .iter_mut()
            .find(|g| g.0 == c.app_env && g.1 == c.app_env_reason)
        {
            Some(g) => g.2.push(&c.app),
            None => groups.push((&c.app_env, &c.app_env_reason, vec![&c.app])),
        }
    }
    groups
        .iter()
        .map(|(env, reason, apps)| {
            let who = if apps.len() <= 3 {
                apps.join(", ")
            } else {
                format!("{} apps", apps.len())
            };
            format!("Checked {who} as APP_ENV={env}: {reason}.\n")
        })
        .collect()
}

fn summary_line(s: &Summary, broken: usize) -> String {
    let apps = count(s.apps, "app", "apps");
    let broken = match broken {
        0 => String::new(),
        1 => " 1 app could not be checked.".to_string(),
        n => format!(" {n} apps could not be checked."),
    };
    if s.total() == 0 {
        return format!(
            "All checks passed ({apps}, {}).\n",
            count(s.files, "file", "files")
        );
    }
    let mut parts = Vec::new();
    for (n, one, many) in [
        (s.errors, "error", "errors"),
        (s.warnings, "warning", "warnings"),
        (s.infos, "info", "infos"),
    ] {
        if n > 0 {
            parts.push(count(n, one, many));
        }
    }
    format!(
        "Found {} ({}) in {apps}.{broken}\n",
        count(s.total(), "problem", "problems"),
        parts.join(", ")
    )
}

/// Worker threads: SESFORM_THREADS, else the available cores.
fn threads() -> usize {
    std::env::var("SESFORM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// Reads the spec: `--spec`, else ./sesform.yaml when it exists. An invalid spec is a usage
/// error (exit 2) with its diagnostics on stderr.
fn load_spec(global: &GlobalArgs, args: &LintArgs) -> Result<Option<LoadedSpec>, u8> {
    let path = match &args.spec {
        Some(p) => p.clone(),
        None if Path::new("sesform.yaml").is_file() => PathBuf::from("sesform.yaml"),
        None => return Ok(None),
    };
    // The one place lint reads the spec; validation and positions come from spec::load.
    match spec::load(&path) {
        Ok(loaded) => Ok(Some(loaded)),
        Err(SpecError::Read(e)) => Err(usage(e)),
        Err(SpecError::Invalid {
            source,
            diagnostics,
        }) => {
            eprint!(
                "{}",
                diagnostics::human(&diagnostics, &[&source], stderr_color(global))
            );
            Err(usage(format!(
                "{}: invalid spec; `sesform validate {}` lists the problems",
                source.name,
                path.display()
            )))
        }
    }
}

fn targets(args: &LintArgs, spec: Option<&LoadedSpec>) -> Result<Vec<Target>, LintError> {
    let clients: Vec<(PathBuf, ClientRef)> = spec
        .map(|s| {
            s.spec
                .clients
                .iter()
                .map(|(name, client)| {
                    (
                        normalize(&s.base_dir.join(&client.path)),
                        ClientRef {
                            name: name.clone(),
                            client: client.clone(),
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if args.paths.is_empty() && !clients.is_empty() {
        return clients
            .into_iter()
            .map(|(root, client)| {
                if root.is_dir() {
                    Ok(Target {
                        root,
                        client: Some(client),
                    })
                } else {
                    Err(LintError::NotFound(root))
                }
            })
            .collect();
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let roots = lint::discover(&paths)?;
    let canonical: Vec<(Option<PathBuf>, &ClientRef)> = clients
        .iter()
        .map(|(p, c)| (p.canonicalize().ok(), c))
        .collect();
    Ok(roots
        .into_iter()
        .map(|root| {
            let real = root.canonicalize().ok();
            let client = canonical
                .iter()
                .find(|(p, _)| p.is_some() && *p == real)
                .map(|(_, c)| (*c).clone());
            Target { root, client }
        })
        .collect())
}

/// The lint reference; each rule has a `### \`name\`` heading, so its anchor is its name.
const LINT_DOCS: &str = "docs/lint.md";

/// A committed SMTP password or secret key sends mail as the account, whoever reads the
/// repository: "high" on GitHub's scale (7.0 to 8.9), as code scanning rates leaked
/// credentials.
const HARDCODED_SECRET_SEVERITY: &str = "7.5";

fn sarif_rules() -> Vec<SarifRule<'static>> {
    RULES
        .iter()
        .map(|r| SarifRule {
            id: r.name,
            summary: r.summary,
            help: r.doc(),
            level: r.severity,
            help_uri: sarif::docs_uri(LINT_DOCS, Some(r.name)),
            security_severity: (r.name == crate::lint::rules::hardcoded_secret::NAME)
                .then_some(HARDCODED_SECRET_SEVERITY),
        })
        .chain(PROBLEMS.iter().map(|(id, summary, anchor)| SarifRule {
            id,
            summary,
            help: summary.to_string(),
            level: Severity::Error,
            help_uri: sarif::docs_uri(LINT_DOCS, Some(anchor)),
            security_severity: None,
        }))
        .collect()
}

pub fn rule(args: &RuleArgs) -> u8 {
    if args.all {
        return match args.format {
            RuleFormat::Json => {
                let list: Vec<serde_json::Value> = RULES
                    .iter()
                    .map(rule_json)
                    .chain(spec::codes::all().map(code_json))
                    .collect();
                print_stdout(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&list).expect("serializes")
                ))
            }
            RuleFormat::Text => {
                let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
                let mut text = String::new();
                for r in RULES {
                    text.push_str(&format!(
                        "{:width$}  {:7}  {}\n",
                        r.name,
                        r.severity.as_str(),
                        r.summary
                    ));
                }
                text.push_str("\nSpec error codes (sesform validate):\n\n");
                let width = spec::codes::all().map(|c| c.name.len()).max().unwrap_or(0);
                for code in spec::codes::all() {
                    text.push_str(&format!("{:width$}  {}\n", code.name, code.summary()));
                }
                text.push_str(
                    "\n`sesform rule NAME` shows a rule's or an error code's documentation.\n",
                );
                print_stdout(&text)
            }
        };
    }
    let name = args.name.as_deref().unwrap_or_default();
    // A lint rule, else a spec error code: both are documented by `sesform rule NAME`.
    let (json, text) = if let Some(r) = registry::find(name) {
        let text = format!(
            "# {}\n\nSeverity: {}. {}\n\n{}",
            r.name,
            r.severity.as_str(),
            if r.online() {
                "Online: runs with `sesform lint --online`."
            } else {
                "Offline."
            },
            r.doc()
        );
        (rule_json(r), text)
    } else if let Some(code) = spec::codes::find(name) {
        let text = format!(
            "# {}\n\nSpec error code, reported by `sesform validate`.\n{}",
            code.name,
            // Sections one level up, as in a lint rule's documentation.
            code.doc.replace("\n### ", "\n## ")
        );
        (code_json(code), text)
    } else {
        let names = RULES
            .iter()
            .map(|r| r.name)
            .chain(spec::codes::all().map(|c| c.name));
        return usage(LintError::UnknownRule {
            name: name.to_string(),
            suggestion: spec::names::suggest(name, names),
        });
    };
    match args.format {
        RuleFormat::Json => print_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&json).expect("serializes")
        )),
        RuleFormat::Text => print_stdout(&text),
    }
}

fn code_json(code: spec::codes::Code) -> serde_json::Value {
    serde_json::json!({
        "name": code.name,
        "kind": "spec-error",
        "severity": Severity::Error,
        "summary": code.summary(),
        "documentation": code.doc.trim_start(),
    })
}

fn rule_json(r: &registry::Rule) -> serde_json::Value {
    serde_json::json!({
        "name": r.name,
        "kind": "lint-rule",
        "severity": r.severity,
        "online": r.online(),
        "summary": r.summary,
        "documentation": r.doc(),
    })
}

/// Connects with the global AWS flags (default pacing and retries) and reads the live facts
/// the apps need: SES in each region they send through, IAM for their access keys.
fn fetch_facts(
    global: &GlobalArgs,
    region: &str,
    needs: &online::Needs,
) -> Result<online::LiveFacts, u8> {
    let aws = super::args::AwsArgs {
        parallelism: 8,
        api_rate: std::env::var("SESFORM_API_RATE").ok(),
        retry_mode: crate::aws::RetryMode::Standard,
        max_attempts: 5,
    };
    let options = super::session::aws_options(global, &aws, region).map_err(|r| r.0)?;
    super::session::runtime().block_on(async {
        online::fetch(&options, needs, aws.parallelism)
            .await
            .map_err(|e| {
                eprintln!("error: {e}");
                exit::ERROR_OR_CHANGES
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The anchor GitHub gives a Markdown heading: lower case, spaces as `-`, punctuation
    /// other than `-` and `_` dropped.
    fn slug(heading: &str) -> String {
        heading
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn sarif_help_uris_point_at_headings_of_the_lint_docs() {
        let docs = include_str!("../../docs/lint.md");
        let anchors: Vec<String> = docs
            .lines()
            .filter_map(|l| l.strip_prefix('#'))
            .map(|l| slug(l.trim_start_matches('#')))
            .collect();
        for rule in sarif_rules() {
            let (page, anchor) = rule.help_uri.split_once('#').expect("an anchor");
            assert!(page.ends_with("/blob/main/docs/lint.md"), "{page}");
            assert!(
                anchors.iter().any(|a| a == anchor),
                "{}: no heading in docs/lint.md has the anchor #{anchor}",
                rule.id
            );
        }
        assert_eq!(slug(" `ping-threshold`"), "ping-threshold");
        assert_eq!(slug(" Untrusted input"), "untrusted-input");
    }

    #[test]
    fn only_hardcoded_secret_has_a_security_severity() {
        let rated: Vec<&str> = sarif_rules()
            .iter()
            .filter(|r| r.security_severity.is_some())
            .map(|r| r.id)
            .collect();
        assert_eq!(rated, ["hardcoded-secret"]);
    }
}
