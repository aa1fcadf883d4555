//! SARIF 2.1.0 (OASIS), the format code scanning tools (GitHub, GitLab, Azure DevOps) import.
//! One run, the tool's rules as `reportingDescriptor`s, one result per diagnostic.

use serde_json::{Value, json};

use super::findings::end_of;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::SourceFile;

/// What SARIF says about a rule.
pub struct SarifRule<'a> {
    pub id: &'a str,
    pub summary: &'a str,
    /// Markdown documentation.
    pub help: String,
    pub level: Severity,
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

/// The base id relative paths are resolved against: the directory lint ran in, given in the
/// run's `originalUriBaseIds`, so code scanning maps them to the checkout.
const SRCROOT: &str = "%SRCROOT%";

fn location(label: &Label, sources: &[&SourceFile]) -> Value {
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
            "artifactLocation": artifact(&label.file),
            "region": region,
        }
    })
}

/// A file's location: relative paths against [`SRCROOT`], absolute ones as `file://` URIs.
fn artifact(path: &str) -> Value {
    let path = path.replace('\\', "/");
    if path.starts_with('/') {
        json!({ "uri": format!("file://{}", uri(&path)) })
    } else {
        json!({ "uri": uri(&path), "uriBaseId": SRCROOT })
    }
}

/// `root` is the directory relative paths are relative to (the working directory).
pub fn sarif(
    diagnostics: &[Diagnostic],
    sources: &[&SourceFile],
    rules: &[SarifRule],
    root: &std::path::Path,
) -> String {
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "help": { "text": r.help, "markdown": r.help },
                "defaultConfiguration": { "level": level(r.level) },
            })
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
                result["locations"] = json!([location(l, sources)]);
            }
            if !d.related.is_empty() {
                let related: Vec<Value> = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let mut loc = location(l, sources);
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
                    "rules": descriptors,
                }
            },
            "originalUriBaseIds": {
                SRCROOT: { "uri": format!("file://{}/", uri(root.to_string_lossy().trim_end_matches('/'))) }
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
