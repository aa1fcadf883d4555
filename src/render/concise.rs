//! One line per finding, `path:line:column: severity[rule] message`, like ruff's
//! `--output-format concise`: for editors' problem matchers, grep and quick reading.

use crate::diagnostic::Diagnostic;

pub fn concise(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        if let Some(position) = d.position() {
            out.push_str(&position);
            out.push_str(": ");
        }
        // A message is one line; a stray line break would start a line that is no finding.
        let message = d.message.replace(['\r', '\n'], " ");
        out.push_str(&format!("{}[{}] {message}\n", d.severity.as_str(), d.code));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Label;

    #[test]
    fn one_line_per_finding() {
        let placed = Diagnostic::error("dsn-encoding", "a\nb").at(Label {
            file: "app/.env".into(),
            line: 2,
            column: 12,
            span: 0..0,
            message: String::new(),
            lost: false,
        });
        let unplaced = Diagnostic::warning("io-error", "unreadable");
        assert_eq!(
            concise(&[placed, unplaced]),
            "app/.env:2:12: error[dsn-encoding] a b\nwarning[io-error] unreadable\n"
        );
    }
}
