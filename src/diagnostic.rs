//! One diagnostic model for everything sesform reports about files: spec validation errors and
//! lint findings. Renderers in [`crate::render`] turn it into human text, JSON, SARIF or GitHub
//! annotations, so every output format says the same thing. Its JSON shape is
//! [`crate::render::diagnostics::DiagnosticJson`] (specs/diagnostics.md), which adds what needs
//! the source (where a place ends) or the docs (a code's URL).

use std::ops::Range;

use serde::Serialize;

use crate::source::SourceFile;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in a file: the byte span for code frames, line and column (1-based) for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub span: Range<usize>,
    pub message: String,
    /// A definition that lost to the one the finding is about ("also set here"): context
    /// only, so a suppression next to it does not silence the finding.
    pub lost: bool,
}

impl Label {
    pub fn new(file: &SourceFile, span: Range<usize>, message: impl Into<String>) -> Self {
        let (line, column) = file.line_col(span.start);
        Label {
            file: file.name.clone(),
            line,
            column,
            span,
            message: message.into(),
            lost: false,
        }
    }

    /// Marks a definition that lost to the winning one.
    pub fn lost(mut self) -> Self {
        self.lost = true;
        self
    }
}

/// A finding with a stable kebab-case `code`, a one-line `message`, where it is, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub location: Option<Label>,
    pub related: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// A mechanical edit that resolves the finding (`sesform lint --fix`).
    pub fix: Option<Fix>,
}

/// One edit of one file: `text` replaces the bytes `span` (an insertion when it is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the edit does, e.g. "add ping_threshold=9".
    pub title: String,
    /// The file on disk.
    pub path: std::path::PathBuf,
    /// The file as shown (a label's `file`).
    pub file: String,
    pub span: Range<usize>,
    pub text: String,
    /// How `text` may be shown (`--diff`) when it holds a secret.
    pub shown: Option<String>,
}

impl Diagnostic {
    pub fn new(code: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.into(),
            severity,
            message: message.into(),
            location: None,
            related: Vec::new(),
            help: None,
            notes: Vec::new(),
            fix: None,
        }
    }

    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    pub fn at(mut self, label: Label) -> Self {
        self.location = Some(label);
        self
    }

    pub fn with_related(mut self, label: Label) -> Self {
        self.related.push(label);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// `file:line:column`, or just the code when the diagnostic has no place.
    pub fn position(&self) -> Option<String> {
        self.location
            .as_ref()
            .map(|l| format!("{}:{}:{}", l.file, l.line, l.column))
    }
}
