//! Flat JSON of findings: one object per diagnostic with `rule`, `severity`, `file`, `line`,
//! `column` (1-based) and `message` at the top level, for scripts and CI.

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::SourceFile;

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

/// Where a label ends (1-based line and column), from its source when available.
pub fn end_of(label: &Label, sources: &[&SourceFile]) -> (usize, usize) {
    sources
        .iter()
        .find(|s| s.name == label.file)
        .map(|s| s.line_col(label.span.end.max(label.span.start)))
        .unwrap_or((label.line, label.column))
}

/// The findings, the summary, and `apps`: what each app was checked as (its APP_ENV and why).
pub fn json(
    diagnostics: &[Diagnostic],
    sources: &[&SourceFile],
    summary: Summary,
    apps: Value,
) -> String {
    let findings: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut finding = json!({
                "rule": d.code,
                "severity": d.severity,
                "message": d.message,
            });
            let object = finding.as_object_mut().expect("object");
            if let Some(l) = &d.location {
                let (end_line, end_column) = end_of(l, sources);
                object.insert("file".into(), json!(l.file));
                object.insert("line".into(), json!(l.line));
                object.insert("column".into(), json!(l.column));
                object.insert("end_line".into(), json!(end_line));
                object.insert("end_column".into(), json!(end_column));
            } else {
                object.insert("file".into(), Value::Null);
                object.insert("line".into(), Value::Null);
                object.insert("column".into(), Value::Null);
            }
            if let Some(help) = &d.help {
                object.insert("help".into(), json!(help));
            }
            if !d.notes.is_empty() {
                object.insert("notes".into(), json!(d.notes));
            }
            if !d.related.is_empty() {
                let related: Vec<Value> = d
                    .related
                    .iter()
                    .map(|l| {
                        json!({"file": l.file, "line": l.line, "column": l.column, "message": l.message})
                    })
                    .collect();
                object.insert("related".into(), json!(related));
            }
            finding
        })
        .collect();
    let value = json!({
        "version": 1,
        "summary": {
            "apps": summary.apps,
            "files": summary.files,
            "findings": summary.total(),
            "errors": summary.errors,
            "warnings": summary.warnings,
            "info": summary.infos,
        },
        "apps": apps,
        "findings": findings,
    });
    serde_json::to_string_pretty(&value).expect("findings serialize")
}
