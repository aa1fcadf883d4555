//! Human (code frames) and JSON views of [`Diagnostic`]s.

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error, Files, SimpleFiles};
use codespan_reporting::term::{self, termcolor::Buffer};

use crate::diagnostic::{Diagnostic, Severity};
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

/// `{"diagnostics": [...]}` with file, line and column for each, for tools and CI.
pub fn json(diagnostics: &[Diagnostic]) -> String {
    let value = serde_json::json!({ "diagnostics": diagnostics });
    serde_json::to_string_pretty(&value).expect("diagnostics serialize")
}
