//! Installed versions from `composer.lock`: which Laravel, Symfony Mailer and SES bridge an app
//! really runs, since several rules depend on it.

use std::collections::HashMap;

use serde::Deserialize;

use super::files::{FileId, Origin};
use super::version::Version;

/// Packages whose versions change how mail is sent.
pub const LARAVEL: &str = "laravel/framework";
pub const PHPDOTENV: &str = "vlucas/phpdotenv";
pub const SYMFONY_MAILER: &str = "symfony/mailer";
pub const SYMFONY_FRAMEWORK: &str = "symfony/framework-bundle";
pub const SYMFONY_AMAZON_MAILER: &str = "symfony/amazon-mailer";
const TRACKED: &[&str] = &[
    LARAVEL,
    SYMFONY_MAILER,
    SYMFONY_FRAMEWORK,
    SYMFONY_AMAZON_MAILER,
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub version: Version,
    /// The version as written, e.g. `v10.48.4`.
    pub raw: String,
    /// Where the version is written in composer.lock.
    pub at: Origin,
}

#[derive(Debug, Clone, Default)]
pub struct Lock {
    packages: HashMap<&'static str, Package>,
}

impl Lock {
    pub fn get(&self, name: &str) -> Option<&Package> {
        self.packages.get(name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockError {
    pub offset: usize,
    pub message: String,
}

#[derive(Deserialize)]
struct LockFile {
    #[serde(default)]
    packages: Vec<LockedPackage>,
    #[serde(default, rename = "packages-dev")]
    packages_dev: Vec<LockedPackage>,
}

#[derive(Deserialize)]
struct LockedPackage {
    name: String,
    #[serde(default)]
    version: String,
}

pub fn parse(text: &str, file: FileId) -> Result<Lock, LockError> {
    let lock: LockFile = serde_json::from_str(text).map_err(|e| LockError {
        offset: offset_of(text, e.line(), e.column()),
        message: format!("composer.lock is not valid JSON: {e}"),
    })?;
    let mut packages = HashMap::new();
    for package in lock.packages.iter().chain(&lock.packages_dev) {
        let Some(&name) = TRACKED.iter().find(|n| **n == package.name) else {
            continue;
        };
        let Some(version) = Version::parse(&package.version) else {
            continue;
        };
        packages.insert(
            name,
            Package {
                version,
                raw: package.version.clone(),
                at: Origin::new(file, version_span(text, name, &package.version)),
            },
        );
    }
    Ok(Lock { packages })
}

/// The span of `"version": "..."` in the package's object (composer writes name first).
fn version_span(text: &str, name: &str, version: &str) -> std::ops::Range<usize> {
    let needle = format!("\"{name}\"");
    let Some(name_at) = text.find(&needle) else {
        return 0..0;
    };
    let quoted = format!("\"{version}\"");
    match text[name_at..].find(&quoted) {
        Some(i) => name_at + i..name_at + i + quoted.len(),
        None => name_at..name_at + needle.len(),
    }
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_versions_with_positions() {
        let text = r#"{
    "packages": [
        {
            "name": "laravel/framework",
            "version": "v10.48.4",
            "source": {}
        },
        { "name": "symfony/mailer", "version": "v6.4.8" }
    ],
    "packages-dev": [ { "name": "symfony/amazon-mailer", "version": "dev-main" } ]
}"#;
        let lock = parse(text, 3).unwrap();
        let laravel = lock.get(LARAVEL).unwrap();
        assert_eq!(laravel.version, Version::new(10, 48, 4));
        assert_eq!(&text[laravel.at.span.clone()], "\"v10.48.4\"");
        assert_eq!(
            lock.get(SYMFONY_MAILER).unwrap().version,
            Version::new(6, 4, 8)
        );
        // A branch without a version number tells nothing.
        assert!(lock.get(SYMFONY_AMAZON_MAILER).is_none());
    }

    #[test]
    fn malformed_lock_files_have_a_position() {
        let err = parse("{\n  \"packages\": [\n    {\"name\": }\n  ]\n}", 0).unwrap_err();
        assert_eq!(err.offset, "{\n  \"packages\": [\n    {\"name\": ".len());
        assert!(err.message.starts_with("composer.lock is not valid JSON"));
    }
}
