//! `sesform lint --fix` and `--diff`: the findings' mechanical edits ([`Fix`]), applied per
//! file or shown as a unified diff with secrets masked.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Fix};
use crate::source::SourceFile;

/// The edits of one file, in order, none overlapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdits {
    pub path: PathBuf,
    pub file: String,
    pub edits: Vec<(Range<usize>, String)>,
    /// How each edit's text may be shown: a secret masked.
    pub shown: Vec<String>,
    /// How many findings the edits fix.
    pub fixes: usize,
}

/// The fixes of `diagnostics` by file. Insertions at one place are joined (two options added
/// to a DSN: `?a=1&b=2`; two entries to an array: one comma between them); an edit that
/// overlaps one before it is left for the next run.
pub fn plan(diagnostics: &[Diagnostic]) -> Vec<FileEdits> {
    let mut by_file: BTreeMap<PathBuf, (String, Vec<&Fix>)> = BTreeMap::new();
    for fix in diagnostics.iter().filter_map(|d| d.fix.as_ref()) {
        let entry = by_file
            .entry(fix.path.clone())
            .or_insert_with(|| (fix.file.clone(), Vec::new()));
        if !entry.1.contains(&fix) {
            entry.1.push(fix);
        }
    }
    by_file
        .into_iter()
        .map(|(path, (file, mut fixes))| {
            fixes.sort_by_key(|f| (f.span.start, f.span.end));
            let mut edits: Vec<(Range<usize>, String)> = Vec::new();
            let mut shown: Vec<String> = Vec::new();
            let mut count = 0;
            for fix in fixes {
                let fix_shown = fix.shown.clone().unwrap_or_else(|| fix.text.clone());
                match (edits.last_mut(), shown.last_mut()) {
                    (Some((span, text)), Some(last_shown))
                        if span.start == span.end && fix.span == *span =>
                    {
                        text.push_str(&join(text, &fix.text));
                        last_shown.push_str(&join(last_shown, &fix_shown));
                        count += 1;
                    }
                    (Some((span, _)), _) if fix.span.start < span.end.max(span.start + 1) => {}
                    _ => {
                        edits.push((fix.span.clone(), fix.text.clone()));
                        shown.push(fix_shown);
                        count += 1;
                    }
                }
            }
            FileEdits {
                path,
                file,
                edits,
                shown,
                fixes: count,
            }
        })
        .collect()
}

/// `next` as it follows `before` at the same place.
fn join(before: &str, next: &str) -> String {
    if let Some(rest) = next.strip_prefix('?') {
        return format!("&{rest}");
    }
    match next.strip_prefix(',') {
        Some(rest) if before.ends_with(',') => rest.to_string(),
        _ => next.to_string(),
    }
}

/// `text` with the edits made; `None` when one does not fit it.
pub fn apply(text: &str, edits: &[(Range<usize>, String)]) -> Option<String> {
    let mut out = text.to_string();
    for (span, new) in edits.iter().rev() {
        if span.end > out.len()
            || !out.is_char_boundary(span.start)
            || !out.is_char_boundary(span.end)
        {
            return None;
        }
        out.replace_range(span.clone(), new);
    }
    Some(out)
}

/// A unified diff of the edits, from the text as lint shows it: secrets masked as in code
/// frames, also those an edit writes.
pub fn diff(plan: &[FileEdits], sources: &[&SourceFile]) -> String {
    let mut out = String::new();
    for file in plan {
        let Some(source) = sources.iter().find(|s| s.name == file.file) else {
            continue;
        };
        // What a secret edit replaces is a secret too, even where lint did not know it was one
        // (the password of a DSN it could not parse).
        let mut source = (*source).clone();
        for ((span, text), shown) in file.edits.iter().zip(&file.shown) {
            if text != shown {
                source.redact(span.clone(), super::mask::keep(&source.text[span.clone()]));
            }
        }
        let shown = source.shown(&[]);
        let edits: Vec<(Range<usize>, String)> = file
            .edits
            .iter()
            .zip(&file.shown)
            .map(|((span, _), text)| (shown.span(span.clone()), text.clone()))
            .collect();
        let Some(after) = apply(&shown.text, &edits) else {
            continue;
        };
        let diff = similar::TextDiff::from_lines(&shown.text, &after);
        out.push_str(
            &diff
                .unified_diff()
                .header(&format!("a/{}", file.file), &format!("b/{}", file.file))
                .to_string(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(span: Range<usize>, text: &str) -> Diagnostic {
        Diagnostic::warning("ping-threshold", "x").with_fix(Some(Fix {
            title: String::new(),
            path: "a/.env".into(),
            file: "a/.env".into(),
            span,
            text: text.into(),
            shown: None,
        }))
    }

    #[test]
    fn insertions_at_one_place_are_joined() {
        let text = "DSN=smtp://h:465\n";
        let plan = plan(&[
            fix(16..16, "?ping_threshold=9"),
            fix(16..16, "?restart_threshold=50"),
            fix(16..16, "?ping_threshold=9"),
        ]);
        assert_eq!(plan[0].fixes, 2);
        assert_eq!(
            apply(text, &plan[0].edits).unwrap(),
            "DSN=smtp://h:465?ping_threshold=9&restart_threshold=50\n"
        );
        let php = "['a' => 1\n]";
        let plan = super::plan(&[fix(9..9, ",\n'b' => 2,"), fix(9..9, ",\n'c' => 3,")]);
        assert_eq!(
            apply(php, &plan[0].edits).unwrap(),
            "['a' => 1,\n'b' => 2,\n'c' => 3,\n]"
        );
        // Out of range: nothing applied.
        assert_eq!(apply("ab", &[(5..5, "x".into())]), None);
    }
}
