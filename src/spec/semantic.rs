//! What the schema cannot say: references resolve, names follow AWS rules, quotas hold, and no
//! secret is written inline (what looks like a secret is [`crate::secret`]'s to say).

use std::collections::{BTreeMap, BTreeSet};

use super::load::Locator;
use super::model::*;
use super::names::{self, suggest};
use crate::diagnostic::Diagnostic;
use crate::model::MANAGED_BY_TAG;
use crate::secret::{FoundSecret, URL_PASSWORD, find_secret, is_secret_key_name, mask};
use crate::spec_path;

mod event_log;

/// SES allows at most this many event destinations per configuration set.
pub const MAX_EVENT_DESTINATIONS: usize = 10;
/// AWS allows at most this many tags per resource; sesform uses two of them.
pub const MAX_USER_TAGS: usize = 48;

pub fn check(spec: &Spec, locator: &Locator) -> Vec<Diagnostic> {
    let mut checker = Checker {
        spec,
        locator,
        out: Vec::new(),
    };
    checker.header();
    checker.account();
    checker.identities();
    checker.configuration_sets();
    checker.sns_topics();
    checker.event_log();
    checker.smtp_users();
    checker.clients();
    checker.out
}

/// A secret written inline: its diagnostic, the node it is in, and how to hide it.
#[derive(Debug, Clone)]
pub struct InlineSecret {
    pub diagnostic: Diagnostic,
    pub path: Vec<String>,
    /// Whether the secret is the key at `path` (a name) rather than its value.
    pub is_key: bool,
    /// The value with the secret masked, for every later message that quotes it.
    pub masked: String,
    /// The secret itself, as the value holds it.
    pub secret: String,
    /// How many leading characters of the secret may be shown.
    pub keep: usize,
}

/// Any string that looks like a private key, an access key or token, an SES SMTP password, or
/// a URL with a password is an error wherever it appears, even in a spec too broken to
/// deserialize: specs are committed.
pub fn inline_secrets(document: &serde_yaml::Value, locator: &Locator) -> Vec<InlineSecret> {
    let mut out = Vec::new();
    find_secrets(document, &mut Vec::new(), locator, &mut out);
    out
}

fn find_secrets(
    value: &serde_yaml::Value,
    path: &mut Vec<String>,
    locator: &Locator,
    out: &mut Vec<InlineSecret>,
) {
    match value {
        serde_yaml::Value::String(s) => {
            let found = find_secret(s).or_else(|| {
                // `password: hunter2`, even under a key the schema does not know: the key says
                // what the value is. Variable names (`credentials.keys.password`) are not secrets.
                let key = path.last()?;
                let names_a_variable = path.len() >= 3
                    && path[path.len() - 3..path.len() - 1] == ["credentials", "keys"];
                (is_secret_key_name(key) && !names_a_variable && !s.trim().is_empty()).then(|| {
                    let start = s.len() - s.trim_start().len();
                    FoundSecret {
                        kind: NAMED_SECRET,
                        range: start..start + s.trim().len(),
                        keep: 0,
                    }
                })
            });
            if let Some(found) = found {
                out.push(inline_secret(s, found, path, false, locator));
            }
        }
        serde_yaml::Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                find_secrets(item, path, locator, out);
                path.pop();
            }
        }
        serde_yaml::Value::Mapping(map) => {
            for (key, item) in map {
                if let Some(key) = key.as_str() {
                    path.push(key.to_string());
                    // A name (of a configuration set, a user, a tag) can be a pasted secret too.
                    if let Some(found) = find_secret(key) {
                        out.push(inline_secret(key, found, path, true, locator));
                    }
                    find_secrets(item, path, locator, out);
                    path.pop();
                }
            }
        }
        serde_yaml::Value::Tagged(tagged) => find_secrets(&tagged.value, path, locator, out),
        _ => {}
    }
}

/// The inline secret `found` in `s`, the value (or, with `is_key`, the key) at `path`.
fn inline_secret(
    s: &str,
    found: FoundSecret,
    path: &[String],
    is_key: bool,
    locator: &Locator,
) -> InlineSecret {
    let help = if found.kind == URL_PASSWORD {
        "remove `user:password@` from the URL and change the password if it was committed; \
         authenticate SNS deliveries another way, e.g. by verifying SNS message signatures"
    } else {
        "remove it now and rotate it if it was committed; reference secrets with `file:` or `env:`"
    };
    let secret = s[found.range.clone()].to_string();
    let masked = format!(
        "{}{}{}",
        &s[..found.range.start],
        mask(&secret, found.keep),
        &s[found.range.end..]
    );
    let (what, label) = if is_key {
        ("key", locator.key(path))
    } else {
        ("value", locator.value(path))
    };
    InlineSecret {
        diagnostic: Diagnostic::error(
            "inline-secret",
            format!(
                "this {what} {}; secrets never belong in the spec",
                found.kind
            ),
        )
        .at(label)
        .with_help(help),
        path: path.to_vec(),
        is_key,
        masked,
        secret,
        keep: found.keep,
    }
}

struct Checker<'a> {
    spec: &'a Spec,
    locator: &'a Locator<'a>,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// See [`Locator::repaired`].
    fn repaired(&self, path: Vec<String>) -> bool {
        self.locator.repaired(&path)
    }

    /// See [`Locator::repaired_within`].
    fn repaired_within(&self, path: Vec<String>) -> bool {
        self.locator.repaired_within(&path)
    }

    fn error_at_key(
        &mut self,
        code: &str,
        path: Vec<String>,
        message: String,
        help: Option<String>,
    ) {
        if !self.locator.repaired(&path) {
            self.push(code, self.locator.key(&path), message, help);
        }
    }

    /// An error about the name (the key) of a named entry: it stands even when the entry's
    /// value was replaced after a shape error, since the name is still the user's.
    fn error_at_name(
        &mut self,
        code: &str,
        path: Vec<String>,
        message: String,
        help: Option<String>,
    ) {
        if !self.locator.repaired(&path[..path.len().saturating_sub(1)]) {
            self.push(code, self.locator.key(&path), message, help);
        }
    }

    fn error_at_value(
        &mut self,
        code: &str,
        path: Vec<String>,
        message: String,
        help: Option<String>,
    ) {
        if !self.locator.repaired(&path) {
            self.push(code, self.locator.value(&path), message, help);
        }
    }

    fn push(
        &mut self,
        code: &str,
        label: crate::diagnostic::Label,
        message: String,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::error(code, message).at(label);
        if let Some(help) = help {
            d = d.with_help(help);
        }
        self.out.push(d);
    }

    /// A reference to a name in the spec; `kind` is the section it must be declared in.
    fn reference<'k>(
        &mut self,
        path: Vec<String>,
        name: &str,
        kind: &str,
        declared: impl Iterator<Item = &'k String> + Clone,
    ) {
        if declared.clone().any(|n| n == name) {
            return;
        }
        let help = match suggest(name, declared.map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("declare `{name}` under `{kind}`, or fix the name"),
        };
        self.error_at_value(
            "unknown-reference",
            path,
            format!("`{name}` is not declared under `{kind}`"),
            Some(help),
        );
    }

    fn header(&mut self) {
        if self.spec.version != 1 {
            self.error_at_value(
                "unsupported-version",
                spec_path!["version"],
                format!("spec version {} is not supported", self.spec.version),
                Some("this sesform reads `version: 1`".into()),
            );
        }
        if !names::is_ses_region(&self.spec.region) {
            let help = match suggest(&self.spec.region, names::SES_REGIONS.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("SES regions: {}", names::SES_REGIONS.join(", ")),
            };
            self.error_at_value(
                "unknown-region",
                spec_path!["region"],
                format!(
                    "`{}` is not a region where SES is available",
                    self.spec.region
                ),
                Some(help),
            );
        }
        if let Some(stack) = &self.spec.stack
            && let Err(why) = names::check_ses_name(stack)
        {
            self.error_at_value(
                "invalid-name",
                spec_path!["stack"],
                format!("stack name `{stack}` {why}"),
                None,
            );
        }
    }

    fn account(&mut self) {
        let Some(access) = self
            .spec
            .account
            .as_ref()
            .and_then(|a| a.production_access.as_ref())
        else {
            return;
        };
        let base = spec_path!["account", "production_access"];
        let url = &access.website_url;
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 12 {
            let mut path = base.clone();
            path.push("website_url".into());
            self.error_at_value(
                "invalid-value",
                path,
                format!("`{url}` is not a website URL"),
                Some("write the full URL, e.g. `https://example.com`".into()),
            );
        }
        if access.additional_contacts.len() > 4 {
            let mut path = base.clone();
            path.push("additional_contacts".into());
            self.error_at_key(
                "too-many",
                path,
                format!(
                    "{} additional contacts; SES accepts at most 4",
                    access.additional_contacts.len()
                ),
                None,
            );
        }
        for (i, contact) in access.additional_contacts.iter().enumerate() {
            if let Err(why) = names::check_email(contact) {
                self.error_at_value(
                    "invalid-value",
                    spec_path!["account", "production_access", "additional_contacts", i],
                    format!("`{contact}` {why}"),
                    None,
                );
            }
        }
        if access.use_case.as_ref().is_some_and(|u| u.len() > 5000) {
            self.error_at_value(
                "invalid-value",
                spec_path!["account", "production_access", "use_case"],
                "use_case is longer than the 5000 characters SES accepts".into(),
                None,
            );
        }
    }

    fn identities(&mut self) {
        let spec = self.spec;
        let mut seen = BTreeMap::new();
        for (name, identity) in &spec.identities {
            let base = spec_path!["identities", name];
            if let Some(first) = seen.insert(name.to_ascii_lowercase(), name) {
                self.error_at_name(
                    "duplicate-name",
                    base.clone(),
                    format!("identity `{name}` is the same identity as `{first}`: SES compares identities without regard to case"),
                    Some("keep one of them".into()),
                );
            }
            let is_email = name.contains('@');
            let checked = if is_email {
                names::check_email(name)
            } else {
                names::check_domain(name)
            };
            if let Err(why) = checked {
                let kind = if is_email { "email address" } else { "domain" };
                self.error_at_name(
                    "invalid-identity",
                    base.clone(),
                    format!("identity `{name}`: {kind} {why}"),
                    Some("identities are keyed by a domain (`example.com`) or an address (`noreply@example.com`)".into()),
                );
            }
            if is_email {
                for key in ["dkim", "mail_from"] {
                    let set = if key == "dkim" {
                        identity.dkim.is_some()
                    } else {
                        identity.mail_from.is_some()
                    };
                    if set {
                        let mut path = base.clone();
                        path.push(key.into());
                        self.error_at_key(
                            "domain-only",
                            path,
                            format!(
                                "`{key}` applies to domain identities, not to the address `{name}`"
                            ),
                            Some(format!(
                                "set `{key}` on the domain `{}` instead",
                                name.rsplit_once('@').map_or("", |(_, d)| d)
                            )),
                        );
                    }
                }
            }
            if let Some(dkim) = &identity.dkim {
                self.dkim(&base, dkim);
            }
            if let Some(mail_from) = &identity.mail_from
                && !is_email
            {
                let path = spec_path!["identities", name, "mail_from", "domain"];
                let domain = &mail_from.domain;
                if let Err(why) = names::check_domain(domain) {
                    self.error_at_value("invalid-value", path, format!("`{domain}` {why}"), None);
                } else if !domain.ends_with(&format!(".{name}")) {
                    self.error_at_value(
                        "invalid-value",
                        path,
                        format!("MAIL FROM domain `{domain}` is not a subdomain of `{name}`"),
                        Some(format!("use a subdomain such as `mail.{name}`")),
                    );
                }
            }
            if let Some(set) = &identity.configuration_set {
                self.reference(
                    spec_path!["identities", name, "configuration_set"],
                    set,
                    "configuration_sets",
                    spec.configuration_sets.keys(),
                );
            }
            self.tags(&base, &identity.tags);
        }
    }

    fn dkim(&mut self, base: &[String], dkim: &Dkim) {
        let mut path = base.to_vec();
        path.push("dkim".into());
        if dkim.easy.is_some() && dkim.byodkim.is_some() {
            self.error_at_key(
                "conflicting-keys",
                path.clone(),
                "`easy` and `byodkim` are alternatives; choose one".into(),
                None,
            );
        }
        if let Some(byodkim) = &dkim.byodkim {
            path.push("byodkim".into());
            let selector = &byodkim.selector;
            if selector.is_empty()
                || selector.len() > 63
                || !selector
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                let mut p = path.clone();
                p.push("selector".into());
                self.error_at_value(
                    "invalid-value",
                    p,
                    format!(
                        "DKIM selector `{selector}` must be one DNS label (letters, digits, `-`)"
                    ),
                    None,
                );
            }
            path.push("private_key".into());
            self.secret_source(path, &byodkim.private_key);
        }
    }

    fn secret_source(&mut self, path: Vec<String>, source: &SecretSource) {
        if self.locator.repaired_within(&path) {
            return;
        }
        match (&source.file, &source.env) {
            (None, Some(var)) if !names::is_env_var_name(var) => {
                let mut p = path;
                p.push("env".into());
                self.error_at_value(
                    "invalid-secret-source",
                    p,
                    format!("`{var}` is not an environment variable name"),
                    Some("use letters, digits and `_`, not starting with a digit, e.g. `DKIM_PRIVATE_KEY`".into()),
                );
            }
            (Some(_), None) | (None, Some(_)) => {}
            _ => self.error_at_key(
                "invalid-secret-source",
                path,
                "give exactly one of `file:` (a path) or `env:` (a variable name)".into(),
                Some("secrets are never written in the spec itself".into()),
            ),
        }
    }

    fn tags(&mut self, base: &[String], tags: &BTreeMap<String, String>) {
        let mut path = base.to_vec();
        path.push("tags".into());
        if tags.len() > MAX_USER_TAGS {
            self.error_at_key(
                "too-many",
                path.clone(),
                format!(
                    "{} tags; at most {MAX_USER_TAGS} (AWS allows 50, sesform uses 2)",
                    tags.len()
                ),
                None,
            );
        }
        for (key, value) in tags {
            let mut key_path = path.clone();
            key_path.push(key.clone());
            let problem = if key.is_empty() || key.len() > 128 {
                Some("tag keys are 1 to 128 characters".to_string())
            } else if key.to_ascii_lowercase().starts_with("aws:") {
                Some("tag keys starting with `aws:` are reserved by AWS".into())
            } else if key == MANAGED_BY_TAG || key.starts_with("sesform:") {
                Some(format!(
                    "`{key}` is reserved: sesform sets it to recognise what it manages"
                ))
            } else if value.len() > 256 {
                Some("tag values are at most 256 characters".into())
            } else {
                None
            };
            if let Some(problem) = problem {
                self.error_at_key(
                    "invalid-tag",
                    key_path,
                    format!("tag `{key}`: {problem}"),
                    None,
                );
            }
        }
    }

    fn configuration_sets(&mut self) {
        let spec = self.spec;
        for (name, set) in &spec.configuration_sets {
            let base = spec_path!["configuration_sets", name];
            if let Err(why) = names::check_ses_name(name) {
                self.error_at_name(
                    "invalid-name",
                    base.clone(),
                    format!("configuration set name `{name}` {why}"),
                    None,
                );
            }
            if let Some(tracking) = &set.tracking
                && let Err(why) = names::check_domain(&tracking.custom_redirect_domain)
            {
                self.error_at_value(
                    "invalid-value",
                    spec_path![
                        "configuration_sets",
                        name,
                        "tracking",
                        "custom_redirect_domain"
                    ],
                    format!("`{}` {why}", tracking.custom_redirect_domain),
                    None,
                );
            }
            self.tags(&base, &set.tags);
            if set.event_destinations.len() > MAX_EVENT_DESTINATIONS {
                self.error_at_key(
                    "too-many",
                    spec_path!["configuration_sets", name, "event_destinations"],
                    format!(
                        "{} event destinations; SES allows at most {MAX_EVENT_DESTINATIONS} per configuration set",
                        set.event_destinations.len()
                    ),
                    Some("merge destinations that share a target, or split the mail over two configuration sets".into()),
                );
            }
            for (dest_name, dest) in &set.event_destinations {
                self.event_destination(name, dest_name, dest);
            }
        }
    }

    fn event_destination(&mut self, set: &str, name: &str, dest: &EventDestination) {
        let base = spec_path!["configuration_sets", set, "event_destinations", name];
        if let Err(why) = names::check_ses_name(name) {
            self.error_at_name(
                "invalid-name",
                base.clone(),
                format!("event destination name `{name}` {why}"),
                None,
            );
        }
        let mut events_path = base.clone();
        events_path.push("events".into());
        if dest.events.is_empty() && !self.locator.repaired_within(&events_path) {
            self.error_at_key(
                "invalid-value",
                events_path.clone(),
                "an event destination needs at least one event type".into(),
                Some("e.g. `events: [BOUNCE, COMPLAINT, DELIVERY]`".into()),
            );
        }
        let mut seen = BTreeSet::new();
        for (i, event) in dest.events.iter().enumerate() {
            if !seen.insert(*event) {
                let mut path = events_path.clone();
                path.push(i.to_string());
                self.error_at_value(
                    "duplicate-event",
                    path,
                    format!("event type {} is listed twice", event.as_str()),
                    Some("event types are a set; remove the repetition".into()),
                );
            }
        }
        let targets: Vec<&str> = [
            dest.sns_topic.as_ref().map(|_| "sns_topic"),
            dest.cloudwatch.as_ref().map(|_| "cloudwatch"),
            dest.eventbridge.as_ref().map(|_| "eventbridge"),
            dest.firehose.as_ref().map(|_| "firehose"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let target_repaired = ["sns_topic", "cloudwatch", "eventbridge", "firehose"]
            .iter()
            .any(|t| {
                let mut p = base.clone();
                p.push(t.to_string());
                self.locator.repaired(&p)
            });
        if targets.len() != 1 && !target_repaired {
            let message = if targets.is_empty() {
                format!("event destination `{name}` has no target")
            } else {
                format!(
                    "event destination `{name}` has {} targets ({}); SES allows exactly one",
                    targets.len(),
                    targets.join(", ")
                )
            };
            self.error_at_key(
                "destination-target",
                base.clone(),
                message,
                Some("give exactly one of `sns_topic`, `cloudwatch`, `eventbridge`, `firehose`; use two destinations for two targets".into()),
            );
        }
        self.sns_target(&base, dest);
        self.cloudwatch_target(&base, dest);
        self.arn_targets(&base, dest);
    }

    /// A topic of the spec, or the ARN of a standard topic in the spec's region.
    fn sns_target(&mut self, base: &[String], dest: &EventDestination) {
        let base = base.to_vec();
        if let Some(topic) = &dest.sns_topic {
            let mut path = base.clone();
            path.push("sns_topic".into());
            if topic.starts_with("arn:") {
                if let Err(why) = names::check_arn(topic, "sns") {
                    self.error_at_value("invalid-arn", path, format!("`{topic}` {why}"), None);
                } else if topic.ends_with(".fifo") {
                    self.error_at_value(
                        "invalid-arn",
                        path,
                        format!("`{topic}` is a FIFO topic; SES publishes events only to standard topics"),
                        None,
                    );
                } else if names::is_ses_region(&self.spec.region)
                    && topic.split(':').nth(3) != Some(self.spec.region.as_str())
                {
                    self.error_at_value(
                        "invalid-arn",
                        path,
                        format!(
                            "topic `{topic}` is not in the spec's region `{}`",
                            self.spec.region
                        ),
                        Some("SES publishes events only to topics in its own region".into()),
                    );
                }
            } else {
                self.reference(path, topic, "sns_topics", self.spec.sns_topics.keys());
            }
        }
    }

    /// At least one dimension, each name and default value as CloudWatch accepts them.
    fn cloudwatch_target(&mut self, base: &[String], dest: &EventDestination) {
        let mut dimensions = base.to_vec();
        dimensions.extend(["cloudwatch".to_string(), "dimensions".to_string()]);
        if let Some(cw) = &dest.cloudwatch
            && cw.dimensions.is_empty()
            && !self.locator.repaired_within(&dimensions)
        {
            let path = dimensions.clone();
            self.error_at_key(
                "invalid-value",
                path,
                "CloudWatch needs at least one dimension".into(),
                None,
            );
        }
        if let Some(cw) = &dest.cloudwatch {
            for (i, dimension) in cw.dimensions.iter().enumerate() {
                let mut path = dimensions.clone();
                path.push(i.to_string());
                for (key, value, check) in [
                    (
                        "name",
                        &dimension.name,
                        names::check_dimension_name as fn(&str) -> Result<(), String>,
                    ),
                    (
                        "default_value",
                        &dimension.default_value,
                        names::check_dimension_value,
                    ),
                ] {
                    if let Err(why) = check(value) {
                        let mut p = path.clone();
                        p.push(key.into());
                        self.error_at_value(
                            "invalid-value",
                            p,
                            format!("CloudWatch dimension {key} `{value}` {why}"),
                            None,
                        );
                    }
                }
            }
        }
    }

    /// The EventBridge bus and the Firehose stream and role, by ARN.
    fn arn_targets(&mut self, base: &[String], dest: &EventDestination) {
        let base = base.to_vec();
        if let Some(bus) = dest
            .eventbridge
            .as_ref()
            .and_then(|e| e.event_bus_arn.as_ref())
            && let Err(why) = names::check_arn(bus, "events")
        {
            let mut path = base.clone();
            path.extend(["eventbridge".to_string(), "event_bus_arn".to_string()]);
            self.error_at_value("invalid-arn", path, format!("`{bus}` {why}"), None);
        }
        if let Some(firehose) = &dest.firehose {
            for (key, arn, service) in [
                (
                    "delivery_stream_arn",
                    &firehose.delivery_stream_arn,
                    "firehose",
                ),
                ("iam_role_arn", &firehose.iam_role_arn, "iam"),
            ] {
                if let Err(why) = names::check_arn(arn, service) {
                    let mut path = base.clone();
                    path.extend(["firehose".to_string(), key.to_string()]);
                    self.error_at_value("invalid-arn", path, format!("`{arn}` {why}"), None);
                }
            }
        }
    }

    fn sns_topics(&mut self) {
        for (name, topic) in &self.spec.sns_topics {
            let base = spec_path!["sns_topics", name];
            if let Err(why) = names::check_topic_name(name) {
                self.error_at_name(
                    "invalid-name",
                    base.clone(),
                    format!("topic name `{name}` {why}"),
                    None,
                );
            }
            self.tags(&base, &topic.tags);
            let mut seen = BTreeSet::new();
            for (i, sub) in topic.subscriptions.iter().enumerate() {
                let path = spec_path!["sns_topics", name, "subscriptions", i, "endpoint"];
                // Both checks compare the protocol with the endpoint.
                if self.repaired(spec_path![
                    "sns_topics",
                    name,
                    "subscriptions",
                    i,
                    "protocol"
                ]) {
                    continue;
                }
                if !seen.insert((sub.protocol, sub.endpoint.as_str())) {
                    self.error_at_value(
                        "duplicate-subscription",
                        path.clone(),
                        format!(
                            "{} subscription to `{}` is listed twice",
                            sub.protocol.as_str(),
                            sub.endpoint
                        ),
                        None,
                    );
                }
                if let Err(why) = check_endpoint(sub.protocol, &sub.endpoint) {
                    self.error_at_value("invalid-endpoint", path, why, None);
                }
            }
        }
    }

    fn smtp_users(&mut self) {
        let spec = self.spec;
        let mut seen = BTreeMap::new();
        for (name, user) in &spec.smtp_users {
            let base = spec_path!["smtp_users", name];
            if let Some(first) = seen.insert(name.to_ascii_lowercase(), name) {
                self.error_at_name(
                    "duplicate-name",
                    base.clone(),
                    format!("IAM user name `{name}` is the same as `{first}`: IAM user names are unique without regard to case"),
                    Some("rename one of them".into()),
                );
            }
            if let Err(why) = names::check_iam_user_name(name) {
                self.error_at_name(
                    "invalid-name",
                    base.clone(),
                    format!("IAM user name `{name}` {why}"),
                    None,
                );
            }
            if let Some(path) = &user.path
                && let Err(why) = names::check_iam_path(path)
            {
                self.error_at_value(
                    "invalid-value",
                    spec_path!["smtp_users", name, "path"],
                    format!("IAM path `{path}` {why}"),
                    None,
                );
            }
            if user.allow_from.is_empty()
                && !self.repaired_within(spec_path!["smtp_users", name, "allow_from"])
            {
                self.error_at_key(
                    "invalid-value",
                    spec_path!["smtp_users", name, "allow_from"],
                    "allow_from is empty, so the user could send nothing".into(),
                    Some("list the From addresses, e.g. `[\"*@example.com\"]`".into()),
                );
            }
            for (i, pattern) in user.allow_from.iter().enumerate() {
                if let Err(why) = check_from_pattern(pattern) {
                    self.error_at_value(
                        "invalid-value",
                        spec_path!["smtp_users", name, "allow_from", i],
                        format!("`{pattern}` {why}"),
                        None,
                    );
                }
            }
            if let Some(credentials) = &user.credentials
                && !self.repaired_within(spec_path!["smtp_users", name, "credentials"])
            {
                let path = spec_path!["smtp_users", name, "credentials"];
                match (&credentials.dotenv, credentials.stdout) {
                    (Some(_), true) | (None, false) => self.error_at_key(
                        "invalid-credentials",
                        path,
                        "give exactly one destination: `dotenv: <path>` or `stdout: true`".into(),
                        None,
                    ),
                    (None, true)
                        if !credentials.keys.is_empty() || credentials.preset.is_some() =>
                    {
                        self.error_at_key(
                            "invalid-credentials",
                            path,
                            "`keys` and `preset` name dotenv variables; they need `dotenv:`".into(),
                            None,
                        )
                    }
                    _ => {}
                }
            }
            self.tags(&base, &user.tags);
        }
    }

    fn clients(&mut self) {
        let spec = self.spec;
        for (name, client) in &spec.clients {
            if client.path.trim().is_empty() {
                self.error_at_value(
                    "invalid-value",
                    spec_path!["clients", name, "path"],
                    "client path is empty".into(),
                    None,
                );
            }
            if let Some(user) = &client.smtp_user {
                self.reference(
                    spec_path!["clients", name, "smtp_user"],
                    user,
                    "smtp_users",
                    spec.smtp_users.keys(),
                );
            }
            if let Some(set) = &client.configuration_set {
                self.reference(
                    spec_path!["clients", name, "configuration_set"],
                    set,
                    "configuration_sets",
                    spec.configuration_sets.keys(),
                );
            }
            if let Some(ping) = client.ping_threshold
                && !(1..10).contains(&ping)
            {
                self.error_at_value(
                    "invalid-value",
                    spec_path!["clients", name, "ping_threshold"],
                    format!("ping_threshold {ping} must be 1 to 9 seconds"),
                    Some("SES closes SMTP connections idle for about 10 s; a higher threshold lets them die".into()),
                );
            }
            if client.restart_threshold == Some(0) {
                self.error_at_value(
                    "invalid-value",
                    spec_path!["clients", name, "restart_threshold"],
                    "restart_threshold must be at least 1 message".into(),
                    None,
                );
            }
            if let Some(lint) = &client.lint {
                for (key, rules) in [("select", &lint.select), ("ignore", &lint.ignore)] {
                    for (i, rule) in rules.iter().enumerate() {
                        if !super::rule_names::RULE_NAMES.contains(&rule.as_str()) {
                            let help = super::rule_names::suggest(rule)
                                .map(|s| format!("did you mean `{s}`?"))
                                .or_else(|| Some("`sesform rule --all` lists the rules".into()));
                            self.error_at_value(
                                "unknown-rule",
                                spec_path!["clients", name, "lint", key, i.to_string()],
                                format!("`{rule}` is not a lint rule"),
                                help,
                            );
                        }
                    }
                }
            }
        }
    }
}

const NAMED_SECRET: &str = "is under a key that names a secret";

fn check_endpoint(protocol: SubscriptionProtocol, endpoint: &str) -> Result<(), String> {
    use SubscriptionProtocol::*;
    match protocol {
        Https if !endpoint.starts_with("https://") => Err(format!(
            "https endpoint `{endpoint}` must start with `https://`"
        )),
        Http if !endpoint.starts_with("http://") => Err(format!(
            "http endpoint `{endpoint}` must start with `http://`"
        )),
        Email | EmailJson => {
            names::check_email(endpoint).map_err(|why| format!("`{endpoint}` {why}"))
        }
        Sqs => names::check_arn(endpoint, "sqs").map_err(|why| format!("`{endpoint}` {why}")),
        Lambda => names::check_arn(endpoint, "lambda").map_err(|why| format!("`{endpoint}` {why}")),
        Firehose => {
            names::check_arn(endpoint, "firehose").map_err(|why| format!("`{endpoint}` {why}"))
        }
        _ => Ok(()),
    }
}

fn check_from_pattern(pattern: &str) -> Result<(), String> {
    if pattern == "*" {
        return Ok(());
    }
    match pattern.strip_prefix("*@") {
        Some(domain) => names::check_domain(domain).map_err(|why| format!("domain {why}")),
        None => names::check_email(pattern)
            .map_err(|why| format!("{why}; use an address, `*@domain` or `*`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_patterns() {
        assert!(check_from_pattern("*").is_ok());
        assert!(check_from_pattern("*@example.com").is_ok());
        assert!(check_from_pattern("noreply@example.com").is_ok());
        assert!(check_from_pattern("example.com").is_err());
        assert!(check_from_pattern("*@bad").is_err());
    }
}
