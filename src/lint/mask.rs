//! Secrets never reach the output: the code frames of human output quote lines of the app's
//! files, and those lines hold passwords and secret keys. They are masked as `validate`
//! masks a spec's inline secrets ([`SourceFile::redact`]): the first 4 characters, then
//! `…(redacted)`; nothing of a secret shorter than 16 characters.

use super::app::App;
use super::env::VarSource;
use super::files::Origin;
use super::value::Val;
use crate::diagnostic::Diagnostic;
use crate::secret::{find_secret, is_secret_key_name};

/// Characters of a secret a code frame keeps, so a reader can tell which one it is.
const KEEP: usize = 4;
/// Secrets shorter than this are hidden whole: 4 characters would be too much of them.
const KEEP_FROM_LEN: usize = 16;

/// Masks, in the files `diagnostics` show: every transport's password or secret key, every
/// env definition of a variable named like a secret (`MAIL_PASSWORD`, `AWS_SECRET_ACCESS_KEY`)
/// and the secrets in other values (a DSN's password), wherever they were written; then
/// whatever looks like a secret on the lines the code frames show.
pub fn mask_secrets(app: &mut App, diagnostics: &[Diagnostic]) {
    let mut spans: Vec<(Origin, usize)> = Vec::new();
    for t in &app.transports {
        if let Some(Val::Str(password)) = t.password.as_ref().map(|n| &n.val)
            && let Some(origin) = password.origin()
        {
            spans.push((origin, keep(password.as_str())));
        }
    }
    for var in app.env.vars() {
        if is_secret_key_name(&var.name) {
            // The whole value as written, also what a `#` cut off it.
            let entries = match &var.source {
                VarSource::File { entry, .. } => Some(entry),
                VarSource::Process => None,
            };
            for entry in entries
                .into_iter()
                .chain(var.overridden.iter().map(|o| &o.entry))
            {
                let text = app.files.text(entry.file);
                let Some(assignment) = text.get(entry.span.clone()) else {
                    continue;
                };
                let Some(eq) = assignment.find(['=', ':']) else {
                    continue;
                };
                // After `=` (or PHP's `=>`), from the first character inside the quotes.
                let rest = &assignment[eq + 1..];
                let lead = rest.len() - rest.trim_start_matches(['>', '"', '\'', ' ', '\t']).len();
                let start = entry.span.start + eq + 1 + lead;
                let value = Origin::new(entry.file, start..entry.span.end);
                let written = text[value.span.clone()].trim_end_matches(['"', '\'', ' ', '\t']);
                spans.push((value, keep(written)));
            }
            continue;
        }
        let values = var
            .value
            .iter()
            .chain(var.overridden.iter().filter_map(|o| o.value.as_ref()));
        for value in values {
            if let Some(found) = find_secret(value.as_str())
                && let Some(origin) = value.origin_of(found.range.clone())
            {
                spans.push((origin, keep(&value.as_str()[found.range])));
            }
        }
    }
    for (origin, keep) in spans {
        app.files.redact(&origin, keep);
    }
    for label in diagnostics
        .iter()
        .flat_map(|d| d.location.iter().chain(&d.related))
    {
        let Some(id) = app.files.ids().find(|&id| app.files.name(id) == label.file) else {
            continue;
        };
        let file = app.files.get(id);
        let (first, _) = file.line_col(label.span.start);
        let (last, _) = file.line_col(label.span.end);
        for line in first..=last {
            let range = app.files.get(id).line_range(line);
            mask_line(app, id, range);
        }
    }
}

/// How much of `secret` may be shown.
/// A secret as output shows it: its first characters (see [`keep`]), then `…(redacted)`.
pub fn masked(secret: &str) -> String {
    let kept: String = secret.chars().take(keep(secret)).collect();
    format!("{kept}…(redacted)")
}

pub(crate) fn keep(secret: &str) -> usize {
    if secret.chars().count() >= KEEP_FROM_LEN {
        KEEP
    } else {
        0
    }
}

/// Masks what looks like a secret in one line, word by word (quotes, brackets, commas,
/// spaces and `=` separate words, so `MAIL_PASSWORD=...` and `'secret' => '...'` are read).
fn mask_line(app: &mut App, id: usize, range: std::ops::Range<usize>) {
    let text = app.files.text(id)[range.clone()].to_string();
    let separator = |c: char| c.is_whitespace() || "\"'[](){},=;".contains(c);
    let mut at = range.start;
    for word in text.split(separator) {
        let start = at;
        at += word.len() + 1;
        if let Some(found) = find_secret(word) {
            let origin = Origin::new(id, start + found.range.start..start + found.range.end);
            app.files.redact(&origin, keep(&word[found.range]));
        }
    }
}
