//! The spec's error codes (`unknown-key`, `unknown-reference`, ...) and their documentation.
//!
//! The registry is one file, `docs/spec-errors.md`: each `## code` section is that code's
//! documentation (what it means, an example, the fix), printed by `sesform rule CODE` and read
//! on GitHub. A test checks that every code the validator can emit has a section, and that
//! every section is a code the validator emits.

/// The documentation file, compiled in.
const DOC: &str = include_str!("../../docs/spec-errors.md");

/// One spec error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    pub name: &'static str,
    /// The section's text, Markdown, without its `## name` heading.
    pub doc: &'static str,
}

impl Code {
    /// The first sentence of the documentation, on one line.
    pub fn summary(&self) -> String {
        let paragraph = self
            .doc
            .trim_start()
            .split("\n\n")
            .next()
            .unwrap_or_default();
        let line = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        match line.find(". ") {
            Some(end) => line[..end].to_string(),
            None => line.trim_end_matches('.').to_string(),
        }
    }
}

/// Every code, in the order of the documentation.
pub fn all() -> impl Iterator<Item = Code> {
    DOC.split("\n## ").skip(1).map(|section| {
        let (name, doc) = section.split_once('\n').unwrap_or((section, ""));
        Code {
            name: name.trim(),
            doc,
        }
    })
}

pub fn find(name: &str) -> Option<Code> {
    all().find(|code| code.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The code-like (kebab-case) string literals of the validator's sources, tests left out.
    fn literals() -> BTreeSet<String> {
        let sources = [
            include_str!("load.rs"),
            include_str!("semantic.rs"),
            include_str!("structure.rs"),
            include_str!("positions.rs"),
            include_str!("document.rs"),
            include_str!("names.rs"),
            include_str!("../cli/validate.rs"),
        ];
        let mut found = BTreeSet::new();
        for source in sources {
            let code = source.split("#[cfg(test)]\nmod tests").next().unwrap();
            // `"` + kebab-case + `"`: nothing else can sit between two quotes like that.
            let mut rest = code;
            while let Some(start) = rest.find('"') {
                rest = &rest[start + 1..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
                    .unwrap_or(rest.len());
                let literal = &rest[..end];
                if rest[end..].starts_with('"')
                    && literal.contains('-')
                    && !literal.starts_with('-')
                    && !literal.ends_with('-')
                {
                    found.insert(literal.to_string());
                    rest = &rest[end + 1..];
                }
            }
        }
        found
    }

    /// Kebab-case literals of the validator that are not codes: region names, a tag key, a
    /// serde renaming, an SNS protocol.
    fn not_a_code(literal: &str) -> bool {
        let region = literal
            .rsplit_once('-')
            .is_some_and(|(_, n)| n.chars().all(|c| c.is_ascii_digit()));
        region
            || literal == "eu-west1"
            || ["managed-by", "kebab-case", "email-json"].contains(&literal)
    }

    #[test]
    fn every_code_the_validator_emits_is_documented_and_no_other() {
        let emitted: BTreeSet<String> = literals().into_iter().filter(|l| !not_a_code(l)).collect();
        let documented: BTreeSet<String> = all().map(|c| c.name.to_string()).collect();
        let undocumented: Vec<_> = emitted.difference(&documented).collect();
        assert!(
            undocumented.is_empty(),
            "add a section to docs/spec-errors.md for {undocumented:?}"
        );
        let stale: Vec<_> = documented.difference(&emitted).collect();
        assert!(stale.is_empty(), "documented but never emitted: {stale:?}");
        assert!(documented.len() > 30, "{documented:?}");
    }

    #[test]
    fn every_section_has_a_summary_and_a_fix() {
        let mut names = BTreeSet::new();
        for code in all() {
            assert!(names.insert(code.name), "{} twice", code.name);
            assert!(!code.summary().is_empty(), "{}", code.name);
            // The two without an example or fix say why in words.
            if !["invalid-spec"].contains(&code.name) {
                assert!(code.doc.contains("### Fix"), "{}: no fix", code.name);
            }
        }
        assert_eq!(
            find("unknown-key").unwrap().summary(),
            "A key the spec does not define at this place: a typo, or a key at the wrong level"
        );
        assert!(find("ping-threshold").is_none());
    }

    /// Spec codes and lint rules share `sesform rule NAME`, so no name may be both.
    #[test]
    fn no_code_is_also_a_lint_rule() {
        for code in all() {
            assert!(
                crate::lint::registry::find(code.name).is_none(),
                "{}",
                code.name
            );
        }
    }
}
