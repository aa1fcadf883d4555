//! The closed vocabularies of SES settings, typed. Each keeps a value AWS sends outside the
//! documented set as [`Other`](TlsPolicy::Other) (AWS adds values): it shows in a plan, never
//! fails one. Serialized as the wire string (`REQUIRE`), ordered by it, so plans read as before.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value outside the documented set, as AWS sent it.
            Other(String),
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(value) => value,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Compares with a wire value (`== "DOMAIN"`).
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(|value| $name::from(value.as_str()))
            }
        }
    };
}

wire_enum!(
    /// An SES event type (SESv2 name).
    EventType {
        Send = "SEND",
        Reject = "REJECT",
        Bounce = "BOUNCE",
        Complaint = "COMPLAINT",
        Delivery = "DELIVERY",
        Open = "OPEN",
        Click = "CLICK",
        RenderingFailure = "RENDERING_FAILURE",
        DeliveryDelay = "DELIVERY_DELAY",
        Subscription = "SUBSCRIPTION",
    }
);

wire_enum!(
    /// A configuration set's TLS policy.
    TlsPolicy { Require = "REQUIRE", Optional = "OPTIONAL" }
);

wire_enum!(
    /// HTTPS for tracked links.
    HttpsPolicy {
        Require = "REQUIRE",
        RequireOpenOnly = "REQUIRE_OPEN_ONLY",
        Optional = "OPTIONAL",
    }
);

wire_enum!(
    /// Who makes an identity's DKIM keys: SES (Easy DKIM) or the owner (BYODKIM).
    DkimOrigin { AwsSes = "AWS_SES", External = "EXTERNAL" }
);

wire_enum!(
    /// Easy DKIM key length.
    KeyLength { Rsa1024 = "RSA_1024_BIT", Rsa2048 = "RSA_2048_BIT" }
);

wire_enum!(
    /// What SES does when a MAIL FROM domain's MX record is missing.
    MxFailure {
        UseDefaultValue = "USE_DEFAULT_VALUE",
        RejectMessage = "REJECT_MESSAGE",
    }
);

wire_enum!(
    /// Why an address goes on a suppression list.
    SuppressionReason { Bounce = "BOUNCE", Complaint = "COMPLAINT" }
);

wire_enum!(
    /// A domain or an email address.
    IdentityType { Domain = "DOMAIN", EmailAddress = "EMAIL_ADDRESS" }
);

wire_enum!(
    /// The kind of mail a production access request is for.
    MailType { Transactional = "TRANSACTIONAL", Marketing = "MARKETING" }
);

wire_enum!(
    /// The language AWS support answers a production access request in.
    ContactLanguage { En = "EN", Ja = "JA" }
);

wire_enum!(
    /// Where a CloudWatch dimension's value comes from.
    DimensionSource {
        MessageTag = "MESSAGE_TAG",
        EmailHeader = "EMAIL_HEADER",
        LinkTag = "LINK_TAG",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_wire_form_and_unknown_ones_are_carried() {
        assert_eq!(TlsPolicy::from("REQUIRE"), TlsPolicy::Require);
        assert_eq!(
            serde_json::to_string(&EventType::RenderingFailure).unwrap(),
            r#""RENDERING_FAILURE""#
        );
        let new: MxFailure = serde_json::from_str(r#""RETRY_LATER""#).unwrap();
        assert_eq!(new, MxFailure::Other("RETRY_LATER".into()));
        assert_eq!(new.as_str(), "RETRY_LATER");
        // Sets order by wire name, as the strings did.
        let set: std::collections::BTreeSet<EventType> =
            [EventType::Send, EventType::Bounce, EventType::Reject].into();
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"["BOUNCE","REJECT","SEND"]"#
        );
    }
}
