//! GitHub Actions workflow commands: `::warning file=F,line=L,col=C::message` annotations,
//! which show on the pull request's changed lines.

use super::diagnostics::end_of;
use super::paths::Paths;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

/// Escaping of a command's message (actions/toolkit `escapeData`).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a property value (`escapeProperty`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Files relative to the repository root, which Actions resolves them against (the workspace),
/// wherever in it lint ran.
pub fn github(diagnostics: &[Diagnostic], sources: &[&SourceFile], paths: &Paths) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = Vec::new();
        if let Some(l) = &d.location {
            let (end_line, end_column) = end_of(l, sources);
            let file = paths.relative(&l.file).unwrap_or_else(|| l.file.clone());
            properties.push(format!("file={}", property(&file)));
            properties.push(format!("line={}", l.line));
            properties.push(format!("col={}", l.column));
            if end_line == l.line && end_column > l.column {
                properties.push(format!("endColumn={end_column}"));
            } else if end_line > l.line {
                properties.push(format!("endLine={end_line}"));
            }
        }
        properties.push(format!(
            "title={}",
            property(&format!("sesform {}", d.code))
        ));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Label;

    #[test]
    fn annotations_are_escaped() {
        let d = Diagnostic::warning("ping-threshold", "50% of it\nnext line").at(Label {
            file: "a,b:c/.env".into(),
            line: 3,
            column: 5,
            span: 0..0,
            message: String::new(),
            lost: false,
        });
        assert_eq!(
            github(&[d], &[], &Paths::new("/r".into(), "/r".into())),
            "::warning file=a%2Cb%3Ac/.env,line=3,col=5,title=sesform ping-threshold::50%25 of it%0Anext line\n"
        );
    }
}
