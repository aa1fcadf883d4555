//! GitLab Code Quality reports (`artifacts:reports:codequality`): a JSON array of issues,
//! each with a `fingerprint` GitLab uses to tell new findings from old ones in merge requests.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::paths::Paths;
use crate::diagnostic::{Diagnostic, Severity};

/// GitLab's scale is info, minor, major, critical, blocker: an error breaks mail (major), a
/// warning may (minor).
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// Stable across runs and machines: the rule, the file relative to the repository root, the
/// line and the message, so a finding keeps its fingerprint until one of them changes.
fn fingerprint(rule: &str, path: &str, line: usize, message: &str) -> String {
    let mut hash = Sha256::new();
    for part in [rule, path, &line.to_string(), message] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hex::encode(hash.finalize())
}

/// Files relative to the repository root, as GitLab names them; a finding without a file
/// (none of lint's have one) points at the root, line 1.
pub fn gitlab(diagnostics: &[Diagnostic], paths: &Paths) -> String {
    let issues: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let (path, line) = match &d.location {
                Some(l) => (
                    paths.relative(&l.file).unwrap_or_else(|| l.file.clone()),
                    l.line,
                ),
                None => (".".to_string(), 1),
            };
            let mut description = d.message.clone();
            if let Some(help) = &d.help {
                description.push_str(&format!(" (help: {help})"));
            }
            json!({
                "description": description,
                "check_name": d.code,
                "fingerprint": fingerprint(&d.code, &path, line, &d.message),
                "severity": severity(d.severity),
                "location": { "path": path, "lines": { "begin": line } },
            })
        })
        .collect();
    serde_json::to_string_pretty(&issues).expect("code quality serializes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Label;

    fn at(file: &str, line: usize) -> Diagnostic {
        Diagnostic::warning("ping-threshold", "no ping_threshold").at(Label {
            file: file.into(),
            line,
            column: 1,
            span: 0..0,
            message: String::new(),
            lost: false,
        })
    }

    #[test]
    fn issues_are_relative_and_fingerprinted() {
        let paths = Paths::new("/repo/apps".into(), "/repo".into());
        let out: Value = serde_json::from_str(&gitlab(&[at("shop/.env", 3)], &paths)).unwrap();
        let issue = &out[0];
        assert_eq!(issue["check_name"], "ping-threshold");
        assert_eq!(issue["severity"], "minor");
        assert_eq!(issue["location"]["path"], "apps/shop/.env");
        assert_eq!(issue["location"]["lines"]["begin"], 3);
        // The same finding seen from the root has the same fingerprint; another line not.
        let root = Paths::new("/repo".into(), "/repo".into());
        let same: Value = serde_json::from_str(&gitlab(&[at("apps/shop/.env", 3)], &root)).unwrap();
        assert_eq!(same[0]["fingerprint"], issue["fingerprint"]);
        let moved: Value =
            serde_json::from_str(&gitlab(&[at("apps/shop/.env", 4)], &root)).unwrap();
        assert_ne!(moved[0]["fingerprint"], issue["fingerprint"]);
        assert_eq!(issue["fingerprint"].as_str().unwrap().len(), 64);
    }
}
