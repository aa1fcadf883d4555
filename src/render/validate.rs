//! Views of `sesform validate`: the one-line summary of a valid spec, the problems as JSON or
//! SARIF (a rule per code found, documented by docs/spec-errors.md), and each code's URL.

use super::count;
use super::diagnostics;
use super::paths::Paths;
use super::sarif::{self, SarifRule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;
use crate::spec::{self, LoadedSpec};

/// The spec's reference.
const SPEC_DOCS: &str = "specs/README.md";
/// The spec's error codes, one `## code` section each.
const ERROR_DOCS: &str = "docs/spec-errors.md";

/// `sesform.yaml: valid spec for eu-west-1 (stack x): 1 identity, ..., 2 clients`.
pub fn valid(loaded: &LoadedSpec) -> String {
    let s = &loaded.spec;
    format!(
        "{}: valid spec for {}{}: {}, {}\n",
        loaded.source.name,
        s.region,
        s.stack
            .as_ref()
            .map(|st| format!(" (stack {st})"))
            .unwrap_or_default(),
        super::spec_counts(s),
        count(s.clients.len(), "client", "clients"),
    )
}

/// `sesform.yaml: 2 errors found`, after the code frames.
pub fn invalid(source: &SourceFile, n: usize) -> String {
    format!(
        "{}: {n} error{} found\n",
        source.name,
        if n == 1 { "" } else { "s" }
    )
}

/// The section of docs/spec-errors.md of a documented code (what `sesform rule CODE` prints).
pub fn docs_url(code: &str) -> Option<String> {
    spec::codes::find(code).map(|_| sarif::docs_uri(ERROR_DOCS, Some(code)))
}

/// `{"version": 2, "diagnostics": [...]}` (specs/diagnostics.md).
pub fn json(diagnostics: &[Diagnostic], sources: &[&SourceFile]) -> String {
    format!("{}\n", diagnostics::json(diagnostics, sources, docs_url))
}

/// SARIF with a rule for each code found; a code without a section of docs/spec-errors.md
/// links to the keys' reference.
pub fn sarif(diagnostics: &[Diagnostic], sources: &[&SourceFile], paths: &Paths) -> String {
    let mut codes: Vec<(&str, Severity)> = Vec::new();
    for d in diagnostics {
        if !codes.iter().any(|(c, _)| *c == d.code) {
            codes.push((&d.code, d.severity));
        }
    }
    let documented: Vec<(String, String, String)> = codes
        .iter()
        .map(|(code, _)| match spec::codes::find(code) {
            Some(doc) => (
                doc.summary(),
                doc.doc.trim().to_string(),
                sarif::docs_uri(ERROR_DOCS, Some(code)),
            ),
            None => (
                "a problem in the sesform spec".to_string(),
                "The spec's keys are documented in specs/README.md.".to_string(),
                sarif::docs_uri(SPEC_DOCS, None),
            ),
        })
        .collect();
    let rules: Vec<SarifRule> = codes
        .iter()
        .zip(&documented)
        .map(|((code, severity), (summary, help, uri))| SarifRule {
            id: code,
            summary,
            help: help.clone(),
            level: *severity,
            help_uri: uri.clone(),
            security_severity: None,
        })
        .collect();
    format!("{}\n", sarif::sarif(diagnostics, sources, &rules, paths))
}
