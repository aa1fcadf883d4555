//! Input checks the real service makes before touching state (all `BadRequestException`).

use super::errors::ApiError;
use super::model::IdentityType;

/// Configuration set, event destination and similar names: 1-64 of `[A-Za-z0-9_-]`.
pub fn resource_name(kind: &str, name: &str) -> Result<(), ApiError> {
    bounded_name(kind, name, 64)
}

/// 1-`max` of `[A-Za-z0-9_-]`.
pub fn bounded_name(kind: &str, name: &str, max: usize) -> Result<(), ApiError> {
    let valid = (1..=max).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "Invalid {kind} name <{name}>: use 1-{max} letters, digits, hyphens and underscores."
        )))
    }
}

/// Classifies an identity as a domain or an email address, rejecting malformed ones.
pub fn identity(name: &str) -> Result<IdentityType, ApiError> {
    let invalid = || ApiError::bad_request(format!("Invalid email identity <{name}>."));
    match name.split_once('@') {
        Some((local, domain_part)) => {
            let local_ok = (1..=64).contains(&local.len())
                && local
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && !matches!(b, b'@' | b'<' | b'>' | b'"'));
            if local_ok && is_domain(domain_part) {
                Ok(IdentityType::EmailAddress)
            } else {
                Err(invalid())
            }
        }
        None if is_domain(name) => Ok(IdentityType::Domain),
        None => Err(invalid()),
    }
}

/// A fully qualified DNS name: at least two labels of 1-63 letters, digits and inner hyphens.
pub fn is_domain(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    name.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
        && !labels
            .last()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
}

/// `name` is `parent` itself or lies below it (case-insensitive, as DNS is).
pub fn is_subdomain_of(name: &str, parent: &str) -> bool {
    let (name, parent) = (name.to_ascii_lowercase(), parent.to_ascii_lowercase());
    name.strip_suffix(&parent)
        .is_some_and(|rest| rest.ends_with('.') && rest.len() > 1)
}

/// ARNs are not resolved (the emulator has no SNS or Firehose), only checked for shape.
/// An ARN in the partition of `region` (`arn:aws-us-gov:...` in GovCloud): AWS rejects an
/// ARN of another partition.
pub fn arn(field: &str, value: &str, region: &str) -> Result<(), ApiError> {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || parts[1].is_empty() || parts[2].is_empty() {
        return Err(ApiError::bad_request(format!(
            "{field} must be an ARN, got <{value}>."
        )));
    }
    let partition = crate::model::partition(region);
    if parts[1] != partition {
        return Err(ApiError::bad_request(format!(
            "{field} <{value}> is not in partition {partition} of region {region}."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_names() {
        assert!(resource_name("configuration set", "main_set-1").is_ok());
        assert!(resource_name("configuration set", &"a".repeat(64)).is_ok());
        for bad in ["", "has space", "dot.ted", "ünï", &"a".repeat(65)] {
            let err = resource_name("configuration set", bad).unwrap_err();
            assert_eq!(err.error_type, "BadRequestException", "{bad}");
        }
    }

    #[test]
    fn identities() {
        assert_eq!(identity("example.com").unwrap(), IdentityType::Domain);
        assert_eq!(
            identity("mail.Example.co.uk").unwrap(),
            IdentityType::Domain
        );
        assert_eq!(
            identity("ops+alerts@example.com").unwrap(),
            IdentityType::EmailAddress
        );
        for bad in [
            "example",
            "-bad.example.com",
            "a..b.com",
            "example.com.",
            "1.2.3.4",
            "@example.com",
            "a@b@example.com",
            "a b@example.com",
            "ops@localhost",
        ] {
            assert!(identity(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn subdomains() {
        assert!(is_subdomain_of("bounce.example.com", "example.com"));
        assert!(is_subdomain_of("a.b.Example.com", "example.COM"));
        assert!(!is_subdomain_of("example.com", "example.com"));
        assert!(!is_subdomain_of("badexample.com", "example.com"));
    }

    #[test]
    fn arns() {
        let region = "us-east-1";
        assert!(
            arn(
                "TopicArn",
                "arn:aws:sns:us-east-1:123456789012:events",
                region
            )
            .is_ok()
        );
        assert!(arn("TopicArn", "events", region).is_err());
        assert!(arn("TopicArn", "arn:aws:sns", region).is_err());
        let gov = "arn:aws-us-gov:sns:us-gov-west-1:123456789012:events";
        assert!(arn("TopicArn", gov, "us-gov-west-1").is_ok());
        let wrong = "arn:aws:sns:us-gov-west-1:123456789012:events";
        assert!(arn("TopicArn", wrong, "us-gov-west-1").is_err());
    }
}
