//! Resource tags: a map in memory, a `[{Key, Value}]` list on the wire.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize, Serializer};

use crate::emulator::errors::ApiError;

const MAX_TAGS: usize = 50;
const MAX_KEY_LEN: usize = 128;
const MAX_VALUE_LEN: usize = 256;

/// One `{Key, Value}` pair as the SDK sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags(BTreeMap<String, String>);

impl Tags {
    /// Tags given at creation: duplicates are an error there, as in `TagResource`.
    pub fn from_request(tags: Vec<Tag>) -> Result<Self, ApiError> {
        let mut result = Self::default();
        result.merge(tags)?;
        Ok(result)
    }

    /// Adds or overwrites tags (`TagResource` semantics), all or nothing.
    pub fn merge(&mut self, tags: Vec<Tag>) -> Result<(), ApiError> {
        let mut seen = std::collections::BTreeSet::new();
        for tag in &tags {
            validate(tag)?;
            if !seen.insert(tag.key.as_str()) {
                return Err(ApiError::bad_request(format!(
                    "Duplicate tag key: {}",
                    tag.key
                )));
            }
        }
        let mut merged = self.0.clone();
        merged.extend(tags.into_iter().map(|t| (t.key, t.value)));
        if merged.len() > MAX_TAGS {
            return Err(ApiError::bad_request(format!(
                "A resource can have at most {MAX_TAGS} tags."
            )));
        }
        self.0 = merged;
        Ok(())
    }

    pub fn remove(&mut self, keys: &[String]) {
        for key in keys {
            self.0.remove(key);
        }
    }

    pub fn to_list(&self) -> Vec<Tag> {
        self.0
            .iter()
            .map(|(key, value)| Tag {
                key: key.clone(),
                value: value.clone(),
            })
            .collect()
    }
}

impl Serialize for Tags {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_list().serialize(serializer)
    }
}

fn validate(tag: &Tag) -> Result<(), ApiError> {
    if tag.key.is_empty() || tag.key.chars().count() > MAX_KEY_LEN {
        return Err(ApiError::bad_request(format!(
            "Tag keys must be 1-{MAX_KEY_LEN} characters long: {:?}",
            tag.key
        )));
    }
    if tag.key.to_ascii_lowercase().starts_with("aws:") {
        return Err(ApiError::bad_request(format!(
            "Tag keys starting with \"aws:\" are reserved: {}",
            tag.key
        )));
    }
    if tag.value.chars().count() > MAX_VALUE_LEN {
        return Err(ApiError::bad_request(format!(
            "Tag values must be at most {MAX_VALUE_LEN} characters long (key {}).",
            tag.key
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(key: &str, value: &str) -> Tag {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }

    #[test]
    fn merge_overwrites_and_serializes_as_list() {
        let mut tags = Tags::from_request(vec![tag("env", "dev"), tag("team", "mail")]).unwrap();
        tags.merge(vec![tag("env", "prod")]).unwrap();
        assert_eq!(
            serde_json::to_value(&tags).unwrap(),
            serde_json::json!([{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "mail"}])
        );
        tags.remove(&["env".into(), "absent".into()]);
        assert_eq!(tags.to_list(), vec![tag("team", "mail")]);
    }

    #[test]
    fn rejects_bad_tags_without_partial_updates() {
        let mut tags = Tags::from_request(vec![tag("a", "1")]).unwrap();
        for bad in [
            vec![tag("b", "2"), tag("b", "3")],
            vec![tag("", "x")],
            vec![tag("aws:owner", "x")],
            vec![tag("v", &"x".repeat(257))],
        ] {
            let err = tags.merge(bad).unwrap_err();
            assert_eq!(err.error_type, "BadRequestException");
        }
        let many: Vec<Tag> = (0..50).map(|i| tag(&format!("k{i}"), "")).collect();
        assert!(tags.merge(many).is_err(), "51 tags in total");
        assert_eq!(tags.to_list(), vec![tag("a", "1")]);
    }
}
