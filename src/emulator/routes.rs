//! The SESv2 route table: HTTP method + URI template -> operation.
//!
//! Templates are copied from `aws-sdk-sesv2`'s generated `uri_base` functions, so this table is
//! the one place to check against the SDK when it moves.

use hyper::Method;
use percent_encoding::percent_decode_str;

macro_rules! operations {
    ($($op:ident => $method:ident $template:literal,)*) => {
        /// The SESv2 operations the emulator implements.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Operation {
            $($op,)*
        }

        impl Operation {
            /// Every implemented operation.
            pub const ALL: &[Operation] = &[$(Self::$op,)*];

            /// The operation's name as AWS spells it, e.g. `GetEmailIdentity`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$op => stringify!($op),)*
                }
            }
        }

        impl std::str::FromStr for Operation {
            type Err = UnknownOperation;

            fn from_str(name: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|op| op.name() == name)
                    .ok_or_else(|| UnknownOperation(name.to_owned()))
            }
        }

        const ROUTES: &[(Method, &str, Operation)] = &[
            $((Method::$method, $template, Operation::$op),)*
        ];
    };
}

operations! {
    CreateEmailIdentity => POST "/v2/email/identities",
    ListEmailIdentities => POST "/v2/email/list-identities",
    GetEmailIdentity => GET "/v2/email/identities/{EmailIdentity}",
    DeleteEmailIdentity => DELETE "/v2/email/identities/{EmailIdentity}",
    PutEmailIdentityDkimAttributes => PUT "/v2/email/identities/{EmailIdentity}/dkim",
    PutEmailIdentityDkimSigningAttributes => PUT "/v2/email/identities/{EmailIdentity}/dkim/signing",
    PutEmailIdentityMailFromAttributes => PUT "/v2/email/identities/{EmailIdentity}/mail-from",
    PutEmailIdentityFeedbackAttributes => PUT "/v2/email/identities/{EmailIdentity}/feedback",
    PutEmailIdentityConfigurationSetAttributes => PUT "/v2/email/identities/{EmailIdentity}/configuration-set",
    CreateConfigurationSet => POST "/v2/email/configuration-sets",
    ListConfigurationSets => POST "/v2/email/list-configuration-sets",
    GetConfigurationSet => GET "/v2/email/configuration-sets/{ConfigurationSetName}",
    DeleteConfigurationSet => DELETE "/v2/email/configuration-sets/{ConfigurationSetName}",
    PutConfigurationSetDeliveryOptions => PUT "/v2/email/configuration-sets/{ConfigurationSetName}/delivery-options",
    PutConfigurationSetReputationOptions => PUT "/v2/email/configuration-sets/{ConfigurationSetName}/reputation-options",
    PutConfigurationSetSendingOptions => PUT "/v2/email/configuration-sets/{ConfigurationSetName}/sending",
    PutConfigurationSetSuppressionOptions => PUT "/v2/email/configuration-sets/{ConfigurationSetName}/suppression-options",
    PutConfigurationSetTrackingOptions => PUT "/v2/email/configuration-sets/{ConfigurationSetName}/tracking-options",
    CreateConfigurationSetEventDestination => POST "/v2/email/configuration-sets/{ConfigurationSetName}/event-destinations",
    GetConfigurationSetEventDestinations => GET "/v2/email/configuration-sets/{ConfigurationSetName}/event-destinations",
    UpdateConfigurationSetEventDestination => PUT "/v2/email/configuration-sets/{ConfigurationSetName}/event-destinations/{EventDestinationName}",
    DeleteConfigurationSetEventDestination => DELETE "/v2/email/configuration-sets/{ConfigurationSetName}/event-destinations/{EventDestinationName}",
    TagResource => POST "/v2/email/tags",
    UntagResource => DELETE "/v2/email/tags",
    ListTagsForResource => GET "/v2/email/tags",
    GetAccount => GET "/v2/email/account",
    PutAccountDetails => POST "/v2/email/account/details",
    PutAccountSendingAttributes => PUT "/v2/email/account/sending",
    PutAccountSuppressionAttributes => PUT "/v2/email/account/suppression",
    SendEmail => POST "/v2/email/outbound-emails",
    PutSuppressedDestination => PUT "/v2/email/suppression/addresses",
    GetSuppressedDestination => GET "/v2/email/suppression/addresses/{EmailAddress}",
    DeleteSuppressedDestination => DELETE "/v2/email/suppression/addresses/{EmailAddress}",
    ListSuppressedDestinations => GET "/v2/email/suppression/addresses",
    CreateEmailTemplate => POST "/v2/email/templates",
    ListEmailTemplates => GET "/v2/email/templates",
    GetEmailTemplate => GET "/v2/email/templates/{TemplateName}",
    UpdateEmailTemplate => PUT "/v2/email/templates/{TemplateName}",
    DeleteEmailTemplate => DELETE "/v2/email/templates/{TemplateName}",
}

/// A name that is not one of [`Operation::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown SESv2 operation {0:?} (the emulator implements: {names})", names = Operation::ALL.iter().map(|op| op.name()).collect::<Vec<_>>().join(", "))]
pub struct UnknownOperation(pub String);

/// Older SDKs list with `GET` and query parameters; same operations, same answers.
const LEGACY_ROUTES: &[(Method, &str, Operation)] = &[
    (
        Method::GET,
        "/v2/email/identities",
        Operation::ListEmailIdentities,
    ),
    (
        Method::GET,
        "/v2/email/configuration-sets",
        Operation::ListConfigurationSets,
    ),
];

/// Values of the `{Label}`s in the matched template, percent-decoded.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PathParams(Vec<(&'static str, String)>);

impl PathParams {
    pub fn from_pairs(pairs: &[(&'static str, &str)]) -> Self {
        Self(pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect())
    }

    pub fn get(&self, label: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| *name == label)
            .map(|(_, value)| value.as_str())
    }
}

/// How a request failed to route: the path is unknown, or known under other methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoRoute {
    UnknownPath,
    MethodNotAllowed,
}

/// Finds the operation for `method` and the raw (still percent-encoded) `path`.
pub fn resolve(method: &Method, path: &str) -> Result<(Operation, PathParams), NoRoute> {
    let mut path_known = false;
    for (route_method, template, op) in ROUTES.iter().chain(LEGACY_ROUTES) {
        if let Some(params) = match_template(template, path) {
            if route_method == method {
                return Ok((*op, params));
            }
            path_known = true;
        }
    }
    Err(if path_known {
        NoRoute::MethodNotAllowed
    } else {
        NoRoute::UnknownPath
    })
}

/// Segment-wise match; labels never span a `/` because the SDK encodes it inside labels.
fn match_template(template: &'static str, path: &str) -> Option<PathParams> {
    let mut template_segments = template.split('/');
    let mut path_segments = path.split('/');
    let mut params = Vec::new();
    loop {
        match (template_segments.next(), path_segments.next()) {
            (None, None) => return Some(PathParams(params)),
            (Some(t), Some(p)) => {
                if let Some(label) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    let value = percent_decode_str(p).decode_utf8().ok()?;
                    if value.is_empty() {
                        return None;
                    }
                    params.push((label, value.into_owned()));
                } else if t != p {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_labels_and_decodes_them() {
        let (op, params) = resolve(&Method::GET, "/v2/email/identities/ops%40example.com").unwrap();
        assert_eq!(op, Operation::GetEmailIdentity);
        assert_eq!(params.get("EmailIdentity"), Some("ops@example.com"));
    }

    #[test]
    fn matches_nested_templates() {
        let (op, params) = resolve(
            &Method::PUT,
            "/v2/email/configuration-sets/main/event-destinations/sns-1",
        )
        .unwrap();
        assert_eq!(op, Operation::UpdateConfigurationSetEventDestination);
        assert_eq!(params.get("ConfigurationSetName"), Some("main"));
        assert_eq!(params.get("EventDestinationName"), Some("sns-1"));
        let (op, _) = resolve(&Method::PUT, "/v2/email/identities/a.example/dkim/signing").unwrap();
        assert_eq!(op, Operation::PutEmailIdentityDkimSigningAttributes);
    }

    #[test]
    fn distinguishes_unknown_paths_from_wrong_methods() {
        assert_eq!(
            resolve(&Method::PATCH, "/v2/email/account"),
            Err(NoRoute::MethodNotAllowed)
        );
        assert_eq!(
            resolve(&Method::GET, "/v2/email/outbound-email"),
            Err(NoRoute::UnknownPath)
        );
        assert_eq!(
            resolve(&Method::GET, "/v2/email/identities/"),
            Err(NoRoute::UnknownPath)
        );
    }

    #[test]
    fn legacy_list_routes_map_to_the_same_operations() {
        assert_eq!(
            resolve(&Method::GET, "/v2/email/identities").unwrap().0,
            Operation::ListEmailIdentities
        );
        assert_eq!(
            resolve(&Method::POST, "/v2/email/list-configuration-sets")
                .unwrap()
                .0,
            Operation::ListConfigurationSets
        );
    }

    #[test]
    fn names_match_aws_spelling_and_parse_back() {
        assert_eq!(Operation::PutAccountDetails.name(), "PutAccountDetails");
        for op in Operation::ALL {
            assert_eq!(op.name().parse::<Operation>(), Ok(*op));
        }
        assert!("GetEmailIdentities".parse::<Operation>().is_err());
    }
}
