//! Human (code frames) and JSON views of [`Diagnostic`]s. [`DiagnosticJson`] is the one JSON
//! shape of a diagnostic (specs/diagnostics.md), in lint's and validate's JSON alike.

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error, Files, SimpleFiles};
use codespan_reporting::term::{self, termcolor::Buffer};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::{Shown, SourceFile};

/// The files as shown, with the columns of the real files: a masked secret or a cut line
/// moves what follows it in the frame, but `file:line:column` names a place in the file.
struct ShownFiles<'s> {
    shown: SimpleFiles<String, String>,
    /// By file id: the real file, and how it is shown.
    real: Vec<(&'s SourceFile, Shown)>,
}

impl<'a> Files<'a> for ShownFiles<'_> {
    type FileId = usize;
    type Name = String;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<String, Error> {
        self.shown.name(id)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, Error> {
        self.shown.source(id)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, Error> {
        self.shown.line_index(id, byte_index)
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<std::ops::Range<usize>, Error> {
        self.shown.line_range(id, line_index)
    }

    fn column_number(&'a self, id: usize, _line: usize, byte_index: usize) -> Result<usize, Error> {
        let (file, shown) = self.real.get(id).ok_or(Error::FileMissing)?;
        Ok(file.line_col(shown.real_offset(byte_index)).1)
    }
}

/// Renders diagnostics as rustc-style code frames. `sources` holds every file the diagnostics
/// point into; a diagnostic whose file is missing is rendered without a frame. Frames show
/// the files with their redacted spans (inline secrets) masked.
pub fn human(diagnostics: &[Diagnostic], sources: &[&SourceFile], color: bool) -> String {
    let mut files = ShownFiles {
        shown: SimpleFiles::new(),
        real: Vec::new(),
    };
    let ids: Vec<(String, usize, Shown)> = sources
        .iter()
        .map(|s| {
            let labels: Vec<std::ops::Range<usize>> = diagnostics
                .iter()
                .flat_map(|d| d.location.iter().chain(&d.related))
                .filter(|l| l.file == s.name)
                .map(|l| l.span.clone())
                .collect();
            let shown = s.shown(&labels);
            let id = files.shown.add(s.name.clone(), shown.text.clone());
            files.real.push((*s, shown.clone()));
            (s.name.clone(), id, shown)
        })
        .collect();
    let file_id = |name: &str| {
        ids.iter()
            .find(|(n, ..)| n == name)
            .map(|(_, id, shown)| (*id, shown))
    };

    let mut out = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = term::Config::default();
    for diagnostic in diagnostics {
        let mut labels = Vec::new();
        let mut unplaced = Vec::new();
        let mut add_label =
            |label: &crate::diagnostic::Label, primary: bool| match file_id(&label.file) {
                Some((id, shown)) => {
                    let span = shown.span(label.span.clone());
                    let l = if primary {
                        cs::Label::primary(id, span)
                    } else {
                        cs::Label::secondary(id, span)
                    };
                    labels.push(l.with_message(label.message.clone()));
                }
                None => unplaced.push(format!(
                    "at {}:{}:{}{}",
                    label.file,
                    label.line,
                    label.column,
                    if label.message.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", label.message)
                    }
                )),
            };
        if let Some(location) = &diagnostic.location {
            add_label(location, true);
        }
        for related in &diagnostic.related {
            add_label(related, false);
        }
        let mut notes = unplaced;
        if let Some(help) = &diagnostic.help {
            notes.push(format!("help: {help}"));
        }
        notes.extend(diagnostic.notes.iter().cloned());
        let cs_diagnostic = match diagnostic.severity {
            Severity::Error => cs::Diagnostic::error(),
            Severity::Warning => cs::Diagnostic::warning(),
            Severity::Info => cs::Diagnostic::note(),
        }
        .with_code(diagnostic.code.clone())
        .with_message(diagnostic.message.clone())
        .with_labels(labels)
        .with_notes(notes);
        // Spans come from our own parsers over these same files; a failure here would be a bug,
        // and the message still reaches the user below.
        if term::emit_to_write_style(&mut out, &config, &files, &cs_diagnostic).is_err() {
            out_plain(&mut out, diagnostic);
        }
    }
    String::from_utf8_lossy(out.as_slice()).into_owned()
}

fn out_plain(out: &mut Buffer, diagnostic: &Diagnostic) {
    use std::io::Write;
    let place = diagnostic.position().unwrap_or_default();
    let _ = writeln!(
        out,
        "{}[{}]: {} {}",
        diagnostic.severity.as_str(),
        diagnostic.code,
        diagnostic.message,
        place
    );
}

/// The version of the diagnostics JSON shape (specs/diagnostics.md): every JSON output that
/// reports diagnostics (`lint` and `validate --format json`) carries it as `"version"`.
pub const FORMAT_VERSION: u32 = 2;

/// A diagnostic as JSON, the one shape of every JSON output (specs/diagnostics.md).
#[derive(Debug, Serialize)]
pub struct DiagnosticJson<'a> {
    pub code: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<LocationJson<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<LocationJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub notes: &'a [String],
    /// What `lint --fix` would do; the edit itself is not shown (it may hold a secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixJson<'a>>,
    /// The code's documentation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A place: 1-based line and column of its start and its end.
#[derive(Debug, Serialize)]
pub struct LocationJson<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub message: &'a str,
}

#[derive(Debug, Serialize)]
pub struct FixJson<'a> {
    pub title: &'a str,
}

/// Where a label ends (1-based line and column), from its source when available.
pub fn end_of(label: &Label, sources: &[&SourceFile]) -> (usize, usize) {
    sources
        .iter()
        .find(|s| s.name == label.file)
        .map(|s| s.line_col(label.span.end.max(label.span.start)))
        .unwrap_or((label.line, label.column))
}

impl<'a> LocationJson<'a> {
    fn of(label: &'a Label, sources: &[&SourceFile]) -> Self {
        let (end_line, end_column) = end_of(label, sources);
        LocationJson {
            file: &label.file,
            line: label.line,
            column: label.column,
            end_line,
            end_column,
            message: &label.message,
        }
    }
}

impl<'a> DiagnosticJson<'a> {
    /// `sources` give the ends of places; `url` the documentation of a code.
    pub fn of(
        d: &'a Diagnostic,
        sources: &[&SourceFile],
        url: impl Fn(&str) -> Option<String>,
    ) -> Self {
        DiagnosticJson {
            code: &d.code,
            severity: d.severity,
            message: &d.message,
            location: d.location.as_ref().map(|l| LocationJson::of(l, sources)),
            related: d
                .related
                .iter()
                .map(|l| LocationJson::of(l, sources))
                .collect(),
            help: d.help.as_deref(),
            notes: &d.notes,
            fix: d.fix.as_ref().map(|f| FixJson { title: &f.title }),
            url: url(&d.code),
        }
    }

    pub fn all(
        diagnostics: &'a [Diagnostic],
        sources: &[&SourceFile],
        url: impl Fn(&str) -> Option<String>,
    ) -> Vec<Self> {
        diagnostics
            .iter()
            .map(|d| Self::of(d, sources, &url))
            .collect()
    }
}

/// `{"version": 2, "diagnostics": [...]}` (specs/diagnostics.md), for tools and CI.
pub fn json(
    diagnostics: &[Diagnostic],
    sources: &[&SourceFile],
    url: impl Fn(&str) -> Option<String>,
) -> String {
    let value = serde_json::json!({
        "version": FORMAT_VERSION,
        "diagnostics": DiagnosticJson::all(diagnostics, sources, url),
    });
    serde_json::to_string_pretty(&value).expect("diagnostics serialize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Fix;

    #[test]
    fn the_json_shape_has_places_with_ends_and_never_the_fix_text() {
        let file = SourceFile::new(".env", "MAIL_DSN=smtp://u:s3cr3t@h\n");
        let placed = Diagnostic::warning("dsn-encoding", "encode it")
            .at(Label::new(&file, 9..26, "here"))
            .with_fix(Some(Fix {
                title: "URL-encode the DSN password".into(),
                path: ".env".into(),
                file: ".env".into(),
                span: 9..26,
                text: "smtp://u:s3cr3t%21@h".into(),
                shown: None,
            }));
        let unplaced = Diagnostic::error("io-error", "cannot read");
        let json: serde_json::Value =
            serde_json::from_str(&json(&[placed, unplaced], &[&file], |code| {
                (code == "dsn-encoding").then(|| "u".to_string())
            }))
            .unwrap();
        assert_eq!(json["version"], FORMAT_VERSION);
        let [placed, unplaced] = json["diagnostics"].as_array().unwrap().as_slice() else {
            panic!("{json}")
        };
        assert_eq!(
            placed["location"],
            serde_json::json!({"file": ".env", "line": 1, "column": 10, "end_line": 1,
                "end_column": 27, "message": "here"})
        );
        assert_eq!(
            placed["fix"],
            serde_json::json!({"title": "URL-encode the DSN password"})
        );
        assert_eq!(placed["url"], "u");
        assert!(!json.to_string().contains("s3cr3t%21"), "{json}");
        // Absent, not null: no place, no URL, no help.
        let keys: Vec<&String> = unplaced.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["code", "severity", "message"]);
    }
}
