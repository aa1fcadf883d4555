//! Loading a spec: read the file, parse the YAML, check its shape against the JSON Schema,
//! deserialize the typed [`Spec`], then check what the schema cannot say (references, AWS
//! naming rules, inline secrets). Every error found on the way is reported, not just the first.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::model::Spec;
use super::positions::Positions;
use super::{schema, semantic, structure};
use crate::diagnostic::{Diagnostic, Label};
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

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Read(e) => e.fmt(f),
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
}

impl Locator<'_> {
    /// The key of the node at `path` (or the nearest ancestor's, when it is missing).
    pub fn key(&self, path: &[String]) -> Label {
        Label::new(self.source, self.positions.span(path, true), "")
    }

    /// The value of the node at `path`.
    pub fn value(&self, path: &[String]) -> Label {
        Label::new(self.source, self.positions.span(path, false), "")
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

pub fn parse(source: SourceFile, base_dir: PathBuf) -> Result<LoadedSpec, SpecError> {
    let invalid = |source: SourceFile, mut diagnostics: Vec<Diagnostic>| {
        diagnostics.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
        SpecError::Invalid {
            source: Box::new(source),
            diagnostics,
        }
    };
    let document: serde_yaml::Value = match serde_yaml::from_str(&source.text) {
        Ok(document) => document,
        Err(error) => {
            let diagnostic = yaml_syntax_error(&source, &error, &Positions::index(&source.text));
            return Err(invalid(source, vec![diagnostic]));
        }
    };
    let positions = Positions::index(&source.text);
    let locator = Locator {
        source: &source,
        positions: &positions,
    };
    if document.is_null() {
        let diagnostic = Diagnostic::error("empty-spec", "the spec is empty")
            .at(Label::new(&source, 0..0, ""))
            .with_help(
                "start with `version: 1` and `region: <aws-region>`; see specs/minimal.yaml",
            );
        return Err(invalid(source, vec![diagnostic]));
    }

    let mut diagnostics = Vec::new();
    let mut instance = to_json(&document, &mut Vec::new(), &locator, &mut diagnostics);
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
    structure::check(
        schema::json_schema(),
        &mut instance,
        &locator,
        &mut diagnostics,
    );
    diagnostics.extend(semantic::inline_secrets(&document, &locator));

    // What the schema rejected has been pruned; what remains may still deserialize, so the
    // semantic checks can report their errors in the same run.
    match serde_json::from_value::<Spec>(instance) {
        Ok(spec) => {
            diagnostics.extend(semantic::check(&spec, &locator));
            if diagnostics.is_empty() {
                Ok(LoadedSpec {
                    spec,
                    source,
                    positions,
                    base_dir,
                })
            } else {
                Err(invalid(source, diagnostics))
            }
        }
        Err(error) => {
            if diagnostics.is_empty() {
                diagnostics.push(
                    Diagnostic::error("invalid-spec", error.to_string()).at(locator.value(&[])),
                );
            }
            Err(invalid(source, diagnostics))
        }
    }
}

fn yaml_syntax_error(
    source: &SourceFile,
    error: &serde_yaml::Error,
    positions: &Positions,
) -> Diagnostic {
    let message = error.to_string();
    // serde_yaml places a duplicate key at its mapping; the position index knows the key.
    let duplicate = positions
        .duplicate_keys()
        .first()
        .map(|span| span.start)
        .filter(|_| message.starts_with("duplicate entry"));
    // libyaml counts characters, so go through line and column rather than its index.
    let offset = duplicate
        .or_else(|| {
            let location = error.location()?;
            let line = source.line_range(location.line().max(1));
            let column = location.column().saturating_sub(1);
            Some(
                source.text[line.clone()]
                    .char_indices()
                    .nth(column)
                    .map_or(line.end, |(i, _)| line.start + i),
            )
        })
        .unwrap_or(0);
    // serde_yaml appends " at line L column C" itself; the label carries the place.
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    let code = if message.starts_with("duplicate entry") {
        "duplicate-key"
    } else {
        "yaml-syntax"
    };
    Diagnostic::error(code, format!("invalid YAML: {message}"))
        .at(Label::new(source, offset..offset, ""))
        .with_help("fix the YAML syntax here; indentation and `:` spacing are the usual causes")
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

    fn errors(text: &str) -> Vec<Diagnostic> {
        match parse(SourceFile::new("s.yaml", text), PathBuf::from(".")) {
            Ok(_) => Vec::new(),
            Err(SpecError::Invalid { diagnostics, .. }) => diagnostics,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn minimal_spec_is_valid() {
        assert!(errors("version: 1\nregion: eu-west-1\n").is_empty());
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
        assert_eq!(found[0].code, "duplicate-key");
        assert_eq!(found[0].location.as_ref().unwrap().line, 3);
    }

    #[test]
    fn empty_and_scalar_documents() {
        assert_eq!(errors("")[0].code, "empty-spec");
        assert_eq!(errors("# only a comment\n")[0].code, "empty-spec");
        assert_eq!(errors("just text")[0].code, "invalid-type");
    }
}
