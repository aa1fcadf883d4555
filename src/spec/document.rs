//! The spec's document as serde_yaml would read it, built from the tree the shared YAML reader
//! already made for positions ([`crate::formats::yaml`]), so a spec is parsed once.
//!
//! Plain scalars resolve exactly as serde_yaml 0.9 resolves them (YAML 1.2 core schema: `~`,
//! `null`, booleans, `0x`/`0o`/`0b` and decimal integers, floats, `.inf`, `.nan`; a leading zero
//! keeps digits a string). What the tree cannot say exactly as serde_yaml would (tags, more than
//! one document, integers past 64 bits, keys equal only as values like `1` and `0x1`) is left
//! to serde_yaml: [`from_tree`] returns `None` and the caller reads the text with it instead.

use std::num::ParseIntError;

use serde_yaml::{Mapping, Number, Value};
use yaml_rust2::scanner::TScalarStyle;

use crate::formats::yaml::{Document, YKind, YNode};

/// The document, or `None` when only serde_yaml can say exactly what it reads.
pub fn from_tree(text: &str, document: &Document) -> Option<Value> {
    if document.tagged || document.more {
        return None;
    }
    match &document.root {
        None => Some(Value::Null),
        Some(root) => value(text, root),
    }
}

/// One node; nesting is bounded by the reader's depth limit.
fn value(text: &str, node: &YNode) -> Option<Value> {
    Some(match &node.kind {
        YKind::Scalar {
            value,
            style: TScalarStyle::Plain,
            ..
        } => plain(value)?,
        YKind::Scalar { value, .. } => Value::String(value.clone()),
        YKind::Seq(items) => Value::Sequence(
            items
                .iter()
                .map(|i| value(text, i))
                .collect::<Option<_>>()?,
        ),
        YKind::Map(entries) => {
            let mut mapping = Mapping::with_capacity(entries.len());
            for (key, span, item) in entries {
                // The tree names a key by its text; serde_yaml keys by its value, so `1` and
                // `0x1` are the same key to it (a duplicate it reports).
                let key = match text.get(span.clone()).and_then(|t| t.chars().next()) {
                    Some('\'' | '"') => Value::String(key.clone()),
                    // Aliases, complex and block keys: rare, and left to serde_yaml.
                    Some('*' | '?' | '|' | '>') | None => return None,
                    Some(_) => plain(key)?,
                };
                if mapping.insert(key, value(text, item)?).is_some() {
                    return None;
                }
            }
            Value::Mapping(mapping)
        }
    })
}

/// A plain scalar as serde_yaml resolves it (`visit_untagged_scalar`); `None` for integers
/// serde_yaml's `Value` cannot hold.
fn plain(text: &str) -> Option<Value> {
    if text.is_empty() || matches!(text, "~" | "null" | "Null" | "NULL") {
        return Some(Value::Null);
    }
    match text {
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    if let Some(u) = unsigned(text, u64::from_str_radix) {
        return Some(Value::Number(Number::from(u)));
    }
    if let Some(i) = negative(text, i64::from_str_radix) {
        return Some(Value::Number(Number::from(i)));
    }
    // serde_yaml reads these as 128-bit integers, which its `Value` cannot hold.
    if unsigned(text, u128::from_str_radix).is_some()
        || negative(text, i128::from_str_radix).is_some()
    {
        return None;
    }
    if !digits_but_not_number(text)
        && let Some(f) = float(text)
    {
        return Some(Value::Number(Number::from(f)));
    }
    Some(Value::String(text.to_string()))
}

/// serde_yaml's `parse_unsigned_int`.
fn unsigned<T>(text: &str, from_str_radix: fn(&str, u32) -> Result<T, ParseIntError>) -> Option<T> {
    let unpositive = text.strip_prefix('+').unwrap_or(text);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(text) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

/// serde_yaml's `parse_negative_int`.
fn negative<T>(text: &str, from_str_radix: fn(&str, u32) -> Result<T, ParseIntError>) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = text.strip_prefix(prefix)
            && let Ok(int) = from_str_radix(&format!("-{rest}"), radix)
        {
            return Some(int);
        }
    }
    if digits_but_not_number(text) {
        return None;
    }
    from_str_radix(text, 10).ok()
}

/// serde_yaml's `parse_f64`.
fn float(text: &str) -> Option<f64> {
    let unpositive = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    if let ".inf" | ".Inf" | ".INF" = unpositive {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = text {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = text {
        return Some(f64::NAN.copysign(1.0));
    }
    unpositive.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A leading zero followed by digits is a string in YAML 1.2.
fn digits_but_not_number(text: &str) -> bool {
    let text = text.strip_prefix(['-', '+']).unwrap_or(text);
    text.len() > 1 && text.starts_with('0') && text[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::yaml;

    fn both(text: &str) -> (Option<Value>, Value) {
        let options = yaml::Options {
            max_depth: 64,
            max_nodes: 100_000,
            merge_keys: false,
        };
        let tree = from_tree(text, &yaml::parse_with(text, options).unwrap());
        (tree, serde_yaml::from_str(text).unwrap())
    }

    #[test]
    fn scalars_resolve_as_serde_yaml_resolves_them() {
        let text = "a: ~\nb: null\nc:\nd: True\ne: FALSE\nf: 0x1F\ng: 0o17\nh: 0b101\ni: -0x10\n\
                    j: 017\nk: -017\nl: +12\nm: -12\nn: 1.5\no: 1e3\np: .inf\nq: -.Inf\nr: .NaN\n\
                    s: '12'\nt: \"true\"\nu: |\n  block\nv: yes\nw: 1_000\nx: 0x\ny: +-1\n\
                    z: [1, 'a', {k: v}]\n18446744073709551615: big\n-9223372036854775808: small\n\
                    anchor: &a {x: 1}\nalias: *a\n<<: *a\n.5: half\n";
        let (tree, serde) = both(text);
        // NaN is not equal to itself: compare the text forms.
        assert_eq!(format!("{tree:?}"), format!("{:?}", Some(serde)));
    }

    #[test]
    fn what_only_serde_yaml_can_say_is_left_to_it() {
        for text in [
            "a: !Ref x\n",
            "a: !!str 1\n",
            "a: !t [1]\n",
            "a: 1\n---\nb: 2\n",
            "a: 99999999999999999999\n",
            "a: -99999999999999999999\n",
            "a: 0xFFFFFFFFFFFFFFFFFF\n",
            "1: a\n0x1: b\n",
            "a: &k x\n*k : b\n",
        ] {
            let options = yaml::Options {
                max_depth: 64,
                max_nodes: 100_000,
                merge_keys: false,
            };
            let tree = from_tree(text, &yaml::parse_with(text, options).unwrap());
            assert_eq!(tree, None, "{text}");
        }
        assert_eq!(both("").0, Some(Value::Null));
        let keys = "'1': a\n\"true\": b\n1: c\n";
        assert_eq!(both(keys).0, Some(both(keys).1));
        assert_eq!(both("# only\n").0, Some(Value::Null));
    }

    #[test]
    fn the_example_specs_are_read_once() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
        for name in ["minimal.yaml", "full.yaml"] {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            let (tree, serde) = both(&text);
            assert_eq!(tree, Some(serde), "{name}");
        }
    }
}
