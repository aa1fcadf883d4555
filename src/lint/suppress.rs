//! Inline suppressions: `# sesform: ignore RULE, RULE -- reason` (or `//` in PHP), on the line
//! of a finding or the line above it. A finding's lines are where its value is set and the
//! config lines that read it, never the losing definitions it mentions ("also set here").
//! Suppressions that suppress nothing are reported as `unused-suppression`.

use std::ops::Range;

use super::files::{FileId, Files, Origin};
use super::registry;
use crate::diagnostic::{Diagnostic, Label, Severity};

const MARKER: &str = "sesform:";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub file: FileId,
    /// 1-based line of the comment.
    pub line: usize,
    /// The whole `sesform: ignore ...` text.
    pub span: Range<usize>,
    /// Rule names with their spans; empty means every rule.
    pub rules: Vec<(String, Range<usize>)>,
}

/// Finds the suppression comments of every file.
pub fn scan(files: &Files) -> Vec<Suppression> {
    let mut out = Vec::new();
    for id in files.ids() {
        let text = files.text(id);
        if !text.contains(MARKER) {
            continue;
        }
        let mut line_start = 0;
        for (n, line) in text.split('\n').enumerate() {
            if let Some(s) = parse_line(line, line_start) {
                out.push(Suppression {
                    file: id,
                    line: n + 1,
                    span: s.0,
                    rules: s.1,
                });
            }
            line_start += line.len() + 1;
        }
    }
    out
}

type Parsed = (Range<usize>, Vec<(String, Range<usize>)>);

/// `... # sesform: ignore a, b -- why` in one line starting at byte `base`.
fn parse_line(line: &str, base: usize) -> Option<Parsed> {
    let at = line.find(MARKER)?;
    let before = line[..at].trim_end();
    if !(before.ends_with('#')
        || before.ends_with("//")
        || before.ends_with("/*")
        || before.ends_with('*'))
    {
        return None;
    }
    let rest = &line[at + MARKER.len()..];
    let trimmed = rest.trim_start();
    let keyword = trimmed.strip_prefix("ignore")?;
    if keyword.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-') {
        return None;
    }
    let mut offset = at + MARKER.len() + (rest.len() - trimmed.len()) + "ignore".len();
    let mut rules = Vec::new();
    let mut cursor = &line[offset..];
    loop {
        let skipped = cursor.len() - cursor.trim_start().len();
        offset += skipped;
        cursor = &cursor[skipped..];
        let len = cursor
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
            .count();
        if len == 0 {
            break;
        }
        rules.push((
            cursor[..len].to_string(),
            base + offset..base + offset + len,
        ));
        offset += len;
        cursor = &cursor[len..];
        let after = cursor.trim_start();
        match after.strip_prefix(',') {
            Some(next) => {
                offset += cursor.len() - next.len();
                cursor = next;
            }
            None => break,
        }
    }
    let end = rules.last().map_or(base + offset, |(_, r)| r.end);
    Some((base + at..end, rules))
}

/// Drops suppressed findings and reports unused suppressions of enabled rules.
pub fn apply(
    diagnostics: Vec<Diagnostic>,
    suppressions: &[Suppression],
    files: &Files,
    enabled: &dyn Fn(&str) -> bool,
    report_unused: bool,
) -> Vec<Diagnostic> {
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.rules.len().max(1)])
        .collect();
    let mut kept = Vec::new();
    'findings: for d in diagnostics {
        // Where the finding is and the lines that lead to it; not the definitions that lost.
        let labels = d
            .location
            .iter()
            .chain(d.related.iter().filter(|l| !l.lost));
        let places: Vec<&Label> = labels.collect();
        for (i, s) in suppressions.iter().enumerate() {
            let name = files.name(s.file);
            let here = places
                .iter()
                .any(|l| l.file == name && (l.line == s.line || l.line == s.line + 1));
            if !here {
                continue;
            }
            if s.rules.is_empty() {
                used[i][0] = true;
                continue 'findings;
            }
            if let Some(k) = s.rules.iter().position(|(r, _)| *r == d.code) {
                used[i][k] = true;
                continue 'findings;
            }
        }
        kept.push(d);
    }
    if !report_unused {
        return kept;
    }
    for (s, used) in suppressions.iter().zip(used) {
        if s.rules.is_empty() {
            if !used[0] {
                kept.push(unused(
                    files,
                    s.file,
                    s.span.clone(),
                    "this `sesform: ignore` suppresses nothing".into(),
                    None,
                ));
            }
            continue;
        }
        for ((rule, span), used) in s.rules.iter().zip(used) {
            if used {
                continue;
            }
            if registry::find(rule).is_none() {
                let hint = registry::suggest(rule).map(|r| format!("did you mean `{r}`?"));
                kept.push(unused(
                    files,
                    s.file,
                    span.clone(),
                    format!("unknown rule `{rule}` in suppression"),
                    hint,
                ));
            } else if enabled(rule) {
                kept.push(unused(
                    files,
                    s.file,
                    span.clone(),
                    format!(
                        "unused suppression: `{rule}` reports nothing on this line or the next"
                    ),
                    None,
                ));
            }
        }
    }
    kept
}

fn unused(
    files: &Files,
    file: FileId,
    span: Range<usize>,
    message: String,
    hint: Option<String>,
) -> Diagnostic {
    let d = Diagnostic::new(registry::UNUSED_SUPPRESSION, Severity::Warning, message)
        .at(files.label(&Origin::new(file, span), "unused"));
    match hint {
        Some(hint) => d.with_help(hint),
        None => d.with_help("remove it"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Option<Vec<String>> {
        parse_line(line, 0).map(|(_, r)| r.into_iter().map(|(n, _)| n).collect())
    }

    #[test]
    fn comment_forms() {
        assert_eq!(
            names("# sesform: ignore ping-threshold").unwrap(),
            vec!["ping-threshold"]
        );
        assert_eq!(
            names("A=b # sesform: ignore ping-threshold, dsn-encoding -- workers restart").unwrap(),
            vec!["ping-threshold", "dsn-encoding"]
        );
        assert_eq!(
            names("    'x' => 1, // sesform: ignore hardcoded-secret because test").unwrap(),
            vec!["hardcoded-secret"]
        );
        assert_eq!(names("# sesform: ignore").unwrap(), Vec::<String>::new());
        assert_eq!(names("A=sesform: ignore x"), None);
        assert_eq!(names("# sesform: ignored x"), None);
        let (span, rules) = parse_line("x # sesform: ignore a-b", 100).unwrap();
        assert_eq!(span, 104..123);
        assert_eq!(rules[0].1, 120..123);
    }
}
