//! AWS naming rules and the SES regions, each with the reason a name is refused.

/// Regions where SES (SESv2) has an endpoint (AWS General Reference, "Amazon Simple Email
/// Service endpoints and quotas").
pub const SES_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-5",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "sa-east-1",
    "us-gov-east-1",
    "us-gov-west-1",
];

pub fn is_ses_region(region: &str) -> bool {
    SES_REGIONS.contains(&region)
}

/// The closest candidate within a small edit distance (transpositions count once), for
/// "did you mean" hints.
pub fn suggest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (input.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(input, c), c))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// Configuration set and event destination names: 1-64 of letters, digits, `-`, `_`.
pub fn check_ses_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 64 {
        return Err(format!("must be 1 to 64 characters, not {}", name.len()));
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        Some(c) => Err(format!(
            "may contain only letters, digits, `-` and `_`, not `{c}`"
        )),
        None => Ok(()),
    }
}

/// SNS topic names: 1-256 of letters, digits, `-`, `_` (no FIFO topics for SES events).
pub fn check_topic_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 256 {
        return Err(format!("must be 1 to 256 characters, not {}", name.len()));
    }
    if name.ends_with(".fifo") {
        return Err("FIFO topics cannot receive SES events; use a standard topic".into());
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        Some(c) => Err(format!(
            "may contain only letters, digits, `-` and `_`, not `{c}`"
        )),
        None => Ok(()),
    }
}

/// CloudWatch dimension names: 1-256 of letters, digits, `_`, `-` and `:` (for SES's own
/// `ses:` auto-tags, e.g. `ses:configuration-set`).
pub fn check_dimension_name(name: &str) -> Result<(), String> {
    check_chars(
        name,
        256,
        |c| c.is_ascii_alphanumeric() || "_-:".contains(c),
        "letters, digits, `_`, `-` and `:`",
    )
}

/// CloudWatch default dimension values: 1-256 of letters, digits, `_`, `-`, `@` and `.`.
pub fn check_dimension_value(value: &str) -> Result<(), String> {
    check_chars(
        value,
        256,
        |c| c.is_ascii_alphanumeric() || "_-@.".contains(c),
        "letters, digits, `_`, `-`, `@` and `.`",
    )
}

fn check_chars(
    s: &str,
    max: usize,
    ok: impl Fn(char) -> bool,
    allowed: &str,
) -> Result<(), String> {
    if s.is_empty() || s.len() > max {
        return Err(format!("must be 1 to {max} characters, not {}", s.len()));
    }
    match s.chars().find(|c| !ok(*c)) {
        Some(c) => Err(format!("may contain only {allowed}, not `{c}`")),
        None => Ok(()),
    }
}

/// A POSIX-style environment variable name: letters, digits and `_`, not starting with a digit.
pub fn is_env_var_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// IAM user names: 1-64 of letters, digits and `+=,.@_-`.
pub fn check_iam_user_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 64 {
        return Err(format!("must be 1 to 64 characters, not {}", name.len()));
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
    {
        Some(c) => Err(format!(
            "may contain only letters, digits and `+=,.@_-`, not `{c}`"
        )),
        None => Ok(()),
    }
}

/// IAM paths: `/` or `/a/b/`, up to 512 characters of printable ASCII without spaces.
pub fn check_iam_path(path: &str) -> Result<(), String> {
    if path.is_empty() || path.len() > 512 {
        return Err("must be 1 to 512 characters".into());
    }
    if !path.starts_with('/') || !path.ends_with('/') {
        return Err("must start and end with `/`, e.g. `/sesform/`".into());
    }
    if path.contains("//") || path.chars().any(|c| !('!'..='~').contains(&c)) {
        return Err("may contain only printable ASCII without spaces or empty segments".into());
    }
    Ok(())
}

/// A DNS domain name as SES accepts it for an identity.
pub fn check_domain(domain: &str) -> Result<(), String> {
    if domain.len() > 253 {
        return Err("is longer than 253 characters".into());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err("needs at least two labels, e.g. `example.com`".into());
    }
    for label in &labels {
        if label.is_empty() || label.len() > 63 {
            return Err("has an empty label or one longer than 63 characters".into());
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("label `{label}` starts or ends with `-`"));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(format!(
                "contains `{c}`; use the punycode (xn--) form for international names"
            ));
        }
    }
    let tld = labels[labels.len() - 1];
    if tld.chars().all(|c| c.is_ascii_digit()) {
        return Err("is an IP address, not a domain".into());
    }
    Ok(())
}

/// An email address as SES accepts it for an identity or a contact.
pub fn check_email(address: &str) -> Result<(), String> {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Err("is not an email address (no `@`)".into());
    };
    if local.is_empty() || local.len() > 64 {
        return Err("has an empty local part or one longer than 64 characters".into());
    }
    if local
        .chars()
        .any(|c| c.is_whitespace() || c == '@' || c.is_control())
    {
        return Err("has whitespace or a second `@` in its local part".into());
    }
    check_domain(domain).map_err(|e| format!("domain `{domain}` {e}"))
}

/// An ARN of the given service, `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
pub fn check_arn(arn: &str, service: &str) -> Result<(), String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || !parts[1].starts_with("aws") {
        return Err(format!(
            "is not an ARN (`arn:aws:{service}:REGION:ACCOUNT:...`)"
        ));
    }
    if parts[2] != service {
        return Err(format!("is an ARN of `{}`, expected `{service}`", parts[2]));
    }
    if parts[4].len() != 12 || !parts[4].chars().all(|c| c.is_ascii_digit()) {
        return Err("has no 12-digit account id".into());
    }
    if parts[5].is_empty() {
        return Err("has no resource name".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_ses_name("transactional_1-a").is_ok());
        assert!(check_ses_name(&"a".repeat(65)).is_err());
        assert!(check_ses_name("has space").is_err());
        assert!(check_iam_user_name("app+mailer@x").is_ok());
        assert!(check_iam_user_name("app/mailer").is_err());
        assert!(check_iam_path("/sesform/").is_ok());
        assert!(check_dimension_name("ses:configuration-set").is_ok());
        assert!(check_dimension_name("bad name!").is_err());
        assert!(check_dimension_name("").is_err());
        assert!(check_dimension_value("noreply@example.com").is_ok());
        assert!(check_dimension_value("").is_err());
        assert!(check_dimension_value("a b").is_err());
        assert!(is_env_var_name("DKIM_KEY_1"));
        assert!(!is_env_var_name("not a var"));
        assert!(!is_env_var_name("1X"));
        assert!(check_iam_path("sesform").is_err());
        assert!(check_domain("mail.example.com").is_ok());
        assert!(check_domain("example").is_err());
        assert!(check_domain("-bad.example.com").is_err());
        assert!(check_domain("10.0.0.1").is_err());
        assert!(check_email("noreply@example.com").is_ok());
        assert!(check_email("example.com").is_err());
        assert!(check_arn("arn:aws:sns:eu-west-1:123456789012:events", "sns").is_ok());
        assert!(check_arn("arn:aws:sqs:eu-west-1:123456789012:events", "sns").is_err());
        assert_eq!(
            suggest("eu-west1", SES_REGIONS.iter().copied()),
            Some("eu-west-1")
        );
        assert_eq!(suggest("zzz", SES_REGIONS.iter().copied()), None);
    }
}
