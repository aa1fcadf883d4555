//! Loading a spec: read the file, parse the YAML, check its shape against the JSON Schema,
//! deserialize the typed [`Spec`], then check what the schema cannot say (references, AWS
//! naming rules, inline secrets). Every error found on the way is reported, not just the first.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::document;
use super::model::Spec;
use super::positions::{MAX_DEPTH, Positions, TooDeep};
use super::structure::{Repairs, node_mut};
use super::{schema, semantic, structure};
use crate::diagnostic::{Diagnostic, Label};
use crate::formats::yaml;
use crate::source::{self, SourceError, SourceFile};

/// A valid spec with what is needed to point back into it.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    pub spec: Spec,
    pub source: SourceFile,
    pub positions: Positions,
    /// The spec's directory: relative paths in the spec (keys, credentials, clients) start here.
    pub base_dir: PathBuf,
}

#[derive(Debug)]
pub enum SpecError {
    /// The file could not be read as text.
    Read(SourceError),
    /// The file was read but is not a valid spec; `diagnostics` holds every problem found.
    Invalid {
        source: Box<SourceFile>,
        diagnostics: Vec<Diagnostic>,
    },
}

impl SpecError {
    /// What to do about a file that could not be read as a spec.
    pub fn read_help(error: &SourceError) -> Option<String> {
        match error {
            SourceError::NotFound(_) => Some(
                "pass the spec's path as the argument, or write a starter spec with `sesform init --domain <your-domain> --region <region>`"
                    .into(),
            ),
            SourceError::IsDirectory(dir) => Some(format!(
                "pass the spec file inside it, e.g. `{}`",
                dir.join("sesform.yaml").display()
            )),
            SourceError::Binary { .. } => {
                Some("pass the YAML spec (a text file), e.g. `sesform.yaml`".into())
            }
            SourceError::TooLarge { .. } => {
                Some("a spec is a few kilobytes of YAML; pass the spec's path".into())
            }
            SourceError::NotUtf8 { .. } | SourceError::Io { .. } => None,
        }
    }

    /// A file that could not be read, as a diagnostic (for `--format json`).
    pub fn read_diagnostic(error: &SourceError) -> Diagnostic {
        let (code, place) = match error {
            SourceError::NotFound(_) => ("file-not-found", None),
            SourceError::IsDirectory(_) => ("is-a-directory", None),
            SourceError::TooLarge { path, .. } => ("file-too-large", Some((path, 1))),
            SourceError::Binary { path } => ("binary-file", Some((path, 1))),
            SourceError::NotUtf8 { path, line } => ("not-utf8", Some((path, *line))),
            SourceError::Io { .. } => ("read-error", None),
        };
        let mut d = Diagnostic::error(code, error.to_string());
        if let Some((path, line)) = place {
            d = d.at(Label {
                file: path.display().to_string(),
                line,
                column: 1,
                span: 0..0,
                message: String::new(),
                lost: false,
            });
        }
        match Self::read_help(error) {
            Some(help) => d.with_help(help),
            None => d,
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Read(e) => match Self::read_help(e) {
                Some(help) => write!(f, "{e}\n  help: {help}"),
                None => e.fmt(f),
            },
            SpecError::Invalid {
                source,
                diagnostics,
            } => {
                let n = diagnostics.len();
                write!(
                    f,
                    "{}: {n} error{} in spec",
                    source.name,
                    if n == 1 { "" } else { "s" }
                )
            }
        }
    }
}

impl std::error::Error for SpecError {}

/// Points diagnostics at nodes of one document.
pub struct Locator<'a> {
    pub source: &'a SourceFile,
    pub positions: &'a Positions,
    /// What the shape check repaired, once it has run: paths given to the locator are then
    /// paths into the repaired document.
    pub repairs: Option<&'a Repairs>,
}

impl Locator<'_> {
    fn original<'p>(&self, path: &'p [String]) -> std::borrow::Cow<'p, [String]> {
        match self.repairs {
            Some(repairs) if !repairs.removed_items.is_empty() => repairs.original(path).into(),
            _ => path.into(),
        }
    }

    /// The key of the node at `path` (or the nearest ancestor's, when it is missing).
    pub fn key(&self, path: &[String]) -> Label {
        Label::new(
            self.source,
            self.positions.span(&self.original(path), true),
            "",
        )
    }

    /// The value of the node at `path`.
    pub fn value(&self, path: &[String]) -> Label {
        Label::new(
            self.source,
            self.positions.span(&self.original(path), false),
            "",
        )
    }

    /// The node at `path`, or an ancestor, was replaced after a shape error: what is there now
    /// is a placeholder, and an error about it would repeat or contradict the first.
    pub fn repaired(&self, path: &[String]) -> bool {
        self.repairs.is_some_and(|r| r.covers(&self.original(path)))
    }

    /// Something at or below `path` was removed or replaced after a shape error, so checks of
    /// its contents (emptiness, counts) would see a pruned value.
    pub fn repaired_within(&self, path: &[String]) -> bool {
        self.repairs
            .is_some_and(|r| r.touches(&self.original(path)))
    }
}

/// `["a", "b"]` as an owned path, for building paths from string literals and names.
#[macro_export]
macro_rules! spec_path {
    ($($segment:expr),* $(,)?) => {
        vec![$($segment.to_string()),*]
    };
}

pub fn load(path: &Path) -> Result<LoadedSpec, SpecError> {
    let source = source::read_text(path).map_err(SpecError::Read)?;
    let base_dir = path
        .parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    parse(source, base_dir)
}

/// Reads a spec: the YAML once (positions and document from one tree; serde_yaml only for
/// what the tree cannot say exactly as it would, see [`super::document`]), then its shape,
/// types and meaning. Every error found on the way is reported.
pub fn parse(source: SourceFile, base_dir: PathBuf) -> Result<LoadedSpec, SpecError> {
    // Bounded nesting first: everything after this (serde_yaml, the schema check, the
    // conversions below) recurses once per level.
    let (positions, tree) = match Positions::read(&source.text, MAX_DEPTH) {
        Ok(read) => read,
        Err(TooDeep { offset }) => return Err(too_deep(source, offset)),
    };
    let aside = set_aside_duplicates(&source.text, positions, tree);
    let mut diagnostics = duplicate_diagnostics(&source, &aside.entries);
    // What was set aside is not read, so not checked for secrets: hide what looks like one.
    let mut source = source;
    for entry in &aside.entries {
        let (first, _) = source.line_col(entry.start);
        let (last, _) = source.line_col(entry.end);
        for line in first..=last {
            redact_line_secrets(&mut source, line);
        }
    }
    let text = aside.text.as_deref().unwrap_or(&source.text);
    let read = aside.tree.and_then(|tree| document::from_tree(text, &tree));
    let document = match read.map_or_else(|| serde_yaml::from_str(text), Ok) {
        Ok(document) => document,
        Err(error) => {
            let diagnostic = yaml_syntax_error(&source, &error, &aside.positions);
            // No document, so no values: hide whatever looks like a secret on the lines the
            // code frame shows.
            for label in diagnostic.location.iter().chain(&diagnostic.related) {
                redact_line_secrets(&mut source, label.line);
            }
            diagnostics.push(diagnostic);
            return Err(invalid(source, diagnostics));
        }
    };
    if document.is_null() {
        let diagnostic = Diagnostic::error("empty-spec", "the spec is empty")
            .at(Label::new(&source, 0..0, ""))
            .with_help(
                "start with `version: 1` and `region: <aws-region>`; see specs/minimal.yaml",
            );
        return Err(invalid(source, vec![diagnostic]));
    }
    check(source, document, aside.positions, base_dir, diagnostics)
}

/// A spec that is not valid, with its diagnostics in file order.
fn invalid(source: SourceFile, mut diagnostics: Vec<Diagnostic>) -> SpecError {
    diagnostics.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
    SpecError::Invalid {
        source: Box::new(source),
        diagnostics,
    }
}

/// The one error of a document nested deeper than [`MAX_DEPTH`].
fn too_deep(mut source: SourceFile, offset: usize) -> SpecError {
    let diagnostic = Diagnostic::error(
        "too-deep",
        format!("mappings and lists are nested more than {MAX_DEPTH} levels deep here"),
    )
    .at(Label::new(&source, offset..offset, ""))
    .with_help(
        "a spec nests at most 7 levels; check the indentation and that every `[` and `{` is closed",
    );
    redact_line_secrets(
        &mut source,
        diagnostic.location.as_ref().map_or(1, |l| l.line),
    );
    invalid(source, vec![diagnostic])
}

/// A document with its repeated entries set aside.
struct SetAside {
    /// The repeated entries (key to end of value), last first.
    entries: Vec<Range<usize>>,
    /// The text with them blanked out, when there were any.
    text: Option<String>,
    positions: Positions,
    tree: Option<yaml::Document>,
}

/// A repeated key is reported where it is, and set aside so everything else is checked: the
/// document read from here on is the file with each repeated entry blanked out.
fn set_aside_duplicates(
    text: &str,
    mut positions: Positions,
    mut tree: Option<yaml::Document>,
) -> SetAside {
    let mut entries = Vec::new();
    let mut blanked: Option<String> = None;
    while entries.len() < MAX_DUPLICATES
        && let Some(entry) = positions.last_outer_duplicate()
    {
        entries.push(entry.clone());
        let blanked = blanked.get_or_insert_with(|| text.to_string());
        let end = entry_end(blanked, &entry);
        let spaces: String = blanked[entry.start..end]
            .chars()
            .map(|c| if c == '\n' || c == '\r' { c } else { ' ' })
            .collect();
        blanked.replace_range(entry.start..end, &spaces);
        (positions, tree) = Positions::read(blanked, MAX_DEPTH).unwrap_or_default();
    }
    SetAside {
        entries,
        text: blanked,
        positions,
        tree,
    }
}

/// Where a repeated entry ends in the text: a flow collection's span stops before its closing
/// bracket, so the bracket goes too, and in a flow mapping the `,` after the entry.
fn entry_end(text: &str, entry: &Range<usize>) -> usize {
    let mut end = entry.end;
    let slice = &text[entry.start..end];
    let mut open =
        slice.matches(['[', '{']).count() as isize - slice.matches([']', '}']).count() as isize;
    for (i, c) in text[end..].char_indices() {
        if open <= 0 || !(c.is_whitespace() || c == ']' || c == '}') {
            break;
        }
        if !c.is_whitespace() {
            open -= 1;
            end = entry.end + i + 1;
        }
    }
    let rest = &text[end..];
    if let Some(comma) = rest.find(|c: char| !c.is_whitespace())
        && rest[comma..].starts_with(',')
    {
        end += comma + 1;
    }
    end
}

fn duplicate_diagnostics(source: &SourceFile, entries: &[Range<usize>]) -> Vec<Diagnostic> {
    entries
        .iter()
        .map(|entry| {
            let key = source.text[entry.start..]
                .split(':')
                .next()
                .unwrap_or_default()
                .trim()
                .trim_matches(|c| c == '"' || c == '\'');
            let key = match crate::secret::find_secret(key) {
                Some(found) => crate::secret::mask(key, found.keep),
                None => shorten(key),
            };
            Diagnostic::error(
                "duplicate-key",
                format!(
                    "key `{key}` is repeated in this mapping; the first one is used and this one is ignored"
                ),
            )
            .at(Label::new(source, entry.start..entry.start, ""))
            .with_help("remove this entry, or merge it into the first one")
        })
        .collect()
}

/// Checks a document that YAML could read: inline secrets, its shape against the schema,
/// its types, then its meaning. `diagnostics` holds what was found before.
fn check(
    source: SourceFile,
    document: serde_yaml::Value,
    positions: Positions,
    base_dir: PathBuf,
    mut diagnostics: Vec<Diagnostic>,
) -> Result<LoadedSpec, SpecError> {
    let locator = Locator {
        source: &source,
        positions: &positions,
        repairs: None,
    };
    // Secrets are found before anything can return early, masked in the document before
    // anything quotes it, and in the source before any code frame shows it.
    let secrets = semantic::inline_secrets(&document, &locator);
    let redactions: Vec<_> = secrets
        .iter()
        .map(|secret| secret_span(&source, &positions, secret))
        .collect();
    let invalid = |mut source: SourceFile, mut diagnostics: Vec<Diagnostic>| {
        for (span, keep) in &redactions {
            source.redact(span.clone(), *keep);
        }
        for secret in &secrets {
            scrub(&mut diagnostics, &secret.secret, secret.keep);
        }
        for d in &mut diagnostics {
            shorten_quotes(&mut d.message);
            if let Some(help) = &mut d.help {
                shorten_quotes(help);
            }
            d.notes.iter_mut().for_each(shorten_quotes);
        }
        invalid(source, diagnostics)
    };
    diagnostics.extend(secrets.iter().map(|s| s.diagnostic.clone()));
    let mut instance = to_json(&document, &mut Vec::new(), &locator, &mut diagnostics);
    drop(document);
    if !instance.is_object() {
        diagnostics.push(
            Diagnostic::error("invalid-type", "a spec is a mapping of keys to values")
                .at(locator.value(&[]))
                .with_help(
                    "start with `version: 1` and `region: <aws-region>`; see specs/minimal.yaml",
                ),
        );
        return Err(invalid(source, diagnostics));
    }
    for secret in secrets.iter().filter(|s| !s.is_key) {
        if let Some(Value::String(value)) = node_mut(&mut instance, &secret.path) {
            *value = secret.masked.clone();
        }
    }
    match typed(instance, &locator, &mut diagnostics) {
        Some(spec) if diagnostics.is_empty() => Ok(LoadedSpec {
            spec,
            source,
            positions,
            base_dir,
        }),
        _ => Err(invalid(source, diagnostics)),
    }
}

/// The typed spec from its JSON form: the shape check first, which repairs what the schema
/// rejects (removed, or replaced by a placeholder the semantic checks know to skip), so the
/// semantic checks report their errors in the same run.
fn typed(
    mut instance: Value,
    locator: &Locator,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Spec> {
    let repairs = structure::check(schema::json_schema(), &mut instance, locator, diagnostics);
    let locator = Locator {
        repairs: Some(&repairs),
        ..*locator
    };
    match serde_json::from_value::<Spec>(instance) {
        Ok(spec) => {
            diagnostics.extend(semantic::check(&spec, &locator));
            Some(spec)
        }
        Err(error) => {
            if diagnostics.is_empty() {
                diagnostics.push(
                    Diagnostic::error("invalid-spec", error.to_string()).at(locator.value(&[])),
                );
            }
            None
        }
    }
}

/// Where a secret is in the source: the secret itself when the file spells it as the value
/// holds it, else the whole value (without quotes or a block scalar's indicator line).
fn secret_span(
    source: &SourceFile,
    positions: &Positions,
    secret: &semantic::InlineSecret,
) -> (std::ops::Range<usize>, usize) {
    let span = positions.span(&secret.path, secret.is_key);
    let raw = &source.text[span.clone()];
    if let Some(i) = raw.find(&secret.secret) {
        let start = span.start + i;
        return (start..start + secret.secret.len(), secret.keep);
    }
    let mut inner = span.clone();
    if raw.starts_with('|') || raw.starts_with('>') {
        inner.start += raw.find('\n').map_or(raw.len(), |i| i + 1);
    } else if raw.len() >= 2 && (raw.starts_with('"') || raw.starts_with('\'')) {
        inner = span.start + 1..span.end - 1;
    }
    (inner, secret.keep)
}

/// At most this many repeated keys are set aside; past them a file is reported as unreadable.
const MAX_DUPLICATES: usize = 50;

/// How many characters of a value a message quotes.
const QUOTE_CHARS: usize = 60;

/// `text`, cut to its first [`QUOTE_CHARS`] characters and `…` when it is longer.
pub fn shorten(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// Shortens every `quoted` part of a message longer than [`QUOTE_CHARS`] (a 5 MB value is
/// reported, not repeated).
fn shorten_quotes(text: &mut String) {
    if text.len() <= QUOTE_CHARS {
        return;
    }
    let mut out = String::with_capacity(text.len().min(4096));
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts are inside backticks; a message without quotes is cut as a whole.
        if i % 2 == 1 || part.len() > 10 * QUOTE_CHARS {
            out.push_str(&shorten(part));
        } else {
            out.push_str(part);
        }
    }
    *text = out;
}

/// Hides the secrets on one line of a file YAML could not read, word by word (quotes,
/// brackets, commas and spaces separate words).
fn redact_line_secrets(source: &mut SourceFile, line: usize) {
    let range = source.line_range(line);
    let text = source.text[range.clone()].to_string();
    let separator = |c: char| c.is_whitespace() || "\"'[]{},".contains(c);
    let mut at = 0;
    let mut after_secret_key = false;
    for word in text.split(separator) {
        let start = range.start + at;
        at += word.len() + 1;
        if word.is_empty() {
            continue;
        }
        if let Some(found) = crate::secret::find_secret(word) {
            let keep = found.keep;
            source.redact(start + found.range.start..start + found.range.end, keep);
        } else if after_secret_key {
            source.redact(start..start + word.len(), 0);
        }
        after_secret_key = word
            .strip_suffix(':')
            .is_some_and(crate::secret::is_secret_key_name);
    }
}

/// Masks a secret wherever a message, help or note quotes it, whole or cut short (values
/// are shortened in messages; 12 characters of a secret are as telling as all of it).
fn scrub(diagnostics: &mut [Diagnostic], secret: &str, keep: usize) {
    if secret.chars().count() < 3 {
        return;
    }
    let masked = crate::secret::mask(secret, keep);
    let prefix_len = secret
        .char_indices()
        .nth(12)
        .map_or(secret.len(), |(i, _)| i);
    let prefix = &secret[..prefix_len];
    let fix = |text: &mut String| {
        if !text.contains(prefix) {
            return;
        }
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(i) = rest.find(prefix) {
            out.push_str(&rest[..i]);
            out.push_str(&masked);
            let tail = &rest[i..];
            let matched: usize = tail
                .chars()
                .zip(secret.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a.len_utf8())
                .sum();
            rest = &tail[matched..];
        }
        out.push_str(rest);
        *text = out;
    };
    for d in diagnostics {
        fix(&mut d.message);
        if let Some(help) = &mut d.help {
            fix(help);
        }
        d.notes.iter_mut().for_each(fix);
    }
}

fn yaml_syntax_error(
    source: &SourceFile,
    error: &serde_yaml::Error,
    positions: &Positions,
) -> Diagnostic {
    let message = error.to_string();
    // libyaml counts characters, so go through line and column rather than its index.
    let offset_of = |line: usize, column: usize| {
        let line = source.line_range(line.max(1));
        let column = column.saturating_sub(1);
        source.text[line.clone()]
            .char_indices()
            .nth(column)
            .map_or(line.end, |(i, _)| line.start + i)
    };
    // serde_yaml places a duplicate key at its mapping; the position index knows the key.
    let duplicate = positions
        .duplicate_keys()
        .next()
        .map(|span| span.start)
        .filter(|_| message.starts_with("duplicate entry"));
    // "did not find expected ',' or ']' at line 3 column 1, while parsing a flow sequence at
    // line 2 column 9": where the problem was noticed, and what was being read (and from where).
    let (problem, context) = match message.split_once(", while ") {
        Some((problem, context)) => (problem, Some(context)),
        None => (message.as_str(), None),
    };
    let context_mark = context.and_then(|c| {
        let (_, place) = c.split_once(" at line ")?;
        let (line, column) = place.split_once(" column ")?;
        Some((
            line.trim().parse::<usize>().ok()?,
            column.trim().parse::<usize>().ok()?,
        ))
    });
    let problem_offset = error.location().map(|l| offset_of(l.line(), l.column()));
    // A bracket never closed is noticed only at the next key or the end of the file, often on
    // an empty line; the opening bracket is the useful place then.
    let noticed_on_blank_line = problem_offset.is_none_or(|o| {
        let (line, _) = source.line_col(o);
        source.text[source.line_range(line)].trim().is_empty()
    });
    let flow = what_is_flow(context);
    let noticed_on_another_line = match (context_mark, problem_offset) {
        (Some((line, _)), Some(o)) => source.line_col(o).0 != line,
        _ => true,
    };
    let context_offset = context_mark
        .filter(|_| noticed_on_blank_line || (flow && noticed_on_another_line))
        .map(|(line, column)| offset_of(line, column));
    let offset = duplicate.or(context_offset).or(problem_offset).unwrap_or(0);
    // serde_yaml appends " at line L column C" itself; the label carries the place.
    let mut text = problem
        .split(" at line ")
        .next()
        .unwrap_or(problem)
        .to_string();
    if let Some(context) = context {
        let what = context.split(" at line ").next().unwrap_or(context);
        text.push_str(&format!(" (while {what})"));
    }
    let code = if message.starts_with("duplicate entry") {
        "duplicate-key"
    } else {
        "yaml-syntax"
    };
    let help = if context_offset.is_some() && flow {
        "this `[` or `{` is never closed: add the closing bracket (or a missing `,`), or remove this one"
    } else {
        "fix the YAML syntax here; indentation and `:` spacing are the usual causes"
    };
    let mut diagnostic = Diagnostic::error(code, format!("invalid YAML: {text}"))
        .at(Label::new(source, offset..offset, ""))
        .with_help(help);
    if let (Some(_), Some(noticed)) = (context_offset, problem_offset)
        && noticed != offset
    {
        diagnostic = diagnostic.with_related(Label::new(source, noticed..noticed, "noticed here"));
    }
    diagnostic
}

fn what_is_flow(context: Option<&str>) -> bool {
    context.is_some_and(|c| c.contains("flow sequence") || c.contains("flow mapping"))
}

/// serde_yaml's document as JSON for the schema check. YAML features a spec has no use for
/// (non-string keys, tags) are reported rather than guessed at.
fn to_json(
    value: &serde_yaml::Value,
    path: &mut Vec<String>,
    locator: &Locator,
    diagnostics: &mut Vec<Diagnostic>,
) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    path.push(i.to_string());
                    let v = to_json(item, path, locator, diagnostics);
                    path.pop();
                    v
                })
                .collect(),
        ),
        Y::Mapping(map) => {
            let mut object = serde_json::Map::new();
            for (key, item) in map {
                let key = match key {
                    Y::String(s) => s.clone(),
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    _ => {
                        diagnostics.push(
                            Diagnostic::error("invalid-key", "mapping keys must be plain strings")
                                .at(locator.value(path)),
                        );
                        continue;
                    }
                };
                path.push(key.clone());
                let v = to_json(item, path, locator, diagnostics);
                path.pop();
                object.insert(key, v);
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => {
            diagnostics.push(
                Diagnostic::error(
                    "yaml-tag",
                    format!(
                        "YAML tags like `{}` are not supported in a spec",
                        tagged.tag
                    ),
                )
                .at(locator.value(path))
                .with_help("remove the tag and write the plain value"),
            );
            Value::Null
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "version: 1\nregion: eu-west-1\n";

    fn errors(text: &str) -> Vec<Diagnostic> {
        match parse(SourceFile::new("s.yaml", text), PathBuf::from(".")) {
            Ok(_) => Vec::new(),
            Err(SpecError::Invalid { diagnostics, .. }) => diagnostics,
            Err(e) => panic!("{e}"),
        }
    }

    /// The diagnostics of an invalid spec, and their code frames.
    fn rendered(text: &str) -> (Vec<Diagnostic>, String) {
        match parse(SourceFile::new("s.yaml", text), PathBuf::from(".")) {
            Err(SpecError::Invalid {
                source,
                diagnostics,
            }) => {
                let frames = crate::render::diagnostics::human(&diagnostics, &[&source], false);
                (diagnostics, frames)
            }
            _ => panic!("invalid spec expected"),
        }
    }

    #[test]
    fn minimal_spec_is_valid() {
        assert!(errors("version: 1\nregion: eu-west-1\n").is_empty());
    }

    #[test]
    fn enum_values_are_case_insensitive() {
        let text = "version: 1\nregion: eu-west-1\nconfiguration_sets:\n  tx: {tls: require, suppression: [bounce, Complaint]}\n";
        let loaded = parse(SourceFile::new("s.yaml", text), PathBuf::from(".")).unwrap();
        let set = &loaded.spec.configuration_sets["tx"];
        assert_eq!(set.tls, Some(crate::spec::model::TlsPolicy::Require));
        assert_eq!(set.suppression.as_ref().map(Vec::len), Some(2));
        // A value that is not an option in any case is still an error, with a suggestion.
        let e = errors(&text.replace("require", "requird"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].help.iter().any(|h| h.contains("REQUIRE")), "{e:?}");
    }

    #[test]
    fn syntax_error_has_a_line() {
        let found = errors("version: 1\nregion: [eu-west-1\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "yaml-syntax");
        assert!(found[0].location.as_ref().unwrap().line >= 2);
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let found = errors("version: 1\nregion: eu-west-1\nregion: eu-west-2\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, "duplicate-key");
        assert_eq!(found[0].location.as_ref().unwrap().line, 3);
        assert!(
            found[0].message.contains("the first one is used"),
            "{found:?}"
        );
    }

    #[test]
    fn every_duplicate_key_is_reported_at_its_line_with_the_other_errors() {
        let text = "version: 1\nregion: eu-west-1\nstack: bad name\nidentities:\n  a.com: {}\n  a.com:\n    dkim: {easy: true}\nconfiguration_sets: {tx: {}, tx: {}, ty: {}}\nsmtp_users:\n  u: {allow_from: ['*'], allow_from: []}\nregion: us-east-1\n";
        let found = errors(text);
        let got: Vec<(&str, usize)> = found
            .iter()
            .map(|d| (d.code.as_str(), d.location.as_ref().unwrap().line))
            .collect();
        assert_eq!(
            got,
            [
                ("invalid-name", 3),
                ("duplicate-key", 6),
                ("duplicate-key", 8),
                ("duplicate-key", 10),
                ("duplicate-key", 11),
            ],
            "{found:#?}"
        );
    }

    #[test]
    fn secrets_in_an_ignored_duplicate_are_hidden() {
        let text =
            format!("{HEADER}tags:\n  a: x\n  a: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
        let found = assert_hidden(&text, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        assert!(found.iter().any(|d| d.code == "duplicate-key"), "{found:?}");
    }

    #[test]
    fn aws_name_rules() {
        let cases = [
            (
                "smtp_users:\n  Admin: {allow_from: ['*']}\n  admin: {allow_from: ['*']}\n",
                "duplicate-name",
                5,
            ),
            (
                "identities:\n  Example.com: {}\n  example.com: {}\n",
                "duplicate-name",
                5,
            ),
            (
                "configuration_sets:\n  tx:\n    event_destinations:\n      cw:\n        events: [SEND]\n        cloudwatch:\n          dimensions:\n            - {name: bad name!, source: MESSAGE_TAG, default_value: x}\n",
                "invalid-value",
                10,
            ),
            (
                "configuration_sets:\n  tx:\n    event_destinations:\n      cw:\n        events: [SEND]\n        cloudwatch:\n          dimensions:\n            - {name: ses:configuration-set, source: MESSAGE_TAG, default_value: ''}\n",
                "invalid-value",
                10,
            ),
            (
                "configuration_sets:\n  tx:\n    event_destinations:\n      t:\n        events: [SEND]\n        sns_topic: arn:aws:sns:eu-west-1:123456789012:t.fifo\n",
                "invalid-arn",
                8,
            ),
            (
                "identities:\n  example.com:\n    dkim:\n      byodkim: {selector: s1, private_key: {env: not a var}}\n",
                "invalid-secret-source",
                6,
            ),
        ];
        for (body, code, line) in cases {
            let found = errors(&format!("{HEADER}{body}"));
            let got: Vec<(&str, usize)> = found
                .iter()
                .map(|d| (d.code.as_str(), d.location.as_ref().unwrap().line))
                .collect();
            assert_eq!(got, [(code, line)], "{body}\n{found:#?}");
        }
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let text = format!("{HEADER}stack: '{}'\n", "x y".repeat(100_000));
        let (found, frames) = rendered(&text);
        assert_eq!(found[0].code, "invalid-name");
        assert!(found[0].message.len() < 200, "{}", found[0].message.len());
        assert!(found[0].message.contains("…"), "{}", found[0].message);
        assert!(frames.len() < 2000, "{}", frames.len());
    }

    #[test]
    fn deep_nesting_is_one_positioned_error() {
        let found = errors(&format!("{}x\n", "- ".repeat(10_000)));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "too-deep");
        let location = found[0].location.as_ref().unwrap();
        assert_eq!((location.line, location.column), (1, 2 * MAX_DEPTH + 1));
    }

    #[test]
    fn secrets_are_masked_in_messages_and_frames() {
        let text = "version: 1\nregion: eu-west-1\nconfiguration_sets:\n  tx:\n    tls: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
        let (diagnostics, rendered) = rendered(text);
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["inline-secret", "invalid-value"]);
        assert!(rendered.contains("wJal…(redacted)"), "{rendered}");
        assert!(!rendered.contains("XUtnFEMI"), "{rendered}");
        let json = crate::render::validate::json(&diagnostics, &[]);
        assert!(!json.contains("XUtnFEMI"), "{json}");
    }

    /// Neither the frames nor the JSON of `text` show `secret` (in whole or its tail).
    fn assert_hidden(text: &str, secret: &str) -> Vec<Diagnostic> {
        let (diagnostics, frames) = rendered(text);
        let json = crate::render::validate::json(&diagnostics, &[]);
        let tail = &secret[secret.len() - 8..];
        assert!(!frames.contains(tail), "{frames}");
        assert!(!json.contains(tail), "{json}");
        diagnostics
    }

    #[test]
    fn secrets_in_documents_that_are_not_mappings_are_masked() {
        let smtp = "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2";
        let found = assert_hidden(&format!("- {smtp}\n"), smtp);
        let codes: Vec<&str> = found.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["invalid-type", "inline-secret"]);
        assert_hidden("- https://u:hunter2pass@x\n", "hunter2pass");
        assert_hidden("https://u:hunter2pass@x\n", "hunter2pass");
    }

    #[test]
    fn secrets_on_a_line_nested_too_deep_are_hidden() {
        let smtp = "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2";
        let found = assert_hidden(&format!("{}[{smtp}]\n", "- ".repeat(100)), smtp);
        assert_eq!(found[0].code, "too-deep");
        let found = assert_hidden(
            &format!("{}[{{password: hunter2pass}}]\n", "- ".repeat(100)),
            "hunter2pass",
        );
        assert_eq!(found[0].code, "too-deep");
    }

    #[test]
    fn secrets_as_keys_are_masked_in_messages_and_frames() {
        let smtp = "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2";
        let aws = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        for text in [
            format!("{HEADER}configuration_sets:\n  {smtp}: {{}}\n"),
            format!("{HEADER}smtp_users:\n  {aws}: {{allow_from: ['*']}}\n"),
            format!("{HEADER}sns_topics:\n  {smtp}: {{}}\n"),
            format!("{HEADER}tags:\n  {aws}: x\n"),
            format!("{HEADER}{smtp}: 1\n"),
        ] {
            let secret = if text.contains(smtp) { smtp } else { aws };
            let found = assert_hidden(&text, secret);
            assert!(found.iter().any(|d| d.code == "inline-secret"), "{found:?}");
            let line = found
                .iter()
                .find(|d| d.code == "inline-secret")
                .and_then(|d| d.location.as_ref())
                .map(|l| l.line);
            assert_eq!(line, Some(text.lines().count()), "{text}");
        }
    }

    #[test]
    fn values_under_secret_named_keys_are_secrets() {
        for text in [
            format!("{HEADER}password: hunter2pass\n"),
            format!("{HEADER}configuration_sets:\n  tx:\n    API_KEY: hunter2pass\n"),
            format!(
                "{HEADER}smtp_users:\n  u:\n    allow_from: ['*']\n    smtpPasswd: \"hunter2pass\"\n"
            ),
        ] {
            let found = assert_hidden(&text, "hunter2pass");
            assert!(found.iter().any(|d| d.code == "inline-secret"), "{found:?}");
        }
        // A variable name for the password is not the password.
        let text = format!(
            "{HEADER}smtp_users:\n  u:\n    allow_from: ['*']\n    credentials: {{dotenv: .env, keys: {{password: SES_PASS}}}}\n"
        );
        assert!(errors(&text).is_empty(), "{:?}", errors(&text));
    }

    #[test]
    fn secrets_on_a_line_yaml_cannot_read_are_hidden() {
        let text = "version: 1\nregion: eu-west-1\ntags: [x, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, : :\n";
        let (diagnostics, rendered) = rendered(text);
        assert_eq!(diagnostics[0].code, "yaml-syntax");
        assert!(rendered.contains("wJal…(redacted)"), "{rendered}");
        assert!(!rendered.contains("XUtnFEMI"), "{rendered}");
    }

    #[test]
    fn url_passwords_are_found_and_plain_urls_are_not() {
        let found = |s: &str| crate::secret::find_secret(s).map(|f| s[f.range].to_string());
        assert_eq!(
            found("https://u:pw12@h.example.com/x").as_deref(),
            Some("pw12")
        );
        assert_eq!(found("see http://a:b@c").as_deref(), Some("b"));
        assert_eq!(found("https://user@h.example.com/x:y@z"), None);
        assert_eq!(found("https://h.example.com:8443/ses"), None);
        assert_eq!(found("noreply@example.com"), None);
    }

    #[test]
    fn empty_and_scalar_documents() {
        assert_eq!(errors("")[0].code, "empty-spec");
        assert_eq!(errors("# only a comment\n")[0].code, "empty-spec");
        assert_eq!(errors("just text")[0].code, "invalid-type");
    }
}
