//! `sesform lint` and `sesform rule`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::session::Reported;
use super::{GlobalArgs, exit, print_stdout, stdout_color};
use crate::diagnostic::Severity;
use crate::lint::app::ClientRef;
use crate::lint::registry::RULES;
use crate::lint::{self, LintError, Settings, Target, fix, online};
use crate::render::count;
use crate::render::lint::Summary;
use crate::render::paths::{Paths, normalize};
use crate::render::{self, concise, diagnostics, github, gitlab, sarif};
use crate::source::SourceFile;
use crate::spec::{self, LoadedSpec};

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

fn usage(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    exit::ERROR_OR_CHANGES
}

pub fn run(global: &GlobalArgs, args: &LintArgs) -> u8 {
    // Unknown names are a usage error before anything is read.
    if let Err(e) = lint::select_rules(&args.select, &args.ignore, args.online) {
        return usage(e);
    }
    let spec = match spec_path(args) {
        Some(path) => match super::session::load_spec(global, &path, exit::ERROR_OR_CHANGES) {
            Ok(loaded) => Some(loaded),
            Err(Reported(code)) => return code,
        },
        None => None,
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
                text.push_str(&render::lint::env_lines(&report.checked));
                text.push_str(&render::lint::summary_line(&summary, report.broken));
            }
            text
        }
        LintFormat::Json => format!(
            "{}\n",
            render::lint::json(&report.diagnostics, &sources, summary, &report.checked)
        ),
        LintFormat::Sarif => {
            format!(
                "{}\n",
                sarif::sarif(
                    &report.diagnostics,
                    &sources,
                    &render::lint::sarif_rules(),
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

/// Worker threads: SESFORM_THREADS, else the available cores.
fn threads() -> usize {
    std::env::var("SESFORM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// `--spec`, else ./sesform.yaml when it exists.
fn spec_path(args: &LintArgs) -> Option<PathBuf> {
    match &args.spec {
        Some(p) => Some(p.clone()),
        None if Path::new("sesform.yaml").is_file() => Some(PathBuf::from("sesform.yaml")),
        None => None,
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

pub fn rule(args: &RuleArgs) -> u8 {
    if args.all {
        return print_stdout(&match args.format {
            RuleFormat::Json => render::lint::rule_list_json(),
            RuleFormat::Text => render::lint::rule_list_text(),
        });
    }
    let name = args.name.as_deref().unwrap_or_default();
    let Some((json, text)) = render::lint::rule_doc(name) else {
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
        RuleFormat::Json => print_stdout(&render::pretty_json(&json)),
        RuleFormat::Text => print_stdout(&text),
    }
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
