//! Email templates (SESv2 `CreateEmailTemplate` and friends): a name and its content.

use serde::{Deserialize, Serialize};

/// `EmailTemplateContent`: every part optional on the wire; SES renders whichever are set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EmailTemplateContent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EmailTemplate {
    pub name: String,
    pub content: EmailTemplateContent,
    /// Epoch seconds, as `ListEmailTemplates` answers `CreatedTimestamp`.
    pub created_timestamp: f64,
}
