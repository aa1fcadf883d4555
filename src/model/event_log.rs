//! Names of the resources an `event_log` expands to, shared by the spec checks, the plan and the
//! commands that read the log (`events`, `why`), and the two JSON documents sesform writes for
//! it: the rule's event pattern and the log group's resource policy.

use serde_json::{Value, json};

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

/// The log group a log group ARN names (`...:log-group:NAME`, with or without `:*`).
pub fn log_group_of(arn: &str) -> Option<&str> {
    let (_, name) = arn.split_once(":log-group:")?;
    Some(name.strip_suffix(":*").unwrap_or(name))
}

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

/// The rule's pattern: SES events (`source: aws.ses`) of mail sent with one of `sets`; canonical
/// JSON, sets sorted.
pub fn rule_pattern<'a>(sets: impl IntoIterator<Item = &'a str>) -> String {
    let mut sets: Vec<&str> = sets.into_iter().collect();
    sets.sort_unstable();
    sets.dedup();
    super::canonical_json(&json!({
        "source": ["aws.ses"],
        "detail": { "mail": { "tags": { "ses:configuration-set": sets } } },
    }))
}

/// The configuration sets a pattern of [`rule_pattern`]'s form selects; `None` for any other.
pub fn pattern_sets(pattern: &str) -> Option<Vec<String>> {
    let value: Value = serde_json::from_str(pattern).ok()?;
    let sets = value
        .pointer("/detail/mail/tags/ses:configuration-set")?
        .as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()?;
    (rule_pattern(sets.iter().map(String::as_str)) == super::canonical_json(&value)).then_some(sets)
}

/// A pattern as EventBridge keeps it, in canonical JSON when it parses (AWS may reformat it).
pub fn canonical_pattern(pattern: &str) -> String {
    serde_json::from_str::<Value>(pattern)
        .map(|v| super::canonical_json(&v))
        .unwrap_or_else(|_| pattern.to_string())
}

/// The resource policy that lets the rule `rule_arn` (and only it: the `aws:SourceArn`
/// condition) write to the log group `log_group_arn` (without `:*`), as the CloudWatch Logs
/// guide's EventBridge example grants: both service principals, the two write actions.
pub fn policy_document(log_group_arn: &str, rule_arn: &str) -> String {
    super::canonical_json(&json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "EventBridgeWritesSesEvents",
            "Effect": "Allow",
            "Principal": { "Service": ["delivery.logs.amazonaws.com", "events.amazonaws.com"] },
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": format!("{log_group_arn}:*"),
            "Condition": { "ArnEquals": { "aws:SourceArn": rule_arn } },
        }]
    }))
}

/// What a resource policy document opens, by name: (log group, rule), and whether it is
/// exactly [`policy_document`] for them. `None` when it names no log group or no rule.
pub fn read_policy(document: &str) -> Option<(String, String, bool)> {
    let value: Value = serde_json::from_str(document).ok()?;
    let statement = value.pointer("/Statement/0")?;
    let resource = statement.get("Resource")?.as_str()?;
    let rule_arn = statement
        .pointer("/Condition/ArnEquals/aws:SourceArn")?
        .as_str()?;
    let group_arn = resource.strip_suffix(":*").unwrap_or(resource);
    let group = log_group_of(group_arn)?.to_string();
    let rule = rule_arn.split_once(":rule/")?.1.to_string();
    let standard = policy_document(group_arn, rule_arn) == super::canonical_json(&value);
    Some((group, rule, standard))
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

#[cfg(test)]
mod documents {
    use super::*;

    #[test]
    fn patterns_name_the_sets_and_read_back() {
        let pattern = rule_pattern(["tx", "marketing", "tx"]);
        assert_eq!(
            pattern,
            r#"{"detail":{"mail":{"tags":{"ses:configuration-set":["marketing","tx"]}}},"source":["aws.ses"]}"#
        );
        assert_eq!(
            pattern_sets(&pattern),
            Some(vec!["marketing".to_string(), "tx".to_string()])
        );
        // EventBridge may answer with other spacing; an edited pattern is not ours.
        let spaced = r#"{"source": ["aws.ses"], "detail": {"mail": {"tags": {"ses:configuration-set": ["tx"]}}}}"#;
        assert_eq!(canonical_pattern(spaced), rule_pattern(["tx"]));
        assert_eq!(pattern_sets(r#"{"source":["aws.ses"]}"#), None);
    }

    #[test]
    fn the_policy_opens_one_group_to_one_rule() {
        let group = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/events/sesform/prod";
        let rule = "arn:aws:events:eu-west-1:123456789012:rule/sesform-prod-event-log";
        let document = policy_document(group, rule);
        assert!(document.contains(r#""Resource":"arn:aws:logs:eu-west-1:123456789012:log-group:/aws/events/sesform/prod:*""#));
        assert_eq!(
            read_policy(&document),
            Some((
                "/aws/events/sesform/prod".to_string(),
                "sesform-prod-event-log".to_string(),
                true
            ))
        );
        let widened = document.replace("logs:PutLogEvents", "logs:*");
        assert_eq!(read_policy(&widened).map(|p| p.2), Some(false));
        assert_eq!(read_policy("{}"), None);
        assert_eq!(log_group_of(group), Some("/aws/events/sesform/prod"));
        assert_eq!(
            log_group_of(&format!("{group}:*")),
            Some("/aws/events/sesform/prod")
        );
        assert_eq!(log_group_of(rule), None);
    }
}
