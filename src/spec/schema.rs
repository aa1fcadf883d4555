//! The JSON Schema of the spec, generated from the Rust types in [`super::model`].

use std::sync::OnceLock;

use serde_json::Value;

use super::model::Spec;

/// Where the published schema lives; example specs point editors at it.
pub const SCHEMA_ID: &str = "https://sesform.dev/schema/v1.json";

/// The spec's JSON Schema (draft 2020-12). Optional keys are plain (not nullable): `key: ~` is
/// as wrong as any other mistyped value.
pub fn json_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
        let mut schema = generator.into_root_schema_for::<Spec>().to_value();
        strip_null(&mut schema);
        bound_integers(&mut schema);
        schema["$id"] = Value::from(SCHEMA_ID);
        schema
    })
}

/// schemars makes every `Option` field nullable; sesform treats an omitted key as "unset", and a
/// written `~` as a mistake, so null is removed from every type.
fn strip_null(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            let is_null = |v: &Value| v.get("type") == Some(&Value::from("null"));
            if let Some(Value::Array(options)) = map.get("anyOf")
                && options.len() == 2
                && options.iter().any(is_null)
            {
                let inner = options.iter().find(|v| !is_null(v)).cloned();
                map.remove("anyOf");
                if let Some(Value::Object(inner)) = inner {
                    for (k, v) in inner {
                        map.entry(k).or_insert(v);
                    }
                }
            }
            map.values_mut().for_each(strip_null);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

/// schemars gives unsigned integers `minimum: 0` but no maximum; without one, a number too
/// large for the field passes the schema and only fails deserialization, without a place.
fn bound_integers(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let maximum = match map.get("format").and_then(Value::as_str) {
                Some("uint8") => Some(u64::from(u8::MAX)),
                Some("uint16") => Some(u64::from(u16::MAX)),
                Some("uint32") => Some(u64::from(u32::MAX)),
                _ => None,
            };
            if let Some(maximum) = maximum {
                map.entry("maximum").or_insert(Value::from(maximum));
            }
            map.values_mut().for_each(bound_integers);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}
