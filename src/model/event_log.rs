//! Names of the resources an `event_log` expands to, shared by the spec checks, the plan and the
//! commands that read the log (`events`, `why`).

/// The EventBridge event destination `event_log` adds to each selected configuration set.
pub const DESTINATION_NAME: &str = "sesform-event-log";

/// EventBridge rule names: 1 to 64 characters.
const MAX_RULE_NAME: usize = 64;

/// The log group a stack's events go to when the spec names none.
pub fn default_log_group(stack: &str) -> String {
    format!("/aws/events/sesform/{stack}")
}

/// The EventBridge rule (on the default bus) that sends the stack's SES events to the log.
pub fn rule_name(stack: &str) -> String {
    format!("sesform-{stack}-event-log")
}

/// The CloudWatch Logs resource policy that lets EventBridge write to the log group.
pub fn policy_name(stack: &str) -> String {
    format!("sesform-{stack}-event-log")
}

/// The id of the rule's one target.
pub const TARGET_ID: &str = "sesform-event-log";

/// Whether the stack's name fits in the names above.
pub fn check_stack(stack: &str) -> Result<(), String> {
    let length = rule_name(stack).len();
    if length > MAX_RULE_NAME {
        return Err(format!(
            "the rule `{}` would be {length} characters; EventBridge allows {MAX_RULE_NAME}",
            rule_name(stack)
        ));
    }
    Ok(())
}

/// CloudWatch Logs log group names: 1 to 512 of `A-Z a-z 0-9 . - _ / #`.
pub fn check_log_group_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 512 {
        return Err("must be 1 to 512 characters".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '#')))
    {
        return Err(format!(
            "contains `{c}`; log group names use letters, digits and `.-_/#`"
        ));
    }
    if name.starts_with("aws/") {
        return Err("must not start with `aws/` (reserved by AWS)".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_aws_limits() {
        assert_eq!(default_log_group("prod"), "/aws/events/sesform/prod");
        assert!(check_stack("prod").is_ok());
        assert!(check_stack(&"s".repeat(46)).is_ok());
        assert!(check_stack(&"s".repeat(47)).is_err());
        assert!(check_log_group_name("/aws/events/sesform/prod").is_ok());
        assert!(check_log_group_name("bad name").is_err());
        assert!(check_log_group_name("").is_err());
        assert!(check_log_group_name(&"a".repeat(513)).is_err());
    }
}
