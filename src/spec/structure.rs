//! Shape checks: the document against the spec's JSON Schema, every violation reported with
//! its place and, for misspelled keys and values, a "did you mean".

use std::cmp::Ordering;
use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::load::Locator;
use super::names::suggest;
use crate::diagnostic::Diagnostic;

/// Checks `instance` against `schema`, appends a diagnostic per violation, and removes the
/// offending nodes from `instance` so the rest can still be deserialized and checked.
pub fn check(
    schema: &'static Value,
    instance: &mut Value,
    locator: &Locator,
    diagnostics: &mut Vec<Diagnostic>,
) {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        jsonschema::validator_for(schema).expect("the generated spec schema is a valid schema")
    });

    let mut removals: Vec<Vec<String>> = Vec::new();
    for error in validator.iter_errors(instance) {
        let path = pointer_segments(error.instance_path().as_str());
        let here = path
            .last()
            .map_or("the spec".to_string(), |k| format!("`{k}`"));
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
                    removals.push(key_path);
                }
                continue;
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let mut missing = path.clone();
                missing.push(name.to_string());
                Diagnostic::error(
                    "missing-key",
                    format!("missing required key `{name}` in {}", describe(&path)),
                )
                .at(locator.key(&missing))
                .with_help(format!("add `{name}:` here; `sesform schema` documents it"))
            }
            ValidationErrorKind::Enum { options } => {
                let options: Vec<&str> = options
                    .as_array()
                    .map(|o| o.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
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
            _ => Diagnostic::error("invalid-value", format!("{here}: {error}"))
                .at(locator.value(&path)),
        };
        diagnostics.push(diagnostic);
        if !path.is_empty() {
            removals.push(path);
        }
    }

    // Children before parents, later array items before earlier ones, so removals never shift
    // the indices of those still to come.
    removals.sort_by(|a, b| compare_paths(b, a));
    removals.dedup();
    for path in removals {
        remove(instance, &path);
    }
}

fn describe(path: &[String]) -> String {
    match path {
        [] => "the spec".into(),
        _ => format!("`{}`", path.join(".")),
    }
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
    let mut node = resolve(schema, schema);
    for segment in path {
        let next = node
            .get("properties")
            .and_then(|p| p.get(segment))
            .or_else(|| node.get("additionalProperties").filter(|v| v.is_object()))
            .or_else(|| node.get("items"));
        match next {
            Some(next) => node = resolve(schema, next),
            None => return Vec::new(),
        }
    }
    node.get("properties")
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

fn remove(instance: &mut Value, path: &[String]) {
    let Some((last, parent_path)) = path.split_last() else {
        return;
    };
    let mut node = instance;
    for segment in parent_path {
        node = match node {
            Value::Object(map) => match map.get_mut(segment) {
                Some(v) => v,
                None => return,
            },
            Value::Array(items) => {
                match segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    Some(v) => v,
                    None => return,
                }
            }
            _ => return,
        };
    }
    match node {
        Value::Object(map) => {
            map.shift_remove(last);
        }
        Value::Array(items) => {
            if let Ok(i) = last.parse::<usize>()
                && i < items.len()
            {
                items.remove(i);
            }
        }
        _ => {}
    }
}
