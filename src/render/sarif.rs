//! SARIF 2.1.0 (OASIS), the format code scanning tools (GitHub, GitLab, Azure DevOps) import.
//! One run, the tool's rules as `reportingDescriptor`s, one result per diagnostic.

use serde_json::{Value, json};

use super::diagnostics::end_of;
use super::paths::Paths;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::SourceFile;

/// Where sesform's documentation is published: the repository's default branch.
pub const REPOSITORY: &str = "https://github.com/sesform/sesform";

/// A page of the documentation (`docs/lint.md`), at an anchor when given.
pub fn docs_uri(page: &str, anchor: Option<&str>) -> String {
    let mut uri = format!("{REPOSITORY}/blob/main/{page}");
    if let Some(anchor) = anchor {
        uri.push('#');
        uri.push_str(anchor);
    }
    uri
}

/// What SARIF says about a rule.
pub struct SarifRule<'a> {
    pub id: &'a str,
    pub summary: &'a str,
    /// Markdown documentation.
    pub help: String,
    pub level: Severity,
    /// The rule's documentation page.
    pub help_uri: String,
    /// GitHub's `security-severity` (a CVSS-like score, "0.0" to "10.0") for rules about
    /// security, which makes code scanning file them as security alerts.
    pub security_severity: Option<&'a str>,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference: `/` separators, unreserved characters kept.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The base id relative paths are resolved against: the repository root (else the directory
/// lint ran in), given in the run's `originalUriBaseIds`, so code scanning maps them to the
/// checkout.
const SRCROOT: &str = "%SRCROOT%";

fn location(label: &Label, sources: &[&SourceFile], paths: &Paths) -> Value {
    let (end_line, end_column) = end_of(label, sources);
    let mut region = json!({
        "startLine": label.line,
        "startColumn": label.column,
    });
    if (end_line, end_column) > (label.line, label.column) {
        region["endLine"] = json!(end_line);
        region["endColumn"] = json!(end_column);
    }
    json!({
        "physicalLocation": {
            "artifactLocation": artifact(&label.file, paths),
            "region": region,
        }
    })
}

/// A file's location: relative to the root against [`SRCROOT`], files outside it as absolute
/// `file://` URIs.
fn artifact(path: &str, paths: &Paths) -> Value {
    match paths.relative(path) {
        Some(relative) => json!({ "uri": uri(&relative), "uriBaseId": SRCROOT }),
        None => json!({ "uri": file_uri(&paths.absolute(path)) }),
    }
}

/// An absolute path as a `file://` URI (`file:///C:/...` on Windows).
fn file_uri(path: &std::path::Path) -> String {
    let path = path.to_string_lossy().replace('\\', "/");
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    format!("file://{}", uri(&path))
}

/// `paths` makes files relative to the repository root.
pub fn sarif(
    diagnostics: &[Diagnostic],
    sources: &[&SourceFile],
    rules: &[SarifRule],
    paths: &Paths,
) -> String {
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|r| {
            let mut rule = json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "helpUri": r.help_uri,
                "help": { "text": r.help, "markdown": r.help },
                "defaultConfiguration": { "level": level(r.level) },
            });
            if let Some(score) = r.security_severity {
                rule["properties"] = json!({
                    "tags": ["security"],
                    "security-severity": score,
                });
            }
            rule
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str(&format!("\nhelp: {help}"));
            }
            for note in &d.notes {
                text.push_str(&format!("\nnote: {note}"));
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": text },
            });
            if let Some(i) = rules.iter().position(|r| r.id == d.code) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(l) = &d.location {
                result["locations"] = json!([location(l, sources, paths)]);
            }
            if !d.related.is_empty() {
                let related: Vec<Value> = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let mut loc = location(l, sources, paths);
                        loc["id"] = json!(i + 1);
                        if !l.message.is_empty() {
                            loc["message"] = json!({ "text": l.message });
                        }
                        loc
                    })
                    .collect();
                result["relatedLocations"] = json!(related);
            }
            result
        })
        .collect();
    let value = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "sesform",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": format!("{REPOSITORY}#readme"),
                    "rules": descriptors,
                }
            },
            "originalUriBaseIds": {
                SRCROOT: { "uri": format!("{}/", file_uri(paths.root()).trim_end_matches('/')) }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&value).expect("sarif serializes")
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri("apps/my app/.env"), "apps/my%20app/.env");
        assert_eq!(uri("a\\b.php"), "a/b.php");
    }
}
