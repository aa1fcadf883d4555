//! Views of `sesform lint` and `sesform rule`: the report's JSON (with the summary and what each
//! app was checked as), the human summary lines, the rules' documentation for SARIF and for
//! `sesform rule`, and the URL of each code's section of docs/lint.md.

use serde_json::{Value, json};

use super::count;
use super::diagnostics::{DiagnosticJson, FORMAT_VERSION};
use super::sarif::{self, SarifRule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{self, Checked, registry};
use crate::source::SourceFile;
use crate::spec;

/// Counts shown in every output format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub apps: usize,
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(diagnostics: &[Diagnostic], apps: usize, files: usize) -> Summary {
        let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
        Summary {
            apps,
            files,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        }
    }

    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
}

/// `{"version", "summary", "apps", "diagnostics"}`: the diagnostics in their one JSON shape
/// (specs/diagnostics.md), the counts, and what each app was checked as (its APP_ENV and why).
pub fn json(
    diagnostics: &[Diagnostic],
    sources: &[&SourceFile],
    summary: Summary,
    apps: &[Checked],
) -> String {
    let value = json!({
        "version": FORMAT_VERSION,
        "summary": {
            "apps": summary.apps,
            "files": summary.files,
            "findings": summary.total(),
            "errors": summary.errors,
            "warnings": summary.warnings,
            "info": summary.infos,
        },
        "apps": apps,
        "diagnostics": DiagnosticJson::all(diagnostics, sources, docs_url),
    });
    serde_json::to_string_pretty(&value).expect("findings serialize")
}

/// Which APP_ENV each app was checked as, and why: apps with the same env and reason on one
/// line.
pub fn env_lines(checked: &[Checked]) -> String {
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

/// `All checks passed (...)` or `Found N problems (...) in M apps.`, and the apps that could
/// not be checked.
pub fn summary_line(s: &Summary, broken: usize) -> String {
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
        lint::frameworks::laravel::NOT_EVALUATED,
        "a mail config sesform could not evaluate, so nothing in it was checked",
        "what-it-reads",
    ),
    (
        lint::config::LINT_CONFIG,
        "lint settings in composer.json's extra.sesform.lint that sesform could not use",
        "settings-per-app",
    ),
    (
        lint::EXPANSION_LIMIT,
        "an env or %parameter% value that grows past 64 KiB (or an app's expansion past its \
         budget) after $NAME / ${NAME} / %name% expansion, so nothing that reads it was checked",
        "untrusted-input",
    ),
];

/// The lint reference; each rule has a `### \`name\`` heading, so its anchor is its name.
const LINT_DOCS: &str = "docs/lint.md";

/// A committed SMTP password or secret key sends mail as the account, whoever reads the
/// repository: "high" on GitHub's scale (7.0 to 8.9), as code scanning rates leaked
/// credentials.
const HARDCODED_SECRET_SEVERITY: &str = "7.5";

/// The section of docs/lint.md that documents a lint code: a rule's own, else the one that
/// explains a problem lint reports (unreadable files, settings it could not use).
pub fn docs_url(code: &str) -> Option<String> {
    if registry::find(code).is_some() {
        return Some(sarif::docs_uri(LINT_DOCS, Some(code)));
    }
    PROBLEMS
        .iter()
        .find(|(id, ..)| *id == code)
        .map(|(_, _, anchor)| sarif::docs_uri(LINT_DOCS, Some(anchor)))
}

/// Every rule and problem code, for SARIF's `tool.driver.rules`.
pub fn sarif_rules() -> Vec<SarifRule<'static>> {
    registry::RULES
        .iter()
        .map(|r| SarifRule {
            id: r.name,
            summary: r.summary,
            help: r.doc(),
            level: r.severity,
            help_uri: sarif::docs_uri(LINT_DOCS, Some(r.name)),
            security_severity: (r.name == lint::rules::hardcoded_secret::NAME)
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

/// `sesform rule --all`: every rule, then every spec error code.
pub fn rule_list_text() -> String {
    let rules = registry::RULES;
    let width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut text = String::new();
    for r in rules {
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
    text.push_str("\n`sesform rule NAME` shows a rule's or an error code's documentation.\n");
    text
}

/// `sesform rule --all --format json`.
pub fn rule_list_json() -> String {
    let list: Vec<Value> = registry::RULES
        .iter()
        .map(rule_json)
        .chain(spec::codes::all().map(code_json))
        .collect();
    format!(
        "{}\n",
        serde_json::to_string_pretty(&list).expect("serializes")
    )
}

/// `sesform rule NAME`, as JSON and as text: a lint rule, else a spec error code (both are
/// documented by `sesform rule NAME`). `None` for an unknown name.
pub fn rule_doc(name: &str) -> Option<(Value, String)> {
    if let Some(r) = registry::find(name) {
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
        return Some((rule_json(r), text));
    }
    let code = spec::codes::find(name)?;
    let text = format!(
        "# {}\n\nSpec error code, reported by `sesform validate`.\n{}",
        code.name,
        // Sections one level up, as in a lint rule's documentation.
        code.doc.replace("\n### ", "\n## ")
    );
    Some((code_json(code), text))
}

fn code_json(code: spec::codes::Code) -> Value {
    json!({
        "name": code.name,
        "kind": "spec-error",
        "severity": Severity::Error,
        "summary": code.summary(),
        "documentation": code.doc.trim_start(),
    })
}

fn rule_json(r: &registry::Rule) -> Value {
    json!({
        "name": r.name,
        "kind": "lint-rule",
        "severity": r.severity,
        "online": r.online(),
        "summary": r.summary,
        "documentation": r.doc(),
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
            // The JSON's `url` is the same page.
            assert_eq!(docs_url(rule.id).as_deref(), Some(rule.help_uri.as_str()));
        }
        assert_eq!(docs_url("no-such-code"), None);
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
