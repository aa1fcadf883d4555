//! The `mail` object of SES events: the envelope, the headers and the tags of one message.

use serde_json::{Value, json};

use crate::emulator::state::{ACCOUNT_ID, identity_arn};

/// SES cuts the header list in events at 10 KB (`headersTruncated`).
const MAX_HEADER_BYTES: usize = 10 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub timestamp: String,
    pub source: String,
    pub source_arn: String,
    pub message_id: String,
    pub destination: Vec<String>,
    pub headers: Vec<(String, String)>,
    pub configuration_set: Option<String>,
    /// The SMTP user (access key id) or `api`.
    pub caller_identity: Option<String>,
    /// Message tags given as API parameters (`EmailTags`): SES then ignores the
    /// `X-SES-MESSAGE-TAGS` header ("Specify your configuration set when you send email").
    pub api_tags: Option<Vec<(String, String)>>,
}

impl Mail {
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        region: &str,
        message_id: &str,
        timestamp: &str,
        source: &str,
        destination: &[String],
        data: &[u8],
        configuration_set: Option<&str>,
        caller_identity: Option<&str>,
    ) -> Mail {
        Mail {
            timestamp: timestamp.to_string(),
            source: source.to_string(),
            source_arn: identity_arn(region, domain_of(source)),
            message_id: message_id.to_string(),
            destination: destination.to_vec(),
            headers: parse_headers(data),
            configuration_set: configuration_set.map(str::to_string),
            caller_identity: caller_identity.map(str::to_string),
            api_tags: None,
        }
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| split_addresses(v))
            .collect()
    }

    pub fn to_json(&self) -> Value {
        let mut size = 0;
        let mut truncated = false;
        let mut headers = Vec::new();
        for (name, value) in &self.headers {
            size += name.len() + value.len() + 4;
            if size > MAX_HEADER_BYTES {
                truncated = true;
                break;
            }
            headers.push(json!({"name": name, "value": value}));
        }
        let mut common = serde_json::Map::new();
        for (key, header) in [("from", "From"), ("to", "To"), ("cc", "Cc"), ("bcc", "Bcc")] {
            let values = self.all(header);
            if !values.is_empty() {
                common.insert(key.into(), json!(values));
            }
        }
        if let Some(id) = self.header("Message-ID") {
            common.insert("messageId".into(), json!(id));
        }
        if let Some(subject) = self.header("Subject") {
            common.insert("subject".into(), json!(subject));
        }
        if let Some(date) = self.header("Date") {
            common.insert("date".into(), json!(date));
        }
        let mut tags = serde_json::Map::new();
        if let Some(set) = &self.configuration_set {
            tags.insert("ses:configuration-set".into(), json!([set]));
        }
        tags.insert("ses:source-ip".into(), json!(["127.0.0.1"]));
        tags.insert("ses:from-domain".into(), json!([domain_of(&self.source)]));
        if let Some(caller) = &self.caller_identity {
            tags.insert("ses:caller-identity".into(), json!([caller]));
        }
        match &self.api_tags {
            Some(api_tags) => {
                for (name, value) in api_tags {
                    tags.insert(name.clone(), json!([value]));
                }
            }
            None => {
                for (name, value) in &self.headers {
                    if name.eq_ignore_ascii_case("X-SES-MESSAGE-TAGS") {
                        for pair in value.split(',') {
                            if let Some((k, v)) = pair.split_once('=') {
                                tags.insert(k.trim().into(), json!([v.trim()]));
                            }
                        }
                    }
                }
            }
        }
        json!({
            "timestamp": self.timestamp,
            "source": self.source,
            "sourceArn": self.source_arn,
            "sendingAccountId": ACCOUNT_ID,
            "messageId": self.message_id,
            "destination": self.destination,
            "headersTruncated": truncated,
            "headers": headers,
            "commonHeaders": common,
            "tags": tags,
        })
    }
}

/// `a@b.c` -> `b.c`; the whole string when it has no `@`.
pub fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or(address, |(_, d)| d)
}

/// The bare address of `Name <a@b.c>` (or `a@b.c`).
pub fn bare_address(value: &str) -> String {
    let value = value.trim();
    match (value.rfind('<'), value.rfind('>')) {
        (Some(start), Some(end)) if start < end => value[start + 1..end].trim().to_string(),
        _ => value.trim_matches('"').to_string(),
    }
}

fn split_addresses(value: &str) -> Vec<String> {
    // Commas inside quoted display names are rare in test mail; a quote-aware split is enough.
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in value.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Header fields up to the first empty line, continuation lines unfolded.
pub fn parse_headers(data: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(data);
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_unfold_and_addresses_split() {
        let headers = parse_headers(
            b"From: \"Doe, J\" <j@example.com>\r\nSubject: a\r\n  b\r\nTo: x@y.z, W <w@y.z>\r\n\r\nFrom: body\r\n",
        );
        assert_eq!(headers.len(), 3);
        assert_eq!(headers[1], ("Subject".into(), "a b".into()));
        assert_eq!(
            split_addresses(&headers[2].1),
            vec!["x@y.z".to_string(), "W <w@y.z>".to_string()]
        );
        assert_eq!(split_addresses(&headers[0].1).len(), 1);
        assert_eq!(bare_address("\"Doe, J\" <j@example.com>"), "j@example.com");
        assert_eq!(bare_address("j@example.com"), "j@example.com");
    }
}
