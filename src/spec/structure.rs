//! Shape checks: the document against the spec's JSON Schema, every violation reported with
//! its place and, for misspelled keys and values, a "did you mean".

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::load::Locator;
use super::names::suggest;
use crate::diagnostic::Diagnostic;

/// What the shape check changed in the instance so the typed spec can still be built: the
/// semantic checks use it to skip what they would only misreport, and to point at list items
/// by their index in the file, not in the pruned list.
#[derive(Debug, Default, Clone)]
pub struct Repairs {
    /// Nodes (in the file's coordinates) whose value was removed or replaced by a placeholder,
    /// because a diagnostic already explains them.
    pub tainted: Vec<Vec<String>>,
    /// For each list (file coordinates), the indices of the items removed from it, ascending.
    pub removed_items: BTreeMap<Vec<String>, Vec<usize>>,
}

impl Repairs {
    /// The node at `path` (file coordinates), or one of its ancestors, was repaired.
    pub fn covers(&self, path: &[String]) -> bool {
        self.tainted.iter().any(|t| path.starts_with(t))
    }

    /// Something at or below `path` (file coordinates) was repaired.
    pub fn touches(&self, path: &[String]) -> bool {
        self.tainted
            .iter()
            .any(|t| path.starts_with(t) || t.starts_with(path))
            || self.removed_items.keys().any(|l| l.starts_with(path))
    }

    /// Maps a path into the repaired instance back to the file's coordinates.
    pub fn original(&self, path: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(path.len());
        for segment in path {
            let mapped = match (self.removed_items.get(&out), segment.parse::<usize>()) {
                (Some(removed), Ok(mut index)) => {
                    // The index-th survivor: step over every removed index at or below it.
                    for r in removed {
                        if *r <= index {
                            index += 1;
                        }
                    }
                    index.to_string()
                }
                _ => segment.clone(),
            };
            out.push(mapped);
        }
        out
    }
}

enum Fix {
    /// An unknown key: drop it.
    Drop(Vec<String>),
    /// A node the schema rejected: remove it if it may be absent, else put a placeholder.
    Invalid(Vec<String>),
    /// A missing required key: put a placeholder.
    Missing(Vec<String>),
    /// An enum value written in another case: the canonical spelling.
    Spell(Vec<String>, String),
}

impl Fix {
    fn path(&self) -> &[String] {
        match self {
            Fix::Drop(p) | Fix::Invalid(p) | Fix::Missing(p) | Fix::Spell(p, _) => p,
        }
    }
}

/// Checks `instance` against `schema`, appends a diagnostic per violation, and repairs
/// `instance` (removing or replacing what was rejected, filling in missing required keys) so
/// the rest can still be deserialized and checked.
pub fn check(
    schema: &'static Value,
    instance: &mut Value,
    locator: &Locator,
    diagnostics: &mut Vec<Diagnostic>,
) -> Repairs {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        jsonschema::validator_for(schema).expect("the generated spec schema is a valid schema")
    });

    let errors: Vec<_> = validator.iter_errors(instance).collect();
    // A misspelled key whose suggestion is a missing required key is one mistake, reported once
    // as the unknown key.
    let mut suggested: BTreeSet<Vec<String>> = BTreeSet::new();
    for error in &errors {
        if let ValidationErrorKind::AdditionalProperties { unexpected } = error.kind() {
            let path = pointer_segments(error.instance_path().as_str());
            let allowed = allowed_keys(schema, &path);
            for key in unexpected {
                if let Some(s) = suggest(key, allowed.iter().map(String::as_str)) {
                    let mut p = path.clone();
                    p.push(s.to_string());
                    suggested.insert(p);
                }
            }
        }
    }

    let mut fixes: Vec<Fix> = Vec::new();
    for error in &errors {
        let path = pointer_segments(error.instance_path().as_str());
        let here = name_of(&path);
        let diagnostic = match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for key in unexpected {
                    let mut key_path = path.clone();
                    key_path.push(key.clone());
                    let allowed = allowed_keys(schema, &path);
                    let mut d = Diagnostic::error(
                        "unknown-key",
                        format!("unknown key `{key}` in {}", describe(&path)),
                    )
                    .at(locator.key(&key_path));
                    d = match suggest(key, allowed.iter().map(String::as_str)) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None if !allowed.is_empty() => {
                            d.with_help(format!("expected one of: {}", allowed.join(", ")))
                        }
                        None => d,
                    };
                    diagnostics.push(d);
                    fixes.push(Fix::Drop(key_path));
                }
                continue;
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let mut missing = path.clone();
                missing.push(name.to_string());
                if !suggested.contains(&missing) {
                    diagnostics.push(
                        Diagnostic::error(
                            "missing-key",
                            format!("missing required key `{name}` in {}", describe(&path)),
                        )
                        .at(locator.key(&missing))
                        .with_help(format!("add `{name}:` here; `sesform schema` documents it")),
                    );
                }
                fixes.push(Fix::Missing(missing));
                continue;
            }
            ValidationErrorKind::Enum { options } => {
                let options: Vec<&str> = options
                    .as_array()
                    .map(|o| o.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                // Enum values are case-insensitive: `require` is `REQUIRE`.
                if let Some(canonical) = error
                    .instance()
                    .as_str()
                    .and_then(|v| options.iter().find(|o| o.eq_ignore_ascii_case(v)))
                {
                    fixes.push(Fix::Spell(path, canonical.to_string()));
                    continue;
                }
                let found = short(error.instance());
                let d = Diagnostic::error(
                    "invalid-value",
                    format!("{found} is not a valid value for {here}"),
                )
                .at(locator.value(&path));
                match error
                    .instance()
                    .as_str()
                    .and_then(|v| suggest(v, options.iter().copied()))
                {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!("expected one of: {}", options.join(", "))),
                }
            }
            ValidationErrorKind::Type { kind } => Diagnostic::error(
                "invalid-type",
                format!(
                    "{here} must be {}, not {}",
                    expected_type(kind),
                    json_type(error.instance())
                ),
            )
            .at(locator.value(&path))
            .with_help(type_help(error.instance())),
            // A value of several shapes (`all` or a list): say which, from the schema's own words.
            ValidationErrorKind::AnyOf { .. } => {
                let d = Diagnostic::error(
                    "invalid-value",
                    format!(
                        "{} is not a valid value for {here}",
                        short(error.instance())
                    ),
                )
                .at(locator.value(&path));
                match schema_at(schema, &path)
                    .and_then(|s| s.get("description"))
                    .and_then(Value::as_str)
                {
                    Some(expected) => {
                        d.with_help(format!("expected {}", expected.trim_end_matches('.')))
                    }
                    None => d,
                }
            }
            _ => Diagnostic::error("invalid-value", format!("{here}: {error}"))
                .at(locator.value(&path)),
        };
        diagnostics.push(diagnostic);
        if !path.is_empty() {
            fixes.push(Fix::Invalid(path));
        }
    }
    repair(schema, instance, fixes)
}

/// Applies the fixes children first and later list items before earlier ones, so every path
/// (all in the file's coordinates) still names the node it was computed for.
fn repair(schema: &Value, instance: &mut Value, mut fixes: Vec<Fix>) -> Repairs {
    fixes.sort_by(|a, b| compare_paths(b.path(), a.path()));
    let mut repairs = Repairs::default();
    let mut done: BTreeSet<Vec<String>> = BTreeSet::new();
    for fix in fixes {
        let path = fix.path().to_vec();
        if !done.insert(path.clone()) || repairs.covers(&path[..path.len().saturating_sub(1)]) {
            // Already fixed, or inside a node that was itself replaced.
            continue;
        }
        let Some((last, parent_path)) = path.split_last() else {
            continue;
        };
        let parent_schema = schema_at(schema, parent_path);
        let required = parent_schema
            .and_then(|s| s.get("required"))
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|k| k == last.as_str()));
        let named_entry = parent_schema
            .is_some_and(|s| s.get("additionalProperties").is_some_and(Value::is_object));
        let Some(parent) = node_mut(instance, parent_path) else {
            continue;
        };
        match (fix, parent) {
            (Fix::Spell(_, canonical), parent) => {
                if let Some(node) = node_mut(parent, std::slice::from_ref(last)) {
                    *node = Value::from(canonical);
                }
            }
            (Fix::Drop(_), Value::Object(map)) => {
                map.shift_remove(last);
            }
            (Fix::Invalid(_), Value::Array(items)) => {
                if let Ok(i) = last.parse::<usize>()
                    && i < items.len()
                {
                    items.remove(i);
                    let removed = repairs
                        .removed_items
                        .entry(parent_path.to_vec())
                        .or_default();
                    removed.insert(0, i);
                }
            }
            (Fix::Invalid(_) | Fix::Missing(_), Value::Object(map)) => {
                // A required key or a named entry (which references may point at) keeps a
                // placeholder; an optional key is simply unset.
                if required || named_entry {
                    let value =
                        schema_at(schema, &path).map_or(Value::Null, |s| placeholder(schema, s));
                    map.insert(last.clone(), value);
                } else {
                    map.shift_remove(last);
                }
                repairs.tainted.push(path);
            }
            _ => {}
        }
    }
    repairs
}

/// The schema of the node at `path`, following `$ref`s.
fn schema_at<'a>(root: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut node = resolve(root, root);
    for segment in path {
        let next = node
            .get("properties")
            .and_then(|p| p.get(segment))
            .or_else(|| node.get("additionalProperties").filter(|v| v.is_object()))
            .or_else(|| node.get("items"))?;
        node = resolve(root, next);
    }
    Some(node)
}

/// The simplest value that satisfies `node`: the first allowed value, an empty string or list,
/// or a mapping of placeholders for its required keys.
fn placeholder(root: &Value, node: &Value) -> Value {
    let node = resolve(root, node);
    if let Some(first) = node
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    let kind = match node.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(types)) => types.first().and_then(Value::as_str).unwrap_or(""),
        _ => "",
    };
    match kind {
        "object" => {
            let mut map = serde_json::Map::new();
            let required = node.get("required").and_then(Value::as_array);
            for key in required.into_iter().flatten().filter_map(Value::as_str) {
                let child = node
                    .get("properties")
                    .and_then(|p| p.get(key))
                    .map_or(Value::Null, |s| placeholder(root, s));
                map.insert(key.to_string(), child);
            }
            Value::Object(map)
        }
        "array" => Value::Array(Vec::new()),
        "string" => Value::String(String::new()),
        "integer" | "number" => Value::from(0),
        "boolean" => Value::Bool(false),
        _ => Value::Null,
    }
}

pub(super) fn node_mut<'a>(instance: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    let mut node = instance;
    for segment in path {
        node = match node {
            Value::Object(map) => map.get_mut(segment)?,
            Value::Array(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// How a message names the node at `path`: its key, with the index for list items
/// (`events[0]`).
fn name_of(path: &[String]) -> String {
    let keyed = path.iter().rposition(|s| s.parse::<usize>().is_err());
    match keyed {
        None if path.is_empty() => "the spec".to_string(),
        None => format!("item {}", path.join(".")),
        Some(k) => {
            let mut name = path[k].clone();
            for index in &path[k + 1..] {
                name.push_str(&format!("[{index}]"));
            }
            format!("`{name}`")
        }
    }
}

/// A whole path for messages: `sns_topics.events.subscriptions[0]`.
fn describe(path: &[String]) -> String {
    if path.is_empty() {
        return "the spec".into();
    }
    let mut text = String::new();
    for segment in path {
        if segment.parse::<usize>().is_ok() {
            text.push_str(&format!("[{segment}]"));
        } else {
            if !text.is_empty() {
                text.push('.');
            }
            text.push_str(segment);
        }
    }
    format!("`{text}`")
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 40 {
        format!("{}...", &text[..text.floor_char_boundary(40)])
    } else {
        text
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null (an empty value)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn expected_type(kind: &jsonschema::error::TypeKind) -> String {
    let name = |t: String| match t.as_str() {
        "object" => "a mapping".to_string(),
        "array" => "a list".to_string(),
        "integer" => "a whole number".to_string(),
        other => format!("a {other}"),
    };
    match kind {
        jsonschema::error::TypeKind::Single(t) => name(t.to_string()),
        jsonschema::error::TypeKind::Multiple(set) => set
            .iter()
            .map(|t| name(t.to_string()))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn type_help(found: &Value) -> String {
    match found {
        Value::Null => "write a value after the `:`, or remove the key".into(),
        Value::Number(_) | Value::Bool(_) => {
            "quote it if you meant text, e.g. `\"123\"` or `\"yes\"`".into()
        }
        _ => "`sesform schema` documents the expected shape".into(),
    }
}

/// RFC 6901 pointer -> segments.
fn pointer_segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Property names the schema allows for the object at `path`.
fn allowed_keys(schema: &Value, path: &[String]) -> Vec<String> {
    schema_at(schema, path)
        .and_then(|node| node.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
            .map_or(node, |target| resolve(root, target)),
        None => node,
    }
}

fn compare_paths(a: &[String], b: &[String]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let ord = match (x.parse::<usize>(), y.parse::<usize>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.len().cmp(&b.len())
}
