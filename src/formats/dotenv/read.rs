//! One env file's values, as the app's dotenv library would load them, for callers that need
//! values, not positions (`sesform smtp check`). Errors name the line and the variable, never
//! a value: the file holds passwords.

use std::collections::{HashMap, HashSet};

use super::{Budget, DotenvError, Scope, phpdotenv, symfony};

/// Which library reads the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// vlucas/phpdotenv (Laravel), in the version the app installs.
    PhpDotenv(phpdotenv::Version),
    /// symfony/dotenv.
    Symfony,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::PhpDotenv(version) => version.name(),
            Dialect::Symfony => "symfony/dotenv",
        }
    }
}

/// A file's variables, later definitions winning.
#[derive(Debug, Default, Clone)]
pub struct Values {
    known: HashMap<String, String>,
    /// Names whose value sesform cannot know: it runs a command (`$(...)`), or expansion made
    /// it too large.
    unknown: HashSet<String>,
}

impl Values {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.known.get(name).map(String::as_str)
    }

    /// Whether `name` is set to a value sesform does not compute.
    pub fn is_unknown(&self, name: &str) -> bool {
        self.unknown.contains(name)
    }
}

/// Why a file does not load: where, which variable (when the line names one) and what the
/// library objects to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {}{cause} (as {dialect} reads it)", name.as_ref().map(|n| format!("{n}: ")).unwrap_or_default())]
pub struct ReadError {
    pub line: usize,
    pub name: Option<String>,
    pub cause: String,
    pub dialect: &'static str,
}

/// Reads `text` as `dialect` does. `process` is the environment `${NAME}` falls back to.
pub fn read(
    dialect: Dialect,
    text: &str,
    process: &HashMap<String, String>,
) -> Result<Values, ReadError> {
    let earlier = HashMap::new();
    let budget = Budget::default();
    let scope = Scope {
        process,
        earlier: &earlier,
        budget: &budget,
    };
    let entries = match dialect {
        Dialect::PhpDotenv(version) => phpdotenv::parse_as(version, text, 0, &scope),
        Dialect::Symfony => symfony::parse(text, 0, &scope),
    }
    .map_err(|e| read_error(dialect, text, &e))?;
    let mut values = Values::default();
    for entry in entries {
        match entry.value {
            Some(value) => {
                values.unknown.remove(&entry.name);
                values.known.insert(entry.name, value.as_str().to_string());
            }
            None => {
                values.known.remove(&entry.name);
                values.unknown.insert(entry.name);
            }
        }
    }
    Ok(values)
}

fn read_error(dialect: Dialect, text: &str, error: &DotenvError) -> ReadError {
    let offset = error.offset.min(text.len());
    // The line the error is on, or the last line when it is past the final newline.
    let before = text[..offset].trim_end_matches(['\n', '\r']);
    let before = if offset == text.len() {
        before
    } else {
        &text[..offset]
    };
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    ReadError {
        line,
        name: assigned_name(&text[start..]),
        cause: error.cause.clone(),
        dialect: dialect.name(),
    }
}

/// The variable a line assigns (`NAME=`, `export NAME=`), when it looks like one.
fn assigned_name(line: &str) -> Option<String> {
    let line = line.trim_start();
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let (name, _) = line.split_once('=')?;
    let name = name.trim_end();
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.');
    valid.then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const V5: Dialect = Dialect::PhpDotenv(phpdotenv::Version::V5);

    fn values(dialect: Dialect, text: &str) -> Values {
        let process = HashMap::from([("FROM_ENV".to_string(), "env-value".to_string())]);
        read(dialect, text, &process).unwrap()
    }

    #[test]
    fn each_dialect_reads_as_its_library() {
        let text = "A=1\nexport BB=two\nG=pass#word\nH=\nD='single $A'\nZ=${FROM_ENV}\nA=2\n";
        let symfony = values(Dialect::Symfony, text);
        let laravel = values(V5, text);
        for v in [&symfony, &laravel] {
            assert_eq!(v.get("A"), Some("2"));
            assert_eq!(v.get("BB"), Some("two"));
            assert_eq!(v.get("H"), Some(""));
            assert_eq!(v.get("D"), Some("single $A"));
            assert_eq!(v.get("Z"), Some("env-value"));
        }
        // `#` after a non-blank: kept by Symfony, a comment for phpdotenv.
        assert_eq!(symfony.get("G"), Some("pass#word"));
        assert_eq!(laravel.get("G"), Some("pass"));
        let v = values(Dialect::Symfony, "DSN=$(cat secret)\n");
        assert!(v.is_unknown("DSN"));
        assert_eq!(v.get("DSN"), None);
    }

    #[test]
    fn errors_name_the_line_and_variable_not_the_value() {
        for dialect in [V5, Dialect::Symfony] {
            let err = read(dialect, "A=1\nMAIL_PASSWORD=se cret\n", &HashMap::new()).unwrap_err();
            assert_eq!(err.line, 2, "{dialect:?}");
            assert_eq!(err.name.as_deref(), Some("MAIL_PASSWORD"));
            assert!(!err.to_string().contains("cret"), "{err}");
        }
        let err = read(V5, "A=1\nMAIL_PASSWORD='secret\n", &HashMap::new()).unwrap_err();
        assert_eq!((err.line, err.name.as_deref()), (2, Some("MAIL_PASSWORD")));
        assert!(!err.to_string().contains("secret"), "{err}");
        assert!(err.to_string().contains("phpdotenv v5"), "{err}");
    }
}
