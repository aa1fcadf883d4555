//! The EventBridge bus an event destination sends to.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A region's default bus (the spec names none; the account id is not known offline), or any
/// other bus by ARN. A default-bus ARN read from AWS is the default bus of its region, so the
/// two sides compare equal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventBus {
    Default { region: String },
    Arn(String),
}

/// How a plan writes the default bus (`default@eu-west-1`); plans keep this form.
const DEFAULT_PREFIX: &str = "default@";

impl EventBus {
    /// The bus an ARN names: `arn:aws:events:R:A:event-bus/default` is R's default bus.
    pub fn from_arn(arn: &str) -> EventBus {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() == 6 && parts[5] == "event-bus/default" {
            EventBus::Default {
                region: parts[3].to_string(),
            }
        } else {
            EventBus::Arn(arn.to_string())
        }
    }

    /// The bus's ARN; the default bus needs the account it belongs to.
    pub fn arn(&self, account_id: &str) -> String {
        match self {
            EventBus::Default { region } => {
                super::arn("events", region, account_id, "event-bus/default")
            }
            EventBus::Arn(arn) => arn.clone(),
        }
    }

    pub fn is_default(&self) -> bool {
        matches!(self, EventBus::Default { .. })
    }

    fn wire(&self) -> String {
        match self {
            EventBus::Default { region } => format!("{DEFAULT_PREFIX}{region}"),
            EventBus::Arn(arn) => arn.clone(),
        }
    }

    fn from_wire(text: &str) -> EventBus {
        match text.strip_prefix(DEFAULT_PREFIX) {
            Some(region) => EventBus::Default {
                region: region.to_string(),
            },
            None => EventBus::from_arn(text),
        }
    }
}

impl Serialize for EventBus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.wire())
    }
}

impl<'de> Deserialize<'de> for EventBus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| EventBus::from_wire(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_bus_arn_is_its_regions_default_bus_and_keeps_the_plan_form() {
        let bus = EventBus::from_arn("arn:aws:events:eu-west-1:123456789012:event-bus/default");
        assert_eq!(
            bus,
            EventBus::Default {
                region: "eu-west-1".into()
            }
        );
        assert_eq!(
            serde_json::to_string(&bus).unwrap(),
            r#""default@eu-west-1""#
        );
        assert_eq!(
            bus.arn("123456789012"),
            "arn:aws:events:eu-west-1:123456789012:event-bus/default"
        );
        let other = "arn:aws-cn:events:cn-north-1:123456789012:event-bus/app";
        let parsed: EventBus = serde_json::from_str(&format!("\"{other}\"")).unwrap();
        assert_eq!(parsed, EventBus::Arn(other.into()));
        assert_eq!(parsed.arn("x"), other);
    }
}
