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
        let comments = comments(files.path(id), text);
        let mut line_start = 0;
        for (n, line) in text.split('\n').enumerate() {
            // The first marker in a comment: `'# sesform: ...', // sesform: ...` has two.
            let found = line.match_indices(MARKER).find_map(|(at, _)| {
                parse_at(line, line_start, at)
                    .filter(|s| comments.iter().any(|c| c.contains(&s.0.start)))
            });
            if let Some(s) = found {
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

/// The byte ranges of a file's comments: tree-sitter's `comment` nodes in PHP, `#` to the end
/// of the line outside quotes in YAML and env files. A marker inside a string is no comment.
fn comments(path: &std::path::Path, text: &str) -> Vec<Range<usize>> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".php") {
        super::php::comments(text)
    } else {
        hash_comments(text, name.ends_with(".yaml") || name.ends_with(".yml"))
    }
}

/// `#` comments of YAML (`yaml`) or dotenv text: a `#` at the start of a line or after
/// whitespace, outside quotes. In YAML a quote opens a string only where a scalar starts.
fn hash_comments(text: &str, yaml: bool) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    if yaml && q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        i += 1;
                    } else {
                        quote = None;
                    }
                }
            }
            None => match c {
                b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                    let end = text[i..].find('\n').map_or(text.len(), |e| i + e);
                    out.push(i..end);
                    i = end;
                    continue;
                }
                b'\'' | b'"' => {
                    let starts_scalar = if yaml {
                        let before = text[..i].trim_end_matches([' ', '\t']);
                        before.is_empty() || before.ends_with(['\n', ':', '-', '[', '{', ',', '?'])
                    } else {
                        true
                    };
                    if starts_scalar {
                        quote = Some(c);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    out
}

type Parsed = (Range<usize>, Vec<(String, Range<usize>)>);

/// `... # sesform: ignore a, b -- why` in one line starting at byte `base`.
#[cfg(test)]
fn parse_line(line: &str, base: usize) -> Option<Parsed> {
    parse_at(line, base, line.find(MARKER)?)
}

/// The suppression whose marker is at byte `at` of the line.
fn parse_at(line: &str, base: usize, at: usize) -> Option<Parsed> {
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

    fn suppressed_lines(name: &str, text: &str) -> Vec<usize> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let mut files = Files::default();
        files.read(&path).unwrap();
        scan(&files).into_iter().map(|s| s.line).collect()
    }

    #[test]
    fn only_real_comments_suppress() {
        let yaml = "a:\n  dsn: 'smtp://h:25?x=# sesform: ignore smtp-endpoint'\n  b: \"# sesform: ignore x\"\n  c: it's # sesform: ignore x\n  # sesform: ignore y\n";
        assert_eq!(suppressed_lines("mailer.yaml", yaml), vec![4, 5]);
        let php = "<?php\nreturn [\n  'x' => '// sesform: ignore smtp-endpoint',\n  'y' => \"# sesform: ignore a\", // sesform: ignore b\n  /* sesform: ignore c */ 'z' => 1,\n  # sesform: ignore d\n];\n";
        assert_eq!(suppressed_lines("mail.php", php), vec![4, 5, 6]);
        let env = "MAILER_DSN=\"smtp://h?a=1&x=# sesform: ignore a\"\nB='# sesform: ignore b'\nC=x # sesform: ignore c\n# sesform: ignore d\n";
        assert_eq!(suppressed_lines(".env", env), vec![3, 4]);
    }

    #[test]
    fn comment_scans_survive_any_text() {
        for text in ["'", "\"\\", "#", "a: '\n#", "\u{feff}# x", "é'#"] {
            let _ = hash_comments(text, true);
            let _ = hash_comments(text, false);
            let _ = super::super::php::comments(text);
        }
    }

    #[test]
    fn spans_are_absolute() {
        let (span, rules) = parse_line("x # sesform: ignore a-b", 100).unwrap();
        assert_eq!(span, 104..123);
        assert_eq!(rules[0].1, 120..123);
    }
}
