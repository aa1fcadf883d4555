//! Evaluated configuration values, each with where it was written and how it was read.
//!
//! PHP config arrays and Symfony YAML both evaluate to [`Node`]s. A node knows its value, the
//! place that set the value (`at`: the `.env` line, the literal, the `env()` default) and the
//! config expression that read it (`expr`), so findings can show both.

use super::files::Origin;
use super::traced::Traced;

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Traced),
    /// A PHP array or YAML mapping/sequence, in order; list items have keys "0", "1", ...
    Map(Vec<(String, Node)>),
    /// Something sesform does not evaluate (a function call, a shell command, a missing env
    /// var in Symfony): rules skip it rather than guess.
    Unknown,
}

/// How an env var reference was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvOutcome {
    /// Set in an env file (see [`super::env::Env`] for which one).
    File,
    /// Set in the process environment, which wins over every file.
    Process,
    /// Not set; the config's default applies.
    Default,
    /// Not set and no default.
    Unset,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvUse {
    pub name: String,
    pub outcome: EnvOutcome,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub val: Val,
    /// Where the effective value is written.
    pub at: Origin,
    /// The config expression that produced it.
    pub expr: Origin,
    /// The key of the array or mapping entry that holds it.
    pub key: Option<Origin>,
    /// The env var it was read from, if any.
    pub env: Option<EnvUse>,
}

impl Node {
    pub fn new(val: Val, expr: Origin) -> Self {
        Node {
            val,
            at: expr.clone(),
            expr,
            key: None,
            env: None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.val {
            Val::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// `a.b.c` lookups.
    pub fn path(&self, path: &str) -> Option<&Node> {
        path.split('.').try_fold(self, |node, key| node.get(key))
    }

    pub fn entries(&self) -> &[(String, Node)] {
        match &self.val {
            Val::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn str(&self) -> Option<&str> {
        match &self.val {
            Val::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    pub fn traced(&self) -> Option<&Traced> {
        match &self.val {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as text, as PHP would print it (ints, bools); `None` for null/unknown/arrays.
    pub fn text(&self) -> Option<String> {
        match &self.val {
            Val::Str(s) => Some(s.as_str().to_string()),
            Val::Int(i) => Some(i.to_string()),
            Val::Float(f) => Some(f.to_string()),
            Val::Bool(true) => Some("1".into()),
            Val::Bool(false) => Some(String::new()),
            _ => None,
        }
    }

    /// An integer, from an int or a numeric string (`"587"` from a `.env` file).
    pub fn int(&self) -> Option<i64> {
        match &self.val {
            Val::Int(i) => Some(*i),
            Val::Float(f) if f.fract() == 0.0 => Some(*f as i64),
            Val::Str(s) => s.as_str().trim().parse().ok(),
            Val::Bool(b) => Some(*b as i64),
            _ => None,
        }
    }

    /// PHP `filter_var(FILTER_VALIDATE_BOOLEAN)`: `1/true/on/yes` and `0/false/off/no/""`.
    pub fn boolean(&self) -> Option<bool> {
        match &self.val {
            Val::Bool(b) => Some(*b),
            Val::Int(i) => Some(*i != 0),
            Val::Null => Some(false),
            Val::Str(s) => match s.as_str().trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "on" | "yes" => Some(true),
                "0" | "false" | "off" | "no" | "" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// PHP truthiness, when known.
    pub fn truthy(&self) -> Option<bool> {
        match &self.val {
            Val::Null => Some(false),
            Val::Bool(b) => Some(*b),
            Val::Int(i) => Some(*i != 0),
            Val::Float(f) => Some(*f != 0.0),
            Val::Str(s) => Some(!(s.is_empty() || s.as_str() == "0")),
            Val::Map(m) => Some(!m.is_empty()),
            Val::Unknown => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.val, Val::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.val, Val::Unknown)
    }

    /// A node for part of this string (a DSN's password), pointing at exactly that part.
    pub fn sub(&self, range: std::ops::Range<usize>, val: Val) -> Node {
        let at = self
            .traced()
            .and_then(|t| t.origin_of(range))
            .unwrap_or_else(|| self.at.clone());
        Node {
            val,
            at,
            expr: self.expr.clone(),
            key: self.key.clone(),
            env: self.env.clone(),
        }
    }

    /// Whether the value is written in the config file itself rather than read from the
    /// environment (including an `env()` default that applied).
    pub fn is_literal(&self) -> bool {
        self.env
            .as_ref()
            .is_none_or(|e| matches!(e.outcome, EnvOutcome::Default))
    }
}
