//! Names sesform gives or recognises: where its SMTP users live, its inline policy, the AWS
//! managed policies that allow sending, and topic names inside ARNs.

/// Where sesform creates SMTP users unless the spec says otherwise; users are also looked for
/// under every path the spec uses.
pub const SMTP_USER_PATH: &str = "/sesform/";

/// Name of the inline policy sesform puts on SMTP users.
pub const SMTP_POLICY_NAME: &str = "sesform-ses-send";

/// AWS managed policies that allow sending through SES (known by name; never read).
pub const SENDING_MANAGED_POLICIES: &[&str] = &["AmazonSESFullAccess", "AdministratorAccess"];

/// The name of a topic given by name or by ARN.
pub fn topic_name(topic: &str) -> &str {
    if topic.starts_with("arn:") {
        topic.rsplit(':').next().unwrap_or(topic)
    } else {
        topic
    }
}
